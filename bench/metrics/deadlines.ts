// R8: a deadline falls due → its escalation mail is at the SMTP catcher, next to a bare timer →
// activity → one mail (B5); then a burst of N deadlines due at one moment until the last mail.
// The service gets a rules version (as the samordnare makes one) whose first deadline of a
// child's case is exactly ten minutes and escalates to the unit only; cases are opened with
// `receivedAt` ten minutes before the moment they should fall due. Rolled back at the end.
import type { CaughtMail } from '../../infra/mail-catcher';
import { inParallel } from '../../infra/in-parallel';
import { expectStatus } from '../api-client';
import { bareDeadline } from '../bare-workflows';
import type { BenchContext } from '../context';
import { interleaved } from '../interleave';
import { metric, type MetricResult } from '../report';
import { bareTaskQueue } from '../stack';
import { percentile } from '../stats';
import { noViolence } from './latency';

const TEN_MINUTES = 10 * 60_000;
/** How far ahead a single deadline is set: opening a case must be done by then. */
const LEAD_MS = 1500;

/** The case a notification is about: its key is `arende-<caseRef>/<deadline>…`. */
const caseOf = (mail: CaughtMail) => /^arende-([^/]+)\//.exec(mail.headers['x-samverkan-key'] ?? '')?.[1];
const escalationOf = (caseRefs: Set<string>) => (mail: CaughtMail) => mail.subject.startsWith('Försenad') && caseRefs.has(caseOf(mail) ?? '');
const bareMailOf = (keys: Set<string>) => (mail: CaughtMail) => keys.has(mail.headers['x-bench-key'] ?? '');

export async function deadlineMetrics(ctx: BenchContext, casesPerSecond: number | undefined): Promise<MetricResult[]> {
  const { api, catcher, bareClient } = ctx.stack;
  const current = expectStatus(await api('GET', '/regelverk', 'samordnare'), 200, 'GET /regelverk').body;
  const rules = structuredClone(current.rules);
  rules.deadlines['barn.skyddsbedomning'] = { ...rules.deadlines['barn.skyddsbedomning'], duration: 'PT10M', reminders: [], escalation: [{ to: 'enhet', after: 'PT0S' }] };
  expectStatus(
    await api('POST', '/regelverk', 'samordnare', { organisation: current.organisation, rules, baseradPa: current.version, skal: 'Benchmark: första fristen på tio minuter, till enheten' }),
    201,
    'POST /regelverk',
  );
  catcher.clear();
  let lateOpens = 0;
  let retriedOpens = 0;
  /** Opens a case due at `dueAt` and answers the due moment the case planned. */
  const openDue = async (caseRef: string, dueAt: number) => {
    const body = { caseRef, kind: 'barn', flags: noViolence, receivedAt: new Date(dueAt - TEN_MINUTES).toISOString() };
    // Under a burst the service may answer 503 (Temporal slow to answer); opening is idempotent
    // on the reference, so the same request again answers 200 with the case once it is there.
    let answer = await api('POST', '/cases', 'mottagning', body);
    for (let attempt = 0; answer.status === 503 && attempt < 5; attempt++) answer = await api('POST', '/cases', 'mottagning', body);
    if (answer.status === 200) retriedOpens += 1;
    const view = expectStatus(answer, answer.status === 200 ? 200 : 201, 'POST /cases').body;
    const planned = Date.parse(view.deadlines[0].dueAt);
    if (Date.now() > planned - 200) lateOpens += 1;
    return planned;
  };
  try {
    ctx.log(`  R8/B5 × ${ctx.settings.lagN}`);
    const single = await interleaved(
      ctx.settings.lagN,
      async () => {
        const caseRef = ctx.ref('R8');
        const due = await openDue(caseRef, Date.now() + LEAD_MS);
        const mail = await catcher.waitFor(escalationOf(new Set([caseRef])), 60_000);
        return Date.parse(mail.receivedAt) - due;
      },
      async () => {
        const key = ctx.ref('bare-r8');
        const due = Date.now() + LEAD_MS;
        await bareClient.workflow.start(bareDeadline, { workflowId: key, taskQueue: bareTaskQueue, args: [due, key] });
        const mail = await catcher.waitFor(bareMailOf(new Set([key])), 60_000);
        return Date.parse(mail.receivedAt) - due;
      },
      ctx.quiet,
    );
    catcher.clear();

    // The burst: N due at one moment, far enough ahead that all are opened before it.
    const n = ctx.settings.burstN;
    const burst = { ours: NaN, bare: NaN, oursP50: NaN, bareP50: NaN };
    const lastMail = async (due: number, matches: (mail: CaughtMail) => boolean) => {
      const deadline = Date.now() + 300_000 + n * 500;
      for (;;) {
        const arrived = catcher.messages().filter(matches);
        if (arrived.length >= n || Date.now() > deadline) {
          const delays = arrived.map((mail) => (Date.parse(mail.receivedAt) - due) / 1000);
          if (arrived.length < n) ctx.log(`  (burst: ${arrived.length} of ${n} mails within the wait)`);
          return { last: Math.max(...delays), p50: percentile(delays, 50) };
        }
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    };
    for (const side of Math.random() < 0.5 ? (['ours', 'bare'] as const) : (['bare', 'ours'] as const)) {
      if (side === 'ours') {
        const lead = 10_000 + (n / (0.5 * (casesPerSecond || 5))) * 1000;
        const due = Date.now() + lead;
        const refs = Array.from({ length: n }, () => ctx.ref('R8b'));
        const before = lateOpens;
        await inParallel(n, 8, (i) => openDue(refs[i]!, due));
        if (lateOpens > before) ctx.log(`  (burst: ${lateOpens - before} cases opened less than 0.2 s before the moment)`);
        const figures = await lastMail(due, escalationOf(new Set(refs)));
        [burst.ours, burst.oursP50] = [figures.last, figures.p50];
      } else {
        const due = Date.now() + 10_000 + n * 10;
        const keys = Array.from({ length: n }, () => ctx.ref('bare-r8b'));
        await inParallel(n, 16, (i) => bareClient.workflow.start(bareDeadline, { workflowId: keys[i]!, taskQueue: bareTaskQueue, args: [due, keys[i]!] }));
        const figures = await lastMail(due, bareMailOf(new Set(keys)));
        [burst.bare, burst.bareP50] = [figures.last, figures.p50];
      }
      ctx.log(`  R8 burst ${side}: last of ${n} mails ${(side === 'ours' ? burst.ours : burst.bare).toFixed(2)} s after the moment`);
      catcher.clear();
      await ctx.quiet();
    }
    return [
      metric('R8', 'deadline due → escalation mail at the catcher ÷ B5 timer → activity → mail', 'ms', single.ours, single.bare, { op: '≤', value: 1.2 }, { lateOpens, retriedOpens }),
      metric('R8 burst', `${n} deadlines due at one moment → the last mail ÷ ${n} bare timers`, 's', { p50: burst.ours, n: 1 }, { p50: burst.bare, n: 1 }, { op: '≤', value: 1.2 }, {
        n,
        medianDelaySeconds: { ours: burst.oursP50, bare: burst.bareP50 },
      }),
    ];
  } finally {
    await api('POST', '/regelverk/aterstall', 'samordnare', { version: current.version, skal: 'Benchmark klar: reglerna som före körningen' });
  }
}
