// The reports for a chosen period (domain/reports.ts over infra/report-queries.ts): who may read
// them, the period in the municipality's calendar, one unit's rows or the whole sector's, the
// goals in force, and each report as CSV.
import { DateTime } from 'luxon';
import type pg from 'pg';
import { SECTOR_UNIT, type OrganisationSource } from '../domain/organisation';
import { buildReports, deadlineTitle, indicatorTitles, type Goal, type GoalDraft, type GoalVersion, type Report, type ReportId, type ShownTable } from '../domain/reports';
import type { Rules } from '../domain/rules';
import { VersionConflict } from '../infra/rule-store';
import type { GoalStore } from '../infra/goal-store';
import { monthsOfPeriod, readReportFacts } from '../infra/report-queries';
import { aldersgruppLabels, insatsLabel, kindLabels, konLabels } from '../domain/labels';
import type { Caller } from './auth';
import { ApiError, forbidden } from './errors';
import { refused } from './roles';

export interface ReportQuery {
  fran?: string | undefined;
  till?: string | undefined;
  enhet?: string | undefined;
}

export interface ReportResult {
  period: { fran: string; till: string; timeZone: string };
  /** The unit whose rows are shown (and the sector's totals); absent: every unit. */
  enhet?: string;
  goals: { version: number; createdAt: string; createdBy: string };
  reports: Report[];
}

/** Longest period read at once: five years, as the benchmark reads. */
const MAX_YEARS = 5;

const invalid = (field: string, message: string) => new ApiError(400, 'OGILTIG_UPPGIFT', message, [{ field, message }]);

export function createReportService(options: { pool: pg.Pool; goals: GoalStore; organisation: OrganisationSource; rules: () => Promise<Rules>; now?: () => Date }) {
  const { pool, goals: goalStore, organisation, rules } = options;
  const now = options.now ?? (() => new Date());

  /** An enhetschef reads the own unit's rows; the sektorchef and the samordnare every unit's. */
  async function scope(caller: Caller, enhet?: string): Promise<string | undefined> {
    const org = await organisation();
    if (caller.role === 'enhetschef') {
      if (enhet && enhet !== caller.unit) throw forbidden(`En enhetschef ser bara sin egen enhets rader (${caller.unit})`);
      return caller.unit;
    }
    if (caller.role === 'sektorchef' && caller.unit !== org.sector.id) throw refused('reports');
    if (caller.role !== 'sektorchef' && caller.role !== 'samordnare') throw refused('reports');
    if (enhet && enhet !== SECTOR_UNIT && !org.units.some((u) => u.id === enhet)) throw invalid('enhet', `Okänd enhet: ${enhet}`);
    return enhet && enhet !== SECTOR_UNIT ? enhet : undefined;
  }

  /** The period's dates (both included); by default this year up to today. */
  function periodOf(query: ReportQuery, timeZone: string) {
    const today = DateTime.fromJSDate(now(), { zone: timeZone }).toISODate()!;
    const fran = query.fran ?? `${today.slice(0, 4)}-01-01`;
    const till = query.till ?? today;
    const start = DateTime.fromISO(fran, { zone: timeZone });
    const end = DateTime.fromISO(till, { zone: timeZone });
    if (!/^\d{4}-\d{2}-\d{2}$/.test(fran) || !start.isValid) throw invalid('fran', 'Ogiltigt datum (ÅÅÅÅ-MM-DD)');
    if (!/^\d{4}-\d{2}-\d{2}$/.test(till) || !end.isValid) throw invalid('till', 'Ogiltigt datum (ÅÅÅÅ-MM-DD)');
    if (end < start) throw invalid('till', 'Periodens slut ligger före dess början');
    if (end > start.plus({ years: MAX_YEARS })) throw invalid('till', `En period är högst ${MAX_YEARS} år`);
    return { fran, till, from: start.startOf('day').toJSDate(), to: end.plus({ days: 1 }).startOf('day').toJSDate() };
  }

  async function read(caller: Caller, query: ReportQuery): Promise<ReportResult> {
    const enhet = await scope(caller, query.enhet);
    const [org, current, goals] = await Promise.all([organisation(), rules(), goalStore.current()]);
    const period = periodOf(query, current.timeZone);
    const facts = await readReportFacts(pool, { from: period.from, to: period.to, timeZone: current.timeZone });
    const unitName = (id: string) => (id === SECTOR_UNIT ? org.sector.name : (org.units.find((u) => u.id === id)?.name ?? id));
    const units = org.units.filter((u) => u.kind !== 'extern').map((u) => u.id);
    const reports = buildReports(
      facts,
      {
        indicator: indicatorTitles(current),
        unit: unitName,
        deadline: (key) => deadlineTitle(current, key),
        kind: (k) => kindLabels[k as keyof typeof kindLabels] ?? k,
        kon: (k) => konLabels[k as keyof typeof konLabels] ?? k,
        aldersgrupp: (b) => aldersgruppLabels[b as keyof typeof aldersgruppLabels] ?? b,
        insats: insatsLabel,
      },
      goals.goals,
      // The same months the queries number their rows by.
      monthsOfPeriod({ from: period.from, to: period.to, timeZone: current.timeZone }).map((m) => m.name),
      units,
    );
    return {
      period: { fran: period.fran, till: period.till, timeZone: current.timeZone },
      ...(enhet ? { enhet } : {}),
      goals: { version: goals.version, createdAt: goals.createdAt, createdBy: goals.createdBy },
      reports: enhet ? reports.map((report) => ({ ...report, tables: report.tables.map((table) => onlyUnit(table, enhet)) })) : reports,
    };
  }

  return {
    read,

    /** One report as CSV (semicolon-separated, as Swedish spreadsheets read it), hidden cells as shown. */
    async csv(caller: Caller, id: ReportId, query: ReportQuery): Promise<{ filename: string; body: string }> {
      const result = await read(caller, query);
      const report = result.reports.find((r) => r.id === id)!;
      return { filename: `uppfoljning-${id}-${result.period.fran}-${result.period.till}.csv`, body: reportCsv(report, result) };
    },

    async goals(caller: Caller): Promise<{ current: GoalVersion; history: GoalVersion[] }> {
      await scope(caller);
      const history = await goalStore.history();
      return { current: history[0]!, history };
    },

    async setGoals(caller: Caller, draft: GoalDraft): Promise<GoalVersion> {
      if (caller.role !== 'samordnare') throw refused('goals');
      try {
        return await goalStore.append(draft.mal as Goal[], { createdBy: caller.sub, reason: draft.skal, ...(draft.baseradPa !== undefined ? { basedOn: draft.baseradPa } : {}) });
      } catch (error) {
        if (error instanceof VersionConflict) {
          throw new ApiError(409, 'VERSIONSKONFLIKT', `Målen har ändrats sedan du läste dem (nu version ${error.current}). Läs dem igen och gör om ändringen.`, [{ field: 'baseradPa', message: 'Målen har ändrats' }]);
        }
        throw error;
      }
    },
  };
}

export type ReportService = ReturnType<typeof createReportService>;

/** A table of units narrowed to one unit's row; the sector's totals stay (they are the same figures for everyone). */
function onlyUnit(table: ShownTable, unit: string): ShownTable {
  if (!table.byUnit) return table;
  return { ...table, rows: table.rows.filter((row) => row.key === unit) };
}

const csvField = (value: string) => (/[;"\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value);

export function reportCsv(report: Report, result: Pick<ReportResult, 'period'>): string {
  const lines: string[][] = [[report.title], [`Period ${result.period.fran} – ${result.period.till}`], ['<5: färre än fem; ×: dold för att en liten grupp inte ska kunna räknas fram']];
  for (const table of report.tables) {
    const extra = table.extraColumns ?? [];
    lines.push([], [table.title], [table.rowTitle, ...table.columns.map((c) => c.label), 'Summa', ...extra.map((c) => c.label)]);
    for (const row of [...table.rows, { ...table.totals, key: '*' }]) {
      lines.push([row.label, ...row.cells.map((c) => c.text), row.total.text, ...extra.map((c) => (row.extra?.[c.key] ?? null) === null ? '' : String(row.extra![c.key]).replace('.', ','))]);
    }
  }
  for (const indicator of report.indicators) {
    lines.push([], [indicator.title], ['Mål (%)', indicator.target === null ? '' : String(indicator.target)], ['Utfall (%)', indicator.actual === null ? 'dolt' : String(indicator.actual).replace('.', ',')]);
    lines.push(['Månad', 'Andel (%)'], ...indicator.trend.map((t) => [t.month, t.share === null ? 'dolt' : String(t.share).replace('.', ',')]));
  }
  return `\uFEFF${lines.map((line) => line.map(csvField).join(';')).join('\r\n')}\r\n`;
}

