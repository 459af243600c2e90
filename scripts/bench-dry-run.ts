// `npm run bench:dry-run -- [open cases]` (default 1 000): how long the samordnare's dry run takes
// on a real Temporal dev server with that many real open cases (the real worker runs them, mail
// goes to a local catcher, the rule versions to PostgreSQL). Prints figures and asserts nothing.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { freePort } from '../infra/free-port';
import { inParallel } from '../infra/in-parallel';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { createRuleService } from '../api/rule-service';
import { caseWorkflowId, type CaseWorkflowInput } from '../domain/case';
import { caseOpenedUpdate } from '../domain/messages';
import { defaultOrganisation } from '../domain/organisation';
import { defaultRules } from '../domain/default-rules';
import { openDatabase } from '../infra/database';
import { startMailCatcher } from '../infra/mail-catcher';
import { createPgRuleStore } from '../infra/rule-store';
import { startTemporalDevServer } from '../infra/temporal-dev-server';
import { buildActivityDependencies } from '../workers/dependencies';
import { createCaseWorker } from '../workers/worker';
import { testDataConverter as dataConverter } from '../tests/support/payload-keys';

const cases = Number(process.argv[2] ?? 1_000);

const dataDir = mkdtempSync(path.join(tmpdir(), 'samverkan-bench-'));
const server = await startTemporalDevServer({ dataDir, port: await freePort(), uiPort: await freePort(), namespace: 'default' });
const connection = await Connection.connect({ address: server.address });
// Payloads encrypted as in production (with the tests' key): the codec's cost is in the figures.
const client = new Client({ connection, dataConverter });
const mail = await startMailCatcher();
const pool = await openDatabase(process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/samverkan_test');
const store = createPgRuleStore(pool, { scope: `bench-${randomUUID()}`, seed: { organisation: defaultOrganisation, rules: defaultRules } });
const taskQueue = 'bench-dry-run';
const worker = await createCaseWorker({
  connection: await NativeConnection.connect({ address: server.address }),
  namespace: 'default',
  taskQueue,
  dataConverter,
  dependencies: buildActivityDependencies({
    pool,
    smtpUrl: mail.smtpUrl,
    organisation: async () => (await store.current()).organisation,
    mailFrom: 'bench@samverkan.local',
    publicUrl: 'http://localhost',
    receiptSecret: 'bench',
  }),
});
const running = worker.run();
try {
  const rules = (await store.current()).rules;
  const started = Date.now();
  await inParallel(cases, 32, async (i) => {
    const input: CaseWorkflowInput = {
      caseRef: `BENCH-${i}`,
      kind: i % 3 === 0 ? 'vuxen' : 'barn',
      receivedAt: new Date().toISOString(),
      flags: { vald: i % 2 === 0 ? 'ja' : 'nej', barnIHushallet: i % 4 === 0, hedersrelaterat: false, skyddadeUppgifter: false },
      openedBy: { sub: 'bench', role: 'handlaggare', unit: i % 3 === 0 ? 'rvt' : 'mottagning' },
      rules,
    };
    const handle = await client.workflow.start('caseWorkflow', { taskQueue, workflowId: caseWorkflowId(input.caseRef), args: [input] });
    await handle.executeUpdate(caseOpenedUpdate);
  });
  console.log(`opened ${cases} real cases in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  for (let i = 0; i < 120; i++) {
    const { count } = await client.workflow.count(`WorkflowType = 'caseWorkflow' AND ExecutionStatus = 'Running'`);
    if (count >= cases) break;
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }

  // The proposal: the adult's risk assessment gets 12 hours, and families with children a new handover.
  const service = createRuleService({ client, store });
  const { version: _version, ...draftRules } = rules;
  const proposal = structuredClone({ organisation: defaultOrganisation, rules: draftRules });
  proposal.rules.deadlines['vuxen.riskbedomning']!.duration = 'PT12H';
  proposal.rules.triggers.push({
    typ: 'overlamning', id: 'barn-resursenhet', title: 'Överlämning till resursenheten', when: { kinds: ['barn'], barnIHushallet: true },
    from: 'mottagning', to: 'resursenhet', timing: { duration: 'P2D', counting: 'arbetsdagar' }, legal: { source: 'Lokal rutin', citation: 'Bench' },
  });
  const times: number[] = [];
  let affected = 0;
  for (let run = 0; run < 3; run++) {
    const t0 = performance.now();
    const result = await service.dryRun(proposal);
    times.push(performance.now() - t0);
    affected = result.affectedCases.length;
  }
  times.sort((a, b) => a - b);
  console.log(`dry run over ${cases} open cases, ${affected} affected: median ${times[1]!.toFixed(0)} ms, max ${times[2]!.toFixed(0)} ms (${((times[1]! / cases) * 1000).toFixed(0)} µs per case)`);
  console.log(`memory of this process: ${(process.memoryUsage().rss / 1024 / 1024).toFixed(0)} MB rss`);
} finally {
  worker.shutdown();
  await running;
  await mail.close();
  await pool.end();
  await connection.close();
  await server.stop();
  rmSync(dataDir, { recursive: true, force: true });
}
