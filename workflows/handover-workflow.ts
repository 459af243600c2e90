// An överlämning between units, as a child workflow of its case: the receiver kvitterar, asks
// for more information, or rejects; silence is reminded and escalated like any deadline.
import { allHandlersFinished, condition, setHandler, workflowInfo } from '@temporalio/workflow';
import { Mutex } from 'async-mutex';
import type { HandoverStatus } from '../domain/child-status';
import { caseFailure } from '../domain/failures';
import type { HandoverResponseRequest, HandoverView, HandoverWorkflowInput } from '../domain/handover';
import { handoverInputAsRecorded } from '../domain/legacy-names';
import { handoverResponseUpdate, handoverViewQuery, withdrawSignal } from '../domain/messages';
import { DeadlineTracker, TaskList, timingSpec } from './deadline-tracker';
import { clockOf, publishItem, reportToCase, type ItemState } from './item-visibility';
import { setCheckedUpdate } from './validated';
import { createWaitingItemLog } from './waiting-item-log';

export interface HandoverResult {
  handoverId: string;
  status: HandoverStatus;
}

const pending: HandoverStatus[] = ['skickad', 'komplettering_begard', 'komplettering_besvarad'];

export async function handoverWorkflow(recorded: HandoverWorkflowInput): Promise<HandoverResult> {
  const input = handoverInputAsRecorded(recorded);
  const { rules } = input;
  const nowIso = () => new Date().toISOString();
  const lock = new Mutex();
  const external = input.receiverKind === 'extern';
  const view: HandoverView = {
    id: input.handoverId,
    workflowId: workflowInfo().workflowId,
    caseRef: input.caseRef,
    fran: input.fran,
    till: input.till,
    receiverKind: input.receiverKind,
    status: 'skickad',
    sentAt: nowIso(),
    ...(input.rattsligGrund ? { rattsligGrund: input.rattsligGrund } : {}),
    uppdrag: input.innehall.uppdrag,
    kontakt: input.innehall.kontakt,
    innehall: input.innehall,
    thread: [{ at: nowIso(), typ: 'skickad', unit: input.fran }],
    tasks: [],
  };
  let waitingSince = view.sentAt;
  const waitingItem = createWaitingItemLog();

  const publish = () => {
    const answering = view.status === 'komplettering_begard';
    const open = pending.includes(view.status);
    const item: ItemState = {
      kind: 'overlamning',
      caseRef: input.caseRef,
      protectedCase: input.protectedCase,
      units: [input.fran, input.till],
      ...(open
        ? {
            waiting: {
              for: answering ? 'komplettering' : 'kvittens',
              // An external partner has no manager here: the sending unit follows it up.
              units: answering ? [input.fran] : external ? [input.till, input.fran] : [input.till],
              since: waitingSince,
            },
          }
        : {}),
      deadlines: view.tasks,
      summary: `Överlämning ${input.handoverId} från ${input.fran} till ${input.till}`,
    };
    publishItem(item);
    waitingItem.write(item);
  };

  const tracker = new DeadlineTracker({
    digest: rules.escalationDigest,
    caseRef: input.caseRef,
    protectedCase: () => input.protectedCase,
    onEscalated: publish,
    // An external partner confirms receipt through a single-use link in its e-mail.
    extras: (deadline, alert) => (external && deadline.key === 'kvittens' && alert.to === 'enhet' ? { receiptFor: view.workflowId } : {}),
  });

  const tasks = new TaskList(view.tasks, rules);

  const check = ({ actor, response }: HandoverResponseRequest) => {
    if (!pending.includes(view.status)) throw caseFailure('FEL_FAS', `Överlämningen är redan ${statusLabels[view.status]}`);
    if (response.typ === 'besvara_komplettering') {
      if (actor.unit !== input.fran || actor.role === 'extern') throw caseFailure('EJ_BEHORIG', 'Endast den överlämnande enheten kan besvara en begäran om komplettering');
      if (view.status !== 'komplettering_begard') throw caseFailure('FEL_FAS', 'Ingen komplettering är begärd');
      return;
    }
    if (actor.unit !== input.till) throw caseFailure('EJ_BEHORIG', `Överlämningen går till ${input.till}; endast den enheten kan svara på den`);
    if (actor.role === 'extern' && (!external || response.typ !== 'kvittera')) {
      throw caseFailure('EJ_BEHORIG', 'Länken kan bara användas för att bekräfta mottagandet');
    }
    if (actor.role === 'sektorchef' || actor.role === 'samordnare') throw caseFailure('EJ_BEHORIG', 'Endast den mottagande enhetens personal kan svara på överlämningen');
    if (response.typ === 'begar_komplettering' && view.status === 'komplettering_begard') {
      throw caseFailure('FEL_FAS', 'En begäran om komplettering väntar redan på svar');
    }
  };

  let finished = false;
  const finish = async (status: HandoverStatus, unit: string, by: string, text?: string) => {
    const now = nowIso();
    view.status = status;
    view.closedAt = now;
    tasks.close(() => true, status === 'kvitterad' ? 'done' : 'cancelled', now);
    const clock = clockOf(view.tasks, 'kvittens');
    if (status !== 'aterkallad') await reportToCase(input.parentWorkflowId, { kind: 'overlamning', id: input.handoverId, status, at: now, unit, by, ...(text ? { text } : {}), ...(clock ? { clock } : {}) });
    finished = true;
  };

  setHandler(handoverViewQuery, () => view);

  setCheckedUpdate(handoverResponseUpdate, {
    schema: (s) => s.HandoverResponseRequestSchema,
    lock,
    check,
    handle: async ({ actor, response }) => {
      const now = nowIso();
      switch (response.typ) {
        case 'kvittera':
          view.acknowledgedAt = now;
          view.thread.push({ at: now, typ: 'kvitterad', unit: actor.unit });
          await finish('kvitterad', actor.unit, actor.sub);
          break;
        case 'avvisa':
          view.thread.push({ at: now, typ: 'avvisad', unit: actor.unit, text: response.skal });
          await finish('avvisad', actor.unit, actor.sub, response.skal);
          break;
        case 'begar_komplettering':
          // The receiver's own clock keeps running: only the sender gets a new task.
          await tasks.add({
            key: 'komplettering',
            title: 'Begäran om komplettering av överlämning att besvara',
            unit: input.fran,
            trigger: 'begar_komplettering',
            startAt: now,
            legal: rules.handovers.legal,
            ...timingSpec(rules.handovers.answer),
          });
          view.status = 'komplettering_begard';
          waitingSince = now;
          view.thread.push({ at: now, typ: 'komplettering_begard', unit: actor.unit, text: response.fraga });
          await reportToCase(input.parentWorkflowId, { kind: 'overlamning', id: input.handoverId, status: view.status, at: now, unit: actor.unit, by: actor.sub });
          break;
        case 'besvara_komplettering':
          tasks.close((t) => t.key === 'komplettering', 'done', now);
          view.status = 'komplettering_besvarad';
          waitingSince = view.sentAt;
          view.thread.push({ at: now, typ: 'komplettering_besvarad', unit: actor.unit, text: response.svar });
          await reportToCase(input.parentWorkflowId, { kind: 'overlamning', id: input.handoverId, status: view.status, at: now, unit: actor.unit, by: actor.sub });
          break;
      }
      publish();
      tracker.watch(view.tasks);
      return view;
    },
  });

  setHandler(withdrawSignal, async ({ reason }) => {
    await lock.runExclusive(async () => {
      if (!pending.includes(view.status)) return;
      const now = nowIso();
      view.thread.push({ at: now, typ: 'aterkallad', unit: input.fran, text: reason });
      await finish('aterkallad', input.fran, 'arende');
      // The receiver learns that nothing is waiting for it any more.
      await tracker.notify({ key: 'aterkallad', kind: 'meddelande', to: 'enhet', unit: input.till });
      publish();
    });
  });

  // Answers wait for the first task: they must not see a handover without its clock.
  await lock.runExclusive(async () => {
    await tasks.add({
      key: 'kvittens',
      title: external ? 'Bekräfta mottagen överlämning från socialtjänsten' : 'Överlämning att kvittera',
      unit: input.till,
      ...(external ? { managerUnit: input.fran } : {}),
      trigger: 'overlamning',
      startAt: view.sentAt,
      legal: rules.handovers.legal,
      ...timingSpec(rules.handovers.acknowledge),
    });
    publish();
    tracker.watch(view.tasks);
  });

  await condition(() => finished && allHandlersFinished() && tracker.idle);
  publish();
  await waitingItem.close();
  return { handoverId: input.handoverId, status: view.status };
}

const statusLabels: Record<HandoverStatus, string> = {
  skickad: 'skickad',
  komplettering_begard: 'under komplettering',
  komplettering_besvarad: 'kompletterad',
  kvitterad: 'kvitterad',
  avvisad: 'avvisad',
  aterkallad: 'återkallad',
};
