/* eslint-disable @typescript-eslint/no-explicit-any -- JSON answers are read as the client sees them */
// `npm start` on a machine without PostgreSQL: with no DATABASE_URL the stack runs on the
// embedded database (PGlite under DATA_DIR/postgres), a case and a new rule version survive a
// Ctrl-C and a restart, and what was written is in the files PGlite left behind. And a start that
// cannot start says so: a non-zero exit and one line naming what is missing and what to do
// (database not there, API port taken, Temporal dev server port taken, a bad setting).
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { signLocalToken, type Caller } from '../api/auth';
import { freePort } from '../infra/free-port';
import { appOutput, startAppProcess, stopAppProcess } from './support/app-process';

const root = path.resolve(import.meta.dirname, '..');
const secret = `embedded-${randomUUID()}`;
const dirs: string[] = [];
const tempDir = () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'samverkan-embedded-'));
  dirs.push(dir);
  return dir;
};
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

type Ports = { api: number; temporal: number; ui: number; smtp: number; mailHttp: number };
async function freePorts(): Promise<Ports> {
  return { api: await freePort(), temporal: await freePort(), ui: await freePort(), smtp: await freePort(), mailHttp: await freePort() };
}

/** The settings of `npm start` on these ports; DATABASE_URL empty counts as unset: the embedded database. */
function settings(ports: Ports, dataDir: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    PORT: String(ports.api),
    PUBLIC_URL: `http://samverkan.embedded:${ports.api}`,
    DATA_DIR: dataDir,
    TEMPORAL_DEV_PORT: String(ports.temporal),
    TEMPORAL_UI_PORT: String(ports.ui),
    MAILCATCHER_SMTP_PORT: String(ports.smtp),
    MAILCATCHER_HTTP_PORT: String(ports.mailHttp),
    DATABASE_URL: '',
    AUTH_JWT_SECRET: secret,
    ...extra,
  };
}

describe('the embedded database', () => {
  const dataDir = tempDir();
  let ports: Ports;
  let app: ChildProcess | undefined;
  beforeAll(async () => {
    ports = await freePorts();
  });
  afterAll(async () => {
    if (app && app.exitCode === null) await stopAppProcess(app);
  });

  const start = async () => (app = await startAppProcess(settings(ports, dataDir), `http://127.0.0.1:${ports.api}/health`));

  async function api(method: 'GET' | 'POST', url: string, caller: Partial<Caller> & Pick<Caller, 'unit'>, body?: unknown) {
    const token = await signLocalToken({ sub: `${caller.unit}-embedded`, role: 'handlaggare', ...caller }, secret);
    const response = await fetch(`http://127.0.0.1:${ports.api}${url}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    return { status: response.status, body: (await response.json()) as any };
  }
  const samordnare = { unit: 'ifo', role: 'samordnare' as const, sub: 'samordnare-embedded' };
  const flags = { vald: 'nej', barnIHushallet: true, hedersrelaterat: false, skyddadeUppgifter: false };

  async function mailsFor(caseRef: string): Promise<unknown[]> {
    for (let i = 0; i < 100; i++) {
      const all = (await (await fetch(`http://127.0.0.1:${ports.mailHttp}/messages`)).json()) as { headers: Record<string, string> }[];
      const mine = all.filter((m) => m.headers['x-samverkan-key']?.startsWith(`arende-${caseRef}/`));
      if (mine.length > 0) return mine;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    throw new Error(`no e-mail arrived for ${caseRef}`);
  }

  test('without DATABASE_URL the stack runs on PGlite under DATA_DIR/postgres; a case and the rule versions survive Ctrl-C and a restart', async () => {
    await start();
    expect(appOutput(app!)).toContain(`Database: embedded PostgreSQL (PGlite) in ${path.join(dataDir, 'postgres')}`);
    expect(existsSync(path.join(dataDir, 'postgres', 'PG_VERSION'))).toBe(true);

    const caseRef = `BU-${randomUUID().slice(0, 8)}`;
    const opened = await api('POST', '/cases', { unit: 'mottagning' }, { caseRef, kind: 'barn', flags });
    expect(opened.status).toBe(201);
    await mailsFor(caseRef); // its "Ny uppgift" is sent and in the notification log

    // A new rule version, written to the embedded database.
    const current = await api('GET', '/regelverk', samordnare);
    expect(current.body.version).toBe(1);
    const { version: _version, ...rules } = current.body.rules;
    rules.deadlines['barn.forhandsbedomning'].duration = 'P10D';
    const applied = await api('POST', '/regelverk', samordnare, { organisation: current.body.organisation, rules, skal: 'Prov av den inbyggda databasen', baseradPa: 1 });
    expect(applied).toMatchObject({ status: 201, body: { version: 2 } });

    // Many requests at once share the pool's one connection: each waits its turn, none fails.
    const others = Array.from({ length: 4 }, () => `BU-${randomUUID().slice(0, 8)}`);
    const together = await Promise.all([
      ...others.map((ref) => api('POST', '/cases', { unit: 'mottagning' }, { caseRef: ref, kind: 'barn', flags })),
      ...Array.from({ length: 12 }, () => api('GET', '/regelverk/versioner', samordnare)),
    ]);
    expect(together.map((answer) => answer.status)).toStrictEqual([...others.map(() => 201), ...Array.from({ length: 12 }, () => 200)]);

    const rulesBefore = await api('GET', '/regelverk', samordnare);
    const historyBefore = await api('GET', '/regelverk/versioner', samordnare);
    expect(historyBefore.body.map((v: { version: number }) => v.version)).toStrictEqual([2, 1]);

    // Ctrl-C: everything stops, PGlite is flushed and closed, exit 0.
    expect(await stopAppProcess(app!)).toBe(0);

    await start();
    const reread = await api('GET', `/cases/${caseRef}`, { unit: 'mottagning' });
    expect(reread).toMatchObject({ status: 200, body: { caseRef } });
    expect(await api('GET', '/regelverk', samordnare)).toStrictEqual(rulesBefore);
    expect(await api('GET', '/regelverk/versioner', samordnare)).toStrictEqual(historyBefore);
    expect(await stopAppProcess(app!)).toBe(0);

    // What the app wrote is in PGlite's files, opened here without the app.
    const db = await PGlite.create({ dataDir: path.join(dataDir, 'postgres') });
    try {
      const versions = await db.query<{ version: number; reason: string }>('SELECT version, reason FROM rule_set_version ORDER BY version');
      expect(versions.rows).toStrictEqual([
        { version: 1, reason: expect.any(String) },
        { version: 2, reason: 'Prov av den inbyggda databasen' },
      ]);
      const sent = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM notification_log WHERE key LIKE $1', [`arende-${caseRef}/%`]);
      expect(sent.rows[0]!.n).toBeGreaterThan(0);
    } finally {
      await db.close();
    }
  });
});

/** `npm start`'s script until it exits (or `timeoutMs`): its exit code, output and time. */
async function startUntilExit(env: Record<string, string>, timeoutMs: number): Promise<{ code: number | null; output: string; ms: number }> {
  const childEnv: NodeJS.ProcessEnv = { ...process.env, ...env };
  delete childEnv.TEMPORAL_ADDRESS;
  delete childEnv.SMTP_URL;
  const began = Date.now();
  const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/start.ts'], { cwd: root, env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  const code = await new Promise<number | null>((resolve) => child.once('exit', (exitCode) => resolve(exitCode)));
  clearTimeout(timer);
  return { code, output, ms: Date.now() - began };
}

/** The one "start failed" line of the output; fails when there is none or more than one. */
function failureLine(output: string): string {
  const lines = output.split('\n').filter((line) => line.includes('start failed'));
  expect({ lines, output }).toMatchObject({ lines: [expect.any(String)] });
  return lines[0]!;
}

function listen(port: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve(server));
  });
}

describe('a start that fails says so', () => {
  test('DATABASE_URL at a port where nothing listens: exit 1 and one line naming the database and what to do', async () => {
    const dbPort = await freePort();
    const { code, output, ms } = await startUntilExit(settings(await freePorts(), tempDir(), { DATABASE_URL: `postgres://samverkan:hemligt@127.0.0.1:${dbPort}/samverkan` }), 60_000);
    expect({ code, output }).toMatchObject({ code: 1 });
    expect(ms).toBeLessThan(30_000);
    const line = failureLine(output);
    expect(line).toContain(`PostgreSQL at 127.0.0.1:${dbPort}/samverkan (DATABASE_URL) cannot be reached`);
    expect(line).toContain('ECONNREFUSED');
    expect(line).toContain('start PostgreSQL there, correct DATABASE_URL, or leave DATABASE_URL unset to use the embedded database');
    // the password is not printed
    expect(output).not.toContain('hemligt');
  });

  test('the API port already taken: exit 1 and one line naming the port and the setting', async () => {
    const ports = await freePorts();
    const holder = await listen(ports.api);
    try {
      const { code, output } = await startUntilExit(settings(ports, tempDir()), 150_000);
      expect({ code, output }).toMatchObject({ code: 1 });
      expect(failureLine(output)).toContain(`the HTTP API cannot listen: port ${ports.api} (PORT) is already in use by another program: stop that program or set PORT to a free port`);
    } finally {
      holder.close();
    }
  });

  test('the Temporal dev server cannot start (its port is taken): exit 1 and one line naming the port and the setting', async () => {
    const ports = await freePorts();
    const holder = await listen(ports.temporal);
    try {
      const { code, output } = await startUntilExit(settings(ports, tempDir()), 150_000);
      expect({ code, output }).toMatchObject({ code: 1 });
      expect(failureLine(output)).toContain(`the Temporal dev server did not start (Temporal dev server stopped during start-up (exit code 1)): port ${ports.temporal} (TEMPORAL_DEV_PORT) is already in use`);
    } finally {
      holder.close();
    }
  });

  test('a bad setting: exit 1 and the one "Felaktig konfiguration" line with the setting', async () => {
    const { code, output } = await startUntilExit(settings(await freePorts(), tempDir(), { DIGEST_AT: '7.30' }), 60_000);
    expect({ code, output }).toMatchObject({ code: 1 });
    const line = failureLine(output);
    expect(line).toMatch(/^\[samverkan\] start failed: Felaktig konfiguration: DIGEST_AT: Ange klockslag som TT:MM, till exempel 07:30: correct the setting/);
    expect(output).not.toMatch(/\n\s+at /); // no stack trace
  });
});
