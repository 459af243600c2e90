// Who has seen a handover's family information, in PostgreSQL: every view is recorded with
// viewer, unit, role and moment, and the managers read the log back.
import type { Pool } from 'pg';

export interface ViewLogEntry {
  viewer: string;
  unit: string;
  role: string;
  viewedAt: string;
}

export interface HandoverViewLog {
  record(entry: { handoverWorkflowId: string; viewer: string; unit: string; role: string }): Promise<void>;
  /** The views of one handover, oldest first. */
  list(handoverWorkflowId: string): Promise<ViewLogEntry[]>;
}

export function createPgHandoverViewLog(pool: Pool): HandoverViewLog {
  return {
    async record({ handoverWorkflowId, viewer, unit, role }) {
      await pool.query('INSERT INTO handover_view_log (handover_workflow_id, viewer, unit, role) VALUES ($1, $2, $3, $4)', [handoverWorkflowId, viewer, unit, role]);
    },
    async list(handoverWorkflowId) {
      const rows = await pool.query<{ viewer: string; unit: string; role: string; viewed_at: Date }>(
        'SELECT viewer, unit, role, viewed_at FROM handover_view_log WHERE handover_workflow_id = $1 ORDER BY viewed_at',
        [handoverWorkflowId],
      );
      return rows.rows.map((r) => ({ viewer: r.viewer, unit: r.unit, role: r.role, viewedAt: r.viewed_at.toISOString() }));
    },
  };
}
