// OpenTelemetry tracing as an operations team turns it on: `npm start`'s script with an OTLP
// endpoint, on its real Temporal dev server. One trace goes from the proxy's `traceparent`
// through the HTTP request, the Temporal client call, the case workflow, its child workflows and
// their activities; no span carries a receipt link's secret or a query string; without an
// endpoint nothing is traced. The receiver is a plain OTLP/HTTP (JSON) endpoint on this machine.
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import type { ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { signLocalToken } from '../api/auth';
import { loadConfig } from '../config/env';
import { freePort } from '../infra/free-port';
import { appOutput, startAppProcess, stopAppProcess } from './support/app-process';
import { testDatabaseUrl } from './support/database';
import { startOtlpReceiver, type OtlpReceiver, type ReceivedSpan } from './support/otlp-receiver';

const secret = `tracing-${randomUUID()}`;
const dataDir = mkdtempSync(path.join(tmpdir(), 'samverkan-tracing-'));
let receiver: OtlpReceiver;
let app: ChildProcess | undefined;
let apiPort: number;

beforeAll(async () => {
  receiver = await startOtlpReceiver();
  apiPort = await freePort();
  app = await startAppProcess(
    {
      PORT: String(apiPort),
      DATA_DIR: dataDir,
      TEMPORAL_DEV_PORT: String(await freePort()),
      TEMPORAL_UI_PORT: String(await freePort()),
      MAILCATCHER_SMTP_PORT: String(await freePort()),
      MAILCATCHER_HTTP_PORT: String(await freePort()),
      DATABASE_URL: testDatabaseUrl,
      AUTH_JWT_SECRET: secret,
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint,
      // Sent within a fifth of a second rather than OpenTelemetry's default 5 s.
      OTEL_BSP_SCHEDULE_DELAY: '200',
    },
    `http://127.0.0.1:${apiPort}/health`,
  );
});
afterAll(async () => {
  if (app && app.exitCode === null) await stopAppProcess(app);
  await receiver?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

test("one trace from the proxy's traceparent through the request, the workflow, its children and their activities", async () => {
  const traceId = randomBytes(16).toString('hex');
  const proxySpanId = randomBytes(8).toString('hex');
  const caseRef = `BU-${randomUUID().slice(0, 8)}`;
  const token = await signLocalToken({ sub: 'mottagning-tracing', role: 'handlaggare', unit: 'mottagning' }, secret);
  const opened = await fetch(`http://127.0.0.1:${apiPort}/cases`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', traceparent: `00-${traceId}-${proxySpanId}-01` },
    // Violence and children: the case starts its handover and its joint meeting as child workflows.
    body: JSON.stringify({ caseRef, kind: 'barn', flags: { vald: 'ja', barnIHushallet: true, hedersrelaterat: false, skyddadeUppgifter: false } }),
  });
  expect(opened.status).toBe(201);

  const names = (spans: ReceivedSpan[]) => new Set(spans.map((span) => span.name));
  const inMeeting = (span: ReceivedSpan) => span.name.startsWith('RunActivity:') && String(span.attributes.temporalWorkflowId).startsWith(`arende-${caseRef}:planeringsmote`);
  // (A workflow's own span ends when the workflow does: an open case's is not sent yet.)
  const spans = await receiver.trace(traceId, (sofar) => names(sofar).has('StartChildWorkflow:meetingWorkflow') && sofar.some(inMeeting));
  const one = (name: string) => {
    const found = spans.filter((span) => span.name === name);
    expect({ name, count: found.length }).toStrictEqual({ name, count: 1 });
    return found[0]!;
  };

  // The request, as Fastify's instrumentation sees it: a server span under the proxy's.
  const request = one('request');
  expect(request).toMatchObject({ service: 'samverkan', kind: 2, parentSpanId: proxySpanId, attributes: { 'http.request.method': 'POST', 'http.route': '/cases', 'url.path': '/cases', 'http.response.status_code': 201 } });
  // The Temporal client's call from within it, and the workflow's handling of it on the worker.
  const clientCall = one('UpdateWithStartWorkflow:caseOpened');
  expect(clientCall.parentSpanId).toBe(request.spanId);
  expect(one('HandleUpdate:caseOpened')).toMatchObject({ parentSpanId: clientCall.spanId, attributes: { workflowId: `arende-${caseRef}`, workflowType: 'caseWorkflow' } });
  // The workflow's activities and its child workflow, whose own activities are in the trace too.
  const activityStarts = spans.filter((span) => span.name === 'StartActivity:planDeadline' && span.attributes.workflowId === `arende-${caseRef}`);
  expect(activityStarts.length).toBeGreaterThan(0);
  for (const start of activityStarts) expect(spans.filter((span) => span.parentSpanId === start.spanId).map((span) => span.name)).toContain('RunActivity:planDeadline');
  expect(spans.filter(inMeeting).length).toBeGreaterThan(0);

  // A workflow span names the workflow and nothing of the case: not its open tasks (the memo),
  // not who holds them, not its search attributes.
  const everything = JSON.stringify(spans);
  for (const fact of ['Överlämning', 'relationsvåld', 'mottagning-tracing', 'memo', 'searchAttributes', 'SamverkanPhase']) expect({ fact, found: everything.includes(fact) }).toStrictEqual({ fact, found: false });
  expect(appOutput(app!)).toContain('Tracing: OpenTelemetry over OTLP/HTTP');
});

test("no span carries a receipt link's secret or a query string; probes are not traced", async () => {
  const traceId = randomBytes(16).toString('hex');
  const link = 'Qx'.repeat(22);
  const traceparent = `00-${traceId}-${randomBytes(8).toString('hex')}-01`;
  await fetch(`http://127.0.0.1:${apiPort}/kvittens/${link}?code=hemlig-kod`, { headers: { traceparent } });
  await fetch(`http://127.0.0.1:${apiPort}/health/ready`, { headers: { traceparent } });
  const spans = await receiver.trace(traceId, (sofar) => sofar.some((span) => span.name === 'request'));
  expect(spans.filter((span) => span.name === 'request').map((span) => span.attributes['url.path'])).toStrictEqual(['/kvittens/(länk)']);
  const everything = receiver.bodies.join('\n');
  expect(everything).not.toContain(link);
  expect(everything).not.toContain('hemlig-kod');
  expect(everything).not.toContain(secret);
});

test('tracing is on only with an OTLP endpoint, and OpenTelemetry’s own switches turn it off', () => {
  const base = { AUTH_JWT_SECRET: 'x' };
  expect(loadConfig(base).tracing).toBeUndefined();
  expect(loadConfig({ ...base, OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' }).tracing).toStrictEqual({});
  expect(loadConfig({ ...base, OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://collector:4318/v1/traces', OTEL_SERVICE_NAME: 'samverkan-sthlm' }).tracing).toStrictEqual({ serviceName: 'samverkan-sthlm' });
  expect(loadConfig({ ...base, OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318', OTEL_SDK_DISABLED: 'true' }).tracing).toBeUndefined();
  expect(loadConfig({ ...base, OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318', OTEL_TRACES_EXPORTER: 'none' }).tracing).toBeUndefined();
  expect(() => loadConfig({ ...base, OTEL_EXPORTER_OTLP_ENDPOINT: 'collector' })).toThrow(/OTEL_EXPORTER_OTLP_ENDPOINT: Ange en http\(s\)-adress/);
});
