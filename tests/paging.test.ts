/* eslint-disable @typescript-eslint/no-explicit-any -- JSON answers are read as the client sees them */
// Paged lists on the real dev server: GET /tasks, GET /fastnat (its table, filled here by the
// backfill from items started without a worker) and GET /cases give every item
// once, in order, a page at a time; a cursor the API did not hand out is a 400 at `cursor`; the
// case list hides other units' cases and protected cases, as reading them would.
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { DateTime } from 'luxon';
import type { CaseMemo, MemoTask } from '../domain/case';
import {
  CaseKindAttr,
  CaseRefAttr,
  EscalationLevelAttr,
  ItemKindAttr,
  NextDeadlineAttr,
  OverdueAttr,
  UnitsAttr,
  WaitingForAttr,
  WaitingSinceAttr,
  WaitingUnitsAttr,
} from '../domain/search-attributes';
import { startApiHarness, type ApiHarness } from './support/api-harness';
import { DAY, HOUR } from './support/time';
import { backfillStarted } from './support/waiting-items';

let h: ApiHarness;
beforeAll(async () => {
  // A namespace of its own: the counts per unit read the whole of it in the shared database.
  h = await startApiHarness({ namespace: `sidor-${randomUUID().slice(0, 8)}` });
});
afterAll(async () => {
  await h?.close();
});

const call: ApiHarness['callAs'] = (...args) => h.callAs(...args);
const byText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** Asks until `ready` holds of the answer: visibility shows a change after a moment. */
async function until(ask: () => Promise<{ status: number; body: Record<string, any> }>, ready: (body: Record<string, any>) => boolean) {
  let answer = await ask();
  for (let i = 0; i < 75 && !(answer.status === 200 && ready(answer.body)); i++) {
    await new Promise((resolve) => setTimeout(resolve, 200));
    answer = await ask();
  }
  expect({ status: answer.status, ready: ready(answer.body) }).toStrictEqual({ status: 200, ready: true });
  return answer.body;
}

/** Every page of a list, following nextCursor; checks that no page is longer than asked. */
async function allPages(url: string, caller: Parameters<ApiHarness['callAs']>[2], key: string, limit: number) {
  const items: any[] = [];
  const pages: number[] = [];
  let cursor: string | undefined;
  do {
    const separator = url.includes('?') ? '&' : '?';
    const page = await call('GET', `${url}${separator}limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`, caller);
    expect(page.status).toBe(200);
    expect(page.body[key].length).toBeLessThanOrEqual(limit);
    pages.push(page.body[key].length);
    items.push(...page.body[key]);
    cursor = page.body.nextCursor;
    expect(pages.length).toBeLessThan(100);
  } while (cursor);
  return { items, pages };
}

test('GET /tasks pages through every task once, most urgent first, ties by workflow and task id', async () => {
  // Case and handover workflows as the real ones publish them, with no worker: familjevård's
  // tasks, and other units' tasks that are due earlier (so NextDeadline is not familjevård's).
  const run = randomUUID().slice(0, 6);
  const now = Date.now();
  const taskQueue = `utan-worker-${run}`;
  const expected: { workflowId: string; taskId: string; dueAt: string; assignedTo?: string }[] = [];
  for (let i = 0; i < 24; i++) {
    const caseRef = `SIDA-${run}-${String(i).padStart(2, '0')}`;
    // Due from five days ago to two weeks ahead; every fourth at one and the same moment, and
    // the even ones have a second task due then too. One is written with Stockholm's offset.
    const moment = i % 4 === 0 ? now + DAY : now + (((i * 7) % 19) - 5) * DAY + i * HOUR;
    const dueAt = i === 5 ? DateTime.fromMillis(moment, { zone: 'Europe/Stockholm' }).toISO()! : new Date(moment).toISOString();
    const tasks: MemoTask[] = [{ id: 'a', title: 'Utredning att slutföra', unit: 'familjevard', dueAt, escalationLevel: 0, ...(i % 3 === 0 ? { assignedTo: 'fv-anna' } : {}) }];
    if (i % 2 === 0) tasks.push({ id: 'b', title: 'Uppföljning att göra', unit: 'familjevard', dueAt, escalationLevel: 0 });
    if (i % 3 !== 2) tasks.push({ id: 'c', title: 'Annan enhets uppgift', unit: 'bou', dueAt: new Date(moment - 3 * DAY).toISOString(), escalationLevel: 1 });
    const item = i % 5 === 4;
    const workflowId = item ? `arende-${caseRef}:overlamning-o1` : `arende-${caseRef}`;
    for (const task of tasks.filter((t) => t.unit === 'familjevard')) expected.push({ workflowId, taskId: task.id, dueAt: task.dueAt, ...(task.assignedTo ? { assignedTo: task.assignedTo } : {}) });
    await h.env.client.workflow.start(item ? 'handoverWorkflow' : 'caseWorkflow', {
      taskQueue,
      workflowId,
      args: [],
      typedSearchAttributes: [
        { key: CaseRefAttr, value: caseRef },
        ...(item ? [{ key: ItemKindAttr, value: 'overlamning' }] : [{ key: CaseKindAttr, value: 'barn' }]),
        { key: UnitsAttr, value: ['bou', 'familjevard'] },
        { key: WaitingUnitsAttr, value: [...new Set(tasks.map((t) => t.unit))] },
        { key: NextDeadlineAttr, value: new Date(Math.min(...tasks.map((t) => Date.parse(t.dueAt)))) },
      ],
      memo: { tasks } satisfies CaseMemo,
    });
  }
  expected.sort((a, b) => Date.parse(a.dueAt) - Date.parse(b.dueAt) || byText(a.workflowId, b.workflowId) || byText(a.taskId, b.taskId));
  const anna = { unit: 'familjevard', sub: 'fv-anna' };
  const mine = (items: any[]) => items.filter((t) => t.caseRef.startsWith(`SIDA-${run}-`));
  await until(
    () => call('GET', '/tasks?limit=200', anna),
    (body) => mine(body.tasks).length === expected.length,
  );

  const { items, pages } = await allPages('/tasks', anna, 'tasks', 4);
  // every task once, in due order, across pages of four
  expect(items.map((t) => [t.workflowId, t.taskId])).toStrictEqual(expected.map((t) => [t.workflowId, t.taskId]));
  expect(pages.slice(0, -1).every((n) => n === 4)).toBe(true);
  expect(items.every((t) => t.unit === 'familjevard')).toBe(true);
  expect(items.find((t) => t.taskId === 'a' && t.workflowId.endsWith('-00'))).toMatchObject({ title: 'Utredning att slutföra', assignedTo: 'fv-anna', escalationLevel: 0 });
  const overdue = items.filter((t) => t.overdue);
  expect(overdue.length).toBeGreaterThan(0);
  expect(overdue.every((t) => Date.parse(t.dueAt) <= Date.now())).toBe(true);

  const own = await allPages('/tasks?vy=mina', anna, 'tasks', 3);
  // vy=mina pages through the caller's own tasks only
  expect(own.items.map((t) => [t.workflowId, t.taskId])).toStrictEqual(expected.filter((t) => t.assignedTo === 'fv-anna').map((t) => [t.workflowId, t.taskId]));

  const first = await call('GET', '/tasks?limit=5', anna);
  expect(first.body.tasks.length).toBe(5);
  expect(typeof first.body.nextCursor).toBe('string');
  const second = await call('GET', `/tasks?limit=5&cursor=${first.body.nextCursor}`, anna);
  // the next page starts right after the cursor
  expect(second.body.tasks[0]).toMatchObject({ workflowId: expected[5]!.workflowId, taskId: expected[5]!.taskId });
  const everything = await call('GET', '/tasks?limit=200', anna);
  // one page with all of it has no next page
  expect(everything.body.nextCursor).toBeUndefined();

  for (const cursor of ['inte-en-markor!', 'e30', Buffer.from('{"d":"igår","w":"x","t":"a"}').toString('base64url'), Buffer.from('[1,2]').toString('base64url')]) {
    const bad = await call('GET', `/tasks?cursor=${encodeURIComponent(cursor)}`, anna);
    expect({ cursor, status: bad.status, code: bad.body.error.code, field: bad.body.error.fields[0]?.field }).toStrictEqual({ cursor, status: 400, code: 'OGILTIG_UPPGIFT', field: 'cursor' });
    expect(bad.body.error.message).toMatch(/sidmarkör/);
  }
  for (const limit of ['0', '201', 'tio']) {
    const bad = await call('GET', `/tasks?limit=${limit}`, anna);
    expect({ limit, status: bad.status, field: bad.body.error.fields[0]?.field }).toStrictEqual({ limit, status: 400, field: 'limit' });
  }
  for (const [i] of Array.from({ length: 24 }).entries()) {
    const caseRef = `SIDA-${run}-${String(i).padStart(2, '0')}`;
    await h.env.client.workflow.getHandle(i % 5 === 4 ? `arende-${caseRef}:overlamning-o1` : `arende-${caseRef}`).terminate();
  }
});

test('GET /fastnat pages through the stuck items, longest wait first, and GET /fastnat/antal counts them per unit', async () => {
  const run = randomUUID().slice(0, 6);
  const now = Date.now();
  const ids: string[] = [];
  for (let i = 0; i < 23; i++) {
    // Waiting 4 to 15 days; every third began at the same moment as the one before it.
    const k = i % 3 === 2 ? i - 1 : i;
    const since = now - (4 + ((k * 5) % 11)) * DAY - k * 60_000;
    const overdue = i % 2 === 0;
    const workflowId = `arende-FAST-${run}-${i}:overlamning-o1`;
    ids.push(workflowId);
    await h.env.client.workflow.start('handoverWorkflow', {
      taskQueue: `utan-worker-${run}`,
      workflowId,
      args: [],
      typedSearchAttributes: [
        { key: CaseRefAttr, value: `FAST-${run}-${i}` },
        { key: ItemKindAttr, value: 'overlamning' },
        { key: UnitsAttr, value: ['mottagning', 'resursenhet'] },
        { key: WaitingUnitsAttr, value: ['resursenhet'] },
        { key: WaitingForAttr, value: 'kvittens' },
        { key: WaitingSinceAttr, value: new Date(since) },
        { key: NextDeadlineAttr, value: new Date(overdue ? now - HOUR : now + 5 * DAY) },
        { key: EscalationLevelAttr, value: overdue ? 1 + (i % 3) : 0 },
        { key: OverdueAttr, value: overdue },
      ],
      memo: { summary: `Överlämning o1 från mottagning till resursenhet`, tasks: [] },
    });
  }
  await backfillStarted(h, ids);
  const sektorchef = { unit: 'ifo', role: 'sektorchef' as const };
  await until(
    () => call('GET', '/fastnat?enhet=resursenhet', sektorchef),
    (body) => body.total === ids.length,
  );
  const { items, pages } = await allPages('/fastnat?enhet=resursenhet', sektorchef, 'items', 5);
  expect(pages).toStrictEqual([5, 5, 5, 5, 3]);
  // every item once, longest wait first, ties by workflow id
  expect(new Set(items.map((item) => item.workflowId))).toStrictEqual(new Set(ids));
  const order = [...items].sort((a, b) => byText(a.waitingSince, b.waitingSince) || byText(a.workflowId, b.workflowId));
  expect(items.map((item) => item.workflowId)).toStrictEqual(order.map((item) => item.workflowId));
  // there are ties, and they were kept in order across pages
  expect(new Set(items.map((item) => item.waitingSince)).size).toBeLessThan(ids.length);
  const page = await call('GET', '/fastnat?enhet=resursenhet&limit=5', sektorchef);
  // the total is the whole list's, not the page's
  expect(page.body.total).toBe(ids.length);
  const bad = await call('GET', '/fastnat?cursor=trasig', sektorchef);
  expect({ status: bad.status, field: bad.body.error.fields[0]?.field }).toStrictEqual({ status: 400, field: 'cursor' });

  const chef = await call('GET', '/fastnat/antal', { unit: 'resursenhet', role: 'enhetschef' });
  // an enhetschef: the own unit only
  expect(chef).toMatchObject({ status: 200, body: { units: [{ unit: 'resursenhet', stuck: ids.length, overdue: 12, maxLevel: 3 }] } });
  const all = await call('GET', '/fastnat/antal', sektorchef);
  expect(all.status).toBe(200);
  expect(all.body.units.map((u: any) => u.unit)).toStrictEqual(['mottagning', 'rvt', 'bou', 'resursenhet', 'familjevard', 'kvinnojour', 'manscentrum', 'polis', 'vard', 'sektor']);
  expect(all.body.units.find((u: any) => u.unit === 'resursenhet')).toStrictEqual({ unit: 'resursenhet', stuck: ids.length, overdue: 12, maxLevel: 3 });
  expect(all.body.units.find((u: any) => u.unit === 'polis')).toStrictEqual({ unit: 'polis', stuck: 0, overdue: 0, maxLevel: 0 });
  const worker = await call('GET', '/fastnat/antal', { unit: 'resursenhet' });
  // the same role rule as the list
  expect(worker.status).toBe(403);
  expect(worker.body.error.message).toMatch(/enhetschefer, sektorchef och samordnare/);
  for (const id of ids) await h.env.client.workflow.getHandle(id).terminate();
});

test('GET /cases lists the open cases the caller may see, newest opened first, a page at a time', async () => {
  const run = randomUUID().slice(0, 6);
  const anna = { unit: 'mottagning', sub: 'anna' };
  const bertil = { unit: 'mottagning', sub: 'bertil' };
  const quiet = { vald: 'nej', barnIHushallet: false, hedersrelaterat: false, skyddadeUppgifter: false };
  const refs: string[] = [];
  for (let i = 0; i < 5; i++) {
    const caseRef = `LISTA-${run}-${i}`;
    // the fourth has skyddade personuppgifter: Anna, who opened it, holds it
    const opened = await call('POST', '/cases', anna, { caseRef, kind: 'barn', flags: { ...quiet, skyddadeUppgifter: i === 3 } });
    expect(opened).toMatchObject({ status: 201 });
    refs.push(caseRef);
  }
  // one case RVT opens, in which mottagningen has no part
  const rvtRef = `LISTA-${run}-rvt`;
  expect(await call('POST', '/cases', { unit: 'rvt' }, { caseRef: rvtRef, kind: 'vuxen', flags: quiet })).toMatchObject({ status: 201 });
  const ours = (cases: any[]) => cases.filter((c) => c.caseRef.startsWith(`LISTA-${run}-`)).map((c) => c.caseRef);
  const newestFirst = [...refs].reverse();
  await until(
    () => call('GET', '/cases?limit=200', { unit: 'ifo', role: 'sektorchef' }),
    (body) => ours(body.cases).length === refs.length + 1 && body.cases.every((c: any) => c.phase !== ''),
  );

  const asAnna = await allPages('/cases', anna, 'cases', 2);
  // newest first, each once, two at a time, and not RVT's case
  expect(ours(asAnna.items)).toStrictEqual(newestFirst);
  expect(asAnna.pages.slice(0, -1).every((n) => n === 2)).toBe(true);
  const asBertil = await allPages('/cases', bertil, 'cases', 2);
  // the protected case is not there for Bertil, and his pages are full all the same
  expect(ours(asBertil.items)).toStrictEqual(newestFirst.filter((ref) => ref !== refs[3]));
  expect(asBertil.pages.slice(0, -1).every((n) => n === 2)).toBe(true);
  const asChef = await allPages('/cases', { unit: 'mottagning', role: 'enhetschef' }, 'cases', 3);
  expect(ours(asChef.items)).toStrictEqual(newestFirst);
  const asRvt = await allPages('/cases', { unit: 'rvt', sub: 'rvt-user' }, 'cases', 50);
  // another unit's cases do not show
  expect(ours(asRvt.items)).toStrictEqual([rvtRef]);
  const asSamordnare = await allPages('/cases', { unit: 'ifo', role: 'samordnare' }, 'cases', 4);
  expect(ours(asSamordnare.items)).toStrictEqual([rvtRef, ...newestFirst]);

  const item = asAnna.items.find((c) => c.caseRef === refs[0]);
  expect(item).toMatchObject({ caseRef: refs[0], kind: 'barn', phase: 'skyddsbedomning', units: ['mottagning'], waitingUnits: ['mottagning'], overdue: false });
  expect(Date.parse(item.nextDeadline)).toBeGreaterThan(Date.now());
  expect(Date.parse(item.openedAt)).toBeLessThanOrEqual(Date.now());
  expect(Object.keys(item).sort()).toStrictEqual(['caseRef', 'kind', 'nextDeadline', 'openedAt', 'overdue', 'phase', 'units', 'waitingUnits']);

  // filters on kind and phase
  expect(ours((await allPages('/cases?typ=vuxen', { unit: 'ifo', role: 'sektorchef' }, 'cases', 50)).items)).toStrictEqual([rvtRef]);
  expect(ours((await allPages('/cases?fas=skyddsbedomning', { unit: 'ifo', role: 'sektorchef' }, 'cases', 50)).items)).toStrictEqual(newestFirst);
  expect(ours((await allPages('/cases?fas=utredning', { unit: 'ifo', role: 'sektorchef' }, 'cases', 50)).items)).toStrictEqual([]);

  const badFilter = await call('GET', '/cases?fas=kanske', anna);
  expect({ status: badFilter.status, field: badFilter.body.error.fields[0]?.field }).toStrictEqual({ status: 400, field: 'fas' });
  for (const cursor of ['trasig!', Buffer.from('inte json').toString('base64url'), Buffer.from('{"CloseTime":"igår"}').toString('base64url'), Buffer.from('{"RunID":5}').toString('base64url')]) {
    const bad = await call('GET', `/cases?cursor=${encodeURIComponent(cursor)}`, anna);
    expect({ cursor, status: bad.status, field: bad.body.error.fields[0]?.field }).toStrictEqual({ cursor, status: 400, field: 'cursor' });
  }
});
