// The overview's chart: deadlines missed per unit and ISO week, drawn as SVG on the server (no
// script, no chart library) with one labelled row of bars per unit, so that no unit is told
// apart by colour. The same figures follow in a table, for screen readers and for reading off.
import type { OverdueHistoryResult, OverdueRow, OverdueWeek } from '../../infra/overdue-history';
import { formatDate } from '../time';

const WIDTH = 960;
const LABEL = 240;
const ROW = 58;
const BAR_MAX = 32;
const AXIS = 26;
const TOP = 6;

const shortened = (name: string) => (name.length > 30 ? `${name.slice(0, 29)}…` : name);
const weekName = (week: OverdueWeek) => `Vecka ${week.number}, från ${formatDate(week.start)}`;

function Bars({ rows, weeks, unitName }: { rows: OverdueRow[]; weeks: OverdueWeek[]; unitName: (unit: string | null) => string }) {
  const column = (WIDTH - LABEL) / weeks.length;
  const bar = Math.min(36, column * 0.6);
  const top = Math.max(1, ...rows.flatMap((r) => r.counts));
  const height = TOP + rows.length * ROW + AXIS;
  const total = rows.reduce((sum, r) => sum + r.total, 0);
  const most = [...rows].sort((a, b) => b.total - a.total)[0];
  return (
    <svg role="img" aria-labelledby="diagram-titel diagram-beskrivning" viewBox={`0 0 ${WIDTH} ${height}`} width={WIDTH} height={height}>
      <title id="diagram-titel">Försenade uppgifter per enhet och vecka</title>
      <desc id="diagram-beskrivning">
        {`${total} ${total === 1 ? 'uppgift' : 'uppgifter'} passerade sin tidsfrist under veckorna ${weeks[0]!.number}–${weeks[weeks.length - 1]!.number}`}
        {most && most.total > 0 ? `, flest hos ${unitName(most.unit)} (${most.total}).` : '.'} Siffrorna finns i tabellen under diagrammet.
      </desc>
      {rows.map((row, r) => {
        const base = TOP + (r + 1) * ROW - 8;
        return (
          <g>
            <text x={0} y={base - 4}>
              {shortened(unitName(row.unit))}
            </text>
            <line x1={LABEL} x2={WIDTH} y1={base} y2={base} stroke="#484949" stroke-width={1} />
            {row.counts.map((count, i) => {
              const h = (count / top) * BAR_MAX;
              const x = LABEL + i * column + (column - bar) / 2;
              return (
                <>
                  {count > 0 && <rect x={x} y={base - h} width={bar} height={h} fill="#1d4f91" />}
                  <text x={x + bar / 2} y={base - h - 4} text-anchor="middle">
                    {count}
                  </text>
                </>
              );
            })}
          </g>
        );
      })}
      {weeks.map((week, i) => (
        <text x={LABEL + i * column + column / 2} y={height - 8} text-anchor="middle">
          {`v. ${week.number}`}
        </text>
      ))}
    </svg>
  );
}

export function OverdueChart({ history, unitName, own }: { history: OverdueHistoryResult; unitName: (unit: string | null) => string; own?: string }) {
  const { weeks, rows } = history;
  // The chart draws the units with something to show (and one's own unit); the table has them all.
  const drawn = rows.filter((r) => r.total > 0 || r.unit === own);
  return (
    <div class="diagram">
      <p>
        En uppgift räknas den vecka dess tidsfrist passerades (när den första eskaleringen skickades). Senaste {weeks.length} veckorna, den här veckan sist.
      </p>
      {drawn.length > 0 ? <Bars rows={drawn} weeks={weeks} unitName={unitName} /> : <p class="antal">Ingen uppgift har passerat sin tidsfrist de senaste {weeks.length} veckorna.</p>}
      <div class="tabell-rulla" role="region" aria-labelledby="diagram-tabell" tabindex={0}>
        <table>
          <caption id="diagram-tabell">Försenade uppgifter per vecka</caption>
          <thead>
            <tr>
              <th scope="col">Enhet</th>
              {weeks.map((week) => (
                <th scope="col" class="siffra">
                  <span aria-hidden="true">v. {week.number}</span>
                  <span class="dold">{weekName(week)}</span>
                </th>
              ))}
              <th scope="col" class="siffra">
                Totalt
              </th>
            </tr>
          </thead>
          <tbody>
            {rows.map((row) => (
              <tr>
                <th scope="row">{unitName(row.unit)}</th>
                {row.counts.map((count) => (
                  <td class="siffra">{count}</td>
                ))}
                <td class="siffra">
                  <strong>{row.total}</strong>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}
