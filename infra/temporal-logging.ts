// The Temporal SDK's logs into ours: workflows' and activities' `log` (with their workflow id),
// the worker's own lines and the native core's warnings. Apart from infra/logger.ts so that a
// process without a worker does not load the SDK's native runtime for its configuration.
import type { LogLevel, LogMetadata, Logger as TemporalLogger } from '@temporalio/common';
import { Runtime } from '@temporalio/worker';
import { freePort } from './free-port';
import type { Logger } from './logger';

const temporalLevels: Record<LogLevel, 'trace' | 'debug' | 'info' | 'warn' | 'error'> = { TRACE: 'trace', DEBUG: 'debug', INFO: 'info', WARN: 'warn', ERROR: 'error' };

/** The Temporal SDK's logger interface on top of ours (Runtime.install({ logger })). */
export function temporalLogger(logger: Logger): TemporalLogger {
  const child = logger.child({ component: 'temporal' });
  // Not the activity's task token: with it, whoever reads the log could complete the activity.
  const write = (level: LogLevel, message: string, meta?: LogMetadata) => {
    const { taskToken: _token, ...rest } = meta ?? {};
    child[temporalLevels[level]](rest, message);
  };
  return {
    log: write,
    trace: (message, meta) => write('TRACE', message, meta),
    debug: (message, meta) => write('DEBUG', message, meta),
    info: (message, meta) => write('INFO', message, meta),
    warn: (message, meta) => write('WARN', message, meta),
    error: (message, meta) => write('ERROR', message, meta),
  };
}

/**
 * Sends the Temporal SDK's logs (workflows' and activities' `log`, the worker's own lines, and
 * the native core's warnings, forwarded) to our logger, and its metrics to a Prometheus exporter
 * on a loopback address when asked. Once per process, before any worker or native connection.
 */
export async function installTemporalLogging(logger: Logger, options: { metrics?: boolean } = {}): Promise<{ sdkMetricsUrl?: string }> {
  const port = options.metrics ? await freePort() : undefined;
  Runtime.install({
    logger: temporalLogger(logger),
    telemetryOptions: {
      logging: { filter: { core: 'WARN', other: 'WARN' }, forward: {} },
      // The SDK's metrics, for infra/metrics.ts to pass on (METRICS_PORT).
      ...(port ? { metrics: { prometheus: { bindAddress: `127.0.0.1:${port}` } } } : {}),
    },
  });
  return port ? { sdkMetricsUrl: `http://127.0.0.1:${port}/metrics` } : {};
}
