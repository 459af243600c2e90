// Joint planning meetings (gemensamt planeringsmöte) on the real time-skipping test server: the
// facts of a case call for one, a meeting not held in time escalates in the configured order, it
// cannot be marked held without its outcome, and the outcome's tasks remind and escalate.
import { afterAll, afterEach, beforeAll, expect, test } from '@jest/globals';
import type { CaseView } from '../domain/case';
import type { MeetingAction } from '../domain/meeting';
import { caseViewQuery, meetingActionUpdate, meetingViewQuery } from '../domain/messages';
import { isFrom, sentBy, withSimultaneous } from './support/mail';
import { skipBy, skipTo } from './support/time';
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
  // exactly one meeting
  expect(view.meetings.length).toBe(1);
  const [started] = view.meetings;
  expect(started!.workflowId).toBe(meetingWorkflowId(caseRef));
  expect(started!.units).toStrictEqual(['mottagning', 'rvt']);
  expect(started!.status).toBe('ej_bokat');
  expect(started!.trigger).toBe('barn-vald-mote');

  const announced = await h.mail.waitFor(isFrom(started!.workflowId, 'd1.r0.ny_uppgift0'));
  expect(announced.to).toStrictEqual(['mottagning@exempel.se']);
  expect(announced.subject).toBe('Ny uppgift för Mottagningen barn och unga: Möte att boka');
  const meetingView = await viewOf(started!.workflowId);
  expect(meetingView.organiser).toBe('mottagning');
  expect(meetingView.status).toBe('ej_bokat');
  expect(meetingView.tasks.map((t) => [t.id, t.key, t.unit, t.status])).toStrictEqual([['d1', 'planeringsmote', 'mottagning', 'open']]);
  // seven calendar days: the end of the next Monday in Stockholm
  expect(meetingView.tasks[0]!.dueAt).toBe('2030-03-11T22:59:59.999Z');

  const quiet = await h.startCase({ kind: 'barn', flags: { vald: 'nej' } });
  // no violence: no meeting
  expect((await quiet.handle.query(caseViewQuery)).meetings).toStrictEqual([]);

  const adult = await h.startCase({ kind: 'vuxen', flags: { vald: 'ja', barnIHushallet: true } });
  const adultView = await adult.handle.query(caseViewQuery);
  expect(adultView.meetings.length).toBe(1);
  expect(adultView.meetings[0]!.workflowId).toBe(meetingWorkflowId(adult.caseRef));
  expect(adultView.meetings[0]!.units).toStrictEqual(['rvt', 'mottagning']);
  expect((await viewOf(adultView.meetings[0]!.workflowId)).organiser).toBe('rvt');
  const toRvt = await h.mail.waitFor(isFrom(adultView.meetings[0]!.workflowId, 'd1.r0.ny_uppgift0'));
  expect(toRvt.to).toStrictEqual(['rvt@exempel.se']);
});

test('a meeting not held in time is reminded, then escalated to the unit, its enhetschef and the sektorchef in order', async () => {
  await skipTo(h.env, '2030-03-11T07:00:00Z');
  const { caseRef } = await violenceCase();
  const workflowId = meetingWorkflowId(caseRef);
  await h.mail.waitFor(isFrom(workflowId, 'd1.r0.ny_uppgift0'));
  expect((await viewOf(workflowId)).tasks[0]!.dueAt).toBe('2030-03-18T22:59:59.999Z');

  // The default reminders: two days and four hours before the due moment.
  await skipTo(h.env, '2030-03-16T23:00:30Z');
  const reminder = await h.mail.waitFor(isFrom(workflowId, 'd1.r0.paminnelse0'));
  expect(reminder.to).toStrictEqual(['mottagning@exempel.se']);
  await skipTo(h.env, '2030-03-18T22:58:00Z');
  await h.settledChild(workflowId);
  // no escalation before the due moment
  expect(sentBy(h.mail.messages(), workflowId)).toStrictEqual(['d1.r0.ny_uppgift0', 'd1.r0.paminnelse0', 'd1.r0.paminnelse1']);
  expect((await viewOf(workflowId)).tasks[0]!.escalationLevel).toBe(0);

  await skipTo(h.env, '2030-03-18T23:00:30Z');
  const late = await h.mail.waitFor(isFrom(workflowId, 'd1.r0.eskalering0'));
  expect(late.to).toStrictEqual(['mottagning@exempel.se']);
  expect(late.subject).toMatch(/^Försenad: Möte att boka skulle vara klar/);
  const toChef = await h.mail.waitFor(isFrom(workflowId, 'd1.r0.eskalering1'));
  expect(toChef.to).toStrictEqual(['chef.mottagning@exempel.se']);
  expect(toChef.subject).toMatch(/Eskalering till enhetschef: försenad uppgift hos Mottagningen barn och unga/);
  await h.settledChild(workflowId);
  const stuck = await viewOf(workflowId);
  expect(stuck.tasks[0]!.escalationLevel).toBe(2);
  expect(stuck.status).toBe('ej_bokat');

  await skipTo(h.env, '2030-03-20T22:58:00Z');
  await h.settledChild(workflowId);
  // the sektorchef hears of it two days later, not before
  expect(sentBy(h.mail.messages(), workflowId)).not.toContain('d1.r0.eskalering2');
  await skipTo(h.env, '2030-03-20T23:00:30Z');
  const toSektorchef = await h.mail.waitFor(isFrom(workflowId, 'd1.r0.eskalering2'));
  expect(toSektorchef.to).toStrictEqual(['sektorchef.ifo@exempel.se']);
  await h.settledChild(workflowId);
  expect((await viewOf(workflowId)).tasks[0]!.escalationLevel).toBe(3);
  expect(withSimultaneous(sentBy(h.mail.messages(), workflowId), ['d1.r0.eskalering0', 'd1.r0.eskalering1'])).toStrictEqual([
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
  expect(noOutcome.type).toBe('OGILTIG_UPPGIFT');
  expect(noOutcome.message).toMatch(/ansvarsfördelningen/);
  const notBooked = await refused(act(workflowId, 'mottagning', outcome([rvtTask])));
  expect(notBooked.type).toBe('FEL_FAS');
  expect(notBooked.message).toMatch(/bokas/);
  const notOrganiser = await refused(act(workflowId, 'rvt', { typ: 'boka', tid: '2030-04-02T08:00:00Z' }));
  expect(notOrganiser.type).toBe('EJ_BEHORIG');
  const inThePast = await refused(act(workflowId, 'mottagning', { typ: 'boka', tid: '2030-03-29T08:00:00Z' }));
  expect(inThePast.type).toBe('OGILTIG_UPPGIFT');
  // the refusals changed nothing
  expect(await viewOf(workflowId)).toStrictEqual(untouched);
  expect((await handle.query(caseViewQuery)).meetings[0]!.status).toBe('ej_bokat');

  const booked = await act(workflowId, 'mottagning', { typ: 'boka', tid: '2030-04-02T08:00:00Z' });
  expect(booked.status).toBe('bokat');
  const tooEarly = await refused(act(workflowId, 'mottagning', outcome([rvtTask])));
  // not before the meeting has taken place
  expect(tooEarly.type).toBe('FEL_FAS');

  await skipTo(h.env, '2030-04-02T09:00:00Z');
  await h.settledChild(workflowId);
  const held = await viewOf(workflowId);
  const stillNoOutcome = await refused(act(workflowId, 'mottagning', outcome([])));
  expect(stillNoOutcome.type).toBe('OGILTIG_UPPGIFT');
  const vague = await refused(act(workflowId, 'mottagning', outcome([{ ...rvtTask, uppgift: 'x' }])));
  expect(vague.type).toBe('OGILTIG_UPPGIFT');
  const rvtRecords = await refused(act(workflowId, 'rvt', outcome([rvtTask])));
  // the organiser records the outcome
  expect(rvtRecords.type).toBe('EJ_BEHORIG');
  const after = await viewOf(workflowId);
  // still booked, not held, nothing added
  expect(after).toStrictEqual(held);
  expect(after.status).toBe('bokat');
  expect(after.outcome).toBeUndefined();
  expect(after.tasks.find((t) => t.id === 'd1')!.status).toBe('open');
  const caseView = await caseViewWhen(handle, (v) => v.meetings[0]!.status === 'bokat');
  expect(caseView.meetings[0]!.status).toBe('bokat');
});

test("the outcome's tasks are announced to their units, reminded and escalated until marked done", async () => {
  await skipTo(h.env, '2030-04-15T07:00:00Z');
  const { caseRef, handle } = await violenceCase();
  const workflowId = meetingWorkflowId(caseRef);
  await h.mail.waitFor(isFrom(workflowId, 'd1.r0.ny_uppgift0'));

  const booked = await act(workflowId, 'mottagning', { typ: 'boka', tid: '2030-04-17T08:00:00Z' });
  const attendance = booked.tasks.find((t) => t.key === 'deltagande')!;
  expect([attendance.id, attendance.unit, attendance.dueAt]).toStrictEqual(['d2', 'rvt', '2030-04-17T08:00:00.000Z']);
  // the organiser does not confirm to itself
  expect(booked.tasks.filter((t) => t.key === 'deltagande').length).toBe(1);
  const invited = await h.mail.waitFor(isFrom(workflowId, 'd2.r0.ny_uppgift0'));
  expect(invited.to).toStrictEqual(['rvt@exempel.se']);
  const confirmed = await act(workflowId, 'rvt', { typ: 'bekrafta_deltagande' });
  expect(confirmed.tasks.find((t) => t.id === 'd2')!.status).toBe('done');
  // both units attend
  expect(confirmed.attendance.every((a) => a.confirmedAt)).toBeTruthy();

  await skipTo(h.env, '2030-04-17T09:00:00Z');
  await h.settledChild(workflowId);
  // attendance confirmed in time: no reminder or escalation
  expect(sentBy(h.mail.messages(), workflowId).filter((key) => key.startsWith('d2.'))).toStrictEqual(['d2.r0.ny_uppgift0']);
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
  expect(held.status).toBe('hallet');
  expect(held.tasks.map((t) => [t.id, t.key, t.unit, t.status])).toStrictEqual([
      ['d1', 'planeringsmote', 'mottagning', 'done'],
      ['d2', 'deltagande', 'rvt', 'done'],
      ['d3', 'motesuppgift', 'rvt', 'open'],
      ['d4', 'motesuppgift', 'resursenhet', 'open'],
      ['d5', 'uppfoljning', 'mottagning', 'open'],
    ]);
  expect(held.outcome!.ansvar.map((a) => [a.enhet, a.uppgiftId])).toStrictEqual([
      ['rvt', 'd3'],
      ['resursenhet', 'd4'],
    ]);
  // the end of the date in Stockholm
  expect(held.tasks[2]!.dueAt).toBe('2030-04-22T21:59:59.999Z');
  expect(held.tasks[3]!.dueAt).toBe('2030-04-24T21:59:59.999Z');
  expect(held.tasks[4]!.dueAt).toBe('2030-05-20T21:59:59.999Z');

  const toRvt = await h.mail.waitFor(isFrom(workflowId, 'd3.r0.ny_uppgift0'));
  expect(toRvt.to).toStrictEqual(['rvt@exempel.se']);
  expect(toRvt.subject).toBe('Ny uppgift för Relationsvåldsteamet: Uppgift från möte');
  const toResurs = await h.mail.waitFor(isFrom(workflowId, 'd4.r0.ny_uppgift0'));
  expect(toResurs.to).toStrictEqual(['resursenhet@exempel.se']);
  const followUp = await h.mail.waitFor(isFrom(workflowId, 'd5.r0.ny_uppgift0'));
  expect(followUp.to).toStrictEqual(['mottagning@exempel.se']);
  for (const mail of [toRvt, toResurs]) {
    // what was agreed stays in the system
    expect(mail.subject + mail.text).not.toMatch(/Skyddsplanering|mamman|krissamtal|Trappan/);
  }

  const caseView = await caseViewWhen(handle, (v) => v.meetings[0]!.status === 'hallet');
  expect(caseView.meetings[0]!.status).toBe('hallet');
  expect(caseView.events.some((e) => e.type === 'planeringsmote_hallet' && e.unit === 'mottagning')).toBeTruthy();

  const othersTask = await refused(act(workflowId, 'resursenhet', { typ: 'klarmarkera_uppgift', uppgiftId: 'd3' }));
  // a unit may not mark another unit's task done
  expect(othersTask.type).toBe('EJ_BEHORIG');
  const othersTask2 = await refused(act(workflowId, 'rvt', { typ: 'klarmarkera_uppgift', uppgiftId: 'd4' }));
  expect(othersTask2.type).toBe('EJ_BEHORIG');
  const notATask = await refused(act(workflowId, 'rvt', { typ: 'klarmarkera_uppgift', uppgiftId: 'd2' }));
  // only the tasks of the outcome are marked done this way
  expect(notATask.type).toBe('OGILTIG_UPPGIFT');

  await skipTo(h.env, '2030-04-19T08:00:00Z');
  const done = await act(workflowId, 'rvt', { typ: 'klarmarkera_uppgift', uppgiftId: 'd3' });
  expect(done.tasks.find((t) => t.id === 'd3')!.status).toBe('done');
  expect(done.tasks.find((t) => t.id === 'd4')!.status).toBe('open');
  const twice = await refused(act(workflowId, 'rvt', { typ: 'klarmarkera_uppgift', uppgiftId: 'd3' }));
  expect(twice.type).toBe('FEL_FAS');

  await skipTo(h.env, '2030-04-24T21:58:00Z');
  await h.settledChild(workflowId);
  // no escalation before the due moment
  expect(!sentBy(h.mail.messages(), workflowId).some((key) => key.startsWith('d4.r0.eskalering'))).toBeTruthy();
  await skipTo(h.env, '2030-04-24T22:00:30Z');
  const toChef = await h.mail.waitFor(isFrom(workflowId, 'd4.r0.eskalering1'));
  expect(toChef.to).toStrictEqual(['chef.resursenhet@exempel.se']);
  expect(toChef.subject).toMatch(/Eskalering till enhetschef: försenad uppgift hos Resursenheten/);
  await h.settledChild(workflowId);

  const sent = withSimultaneous(sentBy(h.mail.messages(), workflowId), ['d4.r0.eskalering0', 'd4.r0.eskalering1']);
  // rvt marked its task done in time: no reminder and no escalation
  expect(sent.filter((key) => key.startsWith('d3.'))).toStrictEqual(['d3.r0.ny_uppgift0']);
  expect(sent.filter((key) => key.startsWith('d4.'))).toStrictEqual(['d4.r0.ny_uppgift0', 'd4.r0.paminnelse0', 'd4.r0.paminnelse1', 'd4.r0.eskalering0', 'd4.r0.eskalering1']);
  // the meeting was held in time
  expect(!sent.some((key) => key.startsWith('d1.r0.paminnelse') || key.startsWith('d1.r0.eskalering'))).toBeTruthy();
  const late = await viewOf(workflowId);
  expect(late.tasks.find((t) => t.id === 'd4')!.escalationLevel).toBe(2);
  expect(late.tasks.find((t) => t.id === 'd3')!.escalationLevel).toBe(0);
});

test('a unit given a task at the meeting is involved in the case, so that it can open the case its task belongs to', async () => {
  await skipTo(h.env, '2030-05-06T07:00:00Z');
  const { caseRef, handle } = await violenceCase();
  const workflowId = meetingWorkflowId(caseRef);
  await h.mail.waitFor(isFrom(workflowId, 'd1.r0.ny_uppgift0'));
  await act(workflowId, 'mottagning', { typ: 'boka', tid: '2030-05-06T09:00:00Z' });
  await skipTo(h.env, '2030-05-06T10:00:00Z');
  const held = await act(workflowId, 'mottagning', outcome([{ enhet: 'resursenhet', uppgift: 'Erbjuda krissamtal till barnet', senast: '2030-05-10' }], '2030-06-03'));
  expect(held.tasks.find((t) => t.key === 'motesuppgift')!.unit).toBe('resursenhet');
  const toResurs = await h.mail.waitFor(isFrom(workflowId, 'd3.r0.ny_uppgift0'));
  // the mail sends resursenheten to the case
  expect(toResurs.text).toMatch(new RegExp(`/arenden/${caseRef}`));

  const view = await caseViewWhen(handle, (v) => v.meetings[0]!.status === 'hallet');
  expect(view.meetings[0]!.status).toBe('hallet');
  // resursenheten has a task in the case, so it is among the case's units (else the API would answer it 404)
  expect(view.involvedUnits).toContain('resursenhet');
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
  expect(yesterday.type).toBe('OGILTIG_UPPGIFT');
  expect((await viewOf(workflowId)).status).toBe('bokat');
});

test('a relative never interprets at the meeting: refused with the rule and its source; a professional interpreter is recorded', async () => {
  const { caseRef } = await violenceCase();
  const workflowId = meetingWorkflowId(caseRef);
  const now = await h.env.currentTimeMs();
  await act(workflowId, 'mottagning', { typ: 'boka', tid: new Date(now + 24 * 3_600_000).toISOString() });
  await skipBy(h.env, 2 * 24 * 3_600_000);
  const day = (offset: number) => new Date(now + offset * 24 * 3_600_000).toISOString().slice(0, 10);
  const held = { ...outcome([{ enhet: 'rvt', uppgift: 'Stödsamtal med mamman', senast: day(20) }], day(40)) } as Extract<MeetingAction, { typ: 'registrera_utfall' }>;
  const relative = await refused(act(workflowId, 'mottagning', { ...held, tolk: 'anhorig' }));
  expect(relative).toMatchObject({ type: 'SPARRAD', message: expect.stringContaining('Anhöriga tolkar aldrig') });
  expect(relative.message).toContain('Lokal samverkansrutin');
  expect((await viewOf(workflowId)).status).toBe('bokat');
  const recorded = await act(workflowId, 'mottagning', { ...held, tolk: 'professionell' });
  expect(recorded.outcome).toMatchObject({ tolk: 'professionell' });
});
