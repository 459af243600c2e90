// Health and a database that fails: the real API, worker, Temporal dev server and PostgreSQL,
// with small TCP proxies in front of PostgreSQL and of the API's Temporal connection, which the
// test cuts (no one listening), silences (connections accepted, nothing forwarded) and restores.
import { afterAll, beforeAll, expect, jest, test } from '@jest/globals';
import { Client, Connection } from '@temporalio/client';
import { smtpProbe } from '../api/health';
import { apiGrpcInterceptors } from '../api/temporal-calls';
import { startMailCatcher, type MailCatcher } from '../infra/mail-catcher';
import { startTcpProxy as startProxy, type TcpProxy as Proxy } from '../infra/tcp-proxy';
import { startApiHarness, type ApiHarness } from './support/api-harness';
import { testDatabaseUrl } from './support/database';
import { testDataConverter } from './support/payload-keys';

jest.setTimeout(120_000);


const database = new URL(testDatabaseUrl);
let dbProxy: Proxy;
let temporalProxy: Proxy;
let harness: ApiHarness;
let temporalConnection: Connection | undefined;
/** The mail server /health checks (the worker's own catcher is the harness's). */
let smtp: MailCatcher;
/** What the process logs of broken database connections (the pool's 'error' events). */
const connectionErrors: string[] = [];
const unknownLink = `/kvittens/${'a'.repeat(43)}`;

beforeAll(async () => {
  dbProxy = await startProxy({ host: database.hostname, port: Number(database.port || 5432) });
  const proxied = new URL(testDatabaseUrl);
  proxied.hostname = '127.0.0.1';
  proxied.port = String(dbProxy.port);
  smtp = await startMailCatcher();
  harness = await startApiHarness({
    health: { smtp: smtpProbe(smtp.smtpUrl) },
    databaseUrl: proxied.toString(),
    // The API reaches Temporal through a proxy of its own; the worker does not.
    apiClient: async (env) => {
      const [host, port] = env.address.split(':');
      temporalProxy = await startProxy({ host: host!, port: Number(port) });
      // With the API's own gRPC retries, as npm start connects.
      temporalConnection = await Connection.connect({ address: `127.0.0.1:${temporalProxy.port}`, connectTimeout: 2_000, interceptors: apiGrpcInterceptors });
      return new Client({ connection: temporalConnection, namespace: env.namespace ?? 'default', dataConverter: testDataConverter });
    },
  });
  // No listener of the test's own on the pool: without the project's, a broken idle connection
  // is an unhandled 'error' event, and this test process dies.
  const log = console.error.bind(console);
  jest.spyOn(console, 'error').mockImplementation((...args: unknown[]) => {
    if (String(args[0]).includes('database connection lost')) connectionErrors.push(String(args[0]));
    else log(...args);
  });
});

afterAll(async () => {
  await dbProxy?.restore();
  await temporalProxy?.restore();
  // The client's retries of the checks made while Temporal was cut end within the retry
  // interceptor's longest interval (5 s); closing the connection under one would throw.
  await new Promise((resolve) => setTimeout(resolve, 6_000));
  await harness?.close();
  await temporalConnection?.close();
  await smtp?.close();
  await dbProxy?.close();
  await temporalProxy?.close();
});

async function timed(url: string, headers: Record<string, string> = {}) {
  const started = Date.now();
  const response = await harness.app.inject({ method: 'GET', url, headers });
  const json = String(response.headers['content-type']).startsWith('application/json');
  return { status: response.statusCode, body: (json ? response.json() : { page: response.body }) as Record<string, unknown>, ms: Date.now() - started };
}

const asSamordnare = async () => ({ authorization: `Bearer ${await harness.token({ role: 'samordnare', unit: 'ifo' })}` });

/** Fills the pool with idle connections, as after a busy moment. */
async function warmPool() {
  await Promise.all(Array.from({ length: 5 }, () => harness.pool.query('SELECT pg_sleep(0.05)')));
  expect(harness.pool.idleCount).toBeGreaterThanOrEqual(3);
}

test('health names every dependency; liveness asks none', async () => {
  const health = await timed('/health');
  expect(health).toMatchObject({ status: 200, body: { status: 'ok', temporal: 'ok', database: 'ok', smtp: 'ok' } });
  expect(await timed('/health/ready')).toMatchObject({ status: 200, body: { status: 'ok', temporal: 'ok', database: 'ok' } });
  expect(await timed('/health/live')).toMatchObject({ status: 200, body: { status: 'ok' } });
});

test('the database cut: idle connections break without a crash, 503 fast, and all works again once it is back', async () => {
  await warmPool();
  await dbProxy.cut();
  // The pool reported the broken idle connections and dropped them; the process runs on.
  await waitFor(() => connectionErrors.length > 0 && harness.pool.idleCount === 0);
  expect(connectionErrors[0]).toMatch(/terminated/i);

  const health = await timed('/health');
  expect(health.status).toBe(503);
  expect(health.ms).toBeLessThan(2_000);
  expect(health.body).toMatchObject({ status: 'fel', temporal: 'ok', fel: ['database'] });
  expect(health.body.database).not.toBe('ok');
  expect(await timed('/health/live')).toMatchObject({ status: 200 });

  for (const [url, headers] of [
    [unknownLink, {}],
    ['/regelverk', await asSamordnare()],
  ] as const) {
    const answer = await timed(url, headers);
    expect(answer).toMatchObject({ status: 503, body: { error: { code: 'TJANST_OTILLGANGLIG', message: 'Databasen svarar inte just nu; försök igen om en stund', fields: [] } } });
    expect(answer.ms).toBeLessThan(4_000);
  }
  // More requests than the failed-sign-in throttle allows (20): a database that is down is no failed sign-in.
  for (let i = 0; i < 21; i++) expect((await timed('/regelverk', await asSamordnare())).status).toBe(503);
  // A page needing the database (the sign-in page lists the organisation's demo users): the same, as a page.
  const page = await timed('/logga-in', { accept: 'text/html' });
  expect(page.status).toBe(503);
  expect(page.body.page).toContain('Databasen svarar inte just nu; försök igen om en stund');

  await dbProxy.restore();
  expect(await timed('/health')).toMatchObject({ status: 200, body: { status: 'ok', database: 'ok' } });
  expect((await timed(unknownLink)).status).toBe(410);
  expect((await timed('/regelverk', await asSamordnare())).status).toBe(200);
  expect((await timed('/logga-in', { accept: 'text/html' })).status).toBe(200);
});

test('a silent database (connections accepted, no answer): /health within 2 s, requests 503 within a few seconds', async () => {
  await warmPool();
  await dbProxy.silence();
  const health = await timed('/health');
  expect(health.status).toBe(503);
  expect(health.ms).toBeLessThan(2_000);
  expect(health.body).toMatchObject({ fel: ['database'] });

  // An idle connection that no longer answers: the query times out on the client.
  const answer = await timed(unknownLink);
  expect(answer).toMatchObject({ status: 503, body: { error: { code: 'TJANST_OTILLGANGLIG' } } });
  expect(answer.ms).toBeLessThan(8_000);
  expect(await timed('/health/live')).toMatchObject({ status: 200 });

  // Those connections are still open through the proxy: cut them, as a restored network would.
  await dbProxy.cut();
  await dbProxy.restore();
  await waitFor(async () => (await timed('/health')).status === 200);
  expect((await timed(unknownLink)).status).toBe(410);
});

test('Temporal unreachable: /health answers 503 naming it within 2 s, requests 503 within seconds, and all is ok once it is back', async () => {
  const mottagning = { authorization: `Bearer ${await harness.token({ role: 'handlaggare', unit: 'mottagning' })}`, 'content-type': 'application/json' };
  const caseRef = `H-${Date.now().toString(36)}`;
  await temporalProxy.cut();
  for (let i = 0; i < 2; i++) {
    const health = await timed('/health');
    expect(health.status).toBe(503);
    expect(health.ms).toBeLessThan(2_000);
    expect(health.body).toMatchObject({ status: 'fel', database: 'ok', fel: ['temporal'] });
    expect(health.body.temporal).not.toBe('ok');
  }
  expect(await timed('/health/live')).toMatchObject({ status: 200 });
  // Opening a case and reading one: a Swedish 503 within a few seconds, nothing half done.
  const unavailable = { status: 503, body: { error: { code: 'TJANST_OTILLGANGLIG', message: 'Ärendemotorn svarar inte just nu; försök igen om en stund', fields: [] } } };
  let started = Date.now();
  const opened = await harness.app.inject({ method: 'POST', url: '/cases', headers: mottagning, payload: { caseRef, kind: 'barn', flags: { vald: 'nej', barnIHushallet: false, hedersrelaterat: false, skyddadeUppgifter: false } } });
  expect({ status: opened.statusCode, body: opened.json() }).toMatchObject(unavailable);
  expect(Date.now() - started).toBeLessThan(4_000);
  expect(await timed('/tasks', mottagning)).toMatchObject(unavailable);

  // Silent (connections accepted, nothing forwarded): the request's deadline answers.
  await temporalProxy.restore();
  await temporalProxy.silence();
  started = Date.now();
  const silent = await timed(`/cases/${caseRef}`, mottagning);
  expect(silent).toMatchObject(unavailable);
  expect(Date.now() - started).toBeLessThan(10_000);

  await temporalProxy.cut();
  await temporalProxy.restore();
  await waitFor(async () => (await timed('/health')).status === 200, 20_000);
  // Nothing was opened meanwhile; now it opens.
  expect((await timed(`/cases/${caseRef}`, mottagning)).status).toBe(404);
  const again = await harness.app.inject({ method: 'POST', url: '/cases', headers: mottagning, payload: { caseRef, kind: 'barn', flags: { vald: 'nej', barnIHushallet: false, hedersrelaterat: false, skyddadeUppgifter: false } } });
  expect(again.statusCode).toBe(201);
});

test('the mail server down: /health answers 503 naming it (readiness stays 200), and ok once it is back', async () => {
  await smtp.close();
  // The mail server's answer is kept a few seconds (each check is an SMTP session): within 10 s /health says so.
  let health = await timed('/health');
  await waitFor(async () => (health = await timed('/health')).status === 503);
  expect(health).toMatchObject({ status: 503, body: { status: 'fel', temporal: 'ok', database: 'ok', smtp: 'nås inte', fel: ['smtp'] } });
  expect(health.ms).toBeLessThan(2_000);
  // requests are served without mail: the instance stays in the load balancer
  expect(await timed('/health/ready')).toMatchObject({ status: 200, body: { status: 'ok' } });
  smtp = await startMailCatcher({ smtpPort: smtp.smtpPort });
  await waitFor(async () => (health = await timed('/health')).status === 200);
  expect(health).toMatchObject({ status: 200, body: { smtp: 'ok' } });
});

async function waitFor(condition: () => boolean | Promise<boolean>, timeoutMs = 10_000) {
  const until = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
