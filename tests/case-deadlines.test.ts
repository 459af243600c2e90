// Deadlines on the real time-skipping test server: reminders when configured, the
// escalation chain in order when missed, silence once a step is done, extensions that move
// the deadline, working days around midsommar and jul.
import { afterAll, afterEach, beforeAll, expect, test } from '@jest/globals';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import type { CaseAction, CaseView } from '../domain/case';
import { caseViewQuery, performActionUpdate } from '../domain/messages';
import type { Rules } from '../domain/rules';
import { isFor, sentFor, withSimultaneous } from './support/mail';
import { DAY, skipBy, skipTo } from './support/time';
import { refused } from './support/refusals';
import { itemByItemRules, startWorkflowHarness, type WorkflowHarness } from './support/workflow-harness';

let h: WorkflowHarness;
beforeAll(async () => {
  // These tests follow each escalation e-mail; digests.test.ts covers the digest.
  h = await startWorkflowHarness({ rules: itemByItemRules });
  // A fixed Monday morning in Stockholm, so that "genast" has a whole working day ahead.
  await skipTo(h.env, '2030-03-04T07:00:00Z');
});
afterEach(async () => {
  await h.terminateAll();
});
afterAll(async () => {
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
  expect(announced.to).toStrictEqual(['mottagning@exempel.se']);

  const view = await handle.query(caseViewQuery);
  const task = view.openTasks[0]!;
  expect(task.title).toBe('Skyddsbedömning');
  // genast: the end of the same day in Stockholm
  expect(task.dueAt).toBe('2030-03-04T22:59:59.999Z');
  expect(task.alerts.filter((a) => a.kind !== 'ny_uppgift').map((a) => [a.kind, a.to, a.at])).toStrictEqual([
      ['paminnelse', 'enhet', '2030-03-04T18:59:59.999Z'],
      ['eskalering', 'enhet', '2030-03-04T22:59:59.999Z'],
      ['eskalering', 'enhetschef', '2030-03-04T22:59:59.999Z'],
      ['eskalering', 'sektorchef', '2030-03-05T10:59:59.999Z'],
    ]);

  await skipTo(h.env, '2030-03-04T18:58:00Z');
  await handle.query(caseViewQuery);
  // no reminder before its time
  expect(sentFor(h.mail.messages(), caseRef)).toStrictEqual(['d1.r0.ny_uppgift0']);

  await skipTo(h.env, '2030-03-04T19:00:30Z');
  const reminder = await h.mail.waitFor(isFor(caseRef, 'd1.r0.paminnelse0'));
  expect(reminder.to).toStrictEqual(['mottagning@exempel.se']);
  expect(reminder.subject).toMatch(/^Påminnelse: Bedömning att göra senast 4 mars 2030 kl\. 23:59$/);

  await skipTo(h.env, '2030-03-04T23:00:30Z');
  const toChef = await h.mail.waitFor(isFor(caseRef, 'd1.r0.eskalering1'));
  expect(toChef.to).toStrictEqual(['chef.mottagning@exempel.se']);
  const overdue = await handle.query(caseViewQuery);
  expect(overdue.overdue).toBe(true);
  expect(overdue.openTasks[0]!.escalationLevel).toBe(2);
  // the sektorchef is not told before the chain says so
  expect(sentFor(h.mail.messages(), caseRef)).not.toContain('d1.r0.eskalering2');

  await skipTo(h.env, '2030-03-05T11:00:30Z');
  const toSektorchef = await h.mail.waitFor(isFor(caseRef, 'd1.r0.eskalering2'));
  expect(toSektorchef.to).toStrictEqual(['sektorchef.ifo@exempel.se']);
  expect(withSimultaneous(sentFor(h.mail.messages(), caseRef), ['d1.r0.eskalering0', 'd1.r0.eskalering1'])).toStrictEqual([
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
  expect(afterSkydd.phase).toBe('forhandsbedomning');
  const task = afterSkydd.openTasks[0]!;
  expect(task.key).toBe('barn.forhandsbedomning');
  expect(task.startedAt).toBe(receivedAt);
  // the 14 days run from when the report arrived
  expect(task.trigger).toBe('aktualisering');
  expect(task.dueAt).toBe('2030-03-19T22:59:59.999Z');

  await skipTo(h.env, '2030-03-17T23:00:30Z');
  await h.mail.waitFor(isFor(caseRef, 'd2.r0.paminnelse0'));
  await skipTo(h.env, '2030-03-20T23:30:00Z');
  await h.mail.waitFor(isFor(caseRef, 'd2.r0.eskalering1'));
  await h.mail.waitFor(isFor(caseRef, 'd2.r0.eskalering0'));
  const sent = withSimultaneous(sentFor(h.mail.messages(), caseRef), ['d2.r0.eskalering0', 'd2.r0.eskalering1']);
  // the skyddsbedömning was done in time: no reminder, no escalation
  expect(sent.filter((key) => key.startsWith('d1.'))).toStrictEqual(['d1.r0.ny_uppgift0']);
  expect(sent.filter((key) => key.startsWith('d2.'))).toStrictEqual([
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
  expect(opened.phase).toBe('utredning');
  const utredning = opened.openTasks[0]!;
  expect(utredning.unit).toBe('bou');
  expect(utredning.trigger).toBe('forhandsbedomning');
  // four months from the decision
  expect(utredning.dueAt.slice(0, 10)).toBe('2030-07-21');
  const announced = await h.mail.waitFor(isFor(caseRef, `${utredning.id}.r0.ny_uppgift0`));
  expect(announced.to).toStrictEqual(['bou@exempel.se']);

  const earlier = await refused(attempt(handle, 'bou', { type: 'forlang_utredning', nyttSlutdatum: '2030-07-01', skal: 'Inväntar utlåtande från BUP' }));
  expect(earlier.type).toBe('OGILTIG_UPPGIFT');
  expect(earlier.message).toMatch(/senare än nuvarande/);

  const extended = await act(handle, 'bou', { type: 'forlang_utredning', nyttSlutdatum: '2030-09-30', skal: 'Inväntar utlåtande från BUP' });
  const moved = extended.openTasks[0]!;
  expect(moved.dueAt).toBe('2030-09-30T21:59:59.999Z');
  expect(moved.revision).toBe(1);
  expect(moved.extensions[0]!.reason).toBe('Inväntar utlåtande från BUP');
  expect(moved.extensions[0]!.previousDueAt).toBe(utredning.dueAt);

  await skipTo(h.env, '2030-09-16T23:00:00Z');
  await h.mail.waitFor(isFor(caseRef, `${moved.id}.r1.paminnelse0`));
  await skipTo(h.env, '2030-10-01T00:30:00Z');
  await h.mail.waitFor(isFor(caseRef, `${moved.id}.r1.eskalering1`));
  await h.mail.waitFor(isFor(caseRef, `${moved.id}.r1.eskalering0`));
  const atDue = [`${moved.id}.r1.eskalering0`, `${moved.id}.r1.eskalering1`];
  const sent = withSimultaneous(sentFor(h.mail.messages(), caseRef).filter((key) => key.startsWith(`${moved.id}.`)), atDue);
  expect(sent).toStrictEqual([
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
  expect(wrongPhase.type).toBe('FEL_FAS');
  expect(wrongPhase.message).toBe('Det går inte att avsluta utredningen när ärendet är i fasen skyddsbedömning');

  // A unit not in the case is told nothing of it (a unit in it that does not own the step: api.test).
  const wrongUnit = await refused(attempt(handle, 'bou', { type: 'skyddsbedomning', skyddsbehov: 'akut' }));
  expect(wrongUnit.type).toBe('HITTADES_INTE');
  expect(wrongUnit.message).toBe('Ärendet finns inte eller så saknar du behörighet till det');

  const wrongRole = await refused(attempt(handle, 'mottagning', { type: 'skyddsbedomning', skyddsbehov: 'akut' }, 'sektorchef'));
  expect(wrongRole.type).toBe('EJ_BEHORIG');

  const malformed = await refused(attempt(handle, 'mottagning', { type: 'skyddsbedomning', skyddsbehov: 'kanske' } as never));
  expect(malformed.type).toBe('OGILTIG_UPPGIFT');
  expect(malformed.message).toMatch(/skyddsbehov/);

  expect(await handle.query(caseViewQuery)).toStrictEqual(before);
});

test('honour-related adult case: the risk assessment must use PATRIARK', async () => {
  const { handle } = await h.startCase({ kind: 'vuxen', flags: { vald: 'ja', hedersrelaterat: true } });
  const refusedFreda = await refused(attempt(handle, 'rvt', { type: 'riskbedomning', instrument: 'FREDA', riskniva: 'hog' }));
  expect(refusedFreda.type).toBe('OGILTIG_UPPGIFT');
  expect(refusedFreda.message).toMatch(/PATRIARK/);
  const assessed = await act(handle, 'rvt', { type: 'riskbedomning', instrument: 'PATRIARK', riskniva: 'hog' });
  expect(assessed.phase).toBe('utredning');
  expect(assessed.riskAssessment?.instrument).toBe('PATRIARK');
  expect(assessed.openTasks[0]!.key).toBe('vuxen.utredning');
});

test('perpetrator track: the offer and its answer are recorded and followed up', async () => {
  const { caseRef, handle } = await h.startCase({ kind: 'utovare' });
  const offerTask = (await handle.query(caseViewQuery)).openTasks[0]!;
  expect(offerTask.key).toBe('utovare.erbjudande');
  expect(offerTask.counting).toBe('arbetsdagar');
  const offered = await act(handle, 'rvt', { type: 'erbjudande', erbjudande: 'manscentrum', svar: 'ja', utforare: 'manscentrum' });
  expect(offered.phase).toBe('insatser');
  expect(offered.involvedUnits).toContain('manscentrum');
  const followUp = offered.openTasks[0]!;
  expect(followUp.key).toBe('uppfoljning');
  expect(followUp.unit).toBe('rvt');
  expect(followUp.duration).toBe('P1M');
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
  // Monday and Tuesday are the two working days
  expect(view.openTasks[0]!.dueAt).toBe('2031-06-24T21:59:59.999Z');
  await skipTo(h.env, '2031-06-23T12:00:00Z');
  await midsommar.handle.query(caseViewQuery);
  // not overdue on the Monday
  expect(!sentFor(h.mail.messages(), midsommar.caseRef).some((k) => k.startsWith('d2.r0.eskalering'))).toBeTruthy();
  await skipTo(h.env, '2031-06-24T22:00:30Z');
  await h.mail.waitFor(isFor(midsommar.caseRef, 'd2.r0.eskalering0'));

  // Tuesday 23 December 2031; julafton, juldagen and annandag jul are Wednesday to Friday.
  await skipTo(h.env, '2031-12-23T08:00:00Z');
  const jul = await h.startCase({ kind: 'barn', rules });
  const julView = await act(jul.handle, 'mottagning', { type: 'skyddsbedomning', skyddsbehov: 'ej_akut' });
  // Monday 29 and Tuesday 30 December are the two working days
  expect(julView.openTasks[0]!.dueAt).toBe('2031-12-30T22:59:59.999Z');
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
  // (Kvinnojouren's own tasks as the provider are in providers.test.ts: here RVT's follow-ups.)
  const followUp = (view: CaseView) => view.openTasks.find((d) => d.key === 'uppfoljning')!;
  expect(followUp(decided).duration).toBe('P30D');
  expect(decided.involvedUnits).toContain('kvinnojour');

  const followUps = new Set<string>();
  for (let month = 0; month < 3; month++) {
    followUps.add(followUp(await handle.query(caseViewQuery)).id);
    await skipBy(h.env, 29 * DAY);
    await act(handle, 'rvt', { type: 'uppfoljning', insatsId });
  }
  // followed up in time: no escalation
  expect(sentFor(h.mail.messages(), caseRef).filter((k) => followUps.has(k.split('.')[0]!) && k.includes('eskalering'))).toStrictEqual([]);

  const missed = followUp(await handle.query(caseViewQuery));
  await skipBy(h.env, 31 * DAY);
  const escalation = await h.mail.waitFor(isFor(caseRef, `${missed.id}.r0.eskalering0`));
  expect(escalation.to).toStrictEqual(['rvt@exempel.se']);

  const ended = await act(handle, 'rvt', { type: 'avsluta_insats', insatsId });
  expect(ended.openTasks.length).toBe(0);
  await h.settled(handle);
  const mailsBefore = sentFor(h.mail.messages(), caseRef).length;
  await skipBy(h.env, 60 * DAY);
  await handle.query(caseViewQuery);
  // an ended insats is not followed up
  expect(sentFor(h.mail.messages(), caseRef).length).toBe(mailsBefore);

  const closed = await act(handle, 'rvt', { type: 'avsluta_arende' });
  expect(closed.phase).toBe('avslutad');
  expect((await handle.result()).phase).toBe('avslutad');
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
      .map((m) => m.to[0]!);
    // The unit's and its enhetschef's escalation fall due at the same moment.
    expect({ task: task.key, chain: withSimultaneous(chain, [step.unit, step.chef]) }).toStrictEqual({ task: task.key, chain: [step.unit, step.chef, 'sektorchef.ifo@exempel.se'] });
    expect(final.to).toStrictEqual(['sektorchef.ifo@exempel.se']);
    await h.terminateAll();
  }
});
