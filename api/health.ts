// Health of the process's dependencies for GET /health and /health/ready: each probe runs in
// parallel with a deadline of its own, so the answer comes within two seconds even when a
// dependency does not answer at all (a dropped connection, a server that is down).
import nodemailer from 'nodemailer';
import type SMTPTransport from 'nodemailer/lib/smtp-transport';

/** A dependency's check: true when it works. A probe that throws or takes too long counts as down. */
export type HealthProbe = () => Promise<boolean>;

export type HealthState = 'ok' | 'nås inte' | 'svarar inte';

/** How long each probe may take. */
export const probeTimeoutMs = 1_500;

/** Runs every probe at once; each answers 'ok', 'nås inte' (failed) or 'svarar inte' (timed out). */
export async function checkHealth(probes: Record<string, HealthProbe>, timeoutMs = probeTimeoutMs): Promise<Record<string, HealthState>> {
  const entries = await Promise.all(
    Object.entries(probes).map(async ([name, probe]): Promise<[string, HealthState]> => {
      let timer: NodeJS.Timeout | undefined;
      const timedOut = new Promise<HealthState>((resolve) => {
        timer = setTimeout(() => resolve('svarar inte'), timeoutMs);
      });
      const checked = Promise.resolve()
        .then(probe)
        .then(
          (healthy): HealthState => (healthy ? 'ok' : 'nås inte'),
          (): HealthState => 'nås inte',
        );
      try {
        return [name, await Promise.race([checked, timedOut])];
      } finally {
        clearTimeout(timer);
      }
    }),
  );
  return Object.fromEntries(entries);
}

/**
 * The mail server's check: it greets and accepts the sign-in (nodemailer's `verify`). One
 * transporter, and an answer kept for a few seconds: /health needs no login, and each check is a
 * whole SMTP session at the mail server.
 */
export function smtpProbe(smtpUrl: string, timeoutMs = probeTimeoutMs, keepMs = 5_000): HealthProbe {
  const transporter = nodemailer.createTransport({ url: smtpUrl, connectionTimeout: timeoutMs, greetingTimeout: timeoutMs, socketTimeout: timeoutMs } as SMTPTransport.Options);
  let last: { at: number; answer: Promise<boolean> } | undefined;
  return () => {
    if (!last || Date.now() - last.at > keepMs) last = { at: Date.now(), answer: transporter.verify() };
    return last.answer;
  };
}

/** The worker's check: it is polling its task queue. */
export function workerProbe(worker: { getState(): string }): HealthProbe {
  return async () => worker.getState() === 'RUNNING';
}
