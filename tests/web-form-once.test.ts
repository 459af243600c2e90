// A form sent twice is done once: the real API and pages, on the Temporal dev server with a real
// worker and database. Each form carries a one-time key (PostForm's `_engang`); a double click
// sends the same key twice, and both posts land where the first one did.
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { startApiHarness, type ApiHarness } from './support/api-harness';
import { demoSession } from './support/demo-session';

let api: ApiHarness;
beforeAll(async () => {
  api = await startApiHarness();
});
afterAll(async () => {
  await api?.close();
});

/** A case at BoU with its utredning done: an insats may be decided. */
async function caseReadyForInsats(): Promise<string> {
  const caseRef = `W-${randomUUID().slice(0, 8)}`;
  const flags = { vald: 'nej', barnIHushallet: true, hedersrelaterat: false, skyddadeUppgifter: false };
  const steps: [string, string, unknown][] = [
    ['mottagning', '/cases', { caseRef, kind: 'barn', flags }],
    ['mottagning', `/cases/${caseRef}/actions`, { type: 'skyddsbedomning', skyddsbehov: 'ej_akut' }],
    ['mottagning', `/cases/${caseRef}/actions`, { type: 'forhandsbedomning', beslut: 'inled_utredning' }],
    ['bou', `/cases/${caseRef}/actions`, { type: 'avsluta_utredning', beslut: 'insatser' }],
  ];
  for (const [unit, url, body] of steps) {
    const { status, body: answer } = await api.callAs('POST', url, { unit }, body);
    // The answer shows when a step is refused.
    expect({ url, ok: status < 300, answer: status < 300 ? undefined : answer }).toStrictEqual({ url, ok: true, answer: undefined });
  }
  return caseRef;
}

test('a double click on "Besluta insats" decides one insats; both posts land on the case', async () => {
  const caseRef = await caseReadyForInsats();
  const cookie = await demoSession(api.app, 'demo-handlaggare-bou');
  const page = await api.app.inject({ method: 'GET', url: `/arenden/${caseRef}`, headers: { cookie, accept: 'text/html' } });
  expect(page.statusCode).toBe(200);
  // The insats form, with its CSRF token and one-time key.
  const form = /<form[^>]*aria-label="Besluta om insats"[^>]*>([\s\S]*?)<\/form>/.exec(page.body)?.[1] ?? /<form[^>]*>((?:(?!<\/form>)[\s\S])*value="besluta_insats"[\s\S]*?)<\/form>/.exec(page.body)?.[1];
  expect(form).toBeDefined();
  const hidden = (name: string) => new RegExp(`name="${name}" value="([^"]+)"`).exec(form!)?.[1];
  const key = hidden('_engang');
  expect(key).toMatch(/^[0-9a-f-]{36}$/);
  const payload = new URLSearchParams({ _csrf: hidden('_csrf')!, _engang: key!, type: 'besluta_insats', 'besluta_insats.insats': 'trappan', 'besluta_insats.utforare': 'resursenhet' }).toString();
  const post = () => api.app.inject({ method: 'POST', url: `/arenden/${caseRef}/atgard`, headers: { cookie, accept: 'text/html', 'content-type': 'application/x-www-form-urlencoded' }, payload });

  // Both at once, as a double click sends them; then once more, as a reload of the answer would.
  const [first, second] = await Promise.all([post(), post()]);
  const third = await post();
  for (const answer of [first, second, third]) expect({ status: answer.statusCode, location: answer.headers.location }).toStrictEqual({ status: 303, location: first.headers.location });
  expect(first.headers.location).toContain(`/arenden/${caseRef}`);
  const view = await api.callAs('GET', `/cases/${caseRef}`, { unit: 'bou' });
  expect(view.body.insatser).toHaveLength(1);

  // The same form with other content: refused, nothing done.
  const other = await api.app.inject({
    method: 'POST',
    url: `/arenden/${caseRef}/atgard`,
    headers: { cookie, accept: 'text/html', 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams({ _csrf: hidden('_csrf')!, _engang: key!, type: 'besluta_insats', 'besluta_insats.insats': 'stodsamtal', 'besluta_insats.utforare': 'resursenhet' }).toString(),
  });
  expect(other.statusCode).toBe(409);
  expect(other.body).toContain('Formuläret har redan skickats med annat innehåll');
  expect((await api.callAs('GET', `/cases/${caseRef}`, { unit: 'bou' })).body.insatser).toHaveLength(1);

  // A new rendering of the page has a new key: a second insats is a second decision.
  const again = await api.app.inject({ method: 'GET', url: `/arenden/${caseRef}`, headers: { cookie, accept: 'text/html' } });
  const newKey = /name="_engang" value="([^"]+)"/.exec(again.body)?.[1];
  expect(newKey).toBeDefined();
  expect(again.body).not.toContain(key!);
});
