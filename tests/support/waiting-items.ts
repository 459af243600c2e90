// Items started without a worker (search attributes and memo as the workflows publish them)
// write nothing to the stuck list's table themselves: the backfill writes them, as it writes the
// items of an upgrade, once visibility lists them all.
import { backfillWaitingItems } from '../../infra/waiting-item-backfill';
import { createPgWaitingItemStore } from '../../infra/waiting-item-store';
import type { ApiHarness } from './api-harness';

export async function backfillStarted(h: Pick<ApiHarness, 'env' | 'pool'>, workflowIds: string[]): Promise<void> {
  const query = `WorkflowId IN (${workflowIds.map((id) => `'${id}'`).join(', ')}) AND ExecutionStatus = 'Running'`;
  for (let i = 0; i < 100 && workflowIds.length > 0 && (await h.env.client.workflow.count(query)).count < workflowIds.length; i++) {
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  await backfillWaitingItems(h.env.client, createPgWaitingItemStore(h.pool));
}
