// The stuck list: every handover, meeting and dispute waiting past its deadline, or longer than
// a configured time, a page at a time; and counts per unit. Read from the table the items write
// after each change (infra/waiting-item-store.ts), in the list's order: Temporal's SQL
// visibility cannot ORDER BY, so paging it took many count queries.
import { Duration } from 'luxon';
import { SECTOR_UNIT, type OrganisationSource } from '../domain/organisation';
import { z } from '../domain/zod';
import type { WaitingItem, WaitingItemStore, WaitingQuery } from '../infra/waiting-item-store';
import type { Caller } from './auth';
import { forbidden } from './errors';
import { refused } from './roles';
import type { StuckCount, StuckFilter, StuckItem, StuckListResult } from './schemas/stuck-list';
import { cursorMoment, decodeCursor, encodeCursor } from './visibility-paging';

const HOUR = 3_600_000;

/** The stuck list's cursor: when the last item began to wait, and its workflow id. */
const StuckCursorSchema = z.object({ s: cursorMoment, w: z.string().min(1).max(300) });

/** `namespace`: the Temporal namespace whose items are listed (the table holds each namespace's apart). */
export function createStuckList(options: { items: WaitingItemStore; namespace: string; organisation: OrganisationSource; stuckAfter: string }) {
  const { items: store, namespace, organisation } = options;
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

  /** What is stuck at `now`: past its deadline, or waiting longer than the threshold. */
  const stuckAt = (now: number) => ({ now: new Date(now), waitingBefore: new Date(now - threshold) });

  function itemOf(item: WaitingItem, now: number): StuckItem {
    const dueAt = item.nextDeadline;
    return {
      caseRef: item.caseRef,
      kind: item.kind,
      workflowId: item.workflowId,
      summary: item.summary,
      units: item.units,
      waitingFor: item.waitingFor,
      waitingUnits: item.waitingUnits,
      waitingSince: item.waitingSince.toISOString(),
      dueAt: dueAt ? dueAt.toISOString() : null,
      overdue: dueAt ? dueAt.getTime() <= now : false,
      escalationLevel: item.escalationLevel,
      waitedHours: Math.floor((now - item.waitingSince.getTime()) / HOUR),
    };
  }

  return {
    /**
     * One page of the stuck list, longest wait first (then by workflow id), after the cursor's
     * item; `total` for the whole filter. `waiting`: every item that waits, stuck or not yet
     * (the sektorchef's disputes to decide are listed from the day they are raised).
     */
    async list(caller: Caller, filter: StuckFilter, options: { waiting?: boolean } = {}): Promise<StuckListResult> {
      const units = await scope(caller, filter.enhet);
      const cursor = filter.cursor === undefined ? undefined : decodeCursor(filter.cursor, StuckCursorSchema);
      const now = Date.now();
      const query: WaitingQuery = {
        namespace,
        // Every scope is one unit or all of them.
        ...(units?.[0] === undefined ? {} : { unit: units[0] }),
        ...(options.waiting ? {} : { stuck: stuckAt(now) }),
        ...(filter.niva !== undefined ? { minLevel: filter.niva } : {}),
        ...(filter.typ ? { kind: filter.typ } : {}),
      };
      const after = cursor && { waitingSince: new Date(cursor.s), workflowId: cursor.w };
      const total = await store.count(query);
      // One more than asked for: whether there is a next page.
      const rows = await store.page(query, { limit: filter.limit + 1, ...(after ? { after } : {}) });
      const items = rows.slice(0, filter.limit).map((row) => itemOf(row, now));
      if (rows.length <= filter.limit) return { items, total };
      const last = items[items.length - 1]!;
      return { items, total, nextCursor: encodeCursor({ s: last.waitingSince, w: last.workflowId }) };
    },

    /**
     * Per unit the caller may see (an enhetschef the own, the sektorchef and samordnare every unit
     * and the sector's own): how many items are stuck waiting on it, how many of them past their
     * deadline, and the highest escalation step sent for any of them. One grouped query.
     */
    async counts(caller: Caller): Promise<StuckCount[]> {
      const units = (await scope(caller)) ?? [...(await organisation()).units.map((u) => u.id), SECTOR_UNIT];
      return store.countsPerUnit(namespace, units, stuckAt(Date.now()));
    },
  };
}

export type StuckList = ReturnType<typeof createStuckList>;
