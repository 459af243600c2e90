// A standalone worker process, for running workers apart from the API in production:
// `tsx workers/main.ts`. Uses the prebuilt bundle from `npm run build:workflows` when present.
import { existsSync } from 'node:fs';
import { NativeConnection } from '@temporalio/worker';
import { loadConfig } from '../config/env';
import { openDatabase } from '../infra/database';
import { temporalAddress, temporalConnectionOptions } from '../infra/temporal-connection';
import { activityDependencies } from './dependencies';
import { createCaseWorker, prebuiltBundlePath } from './worker';

const config = loadConfig();
if (!config.mail.smtpUrl) throw new Error('SMTP_URL krävs för en fristående worker');
const pool = await openDatabase(config.databaseUrl);
const connection = await NativeConnection.connect(temporalConnectionOptions(config.temporal, temporalAddress(config.temporal)));
const worker = await createCaseWorker({
  connection,
  namespace: config.temporal.namespace,
  taskQueue: config.temporal.taskQueue,
  dependencies: activityDependencies(config, pool, config.mail.smtpUrl),
  ...(existsSync(prebuiltBundlePath) ? { workflowBundle: { codePath: prebuiltBundlePath } } : {}),
});
// The worker shuts down on SIGINT/SIGTERM by itself and lets running activities finish.
await worker.run();
await connection.close();
await pool.end();
