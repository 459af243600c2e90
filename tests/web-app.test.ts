// The web app's frame, in a real browser on the stack `npm start` runs: signing in as a demo
// user of each role lands on that role's page and shows who one is and at which unit; signing
// out ends the session; pages need a session; a form post without its CSRF token changes
// nothing; the case list and the "open a case" form use the API's rules and say what is wrong
// at the field; an external partner confirms receipt on a phone from the link in its e-mail.
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { handoverContent } from './support/handover-content';
import { demo, demoCaller, startWebStack, type WebStack } from './support/web-stack';

let stack: WebStack;
beforeAll(async () => {
  stack = await startWebStack();
});
afterAll(async () => {
  await stack?.stop();
});

test('each role signs in on the demo page, sees who it is, lands on its page, and signs out', async () => {
  const context = await stack.browser.newContext({ locale: 'sv-SE', baseURL: stack.origin });
  const page = await context.newPage();
  // without a session every page leads to the sign-in page, and back after it
  await page.goto('/arenden');
  expect(new URL(page.url()).pathname).toBe('/logga-in');
  await stack.check(page, 'logga-in');
  await page.getByLabel('Handläggare, Relationsvåldsteamet').check();
  await page.getByRole('button', { name: 'Logga in' }).click();
  await page.waitForURL('**/arenden');
  await expect(page.getByRole('banner').textContent()).resolves.toContain('Inloggad som Handläggare, Relationsvåldsteamet');

  const cookies = await context.cookies();
  const session = cookies.find((c) => c.name === 'samverkan_session')!;
  // the session cookie cannot be read by scripts and is not sent by other sites' forms
  expect({ httpOnly: session.httpOnly, sameSite: session.sameSite }).toEqual({ httpOnly: true, sameSite: 'Lax' });

  await page.getByRole('button', { name: 'Logga ut' }).click();
  await page.waitForURL('**/logga-in');
  await page.goto('/inkorg');
  // signed out: the inbox asks for sign-in again
  expect(new URL(page.url()).pathname).toBe('/logga-in');

  for (const [sub, start, who] of [
    [demo.handlaggare('mottagning'), '/inkorg', 'Handläggare, Mottagningen barn och unga'],
    [demo.enhetschef('bou'), '/inkorg', 'Enhetschef, Barn- och ungdomsenheten'],
    [demo.sektorchef, '/oversikt', 'Sektorchef, Individ- och familjeomsorgen'],
    [demo.samordnare, '/regler', 'Samordnare, Individ- och familjeomsorgen'],
  ] as const) {
    const signed = await stack.signedIn(sub);
    // each role starts where its work is
    expect(new URL(signed.page.url()).pathname).toBe(start);
    await expect(signed.page.getByRole('banner').textContent()).resolves.toContain(`Inloggad som ${who}`);
    await signed.context.close();
  }
  await context.close();
});

test('a form post without its CSRF token is refused with a Swedish page and changes nothing', async () => {
  const { page } = await stack.signedIn(demo.handlaggare('mottagning'));
  const caseRef = `CS-${randomUUID().slice(0, 8)}`;
  // A form on another site, posting into the signed-in browser: no token.
  const answer = await page.request.post('/arenden', {
    form: { caseRef, kind: 'barn', 'flags.vald': 'nej', 'flags.barnIHushallet': 'nej', 'flags.hedersrelaterat': 'nej', 'flags.skyddadeUppgifter': 'nej' },
    headers: { accept: 'text/html' },
  });
  expect(answer.status()).toBe(403);
  expect(await answer.text()).toContain('Formuläret har gått ut');
  // no case was opened
  expect((await stack.api('GET', `/cases/${caseRef}`, demoCaller(demo.handlaggare('mottagning')))).status).toBe(404);
});

test('a handläggare opens a case in the form: mistakes are shown at the field and open nothing; then the case is listed', async () => {
  const { page } = await stack.signedIn(demo.handlaggare('mottagning'));
  await page.goto('/arenden/nytt');
  await stack.check(page, 'arende-nytt');
  const caseRef = `BU-${randomUUID().slice(0, 8)}`;
  await page.getByLabel('Ärendereferens').fill(caseRef);
  await page.getByLabel('Barn', { exact: true }).check();
  // the violence question left unanswered, a date in the future
  await page.getByRole('group', { name: 'Finns barn i hushållet?' }).getByLabel('Ja').check();
  await page.getByRole('group', { name: 'Finns tecken på hedersrelaterat våld?' }).getByLabel('Nej').check();
  await page.getByRole('group', { name: 'Har någon skyddade personuppgifter?' }).getByLabel('Nej').check();
  await page.getByRole('button', { name: 'Öppna ärendet' }).click();
  await page.waitForLoadState();
  const summary = page.getByRole('alert');
  await expect(summary.textContent()).resolves.toContain('Ange om våld är känt eller misstänkt i familjen');
  // the message stands at the question too, and what was typed is kept
  await expect(page.getByRole('group', { name: 'Är våld känt eller misstänkt i familjen?' }).textContent()).resolves.toContain('Fel: Ange om våld är känt');
  await expect(page.getByLabel('Ärendereferens').inputValue()).resolves.toBe(caseRef);
  await stack.check(page, 'arende-nytt-fel');
  // nothing was opened
  expect((await stack.api('GET', `/cases/${caseRef}`, demoCaller(demo.handlaggare('mottagning')))).status).toBe(404);

  await page.getByLabel('Ja, våld är känt').check();
  // Left as it is, gender and age band say "unknown"; here they are given, for the reports.
  await expect(page.getByLabel('Åldersgrupp').inputValue()).resolves.toBe('okant');
  await page.getByLabel('Kön (som verksamhetssystemet har det)').selectOption({ label: 'Kvinna' });
  await page.getByLabel('Åldersgrupp').selectOption({ label: '6–12 år' });
  await page.getByRole('button', { name: 'Öppna ärendet' }).click();
  await page.waitForURL(`**/arenden/${caseRef}?klart=oppnat`);
  const opened = await stack.api('GET', `/cases/${caseRef}`, demoCaller(demo.handlaggare('mottagning')));
  expect(opened.body).toMatchObject({ kind: 'barn', flags: { vald: 'ja', barnIHushallet: true }, person: { kon: 'kvinna', aldersgrupp: '6-12' } });

  // the case list shows it (visibility catches up within moments)
  for (let i = 0; i < 40; i++) {
    await page.goto('/arenden');
    if ((await page.getByRole('link', { name: caseRef }).count()) > 0) break;
    await page.waitForTimeout(250);
  }
  await expect(page.getByRole('link', { name: caseRef }).count()).resolves.toBe(1);
  await stack.check(page, 'arenden');
  // a unit not in the case does not see it in its list
  const other = await stack.signedIn(demo.handlaggare('familjevard'));
  await other.page.goto('/arenden');
  await expect(other.page.getByRole('link', { name: caseRef }).count()).resolves.toBe(0);
});

test('an external partner confirms receipt on the page its e-mail links to, on a phone, and the sender sees it', async () => {
  const mottagning = demoCaller(demo.handlaggare('mottagning'));
  const caseRef = `KV-${randomUUID().slice(0, 8)}`;
  expect((await stack.api('POST', '/cases', mottagning, { caseRef, kind: 'barn', flags: { vald: 'ja', barnIHushallet: true, hedersrelaterat: false, skyddadeUppgifter: false } })).status).toBe(201);
  const today = new Date().toISOString().slice(0, 10);
  expect((await stack.api('POST', `/cases/${caseRef}/actions`, mottagning, { type: 'samtycke', mottagare: ['kvinnojour'], omfattning: 'Skyddat boende för mamman och barnen', lamnat: today })).status).toBe(200);
  const sent = await stack.api('POST', `/cases/${caseRef}/overlamningar`, mottagning, {
    till: 'kvinnojour',
    innehall: handoverContent(),
    rattsligGrund: { typ: 'samtycke', samtyckeId: 's1' },
  });
  expect(sent.status).toBe(201);

  // The link in the partner's e-mail (this stack sends no other mail to the partner).
  let link: string | undefined;
  for (let i = 0; i < 60 && !link; i++) {
    const mail = (await stack.mail()).find((m) => m.to.includes('kontakt@kvinnojouren.exempel.se'));
    link = mail && /(http:\/\/127\.0\.0\.1:\d+\/kvittens\/[A-Za-z0-9_-]+)/.exec(mail.text)?.[1];
    if (!link) await new Promise((resolve) => setTimeout(resolve, 250));
  }
  expect(link).toMatch(new RegExp(`^${stack.origin}/kvittens/`));

  const phone = await stack.browser.newContext({ locale: 'sv-SE', viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true });
  const page = await phone.newPage();
  await page.goto(link!);
  const content = await page.content();
  // the page says nothing of the case, nor what kind of case it is
  for (const secret of [caseRef, 'våld', 'Skyddat boende', 'barnen']) expect(content).not.toContain(secret);
  await stack.check(page, 'kvittens');
  await page.getByRole('button', { name: 'Bekräfta mottagandet' }).tap();
  await page.getByText('Mottagandet är bekräftat').waitFor();
  await phone.close();

  // the sender's handover page says kvitterad
  const sender = await stack.signedIn(demo.handlaggare('mottagning'));
  await sender.page.goto(`/arenden/${caseRef}/overlamningar/${sent.body.id}`);
  await expect(sender.page.getByRole('main').textContent()).resolves.toContain('Kvitterad');
});
