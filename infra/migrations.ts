// The database's schema, as numbered SQL files in migrations/ run by node-pg-migrate: each runs
// once and is recorded in `schema_migration`, under PostgreSQL's advisory lock, so that an API
// process and a worker starting at the same moment migrate one after the other, never twice.
// 0001 is the schema from before migrations were recorded, written to run on a database that
// already has it; every later file is plain SQL.
import path from 'node:path';
import { runner } from 'node-pg-migrate';
import pg from 'pg';
import { projectRoot } from './project-root';

export const migrationsDir = path.join(projectRoot, 'migrations');
export const migrationsTable = 'schema_migration';

/** Runs the migrations not yet recorded; returns their names, in order. */
export async function migrate(url: string): Promise<string[]> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3_000 });
  await client.connect();
  try {
    const ran = await runner({
      dbClient: client,
      dir: migrationsDir,
      direction: 'up',
      migrationsTable,
      checkOrder: true,
      // All pending files in one transaction: a failing one leaves the schema as it was.
      singleTransaction: true,
      // A second process waits for the first to finish, then finds nothing left to do.
      advisoryLockMode: 'wait',
      log: () => {},
    });
    return ran.map((migration) => migration.name);
  } finally {
    await client.end();
  }
}
