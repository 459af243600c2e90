// Migrations on the real PostgreSQL: an empty database, one at the version before migrations
// were recorded (its tables there, with data), and two processes migrating the same database at
// the same moment. Each on a database of its own, dropped afterwards.
import { afterAll, expect, test } from '@jest/globals';
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { ensureDatabase } from '../infra/database';
import { migrate, migrationsDir, migrationsTable } from '../infra/migrations';
import { testDatabaseUrl } from './support/database';

const created: string[] = [];
afterAll(async () => {
  const admin = new pg.Client({ connectionString: urlOf('postgres') });
  await admin.connect();
  for (const name of created) await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  await admin.end();
});

function urlOf(name: string): string {
  const url = new URL(testDatabaseUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

async function freshDatabase(): Promise<string> {
  const name = `samverkan_migration_${randomUUID().slice(0, 8)}`;
  created.push(name);
  await ensureDatabase(urlOf(name));
  return urlOf(name);
}

async function query<T extends pg.QueryResultRow>(url: string, text: string, values: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(text, values)).rows;
  } finally {
    await client.end();
  }
}

const all = ['0001_baseline', '0002_notification-failure-by-recipient', '0003_family', '0004_provider-report-link', '0005_case-event', '0006_report-indexes', '0007_waiting-item'];
const recorded = async (url: string) => (await query<{ name: string }>(url, `SELECT name FROM ${migrationsTable} ORDER BY id`)).map((row) => row.name);
const indexes = async (url: string) => (await query<{ indexname: string }>(url, "SELECT indexname FROM pg_indexes WHERE tablename = 'notification_failure' ORDER BY indexname")).map((row) => row.indexname);

test('an empty database gets every migration, recorded once; a second start runs none', async () => {
  const url = await freshDatabase();
  expect(await migrate(url)).toStrictEqual(all);
  expect(await recorded(url)).toStrictEqual(all);
  expect(await indexes(url)).toContain('notification_failure_by_recipient');
  expect(await migrate(url)).toStrictEqual([]);
  expect(await recorded(url)).toStrictEqual(all);
});

test('a database from before migrations were recorded keeps its data and is brought up to date', async () => {
  const url = await freshDatabase();
  // What that version ran at every start: the statements of 0001, with nothing recorded.
  const before = readFileSync(path.join(migrationsDir, '0001_baseline.sql'), 'utf8').replace('-- Up Migration', '');
  await query(url, before);
  await query(url, "INSERT INTO notification_log (key, message_id, recipient, subject) VALUES ('arende-X/d1.r0.ny_uppgift0', '<a@samverkan>', 'rvt@exempel.se', 'Ny uppgift')");
  expect(await migrate(url)).toStrictEqual(all);
  expect(await query(url, 'SELECT key FROM notification_log')).toStrictEqual([{ key: 'arende-X/d1.r0.ny_uppgift0' }]);
  expect(await indexes(url)).toContain('notification_failure_by_recipient');
});

test('two processes creating and migrating one new database at the same moment: one runs each migration, the other waits and runs none', async () => {
  // Not created beforehand: both find no database, as an API process and a worker starting together do.
  const name = `samverkan_migration_${randomUUID().slice(0, 8)}`;
  created.push(name);
  const url = urlOf(name);
  const run = () =>
    new Promise<{ code: number | null; output: string }>((resolve) => {
      const child = spawn(process.execPath, ['--import', 'tsx', path.join(import.meta.dirname, '..', 'scripts', 'migrate.ts')], {
        env: { ...process.env, DATABASE_URL: url },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let output = '';
      child.stdout.on('data', (chunk) => (output += chunk));
      child.stderr.on('data', (chunk) => (output += chunk));
      child.on('exit', (code) => resolve({ code, output }));
    });
  const outcomes = await Promise.all([run(), run()]);
  expect(outcomes.map((o) => o.code)).toStrictEqual([0, 0]);
  expect(outcomes.map((o) => o.output.trim()).sort()).toStrictEqual([`[samverkan] migrated: ${all.join(', ')}`, '[samverkan] the database is up to date']);
  expect(await recorded(url)).toStrictEqual(all);
});
