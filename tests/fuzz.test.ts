/* eslint-disable @typescript-eslint/no-explicit-any -- JSON answers are read as the client sees them */
// Thousands of generated bad requests to every write endpoint, through the real app on the real
// dev server: none gets a 5xx, every 400 that is about a field names it, and no refused request
// changes anything in the case or the rules.
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { handoverContent } from './support/handover-content';
import { startApiHarness, type ApiHarness } from './support/api-harness';

let h: ApiHarness;
let caseRef: string;
let handoverId: string;
let meetingId: string;
let sibling: string;
beforeAll(async () => {
  h = await startApiHarness();
  caseRef = `FZ-${randomUUID().slice(0, 8)}`;
  const flags = { vald: 'ja', barnIHushallet: true, hedersrelaterat: false, skyddadeUppgifter: false };
  const opened = await h.callAs('POST', '/cases', { unit: 'mottagning' }, { caseRef, kind: 'barn', flags });
  const sent = await h.callAs('POST', `/cases/${caseRef}/overlamningar`, { unit: 'mottagning' }, { till: 'rvt', innehall: handoverContent() });
  // A sibling's case, for linking into the family.
  sibling = `FZ-${randomUUID().slice(0, 8)}`;
  const other = await h.callAs('POST', '/cases', { unit: 'mottagning' }, { caseRef: sibling, kind: 'barn', flags });
  if (other.status !== 201) throw new Error(`the sibling's case could not be set up: ${other.status}`);
  if (opened.status !== 201 || sent.status !== 201) throw new Error(`the case to fuzz could not be set up: ${opened.status} ${sent.status}`);
  handoverId = sent.body.id;
  meetingId = opened.body.meetings[0].id;
});
afterAll(async () => {
  await h?.close();
});

/** What a refused request must leave as it was. */
async function state() {
  const view = (await h.callAs('GET', `/cases/${caseRef}`, { unit: 'mottagning' })).body;
  const rules = await h.ruleStore.history();
  // Notifications go out on their own time: what was sent is not part of what a request changes.
  const deadlines = view.deadlines.map((d: any) => ({ id: d.id, status: d.status, dueAt: d.dueAt, revision: d.revision, extensions: d.extensions }));
  const family = (await h.callAs('GET', `/cases/${caseRef}/familj`, { unit: 'mottagning' })).body;
  const goals = (await h.callAs('GET', '/rapporter/mal', { unit: 'ifo', role: 'samordnare' })).body.history.length;
  return { events: view.events, deadlines, handovers: view.handovers, meetings: view.meetings, disputes: view.disputes, flags: view.flags, versions: rules.length, family: family.history, goals };
}

/** A valid body for each write endpoint, and who may send it. */
const endpoints = () => [
  { url: '/cases', caller: { unit: 'mottagning' }, valid: { caseRef: 'FZ-ny', kind: 'barn', flags: { vald: 'nej', barnIHushallet: false, hedersrelaterat: false, skyddadeUppgifter: false } } },
  { url: `/cases/${caseRef}/actions`, caller: { unit: 'mottagning' }, valid: { type: 'forlang_utredning', nyttSlutdatum: '2031-01-01', skal: 'Inväntar utlåtande' } },
  { url: `/cases/${caseRef}/overlamningar`, caller: { unit: 'mottagning' }, valid: { till: 'bou', innehall: handoverContent() } },
  { url: `/cases/${caseRef}/overlamningar/${handoverId}/svar`, caller: { unit: 'rvt' }, valid: { typ: 'begar_komplettering', fraga: 'Vilka barn gäller det?' } },
  { url: `/cases/${caseRef}/moten/${meetingId}/atgarder`, caller: { unit: 'mottagning' }, valid: { typ: 'boka', tid: '2031-01-01T09:00:00Z' } },
  { url: `/cases/${caseRef}/tvister`, caller: { unit: 'mottagning' }, valid: { foremal: { typ: 'overlamning', id: handoverId }, skal: 'Enheterna är oeniga om vem som gör vad' } },
  { url: '/regelverk', caller: { unit: 'ifo', role: 'samordnare' as const }, valid: { skal: 'Fuzz', organisation: {}, rules: {} } },
  { url: '/regelverk/aterstall', caller: { unit: 'ifo', role: 'samordnare' as const }, valid: { version: 1, skal: 'Tillbaka till ettan' } },
  { url: '/regelverk/flytta', caller: { unit: 'ifo', role: 'samordnare' as const }, valid: { arenden: [caseRef], skal: 'Flytt' } },
  { url: `/cases/${caseRef}/familj`, caller: { unit: 'mottagning' }, valid: { arende: sibling, skal: 'Syskon i samma hushåll' } },
  { url: `/cases/${caseRef}/familj/avlanka`, caller: { unit: 'mottagning' }, valid: { skal: 'Fel ärende länkades' } },
  { url: '/rapporter/mal', caller: { unit: 'ifo', role: 'samordnare' as const }, valid: { mal: [{ indikator: 'planeringsmote.i_tid', mal: 95 }], skal: 'Mål enligt nämndens beslut' } },
];

/** A valid body with one field, somewhere in it, replaced by anything. */
function mutate(valid: unknown, path: number[], replacement: unknown): unknown {
  if (!valid || typeof valid !== 'object' || path.length === 0) return replacement;
  const entries = Object.entries(valid as Record<string, unknown>);
  if (entries.length === 0) return replacement;
  const [key, value] = entries[path[0]! % entries.length]!;
  const copy: Record<string, unknown> = Array.isArray(valid) ? ([...valid] as never) : { ...(valid as object) };
  copy[key] = mutate(value, path.slice(1), replacement);
  return copy;
}

const junk = fc.oneof(
  fc.anything(),
  fc.string({ minLength: 0, maxLength: 3 }),
  fc.constantFrom('', ' ', 'x'.repeat(100_000), 'y'.repeat(1_100_000), '19121212-1212', '\u0000', '<script>', '../../etc/passwd', -1, 1e308, null, [], {}),
);

test('generated bad bodies: no 5xx, every field fault named, nothing changes', async () => {
  // A mutation may still be a valid request: then what it changed is the new baseline.
  let baseline = await state();
  const seen = { requests: 0, refused: 0 };
  await fc.assert(
    fc.asyncProperty(fc.nat({ max: endpoints().length - 1 }), fc.array(fc.nat(), { minLength: 0, maxLength: 4 }), junk, fc.boolean(), async (which, path, replacement, whole) => {
      const endpoint = endpoints()[which]!;
      const body = whole ? replacement : mutate(endpoint.valid, path, replacement);
      const answer = await h.app.inject({
        method: 'POST',
        url: endpoint.url,
        headers: { authorization: `Bearer ${await h.token(endpoint.caller)}`, 'content-type': 'application/json' },
        payload: JSON.stringify(body) ?? 'null',
      });
      seen.requests += 1;
      expect({ url: endpoint.url, body, status: answer.statusCode < 500 }).toMatchObject({ status: true });
      if (answer.statusCode >= 200 && answer.statusCode < 300) {
        baseline = await state();
        return;
      }
      seen.refused += 1;
      const error = answer.json().error;
      // A 400 about the input names its field (`body` when the body as a whole is not JSON).
      const aboutAField = answer.statusCode === 400 && error.code === 'OGILTIG_UPPGIFT';
      expect({ url: endpoint.url, body, named: !aboutAField || error.fields.length > 0 }).toMatchObject({ named: true });
      expect({ url: endpoint.url, body, state: await state() }).toStrictEqual({ url: endpoint.url, body, state: baseline });
    }),
    { numRuns: 2000, ...(process.env.FUZZ_SEED ? { seed: Number(process.env.FUZZ_SEED) } : {}) },
  );
  expect(seen.refused).toBeGreaterThan(1500);
});

test('generated bad report queries: no 5xx, the field named', async () => {
  const value = fc.oneof(fc.string({ maxLength: 12 }), fc.constantFrom('2021-02-30', '1900-01-01', '9999-12-31', '2021-13-01', '-1', '', 'ifo', 'rvt', '%00', 'x'.repeat(5000)));
  await fc.assert(
    fc.asyncProperty(fc.record({ fran: value, till: value, enhet: value }, { requiredKeys: [] }), fc.constantFrom('', '/frister/csv', '/okand/csv'), async (query, path) => {
      const search = new URLSearchParams(query as Record<string, string>).toString();
      const answer = await h.app.inject({ method: 'GET', url: `/rapporter${path}?${search}`, headers: { authorization: `Bearer ${await h.token({ unit: 'ifo', role: 'sektorchef' })}` } });
      expect({ query, path, status: answer.statusCode < 500 }).toMatchObject({ status: true });
      const named = answer.statusCode !== 400 || answer.json().error.fields.length > 0;
      expect({ query, path, named }).toMatchObject({ named: true });
    }),
    { numRuns: 300 },
  );
});
