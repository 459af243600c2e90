// The stuck list: every handover, meeting and dispute waiting past its deadline, or longer than
// a configured time, a page at a time; and counts per unit. Visibility queries over search
// attributes, never a query per workflow.
import type { Client, WorkflowExecutionInfo } from '@temporalio/client';
import { Duration } from 'luxon';
import type { ChildKind } from '../domain/child-status';
import { SECTOR_UNIT, type OrganisationSource } from '../domain/organisation';
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
import { z } from '../domain/zod';
import type { Caller } from './auth';
import { forbidden } from './errors';
import { refused } from './roles';
import type { StuckCount, StuckFilter, StuckItem, StuckListResult } from './schemas/stuck-list';
import { compareText, cursorMoment, decodeCursor, encodeCursor, iso, quoted, windowEnd, type WindowEnd } from './visibility-paging';

const HOUR = 3_600_000;

/** The stuck list's cursor: when the last item began to wait, and its workflow id. */
const StuckCursorSchema = z.object({ s: cursorMoment, w: z.string().min(1).max(300) });

export function createStuckList(options: { client: Client; organisation: OrganisationSource; stuckAfter: string }) {
  const { client, organisation } = options;
  const threshold = Duration.fromISO(options.stuckAfter).as('milliseconds');

  /**
   * The units whose part of the list a caller sees; undefined: all of it. The route admits
   * enhetschefer, sektorchef and samordnare; here: an enhetschef sees only the own unit's part,
   * and a sektorchef all of it only as the chef of the sector.
   */
  async function scope(caller: Caller, enhet?: string): Promise<string[] | undefined> {
    if (caller.role === 'enhetschef') {
      if (enhet && enhet !== caller.unit) throw forbidden(`En enhetschef ser bara sin egen enhets del (${caller.unit})`);
      return [caller.unit];
    }
    if (caller.role === 'sektorchef' && caller.unit !== (await organisation()).sector.id) throw refused('stuckList');
    return enhet ? [enhet] : undefined;
  }

  const countOf = async (query: string) => (await client.workflow.count(query)).count;

  /** What is stuck now: past its deadline, or waiting longer than the threshold (`waiting`: everything that waits). */
  const stuckConditions = (now: number, waiting = false) => [
    `${ItemKindAttr.name} IS NOT NULL`,
    `ExecutionStatus = 'Running'`,
    `${WaitingSinceAttr.name} IS NOT NULL`,
    ...(waiting ? [] : [`(${NextDeadlineAttr.name} <= '${iso(now)}' OR ${WaitingSinceAttr.name} <= '${iso(now - threshold)}')`]),
  ];
  const waitingOn = (units: string[]) => `${WaitingUnitsAttr.name} IN (${units.map(quoted).join(', ')})`;

  function itemOf(execution: WorkflowExecutionInfo, now: number): StuckItem | undefined {
    const attrs = execution.typedSearchAttributes;
    const waitingSince = attrs.get(WaitingSinceAttr);
    if (!waitingSince) return undefined;
    const dueAt = attrs.get(NextDeadlineAttr);
    return {
      caseRef: attrs.get(CaseRefAttr) ?? '',
      kind: attrs.get(ItemKindAttr) as ChildKind,
      workflowId: execution.workflowId,
      summary: String(execution.memo?.summary ?? ''),
      units: attrs.get(UnitsAttr) ?? [],
      waitingFor: attrs.get(WaitingForAttr) ?? '',
      waitingUnits: attrs.get(WaitingUnitsAttr) ?? [],
      waitingSince: waitingSince.toISOString(),
      dueAt: dueAt ? dueAt.toISOString() : null,
      overdue: dueAt ? dueAt.getTime() <= now : false,
      escalationLevel: attrs.get(EscalationLevelAttr) ?? 0,
      waitedHours: Math.floor((now - waitingSince.getTime()) / HOUR),
    };
  }

  return {
    /**
     * One page of the stuck list, longest wait first (then by workflow id). SQL visibility
     * stores cannot ORDER BY, so counts find the moment up to which a page's items began to
     * wait (api/visibility-paging.ts), and only those items are fetched and sorted; a later
     * page starts at the cursor's moment. `waiting`: every item that waits, stuck or not yet
     * (the sektorchef's disputes to decide are listed from the day they are raised).
     */
    async list(caller: Caller, filter: StuckFilter, options: { waiting?: boolean } = {}): Promise<StuckListResult> {
      const units = await scope(caller, filter.enhet);
      const cursor = filter.cursor === undefined ? undefined : decodeCursor(filter.cursor, StuckCursorSchema);
      const after = cursor && { s: iso(Date.parse(cursor.s)), w: cursor.w };
      const now = Date.now();
      const conditions = stuckConditions(now, options.waiting);
      if (units) conditions.push(waitingOn(units));
      if (filter.niva !== undefined) conditions.push(`${EscalationLevelAttr.name} >= ${filter.niva}`);
      if (filter.typ) conditions.push(`${ItemKindAttr.name} = ${quoted(filter.typ)}`);
      const all = conditions.join(' AND ');
      const total = await countOf(all);
      const from = after ? Date.parse(after.s) : undefined;
      const isAfter = (item: StuckItem) => !after || item.waitingSince > after.s || (item.waitingSince === after.s && item.workflowId > after.w);
      const fetched = new Map<string, StuckItem>();
      let fetchedTo: number | undefined;
      let reached: WindowEnd | undefined;
      for (let want = filter.limit + 1; ; want *= 2) {
        const window = await windowEnd(countOf, all, WaitingSinceAttr.name, want, { from, pivot: now, ...(reached ? { below: reached } : {}), ...(from === undefined ? { total } : {}) });
        const end = window?.end;
        const query = [
          all,
          ...(from === undefined ? [] : [`${WaitingSinceAttr.name} >= '${iso(from)}'`]),
          ...(fetchedTo === undefined ? [] : [`${WaitingSinceAttr.name} > '${iso(fetchedTo)}'`]),
          ...(end === undefined ? [] : [`${WaitingSinceAttr.name} <= '${iso(end)}'`]),
        ].join(' AND ');
        for await (const execution of client.workflow.list({ query, pageSize: 1000 })) {
          const item = itemOf(execution, now);
          if (item && isAfter(item)) fetched.set(item.workflowId, item);
        }
        fetchedTo = end;
        reached = window;
        // Everything that began to wait up to `end` is fetched: the first of it is the page.
        const items = [...fetched.values()].sort((a, b) => compareText(a.waitingSince, b.waitingSince) || compareText(a.workflowId, b.workflowId));
        if (items.length > filter.limit) {
          const last = items[filter.limit - 1]!;
          return { items: items.slice(0, filter.limit), total, nextCursor: encodeCursor({ s: last.waitingSince, w: last.workflowId }) };
        }
        if (end === undefined) return { items, total };
      }
    },

    /**
     * Per unit the caller may see (an enhetschef the own, the sektorchef and samordnare every unit
     * and the sector's own): how many items are stuck waiting on it, how many of them past their
     * deadline, and the highest escalation step sent for any of them. Counts only.
     */
    async counts(caller: Caller): Promise<StuckCount[]> {
      const units = (await scope(caller)) ?? [...(await organisation()).units.map((u) => u.id), SECTOR_UNIT];
      const now = Date.now();
      const stuck = stuckConditions(now).join(' AND ');
      return Promise.all(
        units.map(async (unit) => {
          const query = `${stuck} AND ${waitingOn([unit])}`;
          const count = await countOf(query);
          const overdue = count === 0 ? 0 : await countOf(`${query} AND ${NextDeadlineAttr.name} <= '${iso(now)}'`);
          // The highest level with an item: from level 2 doubling up to the first level without,
          // then halving; two or three counts for the usual chain of three.
          let maxLevel = 0;
          if (count > 0) {
            const reached = async (level: number) => (await countOf(`${query} AND ${EscalationLevelAttr.name} >= ${level}`)) > 0;
            let above = 2;
            while (await reached(above)) {
              maxLevel = above;
              above *= 2;
            }
            if (maxLevel === 0) {
              if (await reached(1)) maxLevel = 1;
              else above = 1;
            }
            while (above - maxLevel > 1) {
              const mid = Math.floor((maxLevel + above) / 2);
              if (await reached(mid)) maxLevel = mid;
              else above = mid;
            }
          }
          return { unit, stuck: count, overdue, maxLevel };
        }),
      );
    },
  };
}

export type StuckList = ReturnType<typeof createStuckList>;
