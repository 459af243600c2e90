// `npm start`: everything on one machine. Without TEMPORAL_ADDRESS a local Temporal dev
// server starts (state under data/), without SMTP_URL a local mail catcher; then the worker
// and the HTTP API. Without PAYLOAD_KEYS the payloads are encrypted with a local key kept under
// data/ (infra/local-payload-keys.ts). Ctrl-C stops it all.
import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { buildApp } from '../api/app';
import { apiDependencies } from '../api/dependencies';
import { loadConfig } from '../config/env';
import { openDatabase } from '../infra/database';
import { localPayloadKeys } from '../infra/local-payload-keys';
import { payloadDataConverter } from '../infra/payload-codec';
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

  let keyring = config.payloadKeys;
  if (keyring) {
    log(`Payloads encrypted with key ${keyring.currentKeyId} (PAYLOAD_KEYS: ${[...keyring.keys.keys()].join(', ')})`);
  } else {
    const local = localPayloadKeys(config.dataDir);
    keyring = local.keyring;
    log(`Payloads encrypted with the local key ${keyring.currentKeyId} in ${local.file}${local.created ? ' (new)' : ''}: keep it with the data`);
    if (config.temporal.address) log('PAYLOAD_KEYS is not set: every other worker and API on this cluster needs the same key');
  }
  const dataConverter = payloadDataConverter(keyring);

  let address = config.temporal.address;
  if (!address) {
    const devServer = await startTemporalDevServer({
      dataDir: config.dataDir,
      port: config.temporal.devPort,
      uiPort: config.temporal.uiPort,
      namespace: config.temporal.namespace,
      codecEndpoint: `${config.publicUrl}/codec`,
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
    dataConverter,
    dependencies: activityDependencies(config, pool, smtpUrl),
  });
  const workerDone = worker.run();
  stops.unshift(async () => {
    worker.shutdown();
    await workerDone;
  });

  const connection = await Connection.connect(connectionOptions);
  stops.unshift(() => connection.close());
  const client = new Client({ connection, namespace: config.temporal.namespace, dataConverter });
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
