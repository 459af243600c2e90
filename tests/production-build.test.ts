// The production path exactly as a municipality's IT runs it: `npm run build`, then in a clean
// folder only what is deployed (package files, dist/, migrations/, web/static/),
// `npm ci --omit=dev`, and the built worker and API started with plain `node` against a Temporal
// dev server, the real PostgreSQL and an SMTP server: they serve, a case opened through the API
// reaches its unit by e-mail, and its trace goes from the API's process into the worker's.
import { afterAll, beforeAll, expect, jest, test } from '@jest/globals';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { cpSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { messageIdFor } from '../activities';
import { signLocalToken } from '../api/auth';
import { freePort } from '../infra/free-port';
import { startMailCatcher, type MailCatcher } from '../infra/mail-catcher';
import { projectRoot } from '../infra/project-root';
import { startTemporalDevServer, type DevServer } from '../infra/temporal-dev-server';
import { testDatabaseUrl } from './support/database';
import { startOtlpReceiver, type OtlpReceiver } from './support/otlp-receiver';

jest.setTimeout(600_000);
const run = promisify(execFile);

const deployed = mkdtempSync(path.join(tmpdir(), 'samverkan-deployed-'));
const temporalDir = mkdtempSync(path.join(tmpdir(), 'samverkan-deployed-temporal-'));
const database = `samverkan_deployed_${randomUUID().slice(0, 8)}`;
const secret = `deployed-${randomUUID()}`;
let temporal: DevServer;
let mail: MailCatcher;
let traces: OtlpReceiver;
const processes: { name: string; child: ChildProcess; output: () => string }[] = [];
let apiPort: number;
let workerMetricsPort: number;

function startBuilt(name: string, script: string, env: Record<string, string>) {
  // Only what the deployment sets: no inherited TEMPORAL_* or DATABASE_URL of the test run.
  const child = spawn(process.execPath, [script], { cwd: deployed, env: { PATH: process.env.PATH!, HOME: deployed, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  processes.push({ name, child, output: () => output });
}

beforeAll(async () => {
  await run(process.execPath, ['--import', 'tsx', 'scripts/build.ts'], { cwd: projectRoot });
  for (const item of ['package.json', 'package-lock.json', 'dist', 'migrations', path.join('web', 'static')]) {
    cpSync(path.join(projectRoot, item), path.join(deployed, item), { recursive: true });
  }
  await run('npm', ['ci', '--omit=dev', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: deployed, maxBuffer: 16 * 1024 * 1024 });

  temporal = await startTemporalDevServer({ dataDir: temporalDir, port: await freePort(), uiPort: await freePort(), namespace: 'default', quiet: true });
  mail = await startMailCatcher();
  traces = await startOtlpReceiver();
  const url = new URL(testDatabaseUrl);
  url.pathname = `/${database}`;
  apiPort = await freePort();
  workerMetricsPort = await freePort();
  const common = { DATABASE_URL: url.toString(), TEMPORAL_ADDRESS: temporal.address, PAYLOAD_KEYS: `k1:${randomBytes(32).toString('base64')}`, AUTH_JWT_SECRET: secret, LOG_LEVEL: 'warn', OTEL_EXPORTER_OTLP_ENDPOINT: traces.endpoint, OTEL_BSP_SCHEDULE_DELAY: '200' };
  startBuilt('worker', 'dist/worker.js', { ...common, SMTP_URL: mail.smtpUrl, PUBLIC_URL: `http://127.0.0.1:${apiPort}`, METRICS_PORT: String(workerMetricsPort) });
  startBuilt('api', 'dist/api-server.js', { ...common, PORT: String(apiPort), PUBLIC_URL: `http://127.0.0.1:${apiPort}` });
});

afterAll(async () => {
  for (const { child } of processes) {
    child.kill('SIGTERM');
    await new Promise((resolve) => (child.exitCode !== null ? resolve(null) : child.once('exit', resolve)));
  }
  await mail?.close();
  await traces?.close();
  await temporal?.stop();
  const admin = new pg.Client({ connectionString: testDatabaseUrl });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
  await admin.end();
  rmSync(deployed, { recursive: true, force: true });
  rmSync(temporalDir, { recursive: true, force: true });
});

test('npm ci --omit=dev installs no development tool, and the built API and worker serve with plain node', async () => {
  // What only development and npm start need is not there.
  for (const dev of ['tsx', 'typescript', 'jest', 'smtp-server', '@electric-sql/pglite']) expect({ dev, installed: existsSync(path.join(deployed, 'node_modules', dev)) }).toStrictEqual({ dev, installed: false });

  let ready = 0;
  for (let i = 0; i < 120 && ready !== 200; i++) {
    for (const { name, child, output } of processes) if (child.exitCode !== null) throw new Error(`${name} stopped (exit ${child.exitCode}):\n${output()}`);
    ready = await fetch(`http://127.0.0.1:${apiPort}/health/ready`).then(
      (r) => r.status,
      () => 0,
    );
    if (ready !== 200) await new Promise((resolve) => setTimeout(resolve, 500));
  }
  expect(ready).toBe(200);

  const caseRef = `PB-${randomUUID().slice(0, 8)}`;
  const traceId = randomBytes(16).toString('hex');
  const token = await signLocalToken({ sub: 'mottagning-deployed', role: 'handlaggare', unit: 'mottagning' }, secret);
  const opened = await fetch(`http://127.0.0.1:${apiPort}/cases`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', traceparent: `00-${traceId}-${randomBytes(8).toString('hex')}-01` },
    body: JSON.stringify({ caseRef, kind: 'barn', flags: { vald: 'nej', barnIHushallet: false, hedersrelaterat: false, skyddadeUppgifter: false } }),
  });
  expect(opened.status).toBe(201);
  // The worker ran the case and its first notification.
  const announced = await mail.waitFor((m) => m.messageId === messageIdFor(`arende-${caseRef}/d1.r0.ny_uppgift0`), 30_000);
  expect(announced.to).toStrictEqual(['mottagning@exempel.se']);
  // The worker's metrics, the SDK's among them, on its metrics port (the activity ends a moment
  // after its mail is at the server: it records the mail as sent and logs the step).
  const activityMetric = /^temporal_activity_execution_latency_bucket\{.*activity_type="sendNotification"/m;
  let metrics = '';
  for (let i = 0; i < 50 && !activityMetric.test(metrics); i++) {
    metrics = await (await fetch(`http://127.0.0.1:${workerMetricsPort}/metrics`)).text();
    if (!activityMetric.test(metrics)) await new Promise((resolve) => setTimeout(resolve, 200));
  }
  expect(metrics).toMatch(activityMetric);
  // One trace across both processes: the API's request and client call, the worker's update
  // handler (the traced workflow bundle) and its notification activity.
  const spans = await traces.trace(traceId, (sofar) => sofar.some((span) => span.name === 'RunActivity:sendNotification'));
  expect(spans.map((span) => `${span.service} ${span.name}`)).toEqual(
    expect.arrayContaining(['samverkan-api request', 'samverkan-api UpdateWithStartWorkflow:caseOpened', 'samverkan-worker HandleUpdate:caseOpened', 'samverkan-worker RunActivity:sendNotification']),
  );
  // A page too: the web app's static files are found beside the build.
  const stylesheet = await fetch(`http://127.0.0.1:${apiPort}/static/app.css`);
  expect(stylesheet.status).toBe(200);
});
