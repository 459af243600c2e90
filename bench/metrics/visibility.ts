// R9: the chefs' stuck list and a handläggare's task list at N open cases with as many waiting
// items (bench/stuck-population.ts), next to the bare visibility calls of the same query: the
// count and the first page, straight to Temporal, nothing decoded. The stuck list reads its own
// table (waiting_item), which items started without a worker never write: it is filled from
// visibility with the backfill, as after an upgrade.
import type { Client } from '@temporalio/client';
import pg from 'pg';
import { backfillWaitingItems } from '../../infra/waiting-item-backfill';
import { createPgWaitingItemStore } from '../../infra/waiting-item-store';
import { CaseRefAttr, ItemKindAttr, NextDeadlineAttr, WaitingSinceAttr, WaitingUnitsAttr } from '../../domain/search-attributes';
import { expectStatus, type CallerName } from '../api-client';
import type { BenchContext } from '../context';
import { interleaved, timed } from '../interleave';
import { metric, type MetricResult } from '../report';
import { populatedItems, populateStuckList, untilItemsVisible } from '../stuck-population';

const DAY = 24 * 3_600_000;
/** STUCK_AFTER, the service's default: an item waiting longer is stuck before its deadline. */
const stuckAfter = 3 * DAY;

/** The stuck list's query as api/stuck-list.ts builds it, at this moment. */
function stuckQuery(unit?: string): string {
  const now = Date.now();
  return [
    `${ItemKindAttr.name} IS NOT NULL`,
    `ExecutionStatus = 'Running'`,
    `${WaitingSinceAttr.name} IS NOT NULL`,
    `(${NextDeadlineAttr.name} <= '${new Date(now).toISOString()}' OR ${WaitingSinceAttr.name} <= '${new Date(now - stuckAfter).toISOString()}')`,
    ...(unit ? [`${WaitingUnitsAttr.name} IN ('${unit}')`] : []),
  ].join(' AND ');
}

/** The task list's query (api/case-service.ts) for one unit. */
const tasksQuery = (unit: string) => `${CaseRefAttr.name} IS NOT NULL AND ExecutionStatus = 'Running' AND ${WaitingUnitsAttr.name} IN ('${unit}')`;

async function countAndFirstPage(client: Client, query: string, pageSize: number): Promise<void> {
  await client.workflow.count(query);
  await client.workflowService.listWorkflowExecutions({ namespace: client.options.namespace, query, pageSize });
}

export async function visibilityMetrics(ctx: BenchContext): Promise<MetricResult[]> {
  const { serviceClient, bareClient, api } = ctx.stack;
  const n = ctx.settings.openN;
  // The run's own handovers and meetings are items too: N more than those, in a fresh dev server.
  const before = await populatedItems(serviceClient);
  const t0 = Date.now();
  await populateStuckList(serviceClient, { count: n });
  const seen = await untilItemsVisible(serviceClient, before + n);
  ctx.log(`  R9: ${n} open cases and their items started in ${((Date.now() - t0) / 1000).toFixed(1)} s (${seen} items in all, ${before} of them the run's own)`);
  const { databaseUrl } = ctx.stack;
  if (databaseUrl) {
    // A pool of its own: the service has migrated the database already.
    const pool = new pg.Pool({ connectionString: databaseUrl, max: 2 });
    try {
      const { written } = await backfillWaitingItems(serviceClient, createPgWaitingItemStore(pool));
      ctx.log(`  R9: ${written} items written to the stuck list's table (backfill from visibility)`);
    } finally {
      await pool.end();
    }
  } else {
    ctx.log('  R9: the service runs its embedded database, out of the bench\'s reach: the stuck list\'s table stays empty (R9a, R9b measure an empty list)');
  }
  const variants: { id: string; what: string; as: CallerName; path: string; bare: () => Promise<void> }[] = [
    { id: 'R9a', what: `GET /fastnat?limit=100, enhetschef rvt (${n} open) ÷ count + first page`, as: 'chefRvt', path: '/fastnat?limit=100', bare: () => countAndFirstPage(bareClient, stuckQuery('rvt'), 100) },
    { id: 'R9b', what: `GET /fastnat?limit=100, sektorchef (${n} open) ÷ count + first page`, as: 'sektorchef', path: '/fastnat?limit=100', bare: () => countAndFirstPage(bareClient, stuckQuery(), 100) },
    { id: 'R9c', what: `GET /tasks?limit=50, handläggare rvt (${n} open) ÷ count + first page`, as: 'rvt', path: '/tasks?limit=50', bare: () => countAndFirstPage(bareClient, tasksQuery('rvt'), 50) },
  ];
  const results: MetricResult[] = [];
  for (const variant of variants) {
    const call = async () => expectStatus(await api('GET', variant.path, variant.as), 200, `GET ${variant.path}`);
    const sizes = (await call()).body;
    await interleaved(ctx.settings.warmup, () => timed(call), () => timed(variant.bare), ctx.quiet);
    const result = await interleaved(ctx.settings.visIter, () => timed(call), () => timed(variant.bare), ctx.quiet);
    results.push(metric(variant.id, variant.what, 'ms', result.ours, result.bare, { op: '≤', value: 1.2 }, { total: sizes.total, items: (sizes.items ?? sizes.tasks)?.length }));
  }
  return results;
}
