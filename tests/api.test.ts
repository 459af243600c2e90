/* eslint-disable @typescript-eslint/no-explicit-any -- JSON answers are read as the client sees them */
// The HTTP API on the real dev server: bad input on every endpoint (400, nothing changed),
// authentication (401), another unit's case (404), and what each role may do.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import { startApiHarness, type ApiHarness } from './support/api-harness';

let h: ApiHarness;
beforeAll(async () => {
  h = await startApiHarness();
});
afterAll(async () => {
  await h?.close();
});

const flags = { vald: 'nej', barnIHushallet: true, hedersrelaterat: false, skyddadeUppgifter: false };
const newRef = () => `BU-${randomUUID().slice(0, 8)}`;

async function call(method: 'GET' | 'POST', url: string, token?: string, payload?: unknown) {
  const response = await h.app.inject({
    method,
    url,
    headers: token ? { authorization: `Bearer ${token}` } : {},
    ...(payload === undefined ? {} : { payload: payload as object }),
  });
  return { status: response.statusCode, body: response.json() as Record<string, any> };
}

/** A case's facts, without the record of notifications that go out in the background. */
const facts = (view: Record<string, any>) =>
  JSON.parse(JSON.stringify(view, (key, value) => (key === 'sent' || key === 'overdue' ? undefined : value)));

async function openChildCase(caseRef = newRef()) {
  const token = await h.token({ unit: 'mottagning' });
  const opened = await call('POST', '/cases', token, { caseRef, kind: 'barn', flags });
  expect(opened).toMatchObject({ status: 201 });
  return { caseRef, token, view: opened.body };
}

test('health and the OpenAPI document need no token', async () => {
  const health = await call('GET', '/health');
  expect(health.status).toBe(200);
  expect(health.body.status).toBe('ok');
  const openapi = await call('GET', '/openapi.json');
  expect(openapi.status).toBe(200);
  expect(openapi.body.paths['/cases'].post).toBeTruthy();
  expect(openapi.body.paths['/cases/{caseRef}/actions'].post.requestBody).toBeTruthy();
  expect(openapi.body.paths['/tasks'].get).toBeTruthy();
});

test('opening a case is idempotent on its reference, and the first task is planned', async () => {
  const { caseRef, token, view } = await openChildCase();
  expect(view.phase).toBe('skyddsbedomning');
  expect(view.openTasks[0].title).toBe('Skyddsbedömning');
  const again = await call('POST', '/cases', token, { caseRef, kind: 'barn', flags });
  expect(again.status).toBe(200);
  expect(again.body.openedAt).toBe(view.openedAt);
  // the same case, not a second one
  expect(again.body.deadlines.length).toBe(1);
  const otherKind = await call('POST', '/cases', await h.token({ unit: 'rvt' }), { caseRef, kind: 'vuxen', flags });
  // rvt is not involved in the existing case, so it does not learn of it
  expect(otherKind.status).toBe(404);
});

describe('authentication (401)', () => {
  const endpoints = [
    ['POST', '/cases'],
    ['GET', '/cases/BU-1234'],
    ['POST', '/cases/BU-1234/actions'],
    ['GET', '/tasks'],
  ] as const;
  for (const [method, url] of endpoints) {
    test(`${method} ${url} without a valid token`, async () => {
      const none = await call(method, url, undefined, method === 'POST' ? {} : undefined);
      expect(none.status).toBe(401);
      expect(none.body.error.code).toBe('EJ_INLOGGAD');
      expect(none.body.error.message).toMatch(/Inloggning krävs/);

      const forged = await new SignJWT({ role: 'samordnare', unit: 'mottagning' }).setProtectedHeader({ alg: 'HS256' }).setSubject('x').setExpirationTime('1h').sign(new TextEncoder().encode('wrong-secret'));
      expect((await call(method, url, forged, method === 'POST' ? {} : undefined)).status).toBe(401);

      const expired = await new SignJWT({ role: 'handlaggare', unit: 'mottagning' }).setProtectedHeader({ alg: 'HS256' }).setSubject('x').setExpirationTime(Math.floor(Date.now() / 1000) - 60).sign(new TextEncoder().encode('api-test-secret'));
      expect((await call(method, url, expired, method === 'POST' ? {} : undefined)).status).toBe(401);

      const noRole = await new SignJWT({ unit: 'mottagning' }).setProtectedHeader({ alg: 'HS256' }).setSubject('x').setExpirationTime('1h').sign(new TextEncoder().encode('api-test-secret'));
      const answer = await call(method, url, noRole, method === 'POST' ? {} : undefined);
      expect(answer.status).toBe(401);
      expect(answer.body.error.message).toMatch(/roll eller enhet/);
    });
  }
});

describe('bad input (400) names the field and changes nothing', () => {
  test('POST /cases', async () => {
    const token = await h.token({ unit: 'mottagning' });
    const caseRef = newRef();
    const cases: [unknown, string, RegExp][] = [
      [{ caseRef, kind: 'barn', flags: { ...flags, vald: undefined } }, 'flags.vald', /./],
      [{ caseRef, kind: 'barn', flags: { ...flags, vald: 'kanske' } }, 'flags.vald', /Ogiltig/],
      [{ caseRef, kind: 'katt', flags }, 'kind', /Ogiltig/],
      [{ caseRef: '19850101-1234', kind: 'barn', flags }, 'caseRef', /personnummer/],
      [{ caseRef: 'x', kind: 'barn', flags }, 'caseRef', /3–40 tecken/],
      [{ caseRef, kind: 'barn', flags, receivedAt: 'igår' }, 'receivedAt', /Ogiltig tidpunkt/],
      [{ caseRef, kind: 'barn', flags, receivedAt: new Date(Date.now() + 86_400_000).toISOString() }, 'receivedAt', /framtiden/],
      [{ caseRef, kind: 'barn', flags, person: { kon: 'flicka', aldersgrupp: '6-12' } }, 'person.kon', /Ange kön/],
      [{ caseRef, kind: 'barn', flags, person: { kon: 'kvinna', aldersgrupp: '26-64' } }, 'person.aldersgrupp', /Ett barns ärende har åldersgrupp/],
    ];
    for (const [payload, field, message] of cases) {
      const answer = await call('POST', '/cases', token, payload);
      expect(answer.status).toBe(400);
      expect(answer.body.error.code).toBe('OGILTIG_UPPGIFT');
      const named = answer.body.error.fields.find((f: { field: string }) => f.field === field);
      expect({ field, message: named?.message }).toEqual({ field, message: expect.stringMatching(message) });
    }
    const notJson = await h.app.inject({ method: 'POST', url: '/cases', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, payload: '{' });
    expect(notJson.statusCode).toBe(400);
    expect(notJson.json().error.message).toBe('Innehållet är inte giltig JSON');
    // no case was opened
    expect((await call('GET', `/cases/${caseRef}`, token)).status).toBe(404);
  });

  test('who the case is about is kept as gender and age band for the reports, and read back', async () => {
    const token = await h.token({ unit: 'mottagning' });
    const caseRef = newRef();
    const opened = await call('POST', '/cases', token, { caseRef, kind: 'barn', flags, person: { kon: 'kvinna', aldersgrupp: '6-12' } });
    expect(opened.status).toBe(201);
    expect(opened.body.person).toStrictEqual({ kon: 'kvinna', aldersgrupp: '6-12' });
    // Not asked (an older client): nothing is assumed.
    const older = await call('POST', '/cases', token, { caseRef: newRef(), kind: 'barn', flags });
    expect(older.body.person).toBeUndefined();
  });

  test('GET /cases/:caseRef', async () => {
    const answer = await call('GET', '/cases/a%20b', await h.token({ unit: 'mottagning' }));
    expect(answer.status).toBe(400);
    expect(answer.body.error.fields[0].field).toBe('caseRef');
  });

  test('POST /cases/:caseRef/actions', async () => {
    const { caseRef, token } = await openChildCase();
    const before = await call('GET', `/cases/${caseRef}`, token);
    const cases: [unknown, string][] = [
      [{}, 'type'],
      [{ type: 'trolla' }, 'type'],
      [{ type: 'skyddsbedomning' }, 'skyddsbehov'],
      [{ type: 'skyddsbedomning', skyddsbehov: 'kanske' }, 'skyddsbehov'],
      [{ type: 'forlang_utredning', nyttSlutdatum: '2030-13-40', skal: 'Inväntar utlåtande' }, 'nyttSlutdatum'],
      [{ type: 'forlang_utredning', nyttSlutdatum: '2030-01-10', skal: 'kort' }, 'skal'],
      [{ type: 'uppfoljning', insatsId: 'x' }, 'insatsId'],
    ];
    for (const [payload, field] of cases) {
      const answer = await call('POST', `/cases/${caseRef}/actions`, token, payload);
      expect(answer.status).toBe(400);
      expect(answer.body.error.fields).toContainEqual(expect.objectContaining({ field }));
    }
    const after = await call('GET', `/cases/${caseRef}`, token);
    // nothing changed
    expect(facts(after.body)).toStrictEqual(facts(before.body));
  });

  test('an unknown performing unit or insats is refused', async () => {
    const { caseRef } = await openChildCase();
    const mottagning = await h.token({ unit: 'mottagning' });
    const bou = await h.token({ unit: 'bou' });
    await call('POST', `/cases/${caseRef}/actions`, mottagning, { type: 'skyddsbedomning', skyddsbehov: 'ej_akut' });
    await call('POST', `/cases/${caseRef}/actions`, mottagning, { type: 'forhandsbedomning', beslut: 'inled_utredning' });
    await call('POST', `/cases/${caseRef}/actions`, bou, { type: 'avsluta_utredning', beslut: 'insatser' });
    const before = await call('GET', `/cases/${caseRef}`, bou);
    const unknownUnit = await call('POST', `/cases/${caseRef}/actions`, bou, { type: 'besluta_insats', insats: 'trappan', utforare: 'okand' });
    expect(unknownUnit.status).toBe(400);
    expect(unknownUnit.body.error.fields[0].field).toBe('utforare');
    const unknownInsats = await call('POST', `/cases/${caseRef}/actions`, bou, { type: 'besluta_insats', insats: 'trolleri', utforare: 'resursenhet' });
    expect(unknownInsats.status).toBe(400);
    expect(unknownInsats.body.error.message).toMatch(/Okänd insats/);
    expect(facts((await call('GET', `/cases/${caseRef}`, bou)).body)).toStrictEqual(facts(before.body));
  });
});

describe('who sees and who acts', () => {
  test("another unit's case is 404, never the case; managers above and the samordnare see it", async () => {
    const { caseRef } = await openChildCase();
    // (A sektorchef outside the sector has no valid token at all: 401, tests/security.test.ts.)
    for (const caller of [{ unit: 'bou' }, { unit: 'bou', role: 'enhetschef' as const }, { unit: 'rvt' }]) {
      const token = await h.token(caller);
      const read = await call('GET', `/cases/${caseRef}`, token);
      expect(read.status).toBe(404);
      expect(read.body.error.code).toBe('HITTADES_INTE');
      expect(JSON.stringify(read.body)).not.toContain('skyddsbedomning');
      const acted = await call('POST', `/cases/${caseRef}/actions`, token, { type: 'skyddsbedomning', skyddsbehov: 'akut' });
      expect(acted.status).toBe(404);
    }
    for (const caller of [{ unit: 'mottagning', role: 'enhetschef' as const }, { unit: 'ifo', role: 'sektorchef' as const }, { unit: 'ifo', role: 'samordnare' as const }]) {
      expect((await call('GET', `/cases/${caseRef}`, await h.token(caller))).status).toBe(200);
    }
    expect((await call('GET', `/cases/${newRef()}`, await h.token({ unit: 'mottagning' }))).status).toBe(404);
  });

  test('a manager may read but a sektorchef may not act; a unit may act only on its own step (403)', async () => {
    const { caseRef } = await openChildCase();
    const sektorchef = await h.token({ unit: 'ifo', role: 'sektorchef' });
    const refused = await call('POST', `/cases/${caseRef}/actions`, sektorchef, { type: 'skyddsbedomning', skyddsbehov: 'akut' });
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe('EJ_BEHORIG');

    const mottagning = await h.token({ unit: 'mottagning' });
    await call('POST', `/cases/${caseRef}/actions`, mottagning, { type: 'skyddsbedomning', skyddsbehov: 'ej_akut' });
    await call('POST', `/cases/${caseRef}/actions`, mottagning, { type: 'forhandsbedomning', beslut: 'inled_utredning' });
    const notOwner = await call('POST', `/cases/${caseRef}/actions`, mottagning, { type: 'avsluta_utredning', beslut: 'insatser' });
    expect(notOwner.status).toBe(403);
    expect(notOwner.body.error.message).toMatch(/Steget ägs av enheten bou/);

    const wrongKind = await call('POST', '/cases', mottagning, { caseRef: newRef(), kind: 'vuxen', flags });
    expect(wrongKind.status).toBe(403);
    expect(wrongKind.body.error.message).toMatch(/öppnas av enheten rvt/);
  });

  test('an action that does not fit the phase is 409 and changes nothing', async () => {
    const { caseRef, token } = await openChildCase();
    const before = await call('GET', `/cases/${caseRef}`, token);
    const answer = await call('POST', `/cases/${caseRef}/actions`, token, { type: 'avsluta_arende' });
    expect(answer.status).toBe(409);
    expect(answer.body.error.code).toBe('FEL_FAS');
    expect(answer.body.error.message).toBe('Det går inte att avsluta ärendet när ärendet är i fasen skyddsbedömning');
    expect(facts((await call('GET', `/cases/${caseRef}`, token)).body)).toStrictEqual(facts(before.body));
  });

  test("the task list shows the caller's unit's open tasks, answered from visibility", async () => {
    const { caseRef } = await openChildCase();
    const expectTask = async (unit: string, role: 'handlaggare' | 'sektorchef', present: boolean) => {
      const token = await h.token({ unit, role });
      // Visibility is eventually consistent: give it a moment.
      for (let i = 0; i < 50; i++) {
        const { body } = await call('GET', '/tasks', token);
        const found = body.tasks.some((t: { caseRef: string }) => t.caseRef === caseRef);
        if (found === present) return body.tasks;
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
      throw new Error(`task for ${caseRef} ${present ? 'missing from' : 'shown to'} ${unit}`);
    };
    const tasks = await expectTask('mottagning', 'handlaggare', true);
    const task = tasks.find((t: { caseRef: string }) => t.caseRef === caseRef);
    expect(task.title).toBe('Skyddsbedömning');
    expect(task.unit).toBe('mottagning');
    await expectTask('ifo', 'sektorchef', true);
    await expectTask('bou', 'handlaggare', false);
  });
});
