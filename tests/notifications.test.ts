// The notification activity against a real SMTP server and the real database: it sends to
// the right address, never twice for the same key, and says nothing about the people.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, test } from 'node:test';
import type pg from 'pg';
import { createActivities } from '../activities';
import type { NotificationInput } from '../activities/notification-message';
import { defaultOrganisation } from '../domain/organisation';
import { startMailCatcher, type MailCatcher } from '../infra/mail-catcher';
import { buildActivityDependencies } from '../workers/dependencies';
import { openTestDatabase, testReceiptSecret } from './support/database';

let mail: MailCatcher;
let pool: pg.Pool;
let activities: ReturnType<typeof createActivities>;
before(async () => {
  mail = await startMailCatcher();
  pool = await openTestDatabase();
  activities = createActivities(
    buildActivityDependencies({
      pool,
      smtpUrl: mail.smtpUrl,
      organisation: async () => defaultOrganisation,
      mailFrom: 'Samverkan <noreply@samverkan.test>',
      publicUrl: 'https://samverkan.exempel.se/',
      receiptSecret: testReceiptSecret,
    }),
  );
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

test("a digested escalation waits for the manager's digest, which a retry sends once", async () => {
  // Escalations other test files left undelivered would join this digest.
  await pool.query('DELETE FROM escalation_digest_item WHERE digest_key IS NULL');
  const first = notice({ digest: true });
  const queued = await activities.sendNotification(first);
  assert.equal(queued.queued, true);
  assert.equal((await activities.sendNotification(first)).queued, true, 'a retry queues it once');
  await activities.sendNotification(notice({ digest: true, caseRef: 'BU-2026-0043', protectedCase: true }));
  await activities.sendNotification(notice({ digest: true, to: 'sektorchef' }));
  await new Promise((resolve) => setTimeout(resolve, 300));
  assert.ok(!mail.messages().some((m) => m.messageId === queued.messageId), 'nothing is sent at once');

  const periodKey = `sammanfattning/${randomUUID()}`;
  const sent = await activities.sendEscalationDigests({ periodKey });
  assert.deepEqual(sent, { digests: 2, escalations: 3 });
  const again = await activities.sendEscalationDigests({ periodKey });
  assert.deepEqual(again, { digests: 0, escalations: 0 }, 'a retried digest sends nothing twice');

  const toChef = await mail.waitFor((m) => m.headers['x-samverkan-key'] === `${periodKey}/chef.bou@exempel.se`);
  assert.deepEqual(toChef.to, ['chef.bou@exempel.se']);
  assert.equal(toChef.subject, 'Sammanfattning: 2 försenade uppgifter att följa upp');
  assert.match(toChef.text, /- Barnavårdsutredning hos Barn- och ungdomsenheten, skulle vara klar 23 mars 2027 kl\. 23:59: https:\/\/samverkan\.exempel\.se\/cases\/BU-2026-0042/);
  assert.match(toChef.text, /- En uppgift i ett ärende med skyddade uppgifter hos Barn- och ungdomsenheten/);
  const toSektor = await mail.waitFor((m) => m.headers['x-samverkan-key'] === `${periodKey}/sektorchef.ifo@exempel.se`);
  assert.equal(toSektor.subject, 'Sammanfattning: 1 försenad uppgift att följa upp');
});
