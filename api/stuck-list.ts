// The stuck list: every handover, meeting and dispute waiting past its deadline, or longer than
// a configured time. One visibility query over search attributes, never a query per workflow.
import type { Client } from '@temporalio/client';
import { Duration } from 'luxon';
import type { ChildKind } from '../domain/child-status';
import type { OrganisationSource } from '../domain/organisation';
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
import type { Caller } from './auth';
import { forbidden } from './errors';
import { refused } from './roles';
import type { StuckFilter, StuckItem, StuckListResult } from './schemas/stuck-list';

const HOUR = 3_600_000;
const quoted = (value: string) => `'${value.replaceAll("'", '')}'`;

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
  const since = (moment: number) => `${WaitingSinceAttr.name} <= '${new Date(moment).toISOString()}'`;

  /**
   * SQL visibility stores cannot ORDER BY, so the longest waits are found with counts: the
   * moment before which at least `limit` items started waiting, found by doubling the age from
   * an hour and then halving the gap until it is small. Only those items are fetched and sorted.
   */
  async function longestWaits(query: string, limit: number, now: number): Promise<string> {
    let lo = 0;
    let hi = HOUR;
    while ((await countOf(`${query} AND ${since(now - hi)}`)) >= limit) {
      lo = hi;
      hi *= 2;
    }
    // count(age >= lo) >= limit > count(age >= hi); fetch at most what waited a little less than lo.
    while (hi - lo > Math.max(HOUR, lo / 8)) {
      const mid = Math.floor((lo + hi) / 2);
      if ((await countOf(`${query} AND ${since(now - mid)}`)) >= limit) lo = mid;
      else hi = mid;
    }
    return `${query} AND ${since(now - lo)}`;
  }

  return {
    async list(caller: Caller, filter: StuckFilter): Promise<StuckListResult> {
      const units = await scope(caller, filter.enhet);
      const now = Date.now();
      const conditions = [
        `${ItemKindAttr.name} IS NOT NULL`,
        `ExecutionStatus = 'Running'`,
        `${WaitingSinceAttr.name} IS NOT NULL`,
        `(${NextDeadlineAttr.name} <= '${new Date(now).toISOString()}' OR ${WaitingSinceAttr.name} <= '${new Date(now - threshold).toISOString()}')`,
      ];
      if (units) conditions.push(`${WaitingUnitsAttr.name} IN (${units.map(quoted).join(', ')})`);
      if (filter.niva !== undefined) conditions.push(`${EscalationLevelAttr.name} >= ${filter.niva}`);
      if (filter.typ) conditions.push(`${ItemKindAttr.name} = ${quoted(filter.typ)}`);
      const all = conditions.join(' AND ');
      const total = await countOf(all);
      const query = total > filter.limit ? await longestWaits(all, filter.limit, now) : all;
      const items: StuckItem[] = [];
      for await (const execution of client.workflow.list({ query, pageSize: 1000 })) {
        const attrs = execution.typedSearchAttributes;
        const waitingSince = attrs.get(WaitingSinceAttr);
        if (!waitingSince) continue;
        const dueAt = attrs.get(NextDeadlineAttr);
        items.push({
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
          waitedHours: Math.floor((now - waitingSince.getTime()) / 3_600_000),
        });
      }
      // Longest wait first.
      items.sort((a, b) => a.waitingSince.localeCompare(b.waitingSince));
      return { items: items.slice(0, filter.limit), total };
    },
  };
}

export type StuckList = ReturnType<typeof createStuckList>;
