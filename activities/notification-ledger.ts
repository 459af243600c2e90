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

export interface NotificationLedger {
  /** True when the key was already sent; otherwise the caller may send it. */
  alreadySent(key: string): Promise<boolean>;
  recordSent(entry: { key: string; messageId: string; recipient: string; subject: string }): Promise<void>;
  /** The SMTP reply code of a recorded permanent failure of the key, if there is one. */
  failureOf(key: string): Promise<number | undefined>;
  recordFailure(entry: Omit<NotificationFailure, 'at'>): Promise<void>;
  /** The latest recorded failures, newest first. */
  failures(limit: number): Promise<NotificationFailure[]>;
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
    async recordSent({ key, messageId, recipient, subject }) {
      await pool.query(
        `INSERT INTO notification_log (key, message_id, recipient, subject) VALUES ($1, $2, $3, $4)
         ON CONFLICT (key) DO NOTHING`,
        [key, messageId, recipient, subject],
      );
    },
    async failureOf(key) {
      const result = await pool.query<{ response_code: number }>('SELECT response_code FROM notification_failure WHERE key = $1', [key]);
      return result.rows[0]?.response_code;
    },
    async recordFailure({ key, recipient, unit, code, response, subject }) {
      await pool.query(
        `INSERT INTO notification_failure (key, recipient, unit, response_code, response, subject) VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (key) DO NOTHING`,
        [key, recipient, unit ?? null, code, sanitiseSmtpResponse(response), subject],
      );
    },
    async failures(limit) {
      const result = await pool.query<{ key: string; recipient: string; unit: string | null; response_code: number; response: string; subject: string; failed_at: Date }>(
        'SELECT key, recipient, unit, response_code, response, subject, failed_at FROM notification_failure ORDER BY failed_at DESC, key LIMIT $1',
        [limit],
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
