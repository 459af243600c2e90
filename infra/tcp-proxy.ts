// A small TCP proxy for drills and tests: in front of a dependency (PostgreSQL, Temporal), it can
// cut the network (every connection closed, the port refusing new ones), silence it (connections
// accepted, nothing passing either way) and restore it, on the same port.
import { createServer, connect, type Server, type Socket } from 'node:net';

export interface TcpProxy {
  port: number;
  /** Every connection is closed and the port refuses new ones. */
  cut(): Promise<void>;
  /** Connections are accepted, and nothing passes in either direction. */
  silence(): Promise<void>;
  restore(): Promise<void>;
  close(): Promise<void>;
}

export async function startTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  const sockets = new Set<Socket>();
  let silent = false;
  let server: Server;
  const listen = (port: number) =>
    new Promise<number>((resolve, reject) => {
      server = createServer((client) => {
        const upstream = connect(target);
        for (const [socket, other] of [
          [client, upstream],
          [upstream, client],
        ] as const) {
          sockets.add(socket);
          socket.on('error', () => {});
          socket.on('close', () => {
            sockets.delete(socket);
            other.destroy();
          });
          socket.on('data', (data) => {
            if (!silent) other.write(data);
          });
        }
      });
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve((server.address() as { port: number }).port));
    });
  const stop = () =>
    new Promise<void>((resolve) => {
      for (const socket of sockets) socket.destroy();
      if (!server.listening) return resolve();
      server.close(() => resolve());
    });
  const port = await listen(0);
  return {
    port,
    cut: stop,
    async silence() {
      silent = true;
      if (!server.listening) await listen(port);
    },
    async restore() {
      silent = false;
      if (!server.listening) await listen(port);
    },
    close: stop,
  };
}
