/* eslint-disable @typescript-eslint/no-explicit-any -- JSON answers are read as the client sees them */
// The external partner's receipt page in a real browser (Debian's chromium, driven by
// playwright-core; `npm test` installs it with scripts/install-browser.sh), on the real app,
// dev server, worker and SMTP server: the partner opens the link from its e-mail, presses the
// page's button, and the handover is kvitterad. The form is posted as a browser posts it
// (urlencoded, JavaScript off); the rest of the API still takes JSON only.
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { chromium, type Browser, type BrowserContext } from 'playwright-core';
import { startApiHarness, type ApiHarness } from './support/api-harness';
import { handoverContent } from './support/handover-content';
import { isFrom } from './support/mail';
import { checkPage } from './support/page-check';
import { chromiumPath } from './support/web-stack';

let h: ApiHarness;
let origin: string;
let browser: Browser;
let context: BrowserContext;
beforeAll(async () => {
  h = await startApiHarness();
  await h.app.listen({ port: 0, host: '127.0.0.1' });
  origin = `http://127.0.0.1:${(h.app.server.address() as AddressInfo).port}`;
  browser = await chromium.launch({ executablePath: chromiumPath() });
  // Without JavaScript: the page is a plain form and must work as one.
  context = await browser.newContext({ javaScriptEnabled: false, locale: 'sv-SE' });
});
afterAll(async () => {
  await context?.close();
  await browser?.close();
  await h?.close();
});

const mottagning = { unit: 'mottagning' };
const today = () => new Date().toISOString().slice(0, 10);

/** A handover from mottagningen to Kvinnojouren under a recorded consent; the partner's link. */
async function handoverToPartner(): Promise<{ caseRef: string; id: string; path: string }> {
  const caseRef = `KV-${randomUUID().slice(0, 8)}`;
  const opened = await h.callAs('POST', '/cases', mottagning, { caseRef, kind: 'barn', flags: { vald: 'ja', barnIHushallet: true, hedersrelaterat: false, skyddadeUppgifter: false } });
  expect(opened.status).toBe(201);
  const consent = await h.callAs('POST', `/cases/${caseRef}/actions`, mottagning, { type: 'samtycke', mottagare: ['kvinnojour'], omfattning: 'Skyddat boende för mamman och barnen', lamnat: today() });
  expect(consent.status).toBe(200);
  const sent = await h.callAs('POST', `/cases/${caseRef}/overlamningar`, mottagning, { till: 'kvinnojour', innehall: handoverContent(), rattsligGrund: { typ: 'samtycke', samtyckeId: 's1' } });
  expect(sent.status).toBe(201);
  const mail = await h.mail.waitFor(isFrom(sent.body.workflowId, 'd1.r0.ny_uppgift0'), 15_000);
  expect(mail.to).toStrictEqual(['kontakt@kvinnojouren.exempel.se']);
  const path = /http:\/\/samverkan\.test(\/kvittens\/[A-Za-z0-9_-]+)/.exec(mail.text)?.[1];
  // the partner's e-mail holds its receipt link
  expect(path).toBeTruthy();
  return { caseRef, id: sent.body.id, path: path! };
}

const statusOf = async (caseRef: string, id: string) => (await h.callAs('GET', `/cases/${caseRef}/overlamningar/${id}`, mottagning)).body.status;

test('the partner confirms receipt in a browser with the page\'s button, once', async () => {
  const { caseRef, id, path } = await handoverToPartner();
  const page = await context.newPage();
  const opened = await page.goto(`${origin}${path}`);
  expect(opened?.status()).toBe(200);
  // Swedish, and nothing of the case
  expect(await page.locator('html').getAttribute('lang')).toBe('sv');
  await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('Bekräfta mottagen överlämning');
  const content = await page.content();
  expect(content).not.toContain(caseRef);
  for (const secret of ['mamman', 'barnen', 'Skyddat boende', 'FREDA', 'våld']) expect(content).not.toContain(secret);
  // a real button in a form that posts
  const button = page.getByRole('button', { name: 'Bekräfta mottagandet' });
  await expect(button.count()).resolves.toBe(1);
  await expect(page.locator('form[method="post"] button[type="submit"]').count()).resolves.toBe(1);
  // opening the page changes nothing
  expect(await statusOf(caseRef, id)).toBe('skickad');

  const [answer] = await Promise.all([page.waitForResponse((r) => r.request().method() === 'POST'), button.click()]);
  // the browser's urlencoded form post is taken
  expect(answer.request().headers()['content-type']).toMatch(/^application\/x-www-form-urlencoded/);
  expect(answer.status()).toBe(200);
  await page.waitForLoadState();
  await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('Tack');
  await expect(page.getByText('Mottagandet är bekräftat').count()).resolves.toBe(1);
  expect(await statusOf(caseRef, id)).toBe('kvitterad');

  // Visiting again: the link says at once that it cannot be used.
  const again = await page.goto(`${origin}${path}`);
  expect(again?.status()).toBe(410);
  await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('Länken kan inte användas');
  await expect(page.getByText(/redan använts/).count()).resolves.toBe(1);
  await expect(page.getByRole('button').count()).resolves.toBe(0);
  await page.close();
});

test('on a phone, the page reads without sideways scrolling and passes axe, before and after the button', async () => {
  const { path } = await handoverToPartner();
  const phone = await browser.newContext({ locale: 'sv-SE', viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true });
  const page = await phone.newPage();
  await page.goto(`${origin}${path}`);
  // the page fits the phone's width
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
  const button = page.getByRole('button', { name: 'Bekräfta mottagandet' });
  // a button large enough to press with a thumb
  expect((await button.boundingBox())!.height).toBeGreaterThanOrEqual(40);
  await checkPage(page, 'kvittens-mobil');
  await button.tap();
  await page.getByText('Mottagandet är bekräftat').waitFor();
  await checkPage(page, 'kvittens-tack-mobil');
  await phone.close();
});

test('a second click from a page opened before the first says the link cannot be used', async () => {
  const { caseRef, id, path } = await handoverToPartner();
  const first = await context.newPage();
  const second = await context.newPage();
  await first.goto(`${origin}${path}`);
  await second.goto(`${origin}${path}`);

  await Promise.all([first.waitForResponse((r) => r.request().method() === 'POST'), first.getByRole('button', { name: 'Bekräfta mottagandet' }).click()]);
  await expect(first.getByText('Mottagandet är bekräftat').count()).resolves.toBe(1);

  const [late] = await Promise.all([second.waitForResponse((r) => r.request().method() === 'POST'), second.getByRole('button', { name: 'Bekräfta mottagandet' }).click()]);
  expect(late.status()).toBe(410);
  await second.waitForLoadState();
  await expect(second.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('Länken kan inte användas');
  await expect(second.getByText(/redan använts/).count()).resolves.toBe(1);
  expect(await statusOf(caseRef, id)).toBe('kvitterad');
  await first.close();
  await second.close();
});

test('only the receipt page takes a form post: the rest of the API still answers 415 to anything but JSON', async () => {
  const token = await h.token({ unit: 'mottagning' });
  const form = await fetch(`${origin}/cases`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/x-www-form-urlencoded' },
    body: `caseRef=KV-${randomUUID().slice(0, 8)}&kind=barn`,
  });
  expect(form.status).toBe(415);
  expect(((await form.json()) as any).error.code).toBe('FEL_FORMAT');
  // and the receipt page takes a form, not anything else
  const xml = await fetch(`${origin}/kvittens/${'a'.repeat(43)}`, { method: 'POST', headers: { 'content-type': 'application/xml' }, body: '<x/>' });
  expect(xml.status).toBe(415);
  const unknown = await fetch(`${origin}/kvittens/${'a'.repeat(43)}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: '' });
  expect(unknown.status).toBe(410);
  expect(await unknown.text()).toMatch(/okänd/);
});
