// R6: resident memory per open case of the service process (every case stays in the worker's
// sticky cache), next to per idle cached workflow of the bare worker: the slope of VmRSS over
// cases opened in chunks, each point read after the processes are quiet and have settled. (No
// forced GC: the slope over hundreds of cases is what matters, r² says how straight it is.)
import { inParallel } from '../../infra/in-parallel';
import type { BenchContext } from '../context';
import { rssKiB } from '../proc';
import { linearFit } from '../stats';
import { metric, type MetricResult } from '../report';
import { openCase, startBare } from './latency';

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function memoryMetric(ctx: BenchContext): Promise<MetricResult> {
  const { memN, memChunks } = ctx.settings;
  const chunk = Math.ceil(memN / memChunks);
  const sides = {
    ours: { pid: ctx.stack.servicePid, open: () => openCase(ctx, ctx.ref('R6')), n: 0, points: [] as { n: number; rssKiB: number }[] },
    bare: { pid: ctx.stack.barePid, open: () => startBare(ctx, ctx.ref('bare-r6')), n: 0, points: [] as { n: number; rssKiB: number }[] },
  };
  const settle = async () => {
    await ctx.quiet();
    await pause(3000);
    await ctx.quiet();
  };
  // A chunk first, not counted: the first point is then past one-time growth, and past the
  // collection of what the phases before left behind (which shows as RSS falling).
  for (const side of Object.values(sides)) await inParallel(chunk, 4, side.open);
  await settle();
  for (const side of Object.values(sides)) side.points.push({ n: 0, rssKiB: rssKiB(side.pid) });
  for (let k = 1; k <= memChunks; k++) {
    for (const name of Math.random() < 0.5 ? (['ours', 'bare'] as const) : (['bare', 'ours'] as const)) {
      const side = sides[name];
      await inParallel(chunk, 4, side.open);
      side.n += chunk;
      await settle();
      side.points.push({ n: side.n, rssKiB: rssKiB(side.pid) });
    }
    ctx.log(`  R6 ${k}/${memChunks}: service ${(sides.ours.points.at(-1)!.rssKiB / 1024).toFixed(0)} MiB, bare worker ${(sides.bare.points.at(-1)!.rssKiB / 1024).toFixed(0)} MiB`);
  }
  const fit = (points: { n: number; rssKiB: number }[]) =>
    linearFit(
      points.map((p) => p.n),
      points.map((p) => p.rssKiB),
    );
  const ours = fit(sides.ours.points);
  const bare = fit(sides.bare.points);
  return metric('R6', 'RSS per open cached case (service process) ÷ per idle cached workflow (bare worker)', 'KiB', { p50: ours.slope, n: sides.ours.n }, { p50: bare.slope, n: sides.bare.n }, { op: '≤', value: 2 }, {
    ours: { r2: ours.r2, points: sides.ours.points },
    bare: { r2: bare.r2, points: sides.bare.points },
  });
}
