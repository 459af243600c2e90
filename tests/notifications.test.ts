// The notification activity against a real SMTP server and the real database: it sends to
// the right address, never twice for the same key, and says nothing about the people.
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { randomUUID } from 'node:crypto';
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
beforeAll(async () => {
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
afterAll(async () => {
  await mail.close();
  await pool.end();
});

const notice = (overrides: Partial<NotificationInput> = {}): NotificationInput => ({
  key: `arende-T-1/${randomUUID()}`,
  kind: 'eskalering',
  to: 'enhetschef',
  caseRef: 'BU-2026-0042',
  unit: 'bou',
  deadlineKey: 'barn.utredning',
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
  expect(first.duplicate).toBe(false);
  expect(retry.duplicate).toBe(true);
  expect(retry.messageId).toBe(first.messageId);
  await mail.waitFor((m) => m.messageId === first.messageId);
  await new Promise((resolve) => setTimeout(resolve, 300));
  expect(mail.messages().filter((m) => m.messageId === first.messageId).length).toBe(1);
  const logged = await pool.query('SELECT recipient FROM notification_log WHERE key = $1', [input.key]);
  expect(logged.rows).toStrictEqual([{ recipient: 'chef.bou@exempel.se' }]);
});

test('an escalation reaches the enhetschef, then the sektorchef, with what, by when and a link', async () => {
  const toChef = await activities.sendNotification(notice());
  expect(toChef.recipient).toBe('chef.bou@exempel.se');
  const toSektor = await activities.sendNotification(notice({ to: 'sektorchef' }));
  expect(toSektor.recipient).toBe('sektorchef.ifo@exempel.se');
  const received = await mail.waitFor((m) => m.messageId === toSektor.messageId);
  expect(received.subject).toBe('Eskalering till sektorchef: försenad uppgift hos Barn- och ungdomsenheten');
  // the task's general kind, never its title or citation
  expect(received.text).toMatch(/Vad: Utredning$/m);
  expect(received.text).not.toContain('Barnavårdsutredning');
  expect(received.text).not.toContain('11 kap. 2 §');
  expect(received.text).toMatch(/Senast: 23 mars 2027 kl\. 23:59/);
  expect(received.text).toMatch(/Öppna i Samverkan: https:\/\/samverkan\.exempel\.se\/arenden\/BU-2026-0042/);
});

test('a case with skyddade personuppgifter gets the same mail as any other: nothing tells it apart', async () => {
  const sent = await activities.sendNotification(notice({ kind: 'ny_uppgift', to: 'enhet', protectedCase: true }));
  const plain = await activities.sendNotification(notice({ kind: 'ny_uppgift', to: 'enhet' }));
  const received = await mail.waitFor((m) => m.messageId === sent.messageId);
  const other = await mail.waitFor((m) => m.messageId === plain.messageId);
  expect(received.subject).toBe('Ny uppgift för Barn- och ungdomsenheten: Utredning');
  expect([received.subject, received.text]).toStrictEqual([other.subject, other.text]);
  expect(received.text).not.toContain('Barnavårdsutredning');
  expect(received.text).not.toContain('Lagstöd');
  expect(received.subject + received.text).not.toMatch(/skydd/i);
});

test('an unknown unit is a non-retryable failure, not a silent drop', async () => {
  await expect(activities.sendNotification(notice({ unit: 'okand' }))).rejects.toThrow(/Enheten okand finns inte/);
});

test("a digested escalation waits for the manager's digest, which a retry sends once", async () => {
  // Escalations other test files left undelivered would join this digest.
  await pool.query('DELETE FROM escalation_digest_item WHERE digest_key IS NULL');
  const first = notice({ digest: true });
  const queued = await activities.sendNotification(first);
  expect(queued.queued).toBe(true);
  // a retry queues it once
  expect((await activities.sendNotification(first)).queued).toBe(true);
  await activities.sendNotification(notice({ digest: true, caseRef: 'BU-2026-0043', protectedCase: true }));
  await activities.sendNotification(notice({ digest: true, to: 'sektorchef' }));
  await new Promise((resolve) => setTimeout(resolve, 300));
  // nothing is sent at once
  expect(!mail.messages().some((m) => m.messageId === queued.messageId)).toBeTruthy();

  const periodKey = `sammanfattning/${randomUUID()}`;
  const sent = await activities.sendEscalationDigests({ periodKey });
  expect(sent).toStrictEqual({ digests: 2, escalations: 3, failed: 0 });
  const again = await activities.sendEscalationDigests({ periodKey });
  // a retried digest sends nothing twice
  expect(again).toStrictEqual({ digests: 0, escalations: 0, failed: 0 });

  const toChef = await mail.waitFor((m) => m.headers['x-samverkan-key'] === `${periodKey}/chef.bou@exempel.se`);
  expect(toChef.to).toStrictEqual(['chef.bou@exempel.se']);
  expect(toChef.subject).toBe('Sammanfattning: 2 försenade uppgifter att följa upp');
  expect(toChef.text).toMatch(/- Utredning hos Barn- och ungdomsenheten, skulle vara klar 23 mars 2027 kl\. 23:59: https:\/\/samverkan\.exempel\.se\/arenden\/BU-2026-0042$/m);
  // the protected case's line reads as any other's
  expect(toChef.text).toMatch(/- Utredning hos Barn- och ungdomsenheten, skulle vara klar 23 mars 2027 kl\. 23:59: https:\/\/samverkan\.exempel\.se\/arenden\/BU-2026-0043$/m);
  expect(toChef.text).not.toContain('Barnavårdsutredning');
  const toSektor = await mail.waitFor((m) => m.headers['x-samverkan-key'] === `${periodKey}/sektorchef.ifo@exempel.se`);
  expect(toSektor.subject).toBe('Sammanfattning: 1 försenad uppgift att följa upp');
});

test('a notification claimed by an attempt still at the mail server is not sent twice at once; one a stopped worker left is sent again, once', async () => {
  const input = notice();
  // Another attempt holds the claim (it is talking to the mail server): this one is retried later.
  await pool.query(`INSERT INTO notification_claim (key, lease_until) VALUES ($1, now() + interval '1 minute')`, [input.key]);
  await expect(activities.sendNotification(input)).rejects.toMatchObject({ type: 'UTSKICK_PAGAR' });
  // The worker holding it stopped: its lease runs out and the retry sends it, with the stable Message-ID.
  await pool.query(`UPDATE notification_claim SET lease_until = now() - interval '1 second' WHERE key = $1`, [input.key]);
  const sent = await activities.sendNotification(input);
  expect(sent.duplicate).toBe(false);
  await mail.waitFor((m) => m.messageId === sent.messageId);
  expect((await activities.sendNotification(input)).duplicate).toBe(true);
  await new Promise((resolve) => setTimeout(resolve, 300));
  expect(mail.messages().filter((m) => m.messageId === sent.messageId)).toHaveLength(1);
  // Confirmed: the claim is gone and the log has it.
  expect((await pool.query('SELECT 1 FROM notification_claim WHERE key = $1', [input.key])).rowCount).toBe(0);
  expect((await pool.query('SELECT 1 FROM notification_log WHERE key = $1', [input.key])).rowCount).toBe(1);
});

test("each manager's digest is delivered on its own: a 550 is recorded, a 452 is retried alone, the others go out", async () => {
  const bouncing = await startMailCatcher({ refuseRecipients: { 'chef.bou@exempel.se': { code: 550 }, 'chef.rvt@exempel.se': { code: 452, times: 1 } } });
  try {
    const own = createActivities(
      buildActivityDependencies({ pool, smtpUrl: bouncing.smtpUrl, organisation: async () => defaultOrganisation, mailFrom: 'noreply@samverkan.test', publicUrl: 'https://samverkan.exempel.se/', receiptSecret: testReceiptSecret }),
    );
    await pool.query('DELETE FROM escalation_digest_item WHERE digest_key IS NULL');
    for (const unit of ['bou', 'rvt', 'mottagning']) await own.sendNotification(notice({ digest: true, unit }));
    const periodKey = `sammanfattning/${randomUUID()}`;
    // The rvt's chef answers "try later": the activity fails for that one digest only.
    await expect(own.sendEscalationDigests({ periodKey })).rejects.toMatchObject({ responseCode: 452 });
    const delivered = () => bouncing.messages().map((m) => m.to[0]).sort();
    expect(delivered()).toStrictEqual(['chef.mottagning@exempel.se']);
    const failures = await pool.query('SELECT key, response_code FROM notification_failure WHERE key LIKE $1', [`${periodKey}/%`]);
    expect(failures.rows).toStrictEqual([{ key: `${periodKey}/chef.bou@exempel.se`, response_code: 550 }]);
    // The retry sends the rvt's alone: nothing twice, the bounced one not again.
    expect(await own.sendEscalationDigests({ periodKey })).toStrictEqual({ digests: 1, escalations: 1, failed: 0 });
    await bouncing.waitFor((m) => m.to[0] === 'chef.rvt@exempel.se');
    expect(delivered()).toStrictEqual(['chef.mottagning@exempel.se', 'chef.rvt@exempel.se']);
    expect(bouncing.refused().filter((r) => r.address === 'chef.bou@exempel.se')).toHaveLength(1);
  } finally {
    await bouncing.close();
  }
});
