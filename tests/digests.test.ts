// Escalation digests on the real time-skipping test server: managers get the escalations of a
// working day in one e-mail the next working morning; a child's safety assessment still reaches
// them at once; the unit's own "Försenad" mail is not held back.
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { nextDigestMoment } from '../activities/escalation-digest';
import type { CaseAction } from '../domain/case';
import { performActionUpdate } from '../domain/messages';
import { escalationDigestWorkflow } from '../workflows/escalation-digest-workflow';
import { isFor, keyOf, sentFor } from './support/mail';
import { skipTo } from './support/time';
import { actor, startWorkflowHarness, type WorkflowHarness } from './support/workflow-harness';

let h: WorkflowHarness;
// The digests' keys start with the workflow id: one of its own per run of this file.
const digestWorkflowId = `eskaleringssammanfattning-${randomUUID()}`;
beforeAll(async () => {
  h = await startWorkflowHarness();
  // Escalations that other test files left undelivered would join these digests.
  await h.pool.query('DELETE FROM escalation_digest_item WHERE digest_key IS NULL');
  await skipTo(h.env, '2030-03-04T07:00:00Z');
  await h.env.client.workflow.start(escalationDigestWorkflow, { workflowId: digestWorkflowId, taskQueue: h.taskQueue, args: [{ at: '07:30' }] });
});
afterAll(async () => {
  await h?.close();
});

type Handle = Awaited<ReturnType<WorkflowHarness['startCase']>>['handle'];
const act = (handle: Handle, action: CaseAction) => handle.executeUpdate(performActionUpdate, { args: [{ actor: actor('mottagning'), action }] });
const digestsTo = (address: string) => h.mail.messages().filter((m) => m.to.includes(address) && keyOf(m).startsWith(`${digestWorkflowId}/`));

test('the next digest is at 07:30 on the next Swedish working day', () => {
  const at = (after: string) => nextDigestMoment({ after, at: '07:30', timeZone: 'Europe/Stockholm' });
  // Thursday 07:00: the same morning
  expect(at('2031-06-19T05:00:00Z')).toBe('2031-06-19T05:30:00.000Z');
  // after it: midsommarafton and the weekend are skipped
  expect(at('2031-06-19T05:30:00Z')).toBe('2031-06-23T05:30:00.000Z');
  // julafton to annandag jul and the weekend are skipped
  expect(at('2031-12-23T12:00:00Z')).toBe('2031-12-29T06:30:00.000Z');
});

test('managers get one digest the next working morning; a missed skyddsbedömning reaches them at once', async () => {
  const first = await h.startCase({ kind: 'barn' });
  const second = await h.startCase({ kind: 'barn' });
  const urgent = await h.startCase({ kind: 'barn' });
  for (const { handle } of [first, second]) await act(handle, { type: 'skyddsbedomning', skyddsbehov: 'ej_akut' });

  // The skyddsbedömning is urgent: its escalation goes to the enhetschef alone and at once.
  await skipTo(h.env, '2030-03-04T23:00:30Z');
  const atOnce = await h.mail.waitFor(isFor(urgent.caseRef, 'd1.r0.eskalering1'));
  expect(atOnce.to).toStrictEqual(['chef.mottagning@exempel.se']);
  await act(urgent.handle, { type: 'skyddsbedomning', skyddsbehov: 'ej_akut' });
  await act(urgent.handle, { type: 'forhandsbedomning', beslut: 'ingen_utredning' });

  // The förhandsbedömningar are missed on 18 March: the unit is told at once, the managers wait.
  await skipTo(h.env, '2030-03-18T23:00:30Z');
  for (const { caseRef } of [first, second]) await h.mail.waitFor(isFor(caseRef, 'd2.r0.eskalering0'));
  await h.settled(first.handle);
  await h.settled(second.handle);
  for (const { caseRef } of [first, second]) {
    // no single e-mail to the enhetschef
    expect(sentFor(h.mail.messages(), caseRef)).not.toContain('d2.r0.eskalering1');
  }
  // no digest before the morning
  expect(digestsTo('chef.mottagning@exempel.se').length).toBe(0);

  // Tuesday 07:30 in Stockholm: one digest with both.
  await skipTo(h.env, '2030-03-19T06:31:00Z');
  const digest = await h.mail.waitFor((m) => m.to.includes('chef.mottagning@exempel.se') && keyOf(m).startsWith(`${digestWorkflowId}/`));
  expect(keyOf(digest)).toBe(`${digestWorkflowId}/2030-03-19T06:30:00.000Z/chef.mottagning@exempel.se`);
  expect(digest.subject).toBe('Sammanfattning: 2 försenade uppgifter att följa upp');
  for (const { caseRef } of [first, second]) expect(digest.text).toMatch(new RegExp(`Bedömning att göra hos Mottagningen barn och unga, skulle vara klar 18 mars 2030 kl\\. 23:59: http://samverkan\\.test/arenden/${caseRef}`));
  // the urgent one went out alone
  expect(digest.text).not.toMatch(new RegExp(urgent.caseRef));

  // Two days after the deadline the sektorchef's escalations are due: Thursday's digest has them.
  await skipTo(h.env, '2030-03-21T06:31:00Z');
  const toSektor = await h.mail.waitFor((m) => m.to.includes('sektorchef.ifo@exempel.se') && keyOf(m) === `${digestWorkflowId}/2030-03-21T06:30:00.000Z/sektorchef.ifo@exempel.se`);
  expect(toSektor.subject).toBe('Sammanfattning: 2 försenade uppgifter att följa upp');
  // nothing new for the enhetschef: one digest
  expect(digestsTo('chef.mottagning@exempel.se').length).toBe(1);
  for (const { caseRef } of [first, second]) expect(sentFor(h.mail.messages(), caseRef)).not.toContain('d2.r0.eskalering2');
  await h.terminateAll();
});
