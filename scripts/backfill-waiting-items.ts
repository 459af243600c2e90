// `npm run backfill:waiting`: after the upgrade that gave the stuck list its table
// (migrations/0007_waiting-item.sql), writes the items that started before it, as visibility
// shows them, and closes rows of items no longer running. Safe to run again: a row a workflow has
// written is never overwritten (infra/waiting-item-backfill.ts). Exit 1 with one line when it cannot.
import { Client, Connection } from '@temporalio/client';
import { loadConfig, requireDatabaseUrl, requirePayloadKeys } from '../config/env';
import { openDatabase } from '../infra/database';
import { payloadDataConverter } from '../infra/payload-codec';
import { temporalAddress, temporalConnectionOptions } from '../infra/temporal-connection';
import { backfillWaitingItems } from '../infra/waiting-item-backfill';
import { createPgWaitingItemStore } from '../infra/waiting-item-store';

try {
  const config = loadConfig();
  const pool = await openDatabase(requireDatabaseUrl(config, 'npm run backfill:waiting'));
  // The memo holds the items' summaries, encrypted: the same keys as the API and the workers.
  const dataConverter = payloadDataConverter(requirePayloadKeys(config, 'npm run backfill:waiting'));
  const connection = await Connection.connect(temporalConnectionOptions(config.temporal, temporalAddress(config.temporal)));
  try {
    const client = new Client({ connection, namespace: config.temporal.namespace, dataConverter });
    const { running, written, closed } = await backfillWaitingItems(client, createPgWaitingItemStore(pool));
    console.log(`[samverkan] stuck list: ${running} running items, ${written} written, ${closed} no longer running closed`);
  } finally {
    await connection.close();
    await pool.end();
  }
} catch (error) {
  console.error(`[samverkan] backfill failed: ${(error as Error).message}`);
  process.exit(1);
}
