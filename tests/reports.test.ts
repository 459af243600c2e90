/* eslint-disable @typescript-eslint/no-explicit-any -- JSON answers are read as the client sees them */
// The reports of aggregate follow-up on the real PostgreSQL, in a database of their own: a
// generated year of cases written to the event log as the workflows write it, and every report's
// figures checked against figures worked out here from the generated cases themselves; small
// groups hidden, and a solver that tries every linear combination of the shown figures cannot work
// a hidden one out. The embedded database gives the same figures. And the same reports count
// what real workflows on the time-skipping server wrote.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DateTime } from 'luxon';
import pg from 'pg';
import { createReportService } from '../api/report-service';
import { defaultRules } from '../domain/default-rules';
import { defaultOrganisation } from '../domain/organisation';
import { createPgCaseEventLog } from '../infra/case-event-log';
import { openDatabase } from '../infra/database';
import { embeddedPoolMax, startEmbeddedDatabase } from '../infra/embedded-database';
import { createPgGoalStore } from '../infra/goal-store';
import { startApiHarness, type ApiHarness } from './support/api-harness';
import { eventsOf, generateCases, type GeneratedCase } from './support/generated-cases';
import { handoverContent } from './support/handover-content';

const zone = defaultRules.timeZone;
const databaseName = `samverkan_reports_${randomUUID().slice(0, 8)}`;
const databaseUrl = `postgres://postgres@127.0.0.1:5432/${databaseName}`;
const year = { fran: '2021-01-01', till: '2021-12-31' };
const from = DateTime.fromISO(year.fran, { zone }).toMillis();
const to = DateTime.fromISO(year.till, { zone }).plus({ days: 1 }).toMillis();
const inYear = (ms: number | undefined) => ms !== undefined && ms >= from && ms < to;
const monthOf = (ms: number) => DateTime.fromMillis(ms, { zone }).toFormat('yyyy-MM');
const DAY = 86_400_000;

// Two years of cases: the one before shows up only as cases still open at the start.
const cases: GeneratedCase[] = [
  ...generateCases({ seed: 2020, from: '2020-01-01T00:00:00Z', days: 366, cases: 600, prefix: 'RAP' }),
  ...generateCases({ seed: 2021, from: '2021-01-01T00:00:00Z', days: 365, cases: 1500, prefix: 'RAP' }),
];
const sektorchef = { unit: 'ifo', role: 'sektorchef' as const };
const samordnare = { unit: 'ifo', role: 'samordnare' as const };

let h: ApiHarness;
beforeAll(async () => {
  h = await startApiHarness({ databaseUrl });
  const log = createPgCaseEventLog(h.pool);
  const events = cases.flatMap(eventsOf);
  for (let i = 0; i < events.length; i += 5000) await log.record(events.slice(i, i + 5000));
}, 120_000);
afterAll(async () => {
  await h?.close();
  const admin = new pg.Client({ connectionString: 'postgres://postgres@127.0.0.1:5432/postgres' });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${databaseName} WITH (FORCE)`);
  await admin.end();
});

const query = (extra = '') => `?fran=${year.fran}&till=${year.till}${extra}`;
const reportsOf = async (caller: { unit: string; role: any } = sektorchef, extra = '') => {
  const response = await h.callAs('GET', `/rapporter${query(extra)}`, caller);
  expect(response.status).toBe(200);
  return response.body as any;
};
const tableOf = (result: any, id: string) => result.reports.flatMap((r: any) => r.tables).find((t: any) => t.id === id);

// ---- The figures worked out from the generated cases alone ----

type Counts = Map<string, Map<string, number>>;
const add = (counts: Counts, row: string, column: string) => {
  const inner = counts.get(row) ?? new Map<string, number>();
  inner.set(column, (inner.get(column) ?? 0) + 1);
  counts.set(row, inner);
};
const lateBucket = (late: number) => (late <= 0 ? 'i_tid' : late <= DAY ? 'dygn' : late <= 7 * DAY ? 'vecka' : late <= 30 * DAY ? 'manad' : 'mer');

function expected(): Record<string, Counts> {
  const tables: Record<string, Counts> = {};
  const t = (id: string) => (tables[id] ??= new Map());
  for (const c of cases) {
    for (const d of c.deadlines) if (inYear(d.doneAt)) add(t(`frist.${d.key}`), d.unit, lateBucket(d.doneAt - d.dueAt));
    for (const ho of c.handovers) {
      if (!ho.answer || !inYear(ho.answer.at)) continue;
      add(t('overlamning'), ho.till, ho.answer.type === 'avvisad' ? 'avvisad' : ho.answer.escalationLevel > 0 ? 'eskalerad' : 'utan_eskalering');
    }
    for (const m of c.meetings) if (inYear(m.requiredAt)) add(t('planeringsmote'), m.organiser, m.heldAt === undefined ? 'ej_hallet' : m.heldAt <= m.dueAt ? 'i_tid' : 'sent');
    if (inYear(c.openedAt)) {
      add(t('arenden.nya'), c.openedBy, c.kind);
      add(t('arenden.nya.kon'), c.kind, c.kon);
      add(t('arenden.nya.alder'), c.kind, c.aldersgrupp);
    }
    if (c.openedAt < to && !(c.closedAt !== undefined && c.closedAt < to)) add(t('arenden.oppna.kon'), c.kind, c.kon);
    for (const i of c.insatser) {
      if (inYear(i.at)) add(t('insatser.kon'), i.kind, c.kon);
      for (const r of i.reports) {
        const endedAt = r.doneAt ?? r.endedAt!;
        if (inYear(endedAt)) add(t('utforare'), i.utforare, r.doneAt === undefined ? 'saknas' : r.doneAt <= r.dueAt ? 'i_tid' : 'sen');
      }
      if (inYear(i.interruptedAt)) add(t('utforare.avbrutna'), i.utforare, 'avbruten');
    }
    for (const d of c.disputes) if (inYear(d.raisedAt)) add(t('tvist'), d.unit, d.decidedAt === undefined ? 'vantar' : 'avgjord');
  }
  return tables;
}

/** PostgreSQL's percentile_cont: linear between the two nearest ranks. */
function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const rank = p * (sorted.length - 1);
  const low = Math.floor(rank);
  return sorted[low]! + (sorted[Math.min(low + 1, sorted.length - 1)]! - sorted[low]!) * (rank - low);
}

/** Every figure of a table against the independent count: shown ones equal, "<5" ones 1–4, and no 1–4 shown. */
function checkTable(table: any, counts: Counts) {
  const value = (row: string | null, column: string | null) => {
    let total = 0;
    for (const [r, inner] of counts) {
      if (row !== null && r !== row) continue;
      for (const [c, n] of inner) if (column === null || c === column) total += n;
    }
    return total;
  };
  const check = (figure: any, want: number) => {
    if (figure.value !== null) expect({ id: figure.id, value: figure.value }).toStrictEqual({ id: figure.id, value: want });
    else if (figure.text === '<5') expect({ id: figure.id, small: want >= 1 && want <= 4 }).toStrictEqual({ id: figure.id, small: true });
    else expect(figure.text).toBe('×');
    if (want >= 1 && want <= 4) expect({ id: figure.id, text: figure.text }).toStrictEqual({ id: figure.id, text: '<5' });
  };
  for (const row of table.rows) {
    table.columns.forEach((column: any, c: number) => check(row.cells[c], value(row.key, column.key)));
    check(row.total, value(row.key, null));
  }
  table.columns.forEach((column: any, c: number) => check(table.totals.cells[c], value(null, column.key)));
  check(table.totals.total, value(null, null));
  // No row of the counts is missing from the table.
  for (const row of counts.keys()) expect(table.rows.map((r: any) => r.key)).toContain(row);
}

// ---- A reader's attack: every sum the tables state, solved for the hidden figures ----

/** The equations a reader has: each line of each table sums to its total; ids are shared figures. */
function equationsOf(tables: any[]): { known: Map<string, number>; lines: string[][] } {
  const known = new Map<string, number>();
  const lines: string[][] = [];
  const note = (figure: any) => {
    if (figure.value !== null) known.set(figure.id, figure.value);
    return figure.id as string;
  };
  for (const table of tables) {
    for (const row of table.rows) lines.push([...row.cells.map(note), `=${note(row.total)}`]);
    table.columns.forEach((_: any, c: number) => lines.push([...table.rows.map((row: any) => note(row.cells[c])), `=${note(table.totals.cells[c])}`]));
    lines.push([...table.rows.map((row: any) => row.total.id), `=${note(table.totals.total)}`]);
    lines.push([...table.totals.cells.map((cell: any) => cell.id), `=${table.totals.total.id}`]);
  }
  return { known, lines };
}

/** Hidden figures a reader can work out exactly from the equations (Gaussian elimination over the unknowns). */
function recoverable(tables: any[], extra: string[][] = []): string[] {
  const { known, lines } = equationsOf(tables);
  const unknown = new Set<string>();
  for (const line of [...lines, ...extra]) for (const id of line) if (!known.has(id.replace(/^=/, ''))) unknown.add(id.replace(/^=/, ''));
  const index = [...unknown];
  const position = new Map(index.map((id, i) => [id, i]));
  const rows: number[][] = [];
  for (const line of [...lines, ...extra]) {
    const row = new Array<number>(index.length).fill(0);
    for (const id of line) {
      const plain = id.replace(/^=/, '');
      const i = position.get(plain);
      if (i !== undefined) row[i]! += id.startsWith('=') ? -1 : 1;
    }
    if (row.some((x) => x !== 0)) rows.push(row);
  }
  const rank = (matrix: number[][]) => {
    const m = matrix.map((r) => [...r]);
    let r = 0;
    for (let c = 0; c < index.length && r < m.length; c++) {
      const pivot = m.findIndex((row, i) => i >= r && Math.abs(row[c]!) > 1e-9);
      if (pivot < 0) continue;
      [m[r], m[pivot]] = [m[pivot]!, m[r]!];
      for (let i = 0; i < m.length; i++) {
        if (i === r || Math.abs(m[i]![c]!) < 1e-12) continue;
        const f = m[i]![c]! / m[r]![c]!;
        for (let k = c; k < index.length; k++) m[i]![k]! -= f * m[r]![k]!;
      }
      r += 1;
    }
    return r;
  };
  const base = rank(rows);
  // A hidden figure is determined when adding "it alone" to the equations does not raise the rank.
  return index.filter((id, i) => rank([...rows, index.map((_, k) => (k === i ? 1 : 0))]) === base);
}

describe('a generated year', () => {
  test("every report's figures are those worked out from the cases, small groups hidden", async () => {
    const result = await reportsOf();
    const want = expected();
    const ids = Object.keys(want).sort();
    expect(ids).toStrictEqual(
      ['arenden.nya', 'arenden.nya.alder', 'arenden.nya.kon', 'arenden.oppna.kon', 'insatser.kon', 'overlamning', 'planeringsmote', 'tvist', 'utforare', 'utforare.avbrutna', ...Object.keys(want).filter((k) => k.startsWith('frist.'))].sort(),
    );
    for (const id of ids) checkTable(tableOf(result, id), want[id]!);
    // The generated year has small groups, and some are hidden only to protect another.
    const texts = result.reports.flatMap((r: any) => r.tables).flatMap((t: any) => [...t.rows, t.totals]).flatMap((row: any) => [...row.cells, row.total].map((f: any) => f.text));
    expect(texts).toContain('<5');
    expect(texts).toContain('×');
  });

  test('lead times: sent → kvitterad in hours and raised → decided in days, per unit, as percentiles of the cases', async () => {
    const result = await reportsOf();
    const leads = new Map<string, number[]>();
    for (const c of cases) {
      for (const ho of c.handovers) {
        if (ho.answer?.type !== 'kvitterad' || !inYear(ho.answer.at)) continue;
        for (const key of [ho.till, '*']) leads.set(key, [...(leads.get(key) ?? []), (ho.answer.at - ho.sentAt) / 3_600_000]);
      }
    }
    const table = tableOf(result, 'overlamning');
    for (const row of [...table.rows, { ...table.totals, key: '*' }]) {
      const values = leads.get(row.key) ?? [];
      // A percentile of fewer than five says something of each of them: not shown.
      const want = values.length < 5 ? { p50: null, p90: null } : { p50: Math.round(10 * percentile(values, 0.5)) / 10, p90: Math.round(10 * percentile(values, 0.9)) / 10 };
      expect(row.extra).toStrictEqual(want);
    }
    const days = new Map<string, number[]>();
    for (const c of cases) {
      for (const d of c.disputes) {
        if (d.decidedAt === undefined || !inYear(d.raisedAt)) continue;
        for (const key of [d.unit, '*']) days.set(key, [...(days.get(key) ?? []), (d.decidedAt - d.raisedAt) / DAY]);
      }
    }
    const disputes = tableOf(result, 'tvist');
    const sector = days.get('*')!;
    expect(disputes.totals.extra).toStrictEqual({ p50: Math.round(10 * percentile(sector, 0.5)) / 10, p90: Math.round(10 * percentile(sector, 0.9)) / 10 });
  });

  test('no hidden figure can be worked out from the shown ones and the totals, together or one unit at a time', async () => {
    const result = await reportsOf();
    const tables = [...result.reports.flatMap((r: any) => r.tables), ...result.reports.flatMap((r: any) => r.indicators.map((i: any) => i.table))];
    // What a reader also knows: a handover trend's months count only the kvitterade with a known escalation.
    const handoverTrend = result.reports.find((r: any) => r.id === 'overlamningar').indicators[0].table;
    const handovers = tableOf(result, 'overlamning');
    const extra = [[handovers.totals.cells[0].id, handovers.totals.cells[1].id, `=${handoverTrend.totals.total.id}`]];
    const hidden = tables.flatMap((t: any) => [...t.rows, t.totals]).flatMap((row: any) => [...row.cells, row.total]).filter((f: any) => f.value === null);
    expect(hidden.length).toBeGreaterThan(10);
    expect(recoverable(tables, extra)).toStrictEqual([]);
    // One unit's view shows a subset of the same figures: nothing new to solve with.
    const rvt = await reportsOf({ unit: 'rvt', role: 'enhetschef' });
    for (const table of rvt.reports.flatMap((r: any) => r.tables)) {
      const full = tableOf(result, table.id);
      expect(table.totals).toStrictEqual(full.totals);
      expect(table.rows).toStrictEqual(table.byUnit ? full.rows.filter((row: any) => row.key === 'rvt') : full.rows);
    }
  });

  test('the goals: the samordnare sets them as versions, each indicator shows its figure against its target and its trend by month', async () => {
    const before = await h.callAs('GET', '/rapporter/mal', samordnare);
    expect(before.status).toBe(200);
    expect(before.body.current.version).toBe(0);
    const draft = { mal: [{ indikator: 'frist.barn.forhandsbedomning', mal: 85 }, { indikator: 'planeringsmote.i_tid', mal: 60 }], skal: 'Mål för 2021 enligt nämndens beslut', baseradPa: 0 };
    // Refused whole: a target over 100 %, a second goal for one indicator, a sektorchef, a stale version.
    const bad = await h.callAs('POST', '/rapporter/mal', samordnare, { ...draft, mal: [{ indikator: 'planeringsmote.i_tid', mal: 120 }] });
    expect(bad.status).toBe(400);
    expect(bad.body.error.fields).toContainEqual({ field: 'mal.0.mal', message: 'Målet är högst 100 %' });
    expect((await h.callAs('POST', '/rapporter/mal', samordnare, { ...draft, mal: [...draft.mal, draft.mal[0]] })).status).toBe(400);
    expect((await h.callAs('POST', '/rapporter/mal', sektorchef, draft)).status).toBe(403);
    const saved = await h.callAs('POST', '/rapporter/mal', samordnare, draft);
    expect(saved.status).toBe(201);
    expect(saved.body.version).toBe(1);
    const stale = await h.callAs('POST', '/rapporter/mal', samordnare, { ...draft, mal: [] });
    expect(stale.status).toBe(409);
    const goals = await h.callAs('GET', '/rapporter/mal', sektorchef);
    expect(goals.body.history.map((v: any) => v.version)).toStrictEqual([1, 0]);

    const result = await reportsOf();
    expect(result.goals.version).toBe(1);
    const indicator = result.reports.flatMap((r: any) => r.indicators).find((i: any) => i.indikator === 'frist.barn.forhandsbedomning');
    let done = 0;
    let inTime = 0;
    const byMonth = new Map<string, [number, number]>();
    for (const c of cases) {
      for (const d of c.deadlines) {
        if (d.key !== 'barn.forhandsbedomning' || !inYear(d.doneAt)) continue;
        done += 1;
        const ok = d.doneAt <= d.dueAt ? 1 : 0;
        inTime += ok;
        const [y, n] = byMonth.get(monthOf(d.doneAt)) ?? [0, 0];
        byMonth.set(monthOf(d.doneAt), [y + ok, n + 1]);
      }
    }
    expect(indicator.target).toBe(85);
    expect(indicator.actual).toBe(Math.round((1000 * inTime) / done) / 10);
    expect(indicator.met).toBe(indicator.actual >= 85);
    expect(indicator.trend.map((t: any) => t.month)).toStrictEqual(Array.from({ length: 12 }, (_, m) => `2021-${String(m + 1).padStart(2, '0')}`));
    for (const point of indicator.trend) {
      const [y, n] = byMonth.get(point.month)!;
      // A month whose late (or in-time) ones are a small group shows no share; a shown share is the month's.
      const small = (y >= 1 && y <= 4) || (n - y >= 1 && n - y <= 4);
      expect(small ? point.share : (point.share ?? Math.round((1000 * y) / n) / 10)).toBe(small ? null : Math.round((1000 * y) / n) / 10);
    }
  });

  test('each report as CSV: the same figures, hidden ones as on the page', async () => {
    const result = await reportsOf();
    const response = await h.app.inject({ method: 'GET', url: `/rapporter/utforare/csv${query()}`, headers: { authorization: `Bearer ${await h.token(sektorchef)}` } });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(response.headers['content-disposition']).toBe(`attachment; filename="uppfoljning-utforare-${year.fran}-${year.till}.csv"`);
    const lines = response.body.replace(/^\uFEFF/, '').split('\r\n');
    const table = tableOf(result, 'utforare');
    for (const row of [...table.rows, table.totals]) expect(lines).toContain([row.label, ...row.cells.map((c: any) => c.text), row.total.text].join(';'));
  });

  test('bad input is refused at its field in Swedish and who may read is checked', async () => {
    const refusal = async (url: string, caller: any = sektorchef) => {
      const response = await h.callAs('GET', url, caller);
      return { status: response.status, fields: response.body.error?.fields };
    };
    expect(await refusal('/rapporter?fran=2021-02-30')).toStrictEqual({ status: 400, fields: [{ field: 'fran', message: 'Ogiltigt datum (ÅÅÅÅ-MM-DD)' }] });
    expect(await refusal('/rapporter?fran=2021-05-01&till=2021-04-01')).toStrictEqual({ status: 400, fields: [{ field: 'till', message: 'Periodens slut ligger före dess början' }] });
    expect(await refusal('/rapporter?fran=2010-01-01&till=2021-01-01')).toStrictEqual({ status: 400, fields: [{ field: 'till', message: 'En period är högst 5 år' }] });
    expect(await refusal('/rapporter?enhet=finns-inte')).toStrictEqual({ status: 400, fields: [{ field: 'enhet', message: 'Okänd enhet: finns-inte' }] });
    expect((await refusal('/rapporter/okand/csv')).status).toBe(400);
    expect((await refusal('/rapporter', { unit: 'rvt', role: 'handlaggare' })).status).toBe(403);
    expect((await refusal('/rapporter?enhet=bou', { unit: 'rvt', role: 'enhetschef' })).status).toBe(403);
  });
});

test('the embedded database gives the same figures as PostgreSQL', async () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'samverkan-reports-'));
  const embedded = await startEmbeddedDatabase({ dataDir });
  const pool = await openDatabase(embedded.url, { max: embeddedPoolMax });
  try {
    const log = createPgCaseEventLog(pool);
    const events = cases.flatMap(eventsOf);
    for (let i = 0; i < events.length; i += 5000) await log.record(events.slice(i, i + 5000));
    const service = (on: pg.Pool) => createReportService({ pool: on, goals: createPgGoalStore(on, 'same-figures'), organisation: async () => defaultOrganisation, rules: async () => defaultRules });
    const caller = { sub: 'sektorchef', role: 'sektorchef' as const, unit: 'ifo' };
    const onServer = await service(h.pool).read(caller, year);
    const onEmbedded = await service(pool).read(caller, year);
    expect(onEmbedded.reports).toStrictEqual(onServer.reports);
  } finally {
    await pool.end();
    await embedded.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}, 120_000);

test('what real workflows write is what the reports count', async () => {
  // Five children's cases: each skyddsbedömning made at once, a handover to BoU kvitterad.
  const run = randomUUID().slice(0, 6);
  const today = DateTime.fromJSDate(new Date(), { zone }).toISODate()!;
  for (let n = 0; n < 5; n++) {
    const caseRef = `REAL-${run}-${n}`;
    const flags = { vald: 'nej', barnIHushallet: false, hedersrelaterat: false, skyddadeUppgifter: false };
    expect((await h.callAs('POST', '/cases', { unit: 'mottagning' }, { caseRef, kind: 'barn', flags, person: { kon: 'kvinna', aldersgrupp: '6-12' } })).status).toBe(201);
    expect((await h.callAs('POST', `/cases/${caseRef}/actions`, { unit: 'mottagning' }, { type: 'skyddsbedomning', skyddsbehov: 'ej_akut' })).status).toBe(200);
    const sent = await h.callAs('POST', `/cases/${caseRef}/overlamningar`, { unit: 'mottagning' }, { till: 'bou', innehall: handoverContent({ vald: 'nej' }) });
    expect(sent.status).toBe(201);
    expect((await h.callAs('POST', `/cases/${caseRef}/overlamningar/${sent.body.id}/svar`, { unit: 'bou' }, { typ: 'kvittera' })).status).toBe(200);
  }
  // The log is written after the answers; the reports see it once it is there.
  let result: any;
  for (let i = 0; i < 100; i++) {
    result = (await h.callAs('GET', `/rapporter?fran=${today}&till=${today}`, sektorchef)).body;
    const row = tableOf(result, 'overlamning').rows.find((r: any) => r.key === 'bou');
    if (row?.cells[0].value === 5) break;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  const skydd = tableOf(result, 'frist.barn.skyddsbedomning').rows.find((r: any) => r.key === 'mottagning');
  expect(skydd.cells[0]).toMatchObject({ value: 5 });
  const handovers = tableOf(result, 'overlamning').rows.find((r: any) => r.key === 'bou');
  expect(handovers.cells.map((c: any) => c.text)).toStrictEqual(['5', '0', '0', '0']);
  expect(handovers.extra.p50).toBeGreaterThanOrEqual(0);
  expect(tableOf(result, 'arenden.nya.kon').rows.find((r: any) => r.key === 'barn').cells[0]).toMatchObject({ value: 5 });
  expect(tableOf(result, 'arenden.nya.alder').rows.find((r: any) => r.key === 'barn').cells[1]).toMatchObject({ value: 5 });
}, 120_000);
