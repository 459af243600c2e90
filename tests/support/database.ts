// Tests use a database of their own on the local PostgreSQL server.
import type pg from 'pg';
import { openDatabase } from '../../infra/database';

export const testDatabaseUrl = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/samverkan_test';

export async function openTestDatabase(): Promise<pg.Pool> {
  return openDatabase(testDatabaseUrl);
}

/** Signs the external partners' receipt links in tests. */
export const testReceiptSecret = 'test-receipt-secret';
