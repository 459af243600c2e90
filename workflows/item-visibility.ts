// What a handover, meeting or dispute publishes to visibility, so that the task lists are one
// visibility query (the stuck list reads its own table, workflows/waiting-item-log.ts), and how
// it reports a change to its case.
import { getExternalWorkflowHandle, upsertMemo, upsertSearchAttributes } from '@temporalio/workflow';
import type { Deadline, MemoTask } from '../domain/case';
import type { ChildChanged, ChildKind } from '../domain/child-status';
import { childChangedSignal } from '../domain/messages';
import {
  CaseRefAttr,
  EscalationLevelAttr,
  ItemKindAttr,
  NextDeadlineAttr,
  OverdueAttr,
  UnitsAttr,
  WaitingForAttr,
  WaitingSinceAttr,
  WaitingUnitsAttr,
} from '../domain/search-attributes';

export interface ItemState {
  kind: ChildKind;
  caseRef: string;
  /** The units whose part the item is. */
  units: string[];
  /** What is waited for now, by which units, since when; nothing once it is done. */
  waiting?: { for: string; units: string[]; since: string };
  deadlines: Deadline[];
  /** One line for the stuck list, with no case data: "överlämning o2 mottagning → rvt". */
  summary: string;
  /** The case has protected identity: the API asks the case before listing the item's tasks. */
  protectedCase?: boolean;
}

/** The earliest open deadline and the highest escalation sent for an open one: what the stuck list filters on. */
export function itemClock(deadlines: Deadline[]): { next?: string; escalationLevel: number } {
  const open = deadlines.filter((d) => d.status === 'open');
  const next = open.map((d) => d.dueAt).sort()[0];
  return { ...(next ? { next } : {}), escalationLevel: Math.max(0, ...open.map((d) => d.escalationLevel)) };
}

export function publishItem(item: ItemState): void {
  const open = item.deadlines.filter((d) => d.status === 'open');
  const { next, escalationLevel } = itemClock(item.deadlines);
  upsertSearchAttributes([
    { key: CaseRefAttr, value: item.caseRef },
    { key: ItemKindAttr, value: item.kind },
    { key: UnitsAttr, value: [...item.units] },
    { key: WaitingUnitsAttr, value: item.waiting ? [...new Set(item.waiting.units)] : [] },
    { key: WaitingForAttr, value: item.waiting?.for ?? null },
    { key: WaitingSinceAttr, value: item.waiting ? new Date(item.waiting.since) : null },
    { key: NextDeadlineAttr, value: next ? new Date(next) : null },
    { key: EscalationLevelAttr, value: escalationLevel },
    { key: OverdueAttr, value: open.some((d) => d.escalationLevel > 0) },
  ]);
  const tasks: MemoTask[] = open.map((d) => ({ id: d.id, title: d.title, unit: d.unit, dueAt: d.dueAt, escalationLevel: d.escalationLevel }));
  upsertMemo({ tasks, summary: item.summary, ...(item.protectedCase ? { protectedCase: true } : {}) });
}

/** A child's own clock as it ended, for its case's event log: when it was due, how far it escalated. */
export function clockOf(deadlines: Deadline[], key: Deadline['key']): ChildChanged['clock'] {
  const deadline = deadlines.find((d) => d.key === key);
  return deadline ? { dueAt: deadline.dueAt, escalationLevel: deadline.escalationLevel } : undefined;
}

/** Tells the case; a case that has already closed needs to hear nothing. */
export async function reportToCase(parentWorkflowId: string, change: ChildChanged): Promise<void> {
  await getExternalWorkflowHandle(parentWorkflowId)
    .signal(childChangedSignal, change)
    .catch(() => undefined);
}
