// Runs the real Temporal dev server (`temporal server start-dev`) with its state in a SQLite
// file, the Web UI on its own port and the case search attributes registered. The Web UI can
// decode the encrypted payloads through the API's codec endpoint (api/routes/codec.ts).
import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { Connection } from '@temporalio/client';
// CommonJS: its namespaces are properties of the default export under Node's ESM loader.
import proto from '@temporalio/proto';
import { allSearchAttributes, cliSearchAttributeTypes } from '../domain/search-attributes';
import { temporalCliPath } from './temporal-binaries';

/** How long the local dev server keeps closed cases. */
export const closedCaseRetentionDays = 3650;

export interface DevServer {
  address: string;
  uiUrl: string;
  stop(): Promise<void>;
}

export interface DevServerOptions {
  dataDir: string;
  port: number;
  uiPort: number;
  namespace: string;
  /** Its own output (a banner, warnings) not shown: for a dev server a test or a drill starts. */
  quiet?: boolean;
  /** The remote codec endpoint the Web UI asks to decode payloads (`<PUBLIC_URL>/codec`). */
  codecEndpoint?: string;
}

export async function startTemporalDevServer(options: DevServerOptions): Promise<DevServer> {
  mkdirSync(options.dataDir, { recursive: true });
  const address = `127.0.0.1:${options.port}`;
  const args = [
    'server',
    'start-dev',
    '--db-filename', path.join(options.dataDir, 'temporal.sqlite'),
    '--ip', '127.0.0.1',
    '--port', String(options.port),
    '--ui-port', String(options.uiPort),
    '--namespace', options.namespace,
    '--log-level', 'warn',
    '--ui-disable-news-fetch',
    ...(options.codecEndpoint ? ['--ui-codec-endpoint', options.codecEndpoint] : []),
    ...allSearchAttributes.flatMap((key) => ['--search-attribute', `${key.name}=${cliSearchAttributeTypes[key.type]}`]),
  ];
  const child = spawn(temporalCliPath(), args, { stdio: options.quiet ? 'ignore' : ['ignore', 'inherit', 'inherit'] });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  let running = true;
  void exited.then(() => {
    running = false;
  });

  const deadline = Date.now() + 60_000;
  for (;;) {
    if (!running) throw new Error(`Temporal dev server stopped during start-up (exit code ${await exited})`);
    try {
      const connection = await Connection.connect({ address, connectTimeout: 1000 });
      await connection.workflowService.describeNamespace({ namespace: options.namespace });
      // The dev server keeps closed workflows for a day; a closed case must stay readable, and
      // its reference taken, for as long as the local installation keeps anything.
      await connection.workflowService.updateNamespace({
        namespace: options.namespace,
        config: { workflowExecutionRetentionTtl: proto.google.protobuf.Duration.fromObject({ seconds: closedCaseRetentionDays * 24 * 3600 }) },
      });
      await connection.close();
      break;
    } catch (error) {
      if (Date.now() > deadline) {
        child.kill('SIGKILL');
        throw new Error(`Temporal dev server did not answer on ${address} within 60 s: ${(error as Error).message}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }

  return {
    address,
    uiUrl: `http://localhost:${options.uiPort}`,
    async stop() {
      if (!running) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
