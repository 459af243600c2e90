// Single-use, expiring links with which an external partner confirms that a handover arrived,
// or reports on an insats it performs (then the link names the case's workflow and the insats),
// in PostgreSQL. The notification activity issues them; the API's receipt page claims them.
// The token is random (nothing public and no key computes it) and only its hash is stored; the
// link itself says nothing about the case. A retried activity, whose mail may not have gone
// out, issues a new token for the same notification and the earlier one stops working.
import { createHash, randomBytes } from 'node:crypto';
import type { Pool } from 'pg';

export type ClaimResult =
  | { ok: true; handoverWorkflowId: string; unit: string; insatsId?: string }
  | { ok: false; reason: 'okand' | 'anvand' | 'utgangen' };

export type ReceiptRefusal = Extract<ClaimResult, { ok: false }>['reason'];

export interface ReceiptLinks {
  /** `insatsId`: a provider's report link (handoverWorkflowId is then the case's workflow). */
  issue(input: { key: string; handoverWorkflowId: string; unit: string; expiresAt: Date; insatsId?: string }): Promise<string>;
  /** Whether a link could be taken now, without taking it: the page says at once when it cannot. */
  check(token: string): Promise<{ ok: true; insatsId?: string } | { ok: false; reason: ReceiptRefusal }>;
  /** Takes a link once; a second use, an expired or an unknown link is refused. */
  claim(token: string): Promise<ClaimResult>;
  /** Gives a claimed link back when the confirmation could not be recorded. */
  release(token: string): Promise<void>;
}

const hash = (token: string) => createHash('sha256').update(token).digest('hex');

export function createPgReceiptLinks(pool: Pool): ReceiptLinks {
  return {
    async issue({ key, handoverWorkflowId, unit, expiresAt, insatsId }) {
      const token = randomBytes(32).toString('base64url');
      // One link per notification: a retry replaces the token, unless the link was already used.
      await pool.query(
        `INSERT INTO receipt_link (token_hash, notification_key, handover_workflow_id, unit, expires_at, insats_id) VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (notification_key) DO UPDATE SET token_hash = EXCLUDED.token_hash, expires_at = EXCLUDED.expires_at
         WHERE receipt_link.used_at IS NULL`,
        [hash(token), hash(key), handoverWorkflowId, unit, expiresAt, insatsId ?? null],
      );
      return token;
    },
    async check(token) {
      const found = await pool.query<{ used: boolean; expired: boolean; insats_id: string | null }>(
        'SELECT used_at IS NOT NULL AS used, expires_at <= now() AS expired, insats_id FROM receipt_link WHERE token_hash = $1',
        [hash(token)],
      );
      const row = found.rows[0];
      if (!row) return { ok: false, reason: 'okand' };
      if (row.used) return { ok: false, reason: 'anvand' };
      return row.expired ? { ok: false, reason: 'utgangen' } : { ok: true, ...(row.insats_id ? { insatsId: row.insats_id } : {}) };
    },
    async claim(token) {
      const claimed = await pool.query<{ handover_workflow_id: string; unit: string; insats_id: string | null }>(
        `UPDATE receipt_link SET used_at = now() WHERE token_hash = $1 AND used_at IS NULL AND expires_at > now()
         RETURNING handover_workflow_id, unit, insats_id`,
        [hash(token)],
      );
      const row = claimed.rows[0];
      if (row) return { ok: true, handoverWorkflowId: row.handover_workflow_id, unit: row.unit, ...(row.insats_id ? { insatsId: row.insats_id } : {}) };
      const known = await pool.query<{ used_at: Date | null }>('SELECT used_at FROM receipt_link WHERE token_hash = $1', [hash(token)]);
      if (known.rowCount === 0) return { ok: false, reason: 'okand' };
      return { ok: false, reason: known.rows[0]!.used_at ? 'anvand' : 'utgangen' };
    },
    async release(token) {
      await pool.query('UPDATE receipt_link SET used_at = NULL WHERE token_hash = $1', [hash(token)]);
    },
  };
}
