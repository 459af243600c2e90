// Addresses of the pages, in one place. A task or stuck item names its workflow; the page that
// shows it follows from the id: "arende-BU-1:overlamning-o2" is the case's handover o2.
export const casePath = (caseRef: string) => `/arenden/${encodeURIComponent(caseRef)}`;

const childPaths: Record<string, string> = { overlamning: 'overlamningar', planeringsmote: 'moten', tvist: 'tvister' };

export function workflowPath(caseRef: string, workflowId: string): string {
  const child = /:(overlamning|planeringsmote|tvist)-([otm]\d+)$/.exec(workflowId);
  return child ? `${casePath(caseRef)}/${childPaths[child[1]!]}/${child[2]}` : casePath(caseRef);
}
