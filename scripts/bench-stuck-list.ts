// `npm run bench:stuck -- [open cases]` (default 20 000): how fast the stuck list answers on a
// real Temporal dev server with many open cases, each with a handover, meeting or dispute.
// Prints figures and asserts nothing. The cases and items carry the search attributes and memo
// the real workflows publish; no worker runs them, since the list reads only visibility.
// BENCH_DATA_DIR keeps the server's database there, so that a second run skips the set-up.
import { mkdtempSync, rmSync } from 'node:fs';
import { freePort } from '../infra/free-port';
import { inParallel } from '../infra/in-parallel';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { createStuckList } from '../api/stuck-list';
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

const cases = Number(process.argv[2] ?? 20_000);
const HOUR = 3_600_000;
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
    await client.workflow.start('caseWorkflow', {
      taskQueue,
      workflowId: `arende-${caseRef}`,
      args: [],
      typedSearchAttributes: [
        { key: CaseRefAttr, value: caseRef },
        { key: CaseKindAttr, value: 'barn' },
        { key: PhaseAttr, value: 'utredning' },
        { key: UnitsAttr, value: ['mottagning', unit] },
        { key: WaitingUnitsAttr, value: [unit] },
      ],
      memo: { tasks: [] },
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
      memo: { summary: `${kind} x1 från mottagning till ${unit}`, tasks: [] },
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

  const stuck = createStuckList({ client, organisation: async () => defaultOrganisation, stuckAfter: 'P3D' });
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
  console.log(`\nmemory of this process: ${(process.memoryUsage().rss / 1024 / 1024).toFixed(0)} MB rss`);
} finally {
  await connection.close();
  await server.stop();
  if (!keptDir) rmSync(dataDir, { recursive: true, force: true });
}
