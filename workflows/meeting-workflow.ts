// A gemensamt planeringsmöte, as a child workflow of its case: booked within its deadline,
// attendance confirmed by every unit, held only with an outcome whose tasks are tracked.
import { allHandlersFinished, condition, patched, setHandler, workflowInfo } from '@temporalio/workflow';
import { Mutex } from 'async-mutex';
import { caseFailure } from '../domain/failures';
import { meetingActionUpdate, meetingViewQuery, withdrawSignal } from '../domain/messages';
import type { MeetingAction, MeetingActionRequest, MeetingView, MeetingWorkflowInput } from '../domain/meeting';
import { DeadlineTracker, localDate, TaskList, timingOverrides, timingSpec } from './deadline-tracker';
import { clockOf, publishItem, reportToCase, type ItemState } from './item-visibility';
import { setCheckedUpdate } from './validated';
import { createWaitingItemLog } from './waiting-item-log';

export interface MeetingResult {
  meetingId: string;
  status: MeetingView['status'];
}

export async function meetingWorkflow(input: MeetingWorkflowInput): Promise<MeetingResult> {
  const { rules } = input;
  const nowIso = () => new Date().toISOString();
  const lock = new Mutex();
  const view: MeetingView = {
    id: input.meetingId,
    workflowId: workflowInfo().workflowId,
    caseRef: input.caseRef,
    title: input.title,
    trigger: input.trigger,
    units: input.units,
    organiser: input.organiser,
    status: 'ej_bokat',
    attendance: input.units.map((unit) => ({ unit })),
    tasks: [],
  };
  let waitingSince = input.startAt;
  const tasks = new TaskList(view.tasks, rules);
  const open = () => tasks.open();
  const waitingItem = createWaitingItemLog();

  const publish = () => {
    const waitingFor = view.status === 'ej_bokat' ? 'bokning' : view.status === 'bokat' ? 'mote' : 'uppgift';
    const item: ItemState = {
      kind: 'planeringsmote',
      caseRef: input.caseRef,
      protectedCase: input.protectedCase,
      units: input.units,
      ...(open().length > 0 ? { waiting: { for: waitingFor, units: open().map((t) => t.unit), since: waitingSince } } : {}),
      deadlines: view.tasks,
      summary: `Gemensamt planeringsmöte ${input.meetingId}: ${input.units.join(', ')}`,
    };
    publishItem(item);
    waitingItem.write(item);
  };
  const tracker = new DeadlineTracker({ digest: rules.escalationDigest, caseRef: input.caseRef, protectedCase: () => input.protectedCase, onEscalated: publish });

  const base = (now: string) => ({ trigger: input.trigger, startAt: now, legal: input.legal, counting: 'kalenderdagar' as const, duration: 'P0D' });

  const check = ({ actor, action }: MeetingActionRequest) => {
    if (view.status === 'installd') throw caseFailure('FEL_FAS', 'Mötet är inställt');
    if (actor.role !== 'handlaggare' && actor.role !== 'enhetschef') throw caseFailure('EJ_BEHORIG', 'Endast handläggare och enhetschefer på mötets enheter kan göra detta');
    const now = Date.now();
    switch (action.typ) {
      case 'boka':
        if (actor.unit !== input.organiser) throw caseFailure('EJ_BEHORIG', `Mötet bokas av ${input.organiser}`);
        if (view.status === 'hallet') throw caseFailure('FEL_FAS', 'Mötet är redan hållet');
        if (Date.parse(action.tid) <= now) throw caseFailure('OGILTIG_UPPGIFT', 'Mötestiden måste ligga i framtiden', 'tid');
        break;
      case 'bekrafta_deltagande': {
        const place = view.attendance.find((a) => a.unit === actor.unit);
        if (!place) throw caseFailure('EJ_BEHORIG', `Enheten ${actor.unit} är inte kallad till mötet`);
        if (view.status !== 'bokat') throw caseFailure('FEL_FAS', 'Mötet är inte bokat');
        if (place.confirmedAt) throw caseFailure('FEL_FAS', 'Deltagandet är redan bekräftat');
        break;
      }
      case 'registrera_utfall': {
        if (actor.unit !== input.organiser) throw caseFailure('EJ_BEHORIG', `Utfallet registreras av ${input.organiser}`);
        if (view.status !== 'bokat') throw caseFailure('FEL_FAS', view.status === 'hallet' ? 'Mötet är redan hållet' : 'Mötet måste bokas innan det hålls');
        if (Date.parse(view.bookedFor!) > now) throw caseFailure('FEL_FAS', 'Mötet har inte ägt rum än');
        // The case's rule on interpreters (a relative never interprets), with its source.
        const gate = input.interpreterGate;
        if (gate && action.tolk && gate.refused.includes(action.tolk)) {
          throw caseFailure('SPARRAD', `${gate.title}: använd en professionell tolk (${gate.legal.source}: ${gate.legal.citation})`, 'tolk');
        }
        // The dates are checked against today by the handler: today needs the time zone's calendar.
        break;
      }
      case 'klarmarkera_uppgift': {
        const task = view.tasks.find((t) => t.id === action.uppgiftId && (t.key === 'motesuppgift' || t.key === 'uppfoljning'));
        if (!task) throw caseFailure('OGILTIG_UPPGIFT', `Uppgiften ${action.uppgiftId} finns inte`, 'uppgiftId');
        if (task.unit !== actor.unit) throw caseFailure('EJ_BEHORIG', `Uppgiften ägs av ${task.unit}`);
        if (task.status !== 'open') throw caseFailure('FEL_FAS', 'Uppgiften är redan klar');
        break;
      }
    }
  };

  setHandler(meetingViewQuery, () => view);
  setCheckedUpdate(meetingActionUpdate, {
    schema: (s) => s.MeetingActionRequestSchema,
    lock,
    check,
    handle: async ({ actor, action }) => {
      const now = nowIso();
      switch (action.typ) {
        case 'boka': {
          // A new time asks every unit again.
          tasks.close((t) => t.key === 'deltagande', 'cancelled', now);
          for (const unit of input.units.filter((u) => u !== input.organiser)) {
            await tasks.add(
              { ...base(now), key: 'deltagande', title: 'Bekräfta deltagande i gemensamt planeringsmöte', unit, reminders: rules.meetings.attendanceReminders, escalation: [{ to: 'enhetschef', after: 'PT0S' }] },
              { dueAt: action.tid },
            );
          }
          view.bookedFor = action.tid;
          view.attendance = input.units.map((unit) => (unit === input.organiser ? { unit, confirmedAt: now } : { unit }));
          if (view.status === 'ej_bokat') waitingSince = now;
          view.status = 'bokat';
          await reportToCase(input.parentWorkflowId, { kind: 'planeringsmote', id: input.meetingId, status: 'bokat', at: now, unit: actor.unit, by: actor.sub });
          break;
        }
        case 'bekrafta_deltagande':
          view.attendance.find((a) => a.unit === actor.unit)!.confirmedAt = now;
          tasks.close((t) => t.key === 'deltagande' && t.unit === actor.unit, 'done', now);
          break;
        case 'registrera_utfall': {
          // Today where the units work, not in UTC: just after midnight it is already tomorrow.
          // An activity knows the zone's calendar; outcomes recorded before it was asked were
          // checked by the validator alone, so their replay asks nothing.
          if (patched('outcome-dates-checked-by-activity')) checkOutcomeDates(action, await localDate({ at: now, timeZone: rules.timeZone }));
          const held = clockOf(view.tasks, 'planeringsmote');
          tasks.close((t) => t.key === 'planeringsmote', 'done', now);
          tasks.close(() => true, 'cancelled', now);
          const ansvar = [];
          for (const item of action.ansvar) {
            const task = await tasks.add(
              { ...base(now), key: 'motesuppgift', title: 'Uppgift enligt ansvarsfördelning från gemensamt planeringsmöte', unit: item.enhet, ...timingOverrides(rules.meetings.tasks ?? {}) },
              { dueDate: item.senast },
            );
            ansvar.push({ ...item, uppgiftId: task.id });
          }
          await tasks.add(
            { ...base(now), key: 'uppfoljning', title: 'Uppföljning av gemensam planering', unit: input.organiser, ...timingOverrides(rules.meetings.tasks ?? {}) },
            { dueDate: action.nastaUppfoljning },
          );
          view.outcome = { ansvar, nastaUppfoljning: action.nastaUppfoljning, ...(action.tolk ? { tolk: action.tolk } : {}), recordedBy: actor.sub, recordedAt: now };
          view.status = 'hallet';
          waitingSince = now;
          await reportToCase(input.parentWorkflowId, {
            kind: 'planeringsmote',
            id: input.meetingId,
            status: 'hallet',
            at: now,
            unit: actor.unit,
            by: actor.sub,
            involve: [...new Set(action.ansvar.map((item) => item.enhet))],
            ...(held ? { clock: held } : {}),
          });
          break;
        }
        case 'klarmarkera_uppgift':
          tasks.close((t) => t.id === action.uppgiftId, 'done', now);
          break;
      }
      publish();
      tracker.watch(view.tasks);
      return view;
    },
  });

  setHandler(withdrawSignal, async () => {
    await lock.runExclusive(async () => {
      const now = nowIso();
      tasks.close(() => true, 'cancelled', now);
      if (view.status !== 'hallet') view.status = 'installd';
      publish();
    });
  });

  // Actions wait for the first task: they must not see a meeting without its clock.
  await lock.runExclusive(async () => {
    await tasks.add({
      ...base(input.startAt),
      key: 'planeringsmote',
      title: 'Gemensamt planeringsmöte att boka och hålla',
      unit: input.organiser,
      ...timingSpec(input.timing),
    });
    publish();
    tracker.watch(view.tasks);
  });

  // Done when held and every task of its outcome is done, or when the case withdraws it.
  await condition(() => (view.status === 'installd' || view.status === 'hallet') && open().length === 0 && allHandlersFinished() && tracker.idle);
  publish();
  await waitingItem.close();
  return { meetingId: input.meetingId, status: view.status };
}

/** Refuses responsibilities dated before today and a next follow-up that is not after it. */
function checkOutcomeDates(action: Extract<MeetingAction, { typ: 'registrera_utfall' }>, today: string): void {
  action.ansvar.forEach((item, index) => {
    if (item.senast < today) throw caseFailure('OGILTIG_UPPGIFT', 'Datumet har redan passerat', `ansvar.${index}.senast`);
  });
  if (action.nastaUppfoljning <= today) throw caseFailure('OGILTIG_UPPGIFT', 'Nästa uppföljning ska ligga efter i dag', 'nastaUppfoljning');
}
