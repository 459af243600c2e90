// A local mail catcher: a real SMTP server on localhost that keeps what it receives, with a
// small HTTP page (and JSON) to read it. `npm start` uses it when no SMTP_URL is set; tests
// use it to read what the system sent.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';

export interface CaughtMail {
  messageId: string;
  from: string;
  to: string[];
  subject: string;
  text: string;
  headers: Record<string, string>;
  receivedAt: string;
}

/** A recipient (or `*`, any) the catcher refuses at RCPT TO: with this SMTP reply code, the first `times` attempts (default: always). */
export interface RecipientRefusal {
  code: number;
  times?: number;
}

export interface MailCatcherOptions {
  smtpPort?: number;
  httpPort?: number;
  /** Addresses (lower case) answered with an SMTP error instead of accepted: for tests and drills of bouncing mailboxes. */
  refuseRecipients?: Record<string, RecipientRefusal>;
}

export interface MailCatcher {
  smtpPort: number;
  smtpUrl: string;
  httpPort?: number;
  messages(): CaughtMail[];
  /** The recipients refused so far (refuseRecipients), one entry per attempt, in order. */
  refused(): { address: string; code: number }[];
  clear(): void;
  /** Resolves with the first mail that matches, waiting up to `timeoutMs` of real time. */
  waitFor(match: (mail: CaughtMail) => boolean, timeoutMs?: number): Promise<CaughtMail>;
  close(): Promise<void>;
}

export async function startMailCatcher(options: MailCatcherOptions = {}): Promise<MailCatcher> {
  const received: CaughtMail[] = [];
  const refused: { address: string; code: number }[] = [];
  const waiters = new Set<() => void>();
  const smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onRcptTo(address, _session, callback) {
      const target = address.address.toLowerCase();
      // `*`: every recipient (a mail server that answers "try later" to all).
      const refusal = options.refuseRecipients?.[target] ?? options.refuseRecipients?.['*'];
      const attempts = refused.filter((r) => r.address === target).length;
      if (!refusal || (refusal.times !== undefined && attempts >= refusal.times)) return callback();
      refused.push({ address: target, code: refusal.code });
      const error = Object.assign(new Error(refusal.code >= 500 ? 'Mailbox unavailable' : 'Try again later'), { responseCode: refusal.code });
      callback(error);
    },
    onData(stream, session, callback) {
      simpleParser(stream)
        .then((parsed) => {
          const headers: Record<string, string> = {};
          for (const [name, value] of parsed.headers) if (typeof value === 'string') headers[name] = value;
          received.push({
            messageId: parsed.messageId ?? '',
            from: parsed.from?.text ?? '',
            to: session.envelope.rcptTo.map((r) => r.address),
            subject: parsed.subject ?? '',
            text: parsed.text ?? '',
            headers,
            receivedAt: new Date().toISOString(),
          });
          for (const wake of waiters) wake();
          callback();
        })
        .catch(callback);
    },
  });
  await new Promise<void>((resolve, reject) => {
    smtp.once('error', reject);
    smtp.listen(options.smtpPort ?? 0, '127.0.0.1', () => resolve());
  });
  const smtpPort = (smtp.server.address() as AddressInfo).port;

  let http: Server | undefined;
  if (options.httpPort !== undefined) {
    http = createServer((req, res) => {
      if (req.url === '/messages') {
        res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
        res.end(JSON.stringify(received));
        return;
      }
      const rows = [...received]
        .reverse()
        .map((m) => `<article><h2>${escapeHtml(m.subject)}</h2><p>Till: ${escapeHtml(m.to.join(', '))} · ${escapeHtml(m.receivedAt)}</p><pre>${escapeHtml(m.text)}</pre></article>`)
        .join('\n');
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(`<!doctype html><html lang="sv"><meta charset="utf-8"><title>Samverkan – mottagen e-post</title><h1>Mottagen e-post (${received.length})</h1>${rows || '<p>Ingen e-post ännu.</p>'}</html>`);
    });
    await new Promise<void>((resolve, reject) => {
      http!.once('error', reject);
      http!.listen(options.httpPort, '127.0.0.1', () => resolve());
    });
  }

  return {
    smtpPort,
    smtpUrl: `smtp://127.0.0.1:${smtpPort}`,
    ...(http ? { httpPort: (http.address() as AddressInfo).port } : {}),
    messages: () => [...received],
    refused: () => [...refused],
    clear: () => {
      received.length = 0;
    },
    waitFor(match, timeoutMs = 10_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const found = received.find(match);
          if (!found) return false;
          waiters.delete(check);
          clearTimeout(timer);
          resolve(found);
          return true;
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`Ingen matchande e-post inom ${timeoutMs} ms (${received.length} mottagna)`));
        }, timeoutMs);
        if (!check()) waiters.add(check);
      });
    },
    async close() {
      await new Promise<void>((resolve) => smtp.close(() => resolve()));
      if (http) await new Promise<void>((resolve) => http!.close(() => resolve()));
    },
  };
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}
