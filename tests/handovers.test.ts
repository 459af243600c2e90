// Handovers on the real time-skipping test server: kvittens in time stays quiet, silence
// escalates in the configured order, a rejection becomes a dispute for the sektorchef, a request
// for more information is answered, and nothing leaves the municipality without a legal ground.
import { afterAll, afterEach, beforeAll, expect, test } from '@jest/globals';
import type { CaseAction } from '../domain/case';
import type { HandoverResponse, StartHandover } from '../domain/handover';
import { caseViewQuery, decideDisputeUpdate, disputeViewQuery, handoverResponseUpdate, handoverViewQuery, performActionUpdate, startHandoverUpdate } from '../domain/messages';
import { handoverContent } from './support/handover-content';
import { isFrom, sentBy } from './support/mail';
import { skipTo } from './support/time';
import { refused } from './support/refusals';
import { actor, itemByItemRules, startWorkflowHarness, type WorkflowHarness } from './support/workflow-harness';

let h: WorkflowHarness;
beforeAll(async () => {
  // These tests follow each escalation e-mail; digests.test.ts covers the digest.
  h = await startWorkflowHarness({ rules: itemByItemRules });
  await skipTo(h.env, '2030-03-04T07:00:00Z');
});
afterEach(async () => {
  await h.terminateAll();
});
afterAll(async () => {
  await h?.close();
});

type Handle = Awaited<ReturnType<WorkflowHarness['startCase']>>['handle'];

async function send(handle: Handle, request: Partial<StartHandover> = {}) {
  return handle.executeUpdate(startHandoverUpdate, {
    // The quiet case knows of no violence, and the handover says what the case knows.
    args: [{ actor: actor('mottagning'), till: 'rvt', receiverKind: 'intern', innehall: handoverContent({ vald: 'nej' }), ...request }],
  });
}
const respond = (workflowId: string, unit: string, response: HandoverResponse) =>
  h.env.client.workflow.getHandle(workflowId).executeUpdate(handoverResponseUpdate, { args: [{ actor: actor(unit), response }] });
const act = (handle: Handle, unit: string, action: CaseAction) => handle.executeUpdate(performActionUpdate, { args: [{ actor: actor(unit), action }] });


/** A child case at mottagningen without known violence: no handover or meeting of its own. */
const quietCase = () => h.startCase({ kind: 'barn' });

test('a handover acknowledged in time sends no reminder and no escalation', async () => {
  const { handle } = await quietCase();
  const { handoverId, workflowId } = await send(handle);
  expect(handoverId).toBe('o1');
  const announced = await h.mail.waitFor(isFrom(workflowId, 'd1.r0.ny_uppgift0'));
  expect(announced.to).toStrictEqual(['rvt@exempel.se']);
  expect(announced.subject).toMatch(/^Ny uppgift för Relationsvåldsteamet: Överlämning att kvittera$/);

  const before = await h.env.client.workflow.getHandle(workflowId).query(handoverViewQuery);
  // two working days: Wednesday evening
  expect(before.tasks[0]!.dueAt).toBe('2030-03-06T22:59:59.999Z');
  await skipTo(h.env, '2030-03-05T09:00:00Z');
  const done = await respond(workflowId, 'rvt', { typ: 'kvittera' });
  expect(done.status).toBe('kvitterad');

  await skipTo(h.env, '2030-03-09T12:00:00Z');
  await h.completed(workflowId);
  // kvitterad in time: nothing more
  expect(sentBy(h.mail.messages(), workflowId)).toStrictEqual(['d1.r0.ny_uppgift0']);
  const view = await handle.query(caseViewQuery);
  expect(view.handovers[0]!.status).toBe('kvitterad');
  expect(view.events.some((e) => e.type === 'overlamning_kvitterad' && e.unit === 'rvt')).toBeTruthy();
});

test('an ignored handover is reminded, then escalated to the enhetschef and the sektorchef in order', async () => {
  await skipTo(h.env, '2030-03-11T07:00:00Z');
  const { handle } = await quietCase();
  const { workflowId } = await send(handle);
  await h.mail.waitFor(isFrom(workflowId, 'd1.r0.ny_uppgift0'));

  await skipTo(h.env, '2030-03-12T22:58:00Z');
  await h.settledChild(workflowId);
  // no reminder before its time
  expect(sentBy(h.mail.messages(), workflowId)).toStrictEqual(['d1.r0.ny_uppgift0']);
  await skipTo(h.env, '2030-03-12T23:00:30Z');
  const reminder = await h.mail.waitFor(isFrom(workflowId, 'd1.r0.paminnelse0'));
  expect(reminder.to).toStrictEqual(['rvt@exempel.se']);

  await skipTo(h.env, '2030-03-13T23:00:30Z');
  const toChef = await h.mail.waitFor(isFrom(workflowId, 'd1.r0.eskalering0'));
  // the receiving unit's enhetschef at the deadline
  expect(toChef.to).toStrictEqual(['chef.rvt@exempel.se']);
  expect(toChef.subject).toMatch(/Eskalering till enhetschef: försenad uppgift hos Relationsvåldsteamet/);
  const stuck = await h.env.client.workflow.getHandle(workflowId).query(handoverViewQuery);
  expect(stuck.tasks[0]!.escalationLevel).toBe(1);

  await skipTo(h.env, '2030-03-15T23:00:30Z');
  const toSektorchef = await h.mail.waitFor(isFrom(workflowId, 'd1.r0.eskalering1'));
  expect(toSektorchef.to).toStrictEqual(['sektorchef.ifo@exempel.se']);
  expect(sentBy(h.mail.messages(), workflowId)).toStrictEqual(['d1.r0.ny_uppgift0', 'd1.r0.paminnelse0', 'd1.r0.eskalering0', 'd1.r0.eskalering1']);
});

test('a rejected handover opens a dispute; the sektorchef decides, late, and every unit learns of it', async () => {
  await skipTo(h.env, '2030-03-18T07:00:00Z');
  const { handle } = await quietCase();
  const { workflowId } = await send(handle, { till: 'resursenhet' });
  const wrongUnit = await refused(respond(workflowId, 'rvt', { typ: 'avvisa', skal: 'Fel enhet för detta uppdrag' }));
  expect(wrongUnit.type).toBe('EJ_BEHORIG');
  const noReason = await refused(respond(workflowId, 'resursenhet', { typ: 'avvisa', skal: 'nej' }));
  expect(noReason.type).toBe('OGILTIG_UPPGIFT');
  expect(noReason.message).toMatch(/skälet/);

  const rejected = await respond(workflowId, 'resursenhet', { typ: 'avvisa', skal: 'Familjen behöver först en skyddsplanering hos RVT' });
  expect(rejected.status).toBe('avvisad');
  let view = await handle.query(caseViewQuery);
  for (let i = 0; i < 50 && view.disputes.length === 0; i++) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    view = await handle.query(caseViewQuery);
  }
  const dispute = view.disputes[0]!;
  // the rejection opened a dispute
  expect(dispute).toBeDefined();
  expect(dispute.foremal).toStrictEqual({ typ: 'overlamning', id: 'o1' });
  expect(dispute.raisedBy).toBe('resursenhet');
  expect(dispute.status).toBe('vantar_beslut');
  const toSektor = await h.mail.waitFor(isFrom(dispute.workflowId, 'd1.r0.ny_uppgift0'));
  expect(toSektor.to).toStrictEqual(['sektorchef.ifo@exempel.se']);

  const disputeHandle = h.env.client.workflow.getHandle(dispute.workflowId);
  const notChef = await refused(disputeHandle.executeUpdate(decideDisputeUpdate, { args: [{ actor: actor('mottagning', 'enhetschef'), beslut: 'Resursenheten tar uppdraget direkt' }] }));
  expect(notChef.type).toBe('EJ_BEHORIG');

  // Five working days to decide; then the sektorchef is told, and two days later the förvaltningschef.
  await skipTo(h.env, '2030-03-25T23:00:30Z');
  const late = await h.mail.waitFor(isFrom(dispute.workflowId, 'd1.r0.eskalering0'));
  expect(late.to).toStrictEqual(['sektorchef.ifo@exempel.se']);
  await skipTo(h.env, '2030-03-27T23:00:30Z');
  const toDirector = await h.mail.waitFor(isFrom(dispute.workflowId, 'd1.r0.eskalering1'));
  expect(toDirector.to).toStrictEqual(['forvaltningschef@exempel.se']);

  const decided = await disputeHandle.executeUpdate(decideDisputeUpdate, {
    args: [{ actor: actor('ifo', 'sektorchef'), beslut: 'RVT gör skyddsplaneringen först, därefter tar resursenheten uppdraget', ansvarigEnhet: 'rvt' }],
  });
  expect(decided.status).toBe('avgjord');
  for (const unit of ['mottagning', 'resursenhet']) {
    const notice = await h.mail.waitFor(isFrom(dispute.workflowId, `beslut.${unit}`));
    expect(notice.subject).toBe('Samverkan: Sektorchefen har avgjort en tvist i ärendet');
    // the decision itself stays in the system
    expect(notice.text).not.toMatch(/skyddsplanering/);
  }
  view = await handle.query(caseViewQuery);
  for (let i = 0; i < 50 && view.disputes[0]!.status !== 'avgjord'; i++) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    view = await handle.query(caseViewQuery);
  }
  expect(view.disputes[0]!.decision?.by).toBe('ifo-1');
  expect(view.disputes[0]!.decision!.text).toMatch(/RVT gör skyddsplaneringen först/);
  expect(view.events.some((e) => e.type === 'tvist_avgjord')).toBeTruthy();
  expect((await disputeHandle.query(disputeViewQuery)).decision?.ansvarigEnhet).toBe('rvt');
});

test('a request for more information is answered, the clock keeps running, and the handover completes', async () => {
  await skipTo(h.env, '2030-04-01T07:00:00Z');
  const { handle } = await quietCase();
  const { workflowId } = await send(handle);
  const asked = await respond(workflowId, 'rvt', { typ: 'begar_komplettering', fraga: 'När gjordes polisanmälan?' });
  expect(asked.status).toBe('komplettering_begard');
  const answerTask = asked.tasks.find((t) => t.key === 'komplettering')!;
  expect(answerTask.unit).toBe('mottagning');
  // the receiver's clock keeps running
  expect(asked.tasks.find((t) => t.key === 'kvittens')!.status).toBe('open');
  const toSender = await h.mail.waitFor(isFrom(workflowId, `${answerTask.id}.r0.ny_uppgift0`));
  expect(toSender.to).toStrictEqual(['mottagning@exempel.se']);
  // the question stays in the system
  expect(toSender.text).not.toMatch(/polisanmälan/);

  const again = await refused(respond(workflowId, 'rvt', { typ: 'begar_komplettering', fraga: 'Och vilka skolor?' }));
  expect(again.type).toBe('FEL_FAS');
  const notSender = await refused(respond(workflowId, 'rvt', { typ: 'besvara_komplettering', svar: 'Den 1 mars' }));
  expect(notSender.type).toBe('EJ_BEHORIG');
  const answered = await respond(workflowId, 'mottagning', { typ: 'besvara_komplettering', svar: 'Polisanmälan gjordes den 1 mars' });
  expect(answered.status).toBe('komplettering_besvarad');
  const done = await respond(workflowId, 'rvt', { typ: 'kvittera' });
  expect(done.status).toBe('kvitterad');
  expect(done.thread.map((t) => t.typ)).toStrictEqual(['skickad', 'komplettering_begard', 'komplettering_besvarad', 'kvitterad']);
  await h.completed(workflowId);
});

test('a handover to an external partner without a legal ground is refused and nothing is sent', async () => {
  await skipTo(h.env, '2030-04-08T07:00:00Z');
  const { handle } = await quietCase();
  const before = h.mail.messages().length;
  const failure = await refused(send(handle, { till: 'kvinnojour', receiverKind: 'extern' }));
  expect(failure.type).toBe('RATTSLIG_GRUND_SAKNAS');
  expect(failure.message).toMatch(/utan samtycke eller lagstöd/);
  const unknownGround = await refused(send(handle, { till: 'kvinnojour', receiverKind: 'extern', rattsligGrund: { typ: 'lagstod', grund: 'for-att-det-ar-bra' } }));
  expect(unknownGround.type).toBe('OGILTIG_UPPGIFT');
  const view = await handle.query(caseViewQuery);
  // no handover was started
  expect(view.handovers).toStrictEqual([]);
  await new Promise((resolve) => setTimeout(resolve, 500));
  // nothing went to the partner
  expect(!h.mail.messages().slice(before).some((m) => m.to.includes('kontakt@kvinnojouren.exempel.se'))).toBeTruthy();

  const withGround = await send(handle, { till: 'polis', receiverKind: 'extern', rattsligGrund: { typ: 'lagstod', grund: 'osl-10-21' } });
  const toPolice = await h.mail.waitFor(isFrom(withGround.workflowId, 'd1.r0.ny_uppgift0'));
  expect(toPolice.to).toStrictEqual(['registrator@polis.exempel.se']);
  // a receipt link instead of a link into the system
  expect(toPolice.text).toMatch(/\/kvittens\/[A-Za-z0-9_-]{20,}/);
  // nothing of the case (the link's random token aside: it may hold any two characters, "T-" too)
  expect((toPolice.text + toPolice.subject).replace(/\/kvittens\/[A-Za-z0-9_-]+/, '/kvittens/(länk)')).not.toMatch(/T-|våld|Trappan|arabiska|FREDA/);
});

test('a withdrawn consent cancels the pending handover under it and blocks the next one', async () => {
  await skipTo(h.env, '2030-04-15T07:00:00Z');
  const { handle } = await quietCase();
  const noConsent = await refused(send(handle, { till: 'kvinnojour', receiverKind: 'extern', rattsligGrund: { typ: 'samtycke', samtyckeId: 's1' } }));
  expect(noConsent.type).toBe('OGILTIG_UPPGIFT');
  const withConsent = await act(handle, 'mottagning', { type: 'samtycke', mottagare: ['kvinnojour'], omfattning: 'Behov av skyddat boende', lamnat: '2030-04-15' });
  expect(withConsent.consents[0]!.id).toBe('s1');
  const notCovered = await refused(send(handle, { till: 'vard', receiverKind: 'extern', rattsligGrund: { typ: 'samtycke', samtyckeId: 's1' } }));
  expect(notCovered.type).toBe('RATTSLIG_GRUND_SAKNAS');
  expect(notCovered.message).toMatch(/omfattar inte vard/);

  const first = await send(handle, { till: 'kvinnojour', receiverKind: 'extern', rattsligGrund: { typ: 'samtycke', samtyckeId: 's1' } });
  await h.mail.waitFor(isFrom(first.workflowId, 'd1.r0.ny_uppgift0'));
  const withdrawn = await act(handle, 'mottagning', { type: 'aterkalla_samtycke', samtyckeId: 's1' });
  expect(withdrawn.consents[0]!.withdrawnAt).toBeTruthy();
  expect(withdrawn.handovers[0]!.status).toBe('aterkallad');
  await h.completed(first.workflowId);
  // the pending handover was cancelled
  expect((await h.env.client.workflow.getHandle(first.workflowId).query(handoverViewQuery)).status).toBe('aterkallad');
  const told = await h.mail.waitFor(isFrom(first.workflowId, 'aterkallad'));
  expect(told.to).toStrictEqual(['kontakt@kvinnojouren.exempel.se']);

  const blocked = await refused(send(handle, { till: 'kvinnojour', receiverKind: 'extern', rattsligGrund: { typ: 'samtycke', samtyckeId: 's1' } }));
  expect(blocked.type).toBe('RATTSLIG_GRUND_SAKNAS');
  expect(blocked.message).toMatch(/återkallat/);
  // no second handover
  expect((await handle.query(caseViewQuery)).handovers.length).toBe(1);
});
