// Deadlines on the real time-skipping test server: reminders when configured, the
// escalation chain in order when missed, silence once a step is done, extensions that move
// the deadline, working days around midsommar and jul.
import assert from 'node:assert/strict';
import { after, afterEach, before, test } from 'node:test';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import type { CaseAction } from '../domain/case';
import { caseViewQuery, performActionUpdate } from '../domain/messages';
import type { Rules } from '../domain/rules';
import { isFor, sentFor } from './support/mail';
import { DAY, skipBy, skipTo } from './support/time';
import { refused } from './support/refusals';
import { itemByItemRules, startWorkflowHarness, type WorkflowHarness } from './support/workflow-harness';

let h: WorkflowHarness;
before(async () => {
  // These tests follow each escalation e-mail; digests.test.ts covers the digest.
  h = await startWorkflowHarness({ rules: itemByItemRules });
  // A fixed Monday morning in Stockholm, so that "genast" has a whole working day ahead.
  await skipTo(h.env, '2030-03-04T07:00:00Z');
});
afterEach(async () => {
  await h.terminateAll();
});
after(async () => {
  await h?.close();
});

type Handle = Awaited<ReturnType<WorkflowHarness['startCase']>>['handle'];
const attempt = (handle: Handle, unit: string, action: CaseAction, role: 'handlaggare' | 'enhetschef' | 'sektorchef' = 'handlaggare') =>
  handle.executeUpdate(performActionUpdate, { args: [{ actor: { sub: `${unit}-1`, role, unit }, action }] });
/** Performs an action that must be accepted; a refusal fails the test with its reason. */
const act = (handle: Handle, unit: string, action: CaseAction) =>
  attempt(handle, unit, action).catch((error: unknown) => {
    throw error instanceof WorkflowUpdateFailedError ? new Error(`${action.type} refused: ${error.cause?.message}`) : error;
  });


test('skyddsbedömning: reminder at its time, then enhet, enhetschef and sektorchef in order', async () => {
  const { caseRef, handle } = await h.startCase({ kind: 'barn' });
  const announced = await h.mail.waitFor(isFor(caseRef, 'd1.r0.ny_uppgift0'));
  assert.deepEqual(announced.to, ['mottagning@exempel.se']);

  const view = await handle.query(caseViewQuery);
  const task = view.openTasks[0]!;
  assert.equal(task.title, 'Skyddsbedömning');
  assert.equal(task.dueAt, '2030-03-04T22:59:59.999Z', 'genast: the end of the same day in Stockholm');
  assert.deepEqual(
    task.alerts.filter((a) => a.kind !== 'ny_uppgift').map((a) => [a.kind, a.to, a.at]),
    [
      ['paminnelse', 'enhet', '2030-03-04T18:59:59.999Z'],
      ['eskalering', 'enhet', '2030-03-04T22:59:59.999Z'],
      ['eskalering', 'enhetschef', '2030-03-04T22:59:59.999Z'],
      ['eskalering', 'sektorchef', '2030-03-05T10:59:59.999Z'],
    ],
  );

  await skipTo(h.env, '2030-03-04T18:58:00Z');
  await handle.query(caseViewQuery);
  assert.deepEqual(sentFor(h.mail.messages(), caseRef), ['d1.r0.ny_uppgift0'], 'no reminder before its time');

  await skipTo(h.env, '2030-03-04T19:00:30Z');
  const reminder = await h.mail.waitFor(isFor(caseRef, 'd1.r0.paminnelse0'));
  assert.deepEqual(reminder.to, ['mottagning@exempel.se']);
  assert.match(reminder.subject, /^Påminnelse: Skyddsbedömning senast 4 mars 2030 kl\. 23:59$/);

  await skipTo(h.env, '2030-03-04T23:00:30Z');
  const toChef = await h.mail.waitFor(isFor(caseRef, 'd1.r0.eskalering1'));
  assert.deepEqual(toChef.to, ['chef.mottagning@exempel.se']);
  const overdue = await handle.query(caseViewQuery);
  assert.equal(overdue.overdue, true);
  assert.equal(overdue.openTasks[0]!.escalationLevel, 2);
  assert.ok(!sentFor(h.mail.messages(), caseRef).includes('d1.r0.eskalering2'), 'the sektorchef is not told before the chain says so');

  await skipTo(h.env, '2030-03-05T11:00:30Z');
  const toSektorchef = await h.mail.waitFor(isFor(caseRef, 'd1.r0.eskalering2'));
  assert.deepEqual(toSektorchef.to, ['sektorchef.ifo@exempel.se']);
  assert.deepEqual(sentFor(h.mail.messages(), caseRef), [
    'd1.r0.ny_uppgift0',
    'd1.r0.paminnelse0',
    'd1.r0.eskalering0',
    'd1.r0.eskalering1',
    'd1.r0.eskalering2',
  ]);
});

test('förhandsbedömning runs 14 days from the report, and a step that is done stays silent', async () => {
  await skipTo(h.env, '2030-03-05T12:00:00Z');
  const receivedAt = new Date(await h.env.currentTimeMs()).toISOString();
  const { caseRef, handle } = await h.startCase({ kind: 'barn', receivedAt });
  await h.mail.waitFor(isFor(caseRef, 'd1.r0.ny_uppgift0'));
  const afterSkydd = await act(handle, 'mottagning', { type: 'skyddsbedomning', skyddsbehov: 'ej_akut' });
  assert.equal(afterSkydd.phase, 'forhandsbedomning');
  const task = afterSkydd.openTasks[0]!;
  assert.equal(task.key, 'barn.forhandsbedomning');
  assert.equal(task.startedAt, receivedAt);
  assert.equal(task.trigger, 'aktualisering', 'the 14 days run from when the report arrived');
  assert.equal(task.dueAt, '2030-03-19T22:59:59.999Z');

  await skipTo(h.env, '2030-03-17T23:00:30Z');
  await h.mail.waitFor(isFor(caseRef, 'd2.r0.paminnelse0'));
  await skipTo(h.env, '2030-03-20T23:30:00Z');
  await h.mail.waitFor(isFor(caseRef, 'd2.r0.eskalering1'));
  const sent = sentFor(h.mail.messages(), caseRef);
  assert.deepEqual(
    sent.filter((key) => key.startsWith('d1.')),
    ['d1.r0.ny_uppgift0'],
    'the skyddsbedömning was done in time: no reminder, no escalation',
  );
  assert.deepEqual(sent.filter((key) => key.startsWith('d2.')), [
    'd2.r0.ny_uppgift0',
    'd2.r0.paminnelse0',
    'd2.r0.paminnelse1',
    'd2.r0.eskalering0',
    'd2.r0.eskalering1',
  ]);
});

test('an extension of the utredning moves its deadline, and only the new one reminds and escalates', async () => {
  await skipTo(h.env, '2030-03-21T08:00:00Z');
  const { caseRef, handle } = await h.startCase({ kind: 'barn' });
  await act(handle, 'mottagning', { type: 'skyddsbedomning', skyddsbehov: 'ej_akut' });
  const opened = await act(handle, 'mottagning', { type: 'forhandsbedomning', beslut: 'inled_utredning' });
  assert.equal(opened.phase, 'utredning');
  const utredning = opened.openTasks[0]!;
  assert.equal(utredning.unit, 'bou');
  assert.equal(utredning.trigger, 'forhandsbedomning');
  assert.equal(utredning.dueAt.slice(0, 10), '2030-07-21', 'four months from the decision');
  const announced = await h.mail.waitFor(isFor(caseRef, `${utredning.id}.r0.ny_uppgift0`));
  assert.deepEqual(announced.to, ['bou@exempel.se']);

  const earlier = await refused(attempt(handle, 'bou', { type: 'forlang_utredning', nyttSlutdatum: '2030-07-01', skal: 'Inväntar utlåtande från BUP' }));
  assert.equal(earlier.type, 'OGILTIG_UPPGIFT');
  assert.match(earlier.message, /senare än nuvarande/);

  const extended = await act(handle, 'bou', { type: 'forlang_utredning', nyttSlutdatum: '2030-09-30', skal: 'Inväntar utlåtande från BUP' });
  const moved = extended.openTasks[0]!;
  assert.equal(moved.dueAt, '2030-09-30T21:59:59.999Z');
  assert.equal(moved.revision, 1);
  assert.equal(moved.extensions[0]!.reason, 'Inväntar utlåtande från BUP');
  assert.equal(moved.extensions[0]!.previousDueAt, utredning.dueAt);

  await skipTo(h.env, '2030-09-16T23:00:00Z');
  await h.mail.waitFor(isFor(caseRef, `${moved.id}.r1.paminnelse0`));
  await skipTo(h.env, '2030-10-01T00:30:00Z');
  await h.mail.waitFor(isFor(caseRef, `${moved.id}.r1.eskalering1`));
  const sent = sentFor(h.mail.messages(), caseRef).filter((key) => key.startsWith(`${moved.id}.`));
  assert.deepEqual(sent, [
    `${moved.id}.r0.ny_uppgift0`,
    `${moved.id}.r1.paminnelse0`,
    `${moved.id}.r1.paminnelse1`,
    `${moved.id}.r1.eskalering0`,
    `${moved.id}.r1.eskalering1`,
  ]);
});

test('an action that does not fit the case is refused with a Swedish message and changes nothing', async () => {
  const { handle } = await h.startCase({ kind: 'barn' });
  await h.settled(handle);
  const before = await handle.query(caseViewQuery);

  const wrongPhase = await refused(attempt(handle, 'mottagning', { type: 'avsluta_utredning', beslut: 'insatser' }));
  assert.equal(wrongPhase.type, 'FEL_FAS');
  assert.equal(wrongPhase.message, 'Det går inte att avsluta utredningen när ärendet är i fasen skyddsbedömning');

  const wrongUnit = await refused(attempt(handle, 'bou', { type: 'skyddsbedomning', skyddsbehov: 'akut' }));
  assert.equal(wrongUnit.type, 'EJ_BEHORIG');
  assert.match(wrongUnit.message, /Steget ägs av enheten mottagning/);

  const wrongRole = await refused(attempt(handle, 'mottagning', { type: 'skyddsbedomning', skyddsbehov: 'akut' }, 'sektorchef'));
  assert.equal(wrongRole.type, 'EJ_BEHORIG');

  const malformed = await refused(attempt(handle, 'mottagning', { type: 'skyddsbedomning', skyddsbehov: 'kanske' } as never));
  assert.equal(malformed.type, 'OGILTIG_UPPGIFT');
  assert.match(malformed.message, /skyddsbehov/);

  assert.deepEqual(await handle.query(caseViewQuery), before);
});

test('honour-related adult case: the risk assessment must use PATRIARK', async () => {
  const { handle } = await h.startCase({ kind: 'vuxen', flags: { vald: 'ja', hedersrelaterat: true } });
  const refusedFreda = await refused(attempt(handle, 'rvt', { type: 'riskbedomning', instrument: 'FREDA', riskniva: 'hog' }));
  assert.equal(refusedFreda.type, 'OGILTIG_UPPGIFT');
  assert.match(refusedFreda.message, /PATRIARK/);
  const assessed = await act(handle, 'rvt', { type: 'riskbedomning', instrument: 'PATRIARK', riskniva: 'hog' });
  assert.equal(assessed.phase, 'utredning');
  assert.equal(assessed.riskAssessment?.instrument, 'PATRIARK');
  assert.equal(assessed.openTasks[0]!.key, 'vuxen.utredning');
});

test('perpetrator track: the offer and its answer are recorded and followed up', async () => {
  const { caseRef, handle } = await h.startCase({ kind: 'utovare' });
  const offerTask = (await handle.query(caseViewQuery)).openTasks[0]!;
  assert.equal(offerTask.key, 'utovare.erbjudande');
  assert.equal(offerTask.counting, 'arbetsdagar');
  const offered = await act(handle, 'rvt', { type: 'erbjudande', erbjudande: 'manscentrum', svar: 'ja', utforare: 'manscentrum' });
  assert.equal(offered.phase, 'insatser');
  assert.ok(offered.involvedUnits.includes('manscentrum'));
  const followUp = offered.openTasks[0]!;
  assert.equal(followUp.key, 'uppfoljning');
  assert.equal(followUp.unit, 'rvt');
  assert.equal(followUp.duration, 'P1M');
  await skipBy(h.env, 32 * DAY);
  await h.mail.waitFor(isFor(caseRef, `${followUp.id}.r0.eskalering0`));
});

test('working-day deadlines skip midsommar and jul', async () => {
  const rules: Rules = structuredClone(itemByItemRules);
  rules.deadlines['barn.forhandsbedomning'] = { ...rules.deadlines['barn.forhandsbedomning']!, duration: 'P2D', counting: 'arbetsdagar', reminders: [] };

  // Thursday 19 June 2031; midsommarafton is Friday 20 June, then the weekend.
  await skipTo(h.env, '2031-06-19T08:00:00Z');
  const midsommar = await h.startCase({ kind: 'barn', rules });
  const view = await act(midsommar.handle, 'mottagning', { type: 'skyddsbedomning', skyddsbehov: 'ej_akut' });
  assert.equal(view.openTasks[0]!.dueAt, '2031-06-24T21:59:59.999Z', 'Monday and Tuesday are the two working days');
  await skipTo(h.env, '2031-06-23T12:00:00Z');
  await midsommar.handle.query(caseViewQuery);
  assert.ok(!sentFor(h.mail.messages(), midsommar.caseRef).some((k) => k.startsWith('d2.r0.eskalering')), 'not overdue on the Monday');
  await skipTo(h.env, '2031-06-24T22:00:30Z');
  await h.mail.waitFor(isFor(midsommar.caseRef, 'd2.r0.eskalering0'));

  // Tuesday 23 December 2031; julafton, juldagen and annandag jul are Wednesday to Friday.
  await skipTo(h.env, '2031-12-23T08:00:00Z');
  const jul = await h.startCase({ kind: 'barn', rules });
  const julView = await act(jul.handle, 'mottagning', { type: 'skyddsbedomning', skyddsbehov: 'ej_akut' });
  assert.equal(julView.openTasks[0]!.dueAt, '2031-12-30T22:59:59.999Z', 'Monday 29 and Tuesday 30 December are the two working days');
});

async function caseWithInsats() {
  const started = await h.startCase({ kind: 'vuxen' });
  await act(started.handle, 'rvt', { type: 'riskbedomning', instrument: 'FREDA', riskniva: 'forhojd' });
  await act(started.handle, 'rvt', { type: 'avsluta_utredning', beslut: 'insatser' });
  const decided = await act(started.handle, 'rvt', { type: 'besluta_insats', insats: 'skyddat_boende', utforare: 'kvinnojour' });
  return { ...started, decided, insatsId: decided.insatser[0]!.id };
}

test('follow-ups recur until the insats ends: on time they stay quiet, missed they escalate', async () => {
  const { caseRef, handle, decided, insatsId } = await caseWithInsats();
  assert.equal(decided.openTasks[0]!.duration, 'P30D');
  assert.ok(decided.involvedUnits.includes('kvinnojour'));

  for (let month = 0; month < 3; month++) {
    await skipBy(h.env, 29 * DAY);
    await act(handle, 'rvt', { type: 'uppfoljning', insatsId });
  }
  assert.ok(!sentFor(h.mail.messages(), caseRef).some((k) => k.includes('eskalering')), 'followed up in time: no escalation');

  const missed = (await handle.query(caseViewQuery)).openTasks[0]!;
  await skipBy(h.env, 31 * DAY);
  const escalation = await h.mail.waitFor(isFor(caseRef, `${missed.id}.r0.eskalering0`));
  assert.deepEqual(escalation.to, ['rvt@exempel.se']);

  const ended = await act(handle, 'rvt', { type: 'avsluta_insats', insatsId });
  assert.equal(ended.openTasks.length, 0);
  await h.settled(handle);
  const mailsBefore = sentFor(h.mail.messages(), caseRef).length;
  await skipBy(h.env, 60 * DAY);
  await handle.query(caseViewQuery);
  assert.equal(sentFor(h.mail.messages(), caseRef).length, mailsBefore, 'an ended insats is not followed up');

  const closed = await act(handle, 'rvt', { type: 'avsluta_arende' });
  assert.equal(closed.phase, 'avslutad');
  assert.equal((await handle.result()).phase, 'avslutad');
});

test('every lifecycle deadline escalates to its unit, the enhetschef and the sektorchef in order when missed', async () => {
  const steps: { kind: 'vuxen' | 'utovare' | 'barn'; before: [string, CaseAction][]; unit: string; chef: string }[] = [
    { kind: 'vuxen', before: [], unit: 'rvt@exempel.se', chef: 'chef.rvt@exempel.se' },
    { kind: 'vuxen', before: [['rvt', { type: 'riskbedomning', instrument: 'FREDA', riskniva: 'lag' }]], unit: 'rvt@exempel.se', chef: 'chef.rvt@exempel.se' },
    { kind: 'utovare', before: [], unit: 'rvt@exempel.se', chef: 'chef.rvt@exempel.se' },
    {
      kind: 'barn',
      before: [
        ['mottagning', { type: 'skyddsbedomning', skyddsbehov: 'ej_akut' }],
        ['mottagning', { type: 'forhandsbedomning', beslut: 'inled_utredning' }],
      ],
      unit: 'bou@exempel.se',
      chef: 'chef.bou@exempel.se',
    },
  ];
  for (const step of steps) {
    const { caseRef, handle } = await h.startCase({ kind: step.kind });
    let view = await handle.query(caseViewQuery);
    for (const [unit, action] of step.before) view = await act(handle, unit, action);
    const task = view.openTasks[0]!;
    const last = task.alerts.at(-1)!;
    await skipTo(h.env, new Date(Date.parse(last.at) + 60_000).toISOString());
    const final = await h.mail.waitFor(isFor(caseRef, `${task.id}.r0.eskalering2`));
    const chain = h.mail
      .messages()
      .filter((m) => sentFor([m], caseRef)[0]?.startsWith(`${task.id}.r0.eskalering`))
      .map((m) => m.to[0]);
    assert.deepEqual(chain, [step.unit, step.chef, 'sektorchef.ifo@exempel.se'], task.key);
    assert.deepEqual(final.to, ['sektorchef.ifo@exempel.se']);
    await h.terminateAll();
  }
});
