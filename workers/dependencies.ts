// The worker's real dependencies, built once per process from the configuration.
import nodemailer from 'nodemailer';
import type pg from 'pg';
import type { ActivityDependencies } from '../activities';
import { createPgNotificationLedger } from '../activities/notification-ledger';
import { createPgReceiptLinks } from '../activities/receipt-links';
import type { AppConfig } from '../config/env';
import { defaultRules } from '../domain/rules';

export function activityDependencies(config: AppConfig, pool: pg.Pool, smtpUrl: string): ActivityDependencies {
  return {
    mailer: nodemailer.createTransport(smtpUrl),
    ledger: createPgNotificationLedger(pool),
    receipts: createPgReceiptLinks(pool, config.receiptSecret),
    organisation: config.organisation,
    mailFrom: config.mail.from,
    publicUrl: config.publicUrl,
    timeZone: defaultRules.timeZone,
  };
}
