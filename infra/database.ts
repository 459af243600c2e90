// The project's PostgreSQL database: created on first start, migrated in place (infra/migrations.ts).
import pg from 'pg';
import { migrate } from './migrations';


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
    // An API process and a worker may start at the same moment, both finding no database.
    for (let attempt = 0; ; attempt++) {
      const exists = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
      if ((exists.rowCount ?? 0) > 0) return;
      try {
        await client.query(`CREATE DATABASE "${name}"`);
        return;
      } catch (error) {
        const code = (error as { code?: string }).code;
        // The other created it (42P04, or 23505 when both inserted at once): done.
        if (code === '42P04' || code === '23505') return;
        // The other is copying the template right now (55006): look again in a moment.
        if (code !== '55006' || attempt >= 20) throw error;
        await new Promise((resolve) => setTimeout(resolve, 250));
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
  await migrate(url);
  const pool = new pg.Pool({ connectionString: url, max: options.max ?? 5, keepAlive: true, ...poolTimeouts });
  pool.on('error', options.onConnectionError ?? ((error) => console.error(`[samverkan] database connection lost (the pool reconnects): ${error.message}`)));
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
