// The answers to requests sent with an Idempotency-Key, in PostgreSQL: a key is claimed before
// the request does anything, and its answer is kept with it, so that the same request again is
// answered from here instead of being done twice. Keys are per caller (the token's `sub`) and
// kept at least `retentionHours` (24); older rows are deleted lazily, when a claim comes by.
import { randomUUID } from 'node:crypto';
import type pg from 'pg';

export interface IdempotencyRequest {
  /** The caller's `sub`: another user's same key is another key. */
  caller: string;
  key: string;
  /** "POST /cases/BU-1/actions": the same key on another address is another request. */
  route: string;
  /** sha256 of the body's canonical JSON. */
  bodyHash: string;
}

export interface StoredAnswer {
  status: number;
  body: string;
  contentType: string;
}

export type Claim =
  /** The key is this request's: go on, then `complete` or `release` it with this claim. */
  | { kind: 'claimed'; claim: string }
  /** The same request was answered before: this is its answer. */
  | { kind: 'replay'; answer: StoredAnswer }
  /** The key was used for another body or address. */
  | { kind: 'mismatch' }
  /** The same request is being answered right now. */
  | { kind: 'in_flight' };

export interface IdempotencyStore {
  claim(request: IdempotencyRequest): Promise<Claim>;
  /** Keeps the answer of a claimed key. */
  complete(request: IdempotencyRequest, claim: string, answer: StoredAnswer): Promise<void>;
  /** Lets go of a claimed key without an answer (a 5xx): the client may try again. */
  release(request: IdempotencyRequest, claim: string): Promise<void>;
}

export interface IdempotencyStoreOptions {
  /** How long an answered key is kept (at least 24 hours in production). */
  retentionHours?: number;
  /**
   * How long a claim without an answer blocks its key. A process that died in the middle of a
   * request leaves such a claim; after this the key may be claimed again.
   */
  claimLeaseSeconds?: number;
  /** At most one sweep of expired rows this often. */
  sweepEveryMs?: number;
}

export function createPgIdempotencyStore(pool: pg.Pool, options: IdempotencyStoreOptions = {}): IdempotencyStore {
  const retention = `${options.retentionHours ?? 24} hours`;
  const lease = `${options.claimLeaseSeconds ?? 120} seconds`;
  const sweepEveryMs = options.sweepEveryMs ?? 10 * 60_000;
  let lastSweep = 0;

  async function sweep(): Promise<void> {
    if (Date.now() - lastSweep < sweepEveryMs) return;
    lastSweep = Date.now();
    await pool.query(`DELETE FROM idempotency_key WHERE created_at < now() - $1::interval`, [retention]);
  }

  async function claim(request: IdempotencyRequest, attempt = 0): Promise<Claim> {
    const id = randomUUID();
    // One statement: a new key is inserted; an expired key, or a claim whose process is gone,
    // is taken over; any other row stays as it is and is read below.
    const claimed = await pool.query(
      `INSERT INTO idempotency_key (caller_sub, key, route, body_hash, claim_id)
       VALUES ($1, $2, $3, $4, $7)
       ON CONFLICT (caller_sub, key) DO UPDATE
         SET route = EXCLUDED.route, body_hash = EXCLUDED.body_hash, claim_id = EXCLUDED.claim_id, status = NULL,
             response_body = NULL, content_type = NULL, created_at = now()
         WHERE idempotency_key.created_at < now() - $5::interval
            OR (idempotency_key.status IS NULL AND idempotency_key.created_at < now() - $6::interval)
       RETURNING 1`,
      [request.caller, request.key, request.route, request.bodyHash, retention, lease, id],
    );
    if (claimed.rowCount === 1) return { kind: 'claimed', claim: id };
    const found = await pool.query<{ route: string; body_hash: string; status: number | null; response_body: string | null; content_type: string | null }>(
      `SELECT route, body_hash, status, response_body, content_type FROM idempotency_key WHERE caller_sub = $1 AND key = $2`,
      [request.caller, request.key],
    );
    const row = found.rows[0];
    // Released between the two statements: try again.
    if (!row) return attempt < 3 ? claim(request, attempt + 1) : { kind: 'in_flight' };
    if (row.route !== request.route || row.body_hash !== request.bodyHash) return { kind: 'mismatch' };
    if (row.status === null) return { kind: 'in_flight' };
    return { kind: 'replay', answer: { status: row.status, body: row.response_body ?? '', contentType: row.content_type ?? 'application/json; charset=utf-8' } };
  }

  return {
    async claim(request) {
      await sweep();
      return claim(request);
    },
    async complete(request, claimId, answer) {
      await pool.query(
        `UPDATE idempotency_key SET status = $3, response_body = $4, content_type = $5
         WHERE caller_sub = $1 AND key = $2 AND claim_id = $6 AND status IS NULL`,
        [request.caller, request.key, answer.status, answer.body, answer.contentType, claimId],
      );
    },
    async release(request, claimId) {
      await pool.query(`DELETE FROM idempotency_key WHERE caller_sub = $1 AND key = $2 AND claim_id = $3 AND status IS NULL`, [request.caller, request.key, claimId]);
    },
  };
}
