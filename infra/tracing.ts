// OpenTelemetry tracing, on when an OTLP endpoint is configured (OTEL_EXPORTER_OTLP_ENDPOINT or
// OTEL_EXPORTER_OTLP_TRACES_ENDPOINT, OTLP over HTTP): one trace follows a request from the
// proxy's `traceparent` through Fastify (@fastify/otel), the Temporal client call, the workflow
// and its activities (@temporalio/interceptors-opentelemetry) on whichever worker runs them.
// Off, nothing of it is loaded: the workflow bundle stays without the interceptors (issue 18's
// memory per cached case), and no request pays for spans.
//
// The SDK is OpenTelemetry JS 1.x, the line Temporal's interceptors are built on (their
// workflow spans are 1.x spans); @fastify/otel talks to it through @opentelemetry/api alone.
import { createRequire } from 'node:module';
import type { SpanProcessor } from '@opentelemetry/sdk-trace-base';
import type { Resource } from '@opentelemetry/resources';
import type { WorkflowClientInterceptor } from '@temporalio/client';
import type { ActivityInterceptorsFactory, InjectedSinks } from '@temporalio/worker';
import type { WorkflowInfo } from '@temporalio/workflow';
import type { FastifyPluginAsync } from 'fastify';
import type { OpenTelemetrySinks } from '@temporalio/interceptors-opentelemetry';
import { loggableUrl } from './logger';

export interface TracingSettings {
  /** `service.name` of this process's spans: OTEL_SERVICE_NAME, else the process's own (samverkan, samverkan-api, samverkan-worker). */
  serviceName: string;
}

export interface Tracing {
  /** For every Temporal Client: starts, signals, updates and queries carry the trace on. */
  clientInterceptors: { workflow: WorkflowClientInterceptor[] };
  /** For the worker: activity spans, workflow spans (the interceptor module in the bundle, their sink). */
  worker: {
    activity: ActivityInterceptorsFactory[];
    workflowModules: string[];
    sinks: InjectedSinks<OpenTelemetrySinks>;
  };
  /** Fastify's instrumentation: a server span per request, continuing an incoming `traceparent`. */
  fastifyPlugin: FastifyPluginAsync;
  /** Sends what is still buffered; at the process's stop. */
  shutdown(): Promise<void>;
}

const require = createRequire(import.meta.url);

/** The workflow interceptors' module, for `bundleWorkflowCode` and `Worker.create`. */
export const workflowTracingModule = require.resolve('@temporalio/interceptors-opentelemetry/lib/workflow-interceptors');

/**
 * The SDK's workflow span sink copies the whole WorkflowInfo onto every workflow span: its memo
 * (the open tasks' titles, "Överlämning till relationsvåldsteamet", and who holds them) and
 * search attributes (units, phase) would tell the tracing backend a case's facts. Only the
 * workflow's identity goes on.
 */
function withoutCaseFacts(sink: InjectedSinks<OpenTelemetrySinks>['exporter']): InjectedSinks<OpenTelemetrySinks>['exporter'] {
  const identity = ({ workflowId, runId, workflowType, namespace, taskQueue, attempt }: WorkflowInfo) => ({ workflowId, runId, workflowType, namespace, taskQueue, attempt });
  return { export: { ...sink.export, fn: (info, spans) => sink.export.fn(identity(info) as WorkflowInfo, spans) } };
}

/** Requests that would only fill the traces: probes and static files. */
const untraced = (url: string) => /^\/(health|static)(\/|$|\?)/.test(url);

/**
 * Starts the process's tracer provider (global, with the W3C trace context propagator and an
 * AsyncLocalStorage context manager) exporting over OTLP/HTTP as the OTEL_* settings say.
 */
export async function startTracing(settings: TracingSettings): Promise<Tracing> {
  const [{ NodeTracerProvider }, { BatchSpanProcessor }, { OTLPTraceExporter }, { Resource }, { ATTR_SERVICE_NAME, ATTR_URL_PATH }, otel, fastifyOtel] = await Promise.all([
    import('@opentelemetry/sdk-trace-node'),
    import('@opentelemetry/sdk-trace-base'),
    import('@opentelemetry/exporter-trace-otlp-http'),
    import('@opentelemetry/resources'),
    import('@opentelemetry/semantic-conventions'),
    import('@temporalio/interceptors-opentelemetry'),
    import('@fastify/otel'),
  ]);
  const resource: Resource = Resource.default().merge(new Resource({ [ATTR_SERVICE_NAME]: settings.serviceName }));
  // Batched (OTEL_BSP_* tune it): a slow collector never holds up a request or a workflow task.
  const spanProcessor: SpanProcessor = new BatchSpanProcessor(new OTLPTraceExporter());
  const provider = new NodeTracerProvider({ resource, spanProcessors: [spanProcessor] });
  provider.register();

  const instrumentation = new fastifyOtel.FastifyOtelInstrumentation({
    ignorePaths: (request) => untraced(request.url),
    // One span for the request: a span per hook or handler would carry the function's name, which
    // for an anonymous plugin is its whole source.
    instrumentHooks: false,
    instrumentHandler: false,
    // The address as the log has it: no query (a sign-in's code, a cursor), no receipt link's secret.
    requestHook: (span, request) => span.setAttribute(ATTR_URL_PATH, loggableUrl(request.url)),
  });
  instrumentation.setTracerProvider(provider);

  return {
    clientInterceptors: { workflow: [new otel.OpenTelemetryWorkflowClientInterceptor()] },
    worker: {
      activity: [(ctx) => ({ inbound: new otel.OpenTelemetryActivityInboundInterceptor(ctx), outbound: new otel.OpenTelemetryActivityOutboundInterceptor(ctx) })],
      workflowModules: [workflowTracingModule],
      sinks: { exporter: withoutCaseFacts(otel.makeWorkflowExporter(spanProcessor, resource)) },
    },
    fastifyPlugin: instrumentation.plugin() as unknown as FastifyPluginAsync,
    shutdown: () => provider.shutdown(),
  };
}

