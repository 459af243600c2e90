// The operators' alert list of notifications the mail server refused for good (SMTP 5xx, recorded
// by the notification activity): an enhetschef sees those to the own unit's mailbox or the own
// manager address, the sektorchef and the samordnare all of them. Newest first, the last 100.
import type { Caller } from './auth';
import type { OrganisationSource } from '../domain/organisation';
import type { NotificationLedger } from '../activities/notification-ledger';
import type { NotificationFailureItem } from './schemas/notification-failures';

export const FAILURES_SHOWN = 100;

export interface NotificationFailureList {
  list(caller: Caller): Promise<NotificationFailureItem[]>;
}

export function createNotificationFailureList(deps: { ledger: Pick<NotificationLedger, 'failures'>; organisation: OrganisationSource }): NotificationFailureList {
  return {
    async list(caller) {
      let mailboxes: Set<string> | undefined;
      if (caller.role === 'enhetschef') {
        const unit = (await deps.organisation()).units.find((u) => u.id === caller.unit);
        mailboxes = new Set([unit?.email, unit?.managerEmail].filter((a): a is string => Boolean(a)).map((a) => a.toLowerCase()));
        if (mailboxes.size === 0) return [];
      } else if (caller.role !== 'sektorchef' && caller.role !== 'samordnare') {
        return [];
      }
      const rows = await deps.ledger.failures(FAILURES_SHOWN, mailboxes ? [...mailboxes] : undefined);
      return rows.map((row) => ({ key: row.key, recipient: row.recipient, ...(row.unit ? { unit: row.unit } : {}), code: row.code, at: row.at }));
    },
  };
}
