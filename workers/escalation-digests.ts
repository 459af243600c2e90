// Starts the one digest workflow when a worker process starts; one already running is kept.
import type { Client } from '@temporalio/client';
import { escalationDigestWorkflow, escalationDigestWorkflowId } from '../workflows/escalation-digest-workflow';

export async function ensureEscalationDigests(client: Client, taskQueue: string, at: string): Promise<void> {
  await client.workflow.start(escalationDigestWorkflow, {
    workflowId: escalationDigestWorkflowId,
    taskQueue,
    args: [{ at }],
    workflowIdConflictPolicy: 'USE_EXISTING',
  });
}
