/* eslint-disable @typescript-eslint/no-explicit-any -- JSON answers are read as the client sees them */
// Rules that are gates, through the HTTP API on the real dev server: in an honour-related child's
// case the guardians are not contacted before protection is arranged, and a relative never
// interprets; each refusal says which rule and its legal source, and nothing changes. The
// samordnare's validation names a gate that cannot hold, and the dry run shows which open cases a
// new gate would hold back.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { startApiHarness, type ApiHarness } from './support/api-harness';

let h: ApiHarness;
beforeAll(async () => {
  h = await startApiHarness();
});
afterAll(async () => {
  await h?.close();
});

const mottagning = { unit: 'mottagning' };
const samordnare = { unit: 'ifo', role: 'samordnare' as const };
async function open(hedersrelaterat: boolean) {
  const caseRef = `GT-${randomUUID().slice(0, 8)}`;
  const flags = { vald: 'ja', barnIHushallet: true, hedersrelaterat, skyddadeUppgifter: false };
  expect(await h.callAs('POST', '/cases', mottagning, { caseRef, kind: 'barn', flags })).toMatchObject({ status: 201 });
  return caseRef;
}
const act = (caseRef: string, action: unknown) => h.callAs('POST', `/cases/${caseRef}/actions`, mottagning, action);

describe('the guardian gate', () => {
  test('refused in an honour-related case until protection is recorded as arranged, then allowed', async () => {
    const caseRef = await open(true);
    const before = (await h.callAs('GET', `/cases/${caseRef}`, mottagning)).body.events;
    const refused = await act(caseRef, { type: 'kontakt_vardnadshavare', tolk: 'professionell' });
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('SPARRAD');
    expect(refused.body.error.message).toContain('Vårdnadshavare kontaktas inte förrän skyddet är ordnat');
    // with its legal source
    expect(refused.body.error.message).toContain('Socialstyrelsen');
    expect((await h.callAs('GET', `/cases/${caseRef}`, mottagning)).body.events).toStrictEqual(before);

    const arranged = await act(caseRef, { type: 'skydd_ordnat' });
    expect(arranged).toMatchObject({ status: 200, body: { protectionArranged: { unit: 'mottagning' } } });
    const contacted = await act(caseRef, { type: 'kontakt_vardnadshavare', tolk: 'professionell' });
    expect(contacted.status).toBe(200);
    expect(contacted.body.events.at(-1)).toMatchObject({ type: 'kontakt_vardnadshavare', summary: 'Kontakt med vårdnadshavare med professionell tolk' });
  });

  test('a case that is not honour-related has no such gate', async () => {
    const caseRef = await open(false);
    expect((await act(caseRef, { type: 'kontakt_vardnadshavare', tolk: 'ingen' })).status).toBe(200);
  });
});

test('a relative as interpreter is refused at the field, with the rule and its source; a professional is recorded', async () => {
  const caseRef = await open(false);
  const relative = await act(caseRef, { type: 'kontakt_vardnadshavare', tolk: 'anhorig' });
  expect(relative).toMatchObject({ status: 409, body: { error: { code: 'SPARRAD', fields: [{ field: 'action.tolk' }] } } });
  expect(relative.body.error.message).toContain('Anhöriga tolkar aldrig');
  expect(relative.body.error.message).toContain('Lokal samverkansrutin');
  const missing = await act(caseRef, { type: 'kontakt_vardnadshavare' });
  expect(missing).toMatchObject({ status: 400, body: { error: { fields: [{ field: 'tolk' }] } } });
  expect((await act(caseRef, { type: 'kontakt_vardnadshavare', tolk: 'professionell' })).status).toBe(200);
});

test("the samordnare's validation names a gate that cannot hold; the dry run shows the open cases a new gate would hold back", async () => {
  const { body } = await h.callAs('GET', '/regelverk', samordnare);
  const { version: _version, ...rules } = body.rules;
  const set = { organisation: body.organisation, rules };

  const wrong = structuredClone(set);
  wrong.rules.gates[0].when.kinds = ['vuxen'];
  wrong.rules.gates.push({ ...structuredClone(set.rules.gates[1]) });
  const validated = await h.callAs('POST', '/regelverk/validera', samordnare, wrong);
  expect(validated.body.valid).toBe(false);
  expect(validated.body.issues.map((i: any) => i.field)).toStrictEqual(['rules.gates.0.when.kinds', 'rules.gates.2.id']);

  const caseRef = await open(false);
  const stricter = structuredClone(set);
  stricter.rules.gates.push({
    typ: 'villkor',
    id: 'vald-vardnadshavare',
    title: 'Vid känt våld kontaktas vårdnadshavare först när skyddet är ordnat',
    action: 'kontakt_vardnadshavare',
    when: { kinds: ['barn'], vald: ['ja'] },
    until: 'skydd_ordnat',
    legal: { source: 'Lokal samverkansrutin', citation: 'Skyddet först' },
  });
  const dry = await h.callAs('POST', '/regelverk/provkorning', samordnare, stricter);
  expect(dry.body.valid).toBe(true);
  expect(dry.body.affectedCases.find((c: any) => c.caseRef === caseRef)?.newGates).toStrictEqual(['Vid känt våld kontaktas vårdnadshavare först när skyddet är ordnat']);
  expect(dry.body.differences).toContainEqual(expect.objectContaining({ path: 'rules.gates.2', change: 'tillagd' }));
});
