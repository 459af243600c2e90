// R1, R1b, R3, R2: single operations through the service's HTTP API, each next to the bare
// Temporal calls it needs (B1, B2, B4). R1's cases and B1's workflows are the ones R3 and R2 act on.
import { WithStartWorkflowOperation } from '@temporalio/client';
import { handoverContent } from '../../tests/support/handover-content';
import { expectStatus } from '../api-client';
import { caseWorkflowId } from '../../domain/ids';
import { performActionUpdate } from '../../domain/messages';
import { ackUpdate, bareCase, childrenQuery, localStepsUpdate, openedUpdate, startChildUpdate, stepUpdate } from '../bare-workflows';
import type { BenchContext } from '../context';
import { interleaved, interleavedAll, timed, type Operation } from '../interleave';
import { metric, type MetricResult } from '../report';
import { bareTaskQueue } from '../stack';
import { updateSplit } from '../update-timing';

export const noViolence = { vald: 'nej', barnIHushallet: false, hedersrelaterat: false, skyddadeUppgifter: false } as const;
const violenceAndChildren = { vald: 'ja', barnIHushallet: true, hedersrelaterat: false, skyddadeUppgifter: false } as const;

/** POST /cases of a child's case without violence (one deadline): the 201's body. */
export async function openCase(ctx: BenchContext, caseRef: string, extra: Record<string, unknown> = {}) {
  return expectStatus(await ctx.stack.api('POST', '/cases', 'mottagning', { caseRef, kind: 'barn', flags: noViolence, ...extra }), 201, 'POST /cases').body;
}

/** B1: a bare workflow started with its first Update, which answers at once. */
export async function startBare(ctx: BenchContext, workflowId: string): Promise<void> {
  await ctx.stack.bareClient.workflow.executeUpdateWithStart(openedUpdate, {
    startWorkflowOperation: new WithStartWorkflowOperation(bareCase, { workflowId, taskQueue: bareTaskQueue, workflowIdConflictPolicy: 'FAIL' }),
  });
}

export async function latencyMetrics(ctx: BenchContext): Promise<MetricResult[]> {
  const { api, bareClient } = ctx.stack;
  const cases: string[] = [];
  const bares: string[] = [];

  const r1 = (list: string[], flags: object): Operation => async () => {
    const caseRef = ctx.ref('R1');
    const ms = await timed(async () => {
      expectStatus(await api('POST', '/cases', 'mottagning', { caseRef, kind: 'barn', flags }), 201, 'POST /cases');
      expectStatus(await api('GET', `/cases/${caseRef}`, 'mottagning'), 200, 'GET /cases/{ref}');
    });
    list.push(caseRef);
    return ms;
  };
  const b1 = (list: string[]): Operation => async () => {
    const workflowId = ctx.ref('bare');
    const ms = await timed(() => startBare(ctx, workflowId));
    list.push(workflowId);
    return ms;
  };
  const r3: Operation = async (i) => {
    const ms = await timed(async () => expectStatus(await api('POST', `/cases/${cases[i]}/actions`, 'mottagning', { type: 'skyddsbedomning', skyddsbehov: 'ej_akut' }), 200, 'POST /cases/{ref}/actions'));
    return ms;
  };
  const b2: Operation = (i) => timed(() => bareClient.workflow.getHandle(bares[i]!).executeUpdate(stepUpdate));
  const b2l: Operation = (i) => timed(() => bareClient.workflow.getHandle(bares[i]!).executeUpdate(localStepsUpdate));
  const r2: Operation = (i) =>
    timed(async () => {
      const caseRef = cases[i]!;
      const sent = expectStatus(
        await api('POST', `/cases/${caseRef}/overlamningar`, 'mottagning', { till: 'rvt', innehall: handoverContent({ vald: 'nej', barn: { iHushallet: false, antal: 0 } }) }),
        201,
        'POST /cases/{ref}/overlamningar',
      ).body;
      expectStatus(await api('POST', `/cases/${caseRef}/overlamningar/${sent.id}/svar`, 'rvt', { typ: 'kvittera' }), 200, 'POST …/svar');
      for (;;) {
        const view = expectStatus(await api('GET', `/cases/${caseRef}`, 'mottagning'), 200, 'GET /cases/{ref}').body;
        if (view.handovers.some((h: { id: string; status: string }) => h.id === sent.id && h.status === 'kvitterad')) return;
      }
    });
  const b4: Operation = (i) =>
    timed(async () => {
      const parent = bareClient.workflow.getHandle(bares[i]!);
      const child = await parent.executeUpdate(startChildUpdate);
      await bareClient.workflow.getHandle(child).executeUpdate(ackUpdate);
      while ((await parent.query(childrenQuery))[child] !== 'acked');
    });

  // Warm-up: every operation a few times on both sides (JIT, connections, caches), not counted.
  const warmCases: string[] = [];
  const warmBares: string[] = [];
  const { warmup } = ctx.settings;
  await interleaved(warmup, r1(warmCases, noViolence), b1(warmBares), ctx.quiet);
  const onWarm = async (op: Operation, i: number) => {
    [cases[i], bares[i]] = [warmCases[i]!, warmBares[i]!];
    return op(i);
  };
  await interleavedAll(warmup, { ours: (i) => onWarm(r3, i), bare: (i) => onWarm(b2, i), local: (i) => onWarm(b2l, i) }, ctx.quiet);
  await interleaved(warmup, (i) => onWarm(r2, i), (i) => onWarm(b4, i), ctx.quiet);
  cases.length = 0;
  bares.length = 0;

  const { iter, heavyIter } = ctx.settings;
  ctx.log(`  R1/B1 × ${iter}`);
  const open = await interleaved(iter, r1(cases, noViolence), b1(bares), ctx.quiet);
  ctx.log(`  R1b/B1 × ${heavyIter}`);
  const violent: string[] = [];
  const openViolent = await interleaved(heavyIter, r1(violent, violenceAndChildren), b1([]), ctx.quiet);
  // What R1b measures: the case was opened with its handover duty and its joint meeting.
  const first = expectStatus(await api('GET', `/cases/${violent[0]}`, 'mottagning'), 200, 'GET /cases/{ref}').body;
  const r1bShape = { meetings: first.meetings.length, handoverDuties: first.deadlines.filter((d: { key: string }) => d.key === 'overlamning').length };
  ctx.log(`  R3/B2 × ${iter}`);
  const steps = await interleavedAll(iter, { ours: r3, bare: b2, local: b2l }, ctx.quiet);
  // Where the time goes: the workflow task (queued, in the worker) against the rest, from the histories.
  const sample = Math.min(20, iter);
  const split = {
    ours: await updateSplit(ctx.stack.serviceClient, cases.slice(0, sample).map(caseWorkflowId), steps.ours.slice(0, sample), performActionUpdate.name),
    bare: await updateSplit(bareClient, bares.slice(0, sample), steps.bare.slice(0, sample), stepUpdate.name),
    bareLocal: await updateSplit(bareClient, bares.slice(0, sample), steps.local.slice(0, sample), localStepsUpdate.name),
  };
  const r2n = Math.min(heavyIter, cases.length);
  ctx.log(`  R2/B4 × ${r2n}`);
  const handover = await interleaved(r2n, r2, b4, ctx.quiet);

  return [
    metric('R1', 'open case: POST /cases → 201, GET /cases/{ref} → 200 ÷ B1 executeUpdateWithStart', 'ms', open.ours, open.bare, { op: '≤', value: 1.5 }),
    metric('R1b', 'open case with violence and children ÷ B1', 'ms', openViolent.ours, openViolent.bare, { op: '≤', value: 2 }, { opened: r1bShape }),
    metric('R3', 'one action (skyddsbedömning) ÷ B2 one Update', 'ms', steps.ours, steps.bare, { op: '≤', value: 1.3 }, { split }),
    metric('R3L', 'one action ÷ B2L one Update running two local activities (plan, record), as an action must', 'ms', steps.ours, steps.local, { op: '≤', value: 1.3 }),
    metric('R2', 'handover → kvittera → visible ÷ B4 child, ack, signal, query', 'ms', handover.ours, handover.bare, { op: '≤', value: 1.2 }),
  ];
}
