// A handover's, meeting's or dispute's waiting state for the stuck list's table
// (infra/waiting-item-store.ts): written by a local activity after each change, without the
// change waiting for it, and once more as closed when the item ends. Visibility cannot order
// the list; the table can.
import { condition, patched, proxyLocalActivities, workflowInfo } from '@temporalio/workflow';
import type { createActivities } from '../activities';
import type { WaitingItemRow } from '../infra/waiting-item-store';
import { itemClock, type ItemState } from './item-visibility';

/**
 * Items recorded before the read model write nothing while their history replays; from their
 * first new change on they write too (the backfill covers them until then).
 */
export const waitingItemPatch = 'waiting-item-read-model';

// The database may be down for a while: the write waits, it is never dropped.
const retry = { initialInterval: '5 seconds', backoffCoefficient: 2, maximumInterval: '10 minutes' };
// Local: one upsert in the worker, no activity task and no workflow task of its own for its result.
const { recordWaitingItem } = proxyLocalActivities<ReturnType<typeof createActivities>>({ startToCloseTimeout: '30 seconds', retry });

export function createWaitingItemLog() {
  // Each write gets the next seq, so that of two writes in flight the later one stays.
  let seq = 0;
  let pending = 0;
  let last: ItemState | undefined;
  let lastWritten = '';

  const write = (item: ItemState, closed: boolean) => {
    if (!patched(waitingItemPatch)) return;
    last = item;
    const { next, escalationLevel } = itemClock(item.deadlines);
    const info = workflowInfo();
    const row: Omit<WaitingItemRow, 'seq'> = {
      namespace: info.namespace,
      workflowId: info.workflowId,
      caseRef: item.caseRef,
      kind: item.kind,
      units: [...item.units],
      waitingFor: item.waiting?.for ?? null,
      waitingUnits: item.waiting ? [...new Set(item.waiting.units)] : [],
      waitingSince: item.waiting?.since ?? null,
      nextDeadline: next ?? null,
      escalationLevel,
      summary: item.summary,
      protectedCase: item.protectedCase === true,
      closed,
    };
    // The same state published again (an escalation and a change at once) is not written twice.
    const written = JSON.stringify(row);
    if (written === lastWritten) return;
    lastWritten = written;
    pending += 1;
    void recordWaitingItem({ ...row, seq: ++seq }).finally(() => (pending -= 1));
  };

  return {
    /** After each change of the item: its state as published to visibility. */
    write: (item: ItemState) => write(item, false),
    /** When the item ends: its last state, closed; returns once every write has gone through. */
    async close(): Promise<void> {
      if (last) write(last, true);
      if (pending > 0) await condition(() => pending === 0);
    },
  };
}
