// Rule versions on the real time-skipping test server: a case keeps the version it started under
// when a newer one shortens a deadline; a case the samordnare moves on purpose follows the new
// deadlines from that moment; a unit the samordnare adds gets its first handover and e-mail, and
// a renamed unit's mail follows the current organisation.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, afterEach, before, test } from 'node:test';
import type pg from 'pg';
import type { CaseAction } from '../domain/case';
import { caseViewQuery, changeRulesUpdate, handoverResponseUpdate, performActionUpdate, startHandoverUpdate } from '../domain/messages';
import { defaultOrganisation } from '../domain/organisation';
import { validateRuleSet, type RuleSetDraft } from '../domain/rule-set';
import type { Rules } from '../domain/rules';
import { createPgRuleStore, type RuleStore } from '../infra/rule-store';
import { openTestDatabase } from './support/database';
import { addFamilyCentre } from './support/family-centre';
import { handoverContent } from './support/handover-content';
import { isFor, isFrom, sentBy, sentFor } from './support/mail';
import { refused } from './support/refusals';
import { skipTo } from './support/time';
import { actor, itemByItemRules, startWorkflowHarness, type WorkflowHarness } from './support/workflow-harness';

let h: WorkflowHarness;
let pool: pg.Pool;
let store: RuleStore;
before(async () => {
  pool = await openTestDatabase();
  // A scope of its own in the shared test database; version 1 is the defaults, escalating item by item.
  store = createPgRuleStore(pool, { scope: `test-${randomUUID()}`, seed: { organisation: defaultOrganisation, rules: itemByItemRules } });
  // The worker reads the organisation from the store, as in production.
  h = await startWorkflowHarness({ rules: itemByItemRules, organisation: async () => (await store.current()).organisation });
  await skipTo(h.env, '2030-09-02T07:00:00Z');
});
afterEach(async () => {
  await h.terminateAll();
});
after(async () => {
  await h?.close();
  await pool?.end();
});

type Handle = Awaited<ReturnType<WorkflowHarness['startCase']>>['handle'];
const act = (handle: Handle, unit: string, action: CaseAction) => handle.executeUpdate(performActionUpdate, { args: [{ actor: actor(unit), action }] });
const samordnare = actor('ifo', 'samordnare');

/** The samordnare's next version, accepted through the same validation and store as the API. */
async function accept(change: (draft: RuleSetDraft) => void, reason: string) {
  const current = await store.current();
  const { version: _version, ...rules } = current.rules;
  const draft = structuredClone({ organisation: current.organisation, rules }) as RuleSetDraft;
  change(draft);
  const validation = validateRuleSet(draft, current);
  assert.ok(validation.ok, JSON.stringify(!validation.ok && validation.issues));
  return store.append(validation.draft, { createdBy: samordnare.sub, reason });
}

test('a case keeps version 1 when version 2 shortens a deadline; a case moved to version 2 follows the new deadline from then on', async () => {
  const v1 = (await store.current()).rules;
  const v2: Rules = { ...v1, version: 2, deadlines: { ...v1.deadlines, 'barn.forhandsbedomning': { ...v1.deadlines['barn.forhandsbedomning']!, duration: 'P10D' } } };
  const { caseRef: keptRef, handle: kept } = await h.startCase({ kind: 'barn', rules: v1 });
  const { caseRef: movedRef, handle: moved } = await h.startCase({ kind: 'barn', rules: v1 });
  for (const handle of [kept, moved]) await act(handle, 'mottagning', { type: 'skyddsbedomning', skyddsbehov: 'ej_akut' });
  const fourteenDays = '2030-09-16T21:59:59.999Z';
  for (const handle of [kept, moved]) {
    const view = await handle.query(caseViewQuery);
    assert.equal(view.openTasks[0]!.dueAt, fourteenDays, '14 days from when the report arrived, to midnight in Stockholm');
  }

  await skipTo(h.env, '2030-09-04T08:00:00Z');
  // Only the samordnare moves a case, and only forward; a refusal changes nothing.
  const notAllowed = await refused(moved.executeUpdate(changeRulesUpdate, { args: [{ actor: actor('mottagning'), rules: v2, reason: 'Ny lokal rutin' }] }));
  assert.equal(notAllowed.type, 'EJ_BEHORIG');
  const backwards = await refused(moved.executeUpdate(changeRulesUpdate, { args: [{ actor: samordnare, rules: v1, reason: 'Ny lokal rutin' }] }));
  assert.equal(backwards.type, 'FEL_FAS');
  assert.equal((await moved.query(caseViewQuery)).rulesVersion, 1);

  const view = await moved.executeUpdate(changeRulesUpdate, { args: [{ actor: samordnare, rules: v2, reason: 'Ärendet följer den nya rutinen' }] });
  assert.equal(view.rulesVersion, 2);
  const forhand = view.openTasks.find((t) => t.key === 'barn.forhandsbedomning')!;
  assert.equal(forhand.dueAt, '2030-09-12T21:59:59.999Z', 'ten days from when the report arrived');
  assert.equal(forhand.duration, 'P10D');
  assert.deepEqual(view.rulesChanges?.map((c) => [c.from, c.to, c.by, c.reason]), [[1, 2, samordnare.sub, 'Ärendet följer den nya rutinen']]);
  assert.match(view.rulesChanges![0]!.changes[0]!, /^Förhandsbedömning: P14D → P10D/);
  assert.equal(view.events.at(-1)!.type, 'regelversion');
  const keptView = await kept.query(caseViewQuery);
  assert.deepEqual([keptView.rulesVersion, keptView.openTasks[0]!.dueAt], [1, fourteenDays], 'the other case keeps version 1');

  // Day 11: the moved case is escalated on the new deadline; the kept case is not yet due.
  await skipTo(h.env, '2030-09-12T22:00:30Z');
  const escalated = await h.mail.waitFor(isFor(movedRef, 'd2.r1.eskalering0'));
  assert.deepEqual(escalated.to, ['mottagning@exempel.se']);
  await h.settled(kept);
  const movedMail = sentFor(h.mail.messages(), movedRef);
  assert.ok(movedMail.includes('d2.r1.paminnelse0') && movedMail.includes('d2.r1.paminnelse1'), `reminders before the new deadline: ${movedMail.join(', ')}`);
  assert.ok(!sentFor(h.mail.messages(), keptRef).some((key) => key.startsWith('d2.r0.eskalering')), 'the kept case is not overdue on day 11');

  // Day 15: now the kept case is escalated, on its version 1 deadline.
  await skipTo(h.env, '2030-09-16T22:00:30Z');
  await h.mail.waitFor(isFor(keptRef, 'd2.r0.eskalering0'));
  await h.settled(moved);
  const planned = sentFor(h.mail.messages(), movedRef).filter((key) => /^d2\.r0\.(paminnelse|eskalering)/.test(key));
  assert.deepEqual(planned, [], 'nothing planned under version 1 was sent after the move');
});

test('a unit added by the samordnare receives its first handover and notification; renamed and then retired, it still gets the running handover\'s mail', async () => {
  await skipTo(h.env, '2030-10-07T07:00:00Z');
  const v2 = await accept(addFamilyCentre, 'Familjecentralen ansluter till samverkan');
  assert.equal(v2.version, 2);

  const { caseRef, handle } = await h.startCase({ kind: 'barn', rules: v2.rules, flags: { barnIHushallet: true } });
  const opened = await handle.query(caseViewQuery);
  assert.equal(opened.rulesVersion, 2);
  const duty = opened.openTasks.find((t) => t.key === 'overlamning')!;
  assert.deepEqual([duty.unit, duty.target, duty.trigger], ['mottagning', 'familjecentral', 'barn-familjecentral']);
  const told = await h.mail.waitFor(isFor(caseRef, `${duty.id}.r0.ny_uppgift0`));
  assert.deepEqual(told.to, ['mottagning@exempel.se']);

  const content = handoverContent();
  const { workflowId } = await handle.executeUpdate(startHandoverUpdate, {
    args: [{ actor: actor('mottagning'), to: 'familjecentral', receiverKind: 'intern', content }],
  });
  const first = await h.mail.waitFor(isFrom(workflowId, 'd1.r0.ny_uppgift0'));
  assert.deepEqual(first.to, ['familjecentral@exempel.se']);
  assert.equal(first.subject, 'Ny uppgift för Familjecentralen: Överlämning att kvittera');
  for (const secret of [content.tolk.sprak!, content.uppdrag.beskrivning]) assert.ok(!first.text.includes(secret), 'no case content in e-mail');
  assert.equal((await handle.query(caseViewQuery)).openTasks.some((t) => t.id === duty.id), false, 'the duty is done once the handover is sent');

  // The samordnare renames the unit and changes its mailbox: the running handover's reminder follows.
  await accept((draft) => {
    const unit = draft.organisation.units.find((u) => u.id === 'familjecentral')!;
    unit.name = 'Familjecentralen Centrum';
    unit.email = 'familjecentral.centrum@exempel.se';
  }, 'Familjecentralen har bytt namn och brevlåda');
  await skipTo(h.env, '2030-10-08T22:00:30Z');
  const reminder = await h.mail.waitFor(isFrom(workflowId, 'd1.r0.paminnelse0'));
  assert.deepEqual(reminder.to, ['familjecentral.centrum@exempel.se']);
  assert.match(reminder.text, /Ansvarig enhet: Familjecentralen Centrum/);

  // The samordnare then retires the unit (and the rule that sent it work): the running handover
  // still escalates to its enhetschef, and the unit can still kvittera.
  await accept((draft) => {
    draft.rules.triggers = draft.rules.triggers.filter((t) => t.id !== 'barn-familjecentral');
    draft.organisation.units.find((u) => u.id === 'familjecentral')!.retired = true;
  }, 'Familjecentralen lämnar samverkan vid årsskiftet');
  await skipTo(h.env, '2030-10-09T22:00:30Z');
  const escalated = await h.mail.waitFor(isFrom(workflowId, 'd1.r0.eskalering0'));
  assert.deepEqual(escalated.to, ['chef.familjecentral@exempel.se']);

  const acknowledged = await h.env.client.workflow
    .getHandle(workflowId)
    .executeUpdate(handoverResponseUpdate, { args: [{ actor: actor('familjecentral'), response: { typ: 'kvittera' } }] });
  assert.equal(acknowledged.status, 'kvitterad');
  await h.completed(workflowId);
  assert.deepEqual(sentBy(h.mail.messages(), workflowId), ['d1.r0.ny_uppgift0', 'd1.r0.paminnelse0', 'd1.r0.eskalering0']);
  const { caseRef: laterRef } = await h.startCase({ kind: 'barn', rules: (await store.current()).rules, flags: { barnIHushallet: true } });
  const later = await h.env.client.workflow.getHandle(`arende-${laterRef}`).query(caseViewQuery);
  assert.ok(!later.openTasks.some((t) => t.target === 'familjecentral'), 'a case opened after the retirement gives the unit nothing');
});

test('the grounds the samordnare allows for a partner are the only ones a handover to it can use', async () => {
  const v1 = (await store.current()).rules;
  const narrowed: Rules = { ...v1, handovers: { ...v1.handovers, partnerGrounds: { polis: ['osl-10-21'] } } };
  const { handle } = await h.startCase({ kind: 'barn', rules: narrowed });
  const toPolice = (grund: string) =>
    handle.executeUpdate(startHandoverUpdate, {
      args: [{ actor: actor('mottagning'), to: 'polis', receiverKind: 'extern', content: handoverContent(), legalGround: { typ: 'lagstod', grund } }],
    });
  const refusedGround = await refused(toPolice('osl-10-2'));
  assert.equal(refusedGround.type, 'RATTSLIG_GRUND_SAKNAS');
  assert.equal(refusedGround.message, 'Lagstödet osl-10-2 gäller inte för polis. Tillåtna: osl-10-21');
  assert.deepEqual((await handle.query(caseViewQuery)).handovers, [], 'nothing was sent');
  const sent = await toPolice('osl-10-21');
  assert.equal(sent.handoverId, 'o1');
  // Another partner may still be given information on any listed ground.
  const toCare = await handle.executeUpdate(startHandoverUpdate, {
    args: [{ actor: actor('mottagning'), to: 'vard', receiverKind: 'extern', content: handoverContent(), legalGround: { typ: 'lagstod', grund: 'osl-10-2' } }],
  });
  assert.equal(toCare.handoverId, 'o2');
});
