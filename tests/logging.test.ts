// The process's log as an operations team reads it: JSON lines, a request id taken from the
// proxy (or made) and returned, every 5xx with its cause, the level by setting, and nothing of a
// token, a cookie or a request's content. The real API on the Temporal dev server.
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { Writable } from 'node:stream';
import { createLogger } from '../infra/logger';
import { startApiHarness, type ApiHarness } from './support/api-harness';

type Line = Record<string, unknown> & { level: string; msg: string; requestId?: string };
const lines: Line[] = [];
const collect = (into: Line[]) =>
  new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split('\n').filter(Boolean)) into.push(JSON.parse(line) as Line);
      done();
    },
  });

let harness: ApiHarness;
beforeAll(async () => {
  harness = await startApiHarness({
    logger: createLogger('info', collect(lines)),
    // A fault no real part shows on demand: the rule store throws something unexpected.
    adjust: (deps) => ({
      ...deps,
      rules: { ...deps.rules, current: async () => Promise.reject(new Error('a fault deep in the rule store')) },
      // TRUST_PROXY=127.0.0.1: a reverse proxy on this machine.
      trustProxy: ['127.0.0.1'],
    }),
  });
});
afterAll(async () => {
  await harness?.close();
});

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

test("a request id from the proxy is used, returned and on each of the request's lines; otherwise one is made", async () => {
  const fromProxy = await harness.app.inject({ method: 'GET', url: '/health/live', headers: { 'x-request-id': 'proxy-7f3a.42' } });
  expect(fromProxy.headers['x-request-id']).toBe('proxy-7f3a.42');
  const ofIt = lines.filter((line) => line.requestId === 'proxy-7f3a.42');
  expect(ofIt.map((line) => line.msg)).toStrictEqual(['incoming request', 'request completed']);
  expect(ofIt[1]).toMatchObject({ level: 'info', service: 'samverkan', res: { statusCode: 200 } });
  expect(typeof ofIt[1]!.time).toBe('string');

  for (const headers of [{}, { 'x-request-id': 'med mellanslag och "citat"' }, { 'x-request-id': 'x'.repeat(200) }]) {
    const answer = await harness.app.inject({ method: 'GET', url: '/health/live', headers });
    expect(answer.headers['x-request-id']).toMatch(uuid);
  }
});

test("a partner's receipt link and a query string are not logged as sent: their secrets stay out", async () => {
  const link = 'Zq'.repeat(22);
  await harness.app.inject({ method: 'GET', url: `/kvittens/${link}?code=hemlig-kod`, headers: { 'x-request-id': 'receipt-1' } });
  const ofIt = lines.filter((line) => line.requestId === 'receipt-1');
  expect(ofIt[0]).toMatchObject({ msg: 'incoming request', req: { method: 'GET', url: '/kvittens/(länk)' } });
  expect(JSON.stringify(lines)).not.toContain(link);
  expect(JSON.stringify(lines)).not.toContain('hemlig-kod');
});

test("behind a trusted proxy the client's address is the one the proxy forwards", async () => {
  await harness.app.inject({ method: 'GET', url: '/health/live', headers: { 'x-request-id': 'proxied-1', 'x-forwarded-for': '203.0.113.9' } });
  expect(lines.find((line) => line.requestId === 'proxied-1')).toMatchObject({ req: { remoteAddress: '203.0.113.9' } });
});

test('a 5xx is logged as an error with its cause and the request id; the answer tells the caller nothing of it', async () => {
  const token = await harness.token({ role: 'samordnare', unit: 'ifo' });
  const answer = await harness.app.inject({ method: 'GET', url: '/regelverk', headers: { authorization: `Bearer ${token}`, 'x-request-id': 'fault-1' } });
  expect(answer.statusCode).toBe(500);
  expect(answer.json()).toStrictEqual({ error: { code: 'INTERNT_FEL', message: 'Ett internt fel inträffade; försök igen om en stund', fields: [] } });
  const error = lines.find((line) => line.requestId === 'fault-1' && line.level === 'error');
  expect(error).toMatchObject({ msg: 'unhandled error', err: { message: 'a fault deep in the rule store', type: 'Error' } });
  expect(String((error!.err as { stack: string }).stack)).toContain('a fault deep in the rule store');
  // The token is nowhere in the log.
  expect(JSON.stringify(lines)).not.toContain(token);
});

test('the level is a setting: at warn, requests are not logged but faults are', async () => {
  const quiet: Line[] = [];
  const logger = createLogger('warn', collect(quiet));
  logger.info('an ordinary request');
  logger.error({ err: new Error('a fault') }, 'unhandled error');
  expect(quiet.map((line) => [line.level, line.msg])).toStrictEqual([['error', 'unhandled error']]);
});
