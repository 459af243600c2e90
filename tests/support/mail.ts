// Reading what the system sent: every notification carries its idempotency key in a header,
// "<workflow id>/<deadline>.r<revision>.<kind><index>". An external partner's mail carries an
// HMAC of it instead (it must not name the case): `isFor` and `isFrom` find those too, the key
// lists (`sentFor`, `sentBy`) hold internal mails only.
import { partnerMailKey } from '../../activities';
import type { CaughtMail } from '../../infra/mail-catcher';
import { testReceiptSecret } from './database';

export const keyOf = (mail: CaughtMail) => mail.headers['x-samverkan-key'] ?? '';

/** The mail was sent under this notification key (to a unit, a manager or a partner). */
export const hasKey = (mail: CaughtMail, key: string) => keyOf(mail) === key || keyOf(mail) === partnerMailKey(testReceiptSecret, key);

/** The notification keys sent for one case, without the workflow id, in arrival order. */
export function sentFor(mails: CaughtMail[], caseRef: string): string[] {
  const prefix = `arende-${caseRef}/`;
  return mails.map(keyOf).filter((key) => key.startsWith(prefix)).map((key) => key.slice(prefix.length));
}

export const isFor = (caseRef: string, suffix: string) => (mail: CaughtMail) => hasKey(mail, `arende-${caseRef}/${suffix}`);

/** The notification keys sent by one workflow (a handover, meeting or dispute), in arrival order. */
export function sentBy(mails: CaughtMail[], workflowId: string): string[] {
  const prefix = `${workflowId}/`;
  return mails.map(keyOf).filter((key) => key.startsWith(prefix)).map((key) => key.slice(prefix.length));
}

export const isFrom = (workflowId: string, suffix: string) => (mail: CaughtMail) => hasKey(mail, `${workflowId}/${suffix}`);

/**
 * Keys (or addresses) in arrival order, except that the members of each `simultaneous` group
 * (alerts due at the same moment, such as the unit's and its enhetschef's escalation at the
 * deadline) stand in the group's order: each is sent on its own, so they arrive in either order.
 */
export function withSimultaneous(keys: string[], ...simultaneous: string[][]): string[] {
  const out = [...keys];
  for (const group of simultaneous) {
    const positions = out.flatMap((key, i) => (group.includes(key) ? [i] : []));
    const members = positions.map((i) => out[i]!).sort((a, b) => group.indexOf(a) - group.indexOf(b));
    positions.forEach((position, n) => (out[position] = members[n]!));
  }
  return out;
}
