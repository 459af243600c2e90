/* eslint-disable @typescript-eslint/no-explicit-any -- JSON answers are read as the client sees them */
// The stuck list on the real dev server with many open cases: answered from its table in
// PostgreSQL (written by the items themselves), longest wait first, filtered by unit, and an
// enhetschef sees only the own unit's part; an older write never overwrites a newer one, and an
// item that ends leaves the list.
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import {
  CaseRefAttr,
  EscalationLevelAttr,
  ItemKindAttr,
  NextDeadlineAttr,
  UnitsAttr,
  WaitingForAttr,
  WaitingSinceAttr,
  WaitingUnitsAttr,
} from '../domain/search-attributes';
import { createPgWaitingItemStore, type WaitingItemRow } from '../infra/waiting-item-store';
import { startApiHarness, type ApiHarness } from './support/api-harness';
import { handoverContent } from './support/handover-content';
import { backfillStarted } from './support/waiting-items';

let h: ApiHarness;
beforeAll(async () => {
  // Anything waiting longer than two seconds counts as stuck, so that the test need not wait days.
  // A namespace of its own: the totals read the whole of it in the shared database.
  h = await startApiHarness({ stuckAfter: 'PT2S', namespace: `fastnat-${randomUUID().slice(0, 8)}` });
});
afterAll(async () => {
  await h?.close();
});

const call: ApiHarness['callAs'] = (...args) => h.callAs(...args);

const quietFlags = { vald: 'nej', barnIHushallet: false, hedersrelaterat: false, skyddadeUppgifter: false };
const CASES = 60;

test(`${CASES} open cases: the stuck list holds exactly the unanswered handovers, longest wait first, per unit`, async () => {
  const receivers = ['rvt', 'bou', 'resursenhet'];
  const expected = new Map<string, string>();
  const run = randomUUID().slice(0, 6);
  for (let i = 0; i < CASES; i++) {
    const caseRef = `FAST-${run}-${i}`;
    const opened = await call('POST', '/cases', { unit: 'mottagning' }, { caseRef, kind: 'barn', flags: quietFlags });
    expect(opened).toMatchObject({ status: 201 });
    const to = receivers[i % receivers.length]!;
    const sent = await call('POST', `/cases/${caseRef}/overlamningar`, { unit: 'mottagning' }, { till: to, innehall: handoverContent({ vald: 'nej' }) });
    expect(sent).toMatchObject({ status: 201 });
    // Every fourth handover is kvitterad at once: it is not stuck.
    if (i % 4 !== 0) {
      expected.set(sent.body.workflowId, to);
      continue;
    }
    const done = await call('POST', `/cases/${caseRef}/overlamningar/o1/svar`, { unit: to }, { typ: 'kvittera' });
    expect(done).toMatchObject({ status: 200 });
  }
  await new Promise((resolve) => setTimeout(resolve, 2500));

  const mine = (items: any[]) => items.filter((item) => item.caseRef.startsWith(`FAST-${run}-`));
  let all: any;
  for (let i = 0; i < 50; i++) {
    all = await call('GET', '/fastnat?limit=1000', { unit: 'ifo', role: 'sektorchef' });
    if (mine(all.body.items).length === expected.size) break;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  expect(all).toMatchObject({ status: 200 });
  const items = mine(all.body.items);
  // exactly the unanswered handovers
  expect(new Set(items.map((item: any) => item.workflowId))).toStrictEqual(new Set(expected.keys()));
  const since = items.map((item: any) => item.waitingSince);
  // longest wait first
  expect(since).toStrictEqual([...since].sort());
  const first = items[0];
  expect(first.kind).toBe('overlamning');
  expect(first.waitingFor).toBe('kvittens');
  expect(first.units).toStrictEqual(['mottagning', expected.get(first.workflowId)]);
  expect(first.summary).toMatch(/^Överlämning o1 från mottagning till /);
  expect(first.escalationLevel).toBe(0);
  // stuck by waiting time, not yet by deadline
  expect(first.overdue).toBe(false);

  const rvtChef = await call('GET', '/fastnat?limit=1000', { unit: 'rvt', role: 'enhetschef' });
  expect(rvtChef.status).toBe(200);
  const rvtItems = mine(rvtChef.body.items);
  expect(rvtItems.length).toBe([...expected.values()].filter((unit) => unit === 'rvt').length);
  // only the unit's own part
  expect(rvtItems.every((item: any) => item.waitingUnits.includes('rvt'))).toBeTruthy();

  const otherUnit = await call('GET', '/fastnat?enhet=bou', { unit: 'rvt', role: 'enhetschef' });
  // an enhetschef cannot ask for another unit's stuck items
  expect(otherUnit.status).toBe(403);
  expect(otherUnit.body.error.message).toMatch(/bara sin egen enhets del/);
  const worker = await call('GET', '/fastnat', { unit: 'rvt' });
  expect(worker.status).toBe(403);

  const bouBySektorchef = await call('GET', '/fastnat?enhet=bou&limit=1000', { unit: 'ifo', role: 'sektorchef' });
  expect(mine(bouBySektorchef.body.items).every((item: any) => expected.get(item.workflowId) === 'bou')).toBeTruthy();
  const escalated = await call('GET', '/fastnat?niva=1', { unit: 'ifo', role: 'sektorchef' });
  // nothing has been escalated yet
  expect(mine(escalated.body.items).length).toBe(0);
  const limited = await call('GET', '/fastnat?limit=5', { unit: 'ifo', role: 'sektorchef' });
  expect(limited.body.items.length).toBe(5);
  expect(limited.body.total).toBeGreaterThanOrEqual(expected.size);
  const badFilter = await call('GET', '/fastnat?typ=allt', { unit: 'ifo', role: 'sektorchef' });
  expect(badFilter.status).toBe(400);
  expect(badFilter.body.error.fields[0].field).toBe('typ');
});

test('with more stuck items than asked for, exactly the longest waits come back, oldest first', async () => {
  // Items waiting from 1 to 40 days, as the workflows publish them; no worker needs to run them.
  const now = Date.now();
  const run = randomUUID().slice(0, 6);
  const ages = Array.from({ length: 40 }, (_, i) => ((i * 17) % 40) + 1);
  for (const [i, days] of ages.entries()) {
    await h.env.client.workflow.start('handoverWorkflow', {
      taskQueue: `utan-worker-${run}`,
      workflowId: `arende-ALDER-${run}-${i}:overlamning-o1`,
      args: [],
      typedSearchAttributes: [
        { key: CaseRefAttr, value: `ALDER-${run}-${i}` },
        { key: ItemKindAttr, value: 'overlamning' },
        { key: UnitsAttr, value: ['mottagning', 'familjevard'] },
        { key: WaitingUnitsAttr, value: ['familjevard'] },
        { key: WaitingForAttr, value: 'kvittens' },
        { key: WaitingSinceAttr, value: new Date(now - days * 86_400_000 - i * 60_000) },
        { key: NextDeadlineAttr, value: new Date(now - days * 86_400_000 + 2 * 86_400_000) },
        { key: EscalationLevelAttr, value: 1 },
      ],
    });
  }
  await backfillStarted(h, ages.map((_, i) => `arende-ALDER-${run}-${i}:overlamning-o1`));
  const oldestFirst = ages.map((days, i) => ({ days, i })).sort((a, b) => b.days - a.days || b.i - a.i).map(({ i }) => `ALDER-${run}-${i}`);
  let listed: any;
  for (let i = 0; i < 50; i++) {
    listed = await call('GET', '/fastnat?enhet=familjevard&limit=7', { unit: 'ifo', role: 'sektorchef' });
    if (listed.body.total >= ages.length) break;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  expect(listed).toMatchObject({ status: 200 });
  expect(listed.body.total).toBe(ages.length);
  // the seven longest waits, oldest first
  expect(listed.body.items.map((item: any) => item.caseRef)).toStrictEqual(oldestFirst.slice(0, 7));
  expect(listed.body.items[0].waitedHours).toBe(40 * 24);
  for (const i of ages.keys()) await h.env.client.workflow.getHandle(`arende-ALDER-${run}-${i}:overlamning-o1`).terminate();
});

test('an older write of an item never overwrites a newer one, and the backfill never overwrites a workflow\'s', async () => {
  const store = createPgWaitingItemStore(h.pool);
  const run = randomUUID().slice(0, 6);
  const now = Date.now();
  const namespace = h.env.client.options.namespace;
  const row = (seq: number, waitingUnits: string[], level: number): WaitingItemRow => ({
    namespace,
    workflowId: `arende-SEQ-${run}:tvist-t1`,
    caseRef: `SEQ-${run}`,
    kind: 'tvist',
    units: ['bou', 'rvt'],
    waitingFor: 'beslut',
    waitingUnits,
    waitingSince: new Date(now - 10 * 86_400_000).toISOString(),
    nextDeadline: new Date(now - 86_400_000).toISOString(),
    escalationLevel: level,
    summary: 'Tvist t1 om overlamning o1 mellan bou, rvt',
    protectedCase: false,
    closed: false,
    seq,
  });
  const listed = async (unit: string) => (await call('GET', `/fastnat?enhet=${unit}&limit=1000`, { unit: 'ifo', role: 'sektorchef' })).body.items.filter((item: any) => item.caseRef === `SEQ-${run}`);
  expect(await store.record(row(2, ['sektor', 'bou'], 2))).toBe(true);
  // a retried first write arrives after the second: nothing changes
  expect(await store.record(row(1, ['sektor', 'rvt'], 1))).toBe(false);
  // nor does the backfill's
  expect(await store.record(row(0, ['sektor', 'rvt'], 0))).toBe(false);
  expect(await listed('bou')).toMatchObject([{ escalationLevel: 2, waitingUnits: ['sektor', 'bou'], overdue: true }]);
  expect(await listed('rvt')).toStrictEqual([]);
  expect(await store.record(row(3, ['sektor', 'rvt'], 2))).toBe(true);
  expect(await listed('rvt')).toMatchObject([{ escalationLevel: 2 }]);
  expect(await listed('bou')).toStrictEqual([]);
  // closed, then a late open write of before: it stays closed and listed nowhere
  expect(await store.record({ ...row(5, [], 2), waitingFor: null, waitingSince: null, closed: true })).toBe(true);
  expect(await store.record(row(4, ['sektor', 'rvt'], 2))).toBe(false);
  expect(await listed('rvt')).toStrictEqual([]);
  expect(await listed('sektor')).toStrictEqual([]);
  const all = await call('GET', '/fastnat?limit=1000', { unit: 'ifo', role: 'sektorchef' });
  expect(all.body.items.some((item: any) => item.caseRef === `SEQ-${run}`)).toBe(false);
});

test('a handover writes its waiting state itself, and leaves the list and the counts when it is kvitterad', async () => {
  const run = randomUUID().slice(0, 6);
  const caseRef = `SLUT-${run}`;
  expect(await call('POST', '/cases', { unit: 'mottagning' }, { caseRef, kind: 'barn', flags: quietFlags })).toMatchObject({ status: 201 });
  const sent = await call('POST', `/cases/${caseRef}/overlamningar`, { unit: 'mottagning' }, { till: 'familjevard', innehall: handoverContent({ vald: 'nej' }) });
  expect(sent).toMatchObject({ status: 201 });
  const rowOf = async () => (await h.pool.query('SELECT closed, seq, waiting_for, waiting_units FROM waiting_item WHERE namespace = $1 AND workflow_id = $2', [h.env.client.options.namespace, sent.body.workflowId])).rows[0];
  // written by the workflow (seq above the backfill's 0), without visibility
  for (let i = 0; i < 50 && !(await rowOf()); i++) await new Promise((resolve) => setTimeout(resolve, 100));
  expect(await rowOf()).toMatchObject({ closed: false, waiting_for: 'kvittens', waiting_units: ['familjevard'] });
  expect(Number((await rowOf()).seq)).toBeGreaterThan(0);
  const fvChef = { unit: 'familjevard', role: 'enhetschef' as const };
  const mine = (body: any) => body.items.filter((item: any) => item.caseRef === caseRef);
  // stuck once it has waited longer than two seconds
  await new Promise((resolve) => setTimeout(resolve, 2500));
  expect(mine((await call('GET', '/fastnat?limit=1000', fvChef)).body)).toMatchObject([{ workflowId: sent.body.workflowId, waitingFor: 'kvittens', summary: 'Överlämning o1 från mottagning till familjevard' }]);
  const before = (await call('GET', '/fastnat/antal', fvChef)).body.units[0];
  expect(before.stuck).toBeGreaterThan(0);
  expect(await call('POST', `/cases/${caseRef}/overlamningar/o1/svar`, { unit: 'familjevard' }, { typ: 'kvittera' })).toMatchObject({ status: 200 });
  // the workflow ends after its last write
  await h.env.client.workflow.getHandle(sent.body.workflowId).result();
  expect(await rowOf()).toMatchObject({ closed: true, waiting_units: [] });
  expect(mine((await call('GET', '/fastnat?limit=1000', fvChef)).body)).toStrictEqual([]);
  // one fewer stuck (the earlier tests' familjevård items are counted too)
  expect((await call('GET', '/fastnat/antal', fvChef)).body.units).toStrictEqual([{ ...before, stuck: before.stuck - 1 }]);
});

test('the backfill closes the rows of items that no longer run', async () => {
  const run = randomUUID().slice(0, 6);
  const workflowId = `arende-GONE-${run}:overlamning-o1`;
  await h.env.client.workflow.start('handoverWorkflow', {
    taskQueue: `utan-worker-${run}`,
    workflowId,
    args: [],
    typedSearchAttributes: [
      { key: CaseRefAttr, value: `GONE-${run}` },
      { key: ItemKindAttr, value: 'overlamning' },
      { key: UnitsAttr, value: ['mottagning', 'bou'] },
      { key: WaitingUnitsAttr, value: ['bou'] },
      { key: WaitingForAttr, value: 'kvittens' },
      { key: WaitingSinceAttr, value: new Date(Date.now() - 5 * 86_400_000) },
      { key: NextDeadlineAttr, value: new Date(Date.now() - 3 * 86_400_000) },
      { key: EscalationLevelAttr, value: 1 },
    ],
    memo: { summary: 'Överlämning o1 från mottagning till bou', tasks: [] },
  });
  await backfillStarted(h, [workflowId]);
  const listed = async () => (await call('GET', '/fastnat?enhet=bou&limit=1000', { unit: 'ifo', role: 'sektorchef' })).body.items.some((item: any) => item.workflowId === workflowId);
  expect(await listed()).toBe(true);
  // terminated: it writes nothing; a later backfill finds it gone (once its row is older than visibility's lag)
  await h.env.client.workflow.getHandle(workflowId).terminate();
  await h.pool.query(`UPDATE waiting_item SET updated_at = now() - interval '2 minutes' WHERE workflow_id = $1`, [workflowId]);
  for (let i = 0; i < 50 && (await h.env.client.workflow.count(`WorkflowId = '${workflowId}' AND ExecutionStatus = 'Running'`)).count > 0; i++) await new Promise((resolve) => setTimeout(resolve, 100));
  await backfillStarted(h, []);
  expect(await listed()).toBe(false);
});
