// The stuck list's table for a benchmark whose items are started without a worker (they write
// nothing themselves): filled from visibility by the backfill, as after an upgrade. The database
// is BENCH_DATABASE_URL's, or an embedded one in the benchmark's data dir.
import type { Client } from '@temporalio/client';
import { openDatabase } from '../infra/database';
import { embeddedPoolMax, startEmbeddedDatabase } from '../infra/embedded-database';
import { backfillWaitingItems } from '../infra/waiting-item-backfill';
import { createPgWaitingItemStore, type WaitingItemStore } from '../infra/waiting-item-store';

export async function benchWaitingItems(client: Client, dataDir: string): Promise<{ store: WaitingItemStore; written: number; close(): Promise<void> }> {
  const url = process.env.BENCH_DATABASE_URL;
  const embedded = url ? undefined : await startEmbeddedDatabase({ dataDir });
  const pool = await openDatabase(url ?? embedded!.url, embedded ? { max: embeddedPoolMax } : {});
  const store = createPgWaitingItemStore(pool);
  const { written } = await backfillWaitingItems(client, store);
  return {
    store,
    written,
    async close() {
      await pool.end();
      await embedded?.stop();
    },
  };
}
