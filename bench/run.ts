// `npm run bench`: the service's operations next to bare Temporal, measured in the same run on
// a dev server of its own, A and B interleaved, printed as one table of ratios ours ÷ bare and
// written to bench/results/<timestamp>.json with the machine described. Prints figures and
// asserts nothing. Settings (SCALE, iterations, phases): docs/benchmark.md.
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { DateTime } from 'luxon';
import { benchContext } from './context';
import { deadlineMetrics } from './metrics/deadlines';
import { latencyMetrics } from './metrics/latency';
import { memoryMetric } from './metrics/memory';
import { replayMetric } from './metrics/replay';
import { throughputMetric } from './metrics/throughput';
import { visibilityMetrics } from './metrics/visibility';
import { cpuTicks, machineBusyTicks, TICKS_PER_SECOND } from './proc';
import { describeMachine, table, writeResults, type MetricResult } from './report';
import { loadSettings, phaseNames, type PhaseName } from './settings';
import { startStack, type Stack } from './stack';

// The replay workers' INFO lines (worker started, stopped) would bury the figures.
Runtime.install({ logger: new DefaultLogger('WARN') });
const settings = loadSettings();
const startedAt = new Date();
const machine = describeMachine();
console.log(`samverkan bench: SCALE ${settings.scale}, ${machine.cpuCount} × ${machine.cpuModel}, ${machine.memoryGiB} GiB, node ${machine.node}, commit ${machine.gitCommit.slice(0, 10)}${machine.gitDirty ? ' (with uncommitted changes)' : ''}`);
console.log(`load average at start: ${machine.loadAverageAtStart.join(' ')} (others' work inflates absolute figures; the ratios hold better)`);

// Every open child's case reminds its unit at 20:00 and escalates at midnight, Stockholm time:
// a run across either moment has hundreds of mails in the middle of a phase.
const notes: string[] = [];
const stockholm = DateTime.fromJSDate(startedAt, { zone: 'Europe/Stockholm' });
for (const moment of [stockholm.set({ hour: 20, minute: 0, second: 0, millisecond: 0 }), stockholm.plus({ days: 1 }).startOf('day')]) {
  const minutes = moment.diff(stockholm, 'minutes').minutes;
  if (minutes > 0 && minutes < 30) notes.push(`the run may cross ${moment.toFormat('HH:mm')} Stockholm time, when the open cases' reminders or escalations go out at once`);
}
for (const note of notes) console.log(`note: ${note}`);

const started: { stack?: Stack } = {};
process.on('SIGINT', () => {
  console.log('\nstopping');
  void (started.stack?.stop() ?? Promise.resolve()).finally(() => process.exit(130));
});
const stack = await startStack(settings);
started.stack = stack;
console.log(`stack up in ${((Date.now() - startedAt.getTime()) / 1000).toFixed(0)} s: service pid ${stack.servicePid}, bare worker pid ${stack.barePid}, database ${stack.database}`);
const ctx = benchContext(stack, settings);

const results: MetricResult[] = [];
const phases: { name: PhaseName; seconds: number; cores: Record<string, number>; error?: string }[] = [];
for (const name of phaseNames.filter((phase) => settings.phases.includes(phase))) {
  console.log(`\n${name}`);
  const usage = () => ({
    service: cpuTicks(stack.servicePid),
    bareWorker: cpuTicks(stack.barePid),
    devServer: stack.devServerPids.reduce((sum, pid) => sum + cpuTicks(pid), 0),
    bench: cpuTicks(process.pid),
    machine: machineBusyTicks(),
  });
  const before = usage();
  const t0 = Date.now();
  let error: string | undefined;
  try {
    if (name === 'memory') results.push(await memoryMetric(ctx));
    if (name === 'latency') results.push(...(await latencyMetrics(ctx)));
    if (name === 'replay') results.push(await replayMetric(ctx));
    if (name === 'visibility') results.push(...(await visibilityMetrics(ctx)));
    if (name === 'throughput') results.push(await throughputMetric(ctx));
    if (name === 'deadlines') results.push(...(await deadlineMetrics(ctx, results.find((r) => r.id === 'R4')?.ours.p50)));
  } catch (failure) {
    // One phase failing still leaves the others' figures.
    error = (failure as Error).stack ?? String(failure);
    console.log(`  phase ${name} failed: ${error}`);
  }
  const seconds = (Date.now() - t0) / 1000;
  const after = usage();
  const cores = Object.fromEntries(Object.keys(before).map((key) => [key, (after[key as keyof typeof after] - before[key as keyof typeof before]) / TICKS_PER_SECOND / seconds]));
  cores.others = Math.max(0, cores.machine! - cores.service! - cores.bareWorker! - cores.devServer! - cores.bench!);
  phases.push({ name, seconds, cores: Object.fromEntries(Object.entries(cores).map(([k, v]) => [k, Math.round(v * 100) / 100])), ...(error ? { error } : {}) });
  console.log(`  ${seconds.toFixed(0)} s; cores busy: service ${cores.service!.toFixed(2)}, bare worker ${cores.bareWorker!.toFixed(2)}, dev server ${cores.devServer!.toFixed(2)}, bench ${cores.bench!.toFixed(2)}, others ${cores.others.toFixed(2)}`);
}

await stack.stop();
const wallSeconds = (Date.now() - startedAt.getTime()) / 1000;
console.log(`\n${table(results)}\n`);
const file = writeResults(startedAt, {
  startedAt: startedAt.toISOString(),
  wallSeconds,
  machine: { ...machine, loadAverageAtEnd: (await import('node:os')).loadavg().map((l) => Math.round(l * 100) / 100) },
  database: stack.database,
  settings,
  notes,
  phases,
  results,
});
console.log(`wall time ${Math.floor(wallSeconds / 60)} min ${Math.round(wallSeconds % 60)} s; results in ${file}`);
process.exit(0);
