// Reading what the system sent: every notification carries its idempotency key in a header,
// "<workflow id>/<deadline>.r<revision>.<kind><index>".
import type { CaughtMail } from '../../infra/mail-catcher';

export const keyOf = (mail: CaughtMail) => mail.headers['x-samverkan-key'] ?? '';

/** The notification keys sent for one case, without the workflow id, in arrival order. */
export function sentFor(mails: CaughtMail[], caseRef: string): string[] {
  const prefix = `arende-${caseRef}/`;
  return mails.map(keyOf).filter((key) => key.startsWith(prefix)).map((key) => key.slice(prefix.length));
}

export const isFor = (caseRef: string, suffix: string) => (mail: CaughtMail) => keyOf(mail) === `arende-${caseRef}/${suffix}`;

/** The notification keys sent by one workflow (a handover, meeting or dispute), in arrival order. */
export function sentBy(mails: CaughtMail[], workflowId: string): string[] {
  const prefix = `${workflowId}/`;
  return mails.map(keyOf).filter((key) => key.startsWith(prefix)).map((key) => key.slice(prefix.length));
}

export const isFrom = (workflowId: string, suffix: string) => (mail: CaughtMail) => keyOf(mail) === `${workflowId}/${suffix}`;
