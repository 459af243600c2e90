// The samordnare's goals for the reports, as versions in PostgreSQL (migrations/0006): append-
// only like the rules, so the history is the table. Until a first version is saved the audits'
// examples hold (`firstGoals`, version 0).
import type pg from 'pg';
import { inTransaction } from './transaction';
import { firstGoals, GoalSchema, type Goal, type GoalVersion } from '../domain/reports';
import { z } from '../domain/zod';
import { VersionConflict } from './rule-store';

export interface GoalStore {
  current(): Promise<GoalVersion>;
  /** Every version, newest first (the first goals last). */
  history(): Promise<GoalVersion[]>;
  /** Appends a version; `basedOn` another than the current one throws VersionConflict and writes nothing. */
  append(goals: Goal[], meta: { createdBy: string; reason: string; basedOn?: number }): Promise<GoalVersion>;
}

interface Row {
  version: number;
  goals: unknown;
  created_by: string;
  created_at: Date;
  reason: string;
}

const toVersion = (row: Row): GoalVersion => ({
  version: row.version,
  goals: z.array(GoalSchema).parse(row.goals),
  createdBy: row.created_by,
  createdAt: row.created_at.toISOString(),
  reason: row.reason,
});

/** `scope`: the Temporal namespace, as for the rules. */
export function createPgGoalStore(pool: pg.Pool, scope: string): GoalStore {
  const select = 'SELECT version, goals, created_by, created_at, reason FROM report_goal_version WHERE scope = $1';
  return {
    async current() {
      const row = (await pool.query<Row>(`${select} ORDER BY version DESC LIMIT 1`, [scope])).rows[0];
      return row ? toVersion(row) : firstGoals;
    },
    async history() {
      const rows = (await pool.query<Row>(`${select} ORDER BY version DESC`, [scope])).rows;
      return [...rows.map(toVersion), firstGoals];
    },
    async append(goals, meta) {
      return inTransaction(pool, async (client) => {
        await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`report_goal_version:${scope}`]);
        const now = (await client.query<{ version: number | null }>('SELECT max(version) AS version FROM report_goal_version WHERE scope = $1', [scope])).rows[0]?.version ?? 0;
        if (meta.basedOn !== undefined && meta.basedOn !== now) throw new VersionConflict(now);
        const result = await client.query<Row>(
          `INSERT INTO report_goal_version (scope, version, goals, created_by, reason) VALUES ($1, $2, $3, $4, $5) RETURNING version, goals, created_by, created_at, reason`,
          [scope, now + 1, JSON.stringify(goals), meta.createdBy, meta.reason],
        );
        return toVersion(result.rows[0]!);
      });
    },
  };
}
