// The durable event log (migrations/0005_case-event.sql): each case's steps as rows for the
// reports, written by the recordCaseEvents activity. A row's key is its step's, so writing the
// same step again (a retried activity) changes nothing.
import type pg from 'pg';

export interface CaseLogEvent {
  /** Unique per step: `<caseRef>/e<n>` for an event, `<caseRef>/<deadline id>.r<revision>` for a deadline's end. */
  key: string;
  caseRef: string;
  kind: string;
  type: string;
  unit: string;
  at: string;
  rulesVersion: number;
  flags: Record<string, string | boolean>;
  kon: string;
  aldersgrupp: string;
  /** Structured facts of the step (a deadline's key, due moment and lateness); never free text. */
  data: Record<string, string | number | boolean | null>;
}

/** A step written outside the case's workflow: a notice sent (new task, reminder, escalation, message), a family link. */
export interface NoticeStep {
  /** The step's own key (a notification's key): the same step is logged once. */
  key: string;
  caseRef: string;
  type: string;
  unit: string;
  at: string;
  data: CaseLogEvent['data'];
}

export interface CaseEventLog {
  /** Writes the steps not written before; returns how many were new. */
  record(events: CaseLogEvent[]): Promise<number>;
  /** Logs a notice once, with its case's kind, flags and person as the case's first step has them. */
  noticeSent(notice: NoticeStep): Promise<void>;
}

export function createPgCaseEventLog(pool: pg.Pool): CaseEventLog {
  return {
    async record(events) {
      if (events.length === 0) return 0;
      const result = await pool.query(
        `INSERT INTO case_event (event_key, case_ref, case_kind, type, unit, at, rules_version, flags, kon, aldersgrupp, data)
         SELECT * FROM jsonb_to_recordset($1::jsonb) AS e(key text, "caseRef" text, kind text, type text, unit text, at timestamptz, "rulesVersion" integer, flags jsonb, kon text, aldersgrupp text, data jsonb)
         ON CONFLICT (event_key) DO NOTHING`,
        [JSON.stringify(events)],
      );
      return result.rowCount ?? 0;
    },
    async noticeSent(notice) {
      await logCaseStep(pool, { ...notice, key: `notice/${notice.key}` });
    },
  };
}

/**
 * One step written outside the case's workflow (a notice sent, a family link), once by its key,
 * with the case's kind, flags and person as its first step has them: a handover's notice or the
 * API does not know them. Takes a transaction's client, so a link and its step commit together.
 */
export async function logCaseStep(db: Pick<pg.Pool | pg.PoolClient, 'query'>, step: NoticeStep): Promise<void> {
  await db.query(
    `INSERT INTO case_event (event_key, case_ref, case_kind, type, unit, at, rules_version, flags, kon, aldersgrupp, data)
     SELECT $1, $2, coalesce(c.case_kind, 'okant'), $3, $4, $6::timestamptz, coalesce(c.rules_version, 0), coalesce(c.flags, '{}'), coalesce(c.kon, 'okant'), coalesce(c.aldersgrupp, 'okant'), $5::jsonb
     FROM (SELECT 1) AS one LEFT JOIN LATERAL (SELECT * FROM case_event WHERE case_ref = $2 ORDER BY at LIMIT 1) AS c ON true
     ON CONFLICT (event_key) DO NOTHING`,
    [step.key, step.caseRef, step.type, step.unit, JSON.stringify(step.data), step.at],
  );
}
