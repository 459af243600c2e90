// The notification activity against a real SMTP server and the real database: it sends to
// the right address, never twice for the same key, and says nothing about the people.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, test } from 'node:test';
import nodemailer from 'nodemailer';
import type pg from 'pg';
import { createActivities } from '../activities';
import { createPgNotificationLedger } from '../activities/notification-ledger';
import { createPgReceiptLinks } from '../activities/receipt-links';
import type { NotificationInput } from '../activities/notification-message';
import { defaultOrganisation } from '../domain/organisation';
import { startMailCatcher, type MailCatcher } from '../infra/mail-catcher';
import { openTestDatabase, testReceiptSecret } from './support/database';

let mail: MailCatcher;
let pool: pg.Pool;
let activities: ReturnType<typeof createActivities>;
before(async () => {
  mail = await startMailCatcher();
  pool = await openTestDatabase();
  activities = createActivities({
    mailer: nodemailer.createTransport(mail.smtpUrl),
    ledger: createPgNotificationLedger(pool),
      receipts: createPgReceiptLinks(pool, testReceiptSecret),
    organisation: defaultOrganisation,
    mailFrom: 'Samverkan <noreply@samverkan.test>',
    publicUrl: 'https://samverkan.exempel.se/',
    timeZone: 'Europe/Stockholm',
  });
});
after(async () => {
  await mail.close();
  await pool.end();
});

const notice = (overrides: Partial<NotificationInput> = {}): NotificationInput => ({
  key: `arende-T-1/${randomUUID()}`,
  kind: 'eskalering',
  to: 'enhetschef',
  caseRef: 'BU-2026-0042',
  unit: 'bou',
  title: 'Barnavårdsutredning',
  dueAt: '2027-03-23T22:59:59.999Z',
  citation: '11 kap. 2 §',
  protectedCase: false,
  ...overrides,
});

test('a retried notification is sent once, with a stable Message-ID', async () => {
  const input = notice();
  const first = await activities.sendNotification(input);
  const retry = await activities.sendNotification(input);
  assert.equal(first.duplicate, false);
  assert.equal(retry.duplicate, true);
  assert.equal(retry.messageId, first.messageId);
  await mail.waitFor((m) => m.messageId === first.messageId);
  await new Promise((resolve) => setTimeout(resolve, 300));
  assert.equal(mail.messages().filter((m) => m.messageId === first.messageId).length, 1);
  const logged = await pool.query('SELECT recipient FROM notification_log WHERE key = $1', [input.key]);
  assert.deepEqual(logged.rows, [{ recipient: 'chef.bou@exempel.se' }]);
});

test('an escalation reaches the enhetschef, then the sektorchef, with what, by when and a link', async () => {
  const toChef = await activities.sendNotification(notice());
  assert.equal(toChef.recipient, 'chef.bou@exempel.se');
  const toSektor = await activities.sendNotification(notice({ to: 'sektorchef' }));
  assert.equal(toSektor.recipient, 'sektorchef.ifo@exempel.se');
  const received = await mail.waitFor((m) => m.messageId === toSektor.messageId);
  assert.equal(received.subject, 'Eskalering till sektorchef: försenad uppgift hos Barn- och ungdomsenheten');
  assert.match(received.text, /Vad: Barnavårdsutredning/);
  assert.match(received.text, /Senast: 23 mars 2027 kl\. 23:59/);
  assert.match(received.text, /Öppna i Samverkan: https:\/\/samverkan\.exempel\.se\/cases\/BU-2026-0042/);
});

test('a case with skyddade personuppgifter says even less', async () => {
  const sent = await activities.sendNotification(notice({ kind: 'ny_uppgift', to: 'enhet', protectedCase: true }));
  const received = await mail.waitFor((m) => m.messageId === sent.messageId);
  assert.ok(!received.subject.includes('Barnavårdsutredning'));
  assert.ok(!received.text.includes('Barnavårdsutredning'));
  assert.ok(!received.text.includes('Lagstöd'));
  assert.match(received.subject, /En uppgift i ett ärende med skyddade uppgifter/);
});

test('an unknown unit is a non-retryable failure, not a silent drop', async () => {
  await assert.rejects(activities.sendNotification(notice({ unit: 'okand' })), /Enheten okand finns inte/);
});
