// Items started before the stuck list had its table write nothing to it until their next change:
// this writes each running item's state as visibility shows it (one list query), with seq 0, so
// that any write of a workflow, before or after, stays. Rows of items that are no longer running
// (terminated, or ended before they wrote) are marked closed. Run by `npm run backfill:waiting`.
import type { Client } from '@temporalio/client';
import type { ChildKind } from '../domain/child-status';
import {
  CaseRefAttr,
  EscalationLevelAttr,
  ItemKindAttr,
  NextDeadlineAttr,
  UnitsAttr,
  WaitingForAttr,
  WaitingSinceAttr,
  WaitingUnitsAttr,
} from '../domain/search-attributes';
import type { WaitingItemStore } from './waiting-item-store';

/** A row a workflow wrote this recently may belong to an item visibility does not list yet. */
const VISIBILITY_LAG_MS = 60_000;

export async function backfillWaitingItems(client: Client, store: WaitingItemStore): Promise<{ running: number; written: number; closed: number }> {
  const namespace = client.options.namespace;
  const started = Date.now();
  const running: string[] = [];
  let written = 0;
  const query = `${ItemKindAttr.name} IS NOT NULL AND ExecutionStatus = 'Running'`;
  for await (const execution of client.workflow.list({ query, pageSize: 1000 })) {
    const attrs = execution.typedSearchAttributes;
    const kind = attrs.get(ItemKindAttr) as ChildKind | undefined;
    if (!kind) continue;
    running.push(execution.workflowId);
    const waitingSince = attrs.get(WaitingSinceAttr);
    const nextDeadline = attrs.get(NextDeadlineAttr);
    const memo = (execution.memo ?? {}) as { summary?: unknown; protectedCase?: unknown };
    const fresh = await store.record({
      namespace,
      workflowId: execution.workflowId,
      caseRef: attrs.get(CaseRefAttr) ?? '',
      kind,
      units: attrs.get(UnitsAttr) ?? [],
      waitingFor: attrs.get(WaitingForAttr) ?? null,
      waitingUnits: waitingSince ? (attrs.get(WaitingUnitsAttr) ?? []) : [],
      waitingSince: waitingSince ? waitingSince.toISOString() : null,
      nextDeadline: nextDeadline ? nextDeadline.toISOString() : null,
      escalationLevel: attrs.get(EscalationLevelAttr) ?? 0,
      summary: typeof memo.summary === 'string' ? memo.summary : '',
      protectedCase: memo.protectedCase === true,
      closed: false,
      seq: 0,
    });
    if (fresh) written += 1;
  }
  const closed = await store.closeMissing(namespace, running, new Date(started - VISIBILITY_LAG_MS));
  return { running: running.length, written, closed };
}
