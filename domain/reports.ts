// The aggregate follow-up the audits asked for, built from the event log's figures
// (infra/report-queries.ts): six reports of count tables, small groups hidden across all of
// them at once (domain/report-suppression.ts), and the samordnare's goals as indicators with a
// target and a trend month by month. Pure: the API adds who may read and the unit names.
import type { CaseCountRow, LeadTimeRow, ReportFacts } from '../infra/report-queries';
import { deadlineKindWords } from './labels';
import { deadlineKeys, type DeadlineKey } from './lifecycle';
import type { Rules } from './rules';
import { cellId, columnTotalId, grandId, rowTotalId, shown, suppress, type CountTable, type Hidden, type ShownCount } from './report-suppression';
import { z } from './zod';

export const reportIds = ['frister', 'overlamningar', 'planeringsmoten', 'arenden', 'utforare', 'tvister'] as const;
export type ReportId = (typeof reportIds)[number];

export const reportTitles: Record<ReportId, string> = {
  frister: 'Lagstadgade och lokala tidsfrister',
  overlamningar: 'Överlämningar: ledtid och eskalering',
  planeringsmoten: 'Gemensamma planeringsmöten',
  arenden: 'Ärenden och insatser efter kön och ålder',
  utforare: 'Uppföljning av utförare (skyddat boende och andra köpta insatser)',
  tvister: 'Tvister mellan enheter',
};

// ---- Goals: indicators with a target, versioned like the rules ----

export const indicatorIds = [...deadlineKeys.map((key) => `frist.${key}` as const), 'overlamning.utan_eskalering', 'planeringsmote.i_tid', 'utforare.rapport_i_tid'] as const;
export type IndicatorId = (typeof indicatorIds)[number];

export const GoalSchema = z.object({
  indikator: z.enum(indicatorIds, { error: `Okänd indikator. Möjliga: ${indicatorIds.join(', ')}` }),
  /** The share, in per cent, the nämnd aims for. */
  mal: z.number({ error: 'Ange målet i procent' }).min(0, { message: 'Målet är minst 0 %' }).max(100, { message: 'Målet är högst 100 %' }),
});
export type Goal = z.infer<typeof GoalSchema>;

export const GoalDraftSchema = z.object({
  mal: z
    .array(GoalSchema)
    .max(indicatorIds.length)
    .refine((goals) => new Set(goals.map((g) => g.indikator)).size === goals.length, { message: 'Varje indikator får ha ett mål' }),
  skal: z.string().trim().min(5, { message: 'Ange varför målen ändras (minst 5 tecken)' }).max(500),
  /** The version the samordnare edited: another accepted meanwhile is a conflict. */
  baseradPa: z.int().min(0).optional(),
});
export type GoalDraft = z.infer<typeof GoalDraftSchema>;

export interface GoalVersion {
  version: number;
  goals: Goal[];
  createdBy: string;
  createdAt: string;
  reason: string;
}

/** A lifecycle deadline's name with whose it is: "Förhandsbedömning (barn)". */
export function deadlineTitle(rules: Pick<Rules, 'deadlines'>, key: string): string {
  if (!(deadlineKeys as readonly string[]).includes(key)) return key;
  const kind = key.split('.')[0] as keyof typeof deadlineKindWords;
  return `${rules.deadlines[key as DeadlineKey].title} (${deadlineKindWords[kind]})`;
}

/** Each indicator's name, as the reports and the goals page call it. */
export function indicatorTitles(rules: Pick<Rules, 'deadlines'>): Record<IndicatorId, string> {
  return {
    ...(Object.fromEntries(deadlineKeys.map((key) => [`frist.${key}`, `Andel ${deadlineTitle(rules, key).toLowerCase()} klara i tid`])) as Record<`frist.${DeadlineKey}`, string>),
    'overlamning.utan_eskalering': 'Andel kvitterade överlämningar utan eskalering',
    'planeringsmote.i_tid': 'Andel krävda planeringsmöten hållna i tid',
    'utforare.rapport_i_tid': 'Andel utförarrapporter i tid',
  };
}

/** Until the samordnare records goals: the audits' own examples. */
export const firstGoals: GoalVersion = {
  version: 0,
  goals: [
    { indikator: 'frist.barn.skyddsbedomning', mal: 100 },
    { indikator: 'frist.barn.forhandsbedomning', mal: 90 },
    { indikator: 'planeringsmote.i_tid', mal: 100 },
  ],
  createdBy: 'förval',
  createdAt: '2026-12-01T00:00:00.000Z',
  reason: 'Förval tills samordnaren har satt mål',
};

// ---- The reports as a reader gets them ----

export interface ShownTable {
  id: string;
  title: string;
  rowTitle: string;
  columns: { key: string; label: string }[];
  rows: { key: string; label: string; cells: (ShownCount & { id: string })[]; total: ShownCount & { id: string }; extra?: Record<string, number | null> }[];
  totals: { label: string; cells: (ShownCount & { id: string })[]; total: ShownCount & { id: string }; extra?: Record<string, number | null> };
  /** Extra figures per row (lead time percentiles), hidden where the row's group is small. */
  extraColumns?: { key: string; label: string }[];
  /** The rows are units. */
  byUnit?: boolean;
}

export interface IndicatorFigure {
  indikator: IndicatorId;
  title: string;
  target: number | null;
  /** The period's share in per cent, or null where hidden. */
  actual: number | null;
  met: boolean | null;
  trend: { month: string; share: number | null }[];
  table: ShownTable;
}

export interface Report {
  id: ReportId;
  title: string;
  tables: ShownTable[];
  indicators: IndicatorFigure[];
}

export interface Labels {
  indicator: Record<IndicatorId, string>;
  unit: (id: string) => string;
  deadline: (key: string) => string;
  kind: (kind: string) => string;
  kon: (kon: string) => string;
  aldersgrupp: (band: string) => string;
  insats: (kind: string) => string;
}

export const sectorRow = 'Hela sektorn';

const sum = (rows: { count: number }[]) => rows.reduce((total, row) => total + row.count, 0);
const distinct = (values: string[]) => [...new Set(values)].sort();

/** A table whose rows are units: one unit's reader sees its own row (and the sector's totals). */
const unitTable = (table: CountTable): CountTable & { byUnit: true } => ({ ...table, byUnit: true });

/** A count table from grouped rows: one row per `rowOf`, one column per category. */
function countTable(id: string, title: string, rowTitle: string, rows: { key: string; label: string }[], columns: { key: string; label: string }[], count: (row: string, column: string) => number, shared?: CountTable['shared']): CountTable {
  return { id, title, rowTitle, columns, rows: rows.map((r) => ({ ...r, counts: columns.map((c) => count(r.key, c.key)) })), ...(shared ? { shared } : {}) };
}

const counter = <T extends { count: number }>(rows: T[], rowOf: (r: T) => string, columnOf: (r: T) => string) => {
  const counts = new Map<string, number>();
  for (const r of rows) counts.set(`${rowOf(r)}\u0000${columnOf(r)}`, (counts.get(`${rowOf(r)}\u0000${columnOf(r)}`) ?? 0) + r.count);
  return (row: string, column: string) => counts.get(`${row}\u0000${column}`) ?? 0;
};

const lateness = [
  { key: 'i_tid', label: 'I tid' },
  { key: 'dygn', label: 'Sen högst 1 dygn' },
  { key: 'vecka', label: 'Sen 1–7 dygn' },
  { key: 'manad', label: 'Sen 8–30 dygn' },
  { key: 'mer', label: 'Sen mer än 30 dygn' },
];

interface Built {
  id: ReportId;
  tables: CountTable[];
  extras?: Record<string, { columns: { key: string; label: string }[]; rows: LeadTimeRow[] }>;
  indicators: { id: IndicatorId; title: string; numerator: (month: string) => number; denominator: (month: string) => number; table: string; yes: string; total?: boolean }[];
}

/** Every report of a period from its figures; `unit` narrows the rows to one unit (and the sector). */
export function buildReports(facts: ReportFacts, labels: Labels, goals: Goal[], months: string[], units: string[]): Report[] {
  const unitRows = (rows: { unit: string }[]) => distinct([...units, ...rows.map((r) => r.unit)]).map((u) => ({ key: u, label: labels.unit(u) }));
  const built: Built[] = [];

  // Deadline compliance: one table per lifecycle deadline, rows the owning units.
  {
    const keys = deadlineKeys.filter((key) => facts.deadlines.some((r) => r.group === key) || goals.some((g) => g.indikator === `frist.${key}`));
    const tables = keys.map((key) => {
      const rows = facts.deadlines.filter((r) => r.group === key);
      return unitTable(countTable(`frist.${key}`, labels.deadline(key), 'Enhet', unitRows(rows), lateness, counter(rows, (r) => r.unit, (r) => r.category)));
    });
    built.push({
      id: 'frister',
      tables,
      indicators: keys.map((key) => {
        const rows = facts.deadlines.filter((r) => r.group === key);
        return {
          id: `frist.${key}` as IndicatorId,
          title: labels.indicator[`frist.${key}`],
          numerator: (m) => sum(rows.filter((r) => r.month === m && r.category === 'i_tid')),
          denominator: (m) => sum(rows.filter((r) => r.month === m)),
          table: `frist.${key}`,
          yes: 'i_tid',
          total: true,
        };
      }),
    });
  }

  // Handovers: answered per receiving unit; lead time sent → kvitterad.
  {
    const rows = facts.handovers;
    const columns = [
      { key: 'utan_eskalering', label: 'Kvitterade utan eskalering' },
      { key: 'eskalerad', label: 'Kvitterade efter eskalering' },
      { key: 'okand', label: 'Kvitterade, eskalering okänd' },
      { key: 'avvisad', label: 'Avvisade' },
    ];
    const acknowledged = (m: string) => sum(rows.filter((r) => r.month === m && (r.category === 'utan_eskalering' || r.category === 'eskalerad')));
    built.push({
      id: 'overlamningar',
      tables: [unitTable(countTable('overlamning', 'Besvarade överlämningar per mottagande enhet', 'Mottagande enhet', unitRows(rows), columns, counter(rows, (r) => r.unit, (r) => r.category)))],
      extras: { overlamning: { columns: [{ key: 'p50', label: 'Ledtid till kvittens, median (timmar)' }, { key: 'p90', label: 'Ledtid, 90:e percentilen (timmar)' }], rows: facts.handoverLeadHours } },
      indicators: [
        {
          id: 'overlamning.utan_eskalering',
          title: labels.indicator['overlamning.utan_eskalering'],
          numerator: (m) => sum(rows.filter((r) => r.month === m && r.category === 'utan_eskalering')),
          denominator: acknowledged,
          table: 'overlamning',
          yes: 'utan_eskalering',
        },
      ],
    });
  }

  // Joint meetings required in the period, held in time or not.
  {
    const rows = facts.meetings;
    const columns = [
      { key: 'i_tid', label: 'Hållna i tid' },
      { key: 'sent', label: 'Hållna för sent' },
      { key: 'ej_hallet', label: 'Inte hållna' },
    ];
    built.push({
      id: 'planeringsmoten',
      tables: [unitTable(countTable('planeringsmote', 'Krävda planeringsmöten per organiserande enhet', 'Enhet', unitRows(rows), columns, counter(rows, (r) => r.unit, (r) => r.category)))],
      indicators: [
        {
          id: 'planeringsmote.i_tid',
          title: labels.indicator['planeringsmote.i_tid'],
          numerator: (m) => sum(rows.filter((r) => r.month === m && r.category === 'i_tid')),
          denominator: (m) => sum(rows.filter((r) => r.month === m)),
          table: 'planeringsmote',
          yes: 'i_tid',
          total: true,
        },
      ],
    });
  }

  // Cases: new by unit and kind; by kind and gender, and age band (sharing the kinds' totals); open at the end; insatser.
  {
    const kinds = distinct(['barn', 'vuxen', 'utovare', ...facts.newCases.map((r) => r.kind)]).map((k) => ({ key: k, label: labels.kind(k) }));
    const kons = ['kvinna', 'man', 'annat', 'okant'].map((k) => ({ key: k, label: labels.kon(k) }));
    const bands = ['0-5', '6-12', '13-17', '18-25', '26-64', '65+', 'okant'].map((b) => ({ key: b, label: labels.aldersgrupp(b) }));
    const byKind = (rows: CaseCountRow[], columnOf: (r: CaseCountRow) => string) => counter(rows, (r) => r.kind, columnOf);
    const newByUnit = unitTable(countTable('arenden.nya', 'Nya ärenden per enhet och slag', 'Enhet', unitRows(facts.newCases), kinds, counter(facts.newCases, (r) => r.unit, (r) => r.kind)));
    // The kinds' totals are the same figures in all three tables of new cases.
    const kindTotals = Object.fromEntries(kinds.map((k) => [k.key, columnTotalId(newByUnit, k.key)]));
    const shared = { rowTotals: kindTotals, grand: grandId(newByUnit) };
    const insatsKinds = distinct(facts.insatser.map((r) => r.group)).map((k) => ({ key: k, label: labels.insats(k) }));
    built.push({
      id: 'arenden',
      tables: [
        newByUnit,
        countTable('arenden.nya.kon', 'Nya ärenden efter slag och kön', 'Slag av ärende', kinds, kons, byKind(facts.newCases, (r) => r.kon), shared),
        countTable('arenden.nya.alder', 'Nya ärenden efter slag och åldersgrupp', 'Slag av ärende', kinds, bands, byKind(facts.newCases, (r) => r.aldersgrupp), shared),
        countTable('arenden.oppna.kon', 'Öppna ärenden vid periodens slut efter slag och kön', 'Slag av ärende', kinds, kons, byKind(facts.openCases, (r) => r.kon)),
        countTable('insatser.kon', 'Beslutade insatser efter slag och kön', 'Insats', insatsKinds, kons, counter(facts.insatser, (r) => r.group, (r) => r.category)),
      ],
      indicators: [],
    });
  }

  // Outsourced insatser: the provider's report deadlines, and interruptions reported.
  {
    const rows = facts.providerReports;
    const columns = [
      { key: 'i_tid', label: 'Rapporter i tid' },
      { key: 'sen', label: 'Rapporter för sent' },
      { key: 'saknas', label: 'Rapporter som saknas' },
    ];
    const interruptedRows = facts.interrupted;
    built.push({
      id: 'utforare',
      tables: [
        unitTable(countTable('utforare', 'Utförarnas rapporter per utförare', 'Utförare', unitRows(rows), columns, counter(rows, (r) => r.unit, (r) => r.category))),
        unitTable(countTable('utforare.avbrutna', 'Avbrutna insatser enligt utförarens rapport', 'Utförare', unitRows(interruptedRows), [{ key: 'avbruten', label: 'Avbrutna' }], counter(interruptedRows, (r) => r.unit, (r) => r.category))),
      ],
      indicators: [
        {
          id: 'utforare.rapport_i_tid',
          title: labels.indicator['utforare.rapport_i_tid'],
          numerator: (m) => sum(rows.filter((r) => r.month === m && r.category === 'i_tid')),
          denominator: (m) => sum(rows.filter((r) => r.month === m)),
          table: 'utforare',
          yes: 'i_tid',
          total: true,
        },
      ],
    });
  }

  // Disputes raised in the period, by the raising unit; time to the sektorchef's decision.
  {
    const rows = facts.disputes;
    const columns = [
      { key: 'avgjord', label: 'Avgjorda' },
      { key: 'vantar', label: 'Väntar på beslut eller inställda' },
    ];
    built.push({
      id: 'tvister',
      tables: [unitTable(countTable('tvist', 'Väckta tvister per enhet som väckte dem', 'Enhet', unitRows(rows), columns, counter(rows, (r) => r.unit, (r) => r.category)))],
      extras: { tvist: { columns: [{ key: 'p50', label: 'Tid till beslut, median (dygn)' }, { key: 'p90', label: 'Tid till beslut, 90:e percentilen (dygn)' }], rows: facts.disputeDecisionDays } },
      indicators: [],
    });
  }

  // The indicators' trends: months as rows, yes/no as columns, the period's total shared with its report's table.
  const trendTables = new Map<IndicatorId, CountTable>();
  for (const report of built) {
    for (const indicator of report.indicators) {
      const source = report.tables.find((t) => t.id === indicator.table)!;
      const table = countTable(
        `trend.${indicator.id}`,
        indicator.title,
        'Månad',
        months.map((m) => ({ key: m, label: m })),
        [
          { key: 'ja', label: 'Ja' },
          { key: 'nej', label: 'Nej' },
        ],
        (m, c) => (c === 'ja' ? indicator.numerator(m) : indicator.denominator(m) - indicator.numerator(m)),
        { columnTotals: { ja: columnTotalId(source, indicator.yes) }, ...(indicator.total ? { grand: grandId(source) } : {}) },
      );
      trendTables.set(indicator.id, table);
    }
  }

  const hidden = suppress([...built.flatMap((r) => r.tables), ...trendTables.values()]);
  const goalOf = (id: IndicatorId) => goals.find((g) => g.indikator === id)?.mal ?? null;

  return built.map((report) => ({
    id: report.id,
    title: reportTitles[report.id],
    tables: report.tables.map((table) => showTable(table, hidden, report.extras?.[table.id])),
    indicators: report.indicators.map((indicator) => {
      const table = showTable(trendTables.get(indicator.id)!, hidden);
      const share = (yes: ShownCount, all: ShownCount) => (yes.value !== null && all.value !== null && all.value > 0 ? Math.round((1000 * yes.value) / all.value) / 10 : null);
      const actual = share(table.totals.cells[0]!, table.totals.total);
      const target = goalOf(indicator.id);
      return {
        indikator: indicator.id,
        title: indicator.title,
        target,
        actual,
        met: target === null || actual === null ? null : actual >= target,
        trend: table.rows.map((row) => ({ month: row.key, share: share(row.cells[0]!, row.total) })),
        table,
      };
    }),
  }));
}

function showTable(table: CountTable & { byUnit?: boolean }, hidden: Map<string, Hidden>, extra?: { columns: { key: string; label: string }[]; rows: LeadTimeRow[] }): ShownTable {
  const figure = (id: string, value: number) => ({ id, ...shown(value, hidden.get(id)) });
  const rowSum = (counts: number[]) => counts.reduce((a, b) => a + b, 0);
  // A percentile says something of each member of a small group: shown only for five or more.
  const extraOf = (unit: string | null) => {
    if (!extra) return undefined;
    const row = extra.rows.find((r) => r.unit === unit);
    const visible = row && row.count >= 5;
    return Object.fromEntries(extra.columns.map((c) => [c.key, visible ? Math.round(10 * (row[c.key as 'p50' | 'p90'] ?? 0)) / 10 : null]));
  };
  const extraRows = (key: string) => extraOf(key);
  return {
    id: table.id,
    title: table.title,
    rowTitle: table.rowTitle,
    columns: table.columns,
    rows: table.rows.map((row) => {
      const extras = extraRows(row.key);
      return {
        key: row.key,
        label: row.label,
        cells: row.counts.map((value, c) => figure(cellId(table, row.key, table.columns[c]!.key), value)),
        total: figure(rowTotalId(table, row.key), rowSum(row.counts)),
        ...(extras ? { extra: extras } : {}),
      };
    }),
    totals: {
      label: sectorRow,
      cells: table.columns.map((column, c) => figure(columnTotalId(table, column.key), table.rows.reduce((total, row) => total + row.counts[c]!, 0))),
      total: figure(grandId(table), table.rows.reduce((total, row) => total + rowSum(row.counts), 0)),
      ...(extra ? { extra: extraOf(null)! } : {}),
    },
    ...(extra ? { extraColumns: extra.columns } : {}),
    ...(table.byUnit ? { byUnit: true } : {}),
  };
}
