// What the bench reads of its processes in /proc (Linux): CPU time, resident memory, children,
// and the machine's busy time, so that it can wait until everything is quiet between two
// measurements and say how much of the machine others used meanwhile.
import { readdirSync, readFileSync } from 'node:fs';

/** Clock ticks per second of /proc's CPU times (USER_HZ, 100 on Linux). */
export const TICKS_PER_SECOND = 100;

/** utime + stime of a process, in ticks; 0 once it is gone. */
export function cpuTicks(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces) start at state, field 3.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return 0;
  }
}

/** VmRSS of a process in KiB. */
export function rssKiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const match = /^VmRSS:\s+(\d+) kB/m.exec(status);
  if (!match) throw new Error(`no VmRSS for process ${pid}`);
  return Number(match[1]);
}

/** The processes whose parent is `pid` (the dev server the bench started, its children's children). */
export function childrenOf(pid: number): number[] {
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === pid) found.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return found;
}

/** Busy ticks of the whole machine (all cores), from /proc/stat. */
export function machineBusyTicks(): number {
  const [, ...values] = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/);
  const [user, nice, system, , , irq, softirq, steal] = values.map(Number);
  return user! + nice! + system! + irq! + softirq! + steal!;
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Waits until the watched processes used at most `maxTicks` of CPU in each of two windows of
 * `windowMs` one after the other (the service's tail after an answer, such as the notification
 * mail after a 201, must not land in the next measurement); gives up after `timeoutMs`.
 * Answers whether it got quiet.
 */
export async function untilQuiet(pids: () => number[], options: { windowMs?: number; maxTicks?: number; timeoutMs?: number } = {}): Promise<boolean> {
  const { windowMs = 100, maxTicks = 1, timeoutMs = 5000 } = options;
  const deadline = Date.now() + timeoutMs;
  const total = () => pids().reduce((sum, pid) => sum + cpuTicks(pid), 0);
  let quietWindows = 0;
  let before = total();
  while (Date.now() < deadline) {
    await pause(windowMs);
    const now = total();
    quietWindows = now - before <= maxTicks ? quietWindows + 1 : 0;
    before = now;
    if (quietWindows >= 2) return true;
  }
  return false;
}
