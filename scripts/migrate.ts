// `npm run migrate`: brings the database at DATABASE_URL to the current schema and says what ran.
// Every process also does this at start (infra/database.ts); this is for a deployment that
// migrates before it rolls out new processes. Exit 1 with one line when it cannot.
import { loadConfig, requireDatabaseUrl } from '../config/env';
import { ensureDatabase } from '../infra/database';
import { migrate } from '../infra/migrations';

try {
  const url = requireDatabaseUrl(loadConfig(), 'npm run migrate');
  await ensureDatabase(url);
  const ran = await migrate(url);
  console.log(ran.length ? `[samverkan] migrated: ${ran.join(', ')}` : '[samverkan] the database is up to date');
} catch (error) {
  console.error(`[samverkan] migration failed: ${(error as Error).message}`);
  process.exit(1);
}
