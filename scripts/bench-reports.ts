// `npm run bench:reports`: each report's latency over one and over five years of Stockholm's
// volume (about 40 000 reports of concern a year); the goal is under one second for a year.
// Prints figures and asserts nothing. Writes generated cases (tests/support/generated-cases.ts)
// into a database of its own: a fresh `samverkan_bench_<random>` on the server of DATABASE_URL
// (dropped at the end unless BENCH_KEEP=1), or, with BENCH_DB=embedded or without DATABASE_URL,
// the embedded PGlite in a temporary folder.
// CASES_PER_YEAR (default 40 000), YEARS (default 5, ending with 2019), RUNS (default 5, after
// one warm-up), BENCH_EXPLAIN=1 prints EXPLAIN ANALYZE of every query over the last year.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import path from 'node:path';
import { DateTime } from 'luxon';
import pg from 'pg';
import { createReportService } from '../api/report-service';
import { defaultRules } from '../domain/default-rules';
import { defaultOrganisation } from '../domain/organisation';
import { reportIds } from '../domain/reports';
import { createPgCaseEventLog } from '../infra/case-event-log';
import { openDatabase, poolTimeouts } from '../infra/database';
import { embeddedPoolMax, startEmbeddedDatabase, type EmbeddedDatabase } from '../infra/embedded-database';
import { createPgGoalStore } from '../infra/goal-store';
import { inParallel } from '../infra/in-parallel';
import { reportFactNames, reportFactQueries, readReportFactsOf, type ReportPeriod } from '../infra/report-queries';
import { eventsOf, generateCases } from '../tests/support/generated-cases';

const casesPerYear = Number(process.env.CASES_PER_YEAR ?? 40_000);
const years = Number(process.env.YEARS ?? 5);
const runs = Number(process.env.RUNS ?? 5);
const lastYear = 2019;
const firstYear = lastYear - years + 1;
const batch = 5_000;
const embedded = process.env.BENCH_DB === 'embedded' || !process.env.DATABASE_URL;
const timeZone = defaultRules.timeZone;

// The database: a fresh one on the server, or PGlite in a temporary folder.
let url: string;
let embeddedDb: EmbeddedDatabase | undefined;
let tempDir: string | undefined;
let adminUrl: string | undefined;
let benchName: string | undefined;
if (embedded) {
  tempDir = mkdtempSync(path.join(tmpdir(), 'samverkan-bench-reports-'));
  embeddedDb = await startEmbeddedDatabase({ dataDir: tempDir });
  url = embeddedDb.url;
} else {
  benchName = `samverkan_bench_${randomBytes(4).toString('hex')}`;
  const target = new URL(process.env.DATABASE_URL!);
  target.pathname = `/${benchName}`;
  url = target.toString();
  const admin = new URL(url);
  admin.pathname = '/postgres';
  adminUrl = admin.toString();
}
const poolMax = embedded ? embeddedPoolMax : 5;
// openDatabase creates the database and runs the migrations; its pool writes the cases.
const pool = await openDatabase(url, { max: poolMax });
// Reads without the API's timeouts, so that a slow report still gets a figure: the table marks
// what statement_timeout would have cancelled; and a query waiting for the embedded database's
// one connection gives up after connectionTimeoutMillis (3 s) in the API.
let readPool: pg.Pool | undefined;
try {
  const log = createPgCaseEventLog(pool);
  let rows = 0;
  const t0 = performance.now();
  for (let year = firstYear; year <= lastYear; year++) {
    const days = DateTime.utc(year, 12, 31).ordinal;
    const events = generateCases({ seed: year, from: `${year}-01-01T00:00:00Z`, days, cases: casesPerYear, prefix: 'BENCH' }).flatMap(eventsOf);
    await inParallel(Math.ceil(events.length / batch), poolMax, async (i) => {
      const written = await log.record(events.slice(i * batch, (i + 1) * batch));
      rows += written; // not `rows += await …`: that would add to the value read before the wait

    });
  }
  const insertSeconds = (performance.now() - t0) / 1000;
  // Statistics and visibility map as autovacuum keeps them on a log that has lived a while
  // (index-only scans need the latter).
  await pool.query('VACUUM ANALYZE case_event');
  await pool.end();

  readPool = new pg.Pool({ connectionString: url, max: poolMax, ...poolTimeouts, connectionTimeoutMillis: 0, statement_timeout: 0, query_timeout: 0 });
  // Dropping the database at the end ends its connections: not an error of the benchmark.
  readPool.on('error', () => undefined);
  const service = createReportService({ pool: readPool, goals: createPgGoalStore(readPool, 'bench'), organisation: async () => defaultOrganisation, rules: async () => defaultRules });
  const sektorchef = { sub: 'bench', role: 'sektorchef' as const, unit: defaultOrganisation.sector.id };

  const server = (await readPool.query<{ version: string }>('SELECT version()')).rows[0]!.version;
  console.log(`database: ${embedded ? 'embedded PGlite (pglite-socket, 1 connection)' : `PostgreSQL at ${new URL(url).host} (pool of ${poolMax})`}`);
  console.log(`  ${server}`);
  console.log(`node ${process.version}, ${cpus().length} CPUs (${cpus()[0]?.model ?? 'unknown'})`);
  console.log(`wrote ${rows} case_event rows (${casesPerYear * years} cases, ${firstYear}–${lastYear}) in ${insertSeconds.toFixed(1)} s (${(rows / insertSeconds).toFixed(0)} rows/s, ${batch} per record())`);

  const periodOf = (fran: string, till: string): ReportPeriod & { fran: string; till: string } => ({
    fran,
    till,
    from: DateTime.fromISO(fran, { zone: timeZone }).toJSDate(),
    to: DateTime.fromISO(till, { zone: timeZone }).plus({ days: 1 }).toJSDate(),
    timeZone,
  });
  const periods = [
    { label: '1 year', ...periodOf(`${lastYear}-01-01`, `${lastYear}-12-31`) },
    ...(years > 1 ? [{ label: `${years} years`, ...periodOf(`${firstYear}-01-01`, `${lastYear}-12-31`) }] : []),
  ];

  const timed = async (work: () => Promise<unknown>) => {
    await work();
    const times: number[] = [];
    for (let run = 0; run < runs; run++) {
      const t0 = performance.now();
      await work();
      times.push(performance.now() - t0);
    }
    times.sort((a, b) => a - b);
    return { p50: times[Math.floor(times.length / 2)]!, max: times[times.length - 1]! };
  };
  const rowCount = (facts: object) => Object.values(facts).reduce((sum: number, list: unknown[]) => sum + list.length, 0);

  type Line = { label: string; rows: number[]; figures: { p50: number; max: number }[] };
  const lines: Line[] = [];
  for (const id of reportIds) {
    const line: Line = { label: `${id} (${reportFactNames[id].join(', ')})`, rows: [], figures: [] };
    for (const period of periods) {
      line.rows.push(rowCount(await readReportFactsOf(readPool, period, id)));
      line.figures.push(await timed(() => readReportFactsOf(readPool!, period, id)));
    }
    lines.push(line);
  }
  const whole: Line = { label: 'service.read(): all reports, suppression', rows: [], figures: [] };
  for (const period of periods) {
    const result = await service.read(sektorchef, { fran: period.fran, till: period.till });
    whole.rows.push(result.reports.reduce((sum, r) => sum + r.tables.reduce((s, t) => s + t.rows.length, 0), 0));
    whole.figures.push(await timed(() => service.read(sektorchef, { fran: period.fran, till: period.till })));
  }
  lines.push(whole);

  // ×: a statement over statement_timeout; †: the embedded API's last queued query would have given up.
  const ms = (value: number, line: Line) => {
    const mark = line === whole ? (embedded && value > poolTimeouts.connectionTimeoutMillis ? ' †' : '') : value > poolTimeouts.statement_timeout ? ' ×' : '';
    return `${value.toFixed(0)} ms${mark}`.padStart(10);
  };
  console.log(`\nlatency (median and max of ${runs} runs after one warm-up; rows: fact rows read, or table rows shown for service.read):\n`);
  console.log(`| ${'report (facts)'.padEnd(48)} | ${periods.map((p) => `${`rows ${p.label}`.padStart(13)} | ${`p50 ${p.label}`.padStart(12)} | ${`max ${p.label}`.padStart(12)}`).join(' | ')} |`);
  console.log(`|${'-'.repeat(50)}|${periods.map(() => `${'-'.repeat(15)}|${'-'.repeat(14)}|${'-'.repeat(14)}`).join('|')}|`);
  for (const line of lines) {
    console.log(`| ${line.label.padEnd(48)} | ${line.figures.map((f, i) => `${String(line.rows[i]).padStart(13)} | ${ms(f.p50, line).padStart(12)} | ${ms(f.max, line).padStart(12)}`).join(' | ')} |`);
  }
  const slow = lines.filter((l) => l.figures[0]!.p50 > 1000).map((l) => (l === whole ? 'service.read()' : l.label.split(' ')[0]));
  console.log(`\ngoal: under 1 s for a year — ${slow.length === 0 ? 'met by every report and by service.read()' : `missed by ${slow.join(', ')}`}`);
  if (lines.some((l) => l !== whole && l.figures.some((f) => f.max > poolTimeouts.statement_timeout))) console.log(`×: over the API's statement_timeout of ${poolTimeouts.statement_timeout} ms`);
  if (embedded && whole.figures.some((f) => f.max > poolTimeouts.connectionTimeoutMillis)) {
    console.log(`†: the API would fail: it queues the queries for the embedded database's one connection, and one waiting over ${poolTimeouts.connectionTimeoutMillis} ms gives up (connectionTimeoutMillis)`);
  }

  if (process.env.BENCH_EXPLAIN === '1') {
    for (const [name, query] of Object.entries(reportFactQueries)) {
      const plan = await readPool.query<{ 'QUERY PLAN': string }>(`EXPLAIN (ANALYZE, BUFFERS) ${query.sql}`, query.params(periods[0]!));
      console.log(`\n-- ${name}, ${periods[0]!.label}\n${plan.rows.map((r) => r['QUERY PLAN']).join('\n')}`);
    }
  }
  console.log(`\nmemory of this process: ${(process.memoryUsage().rss / 1024 / 1024).toFixed(0)} MB rss`);
} finally {
  await readPool?.end();
  if (!pool.ended) await pool.end();
  if (embeddedDb) {
    await embeddedDb.stop();
    if (process.env.BENCH_KEEP === '1') console.log(`kept the embedded database in ${tempDir}`);
    else rmSync(tempDir!, { recursive: true, force: true });
  } else if (process.env.BENCH_KEEP === '1') {
    console.log(`kept the database ${benchName}`);
  } else {
    const admin = new pg.Client({ connectionString: adminUrl });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS "${benchName}" WITH (FORCE)`);
    await admin.end();
  }
}
