// `npm run bench:stuck -- [open cases]` (default 20 000): how fast the stuck list answers on a
// real Temporal dev server with many open cases, each with a handover, meeting or dispute, and
// how fast the first pages of GET /tasks, /fastnat and /cases answer next to one bare visibility
// page of the same query. Prints figures and asserts nothing. The cases and items carry the
// search attributes and memo (open tasks) the real workflows publish; no worker runs them, since
// the lists read only visibility. At 20 000 cases rvt has 8 000 tasks.
// BENCH_DATA_DIR keeps the server's database there, so that a second run skips the set-up.
import { mkdtempSync, rmSync } from 'node:fs';
import { freePort } from '../infra/free-port';
import { inParallel } from '../infra/in-parallel';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { createCaseService } from '../api/case-service';
import { createStuckList } from '../api/stuck-list';
import type { CaseMemo, MemoTask } from '../domain/case';
import { defaultRules } from '../domain/default-rules';
import { defaultOrganisation } from '../domain/organisation';
import {
  CaseKindAttr,
  CaseRefAttr,
  EscalationLevelAttr,
  ItemKindAttr,
  NextDeadlineAttr,
  OverdueAttr,
  PhaseAttr,
  UnitsAttr,
  WaitingForAttr,
  WaitingSinceAttr,
  WaitingUnitsAttr,
} from '../domain/search-attributes';
import { startTemporalDevServer } from '../infra/temporal-dev-server';
import { testDataConverter as dataConverter } from '../tests/support/payload-keys';
import { benchWaitingItems } from './bench-read-model';

const cases = Number(process.argv[2] ?? 20_000);
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const kinds = ['barn', 'vuxen', 'utovare'];
const phases = ['forhandsbedomning', 'riskbedomning', 'utredning', 'insatser'];
const units = ['mottagning', 'rvt', 'bou', 'resursenhet', 'familjevard'];
const pick = <T>(list: T[], i: number) => list[i % list.length]!;

const keptDir = process.env.BENCH_DATA_DIR;
const dataDir = keptDir ?? mkdtempSync(path.join(tmpdir(), 'samverkan-bench-'));
const server = await startTemporalDevServer({ dataDir, port: await freePort(), uiPort: await freePort(), namespace: 'default' });
const connection = await Connection.connect({ address: server.address });
// Memos encrypted as in production (with the tests' key): decoding them is part of the list's cost.
const client = new Client({ connection, dataConverter });
try {
  const now = Date.now();
  const taskQueue = 'bench-without-worker';
  const started = Date.now();
  const existing = (await client.workflow.count(`${ItemKindAttr.name} IS NOT NULL`)).count;
  await inParallel(existing >= cases ? 0 : cases, 64, async (i) => {
    const caseRef = `BENCH-${i}`;
    const unit = pick(units, i);
    // The case's open tasks, as workflows/case-workflow.ts publishes them: one for its unit, due
    // from 20 days ago to 40 days ahead, and for every other case a second one for mottagningen,
    // a few days before or after (so that NextDeadline is sometimes another unit's task).
    const dueAt = now + ((i * 104_729_000) % (60 * DAY)) - 20 * DAY;
    const caseTasks: MemoTask[] = [
      { id: `d${i}a`, title: 'Utredning att slutföra', unit, dueAt: new Date(dueAt).toISOString(), escalationLevel: dueAt < now ? 1 : 0, assignedTo: `h${Math.floor(i / units.length) % 8}` },
    ];
    if (i % 2 === 1) {
      const secondDue = dueAt + (i % 4 === 1 ? -5 : 5) * DAY;
      caseTasks.push({ id: `d${i}b`, title: 'Uppföljning att göra', unit: 'mottagning', dueAt: new Date(secondDue).toISOString(), escalationLevel: secondDue < now ? 1 : 0 });
    }
    const caseNext = Math.min(...caseTasks.map((t) => Date.parse(t.dueAt)));
    await client.workflow.start('caseWorkflow', {
      taskQueue,
      workflowId: `arende-${caseRef}`,
      args: [],
      typedSearchAttributes: [
        { key: CaseRefAttr, value: caseRef },
        { key: CaseKindAttr, value: pick(kinds, i) },
        { key: PhaseAttr, value: pick(phases, Math.floor(i / units.length)) },
        { key: UnitsAttr, value: ['mottagning', unit] },
        { key: WaitingUnitsAttr, value: [...new Set(caseTasks.map((t) => t.unit))] },
        { key: NextDeadlineAttr, value: new Date(caseNext) },
        { key: OverdueAttr, value: caseTasks.some((t) => t.escalationLevel > 0) },
      ],
      memo: { tasks: caseTasks } satisfies CaseMemo,
    });
    // One item per case: mostly handovers, some meetings and disputes, waiting 0–10 days.
    const kind = i % 10 < 7 ? 'overlamning' : i % 10 < 9 ? 'planeringsmote' : 'tvist';
    const since = now - ((i * 7_919_000) % (240 * HOUR));
    const due = since + 48 * HOUR;
    const level = due < now ? 1 + (i % 2) : 0;
    await client.workflow.start(kind === 'overlamning' ? 'handoverWorkflow' : kind === 'planeringsmote' ? 'meetingWorkflow' : 'disputeWorkflow', {
      taskQueue,
      workflowId: `arende-${caseRef}:${kind}-x1`,
      args: [],
      typedSearchAttributes: [
        { key: CaseRefAttr, value: caseRef },
        { key: ItemKindAttr, value: kind },
        { key: UnitsAttr, value: ['mottagning', unit] },
        { key: WaitingUnitsAttr, value: [unit] },
        { key: WaitingForAttr, value: kind === 'overlamning' ? 'kvittens' : kind === 'planeringsmote' ? 'bokning' : 'beslut' },
        { key: WaitingSinceAttr, value: new Date(since) },
        { key: NextDeadlineAttr, value: new Date(due) },
        { key: EscalationLevelAttr, value: level },
        { key: OverdueAttr, value: level > 0 },
      ],
      // The waited-for step is the receiving unit's task, as workflows/item-visibility.ts publishes it.
      memo: {
        summary: `${kind} x1 från mottagning till ${unit}`,
        tasks: [{ id: `${kind}-x1`, title: kind === 'overlamning' ? 'Överlämning att kvittera' : kind === 'planeringsmote' ? 'Planeringsmöte att boka' : 'Tvist att avgöra', unit, dueAt: new Date(due).toISOString(), escalationLevel: level }],
      } satisfies CaseMemo & { summary: string },
    });
  });
  const startSeconds = (Date.now() - started) / 1000;
  if (existing < cases) console.log(`started ${cases} open cases and ${cases} items in ${startSeconds.toFixed(1)} s (${((2 * cases) / startSeconds).toFixed(0)} workflows/s)`);
  else console.log(`reusing ${existing} items in ${dataDir}`);
  for (let i = 0; i < 120; i++) {
    const { count } = await client.workflow.count(`${ItemKindAttr.name} IS NOT NULL`);
    if (count >= cases) break;
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }

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
