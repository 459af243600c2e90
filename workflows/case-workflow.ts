// One workflow per case: carries its lifecycle, watches every deadline, starts the handovers,
// joint meetings and disputes as child workflows, and stays small over years by continuing as new.
import {
  allHandlersFinished,
  condition,
  continueAsNew,
  getExternalWorkflowHandle,
  ParentClosePolicy,
  patched,
  setHandler,
  startChild,
  upsertMemo,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import { Mutex } from 'async-mutex';
import type { CaseMemo, CaseState, CaseWorkflowInput, Deadline, MemoTask } from '../domain/case';
import { caseWorkflowId } from '../domain/ids';
import type { RaiseDispute } from '../domain/dispute';
import { caseStateAsRecorded, startHandoverAsRecorded } from '../domain/legacy-names';
import { completeRecordedRules } from '../domain/legacy-rules';
import {
  caseOpenedUpdate,
  caseViewQuery,
  changeRulesUpdate,
  childChangedSignal,
  followsParentSignal,
  performActionUpdate,
  raiseDisputeUpdate,
  startHandoverUpdate,
  withdrawSignal,
} from '../domain/messages';
import { planRuleChange, type Replan } from '../domain/rule-change';
import { evaluateRules } from '../domain/rule-evaluation';
import { gatesInForce } from '../domain/gates';
import type { ClockRules, Gate, HandoverTrigger, MeetingTrigger, Rules } from '../domain/rules';
import {
  CaseKindAttr,
  CaseRefAttr,
  NextDeadlineAttr,
  OverdueAttr,
  PhaseAttr,
  UnitsAttr,
  WaitingUnitsAttr,
} from '../domain/search-attributes';
import {
  addDispute,
  addHandover,
  addMeeting,
  checkDispute,
  checkHandover,
  childChanged,
  disputeParties,
  handoverDutySpec,
  openChildren,
  pendingUnderConsent,
  reserveChild,
  withdrawChildren,
} from './case-children';
import { CaseModel, type DeadlineSpec, type PlannedMoments } from './case-model';
import { applyRulesChange, checkRulesChange } from './case-rule-moves';
import { DeadlineTracker, planMoments, timingOverrides } from './deadline-tracker';
import { disputeWorkflow } from './dispute-workflow';
import { alreadyAsked, childCanFollow, decisionSpec, openCaseSpec } from './following-children';
import { confirmStartSpec, isProviderTask, outsourced, providerTasksPatch } from './providers';
import { createStepLog, eventFactsPatch, eventLogPatch } from './case-event-log';
import { mayReachCase } from '../domain/case-visibility';
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

/** What every child's clock needs of the case's rules; each child gets its own part besides. */
const clockRules = (rules: Rules): ClockRules => ({
  timeZone: rules.timeZone,
  reminders: rules.reminders,
  escalation: rules.escalation,
  escalationDigest: rules.escalationDigest,
});

/** The opening's answer no longer waits for the joint meetings' child workflows to start (see start-up). */
export const earlyOpeningAnswerPatch = 'opening-answers-before-children';

export async function caseWorkflow(args: CaseWorkflowArgs): Promise<CaseWorkflowResult> {
  // The input was built and checked by the API; a history recorded before some parts of the
  // rules existed is completed with the values it was always read with, never today's defaults.
  const input: CaseWorkflowInput = { ...args, rules: completeRecordedRules(args.rules) };
  const nowIso = () => new Date().toISOString();
  // The case's rules are `model.rules`: the version it started under until moved on purpose.
  const model = new CaseModel(args.resume ? caseStateAsRecorded(args.resume) : CaseModel.initialState(input, nowIso()), input.rules);
  const lock = new Mutex();
  const caseId = workflowInfo().workflowId;
  // Each step into the durable event log, written by an activity after every change.
  const steps = createStepLog(model, patched(eventLogPatch));
  model.logsMoreSteps = patched(eventFactsPatch);

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
    const tasks: MemoTask[] = open.map((d) => {
      const holder = model.holderIn(d.unit);
      return { id: d.id, title: d.title, unit: d.unit, dueAt: d.dueAt, escalationLevel: d.escalationLevel, ...(holder ? { assignedTo: holder } : {}) };
    });
    const memo: CaseMemo = { tasks, ...(model.state.flags.skyddadeUppgifter ? { protectedCase: true } : {}) };
    upsertMemo({ ...memo });
    steps.write();
  };

  const trackerContext = {
    digest: model.rules.escalationDigest,
    caseRef: model.state.caseRef,
    protectedCase: () => model.state.flags.skyddadeUppgifter,
    onEscalated: publish,
    // A provider's task: an external partner reports through a single-use link in its e-mail.
    extras: (deadline: Deadline, alert: Deadline['alerts'][number]) => (isProviderTask(deadline) && alert.to === 'enhet' && deadline.insatsId ? { reportFor: { workflowId: caseId, insatsId: deadline.insatsId } } : {}),
  };
  const tracker = new DeadlineTracker(trackerContext);

  /** Tells children to stop; one that has already finished needs nothing. */
  const withdraw = async (children: { workflowId: string }[], reason: string) => {
    withdrawChildren(model, children);
    for (const child of children) {
      await getExternalWorkflowHandle(child.workflowId)
        .signal(withdrawSignal, { reason })
        .catch(() => undefined);
    }
  };

  /** The case's rule on interpreters, for a meeting it starts to hold against. */
  const interpreterGateOf = () => {
    const gate = gatesInForce(model.state, model.rules).find((g): g is Extract<Gate, { typ: 'tolk' }> => g.typ === 'tolk');
    return gate ? { interpreterGate: { title: gate.title, refused: [...gate.refused], legal: gate.legal } } : {};
  };

  /**
   * Starts required handovers (a task for the sending unit) and joint meetings (child workflows).
   * `planned`: called once the case has every step (meetings included, as not yet booked) and
   * before the meetings' children start, so that the opening can answer without waiting for them.
   */
  const startRequiredSteps = async (handovers: HandoverTrigger[], meetings: MeetingTrigger[], startAt = model.state.receivedAt, planned?: () => void) => {
    for (const step of handovers) {
      const spec = { ...handoverDutySpec(model, step), startAt };
      model.addDeadline(spec, await planMoments(model.rules, spec), nowIso());
    }
    const reserved = meetings.map((step) => {
      const child = reserveChild(model, 'planeringsmote');
      if (planned) addMeeting(model, step, child, startAt);
      return { step, child };
    });
    planned?.();
    for (const { step, child } of reserved) {
      const { id, workflowId } = child;
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
            startAt,
            timing: step.timing,
            legal: step.legal,
            rules: { ...clockRules(model.rules), meetings: model.rules.meetings },
            protectedCase: model.state.flags.skyddadeUppgifter,
            ...interpreterGateOf(),
          },
        ],
      });
      if (!planned) addMeeting(model, step, child, startAt);
    }
  };

  /**
   * Asks each child's case for its own decision: the child follows this parent into `insats`. A
   * child whose case is not running (closed, or never opened) gets a task here instead, for the
   * unit opening children's cases.
   */
  const askChildren = async (refs: string[], insats: string, by: string, now: string) => {
    for (const ref of refs) {
      const asked = await getExternalWorkflowHandle(caseWorkflowId(ref))
        .signal(followsParentSignal, { parentCaseRef: model.state.caseRef, insats, decidedAt: now, by })
        .then(
          () => true,
          () => false,
        );
      if (asked) continue;
      const spec = openCaseSpec(model, now, `medfoljer:${ref}`);
      model.addDeadline(spec, await planMoments(model.rules, spec), now);
    }
  };

  const startDispute = async (request: RaiseDispute) => {
    const child = reserveChild(model, 'tvist');
    const { id, workflowId } = child;
    await startChild(disputeWorkflow, {
      ...childOptions,
      workflowId,
      args: [
        {
          caseRef: model.state.caseRef,
          disputeId: id,
          parentWorkflowId: caseId,
          foremal: request.foremal,
          raisedBy: { unit: request.actor.unit, sub: request.actor.sub },
          skal: request.skal,
          parties: disputeParties(model, request),
          involvedUnits: [...model.state.involvedUnits],
          rules: { ...clockRules(model.rules), disputes: model.rules.disputes },
          protectedCase: model.state.flags.skyddadeUppgifter,
        },
      ],
    });
    return addDispute(model, request, child, nowIso());
  };

  setHandler(caseViewQuery, () => model.view(Date.now()));
  let started = Boolean(args.resume);
  setHandler(caseOpenedUpdate, async () => {
    await condition(() => started);
    return model.view(Date.now());
  });

  setCheckedUpdate(performActionUpdate, {
    schema: (s) => s.ActionRequestSchema,
    lock,
    // The API sends an action without reading the case first: who may reach it is checked here.
    reachable: ({ actor }) => mayReachCase(actor, model.state),
    check: (request) => model.check(request),
    handle: async (request) => {
      const now = nowIso();
      const plan = model.plan(request, now);
      // An insats another unit or a partner performs: the provider's first task, its confirmation of the start.
      const { action } = request;
      if (action.type === 'besluta_insats' && outsourced(action.utforare, request.actor.unit) && patched(providerTasksPatch)) {
        plan.deadlines.push(confirmStartSpec(model, `i${model.state.nextInsatsNumber}`, action.utforare, request.actor.unit, now));
      }
      const deadlines: [DeadlineSpec, PlannedMoments][] = [];
      for (const spec of plan.deadlines) deadlines.push([spec, await planMoments(model.rules, spec)]);
      let extension: PlannedMoments | undefined;
      if (plan.extension) {
        const current = model.state.deadlines.find((d) => d.id === plan.extension!.deadlineId)!;
        const moved = { counting: current.counting, startAt: now, duration: current.duration, ...specOverrides(model.rules, current) };
        extension = await planMoments(model.rules, moved, { dueDate: plan.extension.dueDate });
      }
      model.apply(request, now, { deadlines, ...(extension ? { extension } : {}) });
      if (request.action.type === 'andra_fakta') {
        // What the new facts call for and the case has not had: it runs from the change.
        const { newHandovers, newMeetings } = planRuleChange(model.state, model.rules, model.rules);
        await startRequiredSteps(newHandovers, newMeetings, now);
      }
      if (request.action.type === 'besluta_insats' && request.action.medfoljandeBarn?.length) {
        await askChildren(request.action.medfoljandeBarn, request.action.insats, request.actor.sub, now);
      }
      if (request.action.type === 'medfoljande_arende_oppnat') {
        const insats = [...model.state.insatser].reverse().find((i) => childCanFollow(model, i.kind));
        if (insats) await askChildren([request.action.arende], insats.kind, request.actor.sub, now);
      }
      if (request.action.type === 'aterkalla_samtycke') {
        await withdraw(pendingUnderConsent(model, request.action.samtyckeId), 'Samtycket har återkallats');
      }
      if (model.closed) await withdraw(openChildren(model), 'Ärendet har avslutats');
      publish();
      tracker.watch(model.openDeadlines());
      return model.view(Date.now());
    },
  });

  setCheckedUpdate(startHandoverUpdate, {
    schema: (s) => s.StartHandoverSchema,
    asRecorded: startHandoverAsRecorded,
    lock,
    reachable: ({ actor }) => mayReachCase(actor, model.state),
    check: (request) => checkHandover(model, request),
    handle: async (request) => {
      const child = reserveChild(model, 'overlamning');
      const { id, workflowId } = child;
      await startChild(handoverWorkflow, {
        ...childOptions,
        workflowId,
        args: [
          {
            caseRef: model.state.caseRef,
            handoverId: id,
            parentWorkflowId: caseId,
            fran: request.actor.unit,
            till: request.till,
            receiverKind: request.receiverKind,
            innehall: request.innehall,
            ...(request.rattsligGrund ? { rattsligGrund: request.rattsligGrund } : {}),
            sentBy: request.actor.sub,
            rules: { ...clockRules(model.rules), handovers: model.rules.handovers },
            protectedCase: model.state.flags.skyddadeUppgifter || request.innehall.skyddadeUppgifter !== 'nej',
          },
        ],
      });
      addHandover(model, request, child, nowIso());
      publish();
      return { handoverId: id, workflowId };
    },
  });

  setCheckedUpdate(raiseDisputeUpdate, {
    schema: (s) => s.RaiseDisputeSchema,
    lock,
    reachable: ({ actor }) => mayReachCase(actor, model.state),
    check: (request) => checkDispute(model, request),
    handle: async (request) => {
      const dispute = await startDispute(request);
      publish();
      return { disputeId: dispute.id, workflowId: dispute.workflowId };
    },
  });

  setCheckedUpdate(changeRulesUpdate, {
    schema: (s) => s.ChangeRulesSchema,
    lock,
    check: (request) => checkRulesChange(model, request),
    handle: async (request) => {
      const plan = planRuleChange(model.state, model.rules, request.rules);
      const replanned: [Replan, PlannedMoments][] = [];
      for (const replan of plan.replan) replanned.push([replan, await planMoments(request.rules, replan)]);
      applyRulesChange(model, request, plan, replanned, nowIso());
      trackerContext.digest = model.rules.escalationDigest;
      // The new version's duties run from the move: the earlier version did not ask for them.
      await startRequiredSteps(plan.newHandovers, plan.newMeetings, nowIso());
      publish();
      tracker.watch(model.openDeadlines());
      return model.view(Date.now());
    },
  });

  // A parent's decision names this child: its own decision is required, with a clock of its own.
  setHandler(followsParentSignal, async (parent) => {
    await lock.runExclusive(async () => {
      if (model.closed || alreadyAsked(model, parent)) return;
      const now = nowIso();
      const spec = decisionSpec(model, parent);
      model.addDeadline(spec, await planMoments(model.rules, spec), now);
      model.state.events.push({ at: now, type: 'medfoljande', unit: spec.unit, by: parent.by, summary: `Följer med en förälder (ärende ${parent.parentCaseRef}): eget beslut krävs` });
      publish();
      tracker.watch(model.openDeadlines());
    });
  });

  setHandler(childChangedSignal, async (change) => {
    await lock.runExclusive(async () => {
      const rejected = childChanged(model, change);
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
    const startUp = async () => {
      const first = model.firstDeadline();
      model.addDeadline(first, await planMoments(model.rules, first), nowIso());
      // What the facts call for: handovers to make and joint meetings to hold.
      const required = evaluateRules(model.state, model.rules);
      // Since 2026-12 the opening answers once the case has its steps, before its meetings' children
      // have started; the lists see it in the same workflow task.
      const answerEarly = patched(earlyOpeningAnswerPatch);
      const answerOpening = () => {
        started = true;
        publish();
      };
      await startRequiredSteps(required.handovers, required.meetings, undefined, answerEarly ? answerOpening : undefined);
      started = true;
    };
    // Under the lock, so that an Update arriving meanwhile waits for the case's first steps.
    // Histories recorded before this change ran start-up without it.
    if (patched('start-up-under-lock')) await lock.runExclusive(startUp);
    else await startUp();
  }
  publish();
  tracker.watch(model.openDeadlines());

  const historyLimit = input.historyLimit ?? 5000;
  await condition(() => model.closed || workflowInfo().continueAsNewSuggested || workflowInfo().historyLength > historyLimit);
  await condition(() => allHandlersFinished() && tracker.idle);
  // The last steps reach the log before this run ends (cases older than the log skip this).
  if (steps.enabled) {
    steps.write();
    await condition(() => steps.pending === 0);
  }
  if (!model.closed) {
    model.compact();
    await continueAsNew<typeof caseWorkflow>({ ...args, rules: model.rules, resume: model.state });
  }
  publish();
  return { caseRef: model.state.caseRef, closedAt: model.state.closedAt ?? nowIso(), phase: model.state.phase };
}

/** Reminders and escalation of the rule behind a deadline, for planning a moved due moment. */
function specOverrides(rules: Rules, deadline: Deadline): Pick<DeadlineSpec, 'reminders' | 'escalation'> {
  const rule = deadline.key in rules.deadlines ? rules.deadlines[deadline.key as keyof Rules['deadlines']] : undefined;
  return timingOverrides(rule ?? {});
}
