// Joint planning meetings (gemensamt planeringsmöte) on the real time-skipping test server: the
// facts of a case call for one, a meeting not held in time escalates in the configured order, it
// cannot be marked held without its outcome, and the outcome's tasks remind and escalate.
import assert from 'node:assert/strict';
import { after, afterEach, before, test } from 'node:test';
import type { CaseView } from '../domain/case';
import type { MeetingAction } from '../domain/meeting';
import { caseViewQuery, meetingActionUpdate, meetingViewQuery } from '../domain/messages';
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

const meetingWorkflowId = (caseRef: string, n = 1) => `arende-${caseRef}:planeringsmote-m${n}`;
const meeting = (workflowId: string) => h.env.client.workflow.getHandle(workflowId);
const act = (workflowId: string, unit: string, action: MeetingAction) =>
  meeting(workflowId).executeUpdate(meetingActionUpdate, { args: [{ actor: actor(unit), action }] });
const viewOf = (workflowId: string) => meeting(workflowId).query(meetingViewQuery);


/** The case view once `done` holds: a child tells its case by a signal, a moment later. */
async function caseViewWhen(handle: Handle, done: (view: CaseView) => boolean): Promise<CaseView> {
  let view = await handle.query(caseViewQuery);
  for (let i = 0; i < 50 && !done(view); i++) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    view = await handle.query(caseViewQuery);
  }
  return view;
}

/** A child case with violence in the family: the default rules call for a joint meeting. */
const violenceCase = () => h.startCase({ kind: 'barn', flags: { vald: 'ja' } });

const outcome = (ansvar: { enhet: string; uppgift: string; senast: string }[], nastaUppfoljning = '2030-06-03'): MeetingAction => ({
  typ: 'registrera_utfall',
  ansvar,
  nastaUppfoljning,
});

test('the facts call for a joint meeting: violence against a child, or a child in the household of a victim', async () => {
  const { caseRef, handle } = await violenceCase();
  const view = await handle.query(caseViewQuery);
  assert.equal(view.meetings.length, 1, 'exactly one meeting');
  const [started] = view.meetings;
  assert.equal(started!.workflowId, meetingWorkflowId(caseRef));
  assert.deepEqual(started!.units, ['mottagning', 'rvt']);
  assert.equal(started!.status, 'ej_bokat');
  assert.equal(started!.trigger, 'barn-vald-mote');

  const announced = await h.mail.waitFor(isFrom(started!.workflowId, 'd1.r0.ny_uppgift0'));
  assert.deepEqual(announced.to, ['mottagning@exempel.se']);
  assert.equal(announced.subject, 'Ny uppgift för Mottagningen barn och unga: Gemensamt planeringsmöte att boka och hålla');
  const meetingView = await viewOf(started!.workflowId);
  assert.equal(meetingView.organiser, 'mottagning');
  assert.equal(meetingView.status, 'ej_bokat');
  assert.deepEqual(
    meetingView.tasks.map((t) => [t.id, t.key, t.unit, t.status]),
    [['d1', 'planeringsmote', 'mottagning', 'open']],
  );
  assert.equal(meetingView.tasks[0]!.dueAt, '2030-03-11T22:59:59.999Z', 'seven calendar days: the end of the next Monday in Stockholm');

  const quiet = await h.startCase({ kind: 'barn', flags: { vald: 'nej' } });
  assert.deepEqual((await quiet.handle.query(caseViewQuery)).meetings, [], 'no violence: no meeting');

  const adult = await h.startCase({ kind: 'vuxen', flags: { vald: 'ja', barnIHushallet: true } });
  const adultView = await adult.handle.query(caseViewQuery);
  assert.equal(adultView.meetings.length, 1);
  assert.equal(adultView.meetings[0]!.workflowId, meetingWorkflowId(adult.caseRef));
  assert.deepEqual(adultView.meetings[0]!.units, ['rvt', 'mottagning']);
  assert.equal((await viewOf(adultView.meetings[0]!.workflowId)).organiser, 'rvt');
  const toRvt = await h.mail.waitFor(isFrom(adultView.meetings[0]!.workflowId, 'd1.r0.ny_uppgift0'));
  assert.deepEqual(toRvt.to, ['rvt@exempel.se']);
});

test('a meeting not held in time is reminded, then escalated to the unit, its enhetschef and the sektorchef in order', async () => {
  await skipTo(h.env, '2030-03-11T07:00:00Z');
  const { caseRef } = await violenceCase();
  const workflowId = meetingWorkflowId(caseRef);
  await h.mail.waitFor(isFrom(workflowId, 'd1.r0.ny_uppgift0'));
  assert.equal((await viewOf(workflowId)).tasks[0]!.dueAt, '2030-03-18T22:59:59.999Z');

  // The default reminders: two days and four hours before the due moment.
  await skipTo(h.env, '2030-03-16T23:00:30Z');
  const reminder = await h.mail.waitFor(isFrom(workflowId, 'd1.r0.paminnelse0'));
  assert.deepEqual(reminder.to, ['mottagning@exempel.se']);
  await skipTo(h.env, '2030-03-18T22:58:00Z');
  await h.settledChild(workflowId);
  assert.deepEqual(sentBy(h.mail.messages(), workflowId), ['d1.r0.ny_uppgift0', 'd1.r0.paminnelse0', 'd1.r0.paminnelse1'], 'no escalation before the due moment');
  assert.equal((await viewOf(workflowId)).tasks[0]!.escalationLevel, 0);

  await skipTo(h.env, '2030-03-18T23:00:30Z');
  const late = await h.mail.waitFor(isFrom(workflowId, 'd1.r0.eskalering0'));
  assert.deepEqual(late.to, ['mottagning@exempel.se']);
  assert.match(late.subject, /^Försenad: Gemensamt planeringsmöte att boka och hålla skulle vara klar/);
  const toChef = await h.mail.waitFor(isFrom(workflowId, 'd1.r0.eskalering1'));
  assert.deepEqual(toChef.to, ['chef.mottagning@exempel.se']);
  assert.match(toChef.subject, /Eskalering till enhetschef: försenad uppgift hos Mottagningen barn och unga/);
  await h.settledChild(workflowId);
  const stuck = await viewOf(workflowId);
  assert.equal(stuck.tasks[0]!.escalationLevel, 2);
  assert.equal(stuck.status, 'ej_bokat');

  await skipTo(h.env, '2030-03-20T22:58:00Z');
  await h.settledChild(workflowId);
  assert.ok(!sentBy(h.mail.messages(), workflowId).includes('d1.r0.eskalering2'), 'the sektorchef hears of it two days later, not before');
  await skipTo(h.env, '2030-03-20T23:00:30Z');
  const toSektorchef = await h.mail.waitFor(isFrom(workflowId, 'd1.r0.eskalering2'));
  assert.deepEqual(toSektorchef.to, ['sektorchef.ifo@exempel.se']);
  await h.settledChild(workflowId);
  assert.equal((await viewOf(workflowId)).tasks[0]!.escalationLevel, 3);
  assert.deepEqual(sentBy(h.mail.messages(), workflowId), [
    'd1.r0.ny_uppgift0',
    'd1.r0.paminnelse0',
    'd1.r0.paminnelse1',
    'd1.r0.eskalering0',
    'd1.r0.eskalering1',
    'd1.r0.eskalering2',
  ]);
});

test('a meeting cannot be marked held without its outcome, before it is booked, or by another unit', async () => {
  await skipTo(h.env, '2030-04-01T07:00:00Z');
  const { caseRef, handle } = await violenceCase();
  const workflowId = meetingWorkflowId(caseRef);
  await h.mail.waitFor(isFrom(workflowId, 'd1.r0.ny_uppgift0'));
  await h.settledChild(workflowId);
  const untouched = await viewOf(workflowId);
  const rvtTask = { enhet: 'rvt', uppgift: 'Skyddsplanering med mamman', senast: '2030-04-10' };

  const noOutcome = await refused(act(workflowId, 'mottagning', outcome([])));
  assert.equal(noOutcome.type, 'OGILTIG_UPPGIFT');
  assert.match(noOutcome.message, /ansvarsfördelningen/);
  const notBooked = await refused(act(workflowId, 'mottagning', outcome([rvtTask])));
  assert.equal(notBooked.type, 'FEL_FAS');
  assert.match(notBooked.message, /bokas/);
  const notOrganiser = await refused(act(workflowId, 'rvt', { typ: 'boka', tid: '2030-04-02T08:00:00Z' }));
  assert.equal(notOrganiser.type, 'EJ_BEHORIG');
  const inThePast = await refused(act(workflowId, 'mottagning', { typ: 'boka', tid: '2030-03-29T08:00:00Z' }));
  assert.equal(inThePast.type, 'OGILTIG_UPPGIFT');
  assert.deepEqual(await viewOf(workflowId), untouched, 'the refusals changed nothing');
  assert.equal((await handle.query(caseViewQuery)).meetings[0]!.status, 'ej_bokat');

  const booked = await act(workflowId, 'mottagning', { typ: 'boka', tid: '2030-04-02T08:00:00Z' });
  assert.equal(booked.status, 'bokat');
  const tooEarly = await refused(act(workflowId, 'mottagning', outcome([rvtTask])));
  assert.equal(tooEarly.type, 'FEL_FAS', 'not before the meeting has taken place');

  await skipTo(h.env, '2030-04-02T09:00:00Z');
  await h.settledChild(workflowId);
  const held = await viewOf(workflowId);
  const stillNoOutcome = await refused(act(workflowId, 'mottagning', outcome([])));
  assert.equal(stillNoOutcome.type, 'OGILTIG_UPPGIFT');
  const vague = await refused(act(workflowId, 'mottagning', outcome([{ ...rvtTask, uppgift: 'x' }])));
  assert.equal(vague.type, 'OGILTIG_UPPGIFT');
  const rvtRecords = await refused(act(workflowId, 'rvt', outcome([rvtTask])));
  assert.equal(rvtRecords.type, 'EJ_BEHORIG', 'the organiser records the outcome');
  const after = await viewOf(workflowId);
  assert.deepEqual(after, held, 'still booked, not held, nothing added');
  assert.equal(after.status, 'bokat');
  assert.equal(after.outcome, undefined);
  assert.equal(after.tasks.find((t) => t.id === 'd1')!.status, 'open');
  const caseView = await caseViewWhen(handle, (v) => v.meetings[0]!.status === 'bokat');
  assert.equal(caseView.meetings[0]!.status, 'bokat');
});

test("the outcome's tasks are announced to their units, reminded and escalated until marked done", async () => {
  await skipTo(h.env, '2030-04-15T07:00:00Z');
  const { caseRef, handle } = await violenceCase();
  const workflowId = meetingWorkflowId(caseRef);
  await h.mail.waitFor(isFrom(workflowId, 'd1.r0.ny_uppgift0'));

  const booked = await act(workflowId, 'mottagning', { typ: 'boka', tid: '2030-04-17T08:00:00Z' });
  const attendance = booked.tasks.find((t) => t.key === 'deltagande')!;
  assert.deepEqual([attendance.id, attendance.unit, attendance.dueAt], ['d2', 'rvt', '2030-04-17T08:00:00.000Z']);
  assert.equal(booked.tasks.filter((t) => t.key === 'deltagande').length, 1, 'the organiser does not confirm to itself');
  const invited = await h.mail.waitFor(isFrom(workflowId, 'd2.r0.ny_uppgift0'));
  assert.deepEqual(invited.to, ['rvt@exempel.se']);
  const confirmed = await act(workflowId, 'rvt', { typ: 'bekrafta_deltagande' });
  assert.equal(confirmed.tasks.find((t) => t.id === 'd2')!.status, 'done');
  assert.ok(confirmed.attendance.every((a) => a.confirmedAt), 'both units attend');

  await skipTo(h.env, '2030-04-17T09:00:00Z');
  await h.settledChild(workflowId);
  assert.deepEqual(
    sentBy(h.mail.messages(), workflowId).filter((key) => key.startsWith('d2.')),
    ['d2.r0.ny_uppgift0'],
    'attendance confirmed in time: no reminder or escalation',
  );
  const held = await act(
    workflowId,
    'mottagning',
    outcome(
      [
        { enhet: 'rvt', uppgift: 'Skyddsplanering med mamman', senast: '2030-04-22' },
        { enhet: 'resursenhet', uppgift: 'Erbjuda krissamtal i Trappan till barnet', senast: '2030-04-24' },
      ],
      '2030-05-20',
    ),
  );
  assert.equal(held.status, 'hallet');
  assert.deepEqual(
    held.tasks.map((t) => [t.id, t.key, t.unit, t.status]),
    [
      ['d1', 'planeringsmote', 'mottagning', 'done'],
      ['d2', 'deltagande', 'rvt', 'done'],
      ['d3', 'motesuppgift', 'rvt', 'open'],
      ['d4', 'motesuppgift', 'resursenhet', 'open'],
      ['d5', 'uppfoljning', 'mottagning', 'open'],
    ],
  );
  assert.deepEqual(
    held.outcome!.ansvar.map((a) => [a.enhet, a.uppgiftId]),
    [
      ['rvt', 'd3'],
      ['resursenhet', 'd4'],
    ],
  );
  assert.equal(held.tasks[2]!.dueAt, '2030-04-22T21:59:59.999Z', 'the end of the date in Stockholm');
  assert.equal(held.tasks[3]!.dueAt, '2030-04-24T21:59:59.999Z');
  assert.equal(held.tasks[4]!.dueAt, '2030-05-20T21:59:59.999Z');

  const toRvt = await h.mail.waitFor(isFrom(workflowId, 'd3.r0.ny_uppgift0'));
  assert.deepEqual(toRvt.to, ['rvt@exempel.se']);
  assert.equal(toRvt.subject, 'Ny uppgift för Relationsvåldsteamet: Uppgift enligt ansvarsfördelning från gemensamt planeringsmöte');
  const toResurs = await h.mail.waitFor(isFrom(workflowId, 'd4.r0.ny_uppgift0'));
  assert.deepEqual(toResurs.to, ['resursenhet@exempel.se']);
  const followUp = await h.mail.waitFor(isFrom(workflowId, 'd5.r0.ny_uppgift0'));
  assert.deepEqual(followUp.to, ['mottagning@exempel.se']);
  for (const mail of [toRvt, toResurs]) {
    assert.doesNotMatch(mail.subject + mail.text, /Skyddsplanering|mamman|krissamtal|Trappan/, 'what was agreed stays in the system');
  }

  const caseView = await caseViewWhen(handle, (v) => v.meetings[0]!.status === 'hallet');
  assert.equal(caseView.meetings[0]!.status, 'hallet');
  assert.ok(caseView.events.some((e) => e.type === 'planeringsmote_hallet' && e.unit === 'mottagning'));

  const othersTask = await refused(act(workflowId, 'resursenhet', { typ: 'klarmarkera_uppgift', uppgiftId: 'd3' }));
  assert.equal(othersTask.type, 'EJ_BEHORIG', "a unit may not mark another unit's task done");
  const othersTask2 = await refused(act(workflowId, 'rvt', { typ: 'klarmarkera_uppgift', uppgiftId: 'd4' }));
  assert.equal(othersTask2.type, 'EJ_BEHORIG');
  const notATask = await refused(act(workflowId, 'rvt', { typ: 'klarmarkera_uppgift', uppgiftId: 'd2' }));
  assert.equal(notATask.type, 'OGILTIG_UPPGIFT', 'only the tasks of the outcome are marked done this way');

  await skipTo(h.env, '2030-04-19T08:00:00Z');
  const done = await act(workflowId, 'rvt', { typ: 'klarmarkera_uppgift', uppgiftId: 'd3' });
  assert.equal(done.tasks.find((t) => t.id === 'd3')!.status, 'done');
  assert.equal(done.tasks.find((t) => t.id === 'd4')!.status, 'open');
  const twice = await refused(act(workflowId, 'rvt', { typ: 'klarmarkera_uppgift', uppgiftId: 'd3' }));
  assert.equal(twice.type, 'FEL_FAS');

  await skipTo(h.env, '2030-04-24T21:58:00Z');
  await h.settledChild(workflowId);
  assert.ok(!sentBy(h.mail.messages(), workflowId).some((key) => key.startsWith('d4.r0.eskalering')), 'no escalation before the due moment');
  await skipTo(h.env, '2030-04-24T22:00:30Z');
  const toChef = await h.mail.waitFor(isFrom(workflowId, 'd4.r0.eskalering1'));
  assert.deepEqual(toChef.to, ['chef.resursenhet@exempel.se']);
  assert.match(toChef.subject, /Eskalering till enhetschef: försenad uppgift hos Resursenheten/);
  await h.settledChild(workflowId);

  const sent = sentBy(h.mail.messages(), workflowId);
  assert.deepEqual(
    sent.filter((key) => key.startsWith('d3.')),
    ['d3.r0.ny_uppgift0'],
    'rvt marked its task done in time: no reminder and no escalation',
  );
  assert.deepEqual(sent.filter((key) => key.startsWith('d4.')), ['d4.r0.ny_uppgift0', 'd4.r0.paminnelse0', 'd4.r0.paminnelse1', 'd4.r0.eskalering0', 'd4.r0.eskalering1']);
  assert.ok(!sent.some((key) => key.startsWith('d1.r0.paminnelse') || key.startsWith('d1.r0.eskalering')), 'the meeting was held in time');
  const late = await viewOf(workflowId);
  assert.equal(late.tasks.find((t) => t.id === 'd4')!.escalationLevel, 2);
  assert.equal(late.tasks.find((t) => t.id === 'd3')!.escalationLevel, 0);
});

test('a unit given a task at the meeting is involved in the case, so that it can open the case its task belongs to', async () => {
  await skipTo(h.env, '2030-05-06T07:00:00Z');
  const { caseRef, handle } = await violenceCase();
  const workflowId = meetingWorkflowId(caseRef);
  await h.mail.waitFor(isFrom(workflowId, 'd1.r0.ny_uppgift0'));
  await act(workflowId, 'mottagning', { typ: 'boka', tid: '2030-05-06T09:00:00Z' });
  await skipTo(h.env, '2030-05-06T10:00:00Z');
  const held = await act(workflowId, 'mottagning', outcome([{ enhet: 'resursenhet', uppgift: 'Erbjuda krissamtal till barnet', senast: '2030-05-10' }], '2030-06-03'));
  assert.equal(held.tasks.find((t) => t.key === 'motesuppgift')!.unit, 'resursenhet');
  const toResurs = await h.mail.waitFor(isFrom(workflowId, 'd3.r0.ny_uppgift0'));
  assert.match(toResurs.text, new RegExp(`/cases/${caseRef}`), 'the mail sends resursenheten to the case');

  const view = await caseViewWhen(handle, (v) => v.meetings[0]!.status === 'hallet');
  assert.equal(view.meetings[0]!.status, 'hallet');
  assert.ok(
    view.involvedUnits.includes('resursenhet'),
    `resursenheten has a task in the case but is not among its units (${view.involvedUnits.join(', ')}): the API answers it 404 for the case and the meeting`,
  );
});

test('just after midnight in Stockholm, a responsibility dated yesterday is refused', async () => {
  await skipTo(h.env, '2030-05-20T07:00:00Z');
  const { caseRef } = await violenceCase();
  const workflowId = meetingWorkflowId(caseRef);
  await h.mail.waitFor(isFrom(workflowId, 'd1.r0.ny_uppgift0'));
  await act(workflowId, 'mottagning', { typ: 'boka', tid: '2030-05-20T09:00:00Z' });
  // 00:30 on Tuesday 21 May in Stockholm (summer time): Monday the 20th has passed.
  await skipTo(h.env, '2030-05-20T22:30:00Z');
  await h.settledChild(workflowId);
  const yesterday = await refused(act(workflowId, 'mottagning', outcome([{ enhet: 'rvt', uppgift: 'Skyddsplanering med mamman', senast: '2030-05-20' }], '2030-06-17')));
  assert.equal(yesterday.type, 'OGILTIG_UPPGIFT');
  assert.equal((await viewOf(workflowId)).status, 'bokat');
});
