/* eslint-disable @typescript-eslint/no-explicit-any -- JSON answers are read as the client sees them */
// Assignment turns a unit's group inbox into one person's work ("mina" / "enhetens"), and a case
// with protected identity (skyddade personuppgifter) is for the staff assigned to it and their
// managers only: to every other handläggare it does not exist (404, as for a case that does not
// exist), and their task list shows nothing of it. Through HTTP on the real dev server.
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { handoverContent } from './support/handover-content';
import { startApiHarness, type ApiHarness } from './support/api-harness';

let h: ApiHarness;
beforeAll(async () => {
  h = await startApiHarness();
});
afterAll(async () => {
  await h?.close();
});

const anna = { unit: 'mottagning', sub: 'anna' };
const bertil = { unit: 'mottagning', sub: 'bertil' };
const chef = { unit: 'mottagning', sub: 'chef-mottagning', role: 'enhetschef' as const };
const flags = { vald: 'ja', barnIHushallet: true, hedersrelaterat: false, skyddadeUppgifter: false };

/** The caller's task list, once visibility has caught up with what `ready` waits for. */
async function tasksOf(caller: typeof anna | typeof chef, ready: (tasks: any[]) => boolean, query = '') {
  for (let i = 0; i < 50; i++) {
    const { body } = await h.callAs('GET', `/tasks${query}`, caller);
    if (ready(body.tasks)) return body.tasks as any[];
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error('the task list did not show what was expected within 10 s');
}

test("a case is the opener's until the enhetschef gives it to someone else: mina and enhetens", async () => {
  const caseRef = `TD-${randomUUID().slice(0, 8)}`;
  const opened = await h.callAs('POST', '/cases', anna, { caseRef, kind: 'barn', flags: { ...flags, vald: 'nej', barnIHushallet: false } });
  expect(opened).toMatchObject({ status: 201 });
  expect(opened.body.assignments).toMatchObject([{ unit: 'mottagning', sub: 'anna' }]);
  const mine = await tasksOf(anna, (t) => t.some((x) => x.caseRef === caseRef), '?vy=mina');
  expect(mine.find((x) => x.caseRef === caseRef)).toMatchObject({ assignedTo: 'anna', unit: 'mottagning' });
  // Bertil sees it among the unit's tasks, not among his own.
  expect((await tasksOf(bertil, (t) => t.some((x) => x.caseRef === caseRef))).find((x) => x.caseRef === caseRef).assignedTo).toBe('anna');
  expect((await h.callAs('GET', '/tasks?vy=mina', bertil)).body.tasks.some((x: any) => x.caseRef === caseRef)).toBe(false);

  // Only the enhetschef assigns; a handläggare takes.
  expect((await h.callAs('POST', `/cases/${caseRef}/actions`, bertil, { type: 'tilldela', handlaggare: 'bertil' })).status).toBe(403);
  const given = await h.callAs('POST', `/cases/${caseRef}/actions`, chef, { type: 'tilldela', handlaggare: 'bertil' });
  expect(given).toMatchObject({ status: 200 });
  expect(given.body.assignments).toMatchObject([{ unit: 'mottagning', sub: 'bertil', by: 'chef-mottagning' }]);
  await tasksOf(bertil, (t) => t.some((x) => x.caseRef === caseRef), '?vy=mina');
  const taken = await h.callAs('POST', `/cases/${caseRef}/actions`, anna, { type: 'ta_arende' });
  expect(taken.body.assignments).toMatchObject([{ unit: 'mottagning', sub: 'anna', by: 'anna' }]);
  expect(taken.body.events.at(-1).summary).toBe('Ärendet tagit av anna för mottagning');
  expect((await h.callAs('GET', '/tasks?vy=nagon', anna)).status).toBe(400);
});

test('a protected case: only the assigned staff and their managers see it; to everyone else it does not exist', async () => {
  const caseRef = `SKY-${randomUUID().slice(0, 8)}`;
  const opened = await h.callAs('POST', '/cases', anna, { caseRef, kind: 'barn', flags: { ...flags, skyddadeUppgifter: true } });
  expect(opened).toMatchObject({ status: 201 });
  const sent = await h.callAs('POST', `/cases/${caseRef}/overlamningar`, anna, { till: 'rvt', innehall: handoverContent({ skyddadeUppgifter: 'skyddad_folkbokforing' }) });
  expect(sent).toMatchObject({ status: 201 });
  const unknown = await h.callAs('GET', `/cases/${caseRef}-finns-inte`, bertil);

  // Anna, who holds it, and the managers see it.
  expect((await h.callAs('GET', `/cases/${caseRef}`, anna)).status).toBe(200);
  for (const manager of [chef, { unit: 'ifo', role: 'sektorchef' as const }, { unit: 'rvt', role: 'enhetschef' as const }]) {
    expect({ manager, status: (await h.callAs('GET', `/cases/${caseRef}`, manager)).status }).toStrictEqual({ manager, status: 200 });
  }
  await tasksOf(chef, (t) => t.some((x) => x.caseRef === caseRef));
  await tasksOf(anna, (t) => t.some((x) => x.caseRef === caseRef));

  // Bertil in the same unit, and a handläggare of the receiving unit, get what a missing case gets.
  const rvtHandlaggare = { unit: 'rvt', sub: 'cecilia' };
  for (const other of [bertil, rvtHandlaggare]) {
    const read = await h.callAs('GET', `/cases/${caseRef}`, other);
    expect({ status: read.status, body: read.body }).toStrictEqual({ status: unknown.status, body: unknown.body });
    expect((await h.callAs('GET', `/cases/${caseRef}/overlamningar/${sent.body.id}`, other)).status).toBe(404);
    expect((await h.callAs('POST', `/cases/${caseRef}/actions`, other, { type: 'ta_arende' })).status).toBe(404);
    const tasks = (await h.callAs('GET', '/tasks', other)).body.tasks;
    expect(JSON.stringify(tasks)).not.toContain(caseRef);
  }

  // Given to Cecilia at RVT by her enhetschef, it is hers too.
  const given = await h.callAs('POST', `/cases/${caseRef}/actions`, { unit: 'rvt', role: 'enhetschef' }, { type: 'tilldela', handlaggare: 'cecilia' });
  expect(given).toMatchObject({ status: 200 });
  expect((await h.callAs('GET', `/cases/${caseRef}`, rvtHandlaggare)).status).toBe(200);
  const hers = await tasksOf(rvtHandlaggare, (t) => t.some((x) => x.caseRef === caseRef));
  expect(hers.find((x) => x.caseRef === caseRef).unit).toBe('rvt');
  expect((await h.callAs('GET', `/cases/${caseRef}`, bertil)).status).toBe(404);
});
