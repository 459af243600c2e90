/* eslint-disable @typescript-eslint/no-explicit-any -- JSON answers are read as the client sees them */
// The samordnare's rule pages in a real browser: a deadline shortened in the form, the dry run
// naming the open case it would move, the new version adopted with a reason and shown in the
// history with its changes in words, the case moved, and the old version restored. A value typed
// wrongly is answered at its field as one types (htmx) and on submit (also without JavaScript),
// and nothing is saved; a version adopted by someone else in between is refused on adopting.
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import type { Browser, Page } from 'playwright-core';
import { defaultRules } from '../domain/default-rules';
import { defaultOrganisation } from '../domain/organisation';
import { readForm, valuesOf } from '../web/pages/rules-fields';
import { describer, differenceSentence, segmentsOf } from '../web/pages/rules-words';
import { demo, demoCaller, startWebStack, type WebStack } from './support/web-stack';

let stack: WebStack;
beforeAll(async () => {
  // A namespace of its own: the rule versions are kept per namespace, so every run starts at version 1.
  stack = await startWebStack({ TEMPORAL_NAMESPACE: `webb-regler-${randomUUID().slice(0, 8)}` });
});
afterAll(async () => {
  await stack?.stop();
});

const samordnare = demoCaller(demo.samordnare);
const mottagning = demoCaller(demo.handlaggare('mottagning'));
const currentVersion = async () => (await stack.api('GET', '/regelverk', samordnare)).body;

/** A child case with its förhandsbedömning running, listed by visibility (the dry run lists open cases from there). */
async function openCaseAtForhandsbedomning(): Promise<string> {
  const caseRef = `BU-${randomUUID().slice(0, 8)}`;
  const flags = { vald: 'nej', barnIHushallet: false, hedersrelaterat: false, skyddadeUppgifter: false };
  expect((await stack.api('POST', '/cases', mottagning, { caseRef, kind: 'barn', flags })).status).toBe(201);
  expect((await stack.api('POST', `/cases/${caseRef}/actions`, mottagning, { type: 'skyddsbedomning', skyddsbehov: 'ej_akut' })).status).toBe(200);
  for (let tries = 0; ; tries++) {
    const listed = await stack.api('GET', '/cases', samordnare);
    if (listed.body.cases.some((c: any) => c.caseRef === caseRef && c.phase === 'forhandsbedomning')) return caseRef;
    if (tries > 60) throw new Error(`${caseRef} listades aldrig`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

const deadline = (page: Page, title: string) => page.getByRole('group', { name: title, exact: true });

/** Signs in with a browser of its own, with or without JavaScript. */
async function signedInWithout(browser: Browser, sub: string) {
  const context = await browser.newContext({ locale: 'sv-SE', baseURL: stack.origin, javaScriptEnabled: false });
  const page = await context.newPage();
  await page.goto('/logga-in');
  await page.locator(`input[name="anvandare"][value="${sub}"]`).check();
  await page.getByRole('button', { name: 'Logga in' }).click();
  await page.waitForURL((url) => url.pathname !== '/logga-in');
  return { context, page };
}

test('the form reads back every value it shows, and the service’s paths are named in Swedish', () => {
  const { version: _v, ...rules } = defaultRules;
  const set = { organisation: defaultOrganisation, rules };
  // what the form shows, posted unchanged, is the same set: nothing is lost or added on the way
  expect(readForm(set, valuesOf(set))).toStrictEqual(set);
  // a browser posts ticked boxes in the page's order; the rule's own order is kept
  const meeting = set.rules.triggers.findIndex((t) => t.id === 'vuxen-barn-mote');
  const posted = { ...valuesOf(set), [`rules.triggers.${meeting}.units`]: ['mottagning', 'rvt'] };
  expect(readForm(set, posted)).toStrictEqual(set);
  // deadline keys hold a dot; the path is read with the key whole
  expect(segmentsOf('rules.deadlines.barn.skyddsbedomning.duration')).toStrictEqual(['rules', 'deadlines', 'barn.skyddsbedomning', 'duration']);
  const words = describer([set], (id) => defaultOrganisation.units.find((u) => u.id === id)?.name ?? id);
  expect(differenceSentence({ path: 'rules.deadlines.barn.skyddsbedomning.duration', change: 'andrad', from: 'P0D', to: 'P1D' }, words)).toBe('Skyddsbedömning: tid ändrad från genast (P0D) till 1 dag (P1D)');
  expect(differenceSentence({ path: 'rules.handovers.acknowledge.counting', change: 'andrad', from: 'arbetsdagar', to: 'kalenderdagar' }, words)).toBe(
    'Kvittens av överlämning: räknesätt ändrat från arbetsdagar till kalenderdagar',
  );
  expect(differenceSentence({ path: 'rules.deadlines.barn.utredning.owner', change: 'andrad', from: 'bou', to: 'rvt' }, words)).toBe(
    'Barnavårdsutredning: ansvarig enhet ändrad från Barn- och ungdomsenheten till Relationsvåldsteamet',
  );
  expect(differenceSentence({ path: 'organisation.units.4.retired', change: 'tillagd', to: true }, words)).toBe('Enheten Familjevårdsenheten avvecklas');
});

test('the samordnare shortens the förhandsbedömning, sees the dry run, adopts it, moves the case, and rolls back', async () => {
  const caseRef = await openCaseAtForhandsbedomning();
  const before = await currentVersion();
  const { page } = await stack.signedIn(demo.samordnare);
  // the samordnare starts on the rules
  expect(new URL(page.url()).pathname).toBe('/regler');
  await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('Regelverk');
  await stack.check(page, 'regelverk');

  const duration = deadline(page, 'Förhandsbedömning').getByLabel('Tid', { exact: true });
  expect(await duration.inputValue()).toBe('P14D');
  await duration.fill('P10D');
  await page.getByRole('button', { name: 'Förhandsgranska' }).click();
  await page.waitForURL('**/regler/forhandsgranska');
  await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('Förhandsgranska ändringen');
  // the change in words, and the open case it would move (its deadline 4 days earlier)
  const changes = await page.locator('.andringar li').allTextContents();
  expect(changes).toStrictEqual(['Förhandsbedömning: tid ändrad från 14 dagar (P14D) till 10 dagar (P10D)']);
  const row = page.getByRole('row').filter({ hasText: caseRef });
  await expect(row.textContent()).resolves.toMatch(/Förhandsbedömning: frist flyttas från .+ till /);
  await stack.check(page, 'regelverk-provkorning');
  // the dry run saved nothing
  expect((await currentVersion()).version).toBe(before.version);

  await page.getByLabel('Skäl till ändringen').fill('Kortare förhandsbedömning enligt ny lokal rutin');
  await page.getByRole('button', { name: 'Anta som ny version' }).click();
  await page.waitForURL('**/regler/historik?klart=antagen');
  const adopted = before.version + 1;
  await expect(page.getByRole('status').textContent()).resolves.toContain(`Version ${adopted} är antagen`);
  const entry = page.locator(`#version-${adopted}`);
  await expect(entry.textContent()).resolves.toContain('Kortare förhandsbedömning enligt ny lokal rutin');
  await expect(entry.locator('.andringar li').allTextContents()).resolves.toStrictEqual(['Förhandsbedömning: tid ändrad från 14 dagar (P14D) till 10 dagar (P10D)']);
  await expect(entry.textContent()).resolves.toContain(demo.samordnare);
  await stack.check(page, 'regelverk-historik');
  const now = await currentVersion();
  expect([now.version, now.reason, now.rules.deadlines['barn.forhandsbedomning'].duration]).toStrictEqual([adopted, 'Kortare förhandsbedömning enligt ny lokal rutin', 'P10D']);
  // nothing else changed
  expect((await stack.api('GET', `/regelverk/jamfor?fran=${before.version}&till=${adopted}`, samordnare)).body.differences).toStrictEqual([
    { path: 'rules.deadlines.barn.forhandsbedomning.duration', change: 'andrad', from: 'P14D', to: 'P10D' },
  ]);

  // The open case keeps its version until it is moved; the samordnare moves it.
  const dueBefore = (await stack.api('GET', `/cases/${caseRef}`, mottagning)).body.openTasks.find((t: any) => t.key === 'barn.forhandsbedomning').dueAt;
  await page.getByRole('link', { name: `Flytta öppna ärenden till version ${adopted}` }).click();
  await page.waitForURL('**/regler/flytta');
  await stack.check(page, 'regelverk-flytta');
  await page.getByRole('checkbox', { name: caseRef }).check();
  await page.getByLabel('Skäl till flytten').fill('Ärendet följer den nya rutinen');
  await page.getByRole('button', { name: 'Flytta valda ärenden' }).click();
  await page.getByRole('heading', { name: 'Resultat av flytten' }).waitFor();
  await expect(page.getByRole('status').textContent()).resolves.toContain(`${caseRef}: flyttat till version ${adopted}`);
  const moved = (await stack.api('GET', `/cases/${caseRef}`, mottagning)).body;
  expect(moved.rulesVersion).toBe(adopted);
  expect(Date.parse(dueBefore) - Date.parse(moved.openTasks.find((t: any) => t.key === 'barn.forhandsbedomning').dueAt)).toBe(4 * 24 * 3_600_000);

  // Roll back to the version before: a new version with the old content.
  await page.goto('/regler/historik');
  await page.getByLabel('Version att återställa').selectOption(String(before.version));
  await page.getByLabel('Skäl till återställningen').fill('Den nya rutinen pausas');
  await page.getByRole('button', { name: 'Återställ versionen' }).click();
  await page.waitForURL('**/regler/historik?klart=aterstalld');
  const restored = adopted + 1;
  const restoredEntry = page.locator(`#version-${restored}`);
  await expect(restoredEntry.textContent()).resolves.toContain(`Återställd frånVersion ${before.version}`);
  await expect(restoredEntry.locator('.andringar li').allTextContents()).resolves.toStrictEqual(['Förhandsbedömning: tid ändrad från 10 dagar (P10D) till 14 dagar (P14D)']);
  await stack.check(page, 'regelverk-historik-aterstalld');
  const after = await currentVersion();
  expect([after.version, after.restoredFrom, after.rules.deadlines['barn.forhandsbedomning'].duration]).toStrictEqual([restored, before.version, 'P14D']);
  expect((await stack.api('GET', `/regelverk/jamfor?fran=${before.version}&till=${restored}`, samordnare)).body.differences).toStrictEqual([]);
});

test('a duration typed wrongly is answered at its field as one types and on submit, and nothing is saved', async () => {
  const before = await currentVersion();
  const { page } = await stack.signedIn(demo.samordnare);
  await page.goto('/regler');
  const group = deadline(page, 'Förhandsbedömning');
  const duration = group.getByLabel('Tid', { exact: true });
  await duration.fill('14 dagar');
  // leaving the field sends the form to the check; the message comes to the field, the page stays
  await duration.press('Tab');
  await group.getByText('Ogiltig ISO-8601-varaktighet (till exempel P14D, P4M, PT2H)').waitFor();
  expect(new URL(page.url()).pathname).toBe('/regler');
  // the field is described by its message, for a screen reader
  const described = (await duration.getAttribute('aria-describedby'))!.split(' ');
  await expect(page.locator(`[id="${described.at(-1)}"]`).textContent()).resolves.toContain('Ogiltig ISO-8601-varaktighet');
  await expect(page.locator('#kontroll-status').textContent()).resolves.toContain('1 fel att rätta');
  // fixed, the message goes away
  await duration.fill('P12D');
  await duration.press('Tab');
  await page.locator('#kontroll-status').getByText('Inga fel hittades.').waitFor();
  expect(await group.getByText('Ogiltig ISO-8601-varaktighet').count()).toBe(0);

  // Submitted: the page comes back with the message at the field and in the summary above it.
  await duration.fill('14 dagar');
  const [answer] = await Promise.all([page.waitForResponse((r) => r.url().endsWith('/regler/forhandsgranska')), page.getByRole('button', { name: 'Förhandsgranska' }).click()]);
  expect(answer.status()).toBe(400);
  await expect(page.getByRole('alert').textContent()).resolves.toContain('Ogiltig ISO-8601-varaktighet');
  await expect(deadline(page, 'Förhandsbedömning').textContent()).resolves.toContain('Ogiltig ISO-8601-varaktighet (till exempel P14D, P4M, PT2H)');
  // what was typed is kept, and marked
  expect(await duration.inputValue()).toBe('14 dagar');
  expect(await duration.getAttribute('aria-invalid')).toBe('true');
  // the summary's link leads to the field
  await page.getByRole('alert').getByRole('link', { name: /Ogiltig ISO-8601/ }).click();
  expect(await duration.evaluate((el) => location.hash === `#${el.id}`)).toBe(true);
  await stack.check(page, 'regelverk-fel');

  // Without JavaScript the same: the form is posted whole. (axe needs JavaScript, so this browser is
  // not checked; its pages are the ones checked above.)
  const plain = await signedInWithout(stack.browser, demo.samordnare);
  await plain.page.goto('/regler');
  const plainDuration = deadline(plain.page, 'Förhandsbedömning').getByLabel('Tid', { exact: true });
  await plainDuration.fill('14 dagar');
  const [plainAnswer] = await Promise.all([plain.page.waitForResponse((r) => r.url().endsWith('/regler/forhandsgranska')), plain.page.getByRole('button', { name: 'Förhandsgranska' }).click()]);
  expect(plainAnswer.status()).toBe(400);
  await expect(deadline(plain.page, 'Förhandsbedömning').textContent()).resolves.toContain('Ogiltig ISO-8601-varaktighet (till exempel P14D, P4M, PT2H)');
  expect(await plainDuration.inputValue()).toBe('14 dagar');
  // "Kontrollera" answers as a page too
  await plainDuration.fill('P14D');
  await plain.page.getByRole('button', { name: 'Kontrollera' }).click();
  await plain.page.getByRole('heading', { name: 'Inga fel hittades' }).waitFor();
  await plain.context.close();

  // nothing was saved
  expect((await currentVersion()).version).toBe(before.version);
});

test('a version adopted by someone else in between is refused on adopting, and nothing is saved', async () => {
  const before = await currentVersion();
  const { page } = await stack.signedIn(demo.samordnare);
  await page.goto('/regler');
  const acknowledge = page.getByRole('group', { name: 'Kvittens av överlämning' }).getByLabel('Tid', { exact: true });
  expect(await acknowledge.inputValue()).toBe('P2D');
  await acknowledge.fill('P1D');
  await page.getByRole('button', { name: 'Förhandsgranska' }).click();
  await page.waitForURL('**/regler/forhandsgranska');
  await expect(page.locator('.andringar li').allTextContents()).resolves.toStrictEqual(['Kvittens av överlämning: tid ändrad från 2 dagar (P2D) till 1 dag (P1D)']);

  // Meanwhile another samordnare adopts a version through the API.
  const { version: _n, createdAt: _a, createdBy: _b, reason: _r, restoredFrom: _f, ...set } = before;
  const other = structuredClone(set);
  other.rules.disputes.decision.duration = 'P4D';
  expect((await stack.api('POST', '/regelverk', samordnare, { ...other, skal: 'Snabbare beslut i tvister', baseradPa: before.version })).status).toBe(201);

  await page.getByLabel('Skäl till ändringen').fill('Snabbare kvittens');
  const [answer] = await Promise.all([page.waitForResponse((r) => r.url().endsWith('/regler/anta')), page.getByRole('button', { name: 'Anta som ny version' }).click()]);
  expect(answer.status()).toBe(409);
  await expect(page.getByRole('alert').textContent()).resolves.toContain(`Regelverket har ändrats sedan du läste det (nu version ${before.version + 1})`);
  await stack.check(page, 'regelverk-konflikt');
  const now = await currentVersion();
  expect([now.version, now.rules.handovers.acknowledge.duration]).toStrictEqual([before.version + 1, 'P2D']);
});
