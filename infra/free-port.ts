// A TCP port on localhost that nothing listens on right now: for servers started by tests and
// benchmarks next to whatever else runs on the machine. Chosen below the kernel's ephemeral range
// (32768–60999 on Linux): a port handed out for `listen(0)` elsewhere (another test's server, the
// Temporal dev server's own internal ports) cannot take it between this check and the bind.
import { createServer } from 'node:net';

const lowest = 20_000;
const highest = 32_000;
/** Ports already given out by this process: nothing may listen on them yet, but they are taken. */
const given = new Set<number>();

function isFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

export async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < 100; attempt++) {
    const port = lowest + Math.floor(Math.random() * (highest - lowest));
    if (given.has(port) || !(await isFree(port))) continue;
    given.add(port);
    return port;
  }
  throw new Error(`no free port between ${lowest} and ${highest}`);
}
