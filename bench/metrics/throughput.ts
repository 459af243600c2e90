// R4: a closed-loop ramp of case openings (c clients, each opening the next case as soon as
// the last answered), step by step; the figure is the best rate whose p95 stays under 1 s.
// The same ramp of B1 is the baseline; the two sides take turns at each step, in random order.
import type { BenchContext } from '../context';
import { percentile } from '../stats';
import { metric, type MetricResult } from '../report';
import { openCase, startBare } from './latency';

interface Step {
  concurrency: number;
  rate: number;
  p95: number;
  n: number;
  errors: number;
}

async function step(concurrency: number, seconds: number, operation: () => Promise<unknown>): Promise<Step> {
  const latencies: number[] = [];
  let errors = 0;
  const start = performance.now();
  const end = start + seconds * 1000;
  let last = start;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < end) {
        const t0 = performance.now();
        try {
          await operation();
          latencies.push(performance.now() - t0);
        } catch {
          errors += 1;
        }
        last = Math.max(last, performance.now());
      }
    }),
  );
  return { concurrency, rate: latencies.length / ((last - start) / 1000), p95: percentile(latencies, 95), n: latencies.length, errors };
}

const best = (steps: Step[]) => steps.filter((s) => s.p95 < 1000 && s.errors === 0).reduce((a, s) => (s.rate > a ? s.rate : a), 0);

export async function throughputMetric(ctx: BenchContext): Promise<MetricResult> {
  const { r4Concurrency, r4StepSeconds } = ctx.settings;
  const sides = {
    ours: { steps: [] as Step[], over: 0, run: () => openCase(ctx, ctx.ref('R4')) },
    bare: { steps: [] as Step[], over: 0, run: () => startBare(ctx, ctx.ref('bare-r4')) },
  };
  for (const concurrency of r4Concurrency) {
    for (const name of Math.random() < 0.5 ? (['ours', 'bare'] as const) : (['bare', 'ours'] as const)) {
      const side = sides[name];
      // A side is done after two steps in a row over the bound.
      if (side.over >= 2) continue;
      const result = await step(concurrency, r4StepSeconds, side.run);
      side.steps.push(result);
      side.over = result.p95 >= 1000 || result.errors > 0 ? side.over + 1 : 0;
      ctx.log(`  R4 ${name.padEnd(4)} c=${String(concurrency).padStart(2)}: ${result.rate.toFixed(1).padStart(6)}/s, p95 ${result.p95.toFixed(0).padStart(5)} ms${result.errors ? `, ${result.errors} errors` : ''}`);
      await ctx.quiet();
    }
  }
  const ours = best(sides.ours.steps);
  const bare = best(sides.bare.steps);
  return metric('R4', 'sustained POST /cases at p95 < 1 s ÷ the same ramp of B1', 'cases/s', { p50: ours, n: sides.ours.steps.length }, { p50: bare, n: sides.bare.steps.length }, { op: '≥', value: 0.5 }, {
    ours: sides.ours.steps,
    bare: sides.bare.steps,
  });
}
