// Outsourced insatser on the real time-skipping test server: an insats another unit performs gives
// that provider its own tasks (confirm the start, then report at each follow-up interval), whose
// misses reach the provider and then the deciding unit's enhetschef; the deciding unit's case
// shows the provider's reports; only the provider may report.
import { afterAll, afterEach, beforeAll, expect, test } from '@jest/globals';
import type { CaseView } from '../domain/case';
import { isFor, sentFor } from './support/mail';
import { refused } from './support/refusals';
import { skipTo } from './support/time';
import { attemptAction, itemByItemRules, performAction, startWorkflowHarness, type WorkflowHarness } from './support/workflow-harness';

let h: WorkflowHarness;
beforeAll(async () => {
  h = await startWorkflowHarness({ rules: itemByItemRules });
  await skipTo(h.env, '2030-03-04T07:00:00Z');
});
afterEach(async () => {
  await h.terminateAll();
});
afterAll(async () => {
  await h?.close();
});

const attempt = attemptAction;
const act = performAction;
const openOf = (view: CaseView, key: string) => view.openTasks.filter((d) => d.key === key);

async function childAtInsatser() {
  const child = await h.startCase({ kind: 'barn' });
  await act(child.handle, 'mottagning', { type: 'skyddsbedomning', skyddsbehov: 'ej_akut' });
  await act(child.handle, 'mottagning', { type: 'forhandsbedomning', beslut: 'inled_utredning' });
  await act(child.handle, 'bou', { type: 'avsluta_utredning', beslut: 'insatser' });
  return child;
}

test("BoU decides Trappan, performed by resursenheten: resursenheten confirms the start and reports at each interval; a missed confirmation or report reaches it, then BoU's enhetschef", async () => {
  const { caseRef, handle } = await childAtInsatser();
  const decided = await act(handle, 'bou', { type: 'besluta_insats', insats: 'trappan', utforare: 'resursenhet' });
  const [start] = openOf(decided, 'utforare_start');
  expect(start).toMatchObject({ title: 'Bekräfta att insatsen har startat', unit: 'resursenhet', managerUnit: 'bou', insatsId: 'i1' });
  // Five working days: Monday 4 March to Monday 11 March.
  expect(start!.dueAt).toBe('2030-03-11T22:59:59.999Z');
  // The owner's own follow-up is still there, apart from the provider's task.
  expect(openOf(decided, 'uppfoljning').map((d) => d.unit)).toStrictEqual(['bou']);

  await skipTo(h.env, '2030-03-11T23:00:30Z');
  const late = await h.mail.waitFor(isFor(caseRef, `${start!.id}.r0.eskalering0`));
  expect(late.to).toStrictEqual(['resursenhet@exempel.se']);
  expect(sentFor(h.mail.messages(), caseRef)).not.toContain(`${start!.id}.r0.eskalering1`);
  await skipTo(h.env, '2030-03-12T23:01:00Z');
  const toOwnersChef = await h.mail.waitFor(isFor(caseRef, `${start!.id}.r0.eskalering1`));
  expect(toOwnersChef.to).toStrictEqual(['chef.bou@exempel.se']);

  // Only the provider reports; and it confirms the start before anything else.
  await expect(refused(attempt(handle, 'bou', { type: 'rapport_utforare', insatsId: 'i1', status: 'startad' }))).resolves.toMatchObject({ type: 'EJ_BEHORIG' });
  await expect(refused(attempt(handle, 'resursenhet', { type: 'rapport_utforare', insatsId: 'i1', status: 'pagaende' }))).resolves.toMatchObject({ type: 'FEL_FAS' });
  const started = await act(handle, 'resursenhet', { type: 'rapport_utforare', insatsId: 'i1', status: 'startad' });
  expect(started.deadlines.find((d) => d.id === start!.id)).toMatchObject({ status: 'done' });
  const [report] = openOf(started, 'utforare_rapport');
  expect(report).toMatchObject({ unit: 'resursenhet', managerUnit: 'bou', insatsId: 'i1' });
  // At the insats's follow-up interval (three months for Trappan).
  expect(report!.duration).toBe('P3M');
  // A missing report escalates: to the provider at its due moment, then to BoU's enhetschef.
  await skipTo(h.env, new Date(Date.parse(report!.dueAt) + 60_000).toISOString());
  expect((await h.mail.waitFor(isFor(caseRef, `${report!.id}.r0.eskalering0`))).to).toStrictEqual(['resursenhet@exempel.se']);
  await skipTo(h.env, new Date(Date.parse(report!.dueAt) + 26 * 3_600_000).toISOString());
  expect((await h.mail.waitFor(isFor(caseRef, `${report!.id}.r0.eskalering1`))).to).toStrictEqual(['chef.bou@exempel.se']);

  const going = await act(handle, 'resursenhet', { type: 'rapport_utforare', insatsId: 'i1', status: 'pagaende' });
  expect(openOf(going, 'utforare_rapport')).toHaveLength(1);
  expect(openOf(going, 'utforare_rapport')[0]!.id).not.toBe(report!.id);
  const ended = await act(handle, 'resursenhet', { type: 'rapport_utforare', insatsId: 'i1', status: 'avslutad' });
  expect(openOf(ended, 'utforare_rapport')).toStrictEqual([]);
  // The owner's follow-up shows what the provider delivered.
  expect(ended.insatser[0]!.reports?.map((r) => [r.status, r.unit])).toStrictEqual([
    ['startad', 'resursenhet'],
    ['pagaende', 'resursenhet'],
    ['avslutad', 'resursenhet'],
  ]);
  // The owner's follow-up is untouched by the provider's reports.
  expect(openOf(ended, 'uppfoljning').map((d) => d.unit)).toStrictEqual(['bou']);
});

test('an insats the deciding unit performs itself gives no provider tasks', async () => {
  const mother = await h.startCase({ kind: 'vuxen', flags: { vald: 'ja' } });
  await act(mother.handle, 'rvt', { type: 'riskbedomning', instrument: 'FREDA', riskniva: 'lag' });
  await act(mother.handle, 'rvt', { type: 'avsluta_utredning', beslut: 'insatser' });
  const decided = await act(mother.handle, 'rvt', { type: 'besluta_insats', insats: 'stodsamtal', utforare: 'rvt' });
  expect(decided.openTasks.map((d) => d.key)).toStrictEqual(['uppfoljning']);
});
