// A generated period of cases, written to the event log as the workflows write it (type, unit,
// data of each step: workflows/case-event-log.ts, case-event-facts.ts, case-children.ts), with
// the plain facts of each case kept beside it so that a test can work out every report's
// figures on its own. Seeded: the same seed gives the same cases. Used by tests/reports.test.ts
// and `npm run bench:reports`.
import type { CaseLogEvent } from '../../infra/case-event-log';

/** What happened in one generated case, as a reader of its records would list it. */
export interface GeneratedCase {
  caseRef: string;
  kind: 'barn' | 'vuxen' | 'utovare';
  kon: string;
  aldersgrupp: string;
  openedBy: string;
  openedAt: number;
  closedAt?: number;
  deadlines: { key: string; unit: string; dueAt: number; doneAt: number }[];
  handovers: { id: string; till: string; sentAt: number; answer?: { type: 'kvitterad' | 'avvisad'; at: number; escalationLevel: number } }[];
  meetings: { id: string; organiser: string; requiredAt: number; dueAt: number; heldAt?: number }[];
  insatser: { id: string; kind: string; decidedBy: string; utforare: string; at: number; reports: { dueAt: number; doneAt?: number; endedAt?: number }[]; interruptedAt?: number }[];
  disputes: { id: string; unit: string; raisedAt: number; decidedAt?: number }[];
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** A small seeded generator (mulberry32): the same cases on every machine. */
function random(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    pick: <T>(items: readonly T[], weights?: readonly number[]): T => {
      if (!weights) return items[Math.floor(next() * items.length)]!;
      let r = next() * weights.reduce((a, b) => a + b, 0);
      for (let i = 0; i < items.length; i++) if ((r -= weights[i]!) < 0) return items[i]!;
      return items[items.length - 1]!;
    },
    chance: (p: number) => next() < p,
  };
}

const childBands = ['0-5', '6-12', '13-17', 'okant'] as const;
const adultBands = ['18-25', '26-64', '65+', 'okant'] as const;
const kons = ['kvinna', 'man', 'annat', 'okant'] as const;

/**
 * `cases` cases opened evenly over `[from, from + days)`. Outcomes are drawn so that every report
 * has large and small groups: a rare gender, a rarely used provider, a unit with few disputes.
 */
export function generateCases(options: { seed: number; from: string; days: number; cases: number; prefix?: string }): GeneratedCase[] {
  const rnd = random(options.seed);
  const start = Date.parse(options.from);
  const span = options.days * DAY;
  const result: GeneratedCase[] = [];
  for (let n = 0; n < options.cases; n++) {
    const kind = rnd.pick(['barn', 'vuxen', 'utovare'] as const, [6, 3, 1]);
    const openedAt = start + Math.floor((n / options.cases) * span) + Math.floor(rnd.next() * HOUR);
    const c: GeneratedCase = {
      caseRef: `${options.prefix ?? 'GEN'}-${options.seed}-${n}`,
      kind,
      kon: rnd.pick(kons, [50, 45, 1, 4]),
      aldersgrupp: kind === 'barn' ? rnd.pick(childBands, [3, 4, 3, 1]) : rnd.pick(adultBands, [3, 10, 1, 1]),
      openedBy: kind === 'barn' ? 'mottagning' : rnd.pick(['mottagning', 'rvt'] as const, [1, 3]),
      openedAt,
      deadlines: [],
      handovers: [],
      meetings: [],
      insatser: [],
      disputes: [],
    };
    // The lifecycle's deadlines: done in time mostly, late by hours, days or weeks otherwise.
    const late = () => (rnd.chance(0.8) ? -Math.floor(rnd.next() * 2 * DAY) : rnd.pick([HOUR * 5, DAY * 3, DAY * 12, DAY * 40], [4, 3, 2, 1]));
    let at = openedAt;
    const steps: { key: string; unit: string; days: number }[] =
      kind === 'barn'
        ? [
            { key: 'barn.skyddsbedomning', unit: 'mottagning', days: 1 },
            { key: 'barn.forhandsbedomning', unit: 'mottagning', days: 14 },
            ...(rnd.chance(0.6) ? [{ key: 'barn.utredning', unit: 'bou', days: 120 }] : []),
          ]
        : kind === 'vuxen'
          ? [
              { key: 'vuxen.riskbedomning', unit: 'rvt', days: 7 },
              ...(rnd.chance(0.5) ? [{ key: 'vuxen.utredning', unit: 'rvt', days: 120 }] : []),
            ]
          : [{ key: 'utovare.erbjudande', unit: 'rvt', days: 10 }];
    for (const step of steps) {
      const dueAt = at + step.days * DAY;
      const doneAt = Math.max(at + HOUR, dueAt + late());
      c.deadlines.push({ key: step.key, unit: step.unit, dueAt, doneAt });
      at = doneAt;
    }
    // A handover to another unit, answered within hours or days; some escalate, some are rejected.
    if (rnd.chance(0.5)) {
      const sentAt = openedAt + 2 * HOUR;
      const till = rnd.pick(['rvt', 'bou', 'resursenhet', 'familjevard'] as const, [5, 5, 2, 1]);
      const answered = rnd.chance(0.95);
      c.handovers.push({
        id: 'o1',
        till: till === c.openedBy ? 'bou' : till,
        sentAt,
        ...(answered ? { answer: { type: rnd.chance(0.93) ? 'kvitterad' : 'avvisad', at: sentAt + Math.floor(rnd.next() * 5 * DAY), escalationLevel: rnd.chance(0.25) ? rnd.pick([1, 2]) : 0 } as const } : {}),
      });
    }
    // A joint meeting when a child lives with violence; held in time, late, or not at all.
    if (kind !== 'utovare' && rnd.chance(0.3)) {
      const requiredAt = openedAt;
      const dueAt = requiredAt + 10 * DAY;
      const outcome = rnd.pick(['i_tid', 'sent', 'aldrig'] as const, [7, 2, 1]);
      c.meetings.push({ id: 'm2', organiser: kind === 'barn' ? 'bou' : 'rvt', requiredAt, dueAt, ...(outcome === 'aldrig' ? {} : { heldAt: outcome === 'i_tid' ? dueAt - DAY : dueAt + 3 * DAY }) });
    }
    // An insats, often skyddat boende at a provider that reports monthly.
    if (kind !== 'utovare' && rnd.chance(0.35)) {
      const kindOfInsats = rnd.pick(['skyddat_boende', 'stodsamtal', 'familjebehandling'] as const, [4, 3, 2]);
      const utforare = kindOfInsats === 'skyddat_boende' ? rnd.pick(['kvinnojour', 'resursenhet', 'familjevard'] as const, [8, 3, 1]) : 'resursenhet';
      const decidedAt = at + DAY;
      const insats: GeneratedCase['insatser'][number] = { id: 'i1', kind: kindOfInsats, decidedBy: kind === 'barn' ? 'bou' : 'rvt', utforare, at: decidedAt, reports: [] };
      if (utforare !== insats.decidedBy) {
        for (let r = 1; r <= 3; r++) {
          const dueAt = decidedAt + r * 30 * DAY;
          const outcome = rnd.pick(['i_tid', 'sen', 'saknas'] as const, [8, 2, 1]);
          insats.reports.push(outcome === 'saknas' ? { dueAt, endedAt: dueAt + 5 * DAY } : { dueAt, doneAt: outcome === 'i_tid' ? dueAt - DAY : dueAt + 2 * DAY });
          if (outcome === 'saknas') break;
        }
        if (rnd.chance(0.1)) insats.interruptedAt = decidedAt + 45 * DAY;
      }
      c.insatser.push(insats);
      at = decidedAt;
    }
    // A dispute now and then, decided within days, or still waiting.
    if (rnd.chance(0.04)) {
      const raisedAt = openedAt + 3 * DAY;
      c.disputes.push({ id: 't3', unit: rnd.pick(['rvt', 'bou', 'mottagning'] as const, [3, 3, 1]), raisedAt, ...(rnd.chance(0.85) ? { decidedAt: raisedAt + Math.floor(rnd.next() * 10 * DAY) } : {}) });
    }
    if (rnd.chance(0.7)) c.closedAt = at + DAY;
    result.push(c);
  }
  return result;
}

const iso = (ms: number) => new Date(ms).toISOString();

/** The event log's rows of a generated case, as the workflows and activities write them. */
export function eventsOf(c: GeneratedCase): CaseLogEvent[] {
  const common = { caseRef: c.caseRef, kind: c.kind, rulesVersion: 1, flags: { vald: 'ja', barnIHushallet: c.kind === 'barn' }, kon: c.kon, aldersgrupp: c.aldersgrupp };
  const rows: CaseLogEvent[] = [];
  let seq = 0;
  const step = (type: string, unit: string, at: number, data: CaseLogEvent['data'] = {}) => rows.push({ ...common, key: `${c.caseRef}/e${seq++}`, type, unit, at: iso(at), data });
  const end = (id: string, type: 'frist_klar' | 'frist_bortfallen', unit: string, key: string, startedAt: number, dueAt: number, closedAt: number, extra: CaseLogEvent['data'] = {}) =>
    rows.push({
      ...common,
      key: `${c.caseRef}/${id}.r0`,
      type,
      unit,
      at: iso(closedAt),
      data: { deadlineKey: key, dueAt: iso(dueAt), startedAt: iso(startedAt), inTime: closedAt <= dueAt, lateSeconds: Math.max(0, Math.round((closedAt - dueAt) / 1000)), escalationLevel: closedAt > dueAt ? 1 : 0, target: null, insatsId: null, ...extra },
    });
  step('oppnat', c.openedBy, c.openedAt);
  let d = 1;
  let start = c.openedAt;
  for (const deadline of c.deadlines) {
    step(deadline.key.split('.')[1]!, deadline.unit, deadline.doneAt, {});
    end(`d${d++}`, 'frist_klar', deadline.unit, deadline.key, start, deadline.dueAt, deadline.doneAt);
    start = deadline.doneAt;
  }
  for (const h of c.handovers) {
    step('overlamning', c.openedBy, h.sentAt, { id: h.id, till: h.till, mottagare: 'intern' });
    if (h.answer) {
      step(`overlamning_${h.answer.type}`, h.till, h.answer.at, { id: h.id, dueAt: iso(h.sentAt + 3 * DAY), escalationLevel: h.answer.escalationLevel, inTime: h.answer.escalationLevel === 0 });
    }
  }
  for (const m of c.meetings) {
    step('planeringsmote_kravs', m.organiser, m.requiredAt, { id: m.id });
    if (m.heldAt !== undefined) step('planeringsmote_hallet', m.organiser, m.heldAt, { id: m.id, dueAt: iso(m.dueAt), escalationLevel: m.heldAt > m.dueAt ? 1 : 0, inTime: m.heldAt <= m.dueAt });
  }
  for (const i of c.insatser) {
    step('besluta_insats', i.decidedBy, i.at, { insats: i.kind, utforare: i.utforare, insatsId: i.id, medfoljandeBarn: 0 });
    i.reports.forEach((report, r) => {
      const id = `d${d++}`;
      if (report.doneAt !== undefined) {
        step('rapport_utforare', i.utforare, report.doneAt, { insatsId: i.id, status: 'pagaende', insats: i.kind, utforare: i.utforare });
        end(id, 'frist_klar', i.utforare, 'utforare_rapport', report.dueAt - 30 * DAY, report.dueAt, report.doneAt, { insatsId: i.id });
      } else {
        end(id, 'frist_bortfallen', i.utforare, 'utforare_rapport', report.dueAt - 30 * DAY, report.dueAt, report.endedAt!, { insatsId: i.id });
      }
      void r;
    });
    if (i.interruptedAt !== undefined) step('rapport_utforare', i.utforare, i.interruptedAt, { insatsId: i.id, status: 'avbruten', insats: i.kind, utforare: i.utforare });
  }
  for (const t of c.disputes) {
    step('tvist', t.unit, t.raisedAt, { id: t.id, foremal: 'overlamning' });
    if (t.decidedAt !== undefined) step('tvist_avgjord', 'ifo', t.decidedAt, { id: t.id, dueAt: iso(t.raisedAt + 14 * DAY), escalationLevel: 0, inTime: true });
  }
  if (c.closedAt !== undefined) step('avsluta_arende', c.openedBy, c.closedAt, { closesCase: true });
  return rows;
}
