// Activities, built by a factory from the dependencies the worker hands in (mailer, ledger,
// organisation), so that tests can hand in real ones without module mocking.
import { createHash } from 'node:crypto';
import { ApplicationFailure } from '@temporalio/common';
import type { Transporter } from 'nodemailer';
import { findUnit, type Organisation } from '../domain/organisation';
import { planDeadline, type DeadlinePlan, type PlanDeadlineInput } from './deadline-planning';
import type { NotificationLedger } from './notification-ledger';
import { composeNotification, type NotificationInput } from './notification-message';

export interface ActivityDependencies {
  mailer: Transporter;
  ledger: NotificationLedger;
  organisation: Organisation;
  mailFrom: string;
  publicUrl: string;
  timeZone: string;
}

export interface NotificationResult {
  messageId: string;
  recipient: string;
  /** True when an earlier attempt had already sent it. */
  duplicate: boolean;
}

export function messageIdFor(key: string): string {
  return `<${createHash('sha256').update(key).digest('hex').slice(0, 32)}@samverkan>`;
}

export function createActivities(deps: ActivityDependencies) {
  return {
    async planDeadline(input: PlanDeadlineInput): Promise<DeadlinePlan> {
      return planDeadline(input);
    },

    async sendNotification(input: NotificationInput): Promise<NotificationResult> {
      const unit = findUnit(deps.organisation, input.unit);
      if (!unit) {
        throw ApplicationFailure.nonRetryable(`Enheten ${input.unit} finns inte i organisationen`, 'OKAND_ENHET');
      }
      const recipient =
        input.to === 'enhet'
          ? unit.email
          : input.to === 'enhetschef'
            ? (unit.managerEmail ?? deps.organisation.sector.managerEmail)
            : deps.organisation.sector.managerEmail;
      const messageId = messageIdFor(input.key);
      if (await deps.ledger.alreadySent(input.key)) return { messageId, recipient, duplicate: true };
      const { subject, text } = composeNotification(input, { unitName: unit.name, publicUrl: deps.publicUrl, timeZone: deps.timeZone });
      // The stable Message-ID also lets mail servers and clients drop a copy that a crash
      // between sending and recording could still cause.
      await deps.mailer.sendMail({ from: deps.mailFrom, to: recipient, subject, text, messageId, headers: { 'X-Samverkan-Key': input.key } });
      await deps.ledger.recordSent({ key: input.key, messageId, recipient, subject });
      return { messageId, recipient, duplicate: false };
    },
  };
}

export type Activities = ReturnType<typeof createActivities>;
