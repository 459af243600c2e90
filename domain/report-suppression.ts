// Small groups in the reports: a cell of 1–4 cases is shown as "<5" (primary suppression), and
// further cells are hidden ("×") until no row or column, margins included, has exactly one hidden
// entry (secondary suppression): a single hidden entry in a line is its total minus the rest.
// Tables that share a figure (the same kind's new cases, counted by gender and by age band)
// share its id, so it is hidden in all of them or in none. An empty cell (0) is shown: no one
// is in it. The tests check the result against a solver that tries to work hidden cells out.

export interface CountTable {
  id: string;
  title: string;
  /** What the rows are (unit, kind of case). */
  rowTitle: string;
  columns: { key: string; label: string }[];
  rows: { key: string; label: string; counts: number[] }[];
  /** Ids of margins this table shares with another: by row key, by column key, and the grand total. */
  shared?: { rowTotals?: Record<string, string>; columnTotals?: Record<string, string>; grand?: string };
}

export const SMALL = 5;

export const cellId = (table: CountTable, row: string, column: string) => `${table.id}:${row}:${column}`;
export const rowTotalId = (table: CountTable, row: string) => table.shared?.rowTotals?.[row] ?? `${table.id}:${row}:*`;
export const columnTotalId = (table: CountTable, column: string) => table.shared?.columnTotals?.[column] ?? `${table.id}:*:${column}`;
export const grandId = (table: CountTable) => table.shared?.grand ?? `${table.id}:*:*`;

interface Entry {
  id: string;
  value: number;
  /** A margin: hidden only when no cell of the line can be. */
  margin: boolean;
}

/** Each line (row or column with its total) of a table as its entries. */
export function linesOf(table: CountTable): Entry[][] {
  const lines: Entry[][] = [];
  const columnSum = (c: number) => table.rows.reduce((sum, row) => sum + row.counts[c]!, 0);
  const grand = table.rows.reduce((sum, row) => sum + row.counts.reduce((a, b) => a + b, 0), 0);
  for (const row of table.rows) {
    lines.push([
      ...row.counts.map((value, c) => ({ id: cellId(table, row.key, table.columns[c]!.key), value, margin: false })),
      { id: rowTotalId(table, row.key), value: row.counts.reduce((a, b) => a + b, 0), margin: true },
    ]);
  }
  table.columns.forEach((column, c) => {
    lines.push([...table.rows.map((row) => ({ id: cellId(table, row.key, column.key), value: row.counts[c]!, margin: false })), { id: columnTotalId(table, column.key), value: columnSum(c), margin: true }]);
  });
  lines.push([...table.rows.map((row) => ({ id: rowTotalId(table, row.key), value: row.counts.reduce((a, b) => a + b, 0), margin: true })), { id: grandId(table), value: grand, margin: true }]);
  lines.push([...table.columns.map((column, c) => ({ id: columnTotalId(table, column.key), value: columnSum(c), margin: true })), { id: grandId(table), value: grand, margin: true }]);
  return lines;
}

/** Why a figure is hidden: it is a small group, or it would give one away. */
export type Hidden = 'small' | 'complement';

/** Every hidden figure of the tables, taken together, by id. */
export function suppress(tables: CountTable[]): Map<string, Hidden> {
  const lines = tables.flatMap(linesOf);
  const hidden = new Map<string, Hidden>();
  for (const line of lines) for (const entry of line) if (entry.value > 0 && entry.value < SMALL) hidden.set(entry.id, 'small');
  // Hide the smallest other entry of any line with exactly one hidden; cells before margins. Never
  // an empty one: a hidden 0 is given away by a total of 0 (nothing is below zero).
  for (let changed = true; changed; ) {
    changed = false;
    for (const line of lines) {
      if (line.filter((e) => hidden.has(e.id)).length !== 1) continue;
      const candidates = line.filter((e) => !hidden.has(e.id) && e.value > 0).sort((a, b) => Number(a.margin) - Number(b.margin) || a.value - b.value);
      const next = candidates[0];
      if (!next) continue;
      hidden.set(next.id, 'complement');
      changed = true;
    }
  }
  return hidden;
}

/** A figure as a reader gets it: the number, or hidden ("<5" a small group, "×" hidden to protect one). */
export interface ShownCount {
  value: number | null;
  text: string;
}

export const hiddenText: Record<Hidden, string> = { small: '<5', complement: '×' };

export const shown = (value: number, hidden: Hidden | undefined): ShownCount => (hidden ? { value: null, text: hiddenText[hidden] } : { value, text: String(value) });
