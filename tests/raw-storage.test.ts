/* eslint-disable @typescript-eslint/no-explicit-any -- JSON answers are read as the client sees them */
// Raw storage: what Temporal stores holds no free text in clear. Unique canaries are written into
// every free-text field of a case through the workflow Updates; then the raw histories (read
// without the codec, as `temporal workflow show` would) and the dev server's SQLite file hold none
// of them, while the codec endpoint decodes every one of them back. Also: who may use the codec
// endpoint, its CORS, key rotation, and the settings and the local key file of `npm start`.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client } from '@temporalio/client';
import { defaultPayloadConverter, type Payload } from '@temporalio/common';
import { payloadToJSON, type History } from '@temporalio/common/lib/proto-utils';
import proto from '@temporalio/proto';
import { loadConfig } from '../config/env';
import type { Actor, CaseAction, CaseView } from '../domain/case';
import type { HandoverResponse } from '../domain/handover';
import { caseViewQuery, decideDisputeUpdate, handoverResponseUpdate, meetingActionUpdate, performActionUpdate, raiseDisputeUpdate, startHandoverUpdate } from '../domain/messages';
import { localPayloadKeys } from '../infra/local-payload-keys';
import { EncryptionCodec, ENCRYPTED_ENCODING, newPayloadKey, parsePayloadKeys } from '../infra/payload-codec';
import { dayFromNow } from './support/time';
import { startApiHarness, type ApiHarness } from './support/api-harness';
import { handoverContent } from './support/handover-content';
import { testKeyring } from './support/payload-keys';

const dir = mkdtempSync(path.join(tmpdir(), 'samverkan-raw-'));
const dbFile = path.join(dir, 'temporal.sqlite');
const uiOrigin = 'http://temporal-ui.test:8233';

let h: ApiHarness;
/** A second client on the same connection, with the default data converter: what anyone with Temporal access reads. */
let raw: Client;
beforeAll(async () => {
  h = await startApiHarness({ dbFilename: dbFile, codecCorsOrigin: uiOrigin });
  raw = new Client({ connection: h.env.connection, namespace: h.env.namespace ?? 'default' });
});
afterAll(async () => {
  await h?.close();
  rmSync(dir, { recursive: true, force: true });
});

const run = randomUUID().slice(0, 8);
/** A string that occurs nowhere but where the test wrote it. */
const canary = (field: string) => `kanarie${run}${field}`;
const day = dayFromNow;
const actor = (unit: string, role: Actor['role'] = 'handlaggare'): Actor => ({ sub: `${unit}-1`, role, unit });
const samordnare = { unit: 'ifo', role: 'samordnare' as const };

/** Every payload in a history (or any message), wherever it sits. */
function payloadsIn(message: unknown, found: Payload[] = []): Payload[] {
  if (message && typeof message === 'object') {
    const candidate = message as Payload;
    if (candidate.metadata && typeof candidate.metadata === 'object' && candidate.data instanceof Uint8Array) found.push(candidate);
    else for (const value of Object.values(message)) payloadsIn(value, found);
  }
  return found;
}

/** A history as stored: its protobuf bytes, and its JSON as `temporal workflow show --output json` prints it. */
function stored(history: History): Buffer {
  const bytes = proto.temporal.api.history.v1.History.encode(history).finish();
  return Buffer.concat([Buffer.from(bytes), Buffer.from(JSON.stringify(history))]);
}

const present = (bytes: Buffer, canaries: string[]) => canaries.filter((c) => bytes.includes(Buffer.from(c, 'utf8')));

async function codec(direction: 'decode' | 'encode', payloads: unknown[], options: { token?: string | null; headers?: Record<string, string> } = {}) {
  const token = options.token === undefined ? await h.token(samordnare) : options.token;
  const response = await h.app.inject({
    method: 'POST',
    url: `/codec/${direction}`,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), 'x-namespace': h.env.namespace ?? 'default', ...options.headers },
    payload: { payloads },
  });
  return { status: response.statusCode, headers: response.headers, body: response.json() as Record<string, any> };
}

describe('a case with canaries in every free-text field', () => {
  const fields = ['forlangning', 'beskrivning', 'sprak', 'fraga', 'svar', 'avvisning', 'tvist', 'beslut', 'uppgift'];
  const canaries = fields.map(canary);
  /** A control: a payload written plain, by a client without the codec, shows that the search finds what is there. */
  const control = canary('kontroll');
  let workflowIds: string[] = [];

  beforeAll(async () => {
    // A child case where violence is known: a handover to RVT and a joint meeting are due.
    const caseRef = `RAW-${run}`;
    const opened = await h.callAs('POST', '/cases', { unit: 'mottagning' }, { caseRef, kind: 'barn', flags: { vald: 'ja', barnIHushallet: true, hedersrelaterat: false, skyddadeUppgifter: false } });
    if (opened.status !== 201) throw new Error(`the case did not open: ${JSON.stringify(opened.body)}`);
    const client = h.env.client;
    const kase = client.workflow.getHandle(`arende-${caseRef}`);
    const act = (unit: string, action: CaseAction) => kase.executeUpdate(performActionUpdate, { args: [{ actor: actor(unit), action }] });
    const respond = (workflowId: string, unit: string, response: HandoverResponse) =>
      client.workflow.getHandle(workflowId).executeUpdate(handoverResponseUpdate, { args: [{ actor: actor(unit), response }] });

    await act('mottagning', { type: 'skyddsbedomning', skyddsbehov: 'akut' });
    await act('mottagning', { type: 'forhandsbedomning', beslut: 'inled_utredning' });
    await act('bou', { type: 'forlang_utredning', nyttSlutdatum: '2099-01-31', skal: canary('forlangning') });

    const toRvt = await kase.executeUpdate(startHandoverUpdate, {
      args: [{
        actor: actor('mottagning'),
        till: 'rvt',
        receiverKind: 'intern',
        innehall: handoverContent({ tolk: { behovs: true, sprak: canary('sprak') }, uppdrag: { beskrivning: canary('beskrivning'), senast: day(7) } }),
      }],
    });
    await respond(toRvt.workflowId, 'rvt', { typ: 'begar_komplettering', fraga: canary('fraga') });
    await respond(toRvt.workflowId, 'mottagning', { typ: 'besvara_komplettering', svar: canary('svar') });

    const toResursenhet = await kase.executeUpdate(startHandoverUpdate, { args: [{ actor: actor('mottagning'), till: 'resursenhet', receiverKind: 'intern', innehall: handoverContent() }] });
    await respond(toResursenhet.workflowId, 'resursenhet', { typ: 'avvisa', skal: canary('avvisning') });

    const dispute = await kase.executeUpdate(raiseDisputeUpdate, { args: [{ actor: actor('mottagning'), foremal: { typ: 'overlamning', id: toRvt.handoverId }, skal: canary('tvist') }] });
    await client.workflow.getHandle(dispute.workflowId).executeUpdate(decideDisputeUpdate, { args: [{ actor: actor('ifo', 'sektorchef'), beslut: canary('beslut') }] });

    const meeting = client.workflow.getHandle(`arende-${caseRef}:planeringsmote-m1`);
    await meeting.executeUpdate(meetingActionUpdate, { args: [{ actor: actor('mottagning'), action: { typ: 'boka', tid: new Date(Date.now() + 2000).toISOString() } }] });
    await meeting.executeUpdate(meetingActionUpdate, { args: [{ actor: actor('rvt'), action: { typ: 'bekrafta_deltagande' } }] });
    await new Promise((resolve) => setTimeout(resolve, 2200));
    await meeting.executeUpdate(meetingActionUpdate, {
      args: [{ actor: actor('mottagning'), action: { typ: 'registrera_utfall', ansvar: [{ enhet: 'rvt', uppgift: canary('uppgift'), senast: day(14) }], nastaUppfoljning: day(30) } }],
    });

    // The case, and every handover, meeting and dispute it has (the rejection opened one too).
    let view: CaseView = await kase.query(caseViewQuery);
    for (let i = 0; i < 50 && view.disputes.length < 2; i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      view = await kase.query(caseViewQuery);
    }
    workflowIds = [kase.workflowId, ...[...view.handovers, ...view.meetings, ...view.disputes].map((child) => child.workflowId)];
    if (workflowIds.length !== 6) throw new Error(`expected a case and five children, got ${workflowIds.join(', ')}`);

    const plain = await raw.workflow.start('kontroll', { taskQueue: `ingen-worker-${run}`, workflowId: `kontroll-${run}`, args: [control] });
    await plain.terminate();
  });

  test('the raw histories hold none of the canaries, and the codec endpoint decodes every one back', async () => {
    // the plain control is found in its history
    expect(present(stored(await raw.workflow.getHandle(`kontroll-${run}`).fetchHistory()), [control])).toStrictEqual([control]);
    const histories = await Promise.all(workflowIds.map((id) => raw.workflow.getHandle(id).fetchHistory()));
    for (const [index, history] of histories.entries()) {
      // no free text in clear in this history
      expect({ workflowId: workflowIds[index], found: present(stored(history), canaries) }).toStrictEqual({ workflowId: workflowIds[index], found: [] });
    }

    // Only search attributes stay plain: the server indexes them.
    const payloads = histories.flatMap((history) => payloadsIn(history));
    const encodings = new Set(payloads.map((p) => Buffer.from(p.metadata!.encoding!).toString()));
    expect([...encodings].sort()).toStrictEqual([ENCRYPTED_ENCODING, 'json/plain']);

    // The same payloads through the codec: the canaries were there, and decode back.
    const decoded = await codec('decode', payloads.map((p) => payloadToJSON(p)));
    expect(decoded.status).toBe(200);
    const clear = Buffer.concat(decoded.body.payloads.map((p: { data?: string }) => Buffer.from(p.data ?? '', 'base64')));
    expect(present(clear, canaries).sort()).toStrictEqual([...canaries].sort());
    // nothing encrypted is left
    expect(decoded.body.payloads.every((p: any) => Buffer.from(p.metadata.encoding, 'base64').toString() !== ENCRYPTED_ENCODING)).toBe(true);
  });

  test('no e-mail, of any kind, to any recipient, carries a canary', async () => {
    // The notifications the canaried case caused (new tasks, the partner-less dispute's notices, the meeting's tasks).
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const mails = h.mail.messages();
    expect(mails.length).toBeGreaterThan(0);
    const everything = Buffer.from(mails.map((m) => JSON.stringify(m)).join('\n'));
    expect(present(everything, canaries)).toStrictEqual([]);
  });

  test('the memo goes through the codec: encrypted in Temporal, read by the API', async () => {
    const [caseId] = workflowIds;
    const described = await raw.workflowService.describeWorkflowExecution({ namespace: h.env.namespace ?? 'default', execution: { workflowId: caseId } });
    const memo = described.workflowExecutionInfo?.memo?.fields ?? {};
    expect(Object.keys(memo)).toContain('tasks');
    for (const field of Object.values(memo)) expect(Buffer.from(field.metadata!.encoding!).toString()).toBe(ENCRYPTED_ENCODING);
    const readable = await h.env.client.workflow.getHandle(caseId!).describe();
    expect(Array.isArray(readable.memo?.tasks)).toBe(true);
  });

  test("the dev server's SQLite file holds none of the canaries", async () => {
    const files = [dbFile, `${dbFile}-wal`].filter((file) => existsSync(file));
    let bytes = Buffer.alloc(0);
    for (let i = 0; i < 50; i++) {
      bytes = Buffer.concat(files.map((file) => readFileSync(file)));
      if (present(bytes, [control]).length > 0) break;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    // the file is readable: the plain control is in it
    expect(present(bytes, [control])).toStrictEqual([control]);
    expect(present(bytes, canaries)).toStrictEqual([]);
  });
});

describe('the codec endpoint', () => {
  const plainPayload = () => payloadToJSON(defaultPayloadConverter.toPayload({ text: canary('endpoint') }));

  test('encodes with the current key and decodes back; plain payloads pass through', async () => {
    const encoded = await codec('encode', [plainPayload()]);
    expect(encoded.status).toBe(200);
    const [sealed] = encoded.body.payloads;
    expect(Buffer.from(sealed.metadata.encoding, 'base64').toString()).toBe(ENCRYPTED_ENCODING);
    expect(Buffer.from(sealed.metadata['encryption-key-id'], 'base64').toString()).toBe(testKeyring.currentKeyId);
    expect(Buffer.from(sealed.data, 'base64').includes(canary('endpoint'))).toBe(false);
    const decoded = await codec('decode', [sealed, plainPayload()]);
    expect(decoded.body.payloads).toStrictEqual([plainPayload(), plainPayload()]);
  });

  test('only the samordnare and the sektorchef may use it', async () => {
    expect((await codec('decode', [plainPayload()], { token: await h.token({ unit: 'ifo', role: 'sektorchef' }) })).status).toBe(200);
    for (const caller of [{ unit: 'rvt' }, { unit: 'rvt', role: 'enhetschef' as const }]) {
      const refused = await codec('decode', [plainPayload()], { token: await h.token(caller) });
      expect(refused.status).toBe(403);
      expect(refused.body.error.message).toBe('Temporals krypterade historik avkodas bara av samordnaren och sektorchefen');
      expect((await codec('encode', [plainPayload()], { token: await h.token(caller) })).status).toBe(403);
    }
    expect((await codec('decode', [plainPayload()], { token: null })).status).toBe(401);
  });

  test('refuses another namespace, bad base64 and payloads it cannot decrypt', async () => {
    const otherNamespace = await codec('decode', [plainPayload()], { headers: { 'x-namespace': 'annan-kommun' } });
    expect(otherNamespace.status).toBe(400);
    expect((await codec('decode', [{ metadata: { encoding: 'inte base64!' } }])).status).toBe(400);
    const otherKey = new EncryptionCodec(parsePayloadKeys(newPayloadKey('okand')));
    const [foreign] = await otherKey.encode([defaultPayloadConverter.toPayload('hemligt')]);
    const undecodable = await codec('decode', [payloadToJSON(foreign!)]);
    expect(undecodable.status).toBe(400);
    expect(undecodable.body.error.message).toMatch(/nyckeln okand/);
  });

  test("answers the Web UI's origin only, preflight without a token", async () => {
    const preflight = (origin: string) =>
      h.app.inject({ method: 'OPTIONS', url: '/codec/decode', headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type,x-namespace' } });
    const allowed = await preflight(uiOrigin);
    expect(allowed.statusCode).toBe(204);
    expect(allowed.headers['access-control-allow-origin']).toBe(uiOrigin);
    expect(String(allowed.headers['access-control-allow-headers'])).toMatch(/x-namespace/);
    const other = await preflight('http://elsewhere.test');
    expect(other.statusCode).toBe(403);
    expect(other.headers['access-control-allow-origin']).toBeUndefined();

    const fromUi = await codec('decode', [plainPayload()], { headers: { origin: uiOrigin } });
    expect(fromUi.status).toBe(200);
    expect(fromUi.headers['access-control-allow-origin']).toBe(uiOrigin);
    // a refusal carries the header too, so that the Web UI can tell why
    const unauthenticated = await codec('decode', [plainPayload()], { token: null, headers: { origin: uiOrigin } });
    expect(unauthenticated.status).toBe(401);
    expect(unauthenticated.headers['access-control-allow-origin']).toBe(uiOrigin);
    const fromElsewhere = await codec('decode', [plainPayload()], { headers: { origin: 'http://elsewhere.test' } });
    expect(fromElsewhere.headers['access-control-allow-origin']).toBeUndefined();
  });
});

describe('keys', () => {
  test('rotation: payloads written with an older key still decode; new ones use the current key', async () => {
    const old = newPayloadKey('k2026');
    const next = newPayloadKey('k2027');
    const before = new EncryptionCodec(parsePayloadKeys(old));
    const after = new EncryptionCodec(parsePayloadKeys(`${old},${next}`, 'k2027'));
    const [written] = await before.encode([defaultPayloadConverter.toPayload('skrivet med den gamla nyckeln')]);
    expect(defaultPayloadConverter.fromPayload((await after.decode([written!]))[0]!)).toBe('skrivet med den gamla nyckeln');
    const [fresh] = await after.encode([defaultPayloadConverter.toPayload('ny')]);
    expect(Buffer.from(fresh!.metadata!['encryption-key-id']!).toString()).toBe('k2027');
    // once the old key is removed, what it wrote no longer decodes
    await expect(new EncryptionCodec(parsePayloadKeys(next)).decode([written!])).rejects.toThrow(/nyckeln k2026/);
  });

  test('invalid keys stop the process with a clear message', () => {
    const key = Buffer.alloc(32, 1).toString('base64');
    const cases: [Record<string, string>, RegExp][] = [
      [{ PAYLOAD_KEYS: 'utan-kolon' }, /PAYLOAD_KEYS: .*id:base64/],
      [{ PAYLOAD_KEYS: `k1:${Buffer.alloc(16).toString('base64')}` }, /PAYLOAD_KEYS: nyckeln k1 är inte 32 byte/],
      [{ PAYLOAD_KEYS: `k1:${key},k1:${key}` }, /nyckeln k1 förekommer två gånger/],
      [{ PAYLOAD_KEYS: `k1:${key}`, PAYLOAD_KEY_ID: 'k9' }, /den aktuella nyckeln k9/],
      [{ PAYLOAD_KEY_ID: 'k1' }, /PAYLOAD_KEY_ID kräver PAYLOAD_KEYS/],
      [{ CODEC_CORS_ORIGIN: 'http://ui.test/codec' }, /CODEC_CORS_ORIGIN/],
    ];
    for (const [env, message] of cases) {
      expect(() => loadConfig(env)).toThrow(message);
      // the key itself is never in the message
      expect(() => loadConfig(env)).not.toThrow(key);
    }
    const config = loadConfig({ PAYLOAD_KEYS: `k1:${key}, k2:${key.replace('A', 'B')}`, PAYLOAD_KEY_ID: 'k2', CODEC_CORS_ORIGIN: 'http://localhost:8233/' });
    expect(config.payloadKeys?.currentKeyId).toBe('k2');
    expect([...config.payloadKeys!.keys.keys()]).toStrictEqual(['k1', 'k2']);
    expect(config.codecCorsOrigin).toBe('http://localhost:8233');
  });

  test('npm start keeps one local key under the data dir, readable by its user only', () => {
    const dataDir = path.join(dir, 'data');
    const first = localPayloadKeys(dataDir);
    expect(first.created).toBe(true);
    expect(first.file).toBe(path.join(dataDir, 'payload-keys.json'));
    expect(statSync(first.file).mode & 0o777).toBe(0o600);
    const again = localPayloadKeys(dataDir);
    // a restart reads the same key
    expect(again.created).toBe(false);
    expect(again.keyring.currentKeyId).toBe(first.keyring.currentKeyId);
    expect(again.keyring.keys.get(again.keyring.currentKeyId)!.equals(first.keyring.keys.get(first.keyring.currentKeyId)!)).toBe(true);
    chmodSync(first.file, 0o644);
    localPayloadKeys(dataDir);
    expect(statSync(first.file).mode & 0o777).toBe(0o600);
    writeFileSync(first.file, '{"PAYLOAD_KEYS": "k1:kort"}');
    expect(() => localPayloadKeys(dataDir)).toThrow(/Felaktig nyckelfil .*payload-keys.json: nyckeln k1 är inte 32 byte/);
  });
});
