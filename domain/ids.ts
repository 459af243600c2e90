// Identifiers derived from the business keys: the case reference gives the workflow id, and every
// notification's key comes from the deadline it belongs to. Plain functions, safe in workflow code.

/** Workflow id of a case: one per case reference, so the same case cannot be started twice. */
export function caseWorkflowId(caseRef: string): string {
  return `arende-${caseRef}`;
}

/** Workflow id of a case's child (handover, meeting, dispute): the case id, a colon, the child. */
export function childWorkflowId(caseRef: string, kind: 'overlamning' | 'planeringsmote' | 'tvist', id: string): string {
  return `${caseWorkflowId(caseRef)}:${kind}-${id}`;
}

/** Key of one planned notification of a deadline; a new due moment (revision) gets new keys. */
export function alertKey(deadline: { id: string; revision: number }, alert: { kind: string; index: number }): string {
  return `${deadline.id}.r${deadline.revision}.${alert.kind}${alert.index}`;
}

/** The unit id under which a dispute waits for the sektorchef: the sector itself. */
export const SECTOR_UNIT = 'sektor';
