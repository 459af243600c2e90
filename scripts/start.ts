// `npm start`: everything on one machine. Without TEMPORAL_ADDRESS a local Temporal dev
// server starts (state under data/), without SMTP_URL a local mail catcher; then the worker
// and the HTTP API. Ctrl-C stops it all.
import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { buildApp } from '../api/app';
import { apiDependencies } from '../api/dependencies';
import { loadConfig } from '../config/env';
import { openDatabase } from '../infra/database';
import { startMailCatcher } from '../infra/mail-catcher';
import { temporalConnectionOptions } from '../infra/temporal-connection';
import { startTemporalDevServer } from '../infra/temporal-dev-server';
import { ruleStoreFor } from '../infra/rule-store';
import { activityDependencies } from '../workers/dependencies';
import { ensureEscalationDigests } from '../workers/escalation-digests';
import { createCaseWorker } from '../workers/worker';

const config = loadConfig();
const stops: (() => Promise<void>)[] = [];
const log = (line: string) => console.log(`[samverkan] ${line}`);

async function main() {
  const pool = await openDatabase(config.databaseUrl);
  stops.unshift(() => pool.end());

  let address = config.temporal.address;
  if (!address) {
    const devServer = await startTemporalDevServer({
      dataDir: config.dataDir,
      port: config.temporal.devPort,
      uiPort: config.temporal.uiPort,
      namespace: config.temporal.namespace,
    });
    stops.unshift(() => devServer.stop());
    address = devServer.address;
    log(`Temporal dev server: ${address}, Web UI: ${devServer.uiUrl}`);
  }

  let smtpUrl = config.mail.smtpUrl;
  if (!smtpUrl) {
    const catcher = await startMailCatcher({ smtpPort: config.mail.catcherSmtpPort, httpPort: config.mail.catcherHttpPort });
    stops.unshift(() => catcher.close());
    smtpUrl = catcher.smtpUrl;
    log(`Mail catcher: SMTP ${smtpUrl}, received mail at http://localhost:${catcher.httpPort} (JSON: /messages)`);
  }

  const connectionOptions = temporalConnectionOptions(config.temporal, address);
  const nativeConnection = await NativeConnection.connect(connectionOptions);
  stops.unshift(() => nativeConnection.close());
  const worker = await createCaseWorker({
    connection: nativeConnection,
    namespace: config.temporal.namespace,
    taskQueue: config.temporal.taskQueue,
    dependencies: activityDependencies(config, pool, smtpUrl),
  });
  const workerDone = worker.run();
  stops.unshift(async () => {
    worker.shutdown();
    await workerDone;
  });

  const connection = await Connection.connect(connectionOptions);
  stops.unshift(() => connection.close());
  const client = new Client({ connection, namespace: config.temporal.namespace });
  await ensureEscalationDigests(client, config.temporal.taskQueue, config.digestAt);
  log(`Escalation digests: each working day at ${config.digestAt}`);
  const app = await buildApp(apiDependencies({ client, pool, config, ruleStore: ruleStoreFor(config, pool) }));
  stops.unshift(() => app.close());
  await app.listen({ port: config.port, host: config.host });
  log(`HTTP API: http://localhost:${config.port} (OpenAPI: /openapi.json, health: /health)`);
  if (config.auth.usesDevSecret) {
    log('AUTH_JWT_SECRET is not set: using the development secret. Get a token with: npm run token -- --role handlaggare --unit mottagning');
  }
}

let stopping = false;
async function stop(signal: string) {
  if (stopping) return;
  stopping = true;
  log(`${signal}: stopping`);
  for (const step of stops) {
    try {
      await step();
    } catch (error) {
      console.error(error);
    }
  }
  process.exit(0);
}
process.on('SIGINT', () => void stop('SIGINT'));
process.on('SIGTERM', () => void stop('SIGTERM'));

main().catch(async (error) => {
  console.error(`[samverkan] start failed: ${(error as Error).message}`);
  await stop('error');
  process.exit(1);
});
