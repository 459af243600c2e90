// The case's steps for the durable event log (infra/case-event-log.ts): each event of the case
// and each deadline's end (met or missed, and by how much), written once by an activity. The
// case workflow hands over what is new after every change; nothing here waits for it.
import { patched, proxyActivities, proxyLocalActivities } from '@temporalio/workflow';
import type { createActivities } from '../activities';
import type { CaseLogEvent } from '../infra/case-event-log';
import type { CaseModel } from './case-model';

/** Cases started (or continued) before the event log existed write none until their next run. */
export const eventLogPatch = 'event-log';
/** Steps recorded as events since (a joint meeting required): runs started before record none of them. */
export const eventFactsPatch = 'event-facts';

// The database may be down for a while: the steps wait, they are never dropped.
const retry = { initialInterval: '5 seconds', backoffCoefficient: 2, maximumInterval: '10 minutes' };
const { recordCaseEvents } = proxyActivities<ReturnType<typeof createActivities>>({ startToCloseTimeout: '30 seconds', retry });
// Since 2026-12 a local activity: one insert in the worker, no activity task and no workflow task
// of its own for its result (a case's every change paid both). Runs recorded before keep the activity.
const local = proxyLocalActivities<ReturnType<typeof createActivities>>({ startToCloseTimeout: '30 seconds', retry });
export const localEventLogPatch = 'event-log-local-activity';

/** The steps not yet handed to the log, marked as handed; empty when nothing is new. */
export function takeNewSteps(model: CaseModel): CaseLogEvent[] {
  const { state } = model;
  const log = (state.eventLog ??= { events: 0, seq: 0 });
  const common = {
    caseRef: state.caseRef,
    kind: state.kind,
    rulesVersion: state.rulesVersion,
    flags: { ...state.flags },
    kon: state.person?.kon ?? 'okant',
    aldersgrupp: state.person?.aldersgrupp ?? 'okant',
  };
  const steps: CaseLogEvent[] = state.events.slice(log.events).map((event) => ({ ...common, key: `${state.caseRef}/e${log.seq++}`, type: event.type, unit: event.unit, at: event.at, data: event.data ?? {} }));
  log.events = state.events.length;
  for (const deadline of state.deadlines) {
    if (deadline.status === 'open' || deadline.logged || !deadline.closedAt) continue;
    deadline.logged = true;
    const late = Date.parse(deadline.closedAt) - Date.parse(deadline.dueAt);
    steps.push({
      ...common,
      key: `${state.caseRef}/${deadline.id}.r${deadline.revision}`,
      type: deadline.status === 'done' ? 'frist_klar' : 'frist_bortfallen',
      unit: deadline.unit,
      at: deadline.closedAt,
      data: {
        deadlineKey: deadline.key,
        dueAt: deadline.dueAt,
        startedAt: deadline.startedAt,
        inTime: late <= 0,
        lateSeconds: Math.max(0, Math.round(late / 1000)),
        escalationLevel: deadline.escalationLevel,
        target: deadline.target ?? null,
        insatsId: deadline.insatsId ?? null,
      },
    });
  }
  return steps;
}

/** Hands new steps to the log without waiting; `pending` says how many writes are on their way. */
export function createStepLog(model: CaseModel, enabled: boolean) {
  const log = {
    enabled,
    pending: 0,
    write() {
      if (!enabled) return;
      const steps = takeNewSteps(model);
      if (steps.length === 0) return;
      log.pending += 1;
      const record = patched(localEventLogPatch) ? local.recordCaseEvents : recordCaseEvents;
      void record(steps).finally(() => (log.pending -= 1));
    },
  };
  return log;
}
