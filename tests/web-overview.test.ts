/* eslint-disable @typescript-eslint/no-explicit-any -- JSON answers are read as the client sees them */
// The managers' overview in a real browser on the stack `npm start` runs: an ignored handover
// shows in the receiving unit's enhetschef's overview as stuck with its escalation in words; a
// rejected handover becomes a dispute the sektorchef decides in the overview (a too-short
// decision is refused at the field and changes nothing); and the chart's table counts the
// missed deadline for the unit this week.
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import type { Page } from 'playwright-core';
import { handoverContent } from './support/handover-content';
import { demo, demoCaller, startWebStack, type WebStack } from './support/web-stack';

let stack: WebStack;
const run = randomUUID().slice(0, 6);
const quietFlags = { vald: 'nej', barnIHushallet: false, hedersrelaterat: false, skyddadeUppgifter: false };
const mottagning = demoCaller(demo.handlaggare('mottagning'));
const sektorchef = demoCaller(demo.sektorchef);

async function until<T>(what: string, read: () => Promise<T | undefined>, seconds = 60): Promise<T> {
  const deadline = Date.now() + seconds * 1000;
  for (;;) {
    const value = await read();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`Väntade förgäves på: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

/** A case opened by mottagningen, with a handover to `till`. */
async function caseWithHandover(name: string, till: string): Promise<string> {
  const caseRef = `OV-${run}-${name}`;
  expect((await stack.api('POST', '/cases', mottagning, { caseRef, kind: 'barn', flags: quietFlags })).status).toBe(201);
  expect((await stack.api('POST', `/cases/${caseRef}/overlamningar`, mottagning, { till, innehall: handoverContent({ vald: 'nej' }) })).status).toBe(201);
  return caseRef;
}

const stuckItem = (caller: ReturnType<typeof demoCaller>, query: string, caseRef: string, match: (item: any) => boolean = () => true) =>
  until(`${caseRef} i listan över fastnade (${query})`, async () => {
    const list = await stack.api('GET', `/fastnat?${query}&limit=1000`, caller);
    return list.body.items?.find((item: any) => item.caseRef === caseRef && match(item));
  });

beforeAll(async () => {
  // The default stuck threshold (3 days): a handover is stuck by its deadline, a new dispute is not
  // stuck yet and is still the sektorchef's to decide. A namespace (and so a rule scope) of its own,
  // as the rules change below.
  stack = await startWebStack({ TEMPORAL_NAMESPACE: `oversikt-${run}` });
  // The samordnare's rules: a handover is to be kvitterad within 10 seconds, then the unit and its enhetschef are told.
  const samordnare = demoCaller(demo.samordnare);
  const current = await stack.api('GET', '/regelverk', samordnare);
  const { version: _version, ...rules } = current.body.rules;
  rules.handovers.acknowledge = {
    duration: 'PT10S',
    counting: 'kalenderdagar',
    escalation: [
      { to: 'enhet', after: 'PT0S' },
      { to: 'enhetschef', after: 'PT0S' },
    ],
  };
  const applied = await stack.api('POST', '/regelverk', samordnare, { organisation: current.body.organisation, rules, skal: 'Korta frister för testet av översikten' });
  if (applied.status !== 201) throw new Error(`Regelverket godtogs inte: ${JSON.stringify(applied.body)}`);
});
afterAll(async () => {
  await stack?.stop();
});

let ignoredRef: string;

test('an ignored handover shows in the enhetschef’s overview as stuck, overdue, with its escalation in words', async () => {
  ignoredRef = await caseWithHandover('ignorerad', 'rvt');
  const rvtChef = demoCaller(demo.enhetschef('rvt'));
  await stuckItem(rvtChef, 'typ=overlamning', ignoredRef, (item) => item.escalationLevel >= 2);

  const { page } = await stack.signedIn(demo.enhetschef('rvt'));
  await page.goto('/oversikt');
  await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('Översikt');
  // the enhetschef has no choice of unit: only the own unit's part
  await expect(page.getByLabel('Enhet', { exact: true }).count()).resolves.toBe(0);
  await stack.check(page, 'oversikt-enhetschef');

  // filtered in the form as a user would: handovers escalated at least to the enhetschef
  await page.getByLabel('Typ').selectOption({ label: 'Överlämning' });
  await page.getByLabel('Eskalering').selectOption('2');
  await page.getByRole('button', { name: 'Visa' }).click();
  await page.waitForURL((url) => url.searchParams.get('niva') === '2' && url.searchParams.get('typ') === 'overlamning');
  const item = page.getByRole('listitem').filter({ has: page.getByRole('link', { name: ignoredRef, exact: true }) });
  await expect(item.count()).resolves.toBe(1);
  const itemText = await item.textContent();
  // what it waits for, from whom, how long, overdue, and the escalation level in words
  expect(itemText).toContain('väntar på kvittens från Relationsvåldsteamet');
  expect(itemText).toMatch(/Väntat (mindre än 2 timmar|\d+ timmar)/);
  expect(itemText).toContain('Försenad');
  expect(itemText).toContain('Eskalerad, steg 2');
  await expect(item.getByRole('link', { name: `Överlämning o1 i ärende ${ignoredRef}` }).getAttribute('href')).resolves.toBe(`/arenden/${ignoredRef}/overlamningar/o1`);
  await stack.check(page, 'oversikt-enhetschef-urval');

  // the counts per unit: the own unit only
  const counts = page.getByRole('table', { name: 'Fastnade per enhet' });
  const rows = counts.getByRole('row');
  await expect(rows.count()).resolves.toBe(2);
  const rvtRow = await counts.getByRole('row', { name: /Relationsvåldsteamet/ }).getByRole('cell').allTextContents();
  expect(Number(rvtRow[0])).toBeGreaterThanOrEqual(1);
  expect(Number(rvtRow[1])).toBeGreaterThanOrEqual(1);
  expect(rvtRow[2]).toBe('Eskalerad, steg 2');

  // a level typed into the address that the list does not have: said at the field, with status 400
  const wrongLevel = await page.goto('/oversikt?niva=9');
  expect(wrongLevel!.status()).toBe(400);
  await expect(page.getByRole('alert').count()).resolves.toBe(1);
  await expect(page.getByLabel('Eskalering').getAttribute('aria-invalid')).resolves.toBe('true');
  await stack.check(page, 'oversikt-urval-fel');

  // asking for another unit's part is refused, in Swedish
  const other = await page.goto('/oversikt?enhet=bou');
  expect(other!.status()).toBe(403);
  await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('Du saknar behörighet');
});

test('a rejected handover becomes a dispute that the sektorchef decides in the overview; a too-short decision changes nothing', async () => {
  const caseRef = await caseWithHandover('avvisad', 'bou');
  const rejected = await stack.api('POST', `/cases/${caseRef}/overlamningar/o1/svar`, demoCaller(demo.handlaggare('bou')), { typ: 'avvisa', skal: 'Familjen behöver först en skyddsplanering hos RVT' });
  expect(rejected.status).toBe(200);
  // The case raises the dispute itself; it is not stuck yet (decided within 5 working days), and
  // the sektorchef is to see it at once.
  const { id } = await until(`en tvist i ${caseRef}`, async () => (await stack.api('GET', `/cases/${caseRef}`, sektorchef)).body.disputes?.[0]);
  expect((await stack.api('GET', `/fastnat?typ=tvist`, sektorchef)).body.items.some((item: any) => item.caseRef === caseRef)).toBe(false);

  const { page } = await stack.signedIn(demo.sektorchef);
  // the sektorchef starts here
  expect(new URL(page.url()).pathname).toBe('/oversikt');
  await stack.check(page, 'oversikt');
  const form = () => page.getByRole('form', { name: `Beslut i tvist ${id}, ärende ${caseRef}` });
  // the overview reads visibility, a moment behind the case
  for (let i = 0; i < 60 && (await form().count()) === 0; i++) {
    await page.waitForTimeout(500);
    await page.reload();
  }
  const dispute = page.getByRole('listitem').filter({ has: form() });
  const disputeText = await dispute.textContent();
  expect(disputeText).toMatch(/Gäller överlämning o1 mellan (Mottagningen barn och unga och Barn- och ungdomsenheten|Barn- och ungdomsenheten och Mottagningen barn och unga)/);
  // the reason given
  expect(disputeText).toContain('Familjen behöver först en skyddsplanering hos RVT');

  await form().getByLabel('Beslut och motivering').fill('RVT tar');
  await form().getByRole('button', { name: /Avgör tvisten/ }).click();
  await page.waitForURL(/\/beslut$/);
  const message = 'Skriv beslutet och dess motivering (minst 10 tecken)';
  // at the top, and at the field, in the schema's words; the text is kept
  await expect(page.getByRole('alert').textContent()).resolves.toContain(message);
  const field = form().getByLabel('Beslut och motivering');
  await expect(field.getAttribute('aria-invalid')).resolves.toBe('true');
  await expect(page.locator(`#${await field.getAttribute('id')}-fel`).textContent()).resolves.toContain(message);
  await expect(field.inputValue()).resolves.toBe('RVT tar');
  await stack.check(page, 'oversikt-beslut-fel');
  // nothing changed
  expect((await stack.api('GET', `/cases/${caseRef}/tvister/${id}`, sektorchef)).body.status).toBe('vantar_beslut');

  await form().getByLabel('Beslut och motivering').fill('Relationsvåldsteamet gör skyddsplaneringen först, sedan tar BoU emot.');
  await form().getByLabel('Ansvarig enhet (frivilligt)').selectOption({ label: 'Relationsvåldsteamet' });
  await form().getByRole('button', { name: /Avgör tvisten/ }).click();
  await page.waitForURL((url) => url.searchParams.get('klart') === 'beslut');
  await expect(page.getByRole('status').filter({ hasText: 'Tvisten är avgjord' }).count()).resolves.toBe(1);
  // the decided dispute has no form any more
  await expect(form().count()).resolves.toBe(0);
  await stack.check(page, 'oversikt-beslut-klart');

  const decided = await stack.api('GET', `/cases/${caseRef}/tvister/${id}`, sektorchef);
  expect(decided.body).toMatchObject({
    status: 'avgjord',
    decision: { by: demo.sektorchef, text: 'Relationsvåldsteamet gör skyddsplaneringen först, sedan tar BoU emot.', ansvarigEnhet: 'rvt' },
  });
});

/** The chart table's figures for a unit: one per week, the current week last, then the total. */
async function weekFigures(page: Page, unitName: string): Promise<number[]> {
  const table = page.getByRole('table', { name: 'Försenade uppgifter per vecka' });
  return (await table.getByRole('row', { name: new RegExp(`^${unitName}`) }).getByRole('cell').allTextContents()).map(Number);
}

test('the chart counts the missed kvittens for the unit this week, in an SVG with a title and in a table', async () => {
  expect(ignoredRef).toBeDefined();
  const { page } = await stack.signedIn(demo.sektorchef);
  const figures = await until('en försenad uppgift hos Relationsvåldsteamet den här veckan', async () => {
    await page.goto('/oversikt#veckor');
    const found = await weekFigures(page, 'Relationsvåldsteamet');
    return found[7]! > 0 ? found : undefined;
  });
  // eight weeks and the total; this week counts the ignored handover
  expect(figures.length).toBe(9);
  expect(figures[8]).toBe(figures.reduce((sum, n, i) => (i < 8 ? sum + n : sum), 0));
  const chart = page.getByRole('img', { name: 'Försenade uppgifter per enhet och vecka' });
  await expect(chart.count()).resolves.toBe(1);
  // every unit has a row in the table, the sector's own too
  await expect(page.getByRole('table', { name: 'Försenade uppgifter per vecka' }).getByRole('row').count()).resolves.toBeGreaterThanOrEqual(10);
  await stack.check(page, 'oversikt-diagram');

  // the enhetschef's chart: the own unit only
  const chef = await stack.signedIn(demo.enhetschef('rvt'));
  await chef.page.goto('/oversikt#veckor');
  const own = chef.page.getByRole('table', { name: 'Försenade uppgifter per vecka' }).getByRole('row');
  await expect(own.count()).resolves.toBe(2);
  expect((await weekFigures(chef.page, 'Relationsvåldsteamet'))[7]).toBeGreaterThan(0);
  await stack.check(chef.page, 'oversikt-diagram-enhetschef');
});
