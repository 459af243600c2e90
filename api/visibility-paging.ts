// Paged lists over Temporal visibility, sorted on a Datetime search attribute. SQL visibility
// stores (the dev server's SQLite, PostgreSQL, MySQL) cannot ORDER BY a search attribute, so a
// page is found with counts: the moment up to which enough executions lie, and then only those
// are fetched and sorted. The cursor a client gets is opaque: base64url JSON of the last item's
// sort key.
import { invalidCursor } from './errors';
import { z } from '../domain/zod';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

export const iso = (moment: number) => new Date(moment).toISOString();

/** A search attribute value in a visibility query: quoted, with any quote removed. */
export const quoted = (value: string) => `'${value.replaceAll("'", '')}'`;

/** Code-unit order, the same on every machine (not the locale's). */
export const compareText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

export function encodeCursor(key: object): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

/** The key a cursor carries; anything else is a 400 at field `cursor`. */
export function decodeCursor<T>(cursor: string, schema: z.ZodType<T>): T {
  if (!/^[A-Za-z0-9_-]{1,2000}$/.test(cursor)) throw invalidCursor();
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalidCursor();
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) throw invalidCursor();
  return parsed.data;
}

/** A moment as a cursor carries it: an ISO timestamp. */
export const cursorMoment = z.string().max(40).refine((value) => Number.isFinite(Date.parse(value)));

/** Where a page ends: the moment, and how many executions lie from the page's start up to it. */
export interface WindowEnd {
  end: number;
  counted: number;
}

/**
 * How far a page sorted on the Datetime attribute `attr` must reach: a moment `end` such that at
 * least `want` executions of `query` have `attr` in [from, end], and (where the data allows) not
 * many more than half as many again; undefined when fewer than `want` lie at or after `from` at all,
 * so that the page reaches to the end of the list. `below`: a moment already known to hold fewer
 * than `want` (an earlier, too short window of the same page), where the search starts;
 * `total`: how many lie at or after `from`, when the caller has counted it anyway.
 *
 * A count is cheap where it matches little, so the search climbs rungs from long before `pivot`
 * (the first page), from `from` (a later one) or from `below`, stops at the first rung with
 * enough, and narrows the last step down: some ten counts of a few milliseconds on the dev server.
 */
export async function windowEnd(
  count: (query: string) => Promise<number>,
  query: string,
  attr: string,
  want: number,
  options: { from?: number; pivot: number; below?: WindowEnd; total?: number },
): Promise<WindowEnd | undefined> {
  const { from, pivot, below } = options;
  const lower = from === undefined ? '' : ` AND ${attr} >= '${iso(from)}'`;
  // How many lie at or after `from` at all: counted (once) only when the rungs stop finding more.
  let total = options.total;
  const tooFew = async () => (total ??= await count(`${query}${lower}`)) < want;
  if (total !== undefined && total < want) return undefined;
  const upTo = (moment: number) => count(`${query}${lower} AND ${attr} <= '${iso(moment)}'`);
  const start = below?.end ?? from;
  const rungs =
    start === undefined
      ? [-4096, -1024, -256, -64, -32, -16, -8, -4, -2, -1, 0, 1, 2, 4, 8, 16, 32, 64, 256, 1024, 4096].map((days) => pivot + days * DAY)
      : [1, 4, 16, 64, 256, 1024, 4096, 16_384, 65_536].map((hours) => start + hours * HOUR);
  let lo = below?.end ?? (from === undefined ? Number.NEGATIVE_INFINITY : from - 1);
  let countLo = below?.counted ?? 0;
  let hi: number | undefined;
  let countHi = 0;
  let previous: number | undefined;
  for (const rung of rungs) {
    const counted = await upTo(rung);
    if (counted >= want) {
      hi = rung;
      countHi = counted;
      break;
    }
    // Nothing more in the last step (past `pivot` on a first page): perhaps not enough at all.
    if (counted === previous && (start !== undefined || rung > pivot) && (await tooFew())) return undefined;
    previous = counted;
    lo = rung;
    countLo = counted;
  }
  if (hi === undefined) return undefined;
  // count(lo) < want <= count(hi): narrow until fetching up to hi costs little more than needed.
  let sameSide = 0;
  let lastSide = 0;
  while (countHi > 1.5 * want + 10 && Number.isFinite(lo) && hi - lo > 1000) {
    const gap = hi - lo;
    // Interpolate towards a little more than `want` when the lower count tells the density;
    // halve when it does not, or when the last two steps moved the same end.
    const interpolate = countLo > 0 && sameSide < 2;
    const guess = interpolate ? lo + (gap * (1.25 * want - countLo)) / (countHi - countLo) : lo + gap / 2;
    const mid = Math.floor(Math.min(hi - gap / 16, Math.max(lo + gap / 16, guess)));
    const counted = await upTo(mid);
    const side = counted >= want ? 1 : -1;
    sameSide = side === lastSide ? sameSide + 1 : 1;
    lastSide = side;
    if (side === 1) {
      hi = mid;
      countHi = counted;
    } else {
      lo = mid;
      countLo = counted;
    }
  }
  return { end: hi, counted: countHi };
}
