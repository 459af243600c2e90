/* eslint-disable @typescript-eslint/no-explicit-any -- JSON answers are read as the client sees them */
// End to end, as a newcomer runs it: `npm start`'s script with its real Temporal dev server,
// worker, HTTP API and mail catcher. A child case goes from aktualisering to avslut through
// the HTTP API; the e-mails are read from the mail catcher and carry no case data; a
// restart keeps the open cases, and Ctrl-C stops everything.
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import type { ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { freePort } from '../infra/free-port';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { signLocalToken, type Caller } from '../api/auth';
import type { CaughtMail } from '../infra/mail-catcher';
import { appOutput, startAppProcess, stopAppProcess } from './support/app-process';
import { testDatabaseUrl } from './support/database';

const secret = `e2e-${randomUUID()}`;
const dataDir = mkdtempSync(path.join(tmpdir(), 'samverkan-e2e-'));
let ports: { api: number; temporal: number; ui: number; smtp: number; mailHttp: number; metrics: number };
let app: ChildProcess | undefined;

async function startApp(): Promise<ChildProcess> {
  return startAppProcess(
    {
      PORT: String(ports.api),
      PUBLIC_URL: `http://samverkan.e2e:${ports.api}`,
      DATA_DIR: dataDir,
      TEMPORAL_DEV_PORT: String(ports.temporal),
      TEMPORAL_UI_PORT: String(ports.ui),
      MAILCATCHER_SMTP_PORT: String(ports.smtp),
      MAILCATCHER_HTTP_PORT: String(ports.mailHttp),
      DATABASE_URL: testDatabaseUrl,
      AUTH_JWT_SECRET: secret,
      METRICS_PORT: String(ports.metrics),
    },
    `http://127.0.0.1:${ports.api}/health`,
  );
}

const stopApp = stopAppProcess;

async function api(method: 'GET' | 'POST', url: string, caller: Partial<Caller> & Pick<Caller, 'unit'>, body?: unknown) {
  const token = await signLocalToken({ sub: `${caller.unit}-e2e`, role: 'handlaggare', ...caller }, secret);
  const response = await fetch(`http://127.0.0.1:${ports.api}${url}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  return { status: response.status, body: (await response.json()) as Record<string, any> };
}

async function act(caseRef: string, unit: string, action: Record<string, unknown>) {
  const answer = await api('POST', `/cases/${caseRef}/actions`, { unit }, action);
  expect({ action: action.type, ...answer }).toMatchObject({ action: action.type, status: 200 });
  return answer.body;
}

async function mailFor(caseRef: string, count: number): Promise<CaughtMail[]> {
  for (let i = 0; i < 100; i++) {
    const all = (await (await fetch(`http://127.0.0.1:${ports.mailHttp}/messages`)).json()) as CaughtMail[];
    const mine = all.filter((m) => m.headers['x-samverkan-key']?.startsWith(`arende-${caseRef}/`));
    if (mine.length >= count) return mine;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`fewer than ${count} e-mails arrived for ${caseRef}`);
}

beforeAll(async () => {
  ports = { api: await freePort(), temporal: await freePort(), ui: await freePort(), smtp: await freePort(), mailHttp: await freePort(), metrics: await freePort() };
  app = await startApp();
});
afterAll(async () => {
  if (app && app.exitCode === null) await stopApp(app);
  rmSync(dataDir, { recursive: true, force: true });
});

const flags = { vald: 'nej', barnIHushallet: true, hedersrelaterat: false, skyddadeUppgifter: false };
const openCaseRef = `BU-${randomUUID().slice(0, 8)}`;

test('a child case from aktualisering to avslut through the HTTP API, with notifications that carry no case data', async () => {
  const caseRef = `BU-${randomUUID().slice(0, 8)}`;
  const privateReason = 'Inväntar journal från BUP om Anna Andersson 850101-1234, Storgatan 1';
  const opened = await api('POST', '/cases', { unit: 'mottagning' }, { caseRef, kind: 'barn', flags });
  expect(opened.status).toBe(201);
  await act(caseRef, 'mottagning', { type: 'skyddsbedomning', skyddsbehov: 'akut' });
  await act(caseRef, 'mottagning', { type: 'forhandsbedomning', beslut: 'inled_utredning' });
  const utredning = await act(caseRef, 'bou', { type: 'forlang_utredning', nyttSlutdatum: '2099-01-31', skal: privateReason });
  expect(utredning.openTasks[0].dueAt.slice(0, 10)).toBe('2099-01-31');
  await act(caseRef, 'bou', { type: 'avsluta_utredning', beslut: 'insatser' });
  const decided = await act(caseRef, 'bou', { type: 'besluta_insats', insats: 'trappan', utforare: 'resursenhet' });
  const insatsId = decided.insatser[0].id;
  await act(caseRef, 'bou', { type: 'uppfoljning', insatsId });
  await act(caseRef, 'bou', { type: 'avsluta_insats', insatsId });
  const closed = await act(caseRef, 'bou', { type: 'avsluta_arende' });
  expect(closed.phase).toBe('avslutad');
  expect(closed.openTasks.length).toBe(0);
  expect(closed.events.map((e: { type: string }) => e.type)).toStrictEqual(['oppnat', 'skyddsbedomning', 'forhandsbedomning', 'forlang_utredning', 'avsluta_utredning', 'besluta_insats', 'uppfoljning', 'avsluta_insats', 'avsluta_arende']);
  const afterClose = await api('POST', `/cases/${caseRef}/actions`, { unit: 'bou' }, { type: 'avsluta_arende' });
  expect(afterClose).toMatchObject({ status: 409 });
  expect(afterClose.body.error.message).toBe('Ärendet är avslutat och kan inte ändras');
  const reread = await api('GET', `/cases/${caseRef}`, { unit: 'resursenhet' });
  // the performing unit is involved and sees the closed case
  expect(reread.status).toBe(200);
  expect(reread.body.phase).toBe('avslutad');

  // One "new task" notice per task: skyddsbedömning, förhandsbedömning, utredning, two follow-ups,
  // and resursenheten's confirmation of the start as the insats's provider (planned with the first follow-up).
  const mails = await mailFor(caseRef, 6);
  expect(mails.map((m) => [m.to[0], m.subject]).sort()).toStrictEqual([
      ['bou@exempel.se', 'Ny uppgift för Barn- och ungdomsenheten: Uppföljning'],
      ['bou@exempel.se', 'Ny uppgift för Barn- och ungdomsenheten: Uppföljning'],
      ['bou@exempel.se', 'Ny uppgift för Barn- och ungdomsenheten: Utredning'],
      ['mottagning@exempel.se', 'Ny uppgift för Mottagningen barn och unga: Bedömning att göra'],
      ['mottagning@exempel.se', 'Ny uppgift för Mottagningen barn och unga: Bedömning att göra'],
      ['resursenhet@exempel.se', 'Ny uppgift för Resursenheten: Start att bekräfta'],
    ]);
  for (const mail of mails) {
    // says by when
    expect(mail.text).toMatch(/Senast: \d{1,2} \w+ \d{4} kl\. \d\d:\d\d/);
    // links to the case
    expect(mail.text).toContain(`Öppna i Samverkan: http://samverkan.e2e:${ports.api}/arenden/${caseRef}`);
    expect(mail.messageId).toMatch(/^<[0-9a-f]{32}@samverkan>$/);
    const everything = `${mail.subject}\n${mail.text}`;
    for (const secretText of ['Anna', 'Andersson', '850101', 'Storgatan', 'BUP', 'journal', 'akut', 'våld', 'vald']) {
      // no name, address, record text or case fact
      expect(everything).not.toContain(secretText);
    }
    // no personal identity number
    expect(everything).not.toMatch(/\d{6}[-+]?\d{4}/);
  }

  // The process's log: JSON lines; each notification's through the SDK's activity logger, with
  // the case's workflow id; no address, subject or token in any of them.
  const logLines = () =>
    appOutput(app!)
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as Record<string, unknown>);
  const sentLines = () => logLines().filter((line) => line.msg === 'notification sent' && line.workflowId === `arende-${caseRef}`);
  // Logged once the ledger has the mail, a moment after the mail server took it.
  for (let i = 0; i < 50 && sentLines().length < 6; i++) await new Promise((resolve) => setTimeout(resolve, 100));
  const sent = sentLines();
  expect(sent).toHaveLength(6);
  // No task token: it would let whoever reads the log complete the activity.
  expect(sent[0]).not.toHaveProperty('taskToken');
  expect(sent[0]).toMatchObject({ level: 'info', service: 'samverkan', component: 'temporal', activityType: 'sendNotification', key: `arende-${caseRef}/d1.r0.ny_uppgift0` });
  expect(logLines().some((line) => line.msg === 'request completed' && typeof line.requestId === 'string')).toBe(true);
  const everything = appOutput(app!);
  for (const secretText of ['mottagning@exempel.se', 'Ny uppgift för', 'Bearer ']) expect(everything).not.toContain(secretText);

  // Metrics for Prometheus on their own port, not the public one: the SDK's workflow-task series
  // and the API's requests by route pattern (no case reference in any label).
  const scraped = await (await fetch(`http://127.0.0.1:${ports.metrics}/metrics`)).text();
  expect(scraped).toMatch(/^temporal_workflow_task_execution_latency_bucket\{/m);
  expect(scraped).toMatch(/^temporal_activity_execution_latency_bucket\{.*activity_type="sendNotification"/m);
  expect(scraped).toMatch(/^samverkan_http_requests_total\{method="POST",route="\/cases\/:caseRef\/actions",status_code="200"\} [1-9]/m);
  expect(scraped).toMatch(/^samverkan_http_request_duration_seconds_bucket\{/m);
  expect(scraped).not.toContain(caseRef);
  expect((await fetch(`http://127.0.0.1:${ports.api}/metrics`)).status).toBe(404);
});

test('a case opened through the API shows in the Temporal Web UI, and a restart keeps it', async () => {
  const opened = await api('POST', '/cases', { unit: 'mottagning' }, { caseRef: openCaseRef, kind: 'barn', flags });
  expect(opened.status).toBe(201);
  await mailFor(openCaseRef, 1);

  const query = encodeURIComponent(`SamverkanCaseRef="${openCaseRef}"`);
  let listed: { executions?: { execution: { workflowId: string } }[] } = {};
  for (let i = 0; i < 50 && !listed.executions?.length; i++) {
    listed = (await (await fetch(`http://127.0.0.1:${ports.ui}/api/v1/namespaces/default/workflows?query=${query}`)).json()) as typeof listed;
    if (!listed.executions?.length) await new Promise((resolve) => setTimeout(resolve, 200));
  }
  expect(listed.executions?.[0]?.execution.workflowId).toBe(`arende-${openCaseRef}`);
  const namespace = (await (await fetch(`http://127.0.0.1:${ports.ui}/api/v1/namespaces/default`)).json()) as { config?: { workflowExecutionRetentionTtl?: string } };
  // closed cases are kept for ten years, not a day
  expect(namespace.config?.workflowExecutionRetentionTtl).toBe('315360000s');

  // Ctrl-C stops cleanly
  expect(await stopApp(app!)).toBe(0);
  // the API is down
  await expect(fetch(`http://127.0.0.1:${ports.api}/health`)).rejects.toThrow();
  // the Temporal dev server and its UI are down
  await expect(fetch(`http://127.0.0.1:${ports.ui}/`)).rejects.toThrow();

  app = await startApp();
  const after = await api('GET', `/cases/${openCaseRef}`, { unit: 'mottagning' });
  expect(after.status).toBe(200);
  expect(after.body.phase).toBe('skyddsbedomning');
  expect(after.body.openedAt).toBe(opened.body.openedAt);
  const next = await act(openCaseRef, 'mottagning', { type: 'skyddsbedomning', skyddsbehov: 'ej_akut' });
  // the case goes on after the restart
  expect(next.phase).toBe('forhandsbedomning');
});
