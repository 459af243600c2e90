// The stuck list: every handover, meeting and dispute waiting past its deadline, or longer than
// a configured time. One visibility query over search attributes, never a query per workflow.
import type { Client } from '@temporalio/client';
import { Duration } from 'luxon';
import type { ChildKind } from '../domain/child-status';
import type { Organisation } from '../domain/organisation';
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
import { ApiError } from './errors';

export interface StuckItem {
  caseRef: string;
  kind: ChildKind;
  workflowId: string;
  summary: string;
  units: string[];
  waitingFor: string;
  waitingUnits: string[];
  waitingSince: string;
  dueAt: string | null;
  overdue: boolean;
  escalationLevel: number;
  waitedHours: number;
}

export interface StuckFilter {
  enhet?: string | undefined;
  niva?: number | undefined;
  typ?: ChildKind | undefined;
  limit: number;
}

const quoted = (value: string) => `'${value.replaceAll("'", '')}'`;

export function createStuckList(options: { client: Client; organisation: Organisation; stuckAfter: string }) {
  const { client, organisation } = options;
  const threshold = Duration.fromISO(options.stuckAfter).as('milliseconds');

  /** The units whose part of the list a caller sees; undefined: all of it. */
  function scope(caller: Caller, enhet?: string): string[] | undefined {
    if ((caller.role === 'sektorchef' && caller.unit === organisation.sector.id) || caller.role === 'samordnare') {
      return enhet ? [enhet] : undefined;
    }
    if (caller.role === 'enhetschef') {
      if (enhet && enhet !== caller.unit) throw new ApiError(403, 'EJ_BEHORIG', `En enhetschef ser bara sin egen enhets del (${caller.unit})`);
      return [caller.unit];
    }
    throw new ApiError(403, 'EJ_BEHORIG', 'Listan över fastnade ärenden är till för enhetschefer, sektorchef och samordnare');
  }

  return {
    async list(caller: Caller, filter: StuckFilter): Promise<{ items: StuckItem[]; total: number }> {
      const units = scope(caller, filter.enhet);
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
      const items: StuckItem[] = [];
      for await (const execution of client.workflow.list({ query: conditions.join(' AND '), pageSize: 1000 })) {
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
      // Longest wait first. (SQL visibility stores cannot ORDER BY; the list is of stuck items only.)
      items.sort((a, b) => a.waitingSince.localeCompare(b.waitingSince));
      return { items: items.slice(0, filter.limit), total: items.length };
    },
  };
}

export type StuckList = ReturnType<typeof createStuckList>;
