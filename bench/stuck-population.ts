// Open cases and their waiting handovers, meetings and disputes, as search attributes and memo
// the real workflows publish, started on a task queue without a worker: the lists read only
// visibility, so no worker needs to run them. Shared by `npm run bench` (R9) and
// `npm run bench:stuck`. At n cases rvt has 0.4 n tasks.
import type { Client } from '@temporalio/client';
import type { CaseMemo, MemoTask } from '../domain/case';
import {
  CaseKindAttr,
  CaseRefAttr,
  EscalationLevelAttr,
  ItemKindAttr,
  NextDeadlineAttr,
  OverdueAttr,
  PhaseAttr,
  UnitsAttr,
  WaitingForAttr,
  WaitingSinceAttr,
  WaitingUnitsAttr,
} from '../domain/search-attributes';
import { inParallel } from '../infra/in-parallel';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const kinds = ['barn', 'vuxen', 'utovare'];
const phases = ['forhandsbedomning', 'riskbedomning', 'utredning', 'insatser'];
const units = ['mottagning', 'rvt', 'bou', 'resursenhet', 'familjevard'];
const pick = <T>(list: T[], i: number) => list[i % list.length]!;

/** Items (handovers, meetings, disputes) already in visibility: a kept data dir is not filled twice. */
export async function populatedItems(client: Client): Promise<number> {
  return (await client.workflow.count(`${ItemKindAttr.name} IS NOT NULL`)).count;
}

/**
 * Starts cases `BENCH-<from>` … `BENCH-<from + count - 1>`, each with one item, on `taskQueue`
 * (which no worker polls). The client's data converter encrypts the memos, as in production.
 */
export async function populateStuckList(client: Client, options: { count: number; from?: number; taskQueue?: string; parallel?: number; now?: number }): Promise<void> {
  const { count, from = 0, taskQueue = 'bench-without-worker', parallel = 64, now = Date.now() } = options;
  await inParallel(count, parallel, async (index) => {
    const i = from + index;
    const caseRef = `BENCH-${i}`;
    const unit = pick(units, i);
    // The case's open tasks, as workflows/case-workflow.ts publishes them: one for its unit, due
    // from 20 days ago to 40 days ahead, and for every other case a second one for mottagningen,
    // a few days before or after (so that NextDeadline is sometimes another unit's task).
    const dueAt = now + ((i * 104_729_000) % (60 * DAY)) - 20 * DAY;
    const caseTasks: MemoTask[] = [
      { id: `d${i}a`, title: 'Utredning att slutföra', unit, dueAt: new Date(dueAt).toISOString(), escalationLevel: dueAt < now ? 1 : 0, assignedTo: `h${Math.floor(i / units.length) % 8}` },
    ];
    if (i % 2 === 1) {
      const secondDue = dueAt + (i % 4 === 1 ? -5 : 5) * DAY;
      caseTasks.push({ id: `d${i}b`, title: 'Uppföljning att göra', unit: 'mottagning', dueAt: new Date(secondDue).toISOString(), escalationLevel: secondDue < now ? 1 : 0 });
    }
    const caseNext = Math.min(...caseTasks.map((t) => Date.parse(t.dueAt)));
    await client.workflow.start('caseWorkflow', {
      taskQueue,
      workflowId: `arende-${caseRef}`,
      args: [],
      typedSearchAttributes: [
        { key: CaseRefAttr, value: caseRef },
        { key: CaseKindAttr, value: pick(kinds, i) },
        { key: PhaseAttr, value: pick(phases, Math.floor(i / units.length)) },
        { key: UnitsAttr, value: ['mottagning', unit] },
        { key: WaitingUnitsAttr, value: [...new Set(caseTasks.map((t) => t.unit))] },
        { key: NextDeadlineAttr, value: new Date(caseNext) },
        { key: OverdueAttr, value: caseTasks.some((t) => t.escalationLevel > 0) },
      ],
      memo: { tasks: caseTasks } satisfies CaseMemo,
    });
    // One item per case: mostly handovers, some meetings and disputes, waiting 0–10 days.
    const kind = i % 10 < 7 ? 'overlamning' : i % 10 < 9 ? 'planeringsmote' : 'tvist';
    const since = now - ((i * 7_919_000) % (240 * HOUR));
    const due = since + 48 * HOUR;
    const level = due < now ? 1 + (i % 2) : 0;
    await client.workflow.start(kind === 'overlamning' ? 'handoverWorkflow' : kind === 'planeringsmote' ? 'meetingWorkflow' : 'disputeWorkflow', {
      taskQueue,
      workflowId: `arende-${caseRef}:${kind}-x1`,
      args: [],
      typedSearchAttributes: [
        { key: CaseRefAttr, value: caseRef },
        { key: ItemKindAttr, value: kind },
        { key: UnitsAttr, value: ['mottagning', unit] },
        { key: WaitingUnitsAttr, value: [unit] },
        { key: WaitingForAttr, value: kind === 'overlamning' ? 'kvittens' : kind === 'planeringsmote' ? 'bokning' : 'beslut' },
        { key: WaitingSinceAttr, value: new Date(since) },
        { key: NextDeadlineAttr, value: new Date(due) },
        { key: EscalationLevelAttr, value: level },
        { key: OverdueAttr, value: level > 0 },
      ],
      // The waited-for step is the receiving unit's task, as workflows/item-visibility.ts publishes it.
      memo: {
        summary: `${kind} x1 från mottagning till ${unit}`,
        tasks: [{ id: `${kind}-x1`, title: kind === 'overlamning' ? 'Överlämning att kvittera' : kind === 'planeringsmote' ? 'Planeringsmöte att boka' : 'Tvist att avgöra', unit, dueAt: new Date(due).toISOString(), escalationLevel: level }],
      } satisfies CaseMemo & { summary: string },
    });
  });
}

/** Visibility is eventually consistent: waits (up to `timeoutMs`) until `count` items are listed. */
export async function untilItemsVisible(client: Client, count: number, timeoutMs = 120_000): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const seen = await populatedItems(client);
    if (seen >= count || Date.now() > deadline) return seen;
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
}
