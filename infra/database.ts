// The project's PostgreSQL database: created on first start, migrated in place.
import pg from 'pg';

const migrations = [
  `CREATE TABLE IF NOT EXISTS notification_log (
     key text PRIMARY KEY,
     message_id text NOT NULL,
     recipient text NOT NULL,
     subject text NOT NULL,
     sent_at timestamptz NOT NULL DEFAULT now()
   )`,
  // Single-use links with which external partners confirm a handover; only a hash is kept.
  `CREATE TABLE IF NOT EXISTS receipt_link (
     token_hash text PRIMARY KEY,
     handover_workflow_id text NOT NULL,
     unit text NOT NULL,
     expires_at timestamptz NOT NULL,
     used_at timestamptz
   )`,
  // Every view of a handover's content: who, from which unit, when.
  `CREATE TABLE IF NOT EXISTS handover_view_log (
     id bigserial PRIMARY KEY,
     handover_workflow_id text NOT NULL,
     viewer text NOT NULL,
     unit text NOT NULL,
     role text NOT NULL,
     viewed_at timestamptz NOT NULL DEFAULT now()
   )`,
  `CREATE INDEX IF NOT EXISTS handover_view_log_by_handover ON handover_view_log (handover_workflow_id, viewed_at)`,
  // Receipt tokens are random now, one per notification (its key hashed: the key names the case).
  `ALTER TABLE receipt_link ADD COLUMN IF NOT EXISTS notification_key text`,
  `CREATE UNIQUE INDEX IF NOT EXISTS receipt_link_by_notification ON receipt_link (notification_key)`,
  // Escalations to managers waiting for the next digest, and the digest each went into.
  `CREATE TABLE IF NOT EXISTS escalation_digest_item (
     key text PRIMARY KEY,
     recipient text NOT NULL,
     line text NOT NULL,
     queued_at timestamptz NOT NULL DEFAULT now(),
     digest_key text
   )`,
  `CREATE INDEX IF NOT EXISTS escalation_digest_item_by_digest ON escalation_digest_item (digest_key)`,
  // Every accepted rule set (organisation + rules), never changed afterwards: who, when, why.
  // `scope` is the Temporal namespace the rules govern: one municipality per namespace.
  `CREATE TABLE IF NOT EXISTS rule_set_version (
     scope text NOT NULL,
     version integer NOT NULL,
     organisation jsonb NOT NULL,
     rules jsonb NOT NULL,
     created_by text NOT NULL,
     created_at timestamptz NOT NULL DEFAULT now(),
     reason text NOT NULL,
     restored_from integer,
     PRIMARY KEY (scope, version)
   )`,
  // Requests sent with an Idempotency-Key and their answers (infra/idempotency-store.ts): per
  // caller, kept at least 24 hours; `status` is null while the first request is in flight.
  `CREATE TABLE IF NOT EXISTS idempotency_key (
     caller_sub text NOT NULL,
     key text NOT NULL,
     route text NOT NULL,
     body_hash text NOT NULL,
     claim_id text NOT NULL,
     status integer,
     response_body text,
     content_type text,
     created_at timestamptz NOT NULL DEFAULT now(),
     PRIMARY KEY (caller_sub, key)
   )`,
  `CREATE INDEX IF NOT EXISTS idempotency_key_by_age ON idempotency_key (created_at)`,
  // Notifications the mail server refused for good (SMTP 5xx): not retried, shown to operators
  // (GET /utskick/misslyckade). The reply is kept short and without addresses.
  `CREATE TABLE IF NOT EXISTS notification_failure (
     key text PRIMARY KEY,
     recipient text NOT NULL,
     unit text,
     response_code integer NOT NULL,
     response text NOT NULL,
     subject text NOT NULL,
     failed_at timestamptz NOT NULL DEFAULT now()
   )`,
  `CREATE INDEX IF NOT EXISTS notification_failure_by_time ON notification_failure (failed_at)`,
  // A notification being sent: claimed before SMTP, removed when notification_log records it.
  // A claim still here after its lease is a mail that was in flight when a worker stopped: the
  // retry sends it again (same Message-ID) and counts the attempt.
  `CREATE TABLE IF NOT EXISTS notification_claim (
     key text PRIMARY KEY,
     attempts integer NOT NULL DEFAULT 1,
     claimed_at timestamptz NOT NULL DEFAULT now(),
     lease_until timestamptz NOT NULL
   )`,
];

/** Creates the database named in the URL when it does not exist yet. */
export async function ensureDatabase(url: string): Promise<void> {
  const target = new URL(url);
  const name = decodeURIComponent(target.pathname.replace(/^\//, ''));
  if (!/^[A-Za-z0-9_]+$/.test(name)) throw new Error(`Ogiltigt databasnamn i DATABASE_URL: ${name}`);
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const client = new pg.Client({ connectionString: admin.toString(), connectionTimeoutMillis: poolTimeouts.connectionTimeoutMillis });
  await client.connect();
  try {
    const exists = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (exists.rowCount === 0) {
      try {
        await client.query(`CREATE DATABASE "${name}"`);
      } catch (error) {
        // Another process created it at the same moment.
        if ((error as { code?: string }).code !== '42P04') throw error;
      }
    }
  } finally {
    await client.end();
  }
}

/**
 * Every connection and query ends within a few seconds: a database that is down or silent
 * makes a request fail fast (503, api/errors.ts) instead of hanging.
 */
export const poolTimeouts = {
  /** Opening a connection (TCP and sign-in). */
  connectionTimeoutMillis: 3_000,
  /** The server cancels a statement running longer. */
  statement_timeout: 5_000,
  /** The server ends a session left idle inside a transaction. */
  idle_in_transaction_session_timeout: 10_000,
  /** The client gives up on an answer (a silent server, where statement_timeout cannot help). */
  query_timeout: 6_000,
} as const;

/**
 * `onConnectionError`: a connection in the pool broke while idle (the server restarted, the
 * network cut it). The pool drops it and opens a new one when next needed; without a listener
 * the pool's 'error' event would end the process. Default: logged.
 */
export async function openDatabase(url: string, options: { onConnectionError?: (error: Error) => void; /** Connections in the pool (default 5; the embedded database takes 1). */ max?: number } = {}): Promise<pg.Pool> {
  await ensureDatabase(url);
  const pool = new pg.Pool({ connectionString: url, max: options.max ?? 5, keepAlive: true, ...poolTimeouts });
  pool.on('error', options.onConnectionError ?? ((error) => console.error(`[samverkan] database connection lost (the pool reconnects): ${error.message}`)));
  for (const statement of migrations) await pool.query(statement);
  return pool;
}

/** The database's check for /health: `SELECT 1` within the probe's time. */
export function databaseProbe(pool: pg.Pool, timeoutMs = 1_500): () => Promise<boolean> {
  return async () => {
    await pool.query({ text: 'SELECT 1', query_timeout: timeoutMs } as pg.QueryConfig);
    return true;
  };
}

const unavailableCodes = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);
const unavailableMessages = /connection terminated|timeout exceeded when trying to connect|query read timeout|connection timeout|client has encountered a connection error|cannot use a pool after calling end/i;

/**
 * The database could not be reached or did not answer in time, as opposed to refusing a
 * statement: a connection that fails or breaks, a timeout, a server shutting down or starting
 * (SQLSTATE class 08, 57P01–57P03) or a statement cancelled by statement_timeout (57014).
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  // pg passes on the socket's own error (an AggregateError when several addresses were tried,
  // with the code on it), so only the error itself is read: a cause further down may be another
  // dependency's (a fetch that failed).
  // Read by shape, not `instanceof Error`: node's socket errors may come from another realm (a vm context).
  if (typeof error !== 'object' || error === null) return false;
  const { code, message } = error as { code?: unknown; message?: unknown };
  if (typeof code === 'string' && (unavailableCodes.has(code) || code.startsWith('08') || ['57P01', '57P02', '57P03', '57014'].includes(code))) return true;
  return typeof message === 'string' && unavailableMessages.test(message);
}
