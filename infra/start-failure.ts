// Why `npm start` could not start, in one line for the operator: what is missing and what to
// do. Each start-up step is wrapped with the explanation of its own failures (`startStep`);
// scripts/start.ts prints the line and exits non-zero.
import { createServer } from 'node:net';
import { isDatabaseUnavailable } from './database';

/** A start-up step failed; `message` is the one line to print. */
export class StartFailure extends Error {
  override name = 'StartFailure';
}

/** Runs one step of the start; its failure becomes a StartFailure with `explain`'s line. */
export async function startStep<T>(run: () => Promise<T> | T, explain: (error: Error) => string | Promise<string>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof StartFailure) throw error;
    throw new StartFailure(await explain(asError(error)));
  }
}

/** The line for any failure: a StartFailure's own, otherwise the error's message on one line. */
export function startFailureLine(error: unknown): string {
  if (error instanceof StartFailure) return error.message;
  return `${oneLine(asError(error).message)} (a bug or an unexpected state: the lines above may say more)`;
}

/** A bad setting: config/env.ts's "Felaktig konfiguration" (or a broken ORGANISATION_FILE). */
export function configurationFailure(error: Error): string {
  return `${oneLine(error.message)}: correct the setting in the environment and start again (every setting: docs/operations.md#configuration)`;
}

/** PostgreSQL at DATABASE_URL: not there, refusing the sign-in, or refusing the migrations. */
export function databaseFailure(url: string): (error: Error) => string {
  const where = describeDatabaseUrl(url);
  return (error) => {
    const reason = errorReason(error);
    const code = (error as { code?: unknown }).code;
    if (code === '28P01' || code === '28000') {
      return `PostgreSQL at ${where} (DATABASE_URL) refused the sign-in (${reason}): correct the user and password in DATABASE_URL`;
    }
    if (code === '3D000') {
      return `PostgreSQL at ${where} (DATABASE_URL) has no such database (${reason}): create it, or let the user create databases`;
    }
    if (isDatabaseUnavailable(error) || /ECONNREFUSED|ENOTFOUND|ETIMEDOUT|timeout/i.test(reason)) {
      return `PostgreSQL at ${where} (DATABASE_URL) cannot be reached (${reason}): start PostgreSQL there, correct DATABASE_URL, or leave DATABASE_URL unset to use the embedded database`;
    }
    return `PostgreSQL at ${where} (DATABASE_URL) failed (${reason}): check DATABASE_URL and the server's log, or leave DATABASE_URL unset to use the embedded database`;
  };
}

/** The embedded database (infra/embedded-database.ts) in <DATA_DIR>/postgres. */
export function embeddedDatabaseFailure(dataDir: string): (error: Error) => string {
  return (error) =>
    `the embedded database in ${dataDir} did not start (${errorReason(error)}): make sure no other npm start uses DATA_DIR ${dataDir} and the folder is writable, set DATA_DIR to another folder, or set DATABASE_URL to a PostgreSQL server`;
}

/** The local Temporal dev server (infra/temporal-dev-server.ts); `takenPorts` are the ones found in use. */
export function temporalDevServerFailure(ports: { devPort: number; uiPort: number }, takenPorts: () => Promise<number[]>): (error: Error) => Promise<string> {
  return async (error) => {
    const reason = errorReason(error);
    if (/Temporal CLI saknas/.test(reason)) {
      return `the Temporal CLI is missing (${reason}): run npm run tools, set TEMPORAL_CLI_PATH to a temporal binary, or set TEMPORAL_ADDRESS to a running Temporal server`;
    }
    const taken = await takenPorts().catch(() => []);
    const settings = taken.map((port) => (port === ports.devPort ? 'TEMPORAL_DEV_PORT' : 'TEMPORAL_UI_PORT'));
    if (taken.length > 0) {
      const named = taken.map((port, i) => `${port} (${settings[i]})`).join(' and ');
      return `the Temporal dev server did not start (${reason}): port ${named} is already in use by another program: stop that program or set ${settings.join(' and ')} to a free port`;
    }
    return `the Temporal dev server did not start (${reason}; its own output is above): check that ports ${ports.devPort} (TEMPORAL_DEV_PORT) and ${ports.uiPort} (TEMPORAL_UI_PORT) are free and DATA_DIR is writable, or set TEMPORAL_ADDRESS to a running Temporal server`;
  };
}

/** A Temporal server at TEMPORAL_ADDRESS (or the dev server just started) that does not answer. */
export function temporalConnectionFailure(address: string, configured: boolean): (error: Error) => string {
  return (error) =>
    configured
      ? `Temporal at ${address} (TEMPORAL_ADDRESS) cannot be reached (${errorReason(error)}): start it or correct TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE and the TLS settings, or leave TEMPORAL_ADDRESS unset to run the local dev server`
      : `the local Temporal dev server at ${address} does not answer (${errorReason(error)}): see its output above and start again`;
}

/** A server of ours that could not listen: the port is taken, not allowed, or the host is not here. */
export function listenFailure(what: string, setting: { port: number; portName: string; host?: string; hostName?: string }): (error: Error) => string {
  return (error) => {
    const code = (error as { code?: unknown }).code;
    const at = `port ${setting.port} (${setting.portName})`;
    if (code === 'EADDRINUSE') {
      return `${what} cannot listen: ${at} is already in use by another program: stop that program or set ${setting.portName} to a free port`;
    }
    if (code === 'EACCES') {
      return `${what} may not listen on ${at} (${errorReason(error)}): set ${setting.portName} to a port above 1023`;
    }
    if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND') {
      return `${what} cannot listen on ${setting.host} (${setting.hostName ?? 'HOST'}): it is not an address of this machine (${errorReason(error)}); set ${setting.hostName ?? 'HOST'} to 127.0.0.1 or 0.0.0.0`;
    }
    return `${what} cannot listen on ${at} (${errorReason(error)}): set ${setting.portName} to a free port`;
  };
}

/** The local mail catcher's two ports. */
export function mailCatcherFailure(ports: { smtpPort: number; httpPort: number }): (error: Error) => string {
  return (error) => {
    const port = (error as { port?: unknown }).port;
    const which = port === ports.httpPort ? { port: ports.httpPort, portName: 'MAILCATCHER_HTTP_PORT' } : { port: ports.smtpPort, portName: 'MAILCATCHER_SMTP_PORT' };
    return listenFailure('the local mail catcher', which)(error);
  };
}

/** The ports of these that some program listens on (on 127.0.0.1). */
export async function portsInUse(ports: number[]): Promise<number[]> {
  const taken = await Promise.all(
    ports.map(
      (port) =>
        new Promise<boolean>((resolve) => {
          const server = createServer();
          server.once('error', (error: NodeJS.ErrnoException) => resolve(error.code === 'EADDRINUSE'));
          server.listen(port, '127.0.0.1', () => server.close(() => resolve(false)));
        }),
    ),
  );
  return ports.filter((_, i) => taken[i]);
}

/** `host:port/database` of a PostgreSQL URL, without user or password. */
export function describeDatabaseUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.host || 'localhost'}${parsed.pathname}`;
  } catch {
    return 'the address in DATABASE_URL (not a valid URL)';
  }
}

function errorReason(error: Error): string {
  // pg passes on the socket's error: an AggregateError (several addresses tried) has no message of its own.
  const inner = error instanceof AggregateError && !error.message ? error.errors.map((e: Error) => e.message).join(', ') : error.message;
  const code = (error as { code?: unknown }).code;
  const text = oneLine(inner || (typeof code === 'string' ? code : error.name));
  return typeof code === 'string' && !text.includes(code) ? `${code}: ${text}` : text;
}

function oneLine(text: string): string {
  return text
    .replace(/:\s*\n\s*/g, ': ')
    .replace(/\s*\n\s*/g, '; ')
    .trim();
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}
