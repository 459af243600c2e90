// Activities, built by a factory from the dependencies the worker hands in (mailer, ledger,
// organisation), so that tests can hand in real ones without module mocking.
import { createHash, createHmac } from 'node:crypto';
import { ApplicationFailure } from '@temporalio/common';
import type { Transporter } from 'nodemailer';
import { findUnit, SECTOR_UNIT, type Organisation, type OrganisationSource } from '../domain/organisation';
import type { EscalationTarget } from '../domain/rules';
import { localDate, planDeadline, type DeadlinePlan, type PlanDeadlineInput } from '../infra/calendar';
import type { ReceiptLinks } from '../infra/receipt-link-store';
import type { NotificationLedger } from './notification-ledger';
import { composeDigest, nextDigestMoment, type DigestQueue } from './escalation-digest';
import { composeDigestLine, composeNotification, type NotificationInput } from './notification-message';

export interface ActivityDependencies {
  mailer: Transporter;
  ledger: NotificationLedger;
  receipts: ReceiptLinks;
  digests: DigestQueue;
  /** Read at each notification: the samordnare adds units and changes addresses. */
  organisation: OrganisationSource;
  mailFrom: string;
  publicUrl: string;
  timeZone: string;
  /**
   * Keys an external partner's Message-ID and `X-Samverkan-Key` (an HMAC of the notification
   * key): a plain hash of a key that holds a guessable case reference could be guessed back.
   */
  mailSecret: string;
}

export interface NotificationResult {
  messageId: string;
  recipient: string;
  /** True when an earlier attempt had already sent it. */
  duplicate: boolean;
  /** True when it waits for the manager's next digest instead. */
  queued?: boolean;
  /**
   * The mail server refused it for good (SMTP 5xx): recorded (GET /utskick/misslyckade), not
   * sent and not retried, so that the escalation chain goes on without it.
   */
  failed?: { code: number };
}

/**
 * The SMTP reply code of a permanent failure (5xx: 550 mailbox unavailable, 553, 554 …) in
 * nodemailer's error, read from `responseCode`. Anything else (4xx, a connection that fails, a
 * timeout) is transient: undefined, and the activity throws and is retried with backoff.
 */
export function permanentSmtpFailure(error: unknown): { code: number; response: string } | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const { responseCode, response } = error as { responseCode?: unknown; response?: unknown };
  if (typeof responseCode !== 'number' || responseCode < 500 || responseCode > 599) return undefined;
  return { code: responseCode, response: typeof response === 'string' ? response : String(responseCode) };
}

export function messageIdFor(key: string): string {
  return `<${createHash('sha256').update(key).digest('hex').slice(0, 32)}@samverkan>`;
}

/**
 * What an external partner's mail carries instead of the notification key, in `X-Samverkan-Key`
 * and (as `<value@samverkan>`) its Message-ID: stable for a key, so a retry sends the same, and
 * nothing in it leads back to the case without the secret.
 */
export function partnerMailKey(secret: string, key: string): string {
  return createHmac('sha256', secret).update(`e-post:${key}`).digest('hex').slice(0, 32);
}

export function createActivities(deps: ActivityDependencies) {
  return {
    /**
     * A deadline rule turned into moments (due, reminders, escalations) by the calendar. An
     * activity, so that holiday data and time-zone rules can change with a library upgrade
     * without making recorded histories non-deterministic: its result is in the history.
     */
    async planDeadline(input: PlanDeadlineInput): Promise<DeadlinePlan> {
      return planDeadline(input);
    },

    async sendNotification(input: NotificationInput): Promise<NotificationResult> {
      const { name, recipient, partner } = recipientOf(await deps.organisation(), input.unit, input.to, input.managerUnit);
      // A partner's mail carries nothing of the case: not the key (it holds the case reference) either.
      const headerKey = partner ? partnerMailKey(deps.mailSecret, input.key) : input.key;
      const messageId = partner ? `<${headerKey}@samverkan>` : messageIdFor(input.key);
      if (await deps.ledger.alreadySent(input.key)) return { messageId, recipient, duplicate: true };
      const failedBefore = await deps.ledger.failureOf(input.key);
      if (failedBefore !== undefined) return { messageId, recipient, duplicate: true, failed: { code: failedBefore } };
      const context = { unitName: name, publicUrl: deps.publicUrl, timeZone: deps.timeZone, ...(partner ? { partner } : {}) };
      if (input.digest && !partner) {
        await deps.digests.queue({ key: input.key, recipient, line: composeDigestLine(input, context) });
        return { messageId, recipient, duplicate: false, queued: true };
      }
      let receiptUrl: string | undefined;
      if (input.receiptFor && input.dueAt) {
        const token = await deps.receipts.issue({
          key: input.key,
          handoverWorkflowId: input.receiptFor,
          unit: input.unit,
          // Valid for two weeks after the due moment: the escalations run meanwhile.
          expiresAt: new Date(Date.parse(input.dueAt) + 14 * 24 * 3_600_000),
        });
        receiptUrl = `${deps.publicUrl.replace(/\/$/, '')}/kvittens/${token}`;
      }
      const { subject, text } = composeNotification(input, { ...context, ...(receiptUrl ? { receiptUrl } : {}) });
      // The stable Message-ID also lets mail servers and clients drop a copy that a crash
      // between sending and recording could still cause.
      try {
        await deps.mailer.sendMail({ from: deps.mailFrom, to: recipient, subject, text, messageId, headers: { 'X-Samverkan-Key': headerKey } });
      } catch (error) {
        const permanent = permanentSmtpFailure(error);
        if (!permanent) throw error;
        await deps.ledger.recordFailure({ key: input.key, recipient, unit: input.unit, code: permanent.code, response: permanent.response, subject });
        // The key and the reply code only: no address, nothing of the case but its reference.
        console.warn(`[samverkan] notification ${input.key} not delivered: the mail server refused it permanently (SMTP ${permanent.code}); recorded, not retried`);
        return { messageId, recipient, duplicate: false, failed: { code: permanent.code } };
      }
      await deps.ledger.recordSent({ key: input.key, messageId, recipient, subject });
      return { messageId, recipient, duplicate: false };
    },

    /**
     * The date (YYYY-MM-DD) of a moment where the units work: what "today" means for a date they
     * give. The moment is the workflow's own clock; the time zone's calendar is the activity's.
     */
    async localDate(input: { at: string; timeZone: string }): Promise<string> {
      return localDate(input.at, input.timeZone);
    },

    async nextDigestMoment(input: { after: string; at: string }): Promise<string> {
      return nextDigestMoment({ ...input, timeZone: deps.timeZone });
    },

    /** Sends each manager one e-mail with the escalations queued since the last digest. */
    async sendEscalationDigests(input: { periodKey: string }): Promise<{ digests: number; escalations: number }> {
      let digests = 0;
      let escalations = 0;
      for (const group of await deps.digests.collect(input.periodKey)) {
        if (await deps.ledger.alreadySent(group.digestKey)) continue;
        const { subject, text } = composeDigest(group.lines);
        const messageId = messageIdFor(group.digestKey);
        await deps.mailer.sendMail({ from: deps.mailFrom, to: group.recipient, subject, text, messageId, headers: { 'X-Samverkan-Key': group.digestKey } });
        await deps.ledger.recordSent({ key: group.digestKey, messageId, recipient: group.recipient, subject });
        digests += 1;
        escalations += group.lines.length;
      }
      return { digests, escalations };
    },
  };
}

export type Activities = ReturnType<typeof createActivities>;

/**
 * Who receives a notification: the unit, a manager above it, or the sector's managers.
 * `partner`: it goes to an external partner's own mailbox (managers are always internal).
 */
export function recipientOf(org: Organisation, unitId: string, to: EscalationTarget, managerUnitId?: string): { name: string; recipient: string; partner: boolean } {
  const sector = org.sector;
  if (unitId === SECTOR_UNIT) {
    return { name: sector.name, recipient: to === 'forvaltningschef' ? (sector.directorEmail ?? sector.managerEmail) : sector.managerEmail, partner: false };
  }
  const unit = findUnit(org, unitId);
  if (!unit) throw ApplicationFailure.nonRetryable(`Enheten ${unitId} finns inte i organisationen`, 'OKAND_ENHET');
  const manager = managerUnitId ? findUnit(org, managerUnitId) : unit;
  const recipient = {
    enhet: unit.email,
    enhetschef: manager?.managerEmail ?? sector.managerEmail,
    sektorchef: sector.managerEmail,
    forvaltningschef: sector.directorEmail ?? sector.managerEmail,
  }[to];
  return { name: unit.name, recipient, partner: unit.kind === 'extern' && to === 'enhet' };
}
