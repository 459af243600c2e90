// Rule versions on the real time-skipping test server: a case keeps the version it started under
// when a newer one shortens a deadline; a case the samordnare moves on purpose follows the new
// deadlines from that moment; a unit the samordnare adds gets its first handover and e-mail, and
// a renamed unit's mail follows the current organisation.
import { afterAll, afterEach, beforeAll, expect, test } from '@jest/globals';
import { randomUUID } from 'node:crypto';
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
beforeAll(async () => {
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
afterAll(async () => {
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
  expect(validation).toMatchObject({ ok: true });
  return store.append((validation as { draft: RuleSetDraft }).draft, { createdBy: samordnare.sub, reason });
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
    // 14 days from when the report arrived, to midnight in Stockholm
    expect(view.openTasks[0]!.dueAt).toBe(fourteenDays);
  }

  await skipTo(h.env, '2030-09-04T08:00:00Z');
  // Only the samordnare moves a case, and only forward; a refusal changes nothing.
  const notAllowed = await refused(moved.executeUpdate(changeRulesUpdate, { args: [{ actor: actor('mottagning'), rules: v2, reason: 'Ny lokal rutin' }] }));
  expect(notAllowed.type).toBe('EJ_BEHORIG');
  const backwards = await refused(moved.executeUpdate(changeRulesUpdate, { args: [{ actor: samordnare, rules: v1, reason: 'Ny lokal rutin' }] }));
  expect(backwards.type).toBe('FEL_FAS');
  expect((await moved.query(caseViewQuery)).rulesVersion).toBe(1);

  const view = await moved.executeUpdate(changeRulesUpdate, { args: [{ actor: samordnare, rules: v2, reason: 'Ärendet följer den nya rutinen' }] });
  expect(view.rulesVersion).toBe(2);
  const forhand = view.openTasks.find((t) => t.key === 'barn.forhandsbedomning')!;
  // ten days from when the report arrived
  expect(forhand.dueAt).toBe('2030-09-12T21:59:59.999Z');
  expect(forhand.duration).toBe('P10D');
  expect(view.rulesChanges?.map((c) => [c.from, c.to, c.by, c.reason])).toStrictEqual([[1, 2, samordnare.sub, 'Ärendet följer den nya rutinen']]);
  expect(view.rulesChanges![0]!.changes[0]!).toMatch(/^Förhandsbedömning: P14D → P10D/);
  expect(view.events.at(-1)!.type).toBe('regelversion');
  const keptView = await kept.query(caseViewQuery);
  // the other case keeps version 1
  expect([keptView.rulesVersion, keptView.openTasks[0]!.dueAt]).toStrictEqual([1, fourteenDays]);

  // Day 11: the moved case is escalated on the new deadline; the kept case is not yet due.
  await skipTo(h.env, '2030-09-12T22:00:30Z');
  const escalated = await h.mail.waitFor(isFor(movedRef, 'd2.r1.eskalering0'));
  expect(escalated.to).toStrictEqual(['mottagning@exempel.se']);
  await h.settled(kept);
  const movedMail = sentFor(h.mail.messages(), movedRef);
  // reminders before the new deadline
  expect(movedMail).toEqual(expect.arrayContaining(['d2.r1.paminnelse0', 'd2.r1.paminnelse1']));
  // the kept case is not overdue on day 11
  expect(!sentFor(h.mail.messages(), keptRef).some((key) => key.startsWith('d2.r0.eskalering'))).toBeTruthy();

  // Day 15: now the kept case is escalated, on its version 1 deadline.
  await skipTo(h.env, '2030-09-16T22:00:30Z');
  await h.mail.waitFor(isFor(keptRef, 'd2.r0.eskalering0'));
  await h.settled(moved);
  const planned = sentFor(h.mail.messages(), movedRef).filter((key) => /^d2\.r0\.(paminnelse|eskalering)/.test(key));
  // nothing planned under version 1 was sent after the move
  expect(planned).toStrictEqual([]);
});

test('a unit added by the samordnare receives its first handover and notification; renamed and then retired, it still gets the running handover\'s mail', async () => {
  await skipTo(h.env, '2030-10-07T07:00:00Z');
  const v2 = await accept(addFamilyCentre, 'Familjecentralen ansluter till samverkan');
  expect(v2.version).toBe(2);

  const { caseRef, handle } = await h.startCase({ kind: 'barn', rules: v2.rules, flags: { barnIHushallet: true } });
  const opened = await handle.query(caseViewQuery);
  expect(opened.rulesVersion).toBe(2);
  const duty = opened.openTasks.find((t) => t.key === 'overlamning')!;
  expect([duty.unit, duty.target, duty.trigger]).toStrictEqual(['mottagning', 'familjecentral', 'barn-familjecentral']);
  const told = await h.mail.waitFor(isFor(caseRef, `${duty.id}.r0.ny_uppgift0`));
  expect(told.to).toStrictEqual(['mottagning@exempel.se']);

  const content = handoverContent({ vald: 'nej' });
  const { workflowId } = await handle.executeUpdate(startHandoverUpdate, {
    args: [{ actor: actor('mottagning'), till: 'familjecentral', receiverKind: 'intern', innehall: content }],
  });
  const first = await h.mail.waitFor(isFrom(workflowId, 'd1.r0.ny_uppgift0'));
  expect(first.to).toStrictEqual(['familjecentral@exempel.se']);
  expect(first.subject).toBe('Ny uppgift för Familjecentralen: Överlämning att kvittera');
  // no case content in e-mail
  for (const secret of [content.tolk.sprak!, content.uppdrag.beskrivning]) expect(first.text).not.toContain(secret);
  // the duty is done once the handover is sent
  expect((await handle.query(caseViewQuery)).openTasks.some((t) => t.id === duty.id)).toBe(false);

  // The samordnare renames the unit and changes its mailbox: the running handover's reminder follows.
  await accept((draft) => {
    const unit = draft.organisation.units.find((u) => u.id === 'familjecentral')!;
    unit.name = 'Familjecentralen Centrum';
    unit.email = 'familjecentral.centrum@exempel.se';
  }, 'Familjecentralen har bytt namn och brevlåda');
  await skipTo(h.env, '2030-10-08T22:00:30Z');
  const reminder = await h.mail.waitFor(isFrom(workflowId, 'd1.r0.paminnelse0'));
  expect(reminder.to).toStrictEqual(['familjecentral.centrum@exempel.se']);
  expect(reminder.text).toMatch(/Ansvarig enhet: Familjecentralen Centrum/);

  // The samordnare then retires the unit (and the rule that sent it work): the running handover
  // still escalates to its enhetschef, and the unit can still kvittera.
  await accept((draft) => {
    draft.rules.triggers = draft.rules.triggers.filter((t) => t.id !== 'barn-familjecentral');
    draft.organisation.units.find((u) => u.id === 'familjecentral')!.retired = true;
  }, 'Familjecentralen lämnar samverkan vid årsskiftet');
  await skipTo(h.env, '2030-10-09T22:00:30Z');
  const escalated = await h.mail.waitFor(isFrom(workflowId, 'd1.r0.eskalering0'));
  expect(escalated.to).toStrictEqual(['chef.familjecentral@exempel.se']);

  const acknowledged = await h.env.client.workflow
    .getHandle(workflowId)
    .executeUpdate(handoverResponseUpdate, { args: [{ actor: actor('familjecentral'), response: { typ: 'kvittera' } }] });
  expect(acknowledged.status).toBe('kvitterad');
  await h.completed(workflowId);
  expect(sentBy(h.mail.messages(), workflowId)).toStrictEqual(['d1.r0.ny_uppgift0', 'd1.r0.paminnelse0', 'd1.r0.eskalering0']);
  const { caseRef: laterRef } = await h.startCase({ kind: 'barn', rules: (await store.current()).rules, flags: { barnIHushallet: true } });
  const later = await h.env.client.workflow.getHandle(`arende-${laterRef}`).query(caseViewQuery);
  // a case opened after the retirement gives the unit nothing
  expect(!later.openTasks.some((t) => t.target === 'familjecentral')).toBeTruthy();
});

test('the grounds the samordnare allows for a partner are the only ones a handover to it can use', async () => {
  const v1 = (await store.current()).rules;
  const narrowed: Rules = { ...v1, handovers: { ...v1.handovers, partnerGrounds: { polis: ['osl-10-21'] } } };
  const { handle } = await h.startCase({ kind: 'barn', rules: narrowed });
  const toPolice = (grund: string) =>
    handle.executeUpdate(startHandoverUpdate, {
      args: [{ actor: actor('mottagning'), till: 'polis', receiverKind: 'extern', innehall: handoverContent({ vald: 'nej' }), rattsligGrund: { typ: 'lagstod', grund } }],
    });
  const refusedGround = await refused(toPolice('osl-10-2'));
  expect(refusedGround.type).toBe('RATTSLIG_GRUND_SAKNAS');
  expect(refusedGround.message).toBe('Lagstödet osl-10-2 gäller inte för polis. Tillåtna: osl-10-21');
  // nothing was sent
  expect((await handle.query(caseViewQuery)).handovers).toStrictEqual([]);
  const sent = await toPolice('osl-10-21');
  expect(sent.handoverId).toBe('o1');
  // Another partner may still be given information on any listed ground.
  const toCare = await handle.executeUpdate(startHandoverUpdate, {
    args: [{ actor: actor('mottagning'), till: 'vard', receiverKind: 'extern', innehall: handoverContent({ vald: 'nej' }), rattsligGrund: { typ: 'lagstod', grund: 'osl-10-2' } }],
  });
  expect(toCare.handoverId).toBe('o2');
});
