// How many deadlines went past due, per unit and ISO week: the overview's chart, read from what
// the system already records. A deadline's first escalation (key `<workflow>/d<n>.r<rev>.eskalering0`)
// is sent at the moment it is missed: mailed at once and kept in notification_log, or queued for
// a manager's digest in escalation_digest_item. Neither row names the unit, only the address the
// escalation went to, so the unit is the one the organisation gives that address.
import { DateTime } from 'luxon';
import type { Pool } from 'pg';
import { SECTOR_UNIT, type Organisation } from '../domain/organisation';

/** A deadline's first escalation: counted once per deadline (and per revision, a new due moment missed again). */
const FIRST_ESCALATION = String.raw`/d[0-9]+\.r[0-9]+\.eskalering0$`;

export interface OverdueWeek {
  /** ISO week as `2026-W07`. */
  id: string;
  number: number;
  /** The Monday it starts, `YYYY-MM-DD` in the time zone. */
  start: string;
}

export interface OverdueRow {
  /** A unit id, SECTOR_UNIT for the sector's own, null for an address no single unit has (now). */
  unit: string | null;
  /** One figure per week, oldest first, as in `weeks`. */
  counts: number[];
  total: number;
}

export interface OverdueHistoryResult {
  weeks: OverdueWeek[];
  rows: OverdueRow[];
}

export interface OverdueQuery {
  organisation: Organisation;
  /** The zone whose Mondays start the weeks (the rules' time zone). */
  timeZone: string;
  /** How many weeks up to and with the current one. */
  weeks: number;
  /** The units the caller may see; absent: all of them, the sector's own and the addresses no unit has. */
  units?: string[];
  now?: Date;
}

export interface OverdueHistory {
  weekly(query: OverdueQuery): Promise<OverdueHistoryResult>;
}

/**
 * Which unit an escalation address stands for: a unit's own mailbox first, then its enhetschef's,
 * then the sector's managers. An address two units share names neither (null): counting it for
 * both would count one miss twice.
 */
export function unitsByAddress(organisation: Organisation): Map<string, string | null> {
  const owners = new Map<string, string | null>();
  const claim = (tier: Map<string, string | null>, address: string | undefined, unit: string) => {
    if (!address) return;
    const key = address.toLowerCase();
    if (owners.has(key)) return;
    tier.set(key, tier.has(key) && tier.get(key) !== unit ? null : unit);
  };
  const tiers: ((tier: Map<string, string | null>) => void)[] = [
    (tier) => organisation.units.forEach((u) => claim(tier, u.email, u.id)),
    (tier) => organisation.units.forEach((u) => claim(tier, u.managerEmail, u.id)),
    (tier) => [organisation.sector.managerEmail, organisation.sector.directorEmail].forEach((a) => claim(tier, a, SECTOR_UNIT)),
  ];
  for (const fill of tiers) {
    const tier = new Map<string, string | null>();
    fill(tier);
    for (const [address, unit] of tier) owners.set(address, unit);
  }
  return owners;
}

/** The last `count` ISO weeks up to and with the one `now` is in, oldest first. */
export function lastWeeks(count: number, timeZone: string, now = new Date()): OverdueWeek[] {
  const current = DateTime.fromJSDate(now, { zone: timeZone }).startOf('week');
  return Array.from({ length: count }, (_, i) => {
    const monday = current.minus({ weeks: count - 1 - i });
    return { id: monday.toFormat("kkkk-'W'WW"), number: monday.weekNumber, start: monday.toISODate()! };
  });
}

export function createPgOverdueHistory(pool: Pool): OverdueHistory {
  return {
    async weekly({ organisation, timeZone, weeks: count, units, now = new Date() }) {
      const weeks = lastWeeks(count, timeZone, now);
      const from = DateTime.fromISO(weeks[0]!.start, { zone: timeZone }).toJSDate();
      // UNION: one escalation is one row even if both tables held it.
      const result = await pool.query<{ week: string; recipient: string; count: number }>(
        `SELECT to_char(at AT TIME ZONE $2, 'IYYY-"W"IW') AS week, lower(recipient) AS recipient, count(*)::int AS count
         FROM (
           SELECT key, recipient, sent_at AS at FROM notification_log WHERE sent_at >= $1 AND key ~ $3
           UNION
           SELECT key, recipient, queued_at AS at FROM escalation_digest_item WHERE queued_at >= $1 AND key ~ $3
         ) AS missed
         GROUP BY 1, 2`,
        [from, timeZone, FIRST_ESCALATION],
      );
      const owners = unitsByAddress(organisation);
      const column = new Map(weeks.map((w, i) => [w.id, i]));
      const figures = new Map<string | null, number[]>();
      const rowOf = (unit: string | null) => figures.get(unit) ?? figures.set(unit, weeks.map(() => 0)).get(unit)!;
      for (const row of result.rows) {
        const index = column.get(row.week);
        if (index === undefined) continue;
        const counts = rowOf(owners.get(row.recipient) ?? null);
        counts[index] = (counts[index] ?? 0) + row.count;
      }
      // Every unit in view has a row, zeros too; a retired unit only with figures; the rest only with figures.
      const shown: (string | null)[] = units
        ? units
        : [...organisation.units.filter((u) => !u.retired || figures.has(u.id)).map((u) => u.id), SECTOR_UNIT, ...(figures.has(null) ? [null] : [])];
      return {
        weeks,
        rows: shown.map((unit) => {
          const counts = figures.get(unit) ?? weeks.map(() => 0);
          return { unit, counts, total: counts.reduce((a, b) => a + b, 0) };
        }),
      };
    },
  };
}
