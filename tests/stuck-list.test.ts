/* eslint-disable @typescript-eslint/no-explicit-any -- JSON answers are read as the client sees them */
// The stuck list on the real dev server with many open cases: answered from visibility,
// longest wait first, filtered by unit, and an enhetschef sees only the own unit's part.
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
import { startApiHarness, type ApiHarness } from './support/api-harness';
import { handoverContent } from './support/handover-content';

let h: ApiHarness;
beforeAll(async () => {
  // Anything waiting longer than two seconds counts as stuck, so that the test need not wait days.
  h = await startApiHarness({ stuckAfter: 'PT2S' });
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
