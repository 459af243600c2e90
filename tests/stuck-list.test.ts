/* eslint-disable @typescript-eslint/no-explicit-any -- JSON answers are read as the client sees them */
// The stuck list on the real dev server with many open cases: answered from visibility,
// longest wait first, filtered by unit, and an enhetschef sees only the own unit's part.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, test } from 'node:test';
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
before(async () => {
  // Anything waiting longer than two seconds counts as stuck, so that the test need not wait days.
  h = await startApiHarness({ stuckAfter: 'PT2S' });
});
after(async () => {
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
    assert.equal(opened.status, 201, JSON.stringify(opened.body));
    const to = receivers[i % receivers.length]!;
    const sent = await call('POST', `/cases/${caseRef}/overlamningar`, { unit: 'mottagning' }, { till: to, innehall: handoverContent() });
    assert.equal(sent.status, 201, JSON.stringify(sent.body));
    // Every fourth handover is kvitterad at once: it is not stuck.
    if (i % 4 === 0) {
      const done = await call('POST', `/cases/${caseRef}/overlamningar/o1/svar`, { unit: to }, { typ: 'kvittera' });
      assert.equal(done.status, 200, JSON.stringify(done.body));
    } else {
      expected.set(sent.body.workflowId, to);
    }
  }
  await new Promise((resolve) => setTimeout(resolve, 2500));

  const mine = (items: any[]) => items.filter((item) => item.caseRef.startsWith(`FAST-${run}-`));
  let all: any;
  for (let i = 0; i < 50; i++) {
    all = await call('GET', '/fastnat?limit=1000', { unit: 'ifo', role: 'sektorchef' });
    if (mine(all.body.items).length === expected.size) break;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  assert.equal(all.status, 200, JSON.stringify(all.body));
  const items = mine(all.body.items);
  assert.deepEqual(new Set(items.map((item: any) => item.workflowId)), new Set(expected.keys()), 'exactly the unanswered handovers');
  const since = items.map((item: any) => item.waitingSince);
  assert.deepEqual(since, [...since].sort(), 'longest wait first');
  const first = items[0];
  assert.equal(first.kind, 'overlamning');
  assert.equal(first.waitingFor, 'kvittens');
  assert.deepEqual(first.units, ['mottagning', expected.get(first.workflowId)]);
  assert.match(first.summary, /^Överlämning o1 från mottagning till /);
  assert.equal(first.escalationLevel, 0);
  assert.equal(first.overdue, false, 'stuck by waiting time, not yet by deadline');

  const rvtChef = await call('GET', '/fastnat?limit=1000', { unit: 'rvt', role: 'enhetschef' });
  assert.equal(rvtChef.status, 200);
  const rvtItems = mine(rvtChef.body.items);
  assert.equal(rvtItems.length, [...expected.values()].filter((unit) => unit === 'rvt').length);
  assert.ok(rvtItems.every((item: any) => item.waitingUnits.includes('rvt')), "only the unit's own part");

  const otherUnit = await call('GET', '/fastnat?enhet=bou', { unit: 'rvt', role: 'enhetschef' });
  assert.equal(otherUnit.status, 403, "an enhetschef cannot ask for another unit's stuck items");
  assert.match(otherUnit.body.error.message, /bara sin egen enhets del/);
  const worker = await call('GET', '/fastnat', { unit: 'rvt' });
  assert.equal(worker.status, 403);

  const bouBySektorchef = await call('GET', '/fastnat?enhet=bou&limit=1000', { unit: 'ifo', role: 'sektorchef' });
  assert.ok(mine(bouBySektorchef.body.items).every((item: any) => expected.get(item.workflowId) === 'bou'));
  const escalated = await call('GET', '/fastnat?niva=1', { unit: 'ifo', role: 'sektorchef' });
  assert.equal(mine(escalated.body.items).length, 0, 'nothing has been escalated yet');
  const limited = await call('GET', '/fastnat?limit=5', { unit: 'ifo', role: 'sektorchef' });
  assert.equal(limited.body.items.length, 5);
  assert.ok(limited.body.total >= expected.size);
  const badFilter = await call('GET', '/fastnat?typ=allt', { unit: 'ifo', role: 'sektorchef' });
  assert.equal(badFilter.status, 400);
  assert.equal(badFilter.body.error.fields[0].field, 'typ');
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
  assert.equal(listed.status, 200, JSON.stringify(listed.body));
  assert.equal(listed.body.total, ages.length);
  assert.deepEqual(listed.body.items.map((item: any) => item.caseRef), oldestFirst.slice(0, 7), 'the seven longest waits, oldest first');
  assert.equal(listed.body.items[0].waitedHours, 40 * 24);
  for (const i of ages.keys()) await h.env.client.workflow.getHandle(`arende-ALDER-${run}-${i}:overlamning-o1`).terminate();
});
