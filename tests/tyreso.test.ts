/* eslint-disable @typescript-eslint/no-explicit-any -- JSON answers are read as the client sees them */
// End to end on the real dev server, through the API, with a real SMTP server: the family of
// the Tyresö audit. A child case at mottagningen where the mother is exposed to violence gives a
// handover to relationsvåldsteamet, a joint meeting, and a handover to resursenheten for Trappan
// that cannot be sent without the violence field. No e-mail carries case data.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, test } from 'node:test';
import type { HandoverContent } from '../domain/handover';
import type { CaughtMail } from '../infra/mail-catcher';
import { startApiHarness, type ApiHarness } from './support/api-harness';
import { handoverContent } from './support/handover-content';
import { keyOf } from './support/mail';

let h: ApiHarness;
before(async () => {
  h = await startApiHarness();
});
after(async () => {
  await h?.close();
});

type Who = Parameters<ApiHarness['token']>[0];
const call: ApiHarness['callAs'] = (...args) => h.callAs(...args);
const mottagning: Who = { unit: 'mottagning' };
const rvt: Who = { unit: 'rvt' };
const resursenhet: Who = { unit: 'resursenhet' };
const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
const mailsOf = (caseRef: string) => h.mail.messages().filter((m) => keyOf(m).startsWith(`arende-${caseRef}`));
async function mailTo(caseRef: string, address: string, match: (m: CaughtMail) => boolean = () => true): Promise<CaughtMail> {
  return h.mail.waitFor((m) => keyOf(m).startsWith(`arende-${caseRef}`) && m.to.includes(address) && match(m), 15_000);
}

/** What the family's case holds and must never reach an e-mail. */
const secrets = ['Trappan', 'arabiska', 'mamman', 'pappan', 'misshandel', 'FREDA', '19850101', 'Storgatan'];

test('the Tyresö family: handover to RVT, joint meeting, and Trappan only with the violence field', async () => {
  const caseRef = `TY-${randomUUID().slice(0, 8)}`;
  const opened = await call('POST', '/cases', mottagning, { caseRef, kind: 'barn', flags: { vald: 'ja', barnIHushallet: true, hedersrelaterat: false, skyddadeUppgifter: false } });
  assert.equal(opened.status, 201, JSON.stringify(opened.body));
  const duty = opened.body.openTasks.find((t: any) => t.key === 'overlamning');
  assert.ok(duty, 'the facts call for a handover to RVT');
  assert.equal(duty.unit, 'mottagning');
  assert.equal(duty.target, 'rvt');
  assert.equal(opened.body.meetings.length, 1, 'and for a joint meeting');
  assert.deepEqual(opened.body.meetings[0].units, ['mottagning', 'rvt']);
  assert.deepEqual(opened.body.involvedUnits, ['mottagning', 'rvt']);
  await mailTo(caseRef, 'mottagning@exempel.se', (m) => /Överlämning till relationsvåldsteamet/.test(m.subject));

  // The handover to RVT: the family information is shown to RVT only after kvittens, and logged.
  const toRvt = await call('POST', `/cases/${caseRef}/overlamningar`, mottagning, {
    till: 'rvt',
    innehall: handoverContent({ uppdrag: { beskrivning: 'Skyddsbedömning och stödsamtal för mamman', senast: day(7) } }),
  });
  assert.equal(toRvt.status, 201, JSON.stringify(toRvt.body));
  assert.equal(toRvt.body.innehall.vald, 'ja', 'the sender sees what it sent');
  await mailTo(caseRef, 'rvt@exempel.se', (m) => /Överlämning att kvittera/.test(m.subject));
  const afterSend = await call('GET', `/cases/${caseRef}`, mottagning);
  assert.equal(afterSend.body.openTasks.find((t: any) => t.key === 'overlamning'), undefined, 'the duty is done once the handover is sent');

  let inbox: any[] = [];
  for (let i = 0; i < 50 && !inbox.some((t) => t.workflowId === toRvt.body.workflowId); i++) {
    await new Promise((resolve) => setTimeout(resolve, 200));
    inbox = (await call('GET', '/tasks', rvt)).body.tasks;
  }
  const kvittensTask = inbox.find((t) => t.workflowId === toRvt.body.workflowId);
  assert.ok(kvittensTask, "the handover is in RVT's task list");
  assert.equal(kvittensTask.title, 'Överlämning att kvittera');
  assert.equal(kvittensTask.caseRef, caseRef);

  const unseen = await call('GET', `/cases/${caseRef}/overlamningar/o2`, rvt);
  assert.equal(unseen.status, 200);
  assert.equal(unseen.body.innehall, undefined, 'no family information before kvittens');
  assert.match(unseen.body.uppdrag.beskrivning, /Skyddsbedömning/, 'but what RVT is asked to do');
  const kvitterad = await call('POST', `/cases/${caseRef}/overlamningar/o2/svar`, rvt, { typ: 'kvittera' });
  assert.equal(kvitterad.status, 200, JSON.stringify(kvitterad.body));
  assert.equal(kvitterad.body.innehall.vald, 'ja');
  assert.equal(kvitterad.body.innehall.riskbedomning.instrument, 'FREDA');
  const log = await call('GET', `/cases/${caseRef}/overlamningar/o2/visningar`, { unit: 'rvt', role: 'enhetschef' });
  assert.equal(log.status, 200);
  assert.ok(log.body.visningar.some((v: any) => v.unit === 'rvt' && v.viewer === 'rvt-user'), 'the view is logged: who, unit, when');
  assert.ok(log.body.visningar.every((v: any) => typeof v.viewedAt === 'string'));
  assert.equal((await call('GET', `/cases/${caseRef}/overlamningar/o2/visningar`, rvt)).status, 403);

  // The joint meeting: booked, attended, held with a division of responsibility.
  const meetingUrl = `/cases/${caseRef}/moten/m1`;
  const noOutcome = await call('POST', `${meetingUrl}/atgarder`, mottagning, { typ: 'registrera_utfall', ansvar: [], nastaUppfoljning: day(30) });
  assert.equal(noOutcome.status, 400, 'a meeting cannot be held without its outcome');
  const booked = await call('POST', `${meetingUrl}/atgarder`, mottagning, { typ: 'boka', tid: new Date(Date.now() + 2000).toISOString() });
  assert.equal(booked.status, 200, JSON.stringify(booked.body));
  await mailTo(caseRef, 'rvt@exempel.se', (m) => /Bekräfta deltagande/.test(m.subject));
  const attending = await call('POST', `${meetingUrl}/atgarder`, rvt, { typ: 'bekrafta_deltagande' });
  assert.equal(attending.status, 200, JSON.stringify(attending.body));
  await new Promise((resolve) => setTimeout(resolve, 2200));
  const held = await call('POST', `${meetingUrl}/atgarder`, mottagning, {
    typ: 'registrera_utfall',
    ansvar: [
      { enhet: 'rvt', uppgift: 'Stödsamtal och skyddsplanering med mamman', senast: day(14) },
      { enhet: 'mottagning', uppgift: 'Förhandsbedömning av barnens behov', senast: day(10) },
    ],
    nastaUppfoljning: day(30),
  });
  assert.equal(held.status, 200, JSON.stringify(held.body));
  assert.equal(held.body.status, 'hallet');
  assert.deepEqual(
    held.body.tasks.filter((t: any) => t.status === 'open').map((t: any) => [t.key, t.unit]),
    [
      ['motesuppgift', 'rvt'],
      ['motesuppgift', 'mottagning'],
      ['uppfoljning', 'mottagning'],
    ],
  );
  await mailTo(caseRef, 'rvt@exempel.se', (m) => /Uppgift enligt ansvarsfördelning/.test(m.subject));

  // Trappan at resursenheten: refused without the violence field, and nothing is sent.
  const withoutViolence: Partial<HandoverContent> = handoverContent({ uppdrag: { beskrivning: 'Krissamtal för barnen (Trappan)', insats: 'trappan', senast: day(21) } });
  delete withoutViolence.vald;
  const refused = await call('POST', `/cases/${caseRef}/overlamningar`, mottagning, { till: 'resursenhet', innehall: withoutViolence });
  assert.equal(refused.status, 400);
  assert.equal(refused.body.error.fields[0].field, 'innehall.vald');
  assert.match(refused.body.error.fields[0].message, /våld är känt eller misstänkt/);
  assert.equal((await call('GET', `/cases/${caseRef}`, mottagning)).body.handovers.length, 1, 'no handover was started');

  const trappan = await call('POST', `/cases/${caseRef}/overlamningar`, mottagning, { till: 'resursenhet', innehall: { ...withoutViolence, vald: 'ja' } });
  assert.equal(trappan.status, 201, JSON.stringify(trappan.body));
  await mailTo(caseRef, 'resursenhet@exempel.se', (m) => /Överlämning att kvittera/.test(m.subject));
  const taken = await call('POST', `/cases/${caseRef}/overlamningar/${trappan.body.id}/svar`, resursenhet, { typ: 'kvittera' });
  assert.equal(taken.body.innehall.vald, 'ja', 'resursenheten knows of the violence before it starts');

  const final = await call('GET', `/cases/${caseRef}`, mottagning);
  assert.deepEqual(
    final.body.handovers.map((x: any) => [x.to, x.status]),
    [
      ['rvt', 'kvitterad'],
      ['resursenhet', 'kvitterad'],
    ],
  );

  const mails = mailsOf(caseRef);
  assert.ok(mails.length >= 6, `expected the case's notices, got ${mails.length}`);
  for (const mail of mails) {
    for (const secret of secrets) assert.ok(!`${mail.subject}\n${mail.text}`.includes(secret), `"${secret}" in ${mail.subject}`);
  }
});

test('an external partner confirms receipt once through its link, which shows nothing of the case', async () => {
  const caseRef = `TY-${randomUUID().slice(0, 8)}`;
  await call('POST', '/cases', mottagning, { caseRef, kind: 'barn', flags: { vald: 'nej', barnIHushallet: true, hedersrelaterat: false, skyddadeUppgifter: false } });
  const consent = await call('POST', `/cases/${caseRef}/actions`, mottagning, { type: 'samtycke', mottagare: ['kvinnojour'], omfattning: 'Skyddat boende för mamman och barnen', lamnat: day(0) });
  assert.equal(consent.status, 200, JSON.stringify(consent.body));
  const sent = await call('POST', `/cases/${caseRef}/overlamningar`, mottagning, { till: 'kvinnojour', innehall: handoverContent(), rattsligGrund: { typ: 'samtycke', samtyckeId: 's1' } });
  assert.equal(sent.status, 201, JSON.stringify(sent.body));
  assert.equal(sent.body.receiverKind, 'extern');
  const mail = await mailTo(caseRef, 'kontakt@kvinnojouren.exempel.se');
  assert.doesNotMatch(mail.text, new RegExp(caseRef), 'not even the case reference');
  const link = /http:\/\/samverkan\.test(\/kvittens\/[A-Za-z0-9_-]+)/.exec(mail.text)?.[1];
  assert.ok(link, mail.text);

  const pageView = await h.app.inject({ method: 'GET', url: link });
  assert.equal(pageView.statusCode, 200);
  assert.match(pageView.body, /Bekräfta mottagandet/);
  assert.ok(!pageView.body.includes(caseRef));
  assert.equal((await call('GET', `/cases/${caseRef}/overlamningar/${sent.body.id}`, mottagning)).body.status, 'skickad', 'opening the page changes nothing');

  const confirmed = await h.app.inject({ method: 'POST', url: link });
  assert.equal(confirmed.statusCode, 200, confirmed.body);
  assert.match(confirmed.body, /Mottagandet är bekräftat/);
  assert.equal((await call('GET', `/cases/${caseRef}/overlamningar/${sent.body.id}`, mottagning)).body.status, 'kvitterad');
  const again = await h.app.inject({ method: 'POST', url: link });
  assert.equal(again.statusCode, 410, 'single use');
  assert.match(again.body, /redan använts/);
  const forged = await h.app.inject({ method: 'POST', url: '/kvittens/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa' });
  assert.equal(forged.statusCode, 410);
  assert.match(forged.body, /okänd/);
});

test('a dispute through the API: raised by a unit in the case, decided by the sektorchef only, recorded on the case', async () => {
  const caseRef = `TY-${randomUUID().slice(0, 8)}`;
  await call('POST', '/cases', mottagning, { caseRef, kind: 'barn', flags: { vald: 'nej', barnIHushallet: true, hedersrelaterat: false, skyddadeUppgifter: false } });
  const sent = await call('POST', `/cases/${caseRef}/overlamningar`, mottagning, { till: 'resursenhet', innehall: handoverContent() });
  assert.equal(sent.status, 201, JSON.stringify(sent.body));

  const outsider = await call('POST', `/cases/${caseRef}/tvister`, { unit: 'familjevard' }, { foremal: { typ: 'overlamning', id: sent.body.id }, skal: 'Vi håller inte med om uppdraget' });
  assert.equal(outsider.status, 404, 'a unit outside the case does not learn of it');
  const unknown = await call('POST', `/cases/${caseRef}/tvister`, resursenhet, { foremal: { typ: 'insats', id: 'i9' }, skal: 'Insatsen passar inte familjen' });
  assert.equal(unknown.status, 400);
  assert.equal(unknown.body.error.fields[0].field, 'foremal.id');

  const raised = await call('POST', `/cases/${caseRef}/tvister`, resursenhet, { foremal: { typ: 'overlamning', id: sent.body.id }, skal: 'Familjen behöver skyddsplanering innan krissamtal' });
  assert.equal(raised.status, 201, JSON.stringify(raised.body));
  assert.equal(raised.body.status, 'vantar_beslut');
  const twice = await call('POST', `/cases/${caseRef}/tvister`, mottagning, { foremal: { typ: 'overlamning', id: sent.body.id }, skal: 'Samma fråga från andra hållet' });
  assert.equal(twice.status, 409, 'one open dispute per subject');

  const byChef = await call('POST', `/cases/${caseRef}/tvister/${raised.body.id}/beslut`, { unit: 'mottagning', role: 'enhetschef' }, { beslut: 'Mottagningen bestämmer själv' });
  assert.equal(byChef.status, 403);
  const decided = await call('POST', `/cases/${caseRef}/tvister/${raised.body.id}/beslut`, { unit: 'ifo', role: 'sektorchef' }, { beslut: 'RVT gör skyddsplaneringen först', ansvarigEnhet: 'rvt' });
  assert.equal(decided.status, 200, JSON.stringify(decided.body));
  assert.equal(decided.body.decision.by, 'ifo-user');
  let view: any;
  for (let i = 0; i < 50; i++) {
    view = (await call('GET', `/cases/${caseRef}`, mottagning)).body;
    if (view.disputes[0]?.status === 'avgjord') break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  assert.equal(view.disputes[0].decision.text, 'RVT gör skyddsplaneringen först');
  assert.equal((await call('GET', `/cases/${caseRef}/tvister/${raised.body.id}`, resursenhet)).body.status, 'avgjord');
});
