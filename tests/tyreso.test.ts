/* eslint-disable @typescript-eslint/no-explicit-any -- JSON answers are read as the client sees them */
// End to end on the real dev server, through the API, with a real SMTP server: the family of
// the Tyresö audit. A child case at mottagningen where the mother is exposed to violence gives a
// handover to relationsvåldsteamet, a joint meeting, and a handover to resursenheten for Trappan
// that cannot be sent without the violence field. No e-mail carries case data.
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import type { HandoverContent } from '../domain/handover';
import type { CaughtMail } from '../infra/mail-catcher';
import { dayFromNow } from './support/time';
import { startApiHarness, type ApiHarness } from './support/api-harness';
import { handoverContent } from './support/handover-content';
import { isFrom, keyOf } from './support/mail';

let h: ApiHarness;
beforeAll(async () => {
  h = await startApiHarness();
});
afterAll(async () => {
  await h?.close();
});

type Who = Parameters<ApiHarness['token']>[0];
const call: ApiHarness['callAs'] = (...args) => h.callAs(...args);
const mottagning: Who = { unit: 'mottagning' };
const rvt: Who = { unit: 'rvt' };
const resursenhet: Who = { unit: 'resursenhet' };
const day = dayFromNow;
const mailsOf = (caseRef: string) => h.mail.messages().filter((m) => keyOf(m).startsWith(`arende-${caseRef}`));
async function mailTo(caseRef: string, address: string, match: (m: CaughtMail) => boolean = () => true): Promise<CaughtMail> {
  return h.mail.waitFor((m) => keyOf(m).startsWith(`arende-${caseRef}`) && m.to.includes(address) && match(m), 15_000);
}

/** What the family's case holds and must never reach an e-mail. */
const secrets = ['Trappan', 'arabiska', 'mamman', 'pappan', 'misshandel', 'FREDA', '19850101', 'Storgatan'];

test('the Tyresö family: handover to RVT, joint meeting, and Trappan only with the violence field', async () => {
  const caseRef = `TY-${randomUUID().slice(0, 8)}`;
  const opened = await call('POST', '/cases', mottagning, { caseRef, kind: 'barn', flags: { vald: 'ja', barnIHushallet: true, hedersrelaterat: false, skyddadeUppgifter: false } });
  expect(opened).toMatchObject({ status: 201 });
  const duty = opened.body.openTasks.find((t: any) => t.key === 'overlamning');
  // the facts call for a handover to RVT
  expect(duty).toBeTruthy();
  expect(duty.unit).toBe('mottagning');
  expect(duty.target).toBe('rvt');
  // and for a joint meeting
  expect(opened.body.meetings.length).toBe(1);
  expect(opened.body.meetings[0].units).toStrictEqual(['mottagning', 'rvt']);
  expect(opened.body.involvedUnits).toStrictEqual(['mottagning', 'rvt']);
  await mailTo(caseRef, 'mottagning@exempel.se', (m) => /Överlämning att skicka/.test(m.subject));

  // The handover to RVT: the family information is shown to RVT only after kvittens, and logged.
  const toRvt = await call('POST', `/cases/${caseRef}/overlamningar`, mottagning, {
    till: 'rvt',
    innehall: handoverContent({ uppdrag: { beskrivning: 'Skyddsbedömning och stödsamtal för mamman', senast: day(7) } }),
  });
  expect(toRvt).toMatchObject({ status: 201 });
  // the sender sees what it sent
  expect(toRvt.body.innehall.vald).toBe('ja');
  await mailTo(caseRef, 'rvt@exempel.se', (m) => /Överlämning att kvittera/.test(m.subject));
  const afterSend = await call('GET', `/cases/${caseRef}`, mottagning);
  // the duty is done once the handover is sent
  expect(afterSend.body.openTasks.find((t: any) => t.key === 'overlamning')).toBeUndefined();

  let inbox: any[] = [];
  for (let i = 0; i < 50 && !inbox.some((t) => t.workflowId === toRvt.body.workflowId); i++) {
    await new Promise((resolve) => setTimeout(resolve, 200));
    inbox = (await call('GET', '/tasks', rvt)).body.tasks;
  }
  const kvittensTask = inbox.find((t) => t.workflowId === toRvt.body.workflowId);
  // the handover is in RVT's task list
  expect(kvittensTask).toBeTruthy();
  expect(kvittensTask.title).toBe('Överlämning att kvittera');
  expect(kvittensTask.caseRef).toBe(caseRef);

  const unseen = await call('GET', `/cases/${caseRef}/overlamningar/o2`, rvt);
  expect(unseen.status).toBe(200);
  // no family information before kvittens
  expect(unseen.body.innehall).toBeUndefined();
  // but what RVT is asked to do
  expect(unseen.body.uppdrag.beskrivning).toMatch(/Skyddsbedömning/);
  const kvitterad = await call('POST', `/cases/${caseRef}/overlamningar/o2/svar`, rvt, { typ: 'kvittera' });
  expect(kvitterad).toMatchObject({ status: 200 });
  expect(kvitterad.body.innehall.vald).toBe('ja');
  expect(kvitterad.body.innehall.riskbedomning.instrument).toBe('FREDA');
  const log = await call('GET', `/cases/${caseRef}/overlamningar/o2/visningar`, { unit: 'rvt', role: 'enhetschef' });
  expect(log.status).toBe(200);
  // the view is logged: who, unit, when
  expect(log.body.visningar.some((v: any) => v.unit === 'rvt' && v.viewer === 'rvt-user')).toBeTruthy();
  expect(log.body.visningar.every((v: any) => typeof v.viewedAt === 'string')).toBeTruthy();
  expect((await call('GET', `/cases/${caseRef}/overlamningar/o2/visningar`, rvt)).status).toBe(403);

  // The joint meeting: booked, attended, held with a division of responsibility.
  const meetingUrl = `/cases/${caseRef}/moten/m1`;
  const noOutcome = await call('POST', `${meetingUrl}/atgarder`, mottagning, { typ: 'registrera_utfall', ansvar: [], nastaUppfoljning: day(30) });
  // a meeting cannot be held without its outcome
  expect(noOutcome.status).toBe(400);
  const booked = await call('POST', `${meetingUrl}/atgarder`, mottagning, { typ: 'boka', tid: new Date(Date.now() + 2000).toISOString() });
  expect(booked).toMatchObject({ status: 200 });
  await mailTo(caseRef, 'rvt@exempel.se', (m) => /Deltagande att bekräfta/.test(m.subject));
  const attending = await call('POST', `${meetingUrl}/atgarder`, rvt, { typ: 'bekrafta_deltagande' });
  expect(attending).toMatchObject({ status: 200 });
  await new Promise((resolve) => setTimeout(resolve, 2200));
  const held = await call('POST', `${meetingUrl}/atgarder`, mottagning, {
    typ: 'registrera_utfall',
    ansvar: [
      { enhet: 'rvt', uppgift: 'Stödsamtal och skyddsplanering med mamman', senast: day(14) },
      { enhet: 'mottagning', uppgift: 'Förhandsbedömning av barnens behov', senast: day(10) },
    ],
    nastaUppfoljning: day(30),
  });
  expect(held).toMatchObject({ status: 200 });
  expect(held.body.status).toBe('hallet');
  expect(held.body.tasks.filter((t: any) => t.status === 'open').map((t: any) => [t.key, t.unit])).toStrictEqual([
      ['motesuppgift', 'rvt'],
      ['motesuppgift', 'mottagning'],
      ['uppfoljning', 'mottagning'],
    ]);
  await mailTo(caseRef, 'rvt@exempel.se', (m) => /Uppgift från möte/.test(m.subject));

  // Trappan at resursenheten: refused without the violence field, and nothing is sent.
  const withoutViolence: Partial<HandoverContent> = handoverContent({ uppdrag: { beskrivning: 'Krissamtal för barnen (Trappan)', insats: 'trappan', senast: day(21) } });
  delete withoutViolence.vald;
  const refused = await call('POST', `/cases/${caseRef}/overlamningar`, mottagning, { till: 'resursenhet', innehall: withoutViolence });
  expect(refused.status).toBe(400);
  expect(refused.body.error.fields[0].field).toBe('innehall.vald');
  expect(refused.body.error.fields[0].message).toMatch(/våld är känt eller misstänkt/);
  // no handover was started
  expect((await call('GET', `/cases/${caseRef}`, mottagning)).body.handovers.length).toBe(1);

  const trappan = await call('POST', `/cases/${caseRef}/overlamningar`, mottagning, { till: 'resursenhet', innehall: { ...withoutViolence, vald: 'ja' } });
  expect(trappan).toMatchObject({ status: 201 });
  await mailTo(caseRef, 'resursenhet@exempel.se', (m) => /Överlämning att kvittera/.test(m.subject));
  const taken = await call('POST', `/cases/${caseRef}/overlamningar/${trappan.body.id}/svar`, resursenhet, { typ: 'kvittera' });
  // resursenheten knows of the violence before it starts
  expect(taken.body.innehall.vald).toBe('ja');

  const final = await call('GET', `/cases/${caseRef}`, mottagning);
  expect(final.body.handovers.map((x: any) => [x.till, x.status])).toStrictEqual([
      ['rvt', 'kvitterad'],
      ['resursenhet', 'kvitterad'],
    ]);

  const mails = mailsOf(caseRef);
  // the case's notices arrived
  expect(mails.length).toBeGreaterThanOrEqual(6);
  for (const mail of mails) {
    // nothing of the case in any e-mail
    for (const secret of secrets) expect(`${mail.subject}\n${mail.text}`).not.toContain(secret);
  }
});

test('an external partner confirms receipt once through its link, which shows nothing of the case', async () => {
  const caseRef = `TY-${randomUUID().slice(0, 8)}`;
  await call('POST', '/cases', mottagning, { caseRef, kind: 'barn', flags: { vald: 'nej', barnIHushallet: true, hedersrelaterat: false, skyddadeUppgifter: false } });
  const consent = await call('POST', `/cases/${caseRef}/actions`, mottagning, { type: 'samtycke', mottagare: ['kvinnojour'], omfattning: 'Skyddat boende för mamman och barnen', lamnat: day(0) });
  expect(consent).toMatchObject({ status: 200 });
  const sent = await call('POST', `/cases/${caseRef}/overlamningar`, mottagning, { till: 'kvinnojour', innehall: handoverContent({ vald: 'nej' }), rattsligGrund: { typ: 'samtycke', samtyckeId: 's1' } });
  expect(sent).toMatchObject({ status: 201 });
  expect(sent.body.receiverKind).toBe('extern');
  // A partner's mail carries no key that names the case: it is found by its keyed header.
  const mail = await h.mail.waitFor(isFrom(sent.body.workflowId, 'd1.r0.ny_uppgift0'), 15_000);
  expect(mail.to).toStrictEqual(['kontakt@kvinnojouren.exempel.se']);
  // not even the case reference
  for (const part of [mail.subject, mail.text, mail.messageId, ...Object.values(mail.headers)]) expect(part).not.toContain(caseRef);
  const link = /http:\/\/samverkan\.test(\/kvittens\/[A-Za-z0-9_-]+)/.exec(mail.text)?.[1];
  // the partner's mail holds its receipt link
  expect(link).toBeTruthy();

  const pageView = await h.app.inject({ method: 'GET', url: link });
  expect(pageView.statusCode).toBe(200);
  expect(pageView.body).toMatch(/Bekräfta mottagandet/);
  expect(pageView.body).not.toContain(caseRef);
  // opening the page changes nothing
  expect((await call('GET', `/cases/${caseRef}/overlamningar/${sent.body.id}`, mottagning)).body.status).toBe('skickad');

  const confirmed = await h.app.inject({ method: 'POST', url: link });
  expect({ status: confirmed.statusCode, body: confirmed.body }).toMatchObject({ status: 200 });
  expect(confirmed.body).toMatch(/Mottagandet är bekräftat/);
  expect((await call('GET', `/cases/${caseRef}/overlamningar/${sent.body.id}`, mottagning)).body.status).toBe('kvitterad');
  const again = await h.app.inject({ method: 'POST', url: link });
  // single use
  expect(again.statusCode).toBe(410);
  expect(again.body).toMatch(/redan använts/);
  const forged = await h.app.inject({ method: 'POST', url: '/kvittens/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa' });
  expect(forged.statusCode).toBe(410);
  expect(forged.body).toMatch(/okänd/);
});

test('a dispute through the API: raised by a unit in the case, decided by the sektorchef only, recorded on the case', async () => {
  const caseRef = `TY-${randomUUID().slice(0, 8)}`;
  await call('POST', '/cases', mottagning, { caseRef, kind: 'barn', flags: { vald: 'nej', barnIHushallet: true, hedersrelaterat: false, skyddadeUppgifter: false } });
  const sent = await call('POST', `/cases/${caseRef}/overlamningar`, mottagning, { till: 'resursenhet', innehall: handoverContent({ vald: 'nej' }) });
  expect(sent).toMatchObject({ status: 201 });

  const outsider = await call('POST', `/cases/${caseRef}/tvister`, { unit: 'familjevard' }, { foremal: { typ: 'overlamning', id: sent.body.id }, skal: 'Vi håller inte med om uppdraget' });
  // a unit outside the case does not learn of it
  expect(outsider.status).toBe(404);
  const unknown = await call('POST', `/cases/${caseRef}/tvister`, resursenhet, { foremal: { typ: 'insats', id: 'i9' }, skal: 'Insatsen passar inte familjen' });
  expect(unknown.status).toBe(400);
  expect(unknown.body.error.fields[0].field).toBe('foremal.id');

  const raised = await call('POST', `/cases/${caseRef}/tvister`, resursenhet, { foremal: { typ: 'overlamning', id: sent.body.id }, skal: 'Familjen behöver skyddsplanering innan krissamtal' });
  expect(raised).toMatchObject({ status: 201 });
  expect(raised.body.status).toBe('vantar_beslut');
  const twice = await call('POST', `/cases/${caseRef}/tvister`, mottagning, { foremal: { typ: 'overlamning', id: sent.body.id }, skal: 'Samma fråga från andra hållet' });
  // one open dispute per subject
  expect(twice.status).toBe(409);

  const byChef = await call('POST', `/cases/${caseRef}/tvister/${raised.body.id}/beslut`, { unit: 'mottagning', role: 'enhetschef' }, { beslut: 'Mottagningen bestämmer själv' });
  expect(byChef.status).toBe(403);
  const decided = await call('POST', `/cases/${caseRef}/tvister/${raised.body.id}/beslut`, { unit: 'ifo', role: 'sektorchef' }, { beslut: 'RVT gör skyddsplaneringen först', ansvarigEnhet: 'rvt' });
  expect(decided).toMatchObject({ status: 200 });
  expect(decided.body.decision.by).toBe('ifo-user');
  let view: any;
  for (let i = 0; i < 50; i++) {
    view = (await call('GET', `/cases/${caseRef}`, mottagning)).body;
    if (view.disputes[0]?.status === 'avgjord') break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  expect(view.disputes[0].decision.text).toBe('RVT gör skyddsplaneringen först');
  expect((await call('GET', `/cases/${caseRef}/tvister/${raised.body.id}`, resursenhet)).body.status).toBe('avgjord');
});
