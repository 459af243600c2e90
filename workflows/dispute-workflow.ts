// A dispute between units, as a child workflow of its case: the sektorchef decides within a
// deadline (escalated when not), and every unit in the case learns of the decision.
import { allHandlersFinished, condition, setHandler, workflowInfo } from '@temporalio/workflow';
import { Mutex } from 'async-mutex';
import type { DecideDispute, DisputeView, DisputeWorkflowInput } from '../domain/dispute';
import { caseFailure } from '../domain/failures';
import { SECTOR_UNIT } from '../domain/ids';
import { disputeInputAsRecorded } from '../domain/legacy-names';
import { decideDisputeUpdate, disputeViewQuery, withdrawSignal } from '../domain/messages';
import { DeadlineTracker, TaskList, timingSpec } from './deadline-tracker';
import { clockOf, publishItem, reportToCase, type ItemState } from './item-visibility';
import { setCheckedUpdate } from './validated';
import { createWaitingItemLog } from './waiting-item-log';

export interface DisputeResult {
  disputeId: string;
  status: DisputeView['status'];
}

export async function disputeWorkflow(recorded: DisputeWorkflowInput): Promise<DisputeResult> {
  const input = disputeInputAsRecorded(recorded);
  const { rules } = input;
  const nowIso = () => new Date().toISOString();
  const lock = new Mutex();
  const view: DisputeView = {
    id: input.disputeId,
    workflowId: workflowInfo().workflowId,
    caseRef: input.caseRef,
    foremal: input.foremal,
    raisedBy: input.raisedBy,
    skal: input.skal,
    status: 'vantar_beslut',
    raisedAt: nowIso(),
    tasks: [],
  };

  const waitingItem = createWaitingItemLog();
  const publish = () => {
    const item: ItemState = {
      kind: 'tvist',
      caseRef: input.caseRef,
      protectedCase: input.protectedCase,
      units: input.parties,
      ...(view.status === 'vantar_beslut' ? { waiting: { for: 'beslut', units: [SECTOR_UNIT, ...input.parties], since: view.raisedAt } } : {}),
      deadlines: view.tasks,
      summary: `Tvist ${input.disputeId} om ${input.foremal.typ} ${input.foremal.id} mellan ${input.parties.join(', ')}`,
    };
    publishItem(item);
    waitingItem.write(item);
  };
  const tasks = new TaskList(view.tasks, rules);
  const tracker = new DeadlineTracker({ digest: rules.escalationDigest, caseRef: input.caseRef, protectedCase: () => input.protectedCase, onEscalated: publish });

  const check = ({ actor }: DecideDispute) => {
    if (view.status !== 'vantar_beslut') throw caseFailure('FEL_FAS', view.status === 'avgjord' ? 'Tvisten är redan avgjord' : 'Tvisten är inställd');
    if (actor.role !== 'sektorchef') throw caseFailure('EJ_BEHORIG', 'Tvister mellan enheter avgörs av sektorchefen');
  };

  setHandler(disputeViewQuery, () => view);
  setCheckedUpdate(decideDisputeUpdate, {
    schema: (s) => s.DecideDisputeSchema,
    lock,
    check,
    handle: async (request) => {
      const now = nowIso();
      view.decision = { by: request.actor.sub, at: now, text: request.beslut, ...(request.ansvarigEnhet ? { ansvarigEnhet: request.ansvarigEnhet } : {}) };
      view.status = 'avgjord';
      tasks.close(() => true, 'done', now);
      publish();
      const clock = clockOf(view.tasks, 'tvist');
      await reportToCase(input.parentWorkflowId, { kind: 'tvist', id: input.disputeId, status: 'avgjord', at: now, unit: request.actor.unit, by: request.actor.sub, text: request.beslut, ...(clock ? { clock } : {}) });
      // Every unit in the case learns that there is a decision; the decision itself stays in the system.
      for (const unit of input.involvedUnits) {
        await tracker.notify({ key: `beslut.${unit}`, kind: 'meddelande', to: 'enhet', unit });
      }
      return view;
    },
  });

  setHandler(withdrawSignal, async () => {
    await lock.runExclusive(async () => {
      if (view.status !== 'vantar_beslut') return;
      const now = nowIso();
      view.status = 'installd';
      tasks.close(() => true, 'cancelled', now);
      publish();
    });
  });

  // A decision waits for the deadline to be planned: it must close it, not precede it.
  await lock.runExclusive(async () => {
    await tasks.add({
      key: 'tvist',
      title: 'Tvist mellan enheter att avgöra',
      unit: SECTOR_UNIT,
      trigger: 'tvist',
      startAt: view.raisedAt,
      legal: rules.disputes.legal,
      ...timingSpec(rules.disputes.decision),
    });
    publish();
    tracker.watch(view.tasks);
  });

  await condition(() => view.status !== 'vantar_beslut' && allHandlersFinished() && tracker.idle);
  publish();
  await waitingItem.close();
  return { disputeId: input.disputeId, status: view.status };
}
