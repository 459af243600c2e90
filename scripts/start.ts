// `npm start`: everything on one machine. Without TEMPORAL_ADDRESS a local Temporal dev
// server starts (state under data/), without SMTP_URL a local mail catcher; then the worker
// and the HTTP API. Without PAYLOAD_KEYS the payloads are encrypted with a local key kept under
// data/ (infra/local-payload-keys.ts). Ctrl-C stops it all.
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { apiGrpcInterceptors } from '../api/temporal-calls';
import { buildApp } from '../api/app';
import { apiDependencies } from '../api/dependencies';
import { smtpProbe, workerProbe } from '../api/health';
import { loadConfig, type AppConfig } from '../config/env';
import { openDatabase } from '../infra/database';
import { createMetrics, startMetricsServer } from '../infra/metrics';
import { createLogger } from '../infra/logger';
import { installTemporalLogging } from '../infra/temporal-logging';
import { embeddedPoolMax, startEmbeddedDatabase } from '../infra/embedded-database';
import {
  configurationFailure,
  databaseFailure,
  describeDatabaseUrl,
  embeddedDatabaseFailure,
  listenFailure,
  mailCatcherFailure,
  portsInUse,
  startFailureLine,
  startStep,
  temporalConnectionFailure,
  temporalDevServerFailure,
} from '../infra/start-failure';
import { localPayloadKeys } from '../infra/local-payload-keys';
import { payloadDataConverter } from '../infra/payload-codec';
import { temporalConnectionOptions } from '../infra/temporal-connection';
import { startTemporalDevServer } from '../infra/temporal-dev-server';
import { startTracing, type Tracing } from '../infra/tracing';
import { ruleStoreFor } from '../infra/rule-store';
import { activityDependencies } from '../workers/dependencies';
import { ensureEscalationDigests } from '../workers/escalation-digests';
import { createCaseWorker } from '../workers/worker';

const config = loadConfigOrExit();
const stops: (() => Promise<void>)[] = [];
const logger = createLogger(config.logLevel);
// With METRICS_PORT: the SDK's exporter on a loopback port of its own, passed on by ours.
const { sdkMetricsUrl } = await installTemporalLogging(logger, { metrics: Boolean(config.metrics) });
const metrics = config.metrics ? createMetrics() : undefined;
const log = (line: string) => logger.info(line);

/** A bad setting stops the start before anything runs: one line, exit 1. */
function loadConfigOrExit(): AppConfig {
  try {
    return loadConfig();
  } catch (error) {
    console.error(`[samverkan] start failed: ${configurationFailure(error as Error)}`);
    process.exit(1);
  }
}

async function main() {
  // With an OTLP endpoint: one trace from the request through the workflow to its activities.
  let tracing: Tracing | undefined;
  if (config.tracing) {
    const started = await startTracing({ serviceName: config.tracing.serviceName ?? 'samverkan' });
    stops.unshift(() => started.shutdown());
    tracing = started;
    log(`Tracing: OpenTelemetry over OTLP/HTTP to ${process.env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ?? process.env.OTEL_EXPORTER_OTLP_ENDPOINT}`);
  }
  // Without DATABASE_URL, an embedded PostgreSQL (PGlite) under DATA_DIR, on a local port.
  let url = config.databaseUrl;
  const embeddedDir = path.join(config.dataDir, 'postgres');
  if (!url) {
    const embedded = await startStep(() => startEmbeddedDatabase({ dataDir: config.dataDir }), embeddedDatabaseFailure(embeddedDir));
    stops.unshift(() => embedded.stop());
    url = embedded.url;
  }
  const databaseUrl = url;
  const pool = await startStep(
    () => openDatabase(databaseUrl, { ...(config.databaseUrl ? {} : { max: embeddedPoolMax }), onConnectionError: (error) => logger.warn({ err: error }, 'database connection lost (the pool reconnects)') }),
    config.databaseUrl ? databaseFailure(databaseUrl) : embeddedDatabaseFailure(embeddedDir),
  );
  stops.unshift(() => pool.end());
  log(
    config.databaseUrl
      ? `Database: PostgreSQL at ${describeDatabaseUrl(databaseUrl)} (DATABASE_URL)`
      : `Database: embedded PostgreSQL (PGlite) in ${embeddedDir}, on ${describeDatabaseUrl(databaseUrl)} (DATABASE_URL is not set)`,
  );

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
    const ports = { devPort: config.temporal.devPort, uiPort: config.temporal.uiPort };
    const devServer = await startStep(
      () =>
        startTemporalDevServer({
          dataDir: config.dataDir,
          port: config.temporal.devPort,
          uiPort: config.temporal.uiPort,
          namespace: config.temporal.namespace,
          codecEndpoint: `${config.publicUrl}/codec`,
        }),
      temporalDevServerFailure(ports, () => portsInUse([ports.devPort, ports.uiPort])),
    );
    stops.unshift(() => devServer.stop());
    address = devServer.address;
    log(`Temporal dev server: ${address}, Web UI: ${devServer.uiUrl}`);
  }

  let smtpUrl = config.mail.smtpUrl;
  if (!smtpUrl) {
    const catcherPorts = { smtpPort: config.mail.catcherSmtpPort, httpPort: config.mail.catcherHttpPort };
    // Local only, and its packages are development dependencies: loaded when used.
    const { startMailCatcher } = await import('../infra/mail-catcher');
    const catcher = await startStep(() => startMailCatcher(catcherPorts), mailCatcherFailure(catcherPorts));
    stops.unshift(() => catcher.close());
    smtpUrl = catcher.smtpUrl;
    log(`Mail catcher: SMTP ${smtpUrl}, received mail at http://localhost:${catcher.httpPort} (JSON: /messages)`);
  }

  const connectionOptions = temporalConnectionOptions(config.temporal, address);
  const nativeConnection = await startStep(() => NativeConnection.connect(connectionOptions), temporalConnectionFailure(address, Boolean(config.temporal.address)));
  stops.unshift(() => nativeConnection.close());
  const worker = await createCaseWorker({
    connection: nativeConnection,
    namespace: config.temporal.namespace,
    taskQueue: config.temporal.taskQueue,
    dataConverter,
    dependencies: activityDependencies(config, pool, smtpUrl),
    ...(tracing ? { tracing: tracing.worker } : {}),
  });
  const workerDone = worker.run();
  stops.unshift(async () => {
    // The SDK may already be draining on the same signal: then only wait for it to finish.
    if (worker.getState() === 'RUNNING') worker.shutdown();
    await workerDone;
  });

  const connection = await Connection.connect({ ...connectionOptions, interceptors: apiGrpcInterceptors });
  stops.unshift(() => connection.close());
  const client = new Client({ connection, namespace: config.temporal.namespace, dataConverter, ...(tracing ? { interceptors: tracing.clientInterceptors } : {}) });
  await ensureEscalationDigests(client, config.temporal.taskQueue, config.digestAt);
  log(`Escalation digests: each working day at ${config.digestAt}`);
  const health = { smtp: smtpProbe(smtpUrl), worker: workerProbe(worker) };
  const app = await buildApp({ ...apiDependencies({ client, pool, config, ruleStore: ruleStoreFor(config, pool), health }), logger, trustProxy: config.trustProxy, ...(metrics ? { metrics } : {}), ...(tracing ? { tracing } : {}) });
  stops.unshift(() => app.close());
  if (config.metrics && metrics) {
    const where = config.metrics;
    const server = await startStep(
      () => startMetricsServer({ metrics, host: where.host, port: where.port, ...(sdkMetricsUrl ? { sdkUrl: sdkMetricsUrl } : {}) }),
      listenFailure('the metrics endpoint', { port: where.port, portName: 'METRICS_PORT', host: where.host, hostName: 'METRICS_HOST' }),
    );
    stops.unshift(() => server.close());
    log(`Metrics: http://${where.host}:${server.port}/metrics (Prometheus; not on the public port)`);
  }
  await startStep(() => app.listen({ port: config.port, host: config.host }), listenFailure('the HTTP API', { port: config.port, portName: 'PORT', host: config.host, hostName: 'HOST' }));
  log(`HTTP API: http://localhost:${config.port} (OpenAPI: /openapi.json, health: /health)`);
  if (config.auth.usesDevSecret) {
    log('AUTH_JWT_SECRET is not set: using the development secret. Get a token with: npm run token -- --role handlaggare --unit mottagning');
  }
}

let stopping = false;
/** Stops what has started, last started first, and exits with `code`; `failure` is printed last. */
async function stop(signal: string, code = 0, failure?: string) {
  if (stopping) return;
  stopping = true;
  if (!failure) log(`${signal}: stopping`);
  // A stop that hangs must not keep a failed start from saying so.
  if (failure) setTimeout(() => exit(code, failure), 20_000).unref();
  for (const step of stops) {
    try {
      await step();
    } catch (error) {
      if (failure) console.error(`[samverkan] while stopping: ${(error as Error).message}`);
      else console.error(error);
    }
  }
  exit(code, failure);
}
function exit(code: number, failure?: string): never {
  if (failure) console.error(`[samverkan] start failed: ${failure}`);
  process.exit(code);
}
process.on('SIGINT', () => void stop('SIGINT'));
process.on('SIGTERM', () => void stop('SIGTERM'));

// A failed start: everything started is stopped, then one line says what is missing and what to
// do, and the exit code is 1. (After Ctrl-C during the start, the stop of the signal goes on.)
main().catch((error) => void stop('error', 1, startFailureLine(error)));
