// A standalone worker process, for running workers apart from the API in production:
// `node dist/worker.js` after `npm run build` (or `tsx workers/main.ts`). Uses the prebuilt
// workflow bundle from `npm run build` when present.
import { existsSync } from 'node:fs';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { loadConfig, requireDatabaseUrl, requirePayloadKeys } from '../config/env';
import { openDatabase } from '../infra/database';
import { createLogger } from '../infra/logger';
import { createMetrics, startMetricsServer } from '../infra/metrics';
import { installTemporalLogging } from '../infra/temporal-logging';
import { payloadDataConverter } from '../infra/payload-codec';
import { temporalAddress, temporalConnectionOptions } from '../infra/temporal-connection';
import { activityDependencies } from './dependencies';
import { ensureEscalationDigests } from './escalation-digests';
import { startTracing } from '../infra/tracing';
import { createCaseWorker, prebuiltBundlePath, prebuiltTracedBundlePath } from './worker';

const config = loadConfig();
if (!config.mail.smtpUrl) throw new Error('SMTP_URL krävs för en fristående worker');
const logger = createLogger(config.logLevel);
// With METRICS_PORT: the SDK's metrics (and the process's own) on GET /metrics.
const { sdkMetricsUrl } = await installTemporalLogging(logger, { metrics: Boolean(config.metrics) });
const metricsServer = config.metrics ? await startMetricsServer({ metrics: createMetrics(), ...config.metrics, ...(sdkMetricsUrl ? { sdkUrl: sdkMetricsUrl } : {}) }) : undefined;
// With an OTLP endpoint: workflow and activity spans, in the traces the API's requests begin.
const tracing = config.tracing ? await startTracing({ serviceName: config.tracing.serviceName ?? 'samverkan-worker' }) : undefined;
const dataConverter = payloadDataConverter(requirePayloadKeys(config, 'en worker'));
const pool = await openDatabase(requireDatabaseUrl(config, 'en worker'), { onConnectionError: (error) => logger.warn({ err: error }, 'database connection lost (the pool reconnects)') });
const connectionOptions = temporalConnectionOptions(config.temporal, temporalAddress(config.temporal));
const connection = await NativeConnection.connect(connectionOptions);
// The digest workflow runs once per namespace; every worker makes sure it is there.
const clientConnection = await Connection.connect(connectionOptions);
await ensureEscalationDigests(new Client({ connection: clientConnection, namespace: config.temporal.namespace, dataConverter, ...(tracing ? { interceptors: tracing.clientInterceptors } : {}) }), config.temporal.taskQueue, config.digestAt);
await clientConnection.close();
const bundlePath = tracing ? prebuiltTracedBundlePath : prebuiltBundlePath;
const worker = await createCaseWorker({
  connection,
  namespace: config.temporal.namespace,
  taskQueue: config.temporal.taskQueue,
  dataConverter,
  dependencies: activityDependencies(config, pool, config.mail.smtpUrl),
  ...(existsSync(bundlePath) ? { workflowBundle: { codePath: bundlePath } } : {}),
  ...(tracing ? { tracing: tracing.worker } : {}),
});
// The worker shuts down on SIGINT/SIGTERM by itself and lets running activities finish.
await worker.run();
await connection.close();
await pool.end();
await metricsServer?.close();
await tracing?.shutdown();
