// Activities, built by a factory from the dependencies the worker hands in (mailer, ledger,
// organisation), so that tests can hand in real ones without module mocking.
import { createHash, createHmac } from 'node:crypto';
import { asyncLocalStorage as activityContext } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { Transporter } from 'nodemailer';
import { findUnit, SECTOR_UNIT, type Organisation, type OrganisationSource } from '../domain/organisation';
import type { EscalationTarget } from '../domain/rules';
import { localDate, planDeadline, type DeadlinePlan, type PlanDeadlineInput } from '../infra/calendar';
import type { ReceiptLinks } from '../infra/receipt-link-store';
import type { CaseEventLog, CaseLogEvent } from '../infra/case-event-log';
import type { WaitingItemRow, WaitingItemStore } from '../infra/waiting-item-store';
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
  /** The durable event log of the reports (infra/case-event-log.ts). */
  eventLog: CaseEventLog;
  /** The stuck list's read model (infra/waiting-item-store.ts), which activities only write. */
  waitingItems: Pick<WaitingItemStore, 'record'>;
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

/**
 * How long one attempt may talk to the mail server before it gives up (and is retried): within
 * the activity's 30 s, so that Temporal never starts a second attempt while this one still runs.
 */
export const sendTimeoutMs = 25_000;

/**
 * How long an attempt holds its claim on a notification: past its own end (sendTimeoutMs), so
 * that two attempts never talk to the mail server about the same notification at once; shorter
 * than the activity's timeout (30 s), after which Temporal retries an attempt whose worker died,
 * so that the retry finds the claim lapsed and sends at once.
 */
export const claimLeaseMs = 28_000;

/** Another attempt holds the claim: this one is retried with backoff, after the claim's lease. */
function claimedElsewhere(key: string): ApplicationFailure {
  return ApplicationFailure.retryable(`Utskicket ${key} skickas redan av ett annat försök`, 'UTSKICK_PAGAR');
}

/** The promise's outcome, or a (transient) error once `ms` have passed. */
async function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`the mail server did not finish within ${ms / 1000} s`)), ms);
  });
  try {
    return await Promise.race([promise, timedOut]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * The running activity's logger (the SDK's: it adds the workflow id, activity type and attempt);
 * warnings to the console outside an activity, as when a test calls one directly. Keys and codes only: never
 * an address or a subject.
 */
function activityLog(): Pick<Console, 'info' | 'warn'> {
  return activityContext.getStore()?.log ?? outsideActivity;
}
const outsideActivity: Pick<Console, 'info' | 'warn'> = { info: () => {}, warn: console.warn };

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
  const activities = {
    /**
     * A deadline rule turned into moments (due, reminders, escalations) by the calendar. An
     * activity, so that holiday data and time-zone rules can change with a library upgrade
     * without making recorded histories non-deterministic: its result is in the history.
     */
    async planDeadline(input: PlanDeadlineInput): Promise<DeadlinePlan> {
      return planDeadline(input);
    },

    /** A case's steps into the event log; a step written before is not written again. */
    async recordCaseEvents(events: CaseLogEvent[]): Promise<number> {
      return deps.eventLog.record(events);
    },

    /** A handover's, meeting's or dispute's waiting state for the stuck list; an older write than the stored one changes nothing. */
    async recordWaitingItem(row: WaitingItemRow): Promise<boolean> {
      return deps.waitingItems.record(row);
    },

    async sendNotification(input: NotificationInput): Promise<NotificationResult> {
      const result = await sendOnce(input);
      // The event log learns of every notice that went out (or waits for its digest), once.
      if (!result.failed) {
        // The moment of the workflow's clock that asked for it (the test server's skipped time too).
        const scheduled = activityContext.getStore()?.info.currentAttemptScheduledTimestampMs;
        await deps.eventLog.noticeSent({
          key: input.key,
          caseRef: input.caseRef,
          type: `${input.kind}_skickad`,
          unit: input.unit,
          at: new Date(scheduled ?? Date.now()).toISOString(),
          data: { to: input.to, ...(input.deadlineKey ? { deadlineKey: input.deadlineKey } : {}) },
        });
      }
      return result;
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

    /**
     * Sends each manager one e-mail with the escalations queued since the last digest. Each
     * manager's digest is its own delivery: one that is refused for good is recorded and the
     * others go out; one that must be tried later does not hold back the rest either (the
     * activity is retried for it alone: the sent ones are in the ledger).
     */
    async sendEscalationDigests(input: { periodKey: string }): Promise<{ digests: number; escalations: number; failed: number }> {
      let digests = 0;
      let escalations = 0;
      let failed = 0;
      let retryLater: unknown;
      for (const group of await deps.digests.collect(input.periodKey)) {
        if (await deps.ledger.earlierOutcome(group.digestKey)) continue;
        const { subject, text } = composeDigest(group.lines);
        try {
          const outcome = await deliver({ key: group.digestKey, recipient: group.recipient, subject, text, messageId: messageIdFor(group.digestKey), headerKey: group.digestKey });
          if (outcome.duplicate) continue;
          if (outcome.failed) failed += 1;
          else digests += 1;
          escalations += group.lines.length;
        } catch (error) {
          retryLater ??= error;
        }
      }
      if (retryLater) throw retryLater;
      return { digests, escalations, failed };
    },
  };

  /**
   * One mail to the mail server, at least once and as few times as can be: claimed before SMTP
   * and confirmed after, so that only a mail in flight when a worker stops can go out twice (with
   * the same Message-ID, which lets mail servers and clients drop the copy). A permanent refusal
   * (5xx) is recorded and returned; anything else throws, and the activity is retried with backoff.
   */
  async function deliver(mail: { key: string; recipient: string; subject: string; text: string; messageId: string; headerKey: string; unit?: string }): Promise<{ duplicate?: true; failed?: { code: number } }> {
    const claim = await deps.ledger.claim(mail.key, claimLeaseMs);
    if (!claim.taken) throw claimedElsewhere(mail.key);
    // An attempt that finished between our first look and our claim.
    if (await deps.ledger.alreadySent(mail.key)) {
      await deps.ledger.release(mail.key);
      return { duplicate: true };
    }
    if (claim.attempts > 1) {
      // Only the key: it may have gone out once already, and goes out again with the same Message-ID.
      activityLog().warn('notification claimed before and never confirmed (a worker stopped while sending it): sending it again', { key: mail.key, claimAttempts: claim.attempts });
    }
    try {
      await withTimeout(
        deps.mailer.sendMail({ from: deps.mailFrom, to: mail.recipient, subject: mail.subject, text: mail.text, messageId: mail.messageId, headers: { 'X-Samverkan-Key': mail.headerKey } }),
        sendTimeoutMs,
      );
    } catch (error) {
      const permanent = permanentSmtpFailure(error);
      if (!permanent) {
        await deps.ledger.release(mail.key);
        throw error;
      }
      await deps.ledger.recordFailure({ key: mail.key, recipient: mail.recipient, ...(mail.unit ? { unit: mail.unit } : {}), code: permanent.code, response: permanent.response, subject: mail.subject });
      // The key and the reply code only: no address, nothing of the case but its reference.
      activityLog().warn('notification not delivered: the mail server refused it permanently; recorded, not retried', { key: mail.key, smtpCode: permanent.code });
      return { failed: { code: permanent.code } };
    }
    await deps.ledger.recordSent({ key: mail.key, messageId: mail.messageId, recipient: mail.recipient, subject: mail.subject });
    activityLog().info('notification sent', { key: mail.key, messageId: mail.messageId });
    return {};
  }

  /** One notification: sent, queued for its manager's digest, or found sent (or refused) before. */
  async function sendOnce(input: NotificationInput): Promise<NotificationResult> {
    const { name, recipient, partner } = recipientOf(await deps.organisation(), input.unit, input.to, input.managerUnit);
    // A partner's mail carries nothing of the case: not the key (it holds the case reference) either.
    const headerKey = partner ? partnerMailKey(deps.mailSecret, input.key) : input.key;
    const messageId = partner ? `<${headerKey}@samverkan>` : messageIdFor(input.key);
    const earlier = await deps.ledger.earlierOutcome(input.key);
    if (earlier && 'sent' in earlier) return { messageId, recipient, duplicate: true };
    if (earlier) return { messageId, recipient, duplicate: true, failed: { code: earlier.failed } };
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
    // An external provider reports through a link; an internal one in the system, as any task.
    let reportUrl: string | undefined;
    if (input.reportFor && input.dueAt && partner) {
      const token = await deps.receipts.issue({
        key: input.key,
        handoverWorkflowId: input.reportFor.workflowId,
        insatsId: input.reportFor.insatsId,
        unit: input.unit,
        expiresAt: new Date(Date.parse(input.dueAt) + 14 * 24 * 3_600_000),
      });
      reportUrl = `${deps.publicUrl.replace(/\/$/, '')}/rapport/${token}`;
    }
    const { subject, text } = composeNotification(input, { ...context, ...(receiptUrl ? { receiptUrl } : {}), ...(reportUrl ? { reportUrl } : {}) });
    const outcome = await deliver({ key: input.key, recipient, subject, text, messageId, headerKey, unit: input.unit });
    return { messageId, recipient, duplicate: false, ...outcome };
  }


  return activities;
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
