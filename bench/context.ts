// What every metric gets: the running stack, the settings, the quiet wait, unique references.
import { randomBytes } from 'node:crypto';
import { untilQuiet } from './proc';
import type { Settings } from './settings';
import type { Stack } from './stack';

export interface BenchContext {
  stack: Stack;
  settings: Settings;
  /** Waits until the service, bare worker and dev server are idle; false when they never got so. */
  quiet(): Promise<boolean>;
  /** A case reference (or workflow id part) never used before, in this run or another. */
  ref(prefix: string): string;
  log(line: string): void;
}

export function benchContext(stack: Stack, settings: Settings): BenchContext {
  const run = randomBytes(3).toString('hex');
  let next = 0;
  let misses = 0;
  return {
    stack,
    settings,
    async quiet() {
      const got = await untilQuiet(stack.watched);
      if (!got && ++misses % 10 === 1) console.log(`  (not quiet within 5 s; ${misses} time(s) so far: something else keeps the processes busy)`);
      return got;
    },
    ref: (prefix) => `${prefix}-${run}-${++next}`,
    log: (line) => console.log(line),
  };
}
