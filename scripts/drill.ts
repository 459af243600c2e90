/* eslint-disable @typescript-eslint/no-explicit-any -- JSON answers are read as a client sees them */
// `npm run drill [-- --short] [-- --only <name>]`: fault drills on black-box copies of the stack.
// Each drill starts `npm start`'s script as a child process on ports of its own, with a database
// of its own (a new database on the PostgreSQL at DRILL_POSTGRES_URL, or the embedded one when
// that server is not there) and a real SMTP server of its own in this process, outside the app,
// so mail survives the app's death. It injects the fault, and compares the end state with what
// was expected: the cases (GET /cases/:ref) and the e-mails, counted by Message-ID.
// A table at the end; exit 1 if a drill failed. See docs/operations.md, "Fault drills".
import { execFileSync, type ChildProcess } from 'node:child_process';
import { connect } from 'node:net';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { messageIdFor } from '../activities';
import { signLocalToken, type Caller } from '../api/auth';
import { freePort } from '../infra/free-port';
import { startTcpProxy, type TcpProxy } from '../infra/tcp-proxy';
import { startTemporalDevServer, type DevServer } from '../infra/temporal-dev-server';
import { startMailCatcher, type CaughtMail, type MailCatcher, type RecipientRefusal } from '../infra/mail-catcher';
import { appOutput, killAppProcessTree, startAppProcess, stopAppProcess } from '../tests/support/app-process';
import { handoverContent } from '../tests/support/handover-content';

export interface DrillResult {
  drill: string;
  casesExpected: number;
  casesFound: number;
  mailExpected: number;
  mailDelivered: number;
  mailDuplicated: number;
  mailLost: number;
  /** What "recovery" means differs per drill: see `recoveryLabel`. */
  recoveryMs?: number;
  recoveryLabel?: string;
  ok: boolean;
  notes: string[];
}

export interface DrillOptions {
  short?: boolean;
  only?: string;
  /** The PostgreSQL server on which each drill creates a database of its own (default DRILL_POSTGRES_URL or the local one); unreachable: the embedded database. */
  postgresUrl?: string;
  log?: (line: string) => void;
}

type Who = Partial<Caller> & Pick<Caller, 'unit'>;
const flags = { vald: 'nej', barnIHushallet: true, hedersrelaterat: false, skyddadeUppgifter: false };
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
let adminUrl = process.env.DRILL_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/** Every detached app this process started: killed if the drill process itself stops early. */
const running = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of running) {
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch {
      // gone
    }
  }
});

/** A new database on the PostgreSQL server (openDatabase creates it), or none: the embedded one under DATA_DIR. */
/** The server's maintenance database, whichever database the URL names. */
function maintenanceUrl(): string {
  const url = new URL(adminUrl);
  url.pathname = '/postgres';
  return url.toString();
}

async function freshDatabase(name: string): Promise<{ url?: string | undefined; drop(): Promise<void> }> {
  const admin = new pg.Client({ connectionString: maintenanceUrl(), connectionTimeoutMillis: 2_000 });
  try {
    await admin.connect();
    await admin.end();
  } catch {
    return { drop: async () => {} };
  }
  const database = `drill_${name.replace(/\W/g, '_')}_${randomUUID().slice(0, 8)}`;
  const url = new URL(adminUrl);
  url.pathname = `/${database}`;
  return {
    url: url.toString(),
    async drop() {
      const client = new pg.Client({ connectionString: maintenanceUrl() });
      await client.connect();
      try {
        await client.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
      } finally {
        await client.end();
      }
    },
  };
}

/** The drill's SMTP server as the drills read it: every mail it took, across restarts. */
interface DrillMail {
  smtpUrl: string;
  messages(): CaughtMail[];
}

interface Stack {
  mail: DrillMail;
  /** Stops the SMTP server (the port refuses connections), keeping what it took. */
  mailDown(): Promise<void>;
  /** Starts it again on the same port. */
  mailUp(): Promise<void>;
  ports: { api: number; temporal: number; ui: number };
  dataDir: string;
  /** The drill's own database on the PostgreSQL server (none with the embedded one). */
  databaseUrl?: string;
  /** The process ids in the app's process group whose command line contains `match`. */
  processes(match: string): number[];
  start(): Promise<void>;
  /** SIGKILL of `npm start` and everything it started (the Temporal dev server). */
  kill(): Promise<void>;
  healthy(): Promise<boolean>;
  /** The TCP proxy between the app and PostgreSQL (option `databaseProxy`). */
  databaseProxy?: TcpProxy;
  /** The app process has not stopped. */
  alive(): boolean;
  /** Run at close, after the app has stopped and before its data is removed. */
  onClose(step: () => Promise<void>): void;
  api(method: 'GET' | 'POST', url: string, caller: Who, body?: unknown, headers?: Record<string, string>): Promise<{ status: number; body: any }>;
  close(): Promise<void>;
}

async function startStack(name: string, options: { refuseRecipients?: Record<string, RecipientRefusal>; databaseProxy?: boolean } = {}): Promise<Stack> {
  const secret = `drill-${randomUUID()}`;
  const dataDir = mkdtempSync(path.join(tmpdir(), `samverkan-drill-${name}-`));
  const database = await freshDatabase(name);
  let proxy: TcpProxy | undefined;
  if (options.databaseProxy) {
    if (!database.url) throw new Error(`this drill needs a PostgreSQL server (none answers at ${adminUrl}; set DRILL_POSTGRES_URL)`);
    const direct = new URL(database.url);
    proxy = await startTcpProxy({ host: direct.hostname, port: Number(direct.port || 5432) });
    direct.hostname = '127.0.0.1';
    direct.port = String(proxy.port);
    database.url = direct.toString();
  }
  const catcherOptions = options.refuseRecipients ? { refuseRecipients: options.refuseRecipients } : {};
  let catcher: MailCatcher | undefined = await startMailCatcher(catcherOptions);
  const smtpPort = catcher.smtpPort;
  const earlier: CaughtMail[] = [];
  const mail: DrillMail = { smtpUrl: catcher.smtpUrl, messages: () => [...earlier, ...(catcher?.messages() ?? [])] };
  const ports = { api: await freePort(), temporal: await freePort(), ui: await freePort(), smtp: await freePort(), mailHttp: await freePort() };
  const env = {
    PORT: String(ports.api),
    PUBLIC_URL: `http://127.0.0.1:${ports.api}`,
    DATA_DIR: dataDir,
    TEMPORAL_DEV_PORT: String(ports.temporal),
    TEMPORAL_UI_PORT: String(ports.ui),
    MAILCATCHER_SMTP_PORT: String(ports.smtp),
    MAILCATCHER_HTTP_PORT: String(ports.mailHttp),
    DATABASE_URL: database.url ?? '',
    AUTH_JWT_SECRET: secret,
  };
  const base = `http://127.0.0.1:${ports.api}`;
  let app: ChildProcess | undefined;
  const closing: (() => Promise<void>)[] = [];
  if (proxy) closing.push(() => proxy.close());
  return {
    ...(proxy ? { databaseProxy: proxy } : {}),
    ...(database.url && !proxy ? { databaseUrl: database.url } : {}),
    alive: () => app !== undefined && app.exitCode === null && app.signalCode === null,
    async mailDown() {
      if (!catcher) return;
      const closing = catcher;
      // What it accepts while closing counts too.
      await closing.close();
      earlier.push(...closing.messages());
      catcher = undefined;
    },
    async mailUp() {
      catcher ??= await startMailCatcher({ ...catcherOptions, smtpPort });
    },
    onClose: (step) => closing.push(step),
    mail,
    ports,
    dataDir,
    processes(match) {
      if (!app?.pid) return [];
      const listing = execFileSync('ps', ['-o', 'pid=,args=', '-g', String(app.pid)], { encoding: 'utf8' });
      return listing
        .split('\n')
        .map((line) => line.trim())
        .filter((line) => line.includes(match))
        .map((line) => Number(line.split(/\s+/)[0]));
    },
    async start() {
      app = await startAppProcess(env, `${base}/health`, { smtpUrl: mail.smtpUrl, detached: true });
      running.add(app);
    },
    async kill() {
      if (!app) return;
      await killAppProcessTree(app);
      running.delete(app);
      app = undefined;
    },
    healthy: () =>
      fetch(`${base}/health`, { signal: AbortSignal.timeout(2_000) }).then(
        (r) => r.ok,
        () => false,
      ),
    async api(method, url, caller, body, headers = {}) {
      const token = await signLocalToken({ sub: `${caller.unit}-drill`, role: 'handlaggare', ...caller }, secret);
      const send = () =>
        fetch(`${base}${url}`, {
          method,
          headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}), ...headers },
          ...(body ? { body: JSON.stringify(body) } : {}),
          signal: AbortSignal.timeout(30_000),
        });
      let response = await send();
      // Rate limited (429): wait as the answer says, as a client would, a few times.
      for (let attempt = 0; response.status === 429 && attempt < 10; attempt++) {
        await sleep(Math.min(10, Number(response.headers.get('retry-after')) || 1) * 1_000);
        response = await send();
      }
      return { status: response.status, body: (await response.json().catch(() => ({}))) as any };
    },
    async close() {
      if (app) {
        const child = app;
        const stopped = stopAppProcess(child);
        const timeout = sleep(30_000).then(() => killAppProcessTree(child));
        await Promise.race([stopped, timeout]);
        running.delete(child);
        if (child.exitCode !== 0 && child.exitCode !== null) console.error(appOutput(child).slice(-2_000));
      }
      for (const step of closing) await step().catch(() => {});
      await catcher?.close();
      await database.drop().catch(() => {});
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Delivered, duplicated (same Message-ID again) and lost (never seen) among the expected Message-IDs. */
function countMail(mails: CaughtMail[], expected: string[]): { delivered: number; duplicated: number; lost: number; duplicates: string[] } {
  const seen = new Map<string, number>();
  for (const m of mails) seen.set(m.messageId, (seen.get(m.messageId) ?? 0) + 1);
  let delivered = 0;
  let duplicated = 0;
  let lost = 0;
  for (const id of expected) {
    const n = seen.get(id) ?? 0;
    if (n === 0) lost++;
    else delivered++;
    duplicated += Math.max(0, n - 1);
  }
  const duplicates = [...new Set(mails.filter((m) => (seen.get(m.messageId) ?? 0) > 1).map((m) => m.headers['x-samverkan-key'] ?? m.messageId))];
  return { delivered, duplicated, lost, duplicates };
}

/** Something accepts TCP connections on this port of localhost. */
function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** Waits until `done` is true or `timeoutMs` has passed. */
async function until(done: () => boolean | Promise<boolean>, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await done()) return true;
    await sleep(250);
  }
  return done();
}

/** Notifications claimed before SMTP and not confirmed (notification_claim), on the drill's own database. */
async function claimsLeft(stack: Stack): Promise<number | undefined> {
  if (!stack.databaseUrl) return undefined;
  const client = new pg.Client({ connectionString: stack.databaseUrl, connectionTimeoutMillis: 2_000 });
  try {
    await client.connect();
    const result = await client.query<{ n: string }>('SELECT count(*) AS n FROM notification_claim');
    return Number(result.rows[0]!.n);
  } catch {
    return undefined;
  } finally {
    await client.end().catch(() => {});
  }
}

/** Opens the cases again that the client saw fail, as a client would, with the same refs (idempotent by ref). */
async function retryOpenings(open: (ref: string) => Promise<{ status: number }>, failed: string[], notes: string[]): Promise<void> {
  for (const ref of failed) {
    let status = 0;
    for (let attempt = 0; attempt < 20 && status !== 201 && status !== 200; attempt++) {
      status = (await open(ref).catch(() => ({ status: 0 }))).status;
      if (status !== 201 && status !== 200) await sleep(500);
    }
    if (status !== 201 && status !== 200) notes.push(`${ref}: retry answered ${status}`);
  }
}

/** The cases that are there, each opened once (GET /cases/:ref); the others are noted. */
async function countCases(stack: Stack, refs: string[], who: Who, notes: string[]): Promise<number> {
  let found = 0;
  for (const ref of refs) {
    const view = await stack.api('GET', `/cases/${ref}`, who).catch(() => undefined);
    const openings = (view?.body.events ?? []).filter((e: { type: string }) => e.type === 'oppnat').length;
    if (view?.status === 200 && openings === 1) found++;
    else notes.push(`${ref}: GET ${view?.status ?? '–'}, ${openings} openings`);
  }
  return found;
}

/** The samordnare's rules for a drill: a handover is due `seconds` after it is sent, escalated at once to the unit and its enhetschef, no digest. */
async function shortHandoverRules(stack: Stack, seconds: number, reason: string): Promise<void> {
  const samordnare: Who = { unit: 'ifo', role: 'samordnare' };
  const current = await stack.api('GET', '/regelverk', samordnare);
  const { version: _version, ...rules } = current.body.rules;
  rules.handovers.acknowledge = {
    duration: `PT${seconds}S`,
    counting: 'kalenderdagar',
    escalation: [
      { to: 'enhet', after: 'PT0S' },
      { to: 'enhetschef', after: 'PT0S' },
    ],
  };
  rules.escalationDigest = false;
  const applied = await stack.api('POST', '/regelverk', samordnare, { organisation: current.body.organisation, rules, skal: reason });
  if (applied.status !== 201) throw new Error(`rules refused: ${applied.status} ${JSON.stringify(applied.body)}`);
}

// ---------------------------------------------------------------------------------------------

/** 1. The whole `npm start` tree SIGKILLed in the middle of N concurrent case openings, restarted on the same data. */
async function appKilled(short: boolean, log: (line: string) => void): Promise<DrillResult> {
  const n = short ? 16 : 200;
  const concurrency = 8;
  const killAfter = Math.floor(n / 3);
  const stack = await startStack('app-killed');
  const notes: string[] = [];
  try {
    await stack.start();
    const run = randomUUID().slice(0, 6);
    const refs = Array.from({ length: n }, (_, i) => `DR-${run}-${i}`);
    const mottagning: Who = { unit: 'mottagning' };
    const open = (ref: string) => stack.api('POST', '/cases', mottagning, { caseRef: ref, kind: 'barn', flags });
    const failed: string[] = [];
    let answered = 0;
    let killedAt = 0;
    let killing: Promise<void> | undefined;
    const queue = [...refs];
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        for (let ref = queue.shift(); ref !== undefined; ref = queue.shift()) {
          const answer = await open(ref).catch(() => undefined);
          if (answer?.status === 201 || answer?.status === 200) answered++;
          else failed.push(ref);
          if (answered >= killAfter && !killing) {
            killedAt = Date.now();
            log(`app-killed: SIGKILL of the whole process tree after ${answered} of ${n} openings`);
            killing = stack.kill();
          }
        }
      }),
    );
    await killing;
    // The notifications claimed and never confirmed: the mails in flight at the kill, which may go out twice.
    const inFlight = await claimsLeft(stack);
    // Nothing of the killed tree survives: neither the API nor the Temporal dev server listens.
    for (const [what, port] of [['the API', stack.ports.api], ['the Temporal dev server', stack.ports.temporal]] as const) {
      if (await listening(port)) notes.push(`${what} still listens on ${port} after the SIGKILL`);
    }
    log(`app-killed: ${failed.length} openings failed for the client; restarting on the same DATA_DIR and database`);
    await stack.start();
    const recoveryMs = Date.now() - killedAt;
    // The client retries what it saw fail, with the same refs (opening a case is idempotent by its ref).
    for (const ref of failed) {
      let answer: { status: number } | undefined;
      for (let attempt = 0; attempt < 10 && answer?.status !== 201 && answer?.status !== 200; attempt++) {
        answer = await open(ref).catch(() => undefined);
        if (answer?.status !== 201 && answer?.status !== 200) await sleep(500);
      }
      if (answer?.status !== 201 && answer?.status !== 200) notes.push(`${ref}: retry answered ${answer?.status ?? 'nothing'}`);
    }
    let found = 0;
    for (const ref of refs) {
      const view = await stack.api('GET', `/cases/${ref}`, mottagning).catch(() => undefined);
      const openings = (view?.body.events ?? []).filter((e: { type: string }) => e.type === 'oppnat').length;
      if (view?.status === 200 && openings === 1) found++;
      else notes.push(`${ref}: GET ${view?.status ?? '–'}, ${openings} openings`);
    }
    const expected = refs.map((ref) => messageIdFor(`arende-${ref}/d1.r0.ny_uppgift0`));
    const ids = () => new Set(stack.mail.messages().map((m) => m.messageId));
    // A mail in flight at the kill is retried once its attempt times out (30 s) and its claim has lapsed.
    await until(() => expected.every((id) => ids().has(id)), short ? 90_000 : 120_000);
    await sleep(2_000); // a late duplicate, if any, has time to arrive
    const mail = countMail(stack.mail.messages(), expected);
    // At-least-once: only a mail in flight at the kill may go out twice; at most one per concurrent opening.
    const ok = found === n && mail.lost === 0 && mail.duplicated <= concurrency && notes.length === 0;
    if (inFlight !== undefined) notes.push(`${inFlight} notification(s) in flight at the kill (claimed before SMTP, not confirmed)`);
    if (mail.duplicated > 0) notes.push(`${mail.duplicated} duplicate(s), allowed up to ${concurrency} (in flight at the kill)`);
    return { drill: 'app-killed', casesExpected: n, casesFound: found, mailExpected: n, mailDelivered: mail.delivered, mailDuplicated: mail.duplicated, mailLost: mail.lost, recoveryMs, recoveryLabel: 'kill → healthy', ok, notes };
  } finally {
    await stack.close();
  }
}

/** 2. A handover posted 10 times and `besluta_insats` 5 times, each with one Idempotency-Key, all at once. */
async function duplicateRequests(_short: boolean, log: (line: string) => void): Promise<DrillResult> {
  const stack = await startStack('duplicates');
  const notes: string[] = [];
  try {
    await stack.start();
    const ref = `DD-${randomUUID().slice(0, 8)}`;
    const mottagning: Who = { unit: 'mottagning' };
    const bou: Who = { unit: 'bou' };
    const must = async (what: string, answer: Promise<{ status: number; body: any }>) => {
      const { status, body } = await answer;
      if (status >= 300) throw new Error(`${what}: ${status} ${JSON.stringify(body)}`);
      return body;
    };
    await must('open', stack.api('POST', '/cases', mottagning, { caseRef: ref, kind: 'barn', flags }));
    /** Sends the same request `times` times at once with one key; a "pågår" (409 PAGAR) is retried as a client would. */
    const repeated = async (times: number, url: string, caller: Who, body: unknown) => {
      const key = randomUUID();
      const once = async () => {
        for (let attempt = 0; attempt < 20; attempt++) {
          const answer = await stack.api('POST', url, caller, body, { 'idempotency-key': key });
          if (answer.status !== 409 || answer.body.error?.code !== 'PAGAR') return answer;
          await sleep(250);
        }
        return { status: 0, body: {} };
      };
      const answers = await Promise.all(Array.from({ length: times }, once));
      const statuses = [...new Set(answers.map((a) => a.status))];
      if (statuses.length !== 1 || statuses[0]! >= 300) notes.push(`${url}: answers ${answers.map((a) => a.status).join(',')}: ${JSON.stringify(answers[0]!.body).slice(0, 300)}`);
      else if (new Set(answers.map((a) => JSON.stringify(a.body))).size !== 1) notes.push(`${url}: ${times} answers not all the same`);
    };
    log('duplicates: a handover posted 10 times with one Idempotency-Key');
    await repeated(10, `/cases/${ref}/overlamningar`, mottagning, { till: 'rvt', innehall: handoverContent({ vald: 'nej' }) });
    await must('skyddsbedomning', stack.api('POST', `/cases/${ref}/actions`, mottagning, { type: 'skyddsbedomning', skyddsbehov: 'ej_akut' }));
    await must('forhandsbedomning', stack.api('POST', `/cases/${ref}/actions`, mottagning, { type: 'forhandsbedomning', beslut: 'inled_utredning' }));
    await must('avsluta_utredning', stack.api('POST', `/cases/${ref}/actions`, bou, { type: 'avsluta_utredning', beslut: 'insatser' }));
    log('duplicates: besluta_insats 5 times with one Idempotency-Key');
    await repeated(5, `/cases/${ref}/actions`, bou, { type: 'besluta_insats', insats: 'trappan', utforare: 'resursenhet' });
    const view = await must('read', stack.api('GET', `/cases/${ref}`, bou));
    const handovers = (view.handovers ?? []).length;
    const insatser = (view.insatser ?? []).length;
    if (handovers !== 1) notes.push(`${handovers} handovers`);
    if (insatser !== 1) notes.push(`${insatser} insatser`);
    // The mails: the handover's "ny uppgift" to rvt, and the insats' follow-up task to bou, once each.
    const handoverId = `arende-${ref}:overlamning-o1`;
    const expected = [messageIdFor(`${handoverId}/d1.r0.ny_uppgift0`)];
    await until(() => stack.mail.messages().some((m) => m.messageId === expected[0]), 30_000);
    await sleep(2_000);
    const ofHandovers = stack.mail.messages().filter((m) => (m.headers['x-samverkan-key'] ?? '').startsWith(`arende-${ref}:overlamning-`));
    const mail = countMail(ofHandovers, expected);
    const strays = ofHandovers.filter((m) => !expected.includes(m.messageId)).length;
    if (strays > 0) notes.push(`${strays} e-mail(s) of other handovers`);
    const ok = handovers === 1 && insatser === 1 && mail.lost === 0 && mail.duplicated === 0 && notes.length === 0;
    return { drill: 'duplicates', casesExpected: 1, casesFound: 1, mailExpected: expected.length, mailDelivered: mail.delivered, mailDuplicated: mail.duplicated + strays, mailLost: mail.lost, ok, notes: [`${handovers} handover(s), ${insatser} insats(er)`, ...notes] };
  } finally {
    await stack.close();
  }
}

/** 3. The rvt's mailbox answers 550 for good; its enhetschef's escalation still arrives at the deadline. */
async function smtp550(_short: boolean, log: (line: string) => void): Promise<DrillResult> {
  const unitMailbox = 'rvt@exempel.se';
  const chefMailbox = 'chef.rvt@exempel.se';
  const stack = await startStack('smtp-550', { refuseRecipients: { [unitMailbox]: { code: 550 } } });
  const notes: string[] = [];
  try {
    await stack.start();
    await shortHandoverRules(stack, 10, 'Korta frister för övningen med studsande e-post');
    const ref = `DS-${randomUUID().slice(0, 8)}`;
    const mottagning: Who = { unit: 'mottagning' };
    const opened = await stack.api('POST', '/cases', mottagning, { caseRef: ref, kind: 'barn', flags });
    if (opened.status !== 201) throw new Error(`open: ${opened.status}`);
    const sentAt = Date.now();
    const sent = await stack.api('POST', `/cases/${ref}/overlamningar`, mottagning, { till: 'rvt', innehall: handoverContent({ vald: 'nej' }) });
    if (sent.status !== 201) throw new Error(`handover: ${sent.status} ${JSON.stringify(sent.body)}`);
    // The due moment is at the latest 10 s after the answer; measured from the request, so the delay is not understated.
    const dueAt = sentAt + 10_000;
    log(`smtp-550: handover to rvt sent, due ${new Date(dueAt).toISOString()}; ${unitMailbox} answers 550`);
    const prefix = `arende-${ref}:overlamning-`;
    const chefMail = () => stack.mail.messages().find((m) => m.to.includes(chefMailbox) && (m.headers['x-samverkan-key'] ?? '').startsWith(prefix));
    await until(() => chefMail() !== undefined, 60_000);
    const arrived = chefMail();
    const delayMs = arrived ? Date.parse(arrived.receivedAt) - dueAt : undefined;
    // The unit's mails are recorded as failed, for the sektorchef to see.
    const sektorchef: Who = { unit: 'ifo', role: 'sektorchef' };
    let failures: { key: string; recipient: string; code: number }[] = [];
    await until(async () => {
      const list = await stack.api('GET', '/utskick/misslyckade', sektorchef);
      failures = ((list.body.failures ?? []) as typeof failures).filter((f) => f.key.startsWith(prefix));
      return failures.some((f) => f.key.includes('eskalering') && f.recipient === unitMailbox && f.code === 550);
    }, 30_000);
    const escalationFailed = failures.some((f) => f.key.includes('eskalering') && f.recipient === unitMailbox && f.code === 550);
    if (!escalationFailed) notes.push(`the unit's escalation is not listed as failed (${failures.length} failures listed)`);
    else notes.push(`${failures.length} failure(s) listed for the handover (${failures.map((f) => f.key.slice(prefix.length)).join(', ')})`);
    await sleep(2_000);
    const expected = arrived ? [arrived.messageId] : ['(enhetschef escalation)'];
    const mail = countMail(
      stack.mail.messages().filter((m) => m.to.includes(chefMailbox)),
      expected,
    );
    const delayOk = delayMs !== undefined && delayMs < 30_000;
    if (delayMs !== undefined && !delayOk) notes.push(`the enhetschef's escalation came ${Math.round(delayMs / 1000)} s after the due moment`);
    const ok = arrived !== undefined && delayOk && escalationFailed && mail.duplicated === 0;
    return {
      drill: 'smtp-550',
      casesExpected: 1,
      casesFound: (await stack.api('GET', `/cases/${ref}`, mottagning)).status === 200 ? 1 : 0,
      mailExpected: 1,
      mailDelivered: mail.delivered,
      mailDuplicated: mail.duplicated,
      mailLost: mail.lost,
      ...(delayMs !== undefined ? { recoveryMs: delayMs } : {}),
      recoveryLabel: 'chef mail after due',
      ok,
      notes,
    };
  } finally {
    await stack.close();
  }
}

/** 4. The Temporal dev server SIGKILLed under the running app, down a few seconds, restarted on its own state. */
async function temporalKilled(short: boolean, log: (line: string) => void): Promise<DrillResult> {
  const before = short ? 4 : 20;
  const during = short ? 4 : 20;
  const outageMs = short ? 3_000 : 10_000;
  const stack = await startStack('temporal-killed');
  const notes: string[] = [];
  let devServer: DevServer | undefined;
  try {
    await stack.start();
    const run = randomUUID().slice(0, 6);
    const mottagning: Who = { unit: 'mottagning' };
    const open = (ref: string) => stack.api('POST', '/cases', mottagning, { caseRef: ref, kind: 'barn', flags }).catch(() => ({ status: 0, body: {} }));
    const refs = Array.from({ length: before + during }, (_, i) => `DT-${run}-${i}`);
    for (const ref of refs.slice(0, before)) if ((await open(ref)).status !== 201) notes.push(`${ref}: not opened before the fault`);

    const temporal = stack.processes('start-dev');
    if (temporal.length === 0) throw new Error('no Temporal dev server process found in the app’s process group');
    const killedAt = Date.now();
    for (const pid of temporal) process.kill(pid, 'SIGKILL');
    await until(async () => !(await listening(stack.ports.temporal)), 5_000);
    log(`temporal-killed: SIGKILL of the Temporal dev server (pid ${temporal.join(', ')}); down for ${outageMs / 1000} s`);

    // While it is down: /health answers within 2 s and says not ok; openings fail fast, as the client sees them.
    const asked = Date.now();
    const health = await fetch(`http://127.0.0.1:${stack.ports.api}/health`, { signal: AbortSignal.timeout(5_000) }).then(
      (r) => r.status,
      () => 0,
    );
    const healthMs = Date.now() - asked;
    notes.push(`GET /health while down: ${health || 'no answer'} in ${healthMs} ms`);
    const failed: string[] = [];
    const statuses: number[] = [];
    const slowest = { ms: 0 };
    const openings = Promise.all(
      refs.slice(before).map(async (ref) => {
        const t = Date.now();
        const answer = await open(ref);
        slowest.ms = Math.max(slowest.ms, Date.now() - t);
        statuses.push(answer.status);
        if (answer.status !== 201) failed.push(ref);
      }),
    );
    await sleep(Math.max(0, outageMs - (Date.now() - killedAt)));
    const restartedAt = Date.now();
    devServer = await startTemporalDevServer({ dataDir: stack.dataDir, port: stack.ports.temporal, uiPort: stack.ports.ui, namespace: 'default', quiet: true });
    stack.onClose(() => devServer!.stop());
    log('temporal-killed: dev server restarted on the same state');
    await openings;
    notes.push(`${failed.length} of ${during} openings failed during the outage (answers ${[...new Set(statuses)].join(', ')}; slowest ${slowest.ms} ms)`);
    const back = await until(() => stack.healthy(), 60_000);
    const recoveryMs = Date.now() - killedAt;
    notes.push(`restart → healthy ${((Date.now() - restartedAt) / 1000).toFixed(1)} s`);
    if (!back) notes.push('/health did not say ok again within 60 s of the restart');
    await retryOpenings(open, failed, notes);
    const found = await countCases(stack, refs, mottagning, notes);
    const expected = refs.map((ref) => messageIdFor(`arende-${ref}/d1.r0.ny_uppgift0`));
    const ids = () => new Set(stack.mail.messages().map((m) => m.messageId));
    await until(() => expected.every((id) => ids().has(id)), 60_000);
    await sleep(2_000);
    const mail = countMail(stack.mail.messages(), expected);
    const ok = back && health !== 200 && health !== 0 && healthMs <= 2_500 && found === refs.length && mail.lost === 0 && mail.duplicated === 0;
    return { drill: 'temporal-killed', casesExpected: refs.length, casesFound: found, mailExpected: expected.length, mailDelivered: mail.delivered, mailDuplicated: mail.duplicated, mailLost: mail.lost, recoveryMs, recoveryLabel: 'kill → healthy', ok, notes };
  } finally {
    await stack.close();
  }
}

/**
 * 5. PostgreSQL at a TCP proxy for a while, then restored: `cut` (every connection closed, new
 * ones refused) or `silent` (connections accepted, nothing passing either way, as when packets
 * are dropped).
 */
async function postgresFault(mode: 'cut' | 'silent', short: boolean, log: (line: string) => void): Promise<DrillResult> {
  const name = `postgres-${mode}`;
  const before = short ? 4 : 20;
  const during = short ? 4 : 20;
  const outageMs = short ? 4_000 : 30_000;
  const stack = await startStack(name, { databaseProxy: true });
  const notes: string[] = [];
  try {
    await stack.start();
    const proxy = stack.databaseProxy!;
    const run = randomUUID().slice(0, 6);
    const mottagning: Who = { unit: 'mottagning' };
    const open = (ref: string) => stack.api('POST', '/cases', mottagning, { caseRef: ref, kind: 'barn', flags }).catch(() => ({ status: 0, body: {} }));
    const refs = Array.from({ length: before + during }, (_, i) => `DP-${run}-${i}`);
    for (const ref of refs.slice(0, before)) if ((await open(ref)).status !== 201) notes.push(`${ref}: not opened before the fault`);
    // Their mail delivered first: nothing is in flight at the cut, so nothing may go out twice.
    const firstMail = refs.slice(0, before).map((ref) => messageIdFor(`arende-${ref}/d1.r0.ny_uppgift0`));
    await until(() => firstMail.every((id) => stack.mail.messages().some((m) => m.messageId === id)), 30_000);
    await sleep(1_000);
    // The pool holds idle connections now: the cut breaks them under it.
    const cutAt = Date.now();
    await (mode === 'cut' ? proxy.cut() : proxy.silence());
    log(`${name}: PostgreSQL ${mode === 'cut' ? 'cut' : 'silenced'} at the proxy for ${outageMs / 1000} s`);
    const asked = Date.now();
    const health = await fetch(`http://127.0.0.1:${stack.ports.api}/health`, { signal: AbortSignal.timeout(5_000) }).then(
      async (r) => `${r.status} ${JSON.stringify(((await r.json()) as { fel?: string[] }).fel ?? [])}`,
      () => 'no answer',
    );
    const healthMs = Date.now() - asked;
    notes.push(`GET /health while ${mode}: ${health} in ${healthMs} ms`);
    const failed: string[] = [];
    const statuses = new Set<number>();
    let slowest = 0;
    await Promise.all(
      refs.slice(before).map(async (ref) => {
        const t = Date.now();
        const answer = await open(ref);
        slowest = Math.max(slowest, Date.now() - t);
        statuses.add(answer.status);
        if (answer.status !== 201) failed.push(ref);
      }),
    );
    notes.push(`${failed.length} of ${during} openings failed while ${mode} (answers ${[...statuses].join(', ')}; slowest ${slowest} ms)`);
    await sleep(Math.max(0, outageMs - (Date.now() - cutAt)));
    const survived = stack.alive();
    if (!survived) notes.push(`the app process stopped while ${mode}`);
    // A silenced connection stays open through the proxy: a restored network breaks it, as here.
    if (mode === 'silent') await proxy.cut();
    await proxy.restore();
    const restoredAt = Date.now();
    const back = await until(() => stack.healthy(), 30_000);
    const recoveryMs = Date.now() - restoredAt;
    if (!back) notes.push('/health did not say ok within 30 s of the restore');
    await retryOpenings(open, failed, notes);
    const found = await countCases(stack, refs, mottagning, notes);
    const expected = refs.map((ref) => messageIdFor(`arende-${ref}/d1.r0.ny_uppgift0`));
    const ids = () => new Set(stack.mail.messages().map((m) => m.messageId));
    await until(() => expected.every((id) => ids().has(id)), 90_000);
    await sleep(2_000);
    const mail = countMail(stack.mail.messages(), expected);
    if (mail.duplicated > 0) notes.push(`sent twice: ${mail.duplicates.join(', ')}`);
    const ok = survived && back && health.startsWith('503') && healthMs <= 2_500 && slowest <= 10_000 && found === refs.length && mail.lost === 0 && mail.duplicated === 0;
    return { drill: name, casesExpected: refs.length, casesFound: found, mailExpected: expected.length, mailDelivered: mail.delivered, mailDuplicated: mail.duplicated, mailLost: mail.lost, recoveryMs, recoveryLabel: 'restore → healthy', ok, notes };
  } finally {
    await stack.close();
  }
}

/**
 * 6. The whole `npm start` tree SIGKILLed while handover deadlines are pending; they fall due
 * while it is down; restarted on the same data: every escalation once, none lost.
 */
async function deadlinesKilled(short: boolean, log: (line: string) => void): Promise<DrillResult> {
  const n = short ? 3 : 20;
  const dueSeconds = 20;
  const stack = await startStack('deadlines-killed');
  const notes: string[] = [];
  try {
    await stack.start();
    await shortHandoverRules(stack, dueSeconds, 'Korta frister för övningen med nedstängd stack');
    const run = randomUUID().slice(0, 6);
    const refs = Array.from({ length: n }, (_, i) => `DK-${run}-${i}`);
    const mottagning: Who = { unit: 'mottagning' };
    let sentAt = 0;
    for (const ref of refs) {
      const opened = await stack.api('POST', '/cases', mottagning, { caseRef: ref, kind: 'barn', flags });
      if (opened.status !== 201) throw new Error(`open ${ref}: ${opened.status}`);
      const handover = await stack.api('POST', `/cases/${ref}/overlamningar`, mottagning, { till: 'rvt', innehall: handoverContent({ vald: 'nej' }) });
      if (handover.status !== 201) throw new Error(`handover ${ref}: ${handover.status} ${JSON.stringify(handover.body)}`);
      sentAt ||= Date.now();
    }
    const keysOf = (ref: string) => [`arende-${ref}/d1.r0.ny_uppgift0`, ...['ny_uppgift0', 'eskalering0', 'eskalering1'].map((k) => `arende-${ref}:overlamning-o1/d1.r0.${k}`)];
    const expected = refs.flatMap(keysOf).map(messageIdFor);
    const announced = refs.flatMap((ref) => keysOf(ref).slice(0, 2)).map(messageIdFor);
    const ids = () => new Set(stack.mail.messages().map((m) => m.messageId));
    // The new tasks' mail first: only the deadlines are pending at the kill.
    await until(() => announced.every((id) => ids().has(id)), 30_000);
    if (Date.now() >= sentAt + dueSeconds * 1_000) notes.push('the first deadline fell due before the kill');
    const killedAt = Date.now();
    await stack.kill();
    const inFlight = await claimsLeft(stack);
    if (inFlight) notes.push(`${inFlight} notification(s) in flight at the kill`);
    log(`deadlines-killed: SIGKILL of the whole tree with ${n} handover deadlines pending; down until past them`);
    await sleep(Math.max(0, sentAt + dueSeconds * 1_000 + 5_000 - Date.now()));
    const restartedAt = Date.now();
    await stack.start();
    const escalations = expected.filter((id) => !announced.includes(id));
    await until(() => escalations.every((id) => ids().has(id)), short ? 60_000 : 120_000);
    const arrivals = stack.mail.messages().filter((m) => escalations.includes(m.messageId)).map((m) => Date.parse(m.receivedAt));
    await sleep(2_000);
    const mail = countMail(stack.mail.messages(), expected);
    if (mail.duplicated > 0) notes.push(`sent twice: ${mail.duplicates.join(', ')}`);
    notes.push(`killed ${((killedAt - sentAt) / 1000).toFixed(1)} s after the first handover (due after ${dueSeconds} s), restarted ${((restartedAt - killedAt) / 1000).toFixed(1)} s later`);
    const found = await countCases(stack, refs, mottagning, notes);
    const ok = found === n && mail.lost === 0 && mail.duplicated === 0;
    const recoveryMs = arrivals.length ? Math.max(...arrivals) - restartedAt : undefined;
    return { drill: 'deadlines-killed', casesExpected: n, casesFound: found, mailExpected: expected.length, mailDelivered: mail.delivered, mailDuplicated: mail.duplicated, mailLost: mail.lost, ...(recoveryMs !== undefined ? { recoveryMs } : {}), recoveryLabel: 'restart → last escalation', ok, notes };
  } finally {
    await stack.close();
  }
}

/**
 * 7. The mail server down (the port refusing), then answering 451 to every recipient, then well
 * again, while cases are opened all along: work never blocked, every mail delivered once after.
 */
async function smtpDown(short: boolean, log: (line: string) => void): Promise<DrillResult> {
  const phaseMs = short ? 4_000 : 20_000;
  const perPhase = short ? 3 : 10;
  const refusals: Record<string, RecipientRefusal> = {};
  const stack = await startStack('smtp-down', { refuseRecipients: refusals });
  const notes: string[] = [];
  try {
    await stack.start();
    const run = randomUUID().slice(0, 6);
    const mottagning: Who = { unit: 'mottagning' };
    const refs: string[] = [];
    const blocked: string[] = [];
    let slowest = 0;
    const openSome = async (phase: string) => {
      for (let i = 0; i < perPhase; i++) {
        const ref = `DM-${run}-${phase}-${i}`;
        refs.push(ref);
        const t = Date.now();
        const answer = await stack.api('POST', '/cases', mottagning, { caseRef: ref, kind: 'barn', flags }).catch(() => ({ status: 0 }));
        slowest = Math.max(slowest, Date.now() - t);
        if (answer.status !== 201) blocked.push(`${ref}: ${answer.status}`);
      }
    };
    await openSome('fore');
    const base = `http://127.0.0.1:${stack.ports.api}`;
    const status = (url: string) =>
      fetch(`${base}${url}`, { signal: AbortSignal.timeout(5_000) }).then(
        async (r) => ({ status: r.status, fel: (((await r.json()) as { fel?: string[] }).fel ?? []).join(',') }),
        () => ({ status: 0, fel: '' }),
      );

    let phaseStart = Date.now();
    await stack.mailDown();
    log(`smtp-down: the mail server down for ${phaseMs / 1000} s`);
    await openSome('nere');
    // The mail server's state is kept 5 s by /health: within 8 s it says so; readiness stays 200.
    let health = await status('/health');
    await until(async () => (health = await status('/health')).status === 503, 8_000);
    const ready = await status('/health/ready');
    notes.push(`while down: /health ${health.status} ${health.fel}, /health/ready ${ready.status}`);
    await sleep(Math.max(0, phaseMs - (Date.now() - phaseStart)));

    phaseStart = Date.now();
    refusals['*'] = { code: 451 };
    await stack.mailUp();
    log(`smtp-down: the mail server back, answering 451 to everyone for ${phaseMs / 1000} s`);
    await openSome('451');
    await sleep(Math.max(0, phaseMs - (Date.now() - phaseStart)));
    delete refusals['*'];
    const wellAt = Date.now();
    log('smtp-down: the mail server takes mail again');

    const expected = refs.map((ref) => messageIdFor(`arende-${ref}/d1.r0.ny_uppgift0`));
    const ids = () => new Set(stack.mail.messages().map((m) => m.messageId));
    // Retried with backoff (5 s, doubling): the last attempt before recovery may wait a while.
    await until(() => expected.every((id) => ids().has(id)), short ? 90_000 : 240_000);
    const arrivals = stack.mail.messages().filter((m) => expected.includes(m.messageId)).map((m) => Date.parse(m.receivedAt));
    await sleep(2_000);
    const mail = countMail(stack.mail.messages(), expected);
    if (mail.duplicated > 0) notes.push(`sent twice: ${mail.duplicates.join(', ')}`);
    notes.push(`${blocked.length} of ${refs.length} openings failed (slowest ${slowest} ms)${blocked.length ? `: ${blocked.join(', ')}` : ''}`);
    const found = await countCases(stack, refs, mottagning, notes);
    const ok = blocked.length === 0 && health.status === 503 && health.fel === 'smtp' && ready.status === 200 && found === refs.length && mail.lost === 0 && mail.duplicated === 0;
    const recoveryMs = Math.max(0, Math.max(...arrivals) - wellAt);
    return { drill: 'smtp-down', casesExpected: refs.length, casesFound: found, mailExpected: expected.length, mailDelivered: mail.delivered, mailDuplicated: mail.duplicated, mailLost: mail.lost, recoveryMs, recoveryLabel: 'mail well → all delivered', ok, notes };
  } finally {
    await stack.close();
  }
}

export const drills: Record<string, (short: boolean, log: (line: string) => void) => Promise<DrillResult>> = {
  'app-killed': appKilled,
  duplicates: duplicateRequests,
  'smtp-550': smtp550,
  'temporal-killed': temporalKilled,
  'postgres-cut': (short, log) => postgresFault('cut', short, log),
  'postgres-silent': (short, log) => postgresFault('silent', short, log),
  'deadlines-killed': deadlinesKilled,
  'smtp-down': smtpDown,
};

export async function runDrills(options: DrillOptions = {}): Promise<DrillResult[]> {
  const log = options.log ?? ((line: string) => console.log(`[drill] ${line}`));
  if (options.postgresUrl) adminUrl = options.postgresUrl;
  const server = new pg.Client({ connectionString: maintenanceUrl(), connectionTimeoutMillis: 2_000 });
  const reachable = await server.connect().then(
    () => server.end().then(() => true),
    () => false,
  );
  const where = new URL(adminUrl);
  log(reachable ? `each drill on a new database on the PostgreSQL at ${where.hostname}:${where.port || 5432}` : `no PostgreSQL at ${where.hostname}:${where.port || 5432}: each drill on the embedded database in its own DATA_DIR`);
  const names = options.only ? [options.only] : Object.keys(drills);
  const results: DrillResult[] = [];
  for (const name of names) {
    const drill = drills[name];
    if (!drill) throw new Error(`no drill named ${name} (drills: ${Object.keys(drills).join(', ')})`);
    log(`${name}: starting`);
    try {
      results.push(await drill(options.short ?? false, log));
    } catch (error) {
      results.push({ drill: name, casesExpected: 0, casesFound: 0, mailExpected: 0, mailDelivered: 0, mailDuplicated: 0, mailLost: 0, ok: false, notes: [(error as Error).message] });
    }
    log(`${name}: ${results.at(-1)!.ok ? 'ok' : 'FEL'}`);
  }
  return results;
}

export function formatTable(results: DrillResult[]): string {
  const rows = results.map((r) => [
    r.drill,
    `${r.casesExpected}/${r.casesFound}`,
    `${r.mailExpected}/${r.mailDelivered}/${r.mailDuplicated}/${r.mailLost}`,
    r.recoveryMs === undefined ? '–' : `${(r.recoveryMs / 1000).toFixed(1)} s (${r.recoveryLabel})`,
    r.ok ? 'ok' : 'FEL',
  ]);
  const header = ['drill', 'cases expected/found', 'e-mails expected/delivered/duplicated/lost', 'recovery time', 'result'];
  const lines = [header, ...rows].map((cells) => `| ${cells.join(' | ')} |`);
  lines.splice(1, 0, `| ${header.map(() => '---').join(' | ')} |`);
  const notes = results.flatMap((r) => r.notes.map((note) => `- ${r.drill}: ${note}`));
  return [...lines, ...(notes.length ? ['', ...notes] : [])].join('\n');
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(import.meta.dirname, 'drill.ts')) {
  const { values } = parseArgs({ options: { short: { type: 'boolean', default: false }, only: { type: 'string' } } });
  const results = await runDrills({ short: values.short, ...(values.only ? { only: values.only } : {}) });
  console.log(`\n${formatTable(results)}`);
  process.exit(results.every((r) => r.ok) ? 0 : 1);
}
