// The stuck list's read model (migrations/0007_waiting-item.sql): each handover, meeting and
// dispute as its workflow last wrote it, read in the list's order with a cursor. Temporal's SQL
// visibility cannot ORDER BY, so the list was found with many count queries; here a page is one
// ordered index range.
import type pg from 'pg';
import { inTransaction } from './transaction';
import type { ChildKind } from '../domain/child-status';

/** What a child workflow writes after each change of its waiting state (and once when it closes). */
export interface WaitingItemRow {
  namespace: string;
  workflowId: string;
  caseRef: string;
  kind: ChildKind;
  units: string[];
  waitingFor: string | null;
  waitingUnits: string[];
  waitingSince: string | null;
  nextDeadline: string | null;
  escalationLevel: number;
  /** Generated, with no case data: "Överlämning o3 från mottagning till rvt". */
  summary: string;
  protectedCase: boolean;
  closed: boolean;
  /** Rises with each write of the workflow; 0: the backfill's, below anything a workflow writes. */
  seq: number;
}

export interface WaitingItem {
  workflowId: string;
  caseRef: string;
  kind: WaitingItemRow['kind'];
  units: string[];
  waitingFor: string;
  waitingUnits: string[];
  waitingSince: Date;
  nextDeadline: Date | null;
  escalationLevel: number;
  summary: string;
}

export interface WaitingQuery {
  namespace: string;
  /** Only items waiting on this unit; absent: all of them. */
  unit?: string;
  /** Stuck only: past its deadline at `now`, or waiting since before `waitingBefore`; absent: every waiting item. */
  stuck?: { now: Date; waitingBefore: Date };
  minLevel?: number;
  kind?: WaitingItemRow['kind'];
}

export interface UnitCount {
  unit: string;
  stuck: number;
  overdue: number;
  maxLevel: number;
}

export interface WaitingItemStore {
  /** Writes the row unless one with the same or a higher seq is there (a backfill's seq 0 refreshes a backfill's). True when written. */
  record(row: WaitingItemRow): Promise<boolean>;
  /** One page in the list's order (waiting since, then workflow id), after the cursor's key. */
  page(query: WaitingQuery, options: { after?: { waitingSince: Date; workflowId: string }; limit: number }): Promise<WaitingItem[]>;
  count(query: WaitingQuery): Promise<number>;
  /** Per unit: stuck items waiting on it, how many past their deadline, the highest escalation. One grouped query. */
  countsPerUnit(namespace: string, units: string[], stuck: { now: Date; waitingBefore: Date }): Promise<UnitCount[]>;
  /**
   * Marks closed the open rows of workflows that are not running any more (terminated, or closed
   * before they wrote), among those not written since `writtenBefore`. Returns how many.
   */
  closeMissing(namespace: string, running: string[], writtenBefore: Date): Promise<number>;
}

interface Row {
  workflow_id: string;
  case_ref: string;
  kind: WaitingItemRow['kind'];
  units: string[];
  waiting_for: string | null;
  waiting_units: string[];
  waiting_since: Date;
  next_deadline: Date | null;
  escalation_level: number;
  summary: string;
}

const itemOf = (row: Row): WaitingItem => ({
  workflowId: row.workflow_id,
  caseRef: row.case_ref,
  kind: row.kind,
  units: row.units,
  waitingFor: row.waiting_for ?? '',
  waitingUnits: row.waiting_units,
  waitingSince: row.waiting_since,
  nextDeadline: row.next_deadline,
  escalationLevel: row.escalation_level,
  summary: row.summary,
});

/**
 * The conditions of a query on the table aliased `t`: waiting_item_unit for one unit (it holds
 * open, waiting items only), else waiting_item; the columns the list filters on are in both.
 */
function conditions(query: WaitingQuery): { where: string[]; values: unknown[] } {
  const where = ['t.namespace = $1'];
  const values: unknown[] = [query.namespace];
  const param = (value: unknown) => {
    values.push(value);
    return `$${values.length}`;
  };
  if (query.unit !== undefined) where.push(`t.unit = ${param(query.unit)}`);
  else where.push('NOT t.closed', 't.waiting_since IS NOT NULL');
  if (query.stuck) where.push(`(t.next_deadline <= ${param(query.stuck.now)} OR t.waiting_since <= ${param(query.stuck.waitingBefore)})`);
  if (query.minLevel !== undefined) where.push(`t.escalation_level >= ${param(query.minLevel)}`);
  if (query.kind !== undefined) where.push(`t.kind = ${param(query.kind)}`);
  return { where, values };
}

const tableOf = (query: WaitingQuery) => (query.unit === undefined ? 'waiting_item' : 'waiting_item_unit');

export function createPgWaitingItemStore(pool: pg.Pool): WaitingItemStore {
  return {
    async record(row) {
      return inTransaction(pool, async (client) => {
        // The row lock the upsert takes orders two writes of one workflow; the seq decides which stays.
        const written = await client.query(
          `INSERT INTO waiting_item (namespace, workflow_id, case_ref, kind, units, waiting_for, waiting_units, waiting_since, next_deadline, escalation_level, summary, protected_case, closed, seq)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
           ON CONFLICT (namespace, workflow_id) DO UPDATE SET
             case_ref = EXCLUDED.case_ref, kind = EXCLUDED.kind, units = EXCLUDED.units, waiting_for = EXCLUDED.waiting_for,
             waiting_units = EXCLUDED.waiting_units, waiting_since = EXCLUDED.waiting_since, next_deadline = EXCLUDED.next_deadline,
             escalation_level = EXCLUDED.escalation_level, summary = EXCLUDED.summary, protected_case = EXCLUDED.protected_case,
             closed = EXCLUDED.closed, seq = EXCLUDED.seq, updated_at = now()
           WHERE waiting_item.seq < EXCLUDED.seq OR (waiting_item.seq = 0 AND EXCLUDED.seq = 0)`,
          [
            row.namespace,
            row.workflowId,
            row.caseRef,
            row.kind,
            row.units,
            row.waitingFor,
            row.waitingUnits,
            row.waitingSince,
            row.nextDeadline,
            row.escalationLevel,
            row.summary,
            row.protectedCase,
            row.closed,
            row.seq,
          ],
        );
        const changed = (written.rowCount ?? 0) > 0;
        if (changed) {
          await client.query('DELETE FROM waiting_item_unit WHERE namespace = $1 AND workflow_id = $2', [row.namespace, row.workflowId]);
          if (!row.closed && row.waitingSince !== null && row.waitingUnits.length > 0) {
            await client.query(
              `INSERT INTO waiting_item_unit (namespace, unit, workflow_id, waiting_since, next_deadline, escalation_level, kind)
               SELECT $1, unit, $2, $3, $4, $5, $6 FROM unnest($7::text[]) AS unit GROUP BY unit`,
              [row.namespace, row.workflowId, row.waitingSince, row.nextDeadline, row.escalationLevel, row.kind, row.waitingUnits],
            );
          }
        }
        return changed;
      });
    },

    async page(query, { after, limit }) {
      const { where, values } = conditions(query);
      if (after) {
        values.push(after.waitingSince, after.workflowId);
        where.push(`(t.waiting_since, t.workflow_id) > ($${values.length - 1}, $${values.length})`);
      }
      values.push(limit);
      // A unit's page is a range of its index; the items' other columns are joined to that page only.
      const source = query.unit === undefined ? 'waiting_item t' : 'waiting_item_unit t JOIN waiting_item w USING (namespace, workflow_id)';
      const columns = query.unit === undefined ? 't.*' : 'w.*';
      const result = await pool.query<Row>(`SELECT ${columns} FROM ${source} WHERE ${where.join(' AND ')} ORDER BY t.waiting_since, t.workflow_id LIMIT $${values.length}`, values);
      return result.rows.map(itemOf);
    },

    async count(query) {
      const { where, values } = conditions(query);
      const result = await pool.query<{ n: string }>(`SELECT count(*) AS n FROM ${tableOf(query)} t WHERE ${where.join(' AND ')}`, values);
      return Number(result.rows[0]?.n ?? 0);
    },

    async countsPerUnit(namespace, units, stuck) {
      const result = await pool.query<{ unit: string; stuck: string; overdue: string; max_level: number | null }>(
        `SELECT unit, count(*) AS stuck, count(*) FILTER (WHERE next_deadline <= $3) AS overdue, max(escalation_level) AS max_level
         FROM waiting_item_unit
         WHERE namespace = $1 AND unit = ANY($2::text[]) AND (next_deadline <= $3 OR waiting_since <= $4)
         GROUP BY unit`,
        [namespace, units, stuck.now, stuck.waitingBefore],
      );
      const found = new Map(result.rows.map((row) => [row.unit, row]));
      return units.map((unit) => {
        const row = found.get(unit);
        return { unit, stuck: Number(row?.stuck ?? 0), overdue: Number(row?.overdue ?? 0), maxLevel: row?.max_level ?? 0 };
      });
    },

    async closeMissing(namespace, running, writtenBefore) {
      const result = await pool.query<{ n: string }>(
        `WITH gone AS (
           UPDATE waiting_item SET closed = true, updated_at = now()
           WHERE namespace = $1 AND NOT closed AND updated_at < $2 AND NOT (workflow_id = ANY($3::text[]))
           RETURNING namespace, workflow_id
         ), units AS (
           DELETE FROM waiting_item_unit u USING gone WHERE u.namespace = gone.namespace AND u.workflow_id = gone.workflow_id
         )
         SELECT count(*) AS n FROM gone`,
        [namespace, writtenBefore, running],
      );
      return Number(result.rows[0]?.n ?? 0);
    },
  };
}
