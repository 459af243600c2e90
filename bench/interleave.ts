// A/B in the same run: each iteration runs ours and the bare baseline in a random order, and
// waits until everything is quiet after each, so that neither's tail lands in the other's time.

/** One measured operation: does its set-up, times only the operation, answers milliseconds. */
export type Operation = (iteration: number) => Promise<number>;

export async function interleaved(iterations: number, ours: Operation, bare: Operation, quiet: () => Promise<unknown>): Promise<{ ours: number[]; bare: number[] }> {
  const result = { ours: [] as number[], bare: [] as number[] };
  for (let i = 0; i < iterations; i++) {
    const oursFirst = Math.random() < 0.5;
    for (const side of oursFirst ? (['ours', 'bare'] as const) : (['bare', 'ours'] as const)) {
      result[side].push(await (side === 'ours' ? ours : bare)(i));
      await quiet();
    }
  }
  return result;
}

/** Milliseconds that `work` takes. */
export async function timed(work: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  await work();
  return performance.now() - t0;
}
