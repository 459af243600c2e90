// One workflow per case: carries its lifecycle, watches every deadline, and stays small
// over years by continuing as new.
import {
  allHandlersFinished,
  condition,
  continueAsNew,
  proxyActivities,
  setHandler,
  upsertMemo,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import { Mutex } from 'async-mutex';
import type { Activities } from '../activities';
import { ActionRequestSchema, alertKey, CaseWorkflowInputSchema, type CaseState, type CaseWorkflowInput, type Deadline, type MemoTask } from '../domain/case';
import { caseFailure } from '../domain/failures';
import { caseOpenedUpdate, caseViewQuery, performActionUpdate } from '../domain/messages';
import { escalationChain, reminderOffsets, type Rules } from '../domain/rules';
import {
  CaseKindAttr,
  CaseRefAttr,
  NextDeadlineAttr,
  OverdueAttr,
  PhaseAttr,
  UnitsAttr,
  WaitingUnitsAttr,
} from '../domain/search-attributes';
import { describeIssues } from '../domain/zod';
import { CaseModel, type DeadlineSpec, type PlannedMoments } from './case-model';

const { planDeadline, sendNotification } = proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  // A mail server that is down delays a notification; it never drops it.
  retry: { initialInterval: '5 seconds', backoffCoefficient: 2, maximumInterval: '10 minutes' },
});

export interface CaseWorkflowResult {
  caseRef: string;
  closedAt: string;
  phase: CaseState['phase'];
}

/** State carried across continue-as-new. */
export type CaseWorkflowArgs = CaseWorkflowInput & { resume?: CaseState };

export async function caseWorkflow(args: CaseWorkflowArgs): Promise<CaseWorkflowResult> {
  const input = CaseWorkflowInputSchema.parse(args);
  const rules: Rules = input.rules;
  const nowIso = () => new Date().toISOString();
  const model = new CaseModel(args.resume ?? CaseModel.initialState(input, nowIso()), rules);
  const lock = new Mutex();
  const trackers = new Set<string>();
  /** Notifications being sent right now: a run does not end in the middle of one. */
  let sending = 0;

  type MomentsInput = Pick<DeadlineSpec, 'counting' | 'startAt' | 'duration' | 'reminders' | 'escalation'>;
  const planMoments = async (spec: MomentsInput, dueDate?: string): Promise<PlannedMoments> => {
    const { dueAt, alerts } = await planDeadline({
      timeZone: rules.timeZone,
      counting: spec.counting,
      startAt: spec.startAt,
      duration: spec.duration,
      ...(dueDate ? { dueDate } : {}),
      reminders: reminderOffsets(rules, spec),
      escalation: escalationChain(rules, spec),
    });
    return { dueAt, alerts };
  };

  const publish = () => {
    const open = model.openDeadlines();
    const next = open.map((d) => d.dueAt).sort()[0];
    upsertSearchAttributes([
      { key: CaseRefAttr, value: model.state.caseRef },
      { key: CaseKindAttr, value: model.state.kind },
      { key: PhaseAttr, value: model.state.phase },
      { key: UnitsAttr, value: [...model.state.involvedUnits] },
      { key: WaitingUnitsAttr, value: [...new Set(open.map((d) => d.unit))] },
      { key: NextDeadlineAttr, value: next ? new Date(next) : null },
      { key: OverdueAttr, value: open.some((d) => d.escalationLevel > 0) },
    ]);
    // The task list reads open tasks from the memo, without a query to every case.
    const tasks: MemoTask[] = open.map((d) => ({ id: d.id, title: d.title, unit: d.unit, dueAt: d.dueAt, escalationLevel: d.escalationLevel }));
    upsertMemo({ tasks });
  };

  /** Sends a deadline's planned notifications at their moments until it is done or moved. */
  const track = async (deadline: Deadline): Promise<void> => {
    trackers.add(deadline.id);
    try {
      while (deadline.status === 'open') {
        const revision = deadline.revision;
        const changed = () => deadline.status !== 'open' || deadline.revision !== revision;
        const alert = deadline.alerts.find((a) => !deadline.sent.includes(alertKey(deadline, a)));
        if (!alert) {
          await condition(changed);
          continue;
        }
        const wait = Date.parse(alert.at) - Date.now();
        if (wait > 0 && (await condition(changed, wait))) continue;
        const key = alertKey(deadline, alert);
        sending += 1;
        await sendNotification({
          key: `${workflowInfo().workflowId}/${key}`,
          kind: alert.kind,
          to: alert.to,
          caseRef: model.state.caseRef,
          unit: deadline.unit,
          title: deadline.title,
          dueAt: deadline.dueAt,
          citation: deadline.legal.citation,
          protectedCase: model.state.flags.skyddadeUppgifter,
        }).finally(() => {
          sending -= 1;
        });
        deadline.sent.push(key);
        if (alert.kind === 'eskalering' && deadline.revision === revision) {
          deadline.escalationLevel = Math.max(deadline.escalationLevel, alert.index + 1);
          deadline.escalatedTo = alert.to;
          publish();
        }
      }
    } finally {
      trackers.delete(deadline.id);
    }
  };

  const startTrackers = () => {
    for (const deadline of model.openDeadlines()) {
      if (!trackers.has(deadline.id)) void track(deadline);
    }
  };

  setHandler(caseViewQuery, () => model.view(Date.now()));
  let started = Boolean(args.resume);
  setHandler(caseOpenedUpdate, async () => {
    await condition(() => started);
    return model.view(Date.now());
  });

  setHandler(
    performActionUpdate,
    async (raw) => {
      return lock.runExclusive(async () => {
        const request = ActionRequestSchema.parse(raw);
        // State may have moved while this update waited for the lock: check again.
        model.check(request);
        const now = nowIso();
        const plan = model.plan(request, now);
        const deadlines: [DeadlineSpec, PlannedMoments][] = [];
        for (const spec of plan.deadlines) deadlines.push([spec, await planMoments(spec)]);
        let extension: PlannedMoments | undefined;
        if (plan.extension) {
          const current = model.state.deadlines.find((d) => d.id === plan.extension!.deadlineId)!;
          const moved = { counting: current.counting, startAt: now, duration: current.duration, ...specOverrides(rules, current) };
          extension = await planMoments(moved, plan.extension.dueDate);
        }
        model.apply(request, now, { deadlines, ...(extension ? { extension } : {}) });
        publish();
        startTrackers();
        return model.view(Date.now());
      });
    },
    {
      validator: (raw) => {
        const parsed = ActionRequestSchema.safeParse(raw);
        if (!parsed.success) {
          const [issue] = describeIssues(parsed.error);
          throw caseFailure('OGILTIG_UPPGIFT', `${issue!.field}: ${issue!.message}`, issue!.field);
        }
        model.check(parsed.data);
      },
    },
  );

  if (!args.resume) {
    const first = model.firstDeadline();
    model.addDeadline(first, await planMoments(first), nowIso());
    started = true;
  }
  publish();
  startTrackers();

  const historyLimit = input.historyLimit;
  await condition(() => model.closed || workflowInfo().continueAsNewSuggested || workflowInfo().historyLength > historyLimit);
  await condition(() => allHandlersFinished() && sending === 0);
  if (!model.closed) {
    model.compact();
    await continueAsNew<typeof caseWorkflow>({ ...args, resume: model.state });
  }
  publish();
  return { caseRef: model.state.caseRef, closedAt: model.state.closedAt ?? nowIso(), phase: model.state.phase };
}

/** Reminders and escalation of the rule behind a deadline, for planning a moved due moment. */
function specOverrides(rules: Rules, deadline: Deadline): Pick<DeadlineSpec, 'reminders' | 'escalation'> {
  const rule = deadline.key === 'uppfoljning' ? undefined : rules.deadlines[deadline.key];
  return { ...(rule?.reminders ? { reminders: rule.reminders } : {}), ...(rule?.escalation ? { escalation: rule.escalation } : {}) };
}
