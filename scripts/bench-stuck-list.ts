// `npm run bench:stuck -- [open cases]` (default 20 000): how fast the stuck list answers on a
// real Temporal dev server with many open cases, each with a handover, meeting or dispute, and
// how fast the first pages of GET /tasks, /fastnat and /cases answer next to one bare visibility
// page of the same query. Prints figures and asserts nothing. The cases and items carry the
// search attributes and memo (open tasks) the real workflows publish; no worker runs them, since
// the lists read only visibility. At 20 000 cases rvt has 8 000 tasks.
// BENCH_DATA_DIR keeps the server's database there, so that a second run skips the set-up.
import { mkdtempSync, rmSync } from 'node:fs';
import { freePort } from '../infra/free-port';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { createCaseService } from '../api/case-service';
import { createStuckList } from '../api/stuck-list';
import { defaultRules } from '../domain/default-rules';
import { defaultOrganisation } from '../domain/organisation';
import { CaseRefAttr, ItemKindAttr, NextDeadlineAttr, UnitsAttr, WaitingSinceAttr, WaitingUnitsAttr } from '../domain/search-attributes';
import { populatedItems, populateStuckList, untilItemsVisible } from '../bench/stuck-population';
import { startTemporalDevServer } from '../infra/temporal-dev-server';
import { testDataConverter as dataConverter } from '../tests/support/payload-keys';
import { benchWaitingItems } from './bench-read-model';

const cases = Number(process.argv[2] ?? 20_000);
const HOUR = 3_600_000;

const keptDir = process.env.BENCH_DATA_DIR;
const dataDir = keptDir ?? mkdtempSync(path.join(tmpdir(), 'samverkan-bench-'));
const server = await startTemporalDevServer({ dataDir, port: await freePort(), uiPort: await freePort(), namespace: 'default' });
const connection = await Connection.connect({ address: server.address });
// Memos encrypted as in production (with the tests' key): decoding them is part of the list's cost.
const client = new Client({ connection, dataConverter });
try {
  const taskQueue = 'bench-without-worker';
  const started = Date.now();
  const existing = await populatedItems(client);
  if (existing < cases) await populateStuckList(client, { count: cases, taskQueue });
  const startSeconds = (Date.now() - started) / 1000;
  if (existing < cases) console.log(`started ${cases} open cases and ${cases} items in ${startSeconds.toFixed(1)} s (${((2 * cases) / startSeconds).toFixed(0)} workflows/s)`);
  else console.log(`reusing ${existing} items in ${dataDir}`);
  await untilItemsVisible(client, cases);

  // The list reads its table: the items, started without a worker, are put there by the backfill.
  const readModel = await benchWaitingItems(client, dataDir);
  console.log(`stuck list's table: ${readModel.written} items written from visibility`);
  const stuck = createStuckList({ items: readModel.store, namespace: client.options.namespace, organisation: async () => defaultOrganisation, stuckAfter: 'P3D' });
  const callers = [
    { label: 'sektorchef, all units, first 100', caller: { sub: 'bench', role: 'sektorchef' as const, unit: 'ifo' }, filter: { limit: 100 } },
    { label: 'sektorchef, escalation level ≥ 2', caller: { sub: 'bench', role: 'sektorchef' as const, unit: 'ifo' }, filter: { limit: 100, niva: 2 } },
    { label: 'enhetschef rvt, own unit', caller: { sub: 'bench', role: 'enhetschef' as const, unit: 'rvt' }, filter: { limit: 100 } },
    { label: 'enhetschef rvt, disputes only', caller: { sub: 'bench', role: 'enhetschef' as const, unit: 'rvt' }, filter: { limit: 100, typ: 'tvist' as const } },
  ];
  console.log('\nstuck list (5 runs each):');
  for (const { label, caller, filter } of callers) {
    const times: number[] = [];
    let total = 0;
    for (let run = 0; run < 5; run++) {
      const t0 = performance.now();
      total = (await stuck.list(caller, filter)).total;
      times.push(performance.now() - t0);
    }
    times.sort((a, b) => a - b);
    console.log(`  ${label.padEnd(36)} ${String(total).padStart(6)} stuck items   median ${times[2]!.toFixed(0).padStart(5)} ms   max ${times[4]!.toFixed(0).padStart(5)} ms`);
  }

  // First pages next to one bare visibility page of the same query (listWorkflowExecutions with
  // its page size, nothing decoded), measured turn about in the same run. (No families here: the
  // task list never reads them.)
  const caseService = createCaseService({ client, taskQueue, organisation: async () => defaultOrganisation, rules: async () => defaultRules, families: { familyOf: async () => undefined, links: async () => [] } });
  const bare = async (query: string, pageSize: number) => {
    await client.workflowService.listWorkflowExecutions({ namespace: client.options.namespace, query, pageSize });
  };
  const stuckNow = (extra = '') =>
    `${ItemKindAttr.name} IS NOT NULL AND ExecutionStatus = 'Running' AND ${WaitingSinceAttr.name} IS NOT NULL AND (${NextDeadlineAttr.name} <= '${new Date().toISOString()}' OR ${WaitingSinceAttr.name} <= '${new Date(Date.now() - 3 * 24 * HOUR).toISOString()}')${extra}`;
  const openCases = `${CaseRefAttr.name} IS NOT NULL AND ${ItemKindAttr.name} IS NULL AND ExecutionStatus = 'Running'`;
  const rvtHandlaggare = { sub: 'h1', role: 'handlaggare' as const, unit: 'rvt' };
  const sektorchef = { sub: 'bench', role: 'sektorchef' as const, unit: 'ifo' };
  const rvtChef = { sub: 'bench', role: 'enhetschef' as const, unit: 'rvt' };
  const secondTaskPage = (await caseService.tasks(rvtHandlaggare, { limit: 50 })).nextCursor;
  const firstPages: { label: string; ours: () => Promise<unknown>; bare?: () => Promise<unknown> }[] = [
    {
      label: 'GET /tasks, handläggare rvt, limit 50',
      ours: () => caseService.tasks(rvtHandlaggare, { limit: 50 }),
      bare: () => bare(`${CaseRefAttr.name} IS NOT NULL AND ExecutionStatus = 'Running' AND ${WaitingUnitsAttr.name} IN ('rvt')`, 50),
    },
    { label: '  the same, second page', ours: () => caseService.tasks(rvtHandlaggare, { limit: 50, ...(secondTaskPage ? { cursor: secondTaskPage } : {}) }) },
    { label: '  the same, vy=mina', ours: () => caseService.tasks(rvtHandlaggare, { vy: 'mina', limit: 50 }) },
    { label: 'GET /fastnat, sektorchef, limit 100', ours: () => stuck.list(sektorchef, { limit: 100 }), bare: () => bare(stuckNow(), 100) },
    {
      label: 'GET /fastnat, enhetschef rvt, limit 100',
      ours: () => stuck.list(rvtChef, { limit: 100 }),
      bare: () => bare(stuckNow(` AND ${WaitingUnitsAttr.name} IN ('rvt')`), 100),
    },
    { label: 'GET /fastnat/antal, sektorchef (10 units)', ours: () => stuck.counts(sektorchef) },
    {
      label: 'GET /cases, handläggare rvt, limit 50',
      ours: () => caseService.list(rvtHandlaggare, { limit: 50 }),
      bare: () => bare(`${openCases} AND ${UnitsAttr.name} IN ('rvt')`, 50),
    },
    { label: 'GET /cases, samordnare, limit 50', ours: () => caseService.list({ sub: 'bench', role: 'samordnare', unit: 'mottagning' }, { limit: 50 }), bare: () => bare(openCases, 50) },
  ];
  const median = (times: number[]) => [...times].sort((a, b) => a - b)[Math.floor(times.length / 2)]!;
  const timed = async (work: () => Promise<unknown>) => {
    const t0 = performance.now();
    await work();
    return performance.now() - t0;
  };
  console.log(`\nfirst pages at ${cases} open cases (median of 7 runs; bare: one visibility page of the same query):`);
  for (const page of firstPages) {
    const ours: number[] = [];
    const bares: number[] = [];
    for (let run = 0; run < 7; run++) {
      ours.push(await timed(page.ours));
      if (page.bare) bares.push(await timed(page.bare));
    }
    const versus = page.bare ? `   bare ${median(bares).toFixed(0).padStart(4)} ms   ratio ${(median(ours) / median(bares)).toFixed(1).padStart(4)}` : '';
    console.log(`  ${page.label.padEnd(44)} ${median(ours).toFixed(0).padStart(5)} ms${versus}`);
  }
  console.log(`\nmemory of this process: ${(process.memoryUsage().rss / 1024 / 1024).toFixed(0)} MB rss`);
  await readModel.close();
} finally {
  await connection.close();
  await server.stop();
  if (!keptDir) rmSync(dataDir, { recursive: true, force: true });
}
