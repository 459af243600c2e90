// Each alert of a deadline is its own unit of work, on the real time-skipping server with a real
// worker and SMTP server: a unit mailbox that keeps answering "try later" (452, retried with
// backoff for as long as it lasts) does not hold back the enhetschef's escalation at its moment.
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import type { RecipientRefusal } from '../infra/mail-catcher';
import { caseViewQuery } from '../domain/messages';
import { isFor, sentFor } from './support/mail';
import { HOUR, skipBy, skipTo } from './support/time';
import { itemByItemRules, startWorkflowHarness, type WorkflowHarness } from './support/workflow-harness';

// Mutable: the test lets the mailbox recover before it stops the case.
const refusals: Record<string, RecipientRefusal> = { 'mottagning@exempel.se': { code: 452 } };
let h: WorkflowHarness;
beforeAll(async () => {
  h = await startWorkflowHarness({ rules: itemByItemRules, mail: { refuseRecipients: refusals } });
  await skipTo(h.env, '2030-03-04T07:00:00Z');
});
afterAll(async () => {
  await h?.terminateAll();
  await h?.close();
});

test('a unit mailbox answering 452 all day does not hold back its enhetschef’s escalation', async () => {
  const { caseRef, handle } = await h.startCase({ kind: 'barn' });
  // Past the skyddsbedömning's deadline (23:59 in Stockholm): the enhetschef hears of it, while the
  // unit's own mail (the new task, its reminder and escalation) is still being retried.
  await skipTo(h.env, '2030-03-04T23:00:30Z');
  const toChef = await h.mail.waitFor(isFor(caseRef, 'd1.r0.eskalering1'), 15_000);
  expect(toChef.to).toStrictEqual(['chef.mottagning@exempel.se']);
  expect(sentFor(h.mail.messages(), caseRef)).toStrictEqual(['d1.r0.eskalering1']);
  expect(h.mail.refused().filter((r) => r.address === 'mottagning@exempel.se').length).toBeGreaterThan(3);
  // The case shows the escalation to the enhetschef.
  const [task] = (await handle.query(caseViewQuery)).openTasks;
  expect(task).toMatchObject({ escalationLevel: 2, escalatedTo: 'enhetschef' });

  // When the mailbox takes mail again, the unit's three come through, each once.
  delete refusals['mottagning@exempel.se'];
  await skipBy(h.env, HOUR);
  await h.settled(handle);
  expect(sentFor(h.mail.messages(), caseRef).sort()).toStrictEqual(['d1.r0.eskalering0', 'd1.r0.eskalering1', 'd1.r0.ny_uppgift0', 'd1.r0.paminnelse0']);
});
