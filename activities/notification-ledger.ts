// Remembers which notifications went out, so that a retried activity never sends one twice.
import type { Pool } from 'pg';

export interface NotificationLedger {
  /** True when the key was already sent; otherwise the caller may send it. */
  alreadySent(key: string): Promise<boolean>;
  recordSent(entry: { key: string; messageId: string; recipient: string; subject: string }): Promise<void>;
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
  };
}
