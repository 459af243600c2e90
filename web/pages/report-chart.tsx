// The follow-up's charts, drawn as SVG on the server as the overview's is (no script, no chart
// library): counts as one labelled bar per figure, grouped by unit, so that no column is told
// apart by colour; an indicator's share month by month against its target; and the indicators
// side by side. A hidden figure ("<5", "×") gets no bar, only its text. Every figure is also in
// a table on the same page.
import type { IndicatorFigure } from '../../domain/reports';

const WIDTH = 960;
const BRAND = '#1d4f91';
const INK = '#0b0c0c';
const MUTED = '#484949';

export interface ChartFigure {
  value: number | null;
  text: string;
}

export interface ChartRow {
  label: string;
  cells: ChartFigure[];
}

/** "82,4": a share as the CSV and Swedish readers write it. */
export const percent = (value: number) => String(value).replace('.', ',');

const shortened = (text: string, max: number) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

const monthNames = ['jan', 'feb', 'mar', 'apr', 'maj', 'jun', 'jul', 'aug', 'sep', 'okt', 'nov', 'dec'];
/** "2019-03" → "mar", with the year where a period spans more than one. */
export const monthLabel = (month: string, withYear = false) => `${monthNames[Number(month.slice(5, 7)) - 1] ?? month}${withYear ? ` ${month.slice(2, 4)}` : ''}`;
const monthWords = ['januari', 'februari', 'mars', 'april', 'maj', 'juni', 'juli', 'augusti', 'september', 'oktober', 'november', 'december'];
export const monthName = (month: string) => `${monthWords[Number(month.slice(5, 7)) - 1] ?? month} ${month.slice(0, 4)}`;

const LABEL = 300;
const HEAD = 30;
const LINE = 22;
const BAR = 14;
/** Room right of the longest bar for its figure. */
const TAIL = 70;

/**
 * Counts per row (a unit, a deadline), one bar per column under the row's name, each bar named
 * by its column and ending in its figure. Rows with nothing in them are left out; the table
 * has them all.
 */
export function CountChart({ id, title, description, columns, rows }: { id: string; title: string; description: string; columns: { label: string }[]; rows: ChartRow[] }) {
  const top = Math.max(1, ...rows.flatMap((row) => row.cells.map((cell) => cell.value ?? 0)));
  const scale = (value: number) => (value / top) * (WIDTH - LABEL - TAIL);
  const height = rows.length * (HEAD + columns.length * LINE) + 8;
  return (
    <svg role="img" aria-labelledby={`${id}-titel`} aria-describedby={`${id}-beskrivning`} viewBox={`0 0 ${WIDTH} ${height}`} width={WIDTH} height={height} class="rapport-diagram">
      <title id={`${id}-titel`}>{title}</title>
      <desc id={`${id}-beskrivning`}>{description}</desc>
      {rows.map((row, r) => {
        const y0 = r * (HEAD + columns.length * LINE);
        return (
          <g data-rad={row.label}>
            <text x={0} y={y0 + HEAD - 9} class="rubrik">
              {shortened(row.label, 60)}
            </text>
            {row.cells.map((cell, c) => {
              const y = y0 + HEAD + c * LINE;
              const width = cell.value === null ? 0 : scale(cell.value);
              return (
                <>
                  <text x={16} y={y + BAR - 2}>
                    {shortened(columns[c]!.label, 34)}
                  </text>
                  {/* The axis each bar starts from; a hidden figure has no bar, only its text. */}
                  <line x1={LABEL} x2={LABEL} y1={y - 3} y2={y + BAR + 3} stroke={MUTED} stroke-width={1} />
                  {width > 0 && <rect x={LABEL} y={y} width={width} height={BAR} fill={BRAND} data-kolumn={columns[c]!.label} />}
                  <text x={LABEL + width + 6} y={y + BAR - 2} class="varde" data-kolumn={columns[c]!.label}>
                    {cell.text}
                  </text>
                </>
              );
            })}
          </g>
        );
      })}
    </svg>
  );
}

const T_LEFT = 56;
const T_TOP = 24;
const T_PLOT = 160;
const T_BOTTOM = 44;

/** Why a month has no share: nothing to count, or too few to show. */
const missingWord = (total: ChartFigure) => (total.value === 0 ? 'inga' : 'dold');

/** An indicator's share per month as bars from 0 to 100 %, the target as a dashed line; a hidden month is marked "dold". */
export function TrendChart({ id, indicator }: { id: string; indicator: IndicatorFigure }) {
  const { trend, target, table } = indicator;
  const totals = new Map(table.rows.map((row) => [row.key, row.total]));
  const column = (WIDTH - T_LEFT - 8) / Math.max(1, trend.length);
  const bar = Math.min(40, column * 0.6);
  const height = T_TOP + T_PLOT + T_BOTTOM;
  const yOf = (share: number) => T_TOP + T_PLOT - (share / 100) * T_PLOT;
  const years = new Set(trend.map((t) => t.month.slice(0, 4))).size > 1;
  // Every month named while they fit; else every third (the table names them all).
  const every = column >= 44 ? 1 : column >= 15 ? 3 : 6;
  const labelled = column >= 44;
  const shown = trend.filter((t) => t.share !== null);
  const hidden = trend.filter((t) => t.share === null && totals.get(t.month)?.value !== 0).length;
  const description = [
    `${indicator.title}, månad för månad från ${monthName(trend[0]!.month)} till ${monthName(trend[trend.length - 1]!.month)}.`,
    target === null ? 'Inget mål är satt.' : `Målet är ${percent(target)} %.`,
    shown.length > 0 ? `Lägst ${percent(Math.min(...shown.map((t) => t.share!)))} %, högst ${percent(Math.max(...shown.map((t) => t.share!)))} %.` : 'Ingen månad kan visas.',
    hidden > 0 ? `${hidden} ${hidden === 1 ? 'månad är dold' : 'månader är dolda'} för att grupperna är små.` : '',
    'Siffrorna finns i tabellen under diagrammet.',
  ]
    .filter(Boolean)
    .join(' ');
  return (
    <svg role="img" aria-labelledby={`${id}-titel`} aria-describedby={`${id}-beskrivning`} viewBox={`0 0 ${WIDTH} ${height}`} width={WIDTH} height={height} class="rapport-diagram">
      <title id={`${id}-titel`}>{`${indicator.title} per månad`}</title>
      <desc id={`${id}-beskrivning`}>{description}</desc>
      {[0, 50, 100].map((share) => (
        <>
          <line x1={T_LEFT} x2={WIDTH} y1={yOf(share)} y2={yOf(share)} stroke={share === 0 ? MUTED : '#b1b4b6'} stroke-width={1} />
          <text x={T_LEFT - 8} y={yOf(share) + 5} text-anchor="end">
            {`${share} %`}
          </text>
        </>
      ))}
      {trend.map((point, i) => {
        const x = T_LEFT + i * column + (column - bar) / 2;
        const centre = x + bar / 2;
        const total = totals.get(point.month) ?? { value: null, text: '' };
        return (
          <g data-manad={point.month}>
            {point.share !== null ? (
              <>
                {point.share > 0 && <rect x={x} y={yOf(point.share)} width={bar} height={yOf(0) - yOf(point.share)} fill={BRAND} />}
                {labelled && (
                  <text x={centre} y={yOf(point.share) - 5} text-anchor="middle" class="varde">
                    {percent(point.share)}
                  </text>
                )}
              </>
            ) : (
              <>
                {/* No share to draw: an empty outline marks the month, and says why. */}
                <rect x={x} y={T_TOP} width={bar} height={T_PLOT} fill="none" stroke={MUTED} stroke-width={1} stroke-dasharray="4 3" />
                {labelled && (
                  <text x={centre} y={yOf(0) - 6} text-anchor="middle" class="varde">
                    {missingWord(total)}
                  </text>
                )}
              </>
            )}
            {i % every === 0 && (
              <text x={centre} y={height - 20} text-anchor="middle">
                {monthLabel(point.month, years)}
              </text>
            )}
          </g>
        );
      })}
      {target !== null && (
        <>
          <line x1={T_LEFT} x2={WIDTH} y1={yOf(target)} y2={yOf(target)} stroke={INK} stroke-width={2} stroke-dasharray="8 4" />
          <text x={WIDTH - 4} y={yOf(target) - 6} text-anchor="end" class="rubrik">
            {`Mål ${percent(target)} %`}
          </text>
        </>
      )}
    </svg>
  );
}

const I_TRACK = 480;
const I_HEAD = 24;
const I_LINE = 30;

type Judged = Pick<IndicatorFigure, 'target' | 'actual' | 'met' | 'table'>;

/** Nothing was counted in the period (as against too few to show). */
const nothing = (indicator: Judged) => indicator.table.totals.total.value === 0;

/** "Mål 90 %, utfall 82,4 %": an indicator's target and outcome in words. */
export function goalFigures(indicator: Judged): string {
  const { target, actual } = indicator;
  const outcome = actual !== null ? `utfall ${percent(actual)} %` : nothing(indicator) ? 'inget utfall under perioden' : 'utfallet är dolt';
  return target === null ? `Inget mål, ${outcome}` : `Mål ${percent(target)} %, ${outcome}`;
}

/** Whether the target is met, in words: never by colour alone. */
export function goalVerdict(indicator: Judged): { tone: 'gron' | 'rod' | 'gra'; words: string } {
  if (indicator.met === true) return { tone: 'gron', words: 'Målet är nått' };
  if (indicator.met === false) return { tone: 'rod', words: 'Målet är inte nått' };
  if (indicator.target === null) return { tone: 'gra', words: 'Inget mål satt' };
  return { tone: 'gra', words: nothing(indicator) ? 'Kan inte bedömas: inget att räkna under perioden' : 'Kan inte bedömas: för få för att visas' };
}

export const goalSentence = (indicator: Judged) => `${goalFigures(indicator)}: ${goalVerdict(indicator).words.toLowerCase()}`;

/** Every indicator as a bar of its share (0–100 %), the target as a thick line across it, the words beside. */
export function IndicatorChart({ id, title, indicators }: { id: string; title: string; indicators: IndicatorFigure[] }) {
  const height = indicators.length * (I_HEAD + I_LINE) + 8;
  const xOf = (share: number) => (share / 100) * I_TRACK;
  const met = indicators.filter((i) => i.met === true).length;
  const judged = indicators.filter((i) => i.met !== null).length;
  return (
    <svg role="img" aria-labelledby={`${id}-titel`} aria-describedby={`${id}-beskrivning`} viewBox={`0 0 ${WIDTH} ${height}`} width={WIDTH} height={height} class="rapport-diagram">
      <title id={`${id}-titel`}>{title}</title>
      <desc id={`${id}-beskrivning`}>{`${indicators.length} indikatorer; ${met} av ${judged} med mål och utfall når målet. Siffrorna står också i text vid varje indikator.`}</desc>
      {indicators.map((indicator, i) => {
        const y = i * (I_HEAD + I_LINE);
        const bar = y + I_HEAD;
        return (
          <g data-indikator={indicator.indikator}>
            <text x={0} y={y + 17} class="rubrik">
              {shortened(indicator.title, 90)}
            </text>
            <rect x={0} y={bar} width={I_TRACK} height={18} fill="none" stroke={MUTED} stroke-width={1} />
            {indicator.actual !== null && indicator.actual > 0 && <rect x={0} y={bar} width={xOf(indicator.actual)} height={18} fill={BRAND} />}
            {indicator.target !== null && <line x1={xOf(indicator.target)} x2={xOf(indicator.target)} y1={bar - 4} y2={bar + 22} stroke={INK} stroke-width={4} />}
            <text x={I_TRACK + 12} y={bar + 14} class="varde">
              {goalSentence(indicator)}
            </text>
          </g>
        );
      })}
    </svg>
  );
}
