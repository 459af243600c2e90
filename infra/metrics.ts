// Metrics for Prometheus on a port of their own, not the public one (METRICS_PORT, bound to
// METRICS_HOST, 127.0.0.1 unless told otherwise): the HTTP API's requests, latency and status
// by route, the process's own (memory, event loop), and, where the process runs a worker, the
// Temporal SDK's (workflow and activity tasks, polls, schedule-to-start), which the SDK's native
// exporter serves on a loopback port that this server reads and passes on.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';

export interface Metrics {
  registry: Registry;
  /** One HTTP request answered: its method, route pattern (never the address with its case reference) and status. */
  observeRequest(labels: { method: string; route: string; status: number }, seconds: number): void;
}

export function createMetrics(): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'samverkan_' });
  const requests = new Counter({ name: 'samverkan_http_requests_total', help: 'HTTP requests answered, by method, route and status', labelNames: ['method', 'route', 'status_code'], registers: [registry] });
  const latency = new Histogram({
    name: 'samverkan_http_request_duration_seconds',
    help: 'Time from request to answer, by method, route and status',
    labelNames: ['method', 'route', 'status_code'],
    buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  return {
    registry,
    observeRequest({ method, route, status }, seconds) {
      const labels = { method, route, status_code: String(status) };
      requests.inc(labels);
      latency.observe(labels, seconds);
    },
  };
}

export interface MetricsServer {
  port: number;
  close(): Promise<void>;
}

/** Serves GET /metrics: ours, then the SDK's exporter's (`sdkUrl`) when the process has one. */
export async function startMetricsServer(options: { metrics: Metrics; host: string; port: number; sdkUrl?: string }): Promise<MetricsServer> {
  const server: Server = createServer((request, response) => {
    if (request.method !== 'GET' || request.url !== '/metrics') {
      response.writeHead(404).end();
      return;
    }
    void (async () => {
      const ours = await options.metrics.registry.metrics();
      const sdk = options.sdkUrl
        ? await fetch(options.sdkUrl, { signal: AbortSignal.timeout(2_000) }).then(
            (r) => (r.ok ? r.text() : ''),
            () => '',
          )
        : '';
      response.writeHead(200, { 'content-type': options.metrics.registry.contentType }).end(`${ours}\n${sdk}`);
    })().catch(() => response.writeHead(500).end());
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
