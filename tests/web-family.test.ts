// The family in a real browser, on the stack `npm start` runs: RVT links the mother's case with
// her child's from the case page (a reason too short is refused at its field, nothing linked),
// then sees mottagningen's steps in the child's case beside its own as they are taken, and
// mottagningen sees the mother's case from the child's, without its content.
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import type { Page } from 'playwright-core';
import { handoverContent } from './support/handover-content';
import { demo, demoCaller, startWebStack, type WebStack } from './support/web-stack';

let stack: WebStack;
const mother = `VU-WEB-${randomUUID().slice(0, 8)}`;
const child = `BU-WEB-${randomUUID().slice(0, 8)}`;
const rvt = demo.handlaggare('rvt');
const mottagning = demo.handlaggare('mottagning');
const flags = { vald: 'ja', barnIHushallet: true, hedersrelaterat: false, skyddadeUppgifter: false };

/** The API's answer to a set-up call, which must have succeeded. */
async function made(call: Promise<{ status: number }>) {
  const answer = await call;
  if (answer.status >= 300) throw new Error(`set-up call answered ${answer.status}`);
}

beforeAll(async () => {
  stack = await startWebStack();
  // The child lives with its father: the mother's case asks nothing of mottagningen.
  await made(stack.api('POST', '/cases', demoCaller(rvt), { caseRef: mother, kind: 'vuxen', flags: { ...flags, barnIHushallet: false } }));
  await made(stack.api('POST', '/cases', demoCaller(mottagning), { caseRef: child, kind: 'barn', flags }));
  // RVT has the child's handover, and so may see the child's case.
  const handover = { till: 'rvt', innehall: handoverContent() };
  await made(stack.api('POST', `/cases/${child}/overlamningar`, demoCaller(mottagning), handover));
});
afterAll(async () => {
  await stack?.stop();
});

async function submit(page: Page, button: ReturnType<Page['getByRole']>) {
  const [response] = await Promise.all([page.waitForNavigation(), button.click()]);
  return response!;
}

test("RVT links the mother's case with the child's, and the family's steps stand side by side as they are taken", async () => {
  const page = (await stack.signedIn(rvt)).page;
  await page.goto(`/arenden/${mother}`);
  await expect(page.locator('main').textContent()).resolves.toContain('Ärendet är inte länkat till några andra ärenden i familjen.');
  await page.getByRole('link', { name: 'Länka till familjen' }).click();
  await page.waitForURL(`**/arenden/${mother}/familj`);

  const form = page.getByRole('form', { name: 'Länka ett ärende till familjen' });
  await form.getByLabel('Ärendereferens').fill(child);
  await form.getByLabel('Varför hör ärendena ihop?').fill('Barnet');
  const refused = await submit(page, form.getByRole('button', { name: 'Länka' }));
  expect(refused.status()).toBe(400);
  await expect(page.getByRole('alert').textContent()).resolves.toContain('Ange varför ärendena hör till samma familj');
  // The field keeps what was typed, and nothing was linked.
  await expect(form.getByLabel('Ärendereferens').inputValue()).resolves.toBe(child);
  expect((await stack.api('GET', `/cases/${mother}/familj`, demoCaller(rvt))).body.familyId).toBeNull();

  await form.getByLabel('Varför hör ärendena ihop?').fill('Barnet är dotter till mamman som är utsatt för våld');
  await submit(page, form.getByRole('button', { name: 'Länka' }));
  await expect(page.getByRole('status').textContent()).resolves.toContain('Ärendet är länkat till familjen.');
  const card = page.getByRole('region', { name: new RegExp(child) });
  await expect(card.textContent()).resolves.toMatch(/Skyddsbedömning · Mottagningen barn och unga/);
  await stack.check(page, 'familj-lankad');

  // Mottagningen takes its step: RVT sees it in the child's column, and not what it found.
  expect((await stack.api('POST', `/cases/${child}/actions`, demoCaller(mottagning), { type: 'skyddsbedomning', skyddsbehov: 'akut' })).status).toBe(200);
  await page.reload();
  const table = page.getByRole('table', { name: 'Familjens steg sida vid sida, äldst först' });
  const headers = await table.getByRole('columnheader').allTextContents();
  expect(headers).toStrictEqual(['När', `Våldsutsatt vuxen ${mother}`, `Barn ${child}`]);
  const row = table.getByRole('row').filter({ hasText: 'Skyddsbedömning gjord' });
  await expect(row.getByRole('cell').nth(2).textContent()).resolves.toBe('Skyddsbedömning gjord · Mottagningen barn och unga');
  await expect(row.getByRole('cell').nth(1).textContent()).resolves.toBe('');
  await expect(page.locator('main').textContent()).resolves.not.toMatch(/akut/i);
  await stack.check(page, 'familj-sida-vid-sida');

  // Mottagningen sees the mother's case on the child's page: a summary, which it cannot open.
  const theirs = (await stack.signedIn(mottagning)).page;
  await theirs.goto(`/arenden/${child}`);
  const section = await theirs.locator('main').textContent();
  expect(section).toContain(`Våldsutsatt vuxen · ${mother}`);
  expect(await theirs.getByRole('link', { name: mother }).count()).toBe(0);
  await theirs.getByRole('link', { name: 'Familjen sida vid sida' }).click();
  await theirs.waitForURL(`**/arenden/${child}/familj`);
  await expect(theirs.getByRole('region', { name: new RegExp(mother) }).textContent()).resolves.toContain('Din enhet arbetar inte i ärendet');
});

test("the mother's skyddat boende decision names her child on the case page; the child's case then owes BoU its own decision", async () => {
  // The mother's case, at the decision of insatser (through the API, as RVT).
  await made(stack.api('POST', `/cases/${mother}/actions`, demoCaller(rvt), { type: 'riskbedomning', instrument: 'FREDA', riskniva: 'hog' }));
  await made(stack.api('POST', `/cases/${mother}/actions`, demoCaller(rvt), { type: 'avsluta_utredning', beslut: 'insatser' }));
  const page = (await stack.signedIn(rvt)).page;
  await page.goto(`/arenden/${mother}`);
  const form = page.getByRole('form', { name: 'Besluta om insats' });
  await form.getByLabel('Insats', { exact: true }).selectOption({ label: 'Skyddat boende' });
  await form.getByLabel('Vem utför insatsen?').selectOption({ label: 'Kvinnojouren (extern part)' });
  await form.getByRole('group', { name: /Barn i familjen som följer med/ }).getByLabel(`${child} (barn)`).check();
  await submit(page, form.getByRole('button', { name: 'Besluta insatsen' }));
  await expect(page.getByRole('status').textContent()).resolves.toContain('Klart');
  await stack.check(page, 'familj-medfoljande-beslut');

  const bou = (await stack.signedIn(demo.handlaggare('bou'))).page;
  let owed = '';
  for (let i = 0; i < 20 && !owed.includes('Eget beslut för medföljande barn'); i++) {
    await bou.goto(`/arenden/${child}`);
    owed = (await bou.locator('main').textContent()) ?? '';
  }
  expect(owed).toContain('Eget beslut för medföljande barn');
  // BoU records the child's own decision there, although the child's case is still at its first steps.
  const own = bou.getByRole('form', { name: 'Besluta om insats' });
  await own.getByLabel('Insats', { exact: true }).selectOption({ label: 'Skyddat boende' });
  await own.getByLabel('Vem utför insatsen?').selectOption({ label: 'Kvinnojouren (extern part)' });
  await submit(bou, own.getByRole('button', { name: 'Besluta insatsen' }));
  const view = (await stack.api('GET', `/cases/${child}`, demoCaller(demo.handlaggare('bou')))).body;
  expect(view.deadlines.find((d: { key: string }) => d.key === 'medfoljande')).toMatchObject({ status: 'done' });
});

