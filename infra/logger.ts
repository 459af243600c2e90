// The process's structured log: one JSON line per event (pino), on stdout. The HTTP server, the
// Temporal SDK (its Runtime logger: workflows' and activities' `log`, with their workflow id) and
// the stores all write here. Nothing personal goes in: no tokens, no cookies, no request bodies,
// no e-mail addresses; a case is named by its reference or workflow id.
import { pino, type DestinationStream, type Logger, type LevelWithSilent } from 'pino';

export type { Logger } from 'pino';

export const logLevels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const satisfies readonly LevelWithSilent[];

/**
 * A request's address as it is logged: without its query (a sign-in's code and state, a cursor)
 * and without the secret of a partner's receipt link (`/kvittens/<token>`).
 */
export function loggableUrl(url: string): string {
  return url.split('?')[0]!.replace(/^\/kvittens\/[^/]+/, '/kvittens/(länk)');
}

export function createLogger(level: LevelWithSilent = 'info', destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'samverkan' },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      // Should a request's headers ever be logged: never its token or session.
      redact: ['req.headers.authorization', 'req.headers.cookie', 'res.headers["set-cookie"]'],
      serializers: { req: (req: { method: string; url: string; ip?: string }) => ({ method: req.method, url: loggableUrl(req.url), ...(req.ip ? { remoteAddress: req.ip } : {}) }) },
    },
    destination,
  );
}
