// A standalone API process, for running the API apart from workers in production:
// `node dist/api-server.js` after `npm run build` (or `tsx api/server.ts`). One Temporal client for the whole process.
import { Client, Connection } from '@temporalio/client';
import { loadConfig, requireDatabaseUrl, requirePayloadKeys } from '../config/env';
import { payloadDataConverter } from '../infra/payload-codec';
import { ruleStoreFor } from '../infra/rule-store';
import { temporalAddress, temporalConnectionOptions } from '../infra/temporal-connection';
import { buildApp } from './app';
import { apiGrpcInterceptors } from './temporal-calls';
import { openDatabase } from '../infra/database';
import { createLogger } from '../infra/logger';
import { createMetrics, startMetricsServer } from '../infra/metrics';
import { apiDependencies } from './dependencies';
import { startTracing } from '../infra/tracing';

const config = loadConfig();
if (config.auth.usesDevSecret && !config.auth.oidcIssuer) {
  throw new Error('Ange AUTH_OIDC_ISSUER (eller AUTH_JWT_SECRET) innan API:t körs fristående');
}
const dataConverter = payloadDataConverter(requirePayloadKeys(config, 'API:t'));
// With an OTLP endpoint: a span per request, carried on into the workflow it starts or updates.
const tracing = config.tracing ? await startTracing({ serviceName: config.tracing.serviceName ?? 'samverkan-api' }) : undefined;
const connection = await Connection.connect({ ...temporalConnectionOptions(config.temporal, temporalAddress(config.temporal)), interceptors: apiGrpcInterceptors });
const client = new Client({ connection, namespace: config.temporal.namespace, dataConverter, ...(tracing ? { interceptors: tracing.clientInterceptors } : {}) });
const logger = createLogger(config.logLevel);
const pool = await openDatabase(requireDatabaseUrl(config, 'API:t'), { onConnectionError: (error) => logger.warn({ err: error }, 'database connection lost (the pool reconnects)') });
const metrics = config.metrics ? createMetrics() : undefined;
const app = await buildApp({ ...apiDependencies({ client, pool, config, ruleStore: ruleStoreFor(config, pool) }), logger, trustProxy: config.trustProxy, ...(metrics ? { metrics } : {}), ...(tracing ? { tracing } : {}) });
const metricsServer = config.metrics && metrics ? await startMetricsServer({ metrics, ...config.metrics }) : undefined;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void app
      .close()
      .then(() => metricsServer?.close())
      .then(() => connection.close())
      .then(() => pool.end())
      .then(() => tracing?.shutdown());
  });
}
await app.listen({ port: config.port, host: config.host });
