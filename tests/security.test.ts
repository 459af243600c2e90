/* eslint-disable @typescript-eslint/no-explicit-any -- JSON answers are read as the client sees them */
// The system tried as an attacker would, through HTTP on the real dev server: tokens that must
// not get in, units that do not fit their role, personal identity numbers where they do not
// belong, a handover that contradicts what the case knows of violence, and the HTTP edge
// (oversized bodies, security headers, rate limits, a body that never arrives).
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { createHmac, randomUUID } from 'node:crypto';
import { connect } from 'node:net';
import type { AddressInfo } from 'node:net';
import { SignJWT } from 'jose';
import { loadConfig } from '../config/env';
import { validateRuleSet, type RuleSetDraft } from '../domain/rule-set';
import { createPgReceiptLinks } from '../infra/receipt-link-store';
import { testReceiptSecret } from './support/database';
import { handoverContent } from './support/handover-content';
import { startApiHarness, testSecret, type ApiHarness } from './support/api-harness';

let h: ApiHarness;
beforeAll(async () => {
  h = await startApiHarness({ requestTimeoutMs: 1000 });
});
afterAll(async () => {
  await h?.close();
});

const hour = 3600;
const now = () => Math.floor(Date.now() / 1000);
const sign = (claims: Record<string, unknown>, sub = 'anna-1') =>
  new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).setSubject(sub).sign(new TextEncoder().encode(testSecret));

async function get(url: string, token: string) {
  const response = await h.app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${token}` } });
  return { status: response.statusCode, body: response.json() as Record<string, any>, headers: response.headers };
}
const flags = { vald: 'ja', barnIHushallet: true, hedersrelaterat: false, skyddadeUppgifter: false };
const newRef = () => `SK-${randomUUID().slice(0, 8)}`;
async function openCase(caseFlags: Record<string, unknown> = flags) {
  const caseRef = newRef();
  const opened = await h.callAs('POST', '/cases', { unit: 'mottagning' }, { caseRef, kind: 'barn', flags: caseFlags });
  expect(opened).toMatchObject({ status: 201 });
  return caseRef;
}

describe('tokens', () => {
  test('a token without exp, living too long, or issued in the future is refused (401)', async () => {
    const unit = { role: 'handlaggare', unit: 'mottagning' };
    const refused = [
      await sign({ ...unit, iat: now() }),
      await sign({ ...unit, iat: now(), exp: Date.UTC(2100, 0, 1) / 1000 }),
      await sign({ ...unit, iat: now(), exp: now() + 13 * hour }),
      await sign({ ...unit, exp: now() + 13 * hour }),
      await sign({ ...unit, iat: now() + 2 * hour, exp: now() + 3 * hour }),
      await sign({ ...unit, iat: now(), nbf: now() + hour, exp: now() + 2 * hour }),
    ];
    for (const token of refused) {
      const answer = await get('/tasks', token);
      expect({ status: answer.status, code: answer.body.error?.code }).toStrictEqual({ status: 401, code: 'EJ_INLOGGAD' });
    }
    expect((await get('/tasks', await sign({ ...unit, iat: now(), exp: now() + 8 * hour }))).status).toBe(200);
  });

  test('a unit that does not fit the role, or is not an active internal unit, gets 401', async () => {
    const current = await h.ruleStore.current();
    const { version: _v, ...rules } = current.rules;
    const draft = structuredClone({ organisation: current.organisation, rules }) as RuleSetDraft;
    draft.organisation.units.find((u) => u.id === 'familjevard')!.retired = true;
    const validation = validateRuleSet(draft, current);
    expect(validation).toMatchObject({ ok: true });
    await h.ruleStore.append((validation as { draft: RuleSetDraft }).draft, { createdBy: 'samordnare-1', reason: 'Familjevården upphör' });

    const callers = [
      { role: 'samordnare', unit: 'okand' },
      { role: 'samordnare', unit: 'mottagning' },
      { role: 'sektorchef', unit: 'bou' },
      { role: 'handlaggare', unit: 'okand' },
      { role: 'handlaggare', unit: 'ifo' },
      { role: 'enhetschef', unit: 'ifo' },
      { role: 'handlaggare', unit: 'familjevard' },
      { role: 'handlaggare', unit: 'kvinnojour' },
    ];
    for (const caller of callers) {
      const answer = await get('/tasks', await sign({ ...caller, iat: now(), exp: now() + hour }));
      expect({ caller, status: answer.status }).toStrictEqual({ caller, status: 401 });
    }
    for (const caller of [{ role: 'samordnare', unit: 'ifo' }, { role: 'sektorchef', unit: 'ifo' }, { role: 'handlaggare', unit: 'bou' }]) {
      const answer = await get('/tasks', await sign({ ...caller, iat: now(), exp: now() + hour }));
      expect({ caller, status: answer.status }).toStrictEqual({ caller, status: 200 });
    }
  });

  test('a token whose sub is a personal identity number is refused', async () => {
    const token = await sign({ role: 'handlaggare', unit: 'mottagning', iat: now(), exp: now() + hour }, '19121212-1212');
    expect((await get('/tasks', token)).status).toBe(401);
  });

  test("the samordnare does not read a handover's family information as if it were a unit", async () => {
    const caseRef = await openCase();
    const sent = await h.callAs('POST', `/cases/${caseRef}/overlamningar`, { unit: 'mottagning' }, { till: 'rvt', innehall: handoverContent() });
    expect(sent).toMatchObject({ status: 201 });
    const asSender = await h.callAs('GET', `/cases/${caseRef}/overlamningar/${sent.body.id}`, { unit: 'mottagning' });
    expect(asSender.body.innehall.vald).toBe('ja');
    const asSamordnare = await h.callAs('GET', `/cases/${caseRef}/overlamningar/${sent.body.id}`, { unit: 'ifo', role: 'samordnare' });
    expect(asSamordnare.status).toBe(200);
    expect(asSamordnare.body.innehall).toBeUndefined();
  });

  test("a partner's receipt link is random, not derived from a key: a retry issues a new one and the old one stops working", async () => {
    const links = createPgReceiptLinks(h.pool);
    const key = `arende-${newRef()}:overlamning-o1/d1.r0.ny_uppgift0`;
    const expiresAt = new Date(Date.now() + 86_400_000);
    const first = await links.issue({ key, handoverWorkflowId: 'hw-1', unit: 'kvinnojour', expiresAt });
    const retried = await links.issue({ key, handoverWorkflowId: 'hw-1', unit: 'kvinnojour', expiresAt });
    expect(first).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(retried).not.toBe(first);
    for (const secret of [testSecret, testReceiptSecret, `${testSecret}:kvittenslank`]) {
      expect(first).not.toBe(createHmac('sha256', secret).update(key).digest('base64url'));
    }
    expect(await links.claim(first)).toStrictEqual({ ok: false, reason: 'okand' });
    expect(await links.claim(retried)).toStrictEqual({ ok: true, handoverWorkflowId: 'hw-1', unit: 'kvinnojour' });
    // A used link is not replaced by a later retry.
    await links.issue({ key, handoverWorkflowId: 'hw-1', unit: 'kvinnojour', expiresAt });
    expect(await links.claim(retried)).toStrictEqual({ ok: false, reason: 'anvand' });
  });

  test('the development secret is refused when the API listens beyond this machine', () => {
    const { AUTH_JWT_SECRET: _secret, AUTH_OIDC_ISSUER: _issuer, ...base } = process.env;
    expect(() => loadConfig({ ...base, HOST: '0.0.0.0' })).toThrow(/AUTH_JWT_SECRET/);
    expect(() => loadConfig({ ...base, HOST: '127.0.0.1' })).not.toThrow();
    expect(() => loadConfig({ ...base, HOST: '0.0.0.0', AUTH_JWT_SECRET: 'a-real-secret-from-the-vault' })).not.toThrow();
  });

  test('the demo sign-in page exists only on this machine, without OIDC, and with the development secret unless asked for', () => {
    const { AUTH_JWT_SECRET: _secret, AUTH_OIDC_ISSUER: _issuer, DEMO_SIGN_IN: _demo, ...base } = process.env;
    const demo = (env: Record<string, string>) => loadConfig({ ...base, HOST: '127.0.0.1', ...env }).auth.demoSignIn;
    // npm start as it comes: anyone on this machine may try every role
    expect(demo({})).toBe(true);
    // a real secret: no demo users, unless asked for
    expect(demo({ AUTH_JWT_SECRET: 'a-real-secret-from-the-vault' })).toBe(false);
    expect(demo({ AUTH_JWT_SECRET: 'a-real-secret-from-the-vault', DEMO_SIGN_IN: 'true' })).toBe(true);
    expect(demo({ DEMO_SIGN_IN: 'false' })).toBe(false);
    // behind a reverse proxy that publishes 127.0.0.1 to the world: no demo users
    expect(demo({ PUBLIC_URL: 'https://samverkan.exempel.se', DEMO_SIGN_IN: 'true' })).toBe(false);
    expect(demo({ PUBLIC_URL: 'http://127.0.0.1:3000' })).toBe(true);
    // never with OIDC, never beyond this machine
    expect(demo({ AUTH_OIDC_ISSUER: 'https://login.exempel.se', AUTH_OIDC_AUDIENCE: 'samverkan', DEMO_SIGN_IN: 'true' })).toBe(false);
    expect(loadConfig({ ...base, HOST: '0.0.0.0', AUTH_JWT_SECRET: 'a-real-secret-from-the-vault', SESSION_SECRET: 'another-secret', DEMO_SIGN_IN: 'true' }).auth.demoSignIn).toBe(false);
  });
});

describe('personal identity numbers where they do not belong', () => {
  test('in a case reference, with any separator or none, refused naming the field; no case is opened', async () => {
    for (const caseRef of ['19121212_1212', '121212.1212', '121212x1212', '1212121212']) {
      const answer = await h.callAs('POST', '/cases', { unit: 'mottagning' }, { caseRef, kind: 'barn', flags });
      expect({ caseRef, status: answer.status, fields: answer.body.error.fields.map((f: any) => f.field) }).toStrictEqual({ caseRef, status: 400, fields: ['caseRef'] });
      expect((await h.callAs('GET', `/cases/${encodeURIComponent(caseRef)}`, { unit: 'mottagning' })).status).not.toBe(200);
    }
  });

  test('in free text (an extension reason, a handover, a dispute): 400 naming the field, nothing changes', async () => {
    const caseRef = await openCase();
    const me = { unit: 'mottagning' };
    const before = await h.callAs('GET', `/cases/${caseRef}`, me);
    const withNumber = 'Samtal med mamman 19121212-1212 bokat';
    const coordination = 'Barnet har samordningsnummer 121272-1219';
    const attempts: [string, unknown, string][] = [
      [`/cases/${caseRef}/overlamningar`, { till: 'rvt', innehall: handoverContent({ uppdrag: { beskrivning: withNumber, senast: '2030-12-31' } }) }, 'innehall.uppdrag.beskrivning'],
      [`/cases/${caseRef}/overlamningar`, { till: 'rvt', innehall: handoverContent({ tolk: { behovs: true, sprak: '121212.1212' } }) }, 'innehall.tolk.sprak'],
      [`/cases/${caseRef}/actions`, { type: 'samtycke', mottagare: ['kvinnojour'], omfattning: coordination, lamnat: '2026-11-30' }, 'omfattning'],
      [`/cases/${caseRef}/tvister`, { foremal: { typ: 'overlamning', id: 'o1' }, skal: withNumber }, 'skal'],
    ];
    for (const [url, body, field] of attempts) {
      const answer = await h.callAs('POST', url, me, body);
      expect({ url, status: answer.status, fields: answer.body.error?.fields?.map((f: any) => f.field) }).toStrictEqual({ url, status: 400, fields: [field] });
    }
    const after = await h.callAs('GET', `/cases/${caseRef}`, me);
    expect(after.body.events).toStrictEqual(before.body.events);
    expect(after.body.handovers).toStrictEqual(before.body.handovers);
  });
});

describe('what a handover says about violence', () => {
  test('a handover that contradicts the case is refused naming the field; after the facts are changed, it goes', async () => {
    const caseRef = await openCase({ ...flags, vald: 'nej' });
    const me = { unit: 'mottagning' };
    // The Tyresö failure the other way round: the case knows of violence, the handover says none.
    const violenceCase = await openCase();
    const contradicting = await h.callAs('POST', `/cases/${violenceCase}/overlamningar`, me, { till: 'resursenhet', innehall: handoverContent({ vald: 'nej' }) });
    expect(contradicting.status).toBe(400);
    expect(contradicting.body.error.fields.map((f: any) => f.field)).toStrictEqual(['innehall.vald']);
    expect((await h.callAs('GET', `/cases/${violenceCase}`, me)).body.handovers).toStrictEqual([]);

    const tooEarly = await h.callAs('POST', `/cases/${caseRef}/overlamningar`, me, { till: 'rvt', innehall: handoverContent({ vald: 'ja' }) });
    expect(tooEarly.status).toBe(400);
    const changed = await h.callAs('POST', `/cases/${caseRef}/actions`, me, { type: 'andra_fakta', flags: { vald: 'ja' }, skal: 'Barnet berättade om våld i samtal på skolan' });
    expect(changed).toMatchObject({ status: 200 });
    expect(changed.body.flags.vald).toBe('ja');
    expect(changed.body.factChanges).toMatchObject([{ from: { vald: 'nej' }, to: { vald: 'ja' }, unit: 'mottagning' }]);
    // The new facts call for what violence calls for: a handover duty to RVT and a joint meeting.
    expect(changed.body.openTasks.map((t: any) => t.key)).toContain('overlamning');
    expect(changed.body.meetings).toHaveLength(1);
    const sent = await h.callAs('POST', `/cases/${caseRef}/overlamningar`, me, { till: 'rvt', innehall: handoverContent({ vald: 'ja' }) });
    expect(sent).toMatchObject({ status: 201 });
    const notOwner = await h.callAs('POST', `/cases/${caseRef}/actions`, { unit: 'rvt' }, { type: 'andra_fakta', flags: { hedersrelaterat: true }, skal: 'Uppgift om hedersrelaterat våld' });
    expect(notOwner.status).toBe(403);
  });
});

describe('the HTTP edge', () => {
  test('an oversized body gets 413 in Swedish; a huge string gets 400 naming its field', async () => {
    const token = await h.token({ unit: 'mottagning' });
    const big = await h.app.inject({ method: 'POST', url: '/cases', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, payload: JSON.stringify({ caseRef: 'x'.repeat(1_100_000) }) });
    expect(big.statusCode).toBe(413);
    expect(big.json().error.message).toBe('Innehållet är för stort');
    const huge = await h.callAs('POST', '/cases', { unit: 'mottagning' }, { caseRef: newRef(), kind: 'barn', flags, receivedAt: 'x'.repeat(200_000) });
    expect(huge.status).toBe(400);
    expect(huge.body.error.fields.map((f: any) => f.field)).toStrictEqual(['receivedAt']);
  });

  test('security headers on every answer, and nothing cached', async () => {
    for (const url of ['/health', '/tasks', '/kvittens/okand-lank']) {
      const answer = await h.app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${await h.token({ unit: 'mottagning' })}` } });
      expect(answer.headers['content-security-policy']).toMatch(/frame-ancestors 'none'/);
      expect(answer.headers['x-content-type-options']).toBe('nosniff');
      expect(answer.headers['referrer-policy']).toBe('no-referrer');
      expect(answer.headers['cache-control']).toBe('no-store');
      expect(answer.headers['access-control-allow-origin']).toBeUndefined();
    }
  });

  test('receipt links and failed logins are rate limited with a Swedish 429', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 35; i++) statuses.push((await h.app.inject({ method: 'GET', url: `/kvittens/gissning-${i}`, remoteAddress: '10.9.0.1' })).statusCode);
    expect(statuses.slice(0, 30).every((s) => s !== 429)).toBe(true);
    const limited = await h.app.inject({ method: 'GET', url: '/kvittens/gissning', remoteAddress: '10.9.0.1' });
    expect(limited.statusCode).toBe(429);
    expect(limited.json().error.message).toMatch(/För många/);

    const guesses: number[] = [];
    for (let i = 0; i < 22; i++) guesses.push((await h.app.inject({ method: 'GET', url: '/tasks', headers: { authorization: `Bearer gissning-${i}` }, remoteAddress: '10.9.0.2' })).statusCode);
    expect(guesses.slice(0, 20)).toStrictEqual(Array(20).fill(401));
    expect(guesses.slice(20)).toStrictEqual([429, 429]);
    // Another address is not held back.
    expect((await get('/tasks', await h.token({ unit: 'mottagning' }))).status).toBe(200);
  });

  test('a request whose body never arrives is timed out', async () => {
    const address = await h.app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = h.app.server.address() as AddressInfo;
    expect(address).toContain(String(port));
    const token = await h.token({ unit: 'mottagning' });
    const answer = await new Promise<string>((resolve, reject) => {
      const socket = connect(port, '127.0.0.1', () => {
        socket.write(`POST /cases HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer ${token}\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{`);
      });
      let received = '';
      socket.on('data', (chunk) => (received += chunk.toString()));
      socket.on('close', () => resolve(received));
      socket.on('error', reject);
      setTimeout(() => reject(new Error('still open after 10 s')), 10_000);
    });
    expect(answer).toMatch(/^HTTP\/1\.1 408/);
  });
});

describe('an action on a case the caller may not reach', () => {
  test('is answered as a case that does not exist, open or closed, and changes nothing; the units in the case are told why', async () => {
    const caseRef = `SEC-NA-${randomUUID().slice(0, 8)}`;
    const quiet = { vald: 'nej', barnIHushallet: false, hedersrelaterat: false, skyddadeUppgifter: false };
    expect((await h.callAs('POST', '/cases', { unit: 'mottagning' }, { caseRef, kind: 'barn', flags: quiet })).status).toBe(201);
    const missing = await h.callAs('POST', `/cases/SEC-FINNS-INTE-${randomUUID().slice(0, 6)}/actions`, { unit: 'bou' }, { type: 'skyddsbedomning', skyddsbehov: 'ej_akut' });
    // A handläggare or enhetschef of a unit not in the case, a case that does not exist: the same answer.
    for (const caller of [{ unit: 'bou' }, { unit: 'bou', role: 'enhetschef' as const }]) {
      const refused = await h.callAs('POST', `/cases/${caseRef}/actions`, caller, { type: 'skyddsbedomning', skyddsbehov: 'ej_akut' });
      expect({ caller, status: refused.status, body: refused.body }).toStrictEqual({ caller, status: 404, body: missing.body });
    }
    expect(missing.status).toBe(404);
    // A handover or a dispute sent by a unit not in the case: the same.
    const handover = await h.callAs('POST', `/cases/${caseRef}/overlamningar`, { unit: 'bou' }, { till: 'rvt', innehall: handoverContent({ vald: 'nej' }) });
    expect({ status: handover.status, body: handover.body }).toStrictEqual({ status: 404, body: missing.body });
    const dispute = await h.callAs('POST', `/cases/${caseRef}/tvister`, { unit: 'bou' }, { foremal: { typ: 'overlamning', id: 'o1' }, skal: 'Enheterna är oeniga om vem som gör vad' });
    expect({ status: dispute.status, body: dispute.body }).toStrictEqual({ status: 404, body: missing.body });
    expect((await h.callAs('GET', `/cases/${caseRef}`, { unit: 'mottagning' })).body.events.map((e: { type: string }) => e.type)).toStrictEqual(['oppnat']);
    // A unit in the case is told what is wrong with the step.
    expect((await h.callAs('POST', `/cases/${caseRef}/actions`, { unit: 'mottagning' }, { type: 'avsluta_insats', insatsId: 'i9' })).status).toBe(409);

    // Closed: the case's own units learn that it is closed, anyone else that there is no such case.
    expect((await h.callAs('POST', `/cases/${caseRef}/actions`, { unit: 'mottagning' }, { type: 'skyddsbedomning', skyddsbehov: 'ej_akut' })).status).toBe(200);
    expect((await h.callAs('POST', `/cases/${caseRef}/actions`, { unit: 'mottagning' }, { type: 'forhandsbedomning', beslut: 'ingen_utredning' })).status).toBe(200);
    let closed = await h.callAs('POST', `/cases/${caseRef}/actions`, { unit: 'mottagning' }, { type: 'avsluta_arende' });
    for (let i = 0; i < 50 && closed.status === 200; i++) closed = await h.callAs('POST', `/cases/${caseRef}/actions`, { unit: 'mottagning' }, { type: 'avsluta_arende' });
    expect(closed).toMatchObject({ status: 409, body: { error: { code: 'FEL_FAS' } } });
    const outsider = await h.callAs('POST', `/cases/${caseRef}/actions`, { unit: 'bou' }, { type: 'avsluta_arende' });
    expect({ status: outsider.status, body: outsider.body }).toStrictEqual({ status: 404, body: missing.body });
  });
});
