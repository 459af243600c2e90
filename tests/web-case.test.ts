// The case page and every action on it, in a real browser on the stack `npm start` runs: a
// child case where violence is known gets its skyddsbedömning and its handover to the
// relationsvåldsteam through the forms; the receiving unit's inbox, open all along, shows the
// handover without a reload; the receiver takes the case and kvitterar; the joint planning
// meeting the rules require is booked, attended, held with a division of responsibility whose
// tasks land in the units' inboxes; a unit outside the case finds nothing; a form with a mistake
// says so at the field and changes nothing.
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { DateTime } from 'luxon';
import type { Page } from 'playwright-core';
import { isoDay } from '../web/time';
import { demo, demoCaller, startWebStack, type WebStack } from './support/web-stack';

let stack: WebStack;
const caseRef = `BU-WEB-${randomUUID().slice(0, 8)}`;
const casePage = `/arenden/${caseRef}`;
const mottagning = demo.handlaggare('mottagning');
const rvt = demo.handlaggare('rvt');

beforeAll(async () => {
  stack = await startWebStack();
});
afterAll(async () => {
  await stack?.stop();
});

const readCase = async () => (await stack.api('GET', `/cases/${caseRef}`, demoCaller(mottagning))).body;

/** Clicks a form's button and answers the page the server sent back (a redirect is followed). */
async function submit(page: Page, button: ReturnType<Page['getByRole']>) {
  const [response] = await Promise.all([page.waitForNavigation(), button.click()]);
  return response!;
}

/** A task in an inbox, appearing by itself: the list polls the server every 5 s. */
const waitForTask = (page: Page, title: string) => page.getByRole('link', { name: title }).first().waitFor({ timeout: 45_000 });

let rvtInbox: Page;
let mottagningPage: Page;
let meetingPath: string;

test('a handover sent from the case page appears in the receiving inbox without a reload, is taken and kvitterad', async () => {
  const opened = await stack.api('POST', '/cases', demoCaller(mottagning), {
    caseRef,
    kind: 'barn',
    flags: { vald: 'ja', barnIHushallet: true, hedersrelaterat: false, skyddadeUppgifter: false },
  });
  expect(opened.status).toBe(201);

  // The relationsvåldsteam's inbox is open before anything is sent to it.
  rvtInbox = (await stack.signedIn(rvt)).page;
  await rvtInbox.goto('/inkorg');
  await stack.check(rvtInbox, 'inkorg-rvt-fore');
  await rvtInbox.evaluate(() => ((globalThis as { ingenOmladdning?: boolean }).ingenOmladdning = true));

  mottagningPage = (await stack.signedIn(mottagning)).page;
  const page = mottagningPage;
  await page.goto(casePage);
  await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toContain(`Ärende ${caseRef}`);
  // the step indicator says where the case is, in words
  await expect(page.getByRole('list', { name: 'Ärendets faser' }).textContent()).resolves.toMatch(/Skyddsbedömning\s*Pågår nu.*Förhandsbedömning\s*Kommer/);
  await stack.check(page, 'arende-forsta-steg');

  const form = page.getByRole('form', { name: 'Registrera skyddsbedömningen' });
  await form.getByLabel('Nej, inget akut skyddsbehov').check();
  await submit(page, form.getByRole('button', { name: 'Registrera skyddsbedömningen' }));
  await expect(page.getByRole('status').textContent()).resolves.toContain('Skyddsbedömningen är registrerad');
  await expect(page.getByRole('list', { name: 'Ärendets faser' }).textContent()).resolves.toMatch(/Skyddsbedömning\s*Klar.*Förhandsbedömning\s*Pågår nu/);
  await expect(page.locator('main').textContent()).resolves.toMatch(/Skyddsbedömning · Mottagningen barn och ungaKlar i tid/);
  await stack.check(page, 'arende-skyddsbedomning');

  // the handover the rules require, through the form
  await page.getByRole('link', { name: 'Skicka en överlämning' }).click();
  await page.waitForURL('**/overlamningar/ny');
  await stack.check(page, 'overlamning-formular');
  await page.getByLabel('Till', { exact: true }).selectOption({ label: 'Relationsvåldsteamet' });
  await page.getByRole('group', { name: 'Är våld känt eller misstänkt i familjen?' }).getByLabel('Ja, våld är känt').check();
  await page.getByLabel('Nej, inte gjord').check();
  await page.getByRole('group', { name: 'Finns barn i hushållet?' }).getByLabel('Ja').check();
  await page.getByLabel('Antal barn i hushållet').fill('2');
  await page.getByRole('group', { name: 'Har någon i familjen skyddade personuppgifter?' }).getByLabel('Nej').check();
  await page.getByRole('group', { name: 'Finns tecken på hedersrelaterat våld?' }).getByLabel('Nej').check();
  await page.getByRole('group', { name: 'Behövs tolk?' }).getByLabel('Nej').check();
  await page.getByLabel('Vad ska den mottagande enheten göra?').fill('Erbjud stödsamtal till den våldsutsatta föräldern');
  await page.getByLabel('Senast').fill(isoDay(3));
  await submit(page, page.getByRole('button', { name: 'Skicka överlämningen' }));
  // no error summary: the handover was sent
  await expect(page.locator('.felsammanfattning').allTextContents()).resolves.toEqual([]);
  await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toMatch(/Överlämning o\d+\s*Väntar på kvittens/);
  const handoverPath = new URL(page.url()).pathname;
  await stack.check(page, 'overlamning-skickad');

  // the inbox shows it by itself
  await waitForTask(rvtInbox, 'Överlämning att kvittera');
  // still the same page: it was never reloaded
  await expect(rvtInbox.evaluate(() => (globalThis as { ingenOmladdning?: boolean }).ingenOmladdning)).resolves.toBe(true);
  await stack.check(rvtInbox, 'inkorg-rvt-overlamning');

  await rvtInbox.getByRole('link', { name: 'Överlämning att kvittera' }).first().click();
  await rvtInbox.waitForURL(`**${handoverPath}`);
  const receiver = rvtInbox;
  // before kvittens the receiver sees the assignment, not the family information
  await expect(receiver.locator('main').textContent()).resolves.toContain('Uppgifterna om familjen visas när er enhet har kvitterat överlämningen');
  await expect(receiver.locator('main').textContent()).resolves.toContain('Erbjud stödsamtal');
  await stack.check(receiver, 'overlamning-mottagare-fore');
  await submit(receiver, receiver.getByRole('button', { name: 'Ta ärendet' }));
  await expect(receiver.getByRole('status').textContent()).resolves.toContain('Ärendet är ditt');
  await submit(receiver, receiver.getByRole('button', { name: 'Kvittera överlämningen' }));
  await expect(receiver.getByRole('heading', { level: 1 }).textContent()).resolves.toContain('Kvitterad');
  await expect(receiver.locator('main').textContent()).resolves.toContain('Ja, våld är känt');
  await stack.check(receiver, 'overlamning');

  // the sender's case page shows the handover kvitterad, and who holds the case at rvt
  await page.goto(casePage);
  await expect(page.getByRole('heading', { name: 'Överlämningar' }).locator('xpath=following-sibling::ul[1]').textContent()).resolves.toMatch(/Relationsvåldsteamet\s*Kvitterad/);
  await expect(page.getByRole('region', { name: 'Relationsvåldsteamet', exact: true }).textContent()).resolves.toContain(`Hålls av ${rvt}`);
  await stack.check(page, 'arende-tidslinje');
});

test('the joint planning meeting is booked, attended by each unit, held with a division of responsibility whose tasks reach the units', async () => {
  const page = mottagningPage;
  await page.goto(casePage);
  await page.getByRole('link', { name: 'Gemensamt planeringsmöte barn och våld' }).click();
  await page.waitForURL('**/moten/m*');
  meetingPath = new URL(page.url()).pathname;
  await stack.check(page, 'planeringsmote-obokat');

  // Booked a little ahead (the workflow takes only a future time), held once that time has passed.
  const at = DateTime.now().setZone('Europe/Stockholm').plus({ seconds: 30 }).set({ millisecond: 0 });
  const local = at.toFormat(at.second === 0 ? "yyyy-MM-dd'T'HH:mm" : "yyyy-MM-dd'T'HH:mm:ss");
  await page.getByLabel('Dag och tid').fill(local);
  await submit(page, page.getByRole('button', { name: 'Boka mötet' }));
  await expect(page.getByRole('status').textContent()).resolves.toContain('Mötet är bokat');
  await expect(page.locator('main').textContent()).resolves.toMatch(/Mottagningen barn och unga: Bekräftat.*Relationsvåldsteamet: Inte bekräftat/);
  await stack.check(page, 'planeringsmote-bokat');

  // the relationsvåldsteam confirms from its inbox
  await rvtInbox.goto('/inkorg');
  await waitForTask(rvtInbox, 'Bekräfta deltagande i gemensamt planeringsmöte');
  await stack.check(rvtInbox, 'inkorg-rvt-deltagande');
  await rvtInbox.getByRole('link', { name: 'Bekräfta deltagande i gemensamt planeringsmöte' }).click();
  await rvtInbox.waitForURL(`**${meetingPath}`);
  await submit(rvtInbox, rvtInbox.getByRole('button', { name: 'Bekräfta att vi deltar' }));
  await expect(rvtInbox.locator('main').textContent()).resolves.toMatch(/Relationsvåldsteamet: Bekräftat/);
  await stack.check(rvtInbox, 'planeringsmote-deltagande');

  await page.waitForTimeout(Math.max(0, at.toMillis() - Date.now() + 1500));
  await page.reload();
  const row = (n: number) => page.getByRole('group', { name: `Ansvar ${n}` });
  await row(1).getByLabel('Enhet').selectOption({ label: 'Relationsvåldsteamet' });
  await row(1).getByLabel('Uppgift').fill('Stödsamtal med den våldsutsatta föräldern');
  await row(1).getByLabel('Senast').fill(isoDay(14));
  // row 2 is left empty: it is not part of the division
  await row(3).getByLabel('Enhet').selectOption({ label: 'Barn- och ungdomsenheten' });
  await row(3).getByLabel('Uppgift').fill('Barnsamtal inom utredningen');
  await row(3).getByLabel('Senast').fill(isoDay(21));
  await page.getByLabel('Nästa uppföljning av planeringen').fill(isoDay(30));
  await submit(page, page.getByRole('button', { name: 'Registrera att mötet är hållet' }));
  await expect(page.getByRole('status').textContent()).resolves.toContain('Mötet är registrerat som hållet');
  await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toContain('Hållet');
  const division = await page.getByRole('table').textContent();
  expect(division).toMatch(/Relationsvåldsteamet\s*Stödsamtal med den våldsutsatta föräldern/);
  expect(division).toMatch(/Barn- och ungdomsenheten\s*Barnsamtal inom utredningen/);
  await stack.check(page, 'planeringsmote');

  // each unit's inbox has its task
  await rvtInbox.goto('/inkorg');
  await waitForTask(rvtInbox, 'Uppgift enligt ansvarsfördelning från gemensamt planeringsmöte');
  await stack.check(rvtInbox, 'inkorg-rvt-motesuppgift');
  const bou = (await stack.signedIn(demo.handlaggare('bou'))).page;
  await bou.goto('/inkorg');
  await waitForTask(bou, 'Uppgift enligt ansvarsfördelning från gemensamt planeringsmöte');
  await stack.check(bou, 'inkorg-bou-motesuppgift');
  await page.goto('/inkorg');
  await waitForTask(page, 'Uppföljning av gemensam planering');
  await stack.check(page, 'inkorg-mottagning-uppfoljning');
  // the case page shows the outcome, and the unit now in the case
  await page.goto(casePage);
  await expect(page.locator('main').textContent()).resolves.toContain('Ansvarsfördelning:Relationsvåldsteamet: Stödsamtal med den våldsutsatta föräldern');
  await expect(page.getByRole('region', { name: 'Barn- och ungdomsenheten', exact: true }).textContent()).resolves.toContain('Uppgift enligt ansvarsfördelning');
  await stack.check(page, 'arende-efter-mote');
});

test('a unit outside the case finds nothing at its address', async () => {
  const { page } = await stack.signedIn(demo.handlaggare('familjevard'));
  for (const path of [casePage, `${casePage}/overlamningar/o2`, meetingPath]) {
    const response = await page.goto(path);
    expect(response!.status()).toBe(404);
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('Ärendet finns inte');
    const main = await page.locator('main').textContent();
    // nothing of the case: not its reference, not its units' work
    expect(main).not.toContain(caseRef);
    expect(main).not.toMatch(/Skyddsbedömning|Relationsvåldsteamet|Överlämning/);
  }
  await stack.check(page, 'arende-finns-inte');
});

test('a form with a mistake says so at the field and in the summary, and changes nothing', async () => {
  const before = await readCase();
  const page = mottagningPage;
  await page.goto(`${casePage}/overlamningar/ny`);
  await page.getByLabel('Till', { exact: true }).selectOption({ label: 'Barn- och ungdomsenheten' });
  await page.getByLabel('Nej, inte gjord').check();
  await page.getByRole('group', { name: 'Finns barn i hushållet?' }).getByLabel('Ja').check();
  await page.getByLabel('Antal barn i hushållet').fill('2');
  await page.getByRole('group', { name: 'Har någon i familjen skyddade personuppgifter?' }).getByLabel('Nej').check();
  await page.getByRole('group', { name: 'Finns tecken på hedersrelaterat våld?' }).getByLabel('Nej').check();
  await page.getByRole('group', { name: 'Behövs tolk?' }).getByLabel('Nej').check();
  await page.getByLabel('Vad ska den mottagande enheten göra?').fill('Inled barnavårdsutredning');
  await page.getByLabel('Senast').fill(isoDay(3));
  // the violence question is not answered
  const refused = await submit(page, page.getByRole('button', { name: 'Skicka överlämningen' }));
  expect(refused.status()).toBe(400);
  const message = 'Ange om våld är känt eller misstänkt i familjen';
  await expect(page.getByRole('alert').textContent()).resolves.toContain(message);
  await expect(page.getByRole('alert').getByRole('link', { name: new RegExp(message) }).getAttribute('href')).resolves.toBe('#f-innehall-vald');
  await expect(page.getByRole('group', { name: 'Är våld känt eller misstänkt i familjen?' }).locator('.falt-fel').textContent()).resolves.toContain(message);
  // what was written is kept
  await expect(page.getByLabel('Vad ska den mottagande enheten göra?').inputValue()).resolves.toBe('Inled barnavårdsutredning');
  await stack.check(page, 'overlamning-fel');
  expect((await readCase()).handovers).toEqual(before.handovers);

  // an utredning extended with too short a reason
  await stack.api('POST', `/cases/${caseRef}/actions`, demoCaller(mottagning), { type: 'forhandsbedomning', beslut: 'inled_utredning' });
  const inUtredning = await readCase();
  const bou = (await stack.signedIn(demo.handlaggare('bou'))).page;
  await bou.goto(casePage);
  await stack.check(bou, 'arende-utredning');
  const form = bou.getByRole('form', { name: 'Förläng utredningen' });
  await form.getByLabel('Nytt slutdatum').fill(isoDay(200));
  await form.getByLabel('Skäl till förlängningen').fill('Behövs');
  const tooShort = await submit(bou, form.getByRole('button', { name: 'Förläng utredningen' }));
  expect(tooShort.status()).toBe(400);
  const reason = 'Ange skälet till förlängningen (minst 10 tecken)';
  await expect(bou.getByRole('alert').textContent()).resolves.toContain(reason);
  await expect(bou.locator('#f-forlang_utredning-skal-fel').textContent()).resolves.toContain(reason);
  await expect(bou.getByLabel('Skäl till förlängningen').getAttribute('aria-invalid')).resolves.toBe('true');
  await stack.check(bou, 'forlang-fel');
  // the utredning's due moment and its extensions as they were (only its notifications went on)
  type Clock = { id: string; dueAt: string; extensions: unknown; revision: number; status: string };
  const clocks = (view: { deadlines?: Clock[] }) => (view.deadlines ?? []).map((d) => ({ id: d.id, dueAt: d.dueAt, extensions: d.extensions, revision: d.revision, status: d.status }));
  const after = await readCase();
  expect(clocks(after)).toEqual(clocks(inUtredning));
  expect(after.events).toEqual(inUtredning.events);
});

/** Fills the handover form but for the receiver and the legal ground. */
async function fillHandover(page: Page, task: string) {
  await page.getByRole('group', { name: 'Är våld känt eller misstänkt i familjen?' }).getByLabel('Ja, våld är känt').check();
  await page.getByLabel('Nej, inte gjord').check();
  await page.getByRole('group', { name: 'Finns barn i hushållet?' }).getByLabel('Ja').check();
  await page.getByLabel('Antal barn i hushållet').fill('2');
  await page.getByRole('group', { name: 'Har någon i familjen skyddade personuppgifter?' }).getByLabel('Nej').check();
  await page.getByRole('group', { name: 'Finns tecken på hedersrelaterat våld?' }).getByLabel('Nej').check();
  await page.getByRole('group', { name: 'Behövs tolk?' }).getByLabel('Nej').check();
  await page.getByLabel('Vad ska den mottagande enheten göra?').fill(task);
  await page.getByLabel('Senast').fill(isoDay(3));
}

test('an external receiver needs a legal ground; a rejected handover becomes a dispute the sektorchef decides; a unit raises another', async () => {
  const page = mottagningPage;
  await page.goto(`${casePage}/overlamningar/ny`);
  await page.getByLabel('Till', { exact: true }).selectOption({ label: 'Polisen (extern part)' });
  await fillHandover(page, 'Underrättelse om misstänkt brott mot barn');
  // no legal ground: the workflow refuses, and says so at the question
  const refused = await submit(page, page.getByRole('button', { name: 'Skicka överlämningen' }));
  expect(refused.status()).toBe(409);
  await expect(page.getByRole('group', { name: 'Med stöd av' }).locator('.falt-fel').textContent()).resolves.toContain('utan samtycke eller lagstöd');
  await stack.check(page, 'overlamning-rattslig-grund-saknas');
  await page.getByRole('group', { name: 'Med stöd av' }).getByLabel('Lagstöd').check();
  await page.getByLabel('Vilket lagstöd').selectOption('osl-10-21');
  await submit(page, page.getByRole('button', { name: 'Skicka överlämningen' }));
  await expect(page.locator('.felsammanfattning').allTextContents()).resolves.toEqual([]);
  await expect(page.locator('main').textContent()).resolves.toContain('Lagstöd osl-10-21');
  await stack.check(page, 'overlamning-extern');

  // a handover to bou, rejected by bou
  await page.goto(`${casePage}/overlamningar/ny`);
  await page.getByLabel('Till', { exact: true }).selectOption({ label: 'Barn- och ungdomsenheten' });
  await fillHandover(page, 'Ta över familjebehandlingen');
  await submit(page, page.getByRole('button', { name: 'Skicka överlämningen' }));
  const handoverPath = new URL(page.url()).pathname;
  const bou = (await stack.signedIn(demo.handlaggare('bou'))).page;
  await bou.goto(handoverPath);
  await bou.locator('summary', { hasText: 'Avvisa överlämningen' }).click();
  await bou.getByLabel('Varför avvisas överlämningen?').fill('Familjebehandling ges av resursenheten enligt rutinen');
  await submit(bou, bou.getByRole('button', { name: 'Avvisa överlämningen' }));
  await expect(bou.getByRole('heading', { level: 1 }).textContent()).resolves.toContain('Avvisad');
  await expect(bou.locator('main').textContent()).resolves.toContain('Familjebehandling ges av resursenheten');
  // the case starts the dispute when it hears of the rejection
  const disputeLink = bou.getByRole('link', { name: /^Tvist t\d+ om överlämningen$/ });
  for (let i = 0; i < 20 && (await disputeLink.count()) === 0; i++) {
    await bou.waitForTimeout(500);
    await bou.reload();
  }
  await stack.check(bou, 'overlamning-avvisad');
  const disputePath = await disputeLink.getAttribute('href');

  const chef = (await stack.signedIn(demo.sektorchef)).page;
  await chef.goto(disputePath!);
  await expect(chef.getByRole('heading', { level: 1 }).textContent()).resolves.toContain('Väntar på beslut');
  await stack.check(chef, 'tvist-vantar');
  await chef.getByLabel('Beslut och motivering').fill('Resursenheten ger familjebehandlingen; mottagningen överlämnar dit');
  await chef.getByLabel('Ansvarig enhet (valfritt)').selectOption({ label: 'Resursenheten' });
  await submit(chef, chef.getByRole('button', { name: 'Fatta beslut' }));
  await expect(chef.getByRole('heading', { level: 1 }).textContent()).resolves.toContain('Avgjord');
  await expect(chef.locator('main').textContent()).resolves.toMatch(/Ansvarig enhet\s*Resursenheten/);
  await stack.check(chef, 'tvist');

  // rvt raises a dispute about the meeting's outcome; a too short reason is refused first
  await rvtInbox.goto(casePage);
  await rvtInbox.getByRole('link', { name: 'Väck en tvist' }).click();
  await rvtInbox.getByLabel('Vad gäller tvisten?').selectOption({ label: 'Gemensamt planeringsmöte barn och våld m1 (hållet)' });
  await rvtInbox.getByLabel('Vad är enheterna oeniga om?').fill('Oense');
  expect((await submit(rvtInbox, rvtInbox.getByRole('button', { name: 'Väck tvisten' }))).status()).toBe(400);
  await expect(rvtInbox.getByRole('alert').textContent()).resolves.toContain('Beskriv vad enheterna är oeniga om (minst 10 tecken)');
  await stack.check(rvtInbox, 'tvist-fel');
  await rvtInbox.getByLabel('Vad är enheterna oeniga om?').fill('Stödsamtalen bör ges av resursenheten, inte av relationsvåldsteamet');
  await submit(rvtInbox, rvtInbox.getByRole('button', { name: 'Väck tvisten' }));
  await expect(rvtInbox.getByRole('status').textContent()).resolves.toContain('Tvisten är väckt');
  await expect(rvtInbox.locator('main').textContent()).resolves.toMatch(/GällerPlaneringsmöte m1/);
  await stack.check(rvtInbox, 'tvist-vackt');
});

test('the enhetschef gives the case to a handläggare, the step owner records changed facts, the sektorchef reads', async () => {
  const chef = (await stack.signedIn(demo.enhetschef('bou'))).page;
  await chef.goto(casePage);
  await chef.locator('summary', { hasText: 'Tilldela ärendet en handläggare' }).click();
  await chef.getByLabel('Handläggarens användar-id').fill(demo.handlaggare('bou'));
  await submit(chef, chef.getByRole('button', { name: 'Tilldela', exact: true }));
  await expect(chef.getByRole('status').textContent()).resolves.toContain('Ärendet är tilldelat');
  await expect(chef.getByRole('region', { name: 'Barn- och ungdomsenheten', exact: true }).textContent()).resolves.toContain(`Hålls av ${demo.handlaggare('bou')}`);
  await stack.check(chef, 'arende-tilldelat');

  // the unit that owns the current step (the utredning: bou) records what it found out
  const bou = (await stack.signedIn(demo.handlaggare('bou'))).page;
  await bou.goto(casePage);
  await bou.locator('summary', { hasText: 'Ändra ärendets uppgifter' }).click();
  const facts = bou.getByRole('form', { name: 'Ändra ärendets uppgifter' });
  await facts.getByRole('group', { name: 'Finns tecken på hedersrelaterat våld?' }).getByLabel('Ja').check();
  await facts.getByLabel('Varför ändras uppgifterna?').fill('Barnet berättade om hot från släkten i barnsamtalet');
  await submit(bou, facts.getByRole('button', { name: 'Spara ändringen' }));
  await expect(bou.getByRole('status').textContent()).resolves.toContain('Ärendets uppgifter är ändrade');
  await expect(bou.locator('main').textContent()).resolves.toContain('hedersrelaterat från nej till ja. Skäl: Barnet berättade om hot från släkten');
  await stack.check(bou, 'arende-andrade-uppgifter');

  // the sektorchef sees the case and its disputes, with nothing to act on
  const sektor = (await stack.signedIn(demo.sektorchef)).page;
  await sektor.goto(casePage);
  await expect(sektor.locator('main').textContent()).resolves.toContain('Du kan läsa ärendet');
  await expect(sektor.getByRole('button', { name: /Registrera|Förläng|Ta ärendet/ }).count()).resolves.toBe(0);
  await stack.check(sektor, 'arende-sektorchef');
});
