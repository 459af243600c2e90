// Handovers on the real time-skipping test server: kvittens in time stays quiet, silence
// escalates in the configured order, a rejection becomes a dispute for the sektorchef, a request
// for more information is answered, and nothing leaves the municipality without a legal ground.
import assert from 'node:assert/strict';
import { after, afterEach, before, test } from 'node:test';
import type { CaseAction } from '../domain/case';
import type { HandoverResponse, StartHandover } from '../domain/handover';
import { caseViewQuery, decideDisputeUpdate, disputeViewQuery, handoverResponseUpdate, handoverViewQuery, performActionUpdate, startHandoverUpdate } from '../domain/messages';
import { handoverContent } from './support/handover-content';
import { isFrom, sentBy } from './support/mail';
import { skipTo } from './support/time';
import { refused } from './support/refusals';
import { actor, itemByItemRules, startWorkflowHarness, type WorkflowHarness } from './support/workflow-harness';

let h: WorkflowHarness;
before(async () => {
  // These tests follow each escalation e-mail; digests.test.ts covers the digest.
  h = await startWorkflowHarness({ rules: itemByItemRules });
  await skipTo(h.env, '2030-03-04T07:00:00Z');
});
afterEach(async () => {
  await h.terminateAll();
});
after(async () => {
  await h?.close();
});

type Handle = Awaited<ReturnType<WorkflowHarness['startCase']>>['handle'];

async function send(handle: Handle, request: Partial<StartHandover> = {}) {
  return handle.executeUpdate(startHandoverUpdate, {
    args: [{ actor: actor('mottagning'), to: 'rvt', receiverKind: 'intern', content: handoverContent(), ...request }],
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
  assert.equal(handoverId, 'o1');
  const announced = await h.mail.waitFor(isFrom(workflowId, 'd1.r0.ny_uppgift0'));
  assert.deepEqual(announced.to, ['rvt@exempel.se']);
  assert.match(announced.subject, /^Ny uppgift för Relationsvåldsteamet: Överlämning att kvittera$/);

  const before = await h.env.client.workflow.getHandle(workflowId).query(handoverViewQuery);
  assert.equal(before.tasks[0]!.dueAt, '2030-03-06T22:59:59.999Z', 'two working days: Wednesday evening');
  await skipTo(h.env, '2030-03-05T09:00:00Z');
  const done = await respond(workflowId, 'rvt', { typ: 'kvittera' });
  assert.equal(done.status, 'kvitterad');

  await skipTo(h.env, '2030-03-09T12:00:00Z');
  await h.completed(workflowId);
  assert.deepEqual(sentBy(h.mail.messages(), workflowId), ['d1.r0.ny_uppgift0'], 'kvitterad in time: nothing more');
  const view = await handle.query(caseViewQuery);
  assert.equal(view.handovers[0]!.status, 'kvitterad');
  assert.ok(view.events.some((e) => e.type === 'overlamning_kvitterad' && e.unit === 'rvt'));
});

test('an ignored handover is reminded, then escalated to the enhetschef and the sektorchef in order', async () => {
  await skipTo(h.env, '2030-03-11T07:00:00Z');
  const { handle } = await quietCase();
  const { workflowId } = await send(handle);
  await h.mail.waitFor(isFrom(workflowId, 'd1.r0.ny_uppgift0'));

  await skipTo(h.env, '2030-03-12T22:58:00Z');
  await h.settledChild(workflowId);
  assert.deepEqual(sentBy(h.mail.messages(), workflowId), ['d1.r0.ny_uppgift0'], 'no reminder before its time');
  await skipTo(h.env, '2030-03-12T23:00:30Z');
  const reminder = await h.mail.waitFor(isFrom(workflowId, 'd1.r0.paminnelse0'));
  assert.deepEqual(reminder.to, ['rvt@exempel.se']);

  await skipTo(h.env, '2030-03-13T23:00:30Z');
  const toChef = await h.mail.waitFor(isFrom(workflowId, 'd1.r0.eskalering0'));
  assert.deepEqual(toChef.to, ['chef.rvt@exempel.se'], "the receiving unit's enhetschef at the deadline");
  assert.match(toChef.subject, /Eskalering till enhetschef: försenad uppgift hos Relationsvåldsteamet/);
  const stuck = await h.env.client.workflow.getHandle(workflowId).query(handoverViewQuery);
  assert.equal(stuck.tasks[0]!.escalationLevel, 1);

  await skipTo(h.env, '2030-03-15T23:00:30Z');
  const toSektorchef = await h.mail.waitFor(isFrom(workflowId, 'd1.r0.eskalering1'));
  assert.deepEqual(toSektorchef.to, ['sektorchef.ifo@exempel.se']);
  assert.deepEqual(sentBy(h.mail.messages(), workflowId), ['d1.r0.ny_uppgift0', 'd1.r0.paminnelse0', 'd1.r0.eskalering0', 'd1.r0.eskalering1']);
});

test('a rejected handover opens a dispute; the sektorchef decides, late, and every unit learns of it', async () => {
  await skipTo(h.env, '2030-03-18T07:00:00Z');
  const { handle } = await quietCase();
  const { workflowId } = await send(handle, { to: 'resursenhet' });
  const wrongUnit = await refused(respond(workflowId, 'rvt', { typ: 'avvisa', skal: 'Fel enhet för detta uppdrag' }));
  assert.equal(wrongUnit.type, 'EJ_BEHORIG');
  const noReason = await refused(respond(workflowId, 'resursenhet', { typ: 'avvisa', skal: 'nej' }));
  assert.equal(noReason.type, 'OGILTIG_UPPGIFT');
  assert.match(noReason.message, /skälet/);

  const rejected = await respond(workflowId, 'resursenhet', { typ: 'avvisa', skal: 'Familjen behöver först en skyddsplanering hos RVT' });
  assert.equal(rejected.status, 'avvisad');
  let view = await handle.query(caseViewQuery);
  for (let i = 0; i < 50 && view.disputes.length === 0; i++) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    view = await handle.query(caseViewQuery);
  }
  const [dispute] = view.disputes;
  assert.ok(dispute, 'the rejection opened a dispute');
  assert.deepEqual(dispute.subject, { typ: 'overlamning', id: 'o1' });
  assert.equal(dispute.raisedBy, 'resursenhet');
  assert.equal(dispute.status, 'vantar_beslut');
  const toSektor = await h.mail.waitFor(isFrom(dispute.workflowId, 'd1.r0.ny_uppgift0'));
  assert.deepEqual(toSektor.to, ['sektorchef.ifo@exempel.se']);

  const disputeHandle = h.env.client.workflow.getHandle(dispute.workflowId);
  const notChef = await refused(disputeHandle.executeUpdate(decideDisputeUpdate, { args: [{ actor: actor('mottagning', 'enhetschef'), beslut: 'Resursenheten tar uppdraget direkt' }] }));
  assert.equal(notChef.type, 'EJ_BEHORIG');

  // Five working days to decide; then the sektorchef is told, and two days later the förvaltningschef.
  await skipTo(h.env, '2030-03-25T23:00:30Z');
  const late = await h.mail.waitFor(isFrom(dispute.workflowId, 'd1.r0.eskalering0'));
  assert.deepEqual(late.to, ['sektorchef.ifo@exempel.se']);
  await skipTo(h.env, '2030-03-27T23:00:30Z');
  const toDirector = await h.mail.waitFor(isFrom(dispute.workflowId, 'd1.r0.eskalering1'));
  assert.deepEqual(toDirector.to, ['forvaltningschef@exempel.se']);

  const decided = await disputeHandle.executeUpdate(decideDisputeUpdate, {
    args: [{ actor: actor('ifo', 'sektorchef'), beslut: 'RVT gör skyddsplaneringen först, därefter tar resursenheten uppdraget', ansvarigEnhet: 'rvt' }],
  });
  assert.equal(decided.status, 'avgjord');
  for (const unit of ['mottagning', 'resursenhet']) {
    const notice = await h.mail.waitFor(isFrom(dispute.workflowId, `beslut.${unit}`));
    assert.equal(notice.subject, 'Samverkan: Sektorchefen har avgjort en tvist i ärendet');
    assert.doesNotMatch(notice.text, /skyddsplanering/, 'the decision itself stays in the system');
  }
  view = await handle.query(caseViewQuery);
  for (let i = 0; i < 50 && view.disputes[0]!.status !== 'avgjord'; i++) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    view = await handle.query(caseViewQuery);
  }
  assert.equal(view.disputes[0]!.decision?.by, 'ifo-1');
  assert.match(view.disputes[0]!.decision!.text, /RVT gör skyddsplaneringen först/);
  assert.ok(view.events.some((e) => e.type === 'tvist_avgjord'));
  assert.equal((await disputeHandle.query(disputeViewQuery)).decision?.ansvarigEnhet, 'rvt');
});

test('a request for more information is answered, the clock keeps running, and the handover completes', async () => {
  await skipTo(h.env, '2030-04-01T07:00:00Z');
  const { handle } = await quietCase();
  const { workflowId } = await send(handle);
  const asked = await respond(workflowId, 'rvt', { typ: 'begar_komplettering', fraga: 'När gjordes polisanmälan?' });
  assert.equal(asked.status, 'komplettering_begard');
  const answerTask = asked.tasks.find((t) => t.key === 'komplettering')!;
  assert.equal(answerTask.unit, 'mottagning');
  assert.equal(asked.tasks.find((t) => t.key === 'kvittens')!.status, 'open', "the receiver's clock keeps running");
  const toSender = await h.mail.waitFor(isFrom(workflowId, `${answerTask.id}.r0.ny_uppgift0`));
  assert.deepEqual(toSender.to, ['mottagning@exempel.se']);
  assert.doesNotMatch(toSender.text, /polisanmälan/, 'the question stays in the system');

  const again = await refused(respond(workflowId, 'rvt', { typ: 'begar_komplettering', fraga: 'Och vilka skolor?' }));
  assert.equal(again.type, 'FEL_FAS');
  const notSender = await refused(respond(workflowId, 'rvt', { typ: 'besvara_komplettering', svar: 'Den 1 mars' }));
  assert.equal(notSender.type, 'EJ_BEHORIG');
  const answered = await respond(workflowId, 'mottagning', { typ: 'besvara_komplettering', svar: 'Polisanmälan gjordes den 1 mars' });
  assert.equal(answered.status, 'komplettering_besvarad');
  const done = await respond(workflowId, 'rvt', { typ: 'kvittera' });
  assert.equal(done.status, 'kvitterad');
  assert.deepEqual(
    done.thread.map((t) => t.typ),
    ['skickad', 'komplettering_begard', 'komplettering_besvarad', 'kvitterad'],
  );
  await h.completed(workflowId);
});

test('a handover to an external partner without a legal ground is refused and nothing is sent', async () => {
  await skipTo(h.env, '2030-04-08T07:00:00Z');
  const { handle } = await quietCase();
  const before = h.mail.messages().length;
  const failure = await refused(send(handle, { to: 'kvinnojour', receiverKind: 'extern' }));
  assert.equal(failure.type, 'RATTSLIG_GRUND_SAKNAS');
  assert.match(failure.message, /utan samtycke eller lagstöd/);
  const unknownGround = await refused(send(handle, { to: 'kvinnojour', receiverKind: 'extern', legalGround: { typ: 'lagstod', grund: 'for-att-det-ar-bra' } }));
  assert.equal(unknownGround.type, 'OGILTIG_UPPGIFT');
  const view = await handle.query(caseViewQuery);
  assert.deepEqual(view.handovers, [], 'no handover was started');
  await new Promise((resolve) => setTimeout(resolve, 500));
  assert.ok(!h.mail.messages().slice(before).some((m) => m.to.includes('kontakt@kvinnojouren.exempel.se')), 'nothing went to the partner');

  const withGround = await send(handle, { to: 'polis', receiverKind: 'extern', legalGround: { typ: 'lagstod', grund: 'osl-10-21' } });
  const toPolice = await h.mail.waitFor(isFrom(withGround.workflowId, 'd1.r0.ny_uppgift0'));
  assert.deepEqual(toPolice.to, ['registrator@polis.exempel.se']);
  assert.match(toPolice.text, /\/kvittens\/[A-Za-z0-9_-]{20,}/, 'a receipt link instead of a link into the system');
  assert.doesNotMatch(toPolice.text + toPolice.subject, /T-|våld|Trappan|arabiska|FREDA/, 'nothing of the case');
});

test('a withdrawn consent cancels the pending handover under it and blocks the next one', async () => {
  await skipTo(h.env, '2030-04-15T07:00:00Z');
  const { handle } = await quietCase();
  const noConsent = await refused(send(handle, { to: 'kvinnojour', receiverKind: 'extern', legalGround: { typ: 'samtycke', samtyckeId: 's1' } }));
  assert.equal(noConsent.type, 'OGILTIG_UPPGIFT');
  const withConsent = await act(handle, 'mottagning', { type: 'samtycke', mottagare: ['kvinnojour'], omfattning: 'Behov av skyddat boende', lamnat: '2030-04-15' });
  assert.equal(withConsent.consents[0]!.id, 's1');
  const notCovered = await refused(send(handle, { to: 'vard', receiverKind: 'extern', legalGround: { typ: 'samtycke', samtyckeId: 's1' } }));
  assert.equal(notCovered.type, 'RATTSLIG_GRUND_SAKNAS');
  assert.match(notCovered.message, /omfattar inte vard/);

  const first = await send(handle, { to: 'kvinnojour', receiverKind: 'extern', legalGround: { typ: 'samtycke', samtyckeId: 's1' } });
  await h.mail.waitFor(isFrom(first.workflowId, 'd1.r0.ny_uppgift0'));
  const withdrawn = await act(handle, 'mottagning', { type: 'aterkalla_samtycke', samtyckeId: 's1' });
  assert.ok(withdrawn.consents[0]!.withdrawnAt);
  assert.equal(withdrawn.handovers[0]!.status, 'aterkallad');
  await h.completed(first.workflowId);
  assert.equal((await h.env.client.workflow.getHandle(first.workflowId).query(handoverViewQuery)).status, 'aterkallad', 'the pending handover was cancelled');
  const told = await h.mail.waitFor(isFrom(first.workflowId, 'aterkallad'));
  assert.deepEqual(told.to, ['kontakt@kvinnojouren.exempel.se']);

  const blocked = await refused(send(handle, { to: 'kvinnojour', receiverKind: 'extern', legalGround: { typ: 'samtycke', samtyckeId: 's1' } }));
  assert.equal(blocked.type, 'RATTSLIG_GRUND_SAKNAS');
  assert.match(blocked.message, /återkallat/);
  assert.equal((await handle.query(caseViewQuery)).handovers.length, 1, 'no second handover');
});
