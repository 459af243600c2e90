// A/B in the same run: each iteration runs ours and the bare baseline in a random order, and
// waits until everything is quiet after each, so that neither's tail lands in the other's time.

/** One measured operation: does its set-up, times only the operation, answers milliseconds. */
export type Operation = (iteration: number) => Promise<number>;

export async function interleaved(iterations: number, ours: Operation, bare: Operation, quiet: () => Promise<unknown>): Promise<{ ours: number[]; bare: number[] }> {
  return interleavedAll(iterations, { ours, bare }, quiet);
}

/** The same with any number of sides, each iteration in a random order. */
export async function interleavedAll<K extends string>(iterations: number, sides: Record<K, Operation>, quiet: () => Promise<unknown>): Promise<Record<K, number[]>> {
  const names = Object.keys(sides) as K[];
  const result = Object.fromEntries(names.map((name) => [name, [] as number[]])) as Record<K, number[]>;
  for (let i = 0; i < iterations; i++) {
    const order = names.map((name) => ({ name, at: Math.random() })).sort((a, b) => a.at - b.at);
    for (const { name } of order) {
      result[name].push(await sides[name](i));
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
