// `npm start`'s script as a child process, as a newcomer runs it: started with the settings
// given, ready once /health answers, stopped with Ctrl-C (SIGINT).
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '../..');
const outputs = new WeakMap<ChildProcess, () => string>();

/** What the process has printed so far, stdout and stderr together. */
export function appOutput(child: ChildProcess): string {
  return outputs.get(child)?.() ?? '';
}

export interface AppProcessOptions {
  /** Mail goes to this SMTP server outside the process (which then starts no mail catcher): it outlives a kill of the app. */
  smtpUrl?: string;
  /** A Temporal cluster outside the process (which then starts no dev server). */
  temporalAddress?: string;
  /** A process group of its own, with the Temporal dev server it starts: for killAppProcessTree. */
  detached?: boolean;
}

/** Starts scripts/start.ts with these settings (a local dev server and, unless `smtpUrl`, a mail catcher; no TEMPORAL_ADDRESS). */
export async function startAppProcess(env: Record<string, string>, healthUrl: string, options: AppProcessOptions = {}): Promise<ChildProcess> {
  const childEnv: NodeJS.ProcessEnv = { ...process.env, ...env };
  delete childEnv.TEMPORAL_ADDRESS;
  delete childEnv.SMTP_URL;
  if (options.smtpUrl) childEnv.SMTP_URL = options.smtpUrl;
  if (options.temporalAddress) childEnv.TEMPORAL_ADDRESS = options.temporalAddress;
  const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/start.ts'], { cwd: root, env: childEnv, stdio: ['ignore', 'pipe', 'pipe'], detached: options.detached ?? false });
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  outputs.set(child, () => output);
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`npm start stopped (exit ${child.exitCode}):\n${output}`);
    const healthy = await fetch(healthUrl).then(
      (r) => r.ok,
      () => false,
    );
    if (healthy) return child;
    if (Date.now() > deadline) {
      if (options.detached) void killAppProcessTree(child);
      else child.kill('SIGKILL');
      throw new Error(`npm start did not answer on /health within 120 s:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

/** Ctrl-C: everything stops; the exit code. */
export async function stopAppProcess(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null) return child.exitCode;
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  child.kill('SIGINT');
  return exited;
}

/** SIGKILL of the whole process tree (started `detached`): the app and its Temporal dev server, with no chance to clean up. */
export function killAppProcessTree(child: ChildProcess): Promise<void> {
  const exited = child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try {
    process.kill(-child.pid!, 'SIGKILL');
  } catch {
    // the group is gone already
  }
  return exited;
}
