// Escalations to managers, gathered into one e-mail per manager and period: each is queued in
// PostgreSQL when it falls due, and each working morning the digest workflow sends what is
// queued. A retried activity queues or sends nothing twice.
import { DateTime } from 'luxon';
import type { Pool } from 'pg';
import { isSwedishWorkingDay } from '../infra/calendar';

export interface DigestGroup {
  /** `<period>/<recipient>`: the key of that recipient's digest for the period. */
  digestKey: string;
  recipient: string;
  lines: string[];
}

export interface DigestQueue {
  /** Queues one escalation for a manager; the same key is queued once. */
  queue(entry: { key: string; recipient: string; line: string }): Promise<void>;
  /** Puts every queued escalation not yet in a digest into this period's digests; a retry gets the same. */
  collect(periodKey: string): Promise<DigestGroup[]>;
}

export function createPgDigestQueue(pool: Pool): DigestQueue {
  return {
    async queue({ key, recipient, line }) {
      await pool.query('INSERT INTO escalation_digest_item (key, recipient, line) VALUES ($1, $2, $3) ON CONFLICT (key) DO NOTHING', [key, recipient, line]);
    },
    async collect(periodKey) {
      await pool.query(`UPDATE escalation_digest_item SET digest_key = $1 || '/' || recipient WHERE digest_key IS NULL`, [periodKey]);
      const groups = await pool.query<{ digest_key: string; recipient: string; lines: string[] }>(
        `SELECT digest_key, recipient, array_agg(line ORDER BY queued_at, key) AS lines FROM escalation_digest_item
         WHERE left(digest_key, length($1) + 1) = $1 || '/' GROUP BY digest_key, recipient ORDER BY recipient`,
        [periodKey],
      );
      return groups.rows.map((row) => ({ digestKey: row.digest_key, recipient: row.recipient, lines: row.lines }));
    },
  };
}

/** The next digest moment after `after`: `at` (HH:MM) on the next Swedish working day, in `timeZone`. */
export function nextDigestMoment(input: { after: string; at: string; timeZone: string }): string {
  const [hour, minute] = input.at.split(':').map(Number);
  const after = DateTime.fromISO(input.after, { zone: input.timeZone });
  let moment = after.set({ hour: hour!, minute: minute!, second: 0, millisecond: 0 });
  if (moment <= after) moment = moment.plus({ days: 1 });
  while (!isSwedishWorkingDay(moment)) moment = moment.plus({ days: 1 });
  return moment.set({ hour: hour!, minute: minute! }).toUTC().toISO()!;
}

export function composeDigest(lines: string[]): { subject: string; text: string } {
  const subject = `Sammanfattning: ${lines.length} ${lines.length === 1 ? 'försenad uppgift' : 'försenade uppgifter'} att följa upp`;
  const text = [
    'Hej,',
    '',
    'Dessa uppgifter har passerat sin tidsfrist och eskalerats till dig sedan förra sammanfattningen:',
    '',
    ...lines.map((line) => `- ${line}`),
    '',
    'Det här meddelandet innehåller inga uppgifter om personer. Logga in i Samverkan för att se ärendena.',
  ].join('\n');
  return { subject, text };
}
