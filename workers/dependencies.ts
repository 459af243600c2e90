// The worker's real dependencies, built once per process: from the configuration in `npm start`
// and the standalone worker, from test settings in the tests.
import nodemailer from 'nodemailer';
import type pg from 'pg';
import type { ActivityDependencies } from '../activities';
import { createPgDigestQueue } from '../activities/escalation-digest';
import { createPgNotificationLedger } from '../activities/notification-ledger';
import { createPgCaseEventLog } from '../infra/case-event-log';
import { createPgWaitingItemStore } from '../infra/waiting-item-store';
import type { AppConfig } from '../config/env';
import type { OrganisationSource } from '../domain/organisation';
import { defaultRules } from '../domain/default-rules';
import { maxConcurrentActivities } from './worker';
import { createPgReceiptLinks } from '../infra/receipt-link-store';
import { ruleStoreFor } from '../infra/rule-store';

export interface DependencySettings {
  pool: pg.Pool;
  smtpUrl: string;
  /** The organisation in force: read from the rule store at each notification. */
  organisation: OrganisationSource;
  mailFrom: string;
  publicUrl: string;
  receiptSecret: string;
}

/** Mail through nodemailer; ledger, receipt links and digest queue in PostgreSQL. */
export function buildActivityDependencies(settings: DependencySettings): ActivityDependencies {
  const { pool } = settings;
  return {
    // A mail server that does not answer is given up on within the attempt's 25 s
    // (activities/index.ts sendTimeoutMs); nodemailer's own defaults wait up to 10 minutes.
    // Pooled connections, one per activity that can run at once: a burst of deadlines due at one
    // moment goes out over open SMTP sessions, not a connection and greeting per mail.
    mailer: nodemailer.createTransport({ url: settings.smtpUrl, pool: true, maxConnections: maxConcurrentActivities, connectionTimeout: 5_000, greetingTimeout: 5_000, socketTimeout: 10_000 }),
    ledger: createPgNotificationLedger(pool),
    receipts: createPgReceiptLinks(pool),
    eventLog: createPgCaseEventLog(pool),
    waitingItems: createPgWaitingItemStore(pool),
    digests: createPgDigestQueue(pool),
    organisation: settings.organisation,
    mailFrom: settings.mailFrom,
    publicUrl: settings.publicUrl,
    timeZone: defaultRules.timeZone,
    // A partner's Message-ID and X-Samverkan-Key are an HMAC under this secret: nothing in them leads back to the case.
    mailSecret: settings.receiptSecret,
  };
}

export function activityDependencies(config: AppConfig, pool: pg.Pool, smtpUrl: string): ActivityDependencies {
  const store = ruleStoreFor(config, pool);
  return buildActivityDependencies({
    pool,
    smtpUrl,
    organisation: recentFor(5_000, async () => (await store.current()).organisation),
    mailFrom: config.mail.from,
    publicUrl: config.publicUrl,
    receiptSecret: config.receiptSecret,
  });
}

/**
 * The organisation as read at most `ms` ago: every notification looks up its recipient's
 * address, and a burst of them need not ask the database for the current version each time. A
 * changed address is used from a few seconds after the samordnare saved it.
 */
function recentFor<T>(ms: number, read: () => Promise<T>): () => Promise<T> {
  let cached: { at: number; value: Promise<T> } | undefined;
  return () => {
    const now = Date.now();
    if (!cached || now - cached.at > ms) {
      const value = read();
      cached = { at: now, value };
      // A failed read is not kept: the next call asks again.
      value.catch(() => (cached = undefined));
    }
    return cached.value;
  };
}
