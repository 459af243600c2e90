// What a bench run starts, all on ports of its own: a Temporal dev server, a mail catcher, the
// service as `npm start` runs it (a child process: API and worker in one, on that dev server and
// catcher, with a fresh database), and the bare worker (a child process too). Stops all of it,
// by process id, and drops the database.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import pg from 'pg';
import { settingNames } from '../config/env';
import { freePort } from '../infra/free-port';
import { startMailCatcher, type MailCatcher } from '../infra/mail-catcher';
import { newPayloadKey, parsePayloadKeys, payloadDataConverter } from '../infra/payload-codec';
import { projectRoot } from '../infra/project-root';
import { startTemporalDevServer } from '../infra/temporal-dev-server';
import { apiClient, type Api } from './api-client';
import { childrenOf } from './proc';
import type { Settings } from './settings';

export const bareTaskQueue = 'bench-bare';

export interface Stack {
  api: Api;
  /** Encodes as the service does (its payload key): for the R9 population and reading its histories. */
  serviceClient: Client;
  /** Temporal's default data converter, as a bare application would use it. */
  bareClient: Client;
  catcher: MailCatcher;
  servicePid: number;
  barePid: number;
  devServerPids: number[];
  /** The processes the quiet wait watches: service, bare worker, dev server. */
  watched(): number[];
  /** "PostgreSQL …" or "embedded PGlite". */
  database: string;
  /** The service's database on the PostgreSQL server; absent when it runs its embedded one. */
  databaseUrl?: string;
  dir: string;
  stop(): Promise<void>;
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Every descendant of `pid`. */
function descendants(pid: number): number[] {
  const direct = childrenOf(pid);
  return [...direct, ...direct.flatMap(descendants)];
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
  await exited;
  clearTimeout(timer);
}

/** Starts `node --import tsx <script>` with its output in `log`; resolves once `ready()` holds. */
async function startNode(script: string, env: NodeJS.ProcessEnv, log: string, ready: (output: () => string) => Promise<boolean>, what: string, nodeArgs: string[] = []): Promise<ChildProcess> {
  const out = createWriteStream(log);
  const child = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', script], { cwd: projectRoot, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let head = '';
  const keep = (chunk: Buffer) => {
    out.write(chunk);
    if (head.length < 100_000) head += chunk.toString();
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const deadline = Date.now() + 300_000;
  while (!(await ready(() => head))) {
    if (child.exitCode !== null) throw new Error(`${what} stopped during start-up (exit ${child.exitCode}); see ${log}:\n${head.slice(-2000)}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`${what} not ready within 300 s; see ${log}`);
    }
    await pause(250);
  }
  return child;
}

/** A database of its own on the PostgreSQL server, or undefined: the service's embedded one. */
async function freshDatabase(server: string): Promise<string | undefined> {
  if (server === 'embedded') return undefined;
  const admin = new pg.Client({ connectionString: `${server}/postgres`, connectionTimeoutMillis: 3000 });
  try {
    await admin.connect();
    await admin.end();
  } catch {
    return undefined;
  }
  return `${server}/samverkan_bench_${randomBytes(4).toString('hex')}`;
}

async function dropDatabase(url: string): Promise<void> {
  const name = new URL(url).pathname.slice(1);
  const admin = new pg.Client({ connectionString: url.replace(/\/[^/]+$/, '/postgres'), connectionTimeoutMillis: 3000 });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  } finally {
    await admin.end();
  }
}

export async function startStack(settings: Settings): Promise<Stack> {
  const dir = mkdtempSync(path.join(tmpdir(), 'samverkan-bench-'));
  const stops: (() => Promise<void>)[] = [];
  const stop = async () => {
    for (const step of stops.reverse()) {
      try {
        await step();
      } catch (error) {
        console.error(`[bench] while stopping: ${(error as Error).message}`);
      }
    }
    stops.length = 0;
  };
  try {
    const catcher = await startMailCatcher({ smtpPort: await freePort() });
    stops.push(() => catcher.close());
    const before = new Set(childrenOf(process.pid));
    const devServer = await startTemporalDevServer({ dataDir: path.join(dir, 'temporal'), port: await freePort(), uiPort: await freePort(), namespace: 'default', quiet: true });
    stops.push(() => devServer.stop());
    const devServerPids = childrenOf(process.pid).filter((pid) => !before.has(pid));
    const devServerTree = () => [...devServerPids, ...devServerPids.flatMap(descendants)];

    const databaseUrl = await freshDatabase(settings.databaseServer);
    const payloadKeys = newPayloadKey('bench');
    const secret = randomBytes(32).toString('hex');
    const port = await freePort();
    // Only what the bench sets: no setting of the calling shell reaches the service.
    const inherited = Object.fromEntries(Object.entries(process.env).filter(([name]) => !settingNames.includes(name) && !name.startsWith('TEMPORAL_') && !name.startsWith('OTEL_')));
    const serviceEnv: NodeJS.ProcessEnv = {
      ...inherited,
      PORT: String(port),
      LOG_LEVEL: settings.serviceLogLevel,
      DATA_DIR: path.join(dir, 'service-data'),
      TEMPORAL_ADDRESS: devServer.address,
      TEMPORAL_NAMESPACE: 'default',
      // Unused with TEMPORAL_ADDRESS and SMTP_URL set; never the defaults all the same.
      TEMPORAL_DEV_PORT: String(await freePort()),
      TEMPORAL_UI_PORT: String(await freePort()),
      MAILCATCHER_SMTP_PORT: String(await freePort()),
      MAILCATCHER_HTTP_PORT: String(await freePort()),
      SMTP_URL: catcher.smtpUrl,
      PAYLOAD_KEYS: payloadKeys,
      AUTH_JWT_SECRET: secret,
      ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
    };
    if (databaseUrl) stops.push(() => dropDatabase(databaseUrl));
    const baseUrl = `http://127.0.0.1:${port}`;
    const service = await startNode(
      'scripts/start.ts',
      serviceEnv,
      path.join(dir, 'service.log'),
      async () => {
        try {
          return (await fetch(`${baseUrl}/health/ready`)).status === 200;
        } catch {
          return false;
        }
      },
      'the service',
      settings.serviceNodeArgs,
    );
    stops.push(() => stopChild(service));
    const bare = await startNode(
      'bench/bare-worker.ts',
      { ...inherited, BENCH_TEMPORAL_ADDRESS: devServer.address, BENCH_SMTP_URL: catcher.smtpUrl, BENCH_BARE_TASK_QUEUE: bareTaskQueue },
      path.join(dir, 'bare-worker.log'),
      async (output) => /^ready$/m.test(output()),
      'the bare worker',
    );
    stops.push(() => stopChild(bare));

    const connection = await Connection.connect({ address: devServer.address });
    stops.push(() => connection.close());
    return {
      api: await apiClient(baseUrl, secret),
      serviceClient: new Client({ connection, dataConverter: payloadDataConverter(parsePayloadKeys(payloadKeys)) }),
      bareClient: new Client({ connection }),
      catcher,
      servicePid: service.pid!,
      barePid: bare.pid!,
      devServerPids,
      watched: () => [service.pid!, bare.pid!, ...devServerTree()],
      ...(databaseUrl ? { databaseUrl } : {}),
      database: databaseUrl ? `PostgreSQL ${new URL(databaseUrl).host}${new URL(databaseUrl).pathname} (dropped after the run)` : 'embedded PGlite (no PostgreSQL server reachable)',
      dir,
      async stop() {
        await stop();
        if (!settings.keep) rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await stop();
    const log = path.join(dir, 'service.log');
    let tail = '';
    try {
      tail = readFileSync(log, 'utf8').slice(-1500);
    } catch {
      // no log yet
    }
    if (!settings.keep) rmSync(dir, { recursive: true, force: true });
    throw Object.assign(error as Error, { logTail: tail });
  }
}
