/* eslint-disable @typescript-eslint/no-explicit-any -- JSON answers are read as a client sees them */
// Two of everything: two `npm start` processes (each a worker and an HTTP API) against one
// Temporal dev server, one database, one payload key and one SMTP server, as a municipality runs
// them behind a load balancer. Cases, handovers, rule changes and the digest behave as with one:
// nothing done twice, nothing one process knows that the other does not.
import { afterAll, beforeAll, expect, jest, test } from '@jest/globals';
import type { ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { messageIdFor } from '../activities';
import { signLocalToken, type Caller } from '../api/auth';
import { freePort } from '../infra/free-port';
import { startMailCatcher, type MailCatcher } from '../infra/mail-catcher';
import { startTemporalDevServer, type DevServer } from '../infra/temporal-dev-server';
import { escalationDigestWorkflowId } from '../workflows/escalation-digest-workflow';
import { startAppProcess, stopAppProcess } from './support/app-process';
import { testDatabaseUrl } from './support/database';
import { handoverContent } from './support/handover-content';

jest.setTimeout(240_000);

const secret = `two-${randomUUID()}`;
const payloadKeys = `k1:${randomBytes(32).toString('base64')}`;
const dirs: string[] = [];
let temporal: DevServer;
let mail: MailCatcher;
const apps: { process: ChildProcess; port: number }[] = [];

beforeAll(async () => {
  const temporalDir = mkdtempSync(path.join(tmpdir(), 'samverkan-two-temporal-'));
  dirs.push(temporalDir);
  temporal = await startTemporalDevServer({ dataDir: temporalDir, port: await freePort(), uiPort: await freePort(), namespace: 'default', quiet: true });
  mail = await startMailCatcher();
  // Started one after the other, as a rolling start does; both migrate the same database.
  for (let i = 0; i < 2; i++) {
    const dataDir = mkdtempSync(path.join(tmpdir(), `samverkan-two-${i}-`));
    dirs.push(dataDir);
    const port = await freePort();
    const env = { PORT: String(port), PUBLIC_URL: `http://127.0.0.1:${port}`, DATA_DIR: dataDir, DATABASE_URL: testDatabaseUrl, AUTH_JWT_SECRET: secret, PAYLOAD_KEYS: payloadKeys, LOG_LEVEL: 'warn' };
    apps.push({ process: await startAppProcess(env, `http://127.0.0.1:${port}/health`, { smtpUrl: mail.smtpUrl, temporalAddress: temporal.address }), port });
  }
});

afterAll(async () => {
  for (const app of apps) await stopAppProcess(app.process);
  await mail?.close();
  await temporal?.stop();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

async function api(which: 0 | 1, method: 'GET' | 'POST', url: string, caller: Partial<Caller> & Pick<Caller, 'unit'>, body?: unknown) {
  const token = await signLocalToken({ sub: `${caller.unit}-two`, role: 'handlaggare', ...caller }, secret);
  const response = await fetch(`http://127.0.0.1:${apps[which]!.port}${url}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  return { status: response.status, body: (await response.json()) as any };
}

const flags = { vald: 'nej', barnIHushallet: true, hedersrelaterat: false, skyddadeUppgifter: false };
const mottagning = { unit: 'mottagning' };

test('cases opened through either API are one set: read, acted on and handed over through the other, each mail once', async () => {
  const run = randomUUID().slice(0, 6);
  const refs = Array.from({ length: 8 }, (_, i) => `TW-${run}-${i}`);
  // Opened at once, half through each process.
  const opened = await Promise.all(refs.map((ref, i) => api((i % 2) as 0 | 1, 'POST', '/cases', mottagning, { caseRef: ref, kind: 'barn', flags })));
  expect(opened.map((o) => o.status)).toStrictEqual(refs.map(() => 201));
  // The same opening again through the other process: the same case, not a second one.
  expect((await api(1, 'POST', '/cases', mottagning, { caseRef: refs[0], kind: 'barn', flags })).status).toBe(200);

  const ref = refs[0]!;
  const acted = await api(1, 'POST', `/cases/${ref}/actions`, mottagning, { type: 'skyddsbedomning', skyddsbehov: 'ej_akut' });
  expect(acted.status).toBe(200);
  const sent = await api(0, 'POST', `/cases/${ref}/overlamningar`, mottagning, { till: 'rvt', innehall: handoverContent({ vald: 'nej' }) });
  expect(sent.status).toBe(201);
  const kvitterad = await api(1, 'POST', `/cases/${ref}/overlamningar/${sent.body.id}/svar`, { unit: 'rvt' }, { typ: 'kvittera' });
  expect(kvitterad.status).toBe(200);
  const seen = await api(0, 'GET', `/cases/${ref}`, mottagning);
  expect(seen.body).toMatchObject({ phase: 'forhandsbedomning', handovers: [{ id: sent.body.id, status: 'kvitterad' }] });

  // Every case's first task announced once, and the handover's, although two workers poll.
  const expected = [...refs.map((r) => `arende-${r}/d1.r0.ny_uppgift0`), `arende-${ref}:overlamning-${sent.body.id}/d1.r0.ny_uppgift0`].map(messageIdFor);
  const ids = () => mail.messages().map((m) => m.messageId);
  for (let i = 0; i < 120 && !expected.every((id) => ids().includes(id)); i++) await new Promise((resolve) => setTimeout(resolve, 250));
  await new Promise((resolve) => setTimeout(resolve, 1_000));
  expect(expected.map((id) => ids().filter((seenId) => seenId === id).length)).toStrictEqual(expected.map(() => 1));
});

test('a rule change through one API is in force at once through the other', async () => {
  const samordnare = { unit: 'ifo', role: 'samordnare' as const };
  const before = await api(1, 'GET', '/regelverk', samordnare);
  const { version: _version, ...rules } = before.body.rules;
  const changed = { ...rules, escalationDigest: !rules.escalationDigest };
  const applied = await api(0, 'POST', '/regelverk', samordnare, { organisation: before.body.organisation, rules: changed, skal: 'Prövar två processer' });
  expect(applied.status).toBe(201);
  const after = await api(1, 'GET', '/regelverk', samordnare);
  expect({ version: after.body.version, escalationDigest: after.body.rules.escalationDigest }).toStrictEqual({ version: applied.body.version, escalationDigest: changed.escalationDigest });
});

test('the morning digest runs once for the namespace, though both processes made sure of it', async () => {
  const connection = await Connection.connect({ address: temporal.address });
  try {
    const client = new Client({ connection });
    const runs = [];
    for await (const execution of client.workflow.list({ query: `WorkflowId = '${escalationDigestWorkflowId}'` })) runs.push(execution.status.name);
    expect(runs).toStrictEqual(['RUNNING']);
  } finally {
    await connection.close();
  }
});
