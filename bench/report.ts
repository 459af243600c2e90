// The bench's output: one table of ours ÷ bare with the bounds, and the whole run as
// JSON under bench/results/<timestamp>.json with the machine it ran on.
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { projectRoot } from '../infra/project-root';
import { summarize, type Summary } from './stats';

/** A side's figure: p50 and p95 of its samples, or a single value (a ramp's best, a slope). */
export type Figure = Partial<Summary> & { p50: number; n: number };

export interface MetricResult {
  id: string;
  what: string;
  unit: 'ms' | 's' | 'cases/s' | 'KiB';
  ours: Figure;
  bare: Figure;
  /** ours ÷ bare, of the medians (of the single values). */
  ratio: number;
  bound: { op: '≤' | '≥'; value: number };
  met: boolean;
  details?: Record<string, unknown>;
  samples?: { ours: number[]; bare: number[] };
}

export function figure(samples: readonly number[]): Figure {
  return summarize(samples);
}

export function metric(id: string, what: string, unit: MetricResult['unit'], ours: Figure | number[], bare: Figure | number[], bound: MetricResult['bound'], details?: Record<string, unknown>): MetricResult {
  const o = Array.isArray(ours) ? figure(ours) : ours;
  const b = Array.isArray(bare) ? figure(bare) : bare;
  const ratio = o.p50 / b.p50;
  return {
    id,
    what,
    unit,
    ours: o,
    bare: b,
    ratio,
    bound,
    // A ratio that is not positive (a slope lost in noise) meets no bound.
    met: ratio > 0 && (bound.op === '≤' ? ratio <= bound.value : ratio >= bound.value),
    ...(details ? { details } : {}),
    ...(Array.isArray(ours) && Array.isArray(bare) ? { samples: { ours: ours.map(round), bare: bare.map(round) } } : {}),
  };
}

const round = (value: number) => Math.round(value * 100) / 100;

function format(value: number | undefined, unit: MetricResult['unit']): string {
  if (value === undefined || !Number.isFinite(value)) return '–';
  if (unit === 'ms') return value < 10 ? value.toFixed(2) : value < 100 ? value.toFixed(1) : value.toFixed(0);
  if (unit === 's') return value.toFixed(2);
  if (unit === 'cases/s') return value.toFixed(1);
  return value.toFixed(0);
}

function cell(f: Figure, unit: MetricResult['unit']): string {
  const main = `${format(f.p50, unit)} ${unit}`;
  return f.p95 === undefined || f.n < 2 ? main : `${main} (${format(f.p95, unit)})`;
}

export function table(results: MetricResult[]): string {
  const rows = results.map((r) => `| ${r.id} | ${r.what} | ${cell(r.ours, r.unit)} | ${cell(r.bare, r.unit)} | ${r.ratio.toFixed(2)}× | ${r.bound.op} ${r.bound.value}× | ${r.met ? 'yes' : 'no'} |`);
  return ['| id | what | ours p50 (p95) | bare p50 (p95) | ratio | bound | met |', '| --- | --- | ---: | ---: | ---: | --- | --- |', ...rows].join('\n');
}

function git(...args: string[]): string | undefined {
  try {
    return execFileSync('git', args, { cwd: projectRoot, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return undefined;
  }
}

export function describeMachine() {
  const cpus = os.cpus();
  return {
    cpuModel: cpus[0]?.model ?? 'unknown',
    cpuCount: cpus.length,
    memoryGiB: round(os.totalmem() / 2 ** 30),
    node: process.version,
    os: `${os.type()} ${os.release()}`,
    gitCommit: git('rev-parse', 'HEAD') ?? 'unknown',
    // Uncommitted changes are measured too: say so.
    gitDirty: (git('status', '--porcelain') ?? '') !== '',
    loadAverageAtStart: os.loadavg().map(round),
  };
}

export const resultsDir = path.join(projectRoot, 'bench', 'results');

/** Writes the run and answers the file's path; the name is the start moment in UTC. */
export function writeResults(startedAt: Date, run: Record<string, unknown>): string {
  mkdirSync(resultsDir, { recursive: true });
  const stamp = startedAt.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  const file = path.join(resultsDir, `${stamp}.json`);
  writeFileSync(file, `${JSON.stringify(run, null, 2)}\n`);
  return file;
}
