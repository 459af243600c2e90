// One workflow per case: carries its lifecycle, watches every deadline, starts the handovers,
// joint meetings and disputes as child workflows, and stays small over years by continuing as new.
import {
  allHandlersFinished,
  condition,
  continueAsNew,
  getExternalWorkflowHandle,
  ParentClosePolicy,
  setHandler,
  startChild,
  upsertMemo,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import { Mutex } from 'async-mutex';
import { ActionRequestSchema, CaseWorkflowInputSchema, type CaseState, type CaseWorkflowInput, type Deadline, type MemoTask } from '../domain/case';
import { RaiseDisputeSchema, type RaiseDispute } from '../domain/dispute';
import { StartHandoverSchema } from '../domain/handover';
import {
  caseOpenedUpdate,
  caseViewQuery,
  childChangedSignal,
  performActionUpdate,
  raiseDisputeUpdate,
  startHandoverUpdate,
  withdrawSignal,
} from '../domain/messages';
import { requiredSteps } from '../domain/rule-evaluation';
import type { Rules } from '../domain/rules';
import {
  CaseKindAttr,
  CaseRefAttr,
  NextDeadlineAttr,
  OverdueAttr,
  PhaseAttr,
  UnitsAttr,
  WaitingUnitsAttr,
} from '../domain/search-attributes';
import { CaseModel, type DeadlineSpec, type PlannedMoments } from './case-model';
import { DeadlineTracker, planMoments, timingOverrides } from './deadline-tracker';
import { disputeWorkflow } from './dispute-workflow';
import { handoverWorkflow } from './handover-workflow';
import { meetingWorkflow } from './meeting-workflow';
import { setCheckedUpdate } from './validated';

export interface CaseWorkflowResult {
  caseRef: string;
  closedAt: string;
  phase: CaseState['phase'];
}

/** State carried across continue-as-new. */
export type CaseWorkflowArgs = CaseWorkflowInput & { resume?: CaseState };

/** Children outlive a run of their case (continue-as-new); the case withdraws them itself. */
const childOptions = { parentClosePolicy: ParentClosePolicy.ABANDON } as const;

export async function caseWorkflow(args: CaseWorkflowArgs): Promise<CaseWorkflowResult> {
  const input = CaseWorkflowInputSchema.parse(args);
  const rules: Rules = input.rules;
  const nowIso = () => new Date().toISOString();
  const model = new CaseModel(args.resume ?? CaseModel.initialState(input, nowIso()), rules);
  const lock = new Mutex();
  const caseId = workflowInfo().workflowId;

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

  const tracker = new DeadlineTracker({
    digest: rules.escalationDigest,
    caseRef: model.state.caseRef,
    protectedCase: () => model.state.flags.skyddadeUppgifter,
    onEscalated: publish,
  });

  /** Tells children to stop; one that has already finished needs nothing. */
  const withdraw = async (children: { workflowId: string }[], reason: string) => {
    model.withdrawChildren(children);
    for (const child of children) {
      await getExternalWorkflowHandle(child.workflowId)
        .signal(withdrawSignal, { reason })
        .catch(() => undefined);
    }
  };

  const startDispute = async (request: RaiseDispute) => {
    const { id, workflowId } = model.nextChild('tvist');
    await startChild(disputeWorkflow, {
      ...childOptions,
      workflowId,
      args: [
        {
          caseRef: model.state.caseRef,
          disputeId: id,
          parentWorkflowId: caseId,
          subject: request.foremal,
          raisedBy: { unit: request.actor.unit, sub: request.actor.sub },
          reason: request.skal,
          parties: model.disputeParties(request),
          involvedUnits: [...model.state.involvedUnits],
          rules,
          protectedCase: model.state.flags.skyddadeUppgifter,
        },
      ],
    });
    return model.addDispute(request, nowIso());
  };

  setHandler(caseViewQuery, () => model.view(Date.now()));
  let started = Boolean(args.resume);
  setHandler(caseOpenedUpdate, async () => {
    await condition(() => started);
    return model.view(Date.now());
  });

  setCheckedUpdate(performActionUpdate, {
    schema: ActionRequestSchema,
    lock,
    check: (request) => model.check(request),
    handle: async (request) => {
      const now = nowIso();
      const plan = model.plan(request, now);
      const deadlines: [DeadlineSpec, PlannedMoments][] = [];
      for (const spec of plan.deadlines) deadlines.push([spec, await planMoments(rules, spec)]);
      let extension: PlannedMoments | undefined;
      if (plan.extension) {
        const current = model.state.deadlines.find((d) => d.id === plan.extension!.deadlineId)!;
        const moved = { counting: current.counting, startAt: now, duration: current.duration, ...specOverrides(rules, current) };
        extension = await planMoments(rules, moved, { dueDate: plan.extension.dueDate });
      }
      model.apply(request, now, { deadlines, ...(extension ? { extension } : {}) });
      if (request.action.type === 'aterkalla_samtycke') {
        await withdraw(model.pendingUnderConsent(request.action.samtyckeId), 'Samtycket har återkallats');
      }
      if (model.closed) await withdraw(model.openChildren(), 'Ärendet har avslutats');
      publish();
      tracker.watch(model.openDeadlines());
      return model.view(Date.now());
    },
  });

  setCheckedUpdate(startHandoverUpdate, {
    schema: StartHandoverSchema,
    lock,
    check: (request) => model.checkHandover(request),
    handle: async (request) => {
      const { id, workflowId } = model.nextChild('overlamning');
      await startChild(handoverWorkflow, {
        ...childOptions,
        workflowId,
        args: [
          {
            caseRef: model.state.caseRef,
            handoverId: id,
            parentWorkflowId: caseId,
            from: request.actor.unit,
            to: request.to,
            receiverKind: request.receiverKind,
            content: request.content,
            ...(request.legalGround ? { legalGround: request.legalGround } : {}),
            sentBy: request.actor.sub,
            rules,
            protectedCase: model.state.flags.skyddadeUppgifter || request.content.skyddadeUppgifter !== 'nej',
          },
        ],
      });
      model.addHandover(request, nowIso());
      publish();
      return { handoverId: id, workflowId };
    },
  });

  setCheckedUpdate(raiseDisputeUpdate, {
    schema: RaiseDisputeSchema,
    lock,
    check: (request) => model.checkDispute(request),
    handle: async (request) => {
      const dispute = await startDispute(request);
      publish();
      return { disputeId: dispute.id, workflowId: dispute.workflowId };
    },
  });

  setHandler(childChangedSignal, async (change) => {
    await lock.runExclusive(async () => {
      const rejected = model.childChanged(change);
      // A rejected handover is a disagreement between units: it goes to the sektorchef.
      if (rejected && !model.closed) {
        await startDispute({
          actor: { sub: change.by, role: 'handlaggare', unit: change.unit },
          foremal: { typ: 'overlamning', id: rejected.id },
          skal: change.text ?? 'Överlämningen avvisades',
        });
      }
      publish();
    });
  });

  if (!args.resume) {
    const first = model.firstDeadline();
    model.addDeadline(first, await planMoments(rules, first), nowIso());
    // What the facts call for: handovers to make and joint meetings to hold.
    for (const step of requiredSteps(model.state, rules)) {
      if (step.typ === 'overlamning') {
        const spec = model.handoverDutySpec(step);
        model.addDeadline(spec, await planMoments(rules, spec), nowIso());
      } else {
        const { id, workflowId } = model.nextChild('planeringsmote');
        await startChild(meetingWorkflow, {
          ...childOptions,
          workflowId,
          args: [
            {
              caseRef: model.state.caseRef,
              meetingId: id,
              parentWorkflowId: caseId,
              title: step.title,
              trigger: step.id,
              units: step.units,
              organiser: step.organiser,
              startAt: model.state.receivedAt,
              timing: step.timing,
              legal: step.legal,
              rules,
              protectedCase: model.state.flags.skyddadeUppgifter,
            },
          ],
        });
        model.addMeeting(step);
      }
    }
    started = true;
  }
  publish();
  tracker.watch(model.openDeadlines());

  const historyLimit = input.historyLimit;
  await condition(() => model.closed || workflowInfo().continueAsNewSuggested || workflowInfo().historyLength > historyLimit);
  await condition(() => allHandlersFinished() && tracker.idle);
  if (!model.closed) {
    model.compact();
    await continueAsNew<typeof caseWorkflow>({ ...args, resume: model.state });
  }
  publish();
  return { caseRef: model.state.caseRef, closedAt: model.state.closedAt ?? nowIso(), phase: model.state.phase };
}

/** Reminders and escalation of the rule behind a deadline, for planning a moved due moment. */
function specOverrides(rules: Rules, deadline: Deadline): Pick<DeadlineSpec, 'reminders' | 'escalation'> {
  const rule = deadline.key in rules.deadlines ? rules.deadlines[deadline.key as keyof Rules['deadlines']] : undefined;
  return timingOverrides(rule ?? {});
}
