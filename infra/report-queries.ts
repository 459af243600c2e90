// The reports' figures from the event log (migrations/0005_case-event.sql): counts grouped by
// month of the municipality's calendar, unit and category, for one period. The reports sum the
// months for the period and keep them for the trend; lead times come as percentiles per unit.
// Plain SQL over one table, so the embedded database gives the same figures as a server.
import { DateTime } from 'luxon';
import { inParallel } from './in-parallel';
import type pg from 'pg';

export interface ReportPeriod {
  /** First moment of the period. */
  from: Date;
  /** First moment after it. */
  to: Date;
  timeZone: string;
}

/** A count of one category in one month and unit (or kind of case, or insats). */
export interface CountRow {
  month: string;
  unit: string;
  group: string;
  category: string;
  count: number;
}

export interface LeadTimeRow {
  /** Null for the whole sector. */
  unit: string | null;
  count: number;
  p50: number;
  p90: number;
}

export interface CaseCountRow {
  month: string;
  unit: string;
  kind: string;
  kon: string;
  aldersgrupp: string;
  count: number;
}

export interface ReportFacts {
  deadlines: CountRow[];
  handovers: CountRow[];
  handoverLeadHours: LeadTimeRow[];
  meetings: CountRow[];
  newCases: CaseCountRow[];
  openCases: CaseCountRow[];
  insatser: CountRow[];
  providerReports: CountRow[];
  interrupted: CountRow[];
  disputes: CountRow[];
  disputeDecisionDays: LeadTimeRow[];
}

// The month of a step as the number of its month in the period (1, 2, …): a binary search among
// the months' first moments, passed in, instead of a time-zone conversion and a format per row.
const month = (column: string) => `width_bucket(extract(epoch FROM ${column}), $3::float8[])`;
const inPeriod = (column: string) => `${column} >= $1 AND ${column} < $2`;

const countQueries = {
  // Lifecycle deadlines (their keys have a dot: barn.forhandsbedomning) done in the period, by lateness.
  deadlines: `
    SELECT ${month('at')} AS month, unit, data->>'deadlineKey' AS "group",
      CASE WHEN (data->>'inTime')::boolean THEN 'i_tid'
           WHEN (data->>'lateSeconds')::int <= 86400 THEN 'dygn'
           WHEN (data->>'lateSeconds')::int <= 7 * 86400 THEN 'vecka'
           WHEN (data->>'lateSeconds')::int <= 30 * 86400 THEN 'manad'
           ELSE 'mer' END AS category,
      count(*)::int AS count
    FROM case_event WHERE type = 'frist_klar' AND ${inPeriod('at')} AND data->>'deadlineKey' LIKE '%.%'
    GROUP BY 1, 2, 3, 4`,
  // Handovers answered in the period, by the receiving unit (who answered) and whether its clock escalated.
  handovers: `
    SELECT ${month('at')} AS month, unit, '' AS "group",
      CASE WHEN type = 'overlamning_avvisad' THEN 'avvisad'
           WHEN NOT data ? 'escalationLevel' THEN 'okand'
           WHEN (data->>'escalationLevel')::int > 0 THEN 'eskalerad'
           ELSE 'utan_eskalering' END AS category,
      count(*)::int AS count
    FROM case_event WHERE type IN ('overlamning_kvitterad', 'overlamning_avvisad') AND ${inPeriod('at')}
    GROUP BY 1, 2, 3, 4`,
  // Joint meetings required in the period, by organiser, and whether (and in time) they were held since.
  meetings: `
    SELECT ${month('r.at')} AS month, r.unit, '' AS "group",
      CASE WHEN h.event_key IS NULL THEN 'ej_hallet' WHEN (h.data->>'inTime')::boolean THEN 'i_tid' ELSE 'sent' END AS category,
      count(*)::int AS count
    FROM case_event r
    LEFT JOIN case_event h ON h.case_ref = r.case_ref AND h.type = 'planeringsmote_hallet' AND h.data->>'id' = r.data->>'id'
    WHERE r.type = 'planeringsmote_kravs' AND ${inPeriod('r.at')}
    GROUP BY 1, 2, 3, 4`,
  insatser: `
    SELECT ${month('at')} AS month, unit, data->>'insats' AS "group", kon AS category, count(*)::int AS count
    FROM case_event WHERE type = 'besluta_insats' AND ${inPeriod('at')}
    GROUP BY 1, 2, 3, 4`,
  // A provider's report deadlines that ended in the period: reported in time, late, or never (ended overdue).
  providerReports: `
    SELECT ${month('at')} AS month, unit, '' AS "group",
      CASE WHEN type = 'frist_bortfallen' THEN 'saknas' WHEN (data->>'inTime')::boolean THEN 'i_tid' ELSE 'sen' END AS category,
      count(*)::int AS count
    FROM case_event
    WHERE type IN ('frist_klar', 'frist_bortfallen') AND data->>'deadlineKey' = 'utforare_rapport' AND ${inPeriod('at')}
      AND (type = 'frist_klar' OR (data->>'lateSeconds')::int > 0)
    GROUP BY 1, 2, 3, 4`,
  interrupted: `
    SELECT ${month('at')} AS month, unit, coalesce(data->>'insats', '') AS "group", 'avbruten' AS category, count(*)::int AS count
    FROM case_event WHERE type = 'rapport_utforare' AND data->>'status' = 'avbruten' AND ${inPeriod('at')}
    GROUP BY 1, 2, 3, 4`,
  // Disputes raised in the period, by the raising unit, decided since or still waiting.
  disputes: `
    SELECT ${month('t.at')} AS month, t.unit, '' AS "group", CASE WHEN d.event_key IS NULL THEN 'vantar' ELSE 'avgjord' END AS category, count(*)::int AS count
    FROM case_event t
    LEFT JOIN case_event d ON d.case_ref = t.case_ref AND d.type = 'tvist_avgjord' AND d.data->>'id' = t.data->>'id'
    WHERE t.type = 'tvist' AND ${inPeriod('t.at')}
    GROUP BY 1, 2, 3, 4`,
};

const caseQueries = {
  newCases: `
    SELECT ${month('at')} AS month, unit, case_kind AS kind, kon, aldersgrupp, count(*)::int AS count
    FROM case_event WHERE type = 'oppnat' AND ${inPeriod('at')}
    GROUP BY 1, 2, 3, 4, 5`,
  // Open at the period's end: opened before it, not closed before it.
  openCases: `
    SELECT '' AS month, o.unit, o.case_kind AS kind, o.kon, o.aldersgrupp, count(*)::int AS count
    FROM case_event o
    WHERE o.type = 'oppnat' AND o.at < $1
      AND NOT EXISTS (SELECT 1 FROM case_event c WHERE c.case_ref = o.case_ref AND c.data ? 'closesCase' AND c.at < $1)
    GROUP BY 1, 2, 3, 4, 5`,
};

const percentiles = (seconds: string, divisor: number) =>
  `count(*)::int AS count, (percentile_cont(0.5) WITHIN GROUP (ORDER BY ${seconds}) / ${divisor})::float8 AS p50, (percentile_cont(0.9) WITHIN GROUP (ORDER BY ${seconds}) / ${divisor})::float8 AS p90`;

const leadQueries = {
  // Sent → kvitterad, in hours, per receiving unit and for the sector.
  handoverLeadHours: `
    SELECT k.unit, ${percentiles('extract(epoch FROM k.at - s.at)', 3600)}
    FROM case_event k JOIN case_event s ON s.case_ref = k.case_ref AND s.type = 'overlamning' AND s.data->>'id' = k.data->>'id'
    WHERE k.type = 'overlamning_kvitterad' AND ${inPeriod('k.at')}
    GROUP BY GROUPING SETS ((k.unit), ())`,
  // Raised → decided, in days, per raising unit and for the sector (disputes raised in the period).
  disputeDecisionDays: `
    SELECT t.unit, ${percentiles('extract(epoch FROM d.at - t.at)', 86400)}
    FROM case_event t JOIN case_event d ON d.case_ref = t.case_ref AND d.type = 'tvist_avgjord' AND d.data->>'id' = t.data->>'id'
    WHERE t.type = 'tvist' AND ${inPeriod('t.at')}
    GROUP BY GROUPING SETS ((t.unit), ())`,
};

type FactName = keyof ReportFacts;

/** Which facts each report of domain/reports.ts reads (by its id), so that one report can be read, or timed, alone. */
export const reportFactNames = {
  frister: ['deadlines'],
  overlamningar: ['handovers', 'handoverLeadHours'],
  planeringsmoten: ['meetings'],
  arenden: ['newCases', 'openCases', 'insatser'],
  utforare: ['providerReports', 'interrupted'],
  tvister: ['disputes', 'disputeDecisionDays'],
} as const satisfies Record<string, readonly FactName[]>;

// Each fact's SQL and parameters (for EXPLAIN too), in the order readReportFacts has always started them.
export const reportFactQueries: { [K in FactName]: { sql: string; params: (period: ReportPeriod) => unknown[] } } = (() => {
  const monthly = (p: ReportPeriod) => [p.from, p.to, monthsOfPeriod(p).map((m) => m.start / 1000)];
  const span = (p: ReportPeriod) => [p.from, p.to];
  return {
    deadlines: { sql: countQueries.deadlines, params: monthly },
    handovers: { sql: countQueries.handovers, params: monthly },
    meetings: { sql: countQueries.meetings, params: monthly },
    insatser: { sql: countQueries.insatser, params: monthly },
    providerReports: { sql: countQueries.providerReports, params: monthly },
    interrupted: { sql: countQueries.interrupted, params: monthly },
    disputes: { sql: countQueries.disputes, params: monthly },
    newCases: { sql: caseQueries.newCases, params: monthly },
    openCases: { sql: caseQueries.openCases, params: (p) => [p.to] },
    handoverLeadHours: { sql: leadQueries.handoverLeadHours, params: span },
    disputeDecisionDays: { sql: leadQueries.disputeDecisionDays, params: span },
  };
})();

/** The months a period touches, in the municipality's calendar: each one's first moment and its name (YYYY-MM). */
export function monthsOfPeriod(period: Pick<ReportPeriod, 'from' | 'to' | 'timeZone'>): { start: number; name: string }[] {
  const months: { start: number; name: string }[] = [];
  for (let m = DateTime.fromJSDate(period.from, { zone: period.timeZone }).startOf('month'); m.toMillis() < period.to.getTime(); m = m.plus({ months: 1 })) {
    months.push({ start: m.toMillis(), name: m.toFormat('yyyy-MM') });
  }
  return months;
}

/** The named facts for one period, read in parallel where the pool allows. */
export async function readFacts<N extends FactName>(pool: pg.Pool, period: ReportPeriod, names: readonly N[]): Promise<Pick<ReportFacts, N>> {
  const months = monthsOfPeriod(period).map((m) => m.name);
  const rows: unknown[][] = [];
  // One connection kept free for the rest of the API; the embedded database's only one is taken
  // by one query at a time, so none of them waits in its queue behind all the others.
  const lanes = Math.max(1, (pool.options.max ?? 5) - 1);
  await inParallel(names.length, lanes, async (i) => {
    const query = reportFactQueries[names[i]!];
    const result = await pool.query(query.sql, query.params(period));
    // A month's number back to its name; the open cases have none.
    rows[i] = result.rows.map((row: { month?: unknown }) => (typeof row.month === 'number' ? { ...row, month: months[row.month - 1] ?? '' } : row));
  });
  return Object.fromEntries(names.map((name, i) => [name, rows[i]])) as Pick<ReportFacts, N>;
}

/** Every figure the reports need for one period, read in parallel where the pool allows. */
export async function readReportFacts(pool: pg.Pool, period: ReportPeriod): Promise<ReportFacts> {
  const f = await readFacts(pool, period, Object.keys(reportFactQueries) as FactName[]);
  return { deadlines: f.deadlines, handovers: f.handovers, handoverLeadHours: f.handoverLeadHours, meetings: f.meetings, newCases: f.newCases, openCases: f.openCases, insatser: f.insatser, providerReports: f.providerReports, interrupted: f.interrupted, disputes: f.disputes, disputeDecisionDays: f.disputeDecisionDays };
}

/** One report's facts (its id in reportFactNames). */
export function readReportFactsOf(pool: pg.Pool, period: ReportPeriod, report: keyof typeof reportFactNames) {
  return readFacts(pool, period, reportFactNames[report]);
}
