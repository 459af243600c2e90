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
];

/** Creates the database named in the URL when it does not exist yet. */
export async function ensureDatabase(url: string): Promise<void> {
  const target = new URL(url);
  const name = decodeURIComponent(target.pathname.replace(/^\//, ''));
  if (!/^[A-Za-z0-9_]+$/.test(name)) throw new Error(`Ogiltigt databasnamn i DATABASE_URL: ${name}`);
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const client = new pg.Client({ connectionString: admin.toString() });
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

export async function openDatabase(url: string): Promise<pg.Pool> {
  await ensureDatabase(url);
  const pool = new pg.Pool({ connectionString: url, max: 5 });
  for (const statement of migrations) await pool.query(statement);
  return pool;
}
