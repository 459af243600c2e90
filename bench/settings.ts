// The bench's settings: SCALE and the iteration counts it implies, each overridable by an
// environment variable (docs/benchmark.md lists them). Read once at start.

import { readdirSync } from 'node:fs';
import path from 'node:path';
import { projectRoot } from '../infra/project-root';

function number(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0) throw new Error(`${name}: a number ≥ 0, not "${raw}"`);
  return value;
}

/** The latest recording of a scenario (tests/fixtures/histories/<name>.<day>[-n].json): the workflow code as it runs now. */
function newestRecording(name: string): string {
  const order = (file: string) => {
    const [, day = '', n = '1'] = /\.(\d{4}-\d{2}-\d{2})(?:-(\d+))?\.json$/.exec(file) ?? [];
    return `${day}.${n.padStart(4, '0')}`;
  };
  const files = readdirSync(path.join(projectRoot, 'tests', 'fixtures', 'histories')).filter((f) => f.startsWith(`${name}.`) && f.endsWith('.json') && !f.includes('encrypted'));
  return files.sort((a, b) => order(a).localeCompare(order(b))).at(-1) ?? `${name}.json`;
}

/** In the order they run: memory after latency, when the service's start-up garbage (the workflow bundle) is gone. */
export const phaseNames = ['latency', 'memory', 'replay', 'visibility', 'throughput', 'deadlines'] as const;
export type PhaseName = (typeof phaseNames)[number];

export function loadSettings() {
  const scale = number('SCALE', 1);
  const iter = Math.round(number('BENCH_ITER', 80));
  const phases = (process.env.BENCH_PHASES ?? phaseNames.join(','))
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean);
  for (const phase of phases) if (!(phaseNames as readonly string[]).includes(phase)) throw new Error(`BENCH_PHASES: unknown phase ${phase} (known: ${phaseNames.join(', ')})`);
  return {
    scale,
    /** Iterations of R1 and R3; R1b and R2 take three quarters (each is slower). */
    iter,
    heavyIter: Math.max(1, Math.round(number('BENCH_ITER_HEAVY', iter * 0.75))),
    warmup: Math.round(number('BENCH_WARMUP', 10)),
    /** Open cases (and as many waiting items) behind the R9 lists. */
    openN: Math.round(number('BENCH_OPEN_N', 1000 * scale)),
    visIter: Math.round(number('BENCH_VIS_ITER', 60)),
    /** Cases / idle workflows for the R6 slope; past ~1000 the service's workflow heap nears its limit. */
    memN: Math.round(number('BENCH_MEM_N', Math.min(500 * scale, 1000))),
    memChunks: Math.max(2, Math.round(number('BENCH_MEM_CHUNKS', 5))),
    replayIter: Math.round(number('BENCH_REPLAY_ITER', 60)),
    replayFixture: process.env.BENCH_REPLAY_FIXTURE ?? newestRecording('vuxen-skyddat-boende'),
    lagN: Math.round(number('BENCH_LAG_N', 20)),
    burstN: Math.round(number('BENCH_BURST_N', 200 * scale)),
    r4StepSeconds: number('BENCH_R4_STEP_S', 5),
    r4Concurrency: (process.env.BENCH_R4_CONCURRENCY ?? '1,2,4,8,16,32').split(',').map((c) => Math.max(1, Math.round(Number(c)))),
    phases: phases as PhaseName[],
    /** A PostgreSQL server for the service's fresh database; `embedded`: the service's own PGlite. */
    databaseServer: process.env.BENCH_PG_SERVER ?? 'postgres://postgres@127.0.0.1:5432',
    /** Node.js options for the service process only, e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof` to see where its time goes. */
    serviceNodeArgs: (process.env.BENCH_SERVICE_NODE_ARGS ?? '').split(' ').filter(Boolean),
    serviceLogLevel: process.env.BENCH_LOG_LEVEL ?? 'info',
    /** Keep the temporary folder (dev server data, logs) after the run. */
    keep: process.env.BENCH_KEEP === '1',
  };
}
export type Settings = ReturnType<typeof loadSettings>;
