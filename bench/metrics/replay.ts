// R7: replaying a recorded case history of ~300 events (a fixture of tests/fixtures/histories,
// encrypted with the tests' key) in a running replay worker, one history handed over at a time,
// next to replaying a bare history of the same length recorded in this run (B8: a bare case
// whose Updates each run a no-op activity).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { History } from '@temporalio/common/lib/proto-utils';
import { bundleWorkflowCode, Worker, type ReplayWorkerOptions } from '@temporalio/worker';
import { projectRoot } from '../../infra/project-root';
import { testDataConverter } from '../../tests/support/payload-keys';
import { workflowsPath } from '../../workers/worker';
import { doneSignal, workUpdate } from '../bare-workflows';
import type { BenchContext } from '../context';
import { interleaved, timed } from '../interleave';
import { metric, type MetricResult } from '../report';
import { startBare } from './latency';


const silent = { trace() {}, debug() {}, info() {}, warn() {}, error() {}, log() {} } as never;

/** A replay worker that stays up: `replay` hands it one history and waits for its result. */
function replayer(options: ReplayWorkerOptions) {
  const queue: { workflowId: string; history: History }[] = [];
  let wake: (() => void) | undefined;
  let closed = false;
  async function* feed() {
    for (;;) {
      while (queue.length > 0) yield queue.shift()!;
      if (closed) return;
      await new Promise<void>((resolve) => (wake = resolve));
    }
  }
  const results = Worker.runReplayHistories(options, feed());
  const poke = () => {
    wake?.();
    wake = undefined;
  };
  return {
    async replay(workflowId: string, history: History): Promise<void> {
      queue.push({ workflowId, history });
      poke();
      const result = await results.next();
      if (result.done) throw new Error('the replay worker stopped');
      if (result.value.error) throw result.value.error;
    },
    async close(): Promise<void> {
      closed = true;
      poke();
      await results.return?.(undefined);
    },
  };
}

/** B8's history: a bare case with Updates (each a no-op activity) until it is `events` long. */
async function recordBareHistory(ctx: BenchContext, events: number): Promise<History> {
  const workflowId = ctx.ref('bare-r7');
  await startBare(ctx, workflowId);
  const handle = ctx.stack.bareClient.workflow.getHandle(workflowId);
  // Each Update with its activity adds about ten events; the end adds a few.
  for (;;) {
    const length = (await handle.fetchHistory()).events?.length ?? 0;
    if (length >= events - 8) break;
    for (let i = 0; i < Math.max(1, Math.floor((events - 8 - length) / 11)); i++) await handle.executeUpdate(workUpdate);
  }
  await handle.signal(doneSignal);
  await handle.result();
  return handle.fetchHistory();
}

export async function replayMetric(ctx: BenchContext): Promise<MetricResult> {
  const fixture = path.join(projectRoot, 'tests', 'fixtures', 'histories', ctx.settings.replayFixture);
  const caseHistory = JSON.parse(readFileSync(fixture, 'utf8')) as { events: unknown[] };
  const bareHistory = await recordBareHistory(ctx, caseHistory.events.length);
  ctx.log(`  R7: ${ctx.settings.replayFixture} (${caseHistory.events.length} events) ÷ a bare history of ${bareHistory.events?.length} events`);
  const [caseBundle, bareBundle] = await Promise.all([
    bundleWorkflowCode({ workflowsPath, logger: silent }),
    bundleWorkflowCode({ workflowsPath: path.join(import.meta.dirname, '..', 'bare-workflows.ts'), logger: silent }),
  ]);
  const ours = replayer({ workflowBundle: caseBundle, dataConverter: testDataConverter });
  const bare = replayer({ workflowBundle: bareBundle });
  try {
    // Warm-up: the replay workers start with their first history.
    await interleaved(ctx.settings.warmup, (i) => timed(() => ours.replay(`warm-case-${i}`, caseHistory as History)), (i) => timed(() => bare.replay(`warm-bare-${i}`, bareHistory)), ctx.quiet);
    const result = await interleaved(ctx.settings.replayIter, (i) => timed(() => ours.replay(`case-${i}`, caseHistory as History)), (i) => timed(() => bare.replay(`bare-${i}`, bareHistory)), ctx.quiet);
    return metric('R7', `replay of a case history (${caseHistory.events.length} events) ÷ a bare history (${bareHistory.events?.length} events)`, 'ms', result.ours, result.bare, { op: '≤', value: 1.2 }, {
      fixture: ctx.settings.replayFixture,
      caseEvents: caseHistory.events.length,
      bareEvents: bareHistory.events?.length,
    });
  } finally {
    await ours.close();
    await bare.close();
  }
}
