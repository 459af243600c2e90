// The family's duties on the real time-skipping test server: a mother's skyddat boende decision
// names her two children, and each child's case then owes a decision of its own, reminded and
// escalated until it is recorded; a child without a case gets one opened; violence found out
// during the utredning starts the handover and the joint meeting it would have started at opening.
import { afterAll, afterEach, beforeAll, expect, test } from '@jest/globals';
import type { CaseView } from '../domain/case';
import { caseViewQuery } from '../domain/messages';
import { isFor, sentFor } from './support/mail';
import { refused } from './support/refusals';
import { skipTo } from './support/time';
import { attemptAction, itemByItemRules, performAction, startWorkflowHarness, type WorkflowHarness } from './support/workflow-harness';

let h: WorkflowHarness;
beforeAll(async () => {
  h = await startWorkflowHarness({ rules: itemByItemRules });
  // Monday morning in Stockholm.
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
const open = (view: CaseView, key: string) => view.openTasks.filter((d) => d.key === key);

/** The mother's case at RVT, taken to the decision of insatser. */
async function motherAtInsatser() {
  const mother = await h.startCase({ kind: 'vuxen', flags: { vald: 'ja', barnIHushallet: true } });
  await act(mother.handle, 'rvt', { type: 'riskbedomning', instrument: 'FREDA', riskniva: 'hog' });
  await act(mother.handle, 'rvt', { type: 'avsluta_utredning', beslut: 'insatser' });
  return mother;
}

test("a mother's skyddat boende decision names her two children: each child's missing decision is required and escalates until it is recorded", async () => {
  const mother = await motherAtInsatser();
  const first = await h.startCase({ kind: 'barn', flags: { vald: 'ja', barnIHushallet: true } });
  const second = await h.startCase({ kind: 'barn', flags: { vald: 'ja', barnIHushallet: true } });

  const decided = await act(mother.handle, 'rvt', { type: 'besluta_insats', insats: 'skyddat_boende', utforare: 'kvinnojour', medfoljandeBarn: [first.caseRef, second.caseRef] });
  expect(decided.insatser.map((i) => i.kind)).toStrictEqual(['skyddat_boende']);
  // The children's cases have their own task, for BoU, due a working day after the mother's decision.
  for (const child of [first, second]) {
    let tasks: CaseView['openTasks'] = [];
    for (let i = 0; i < 50 && tasks.length === 0; i++) tasks = open(await child.handle.query(caseViewQuery), 'medfoljande');
    expect(tasks.map((t) => [t.title, t.unit, t.dueAt])).toStrictEqual([['Eget beslut för medföljande barn', 'bou', '2030-03-05T22:59:59.999Z']]);
  }
  // The first child's own decision, while its case is still at the skyddsbedömning: done in time.
  const firstView = await act(first.handle, 'bou', { type: 'besluta_insats', insats: 'skyddat_boende', utforare: 'kvinnojour' });
  expect(firstView.phase).toBe('skyddsbedomning');
  expect(firstView.deadlines.find((d) => d.key === 'medfoljande')).toMatchObject({ status: 'done' });
  // A decision of another insats does not answer the duty (nor may it be taken outside the phase).
  await expect(refused(attempt(second.handle, 'bou', { type: 'besluta_insats', insats: 'trappan', utforare: 'resursenhet' }))).resolves.toMatchObject({ type: 'FEL_FAS' });

  // Past the deadline: the second child's missing decision reaches BoU and its enhetschef; the first's is silent.
  await skipTo(h.env, '2030-03-05T23:01:00Z');
  const secondTask = open(await second.handle.query(caseViewQuery), 'medfoljande')[0]!;
  const toChef = await h.mail.waitFor(isFor(second.caseRef, `${secondTask.id}.r0.eskalering1`));
  expect(toChef.to).toStrictEqual(['chef.bou@exempel.se']);
  await h.settled(first.handle);
  const firstTask = firstView.deadlines.find((d) => d.key === 'medfoljande')!;
  expect(sentFor(h.mail.messages(), first.caseRef).filter((key) => key.startsWith(`${firstTask.id}.`))).toStrictEqual([`${firstTask.id}.r0.ny_uppgift0`]);

  // Recorded late: the task is done, the escalation stops.
  const secondView = await act(second.handle, 'bou', { type: 'besluta_insats', insats: 'skyddat_boende', utforare: 'kvinnojour' });
  expect(secondView.deadlines.find((d) => d.id === secondTask.id)).toMatchObject({ status: 'done' });
  expect(secondView.events.map((e) => e.type)).toContain('medfoljande');
});

test('a child without a case: mottagningen gets a task in the mother’s case, and once it is opened the child’s case owes its decision', async () => {
  const mother = await motherAtInsatser();
  const closed = await h.startCase({ kind: 'barn' });
  await act(closed.handle, 'mottagning', { type: 'skyddsbedomning', skyddsbehov: 'ej_akut' });
  await act(closed.handle, 'mottagning', { type: 'forhandsbedomning', beslut: 'ingen_utredning' });
  await h.completed(closed.handle.workflowId);

  // One child has no case; another's case has closed: both need a case opened.
  const decided = await act(mother.handle, 'rvt', { type: 'besluta_insats', insats: 'skyddat_boende', utforare: 'kvinnojour', medfoljandeBarn: [closed.caseRef], medfoljandeBarnUtanArende: 1 });
  let tasks = open(decided, 'medfoljande_arende');
  for (let i = 0; i < 50 && tasks.length < 2; i++) tasks = open(await mother.handle.query(caseViewQuery), 'medfoljande_arende');
  expect(tasks.map((t) => [t.title, t.unit])).toStrictEqual([
    ['Öppna ärende för medföljande barn', 'mottagning'],
    ['Öppna ärende för medföljande barn', 'mottagning'],
  ]);
  expect(tasks.map((t) => t.trigger).sort()).toStrictEqual(['besluta_insats', `medfoljer:${closed.caseRef}`]);

  const opened = await h.startCase({ kind: 'barn' });
  const after = await act(mother.handle, 'mottagning', { type: 'medfoljande_arende_oppnat', arende: opened.caseRef });
  expect(open(after, 'medfoljande_arende')).toHaveLength(1);
  let owed: CaseView['openTasks'] = [];
  for (let i = 0; i < 50 && owed.length === 0; i++) owed = open(await opened.handle.query(caseViewQuery), 'medfoljande');
  expect(owed.map((t) => t.unit)).toStrictEqual(['bou']);
  // Only the unit with the task may say so, and only while a task waits.
  await expect(refused(attempt(mother.handle, 'rvt', { type: 'medfoljande_arende_oppnat', arende: opened.caseRef }))).resolves.toMatchObject({ type: 'FEL_FAS' });
});

test('children cannot be named for an insats they do not follow into: refused with the reason, nothing decided', async () => {
  const mother = await motherAtInsatser();
  const child = await h.startCase({ kind: 'barn' });
  await expect(refused(attempt(mother.handle, 'rvt', { type: 'besluta_insats', insats: 'stodsamtal', utforare: 'rvt', medfoljandeBarn: [child.caseRef] }))).resolves.toMatchObject({
    type: 'OGILTIG_UPPGIFT',
    message: expect.stringContaining('Barn kan inte följa med till insatsen stodsamtal'),
  });
  expect((await mother.handle.query(caseViewQuery)).insatser).toStrictEqual([]);
});

test('violence found out during the utredning starts the handover to RVT and the joint meeting, which escalate like any deadline', async () => {
  const child = await h.startCase({ kind: 'barn' });
  await act(child.handle, 'mottagning', { type: 'skyddsbedomning', skyddsbehov: 'ej_akut' });
  const inUtredning = await act(child.handle, 'mottagning', { type: 'forhandsbedomning', beslut: 'inled_utredning' });
  expect(inUtredning.phase).toBe('utredning');
  expect(open(inUtredning, 'overlamning')).toStrictEqual([]);
  expect(inUtredning.meetings).toStrictEqual([]);

  // BoU owns the utredning: it records what the child told.
  const changed = await act(child.handle, 'bou', { type: 'andra_fakta', flags: { vald: 'ja' }, skal: 'Barnet berättade om våld hemma under utredningen' });
  const duty = open(changed, 'overlamning');
  expect(duty.map((d) => [d.unit, d.target, d.trigger])).toStrictEqual([['mottagning', 'rvt', 'barn-vald-rvt']]);
  // Runs from the change, not from when the report arrived.
  expect(Date.parse(duty[0]!.startedAt)).toBeGreaterThan(Date.parse(changed.receivedAt));
  expect(changed.meetings.map((m) => [m.title, m.units])).toStrictEqual([['Gemensamt planeringsmöte barn och våld', ['mottagning', 'rvt']]]);
  // The change, then the meeting it calls for (an event of its own, for the event log).
  expect(changed.events.slice(-2).map((e) => [e.type, e.unit])).toStrictEqual([
    ['andra_fakta', 'bou'],
    ['planeringsmote_kravs', 'mottagning'],
  ]);

  await skipTo(h.env, new Date(Date.parse(duty[0]!.dueAt) + 60_000).toISOString());
  const escalated = await h.mail.waitFor(isFor(child.caseRef, `${duty[0]!.id}.r0.eskalering1`));
  expect(escalated.to).toStrictEqual(['chef.mottagning@exempel.se']);
});

test('the guardian gate in an honour-related child case refuses the contact until protection is arranged, then allows it', async () => {
  const child = await h.startCase({ kind: 'barn', flags: { vald: 'ja', hedersrelaterat: true } });
  const gated = await refused(attempt(child.handle, 'mottagning', { type: 'kontakt_vardnadshavare', tolk: 'professionell' }));
  expect(gated).toMatchObject({ type: 'SPARRAD', message: expect.stringContaining('registrera först att skyddet är ordnat') });
  await act(child.handle, 'mottagning', { type: 'skydd_ordnat' });
  // A relative never interprets, protection or not.
  await expect(refused(attempt(child.handle, 'mottagning', { type: 'kontakt_vardnadshavare', tolk: 'anhorig' }))).resolves.toMatchObject({ type: 'SPARRAD', message: expect.stringContaining('Anhöriga tolkar aldrig') });
  const contacted = await act(child.handle, 'mottagning', { type: 'kontakt_vardnadshavare', tolk: 'professionell' });
  expect(contacted.events.map((e) => e.type).slice(-2)).toStrictEqual(['skydd_ordnat', 'kontakt_vardnadshavare']);
});

test('a case under a rules version older than gates is not held back by them', async () => {
  const { gates: _gates, ...older } = itemByItemRules;
  const child = await h.startCase({ kind: 'barn', flags: { vald: 'ja', hedersrelaterat: true }, rules: older as typeof itemByItemRules });
  const contacted = await act(child.handle, 'mottagning', { type: 'kontakt_vardnadshavare', tolk: 'anhorig' });
  expect(contacted.events.at(-1)).toMatchObject({ type: 'kontakt_vardnadshavare', summary: 'Kontakt med vårdnadshavare med anhörig som tolk' });
});
