// The bare-Temporal baselines' workflows: what each of the service's operations needs of
// Temporal and nothing more (no rules, no state, no encryption). Bundled by bench/bare-worker.ts.
import {
  condition,
  defineQuery,
  defineSignal,
  defineUpdate,
  getExternalWorkflowHandle,
  proxyActivities,
  proxyLocalActivities,
  setHandler,
  sleep,
  startChild,
  workflowInfo,
} from '@temporalio/workflow';
import type { BareActivities } from './bare-activities';

/** B1: the Update sent with the start; answers at once. */
export const openedUpdate = defineUpdate<string>('opened');
/** B2: one more Update round trip. */
export const stepUpdate = defineUpdate<string>('step');
/**
 * B2L: an Update whose handler runs two local activities before it answers: what one action needs
 * of Temporal beyond B2 (the service plans the next deadline and records the step, each a local
 * activity in the same workflow task). The floor an action cannot go under on this SDK.
 */
export const localStepsUpdate = defineUpdate<string>('localSteps');
/** B8: an Update that runs a no-op activity, to grow a history of a case's length. */
export const workUpdate = defineUpdate<string>('work');
/** B4: starts a child (the handover's stand-in) and answers with its id. */
export const startChildUpdate = defineUpdate<string>('startChild');
/** B4: the child's acknowledgement (the receiver's kvittens). */
export const ackUpdate = defineUpdate<void>('ack');
export const childAckedSignal = defineSignal<[string]>('childAcked');
export const childrenQuery = defineQuery<Record<string, 'sent' | 'acked'>>('children');
export const doneSignal = defineSignal('done');

const { noop, sendMail } = proxyActivities<BareActivities>({ startToCloseTimeout: '1 minute' });
const local = proxyLocalActivities<BareActivities>({ startToCloseTimeout: '1 minute' });

/** The bare case: open until told it is done, idle in the worker's cache meanwhile. */
export async function bareCase(): Promise<void> {
  const children: Record<string, 'sent' | 'acked'> = {};
  let done = false;
  let next = 0;
  setHandler(openedUpdate, () => 'ok');
  setHandler(stepUpdate, () => 'ok');
  setHandler(localStepsUpdate, async () => {
    await local.noop();
    await local.noop();
    return 'ok';
  });
  setHandler(workUpdate, async () => {
    await noop();
    return 'ok';
  });
  setHandler(startChildUpdate, async () => {
    const workflowId = `${workflowInfo().workflowId}:c${++next}`;
    await startChild(bareChild, { workflowId, args: [workflowInfo().workflowId] });
    children[workflowId] = 'sent';
    return workflowId;
  });
  setHandler(childAckedSignal, (workflowId) => {
    children[workflowId] = 'acked';
  });
  setHandler(childrenQuery, () => children);
  setHandler(doneSignal, () => {
    done = true;
  });
  await condition(() => done);
}

/** B4's child: waits for its acknowledgement, tells the parent, ends. */
export async function bareChild(parentWorkflowId: string): Promise<void> {
  let acked = false;
  setHandler(ackUpdate, () => {
    acked = true;
  });
  await condition(() => acked);
  await getExternalWorkflowHandle(parentWorkflowId).signal(childAckedSignal, workflowInfo().workflowId);
}

/** B5: a timer to `dueAt` (epoch ms), then one mail. */
export async function bareDeadline(dueAt: number, key: string): Promise<void> {
  await sleep(Math.max(0, dueAt - Date.now()));
  await sendMail(key);
}
