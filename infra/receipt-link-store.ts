// Single-use, expiring links with which an external partner confirms that a handover arrived,
// in PostgreSQL. The notification activity issues them; the API's receipt page claims them.
// The token is an HMAC of the notification's key (a retried activity issues the same link);
// only its hash is stored, and the link itself says nothing about the case.
import { createHash, createHmac } from 'node:crypto';
import type { Pool } from 'pg';

export type ClaimResult =
  | { ok: true; handoverWorkflowId: string; unit: string }
  | { ok: false; reason: 'okand' | 'anvand' | 'utgangen' };

export interface ReceiptLinks {
  issue(input: { key: string; handoverWorkflowId: string; unit: string; expiresAt: Date }): Promise<string>;
  /** Takes a link once; a second use, an expired or an unknown link is refused. */
  claim(token: string): Promise<ClaimResult>;
  /** Gives a claimed link back when the confirmation could not be recorded. */
  release(token: string): Promise<void>;
}

const hash = (token: string) => createHash('sha256').update(token).digest('hex');

export function createPgReceiptLinks(pool: Pool, secret: string): ReceiptLinks {
  return {
    async issue({ key, handoverWorkflowId, unit, expiresAt }) {
      const token = createHmac('sha256', secret).update(key).digest('base64url');
      await pool.query(
        `INSERT INTO receipt_link (token_hash, handover_workflow_id, unit, expires_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (token_hash) DO NOTHING`,
        [hash(token), handoverWorkflowId, unit, expiresAt],
      );
      return token;
    },
    async claim(token) {
      const claimed = await pool.query<{ handover_workflow_id: string; unit: string }>(
        `UPDATE receipt_link SET used_at = now() WHERE token_hash = $1 AND used_at IS NULL AND expires_at > now()
         RETURNING handover_workflow_id, unit`,
        [hash(token)],
      );
      const row = claimed.rows[0];
      if (row) return { ok: true, handoverWorkflowId: row.handover_workflow_id, unit: row.unit };
      const known = await pool.query<{ used_at: Date | null }>('SELECT used_at FROM receipt_link WHERE token_hash = $1', [hash(token)]);
      if (known.rowCount === 0) return { ok: false, reason: 'okand' };
      return { ok: false, reason: known.rows[0]!.used_at ? 'anvand' : 'utgangen' };
    },
    async release(token) {
      await pool.query('UPDATE receipt_link SET used_at = NULL WHERE token_hash = $1', [hash(token)]);
    },
  };
}
