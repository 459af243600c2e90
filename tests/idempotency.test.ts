/* eslint-disable @typescript-eslint/no-explicit-any -- JSON answers are read as the client sees them */
// The Idempotency-Key header on the creating requests, through the real app on the real dev
// server and PostgreSQL: the same request sent again, one after the other or all at once, has
// one effect and one answer; the key is the caller's own; a reused key and a bad key are refused.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import type { Caller } from '../api/auth';
import Fastify from 'fastify';
import { serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import { errorHandler } from '../api/errors';
import { registerIdempotency } from '../api/idempotency';
import { createPgIdempotencyStore } from '../infra/idempotency-store';
import { handoverContent } from './support/handover-content';
import { testDataConverter } from './support/payload-keys';
import { startApiHarness, type ApiHarness } from './support/api-harness';

let h: ApiHarness;
beforeAll(async () => {
  h = await startApiHarness();
});
afterAll(async () => {
  await h?.close();
});

type Who = Partial<Caller> & Pick<Caller, 'unit'>;
const mottagning: Who = { unit: 'mottagning' };
const flags = { vald: 'ja', barnIHushallet: true, hedersrelaterat: false, skyddadeUppgifter: false };

async function post(url: string, caller: Who, payload: unknown, key?: string) {
  const response = await h.app.inject({
    method: 'POST',
    url,
    headers: { authorization: `Bearer ${await h.token(caller)}`, ...(key === undefined ? {} : { 'idempotency-key': key }) },
    payload: payload as object,
  });
  return { status: response.statusCode, body: response.json() as Record<string, any>, replayed: response.headers['idempotent-replayed'] };
}
const answer = ({ status, body }: { status: number; body: unknown }) => ({ status, body });

async function openCase() {
  const caseRef = `IK-${randomUUID().slice(0, 8)}`;
  expect((await post('/cases', mottagning, { caseRef, kind: 'barn', flags })).status).toBe(201);
  return caseRef;
}
const handovers = async (caseRef: string) => (await h.callAs('GET', `/cases/${caseRef}`, mottagning)).body.handovers as unknown[];
const handover = { till: 'rvt', innehall: handoverContent() };

describe('a handover', () => {
  let caseRef: string;
  const key = randomUUID();
  beforeAll(async () => {
    caseRef = await openCase();
  });

  test('posted ten times with one key makes one handover, and all ten answers are the same', async () => {
    const answers = [];
    for (let i = 0; i < 10; i++) answers.push(await post(`/cases/${caseRef}/overlamningar`, mottagning, handover, key));
    expect(answers[0]!.status).toBe(201);
    expect(answers[0]!.replayed).toBeUndefined();
    for (const later of answers.slice(1)) {
      expect(answer(later)).toStrictEqual(answer(answers[0]!));
      expect(later.replayed).toBe('true');
    }
    expect(await handovers(caseRef)).toHaveLength(1);
    // The kept answer holds the handover's content: in the database it is encrypted, as in Temporal.
    const stored = await h.pool.query<{ response_body: string }>('SELECT response_body FROM idempotency_key WHERE key = $1', [key]);
    expect(stored.rows).toHaveLength(1);
    expect(stored.rows[0]!.response_body).not.toContain(handover.innehall.uppdrag.beskrivning);
    expect(stored.rows[0]!.response_body).not.toContain('FREDA');
  });

  test('the same key with another body is refused with 409 and changes nothing', async () => {
    const other = await post(`/cases/${caseRef}/overlamningar`, mottagning, { till: 'bou', innehall: handoverContent() }, key);
    expect(other.status).toBe(409);
    expect(other.body.error.code).toBe('NYCKEL_ATERANVAND');
    expect(other.body.error.fields).toStrictEqual([{ field: 'Idempotency-Key', message: other.body.error.message }]);
    expect(other.body.error.message).toMatch(/Idempotency-Key har redan använts/);
    // the same key at another address is another request too
    const elsewhere = await post(`/cases/${caseRef}/actions`, mottagning, { type: 'skyddsbedomning', skyddsbehov: 'akut' }, key);
    expect({ status: elsewhere.status, code: elsewhere.body.error?.code }).toStrictEqual({ status: 409, code: 'NYCKEL_ATERANVAND' });
    const view = (await h.callAs('GET', `/cases/${caseRef}`, mottagning)).body;
    expect({ phase: view.phase, handovers: view.handovers.length }).toStrictEqual({ phase: 'skyddsbedomning', handovers: 1 });
  });

  test('ten concurrent posts with one key make one handover', async () => {
    const concurrentKey = randomUUID();
    const answers = await Promise.all(Array.from({ length: 10 }, () => post(`/cases/${caseRef}/overlamningar`, mottagning, { till: 'bou', innehall: handoverContent() }, concurrentKey)));
    const created = answers.filter((a) => a.status === 201);
    expect(created.length).toBeGreaterThanOrEqual(1);
    // every answer is the one answer, or "in flight, try again"
    const pending = { status: 409, body: { error: { code: 'PAGAR', message: 'En förfrågan med samma Idempotency-Key pågår; försök igen om en stund', fields: [{ field: 'Idempotency-Key', message: 'En förfrågan med samma Idempotency-Key pågår; försök igen om en stund' }] } } };
    const expected = answers.map((a) => (a.status === 201 ? answer(created[0]!) : pending));
    expect(answers.map(answer)).toStrictEqual(expected);
    expect(await handovers(caseRef)).toHaveLength(2);
    // once the first is answered, a retry gets its answer
    expect(answer(await post(`/cases/${caseRef}/overlamningar`, mottagning, { till: 'bou', innehall: handoverContent() }, concurrentKey))).toStrictEqual(answer(created[0]!));
    expect(await handovers(caseRef)).toHaveLength(2);
  });

  test("another user's same key is another key", async () => {
    const colleague: Who = { unit: 'mottagning', sub: 'mottagning-kollega' };
    const theirs = await post(`/cases/${caseRef}/overlamningar`, colleague, handover, key);
    expect(theirs.status).toBe(201);
    expect(theirs.replayed).toBeUndefined();
    expect(await handovers(caseRef)).toHaveLength(3);
    expect(answer(await post(`/cases/${caseRef}/overlamningar`, colleague, handover, key))).toStrictEqual(answer(theirs));
    expect(await handovers(caseRef)).toHaveLength(3);
  });

  test('a key that is empty, too long or not printable is refused with 400 at Idempotency-Key', async () => {
    for (const bad of ['', 'x'.repeat(201), 'nyckel\tmed tab']) {
      const refused = await post(`/cases/${caseRef}/overlamningar`, mottagning, handover, bad);
      expect({ status: refused.status, code: refused.body.error.code, field: refused.body.error.fields[0]?.field }).toStrictEqual({ status: 400, code: 'OGILTIG_UPPGIFT', field: 'Idempotency-Key' });
      expect(refused.body.error.message).toBe('Idempotency-Key måste vara 1–200 skrivbara tecken (till exempel ett UUID)');
    }
    expect((await post(`/cases/${caseRef}/overlamningar`, mottagning, handover, 'x'.repeat(200))).status).toBe(201);
    expect(await handovers(caseRef)).toHaveLength(4);
  });

  test('without a key every post is a new handover, as before', async () => {
    expect((await post(`/cases/${caseRef}/overlamningar`, mottagning, handover)).status).toBe(201);
    expect((await post(`/cases/${caseRef}/overlamningar`, mottagning, handover)).status).toBe(201);
    expect(await handovers(caseRef)).toHaveLength(6);
  });
});

test('besluta_insats five times with one key makes one insats', async () => {
  const caseRef = await openCase();
  const act = async (unit: string, action: Record<string, unknown>, key?: string) => post(`/cases/${caseRef}/actions`, { unit }, action, key);
  expect((await act('mottagning', { type: 'skyddsbedomning', skyddsbehov: 'akut' }, randomUUID())).status).toBe(200);
  expect((await act('mottagning', { type: 'forhandsbedomning', beslut: 'inled_utredning' }, randomUUID())).status).toBe(200);
  expect((await act('bou', { type: 'avsluta_utredning', beslut: 'insatser' })).status).toBe(200);
  const key = randomUUID();
  const answers = [];
  for (let i = 0; i < 5; i++) answers.push(await act('bou', { type: 'besluta_insats', insats: 'trappan', utforare: 'resursenhet' }, key));
  expect(answers[0]!.status).toBe(200);
  for (const later of answers.slice(1)) expect(answer(later)).toStrictEqual(answer(answers[0]!));
  const view = (await h.callAs('GET', `/cases/${caseRef}`, { unit: 'bou' })).body;
  expect(view.insatser).toHaveLength(1);
  expect(view.events.filter((e: { type: string }) => e.type === 'besluta_insats')).toHaveLength(1);
});

test('opening a case with a key answers 201 again, not 200', async () => {
  const caseRef = `IK-${randomUUID().slice(0, 8)}`;
  const key = randomUUID();
  const first = await post('/cases', mottagning, { caseRef, kind: 'barn', flags }, key);
  expect(first.status).toBe(201);
  expect(answer(await post('/cases', mottagning, { caseRef, kind: 'barn', flags }, key))).toStrictEqual(answer(first));
  // without the key, as before: the case exists, 200
  expect((await post('/cases', mottagning, { caseRef, kind: 'barn', flags })).status).toBe(200);
});

test('an error answer is kept too: the same refused request gets the same refusal', async () => {
  const caseRef = await openCase();
  const key = randomUUID();
  const wrongPhase = await post(`/cases/${caseRef}/actions`, mottagning, { type: 'avsluta_arende' }, key);
  expect(wrongPhase.status).toBe(409);
  expect(answer(await post(`/cases/${caseRef}/actions`, mottagning, { type: 'avsluta_arende' }, key))).toStrictEqual(answer(wrongPhase));
});

test('the OpenAPI document names the header on every creating route', async () => {
  const document = (await h.app.inject({ method: 'GET', url: '/openapi.json' })).json() as { paths: Record<string, Record<string, { parameters?: { in: string; name: string }[]; description?: string }>> };
  const creating = ['/cases', '/cases/{caseRef}/actions', '/cases/{caseRef}/overlamningar', '/cases/{caseRef}/overlamningar/{id}/svar', '/cases/{caseRef}/moten/{id}/atgarder', '/cases/{caseRef}/tvister', '/cases/{caseRef}/tvister/{id}/beslut'];
  for (const path of creating) {
    const operation = document.paths[path]!.post!;
    expect({ path, header: operation.parameters?.some((p) => p.in === 'header' && p.name === 'idempotency-key') }).toStrictEqual({ path, header: true });
    expect(operation.description).toContain('Idempotency-Key');
  }
});

describe('the store', () => {
  const request = () => ({ caller: `sub-${randomUUID()}`, key: randomUUID(), route: 'POST /x', bodyHash: 'h' });

  test('an answered key older than the retention is claimed anew; a 5xx released is claimed again', async () => {
    const expired = createPgIdempotencyStore(h.pool, { retentionHours: 0 });
    const store = createPgIdempotencyStore(h.pool);
    const r = request();
    const first = await store.claim(r);
    expect(first.kind).toBe('claimed');
    await store.complete(r, (first as { claim: string }).claim, { status: 201, body: '{}', contentType: 'application/json' });
    expect(await store.claim(r)).toStrictEqual({ kind: 'replay', answer: { status: 201, body: '{}', contentType: 'application/json' } });
    expect((await expired.claim(r)).kind).toBe('claimed');
    const failed = request();
    const claimed = (await store.claim(failed)) as { claim: string };
    expect((await store.claim(failed)).kind).toBe('in_flight');
    await store.release(failed, claimed.claim);
    expect((await store.claim(failed)).kind).toBe('claimed');
  });

  test('a claim left by a process that died is taken over after its lease', async () => {
    const r = request();
    expect((await createPgIdempotencyStore(h.pool).claim(r)).kind).toBe('claimed');
    expect((await createPgIdempotencyStore(h.pool).claim(r)).kind).toBe('in_flight');
    expect((await createPgIdempotencyStore(h.pool, { claimLeaseSeconds: 0 }).claim(r)).kind).toBe('claimed');
  });
});

test('a 5xx answer is not kept: the same request with the same key is tried again', async () => {
  const app = Fastify();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.setErrorHandler(errorHandler);
  app.decorateRequest('caller', null as unknown as Caller);
  app.addHook('onRequest', async (request) => {
    request.caller = { sub: 'feltest', role: 'handlaggare', unit: 'mottagning' } as Caller;
  });
  registerIdempotency(app, createPgIdempotencyStore(h.pool), testDataConverter.payloadCodecs ?? []);
  let calls = 0;
  app.post('/flaky', { config: { idempotent: true } }, async () => {
    calls += 1;
    if (calls === 1) throw new Error('the database went away');
    return { calls };
  });
  const key = randomUUID();
  const send = async () => {
    const response = await app.inject({ method: 'POST', url: '/flaky', headers: { 'idempotency-key': key }, payload: { a: 1 } });
    return { status: response.statusCode, body: response.json() as unknown };
  };
  try {
    expect((await send()).status).toBe(500);
    expect(await send()).toStrictEqual({ status: 200, body: { calls: 2 } });
    expect(await send()).toStrictEqual({ status: 200, body: { calls: 2 } });
    expect(calls).toBe(2);
  } finally {
    await app.close();
  }
});
