// Remembers which notifications went out, so that a retried activity never sends one twice,
// and which could not be delivered at all (a permanent SMTP failure, 5xx), so that operators see
// them and a retry does not try again.
import type { Pool } from 'pg';

/** A notification the mail server refused for good: its key, to whom, the SMTP reply code and a short reply. */
export interface NotificationFailure {
  key: string;
  recipient: string;
  /** The unit the notification was about (its mailbox, or the manager above it). */
  unit?: string;
  code: number;
  /** The server's reply, shortened, with any e-mail address in it replaced. */
  response: string;
  subject: string;
  at: string;
}

/**
 * A claim on sending a notification. `taken`: false while another attempt holds a live claim
 * (it may be talking to the mail server right now). `attempts` above 1: an earlier attempt
 * claimed it and never confirmed, so that mail may already have gone out once.
 */
export type NotificationClaim = { taken: false } | { taken: true; attempts: number };

export interface NotificationLedger {
  /** True when the key was already sent; otherwise the caller may send it. */
  alreadySent(key: string): Promise<boolean>;
  /** Claims the key for one attempt at the mail server, for `leaseMs`; taken again only after that. */
  claim(key: string, leaseMs: number): Promise<NotificationClaim>;
  /** Records the key as sent and ends its claim, in one statement. */
  recordSent(entry: { key: string; messageId: string; recipient: string; subject: string }): Promise<void>;
  /** Ends a claim without sending (the mail server refused it, or it went into a digest). */
  release(key: string): Promise<void>;
  /** Claims not confirmed whose lease has run out: mails that were in flight when a worker stopped. */
  abandonedClaims(): Promise<number>;
  /**
   * What became of the key before, in one statement: sent, or refused for good (the SMTP reply
   * code of its recorded failure), or neither (undefined).
   */
  earlierOutcome(key: string): Promise<{ sent: true } | { failed: number } | undefined>;
  recordFailure(entry: Omit<NotificationFailure, 'at'>): Promise<void>;
  /** The latest recorded failures, newest first; only those to these addresses when given. */
  failures(limit: number, recipients?: string[]): Promise<NotificationFailure[]>;
}

/** A server's reply as it is kept: no address in it (it may name a person's mailbox), at most 200 characters. */
export function sanitiseSmtpResponse(response: string): string {
  return response
    .replace(/[^\s<>@"]+@[^\s<>@"]+/g, '(adress)')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, 200);
}

export function createPgNotificationLedger(pool: Pool): NotificationLedger {
  return {
    async alreadySent(key) {
      const result = await pool.query('SELECT 1 FROM notification_log WHERE key = $1', [key]);
      return (result.rowCount ?? 0) > 0;
    },
    async claim(key, leaseMs) {
      const result = await pool.query<{ attempts: number }>(
        `INSERT INTO notification_claim (key, lease_until) VALUES ($1, now() + $2 * interval '1 millisecond')
         ON CONFLICT (key) DO UPDATE SET attempts = notification_claim.attempts + 1, claimed_at = now(), lease_until = excluded.lease_until
         WHERE notification_claim.lease_until < now()
         RETURNING attempts`,
        [key, leaseMs],
      );
      const row = result.rows[0];
      return row ? { taken: true, attempts: row.attempts } : { taken: false };
    },
    async recordSent({ key, messageId, recipient, subject }) {
      await pool.query(
        `WITH released AS (DELETE FROM notification_claim WHERE key = $1)
         INSERT INTO notification_log (key, message_id, recipient, subject) VALUES ($1, $2, $3, $4)
         ON CONFLICT (key) DO NOTHING`,
        [key, messageId, recipient, subject],
      );
    },
    async release(key) {
      await pool.query('DELETE FROM notification_claim WHERE key = $1', [key]);
    },
    async abandonedClaims() {
      const result = await pool.query<{ n: string }>('SELECT count(*) AS n FROM notification_claim WHERE lease_until < now()');
      return Number(result.rows[0]!.n);
    },
    async earlierOutcome(key) {
      const result = await pool.query<{ sent: boolean; failed: number | null }>(
        'SELECT EXISTS (SELECT 1 FROM notification_log WHERE key = $1) AS sent, (SELECT response_code FROM notification_failure WHERE key = $1) AS failed',
        [key],
      );
      const row = result.rows[0];
      if (row?.sent) return { sent: true };
      return row?.failed === null || row?.failed === undefined ? undefined : { failed: row.failed };
    },
    async recordFailure({ key, recipient, unit, code, response, subject }) {
      await pool.query(
        `WITH released AS (DELETE FROM notification_claim WHERE key = $1)
         INSERT INTO notification_failure (key, recipient, unit, response_code, response, subject) VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (key) DO NOTHING`,
        [key, recipient, unit ?? null, code, sanitiseSmtpResponse(response), subject],
      );
    },
    async failures(limit, recipients) {
      // By address through notification_failure_by_recipient (migrations/0002).
      const result = await pool.query<{ key: string; recipient: string; unit: string | null; response_code: number; response: string; subject: string; failed_at: Date }>(
        `SELECT key, recipient, unit, response_code, response, subject, failed_at FROM notification_failure
         WHERE $2::text[] IS NULL OR lower(recipient) = ANY($2::text[]) ORDER BY failed_at DESC, key LIMIT $1`,
        [limit, recipients ? recipients.map((r) => r.toLowerCase()) : null],
      );
      return result.rows.map((row) => ({
        key: row.key,
        recipient: row.recipient,
        ...(row.unit ? { unit: row.unit } : {}),
        code: row.response_code,
        response: row.response,
        subject: row.subject,
        at: row.failed_at.toISOString(),
      }));
    },
  };
}
