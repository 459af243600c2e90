// Runs `work` for 0..count-1 with at most `parallel` calls in flight: for fan-outs to Temporal
// that should neither run one by one nor all at once.
export async function inParallel(count: number, parallel: number, work: (index: number) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(parallel, count) }, async () => {
      while (next < count) await work(next++);
    }),
  );
}
