// An OTLP/HTTP endpoint on this machine, as a collector receives traces (JSON encoding, what
// @opentelemetry/exporter-trace-otlp-http sends): POST /v1/traces, answered 200.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedSpan {
  service: string;
  traceId: string;
  spanId: string;
  parentSpanId: string;
  name: string;
  kind: number;
  attributes: Record<string, unknown>;
}

export interface OtlpReceiver {
  /** For OTEL_EXPORTER_OTLP_ENDPOINT. */
  endpoint: string;
  /** Every request body as it arrived, to look for what must not be in any. */
  bodies: string[];
  spans: ReceivedSpan[];
  /** The spans of one trace, once `done` holds of them (or after 30 s). */
  trace(traceId: string, done: (spans: ReceivedSpan[]) => boolean): Promise<ReceivedSpan[]>;
  close(): Promise<void>;
}

type Attribute = { key: string; value: Record<string, unknown> };
type ExportRequest = { resourceSpans: { resource: { attributes: Attribute[] }; scopeSpans: { spans: (Omit<ReceivedSpan, 'attributes' | 'service'> & { attributes: Attribute[] })[] }[] }[] };

/** OTLP JSON: resourceSpans → scopeSpans → spans, attributes as { key, value: { stringValue | intValue | … } }. */
function spansOf(body: string): ReceivedSpan[] {
  const valueOf = (attribute: Attribute) => Object.values(attribute.value)[0];
  return (JSON.parse(body) as ExportRequest).resourceSpans.flatMap((resourceSpans) => {
    const service = String(valueOf(resourceSpans.resource.attributes.find((attribute) => attribute.key === 'service.name')!));
    return resourceSpans.scopeSpans.flatMap((scope) =>
      scope.spans.map((span) => ({ ...span, service, attributes: Object.fromEntries(span.attributes.map((attribute) => [attribute.key, valueOf(attribute)])) })),
    );
  });
}

export async function startOtlpReceiver(): Promise<OtlpReceiver> {
  const bodies: string[] = [];
  const spans: ReceivedSpan[] = [];
  const server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => (body += chunk));
    request.on('end', () => {
      if (request.method === 'POST' && request.url === '/v1/traces' && String(request.headers['content-type']).startsWith('application/json')) {
        bodies.push(body);
        spans.push(...spansOf(body));
        response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      } else {
        response.writeHead(404).end();
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    bodies,
    spans,
    async trace(traceId, done) {
      const ofTrace = () => spans.filter((span) => span.traceId === traceId);
      for (let i = 0; i < 150 && !done(ofTrace()); i++) await new Promise((resolve) => setTimeout(resolve, 200));
      return ofTrace();
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
