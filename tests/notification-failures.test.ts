// A mailbox that bounces for good (SMTP 550) on the real time-skipping server, a real worker and
// a real SMTP server: the failure is recorded once, not retried, and the rest of the escalation
// chain goes out; operators see it in GET /utskick/misslyckade. A 451 is still retried.
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { createActivities } from '../activities';
import { buildActivityDependencies } from '../workers/dependencies';
import { startApiHarness, type ApiHarness } from './support/api-harness';
import { demoSession } from './support/demo-session';
import { testReceiptSecret } from './support/database';
import { isFor, sentFor } from './support/mail';
import { skipTo } from './support/time';
import { itemByItemRules, startWorkflowHarness, type WorkflowHarness } from './support/workflow-harness';

let h: WorkflowHarness;
let api: ApiHarness;
beforeAll(async () => {
  h = await startWorkflowHarness({
    rules: itemByItemRules,
    // The mottagning's mailbox bounces for good; the rvt's answers "try later" once.
    mail: { refuseRecipients: { 'mottagning@exempel.se': { code: 550 }, 'rvt@exempel.se': { code: 451, times: 1 } } },
  });
  api = await startApiHarness();
  await skipTo(h.env, '2030-03-04T07:00:00Z');
});
afterAll(async () => {
  await h?.terminateAll();
  await h?.close();
  await api?.close();
});

/** The overview page's HTML as a demo user sees it. */
async function overviewAs(user: string): Promise<string> {
  const cookie = await demoSession(api.app, user, '/oversikt');
  const page = await api.app.inject({ method: 'GET', url: '/oversikt', headers: { cookie } });
  expect(page.statusCode).toBe(200);
  return page.body;
}

const failuresOf = async (caseRef: string) =>
  (await h.pool.query<{ key: string; response_code: number; response: string }>('SELECT key, response_code, response FROM notification_failure WHERE key LIKE $1 ORDER BY key', [`arende-${caseRef}/%`])).rows;

test('a unit mailbox that answers 550 is tried once and recorded; its enhetschef is told at the deadline all the same', async () => {
  const { caseRef, handle } = await h.startCase({ kind: 'barn' });
  // Past the skyddsbedömning's deadline (23:59 in Stockholm): the unit's and its enhetschef's escalation.
  await skipTo(h.env, '2030-03-04T23:00:30Z');
  const toChef = await h.mail.waitFor(isFor(caseRef, 'd1.r0.eskalering1'), 15_000);
  expect(toChef.to).toStrictEqual(['chef.mottagning@exempel.se']);
  await h.settled(handle);
  // Only the enhetschef's mail arrived; the unit's three (new task, reminder, escalation) bounced, each once.
  expect(sentFor(h.mail.messages(), caseRef)).toStrictEqual(['d1.r0.eskalering1']);
  expect(h.mail.refused().filter((r) => r.address === 'mottagning@exempel.se')).toHaveLength(3);
  const failures = await failuresOf(caseRef);
  expect(failures.map((f) => [f.key, f.response_code])).toStrictEqual([
    [`arende-${caseRef}/d1.r0.eskalering0`, 550],
    [`arende-${caseRef}/d1.r0.ny_uppgift0`, 550],
    [`arende-${caseRef}/d1.r0.paminnelse0`, 550],
  ]);
  // The reply is kept, without the address it may name.
  for (const f of failures) expect(f.response).not.toContain('@');

  // A retry of the activity after the recorded failure does not try again.
  const activities = createActivities(
    buildActivityDependencies({ pool: h.pool, smtpUrl: h.mail.smtpUrl, organisation: async () => (await import('../domain/organisation')).defaultOrganisation, mailFrom: 'noreply@samverkan.test', publicUrl: 'http://samverkan.test', receiptSecret: testReceiptSecret }),
  );
  const again = await activities.sendNotification({
    key: `arende-${caseRef}/d1.r0.eskalering0`,
    kind: 'eskalering',
    to: 'enhet',
    caseRef,
    unit: 'mottagning',
    deadlineKey: 'barn.skyddsbedomning',
    dueAt: '2030-03-04T22:59:59.999Z',
    protectedCase: false,
  });
  expect(again.failed).toStrictEqual({ code: 550 });
  expect(h.mail.refused().filter((r) => r.address === 'mottagning@exempel.se')).toHaveLength(3);

  // The alert list: the sektorchef, the samordnare and the mottagning's enhetschef see them; the rvt's enhetschef does not.
  const listed = async (caller: { unit: string; role: 'sektorchef' | 'samordnare' | 'enhetschef' }) => {
    const { status, body } = await api.callAs('GET', '/utskick/misslyckade', caller);
    expect(status).toBe(200);
    return (body.failures as { key: string; recipient: string; unit?: string; code: number; at: string }[]).filter((f) => f.key.startsWith(`arende-${caseRef}/`));
  };
  const bySektorchef = await listed({ unit: 'ifo', role: 'sektorchef' });
  expect(bySektorchef).toHaveLength(3);
  expect(bySektorchef[0]).toMatchObject({ recipient: 'mottagning@exempel.se', unit: 'mottagning', code: 550 });
  // newest first
  const times = bySektorchef.map((f) => Date.parse(f.at));
  expect([...times].sort((a, b) => b - a)).toStrictEqual(times);
  expect(await listed({ unit: 'ifo', role: 'samordnare' })).toHaveLength(3);
  expect(await listed({ unit: 'mottagning', role: 'enhetschef' })).toHaveLength(3);
  expect(await listed({ unit: 'rvt', role: 'enhetschef' })).toHaveLength(0);
  // The chefs' overview page shows them near the top, to the mottagning's enhetschef but not to the rvt's.
  expect(await overviewAs('demo-enhetschef-mottagning')).toContain('Misslyckade utskick');
  expect(await overviewAs('demo-enhetschef-rvt')).not.toContain('Misslyckade utskick');
  const byHandlaggare = await api.callAs('GET', '/utskick/misslyckade', { unit: 'mottagning', role: 'handlaggare' });
  expect(byHandlaggare.status).toBe(403);
  expect(byHandlaggare.body.error.message).toBe('Listan över misslyckade utskick är till för enhetschefer, sektorchef och samordnare');
});

test('a 451 is transient: retried with backoff, then delivered, and nothing is recorded', async () => {
  const { caseRef, handle } = await h.startCase({ kind: 'vuxen' });
  const announced = await h.mail.waitFor(isFor(caseRef, 'd1.r0.ny_uppgift0'), 20_000);
  expect(announced.to).toStrictEqual(['rvt@exempel.se']);
  await h.settled(handle);
  expect(h.mail.refused().filter((r) => r.address === 'rvt@exempel.se')).toStrictEqual([{ address: 'rvt@exempel.se', code: 451 }]);
  expect(sentFor(h.mail.messages(), caseRef).filter((k) => k === 'd1.r0.ny_uppgift0')).toHaveLength(1);
  expect(await failuresOf(caseRef)).toStrictEqual([]);
});
