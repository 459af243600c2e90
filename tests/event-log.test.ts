// The durable event log on the real time-skipping server and the real PostgreSQL: a case's steps
// and its deadlines' ends (met or missed, by how much) land in `case_event` once each, with the
// case's kind, flags, rules version, gender and age band and nothing else of the person; a
// retried write changes nothing.
import { afterAll, afterEach, beforeAll, expect, test } from '@jest/globals';
import { createPgCaseEventLog, type CaseLogEvent } from '../infra/case-event-log';
import { skipTo } from './support/time';
import { itemByItemRules, performAction as act, startWorkflowHarness, type WorkflowHarness } from './support/workflow-harness';

// A write whose answer is lost once: the rows are in, the activity fails, Temporal retries it.
const answerLostOnce = new Set<string>();
let writes = 0;

let h: WorkflowHarness;
beforeAll(async () => {
  h = await startWorkflowHarness({
    rules: itemByItemRules,
    adjust: (deps) => ({
      ...deps,
      eventLog: {
        ...deps.eventLog,
        async record(events) {
          const written = await deps.eventLog.record(events);
          writes += 1;
          const ref = events[0]?.caseRef ?? '';
          if (answerLostOnce.delete(ref)) throw new Error('the connection dropped before the answer came back');
          return written;
        },
      },
    }),
  });
  await skipTo(h.env, '2030-03-04T07:00:00Z');
});
afterEach(async () => {
  await h.terminateAll();
});
afterAll(async () => {
  await h?.close();
});

type Row = { event_key: string; type: string; unit: string; case_kind: string; rules_version: number; flags: Record<string, unknown>; kon: string; aldersgrupp: string; data: Record<string, unknown> };
const rowsOf = async (caseRef: string) => (await h.pool.query<Row>('SELECT * FROM case_event WHERE case_ref = $1 ORDER BY at, event_key', [caseRef])).rows;

async function rowsWhen(caseRef: string, done: (rows: Row[]) => boolean): Promise<Row[]> {
  let rows = await rowsOf(caseRef);
  for (let i = 0; i < 150 && !done(rows); i++) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    rows = await rowsOf(caseRef);
  }
  return rows;
}

test("a case's steps and its deadlines' ends land once each, with how late a missed one was", async () => {
  const { caseRef, handle } = await h.startCase({ kind: 'barn' });
  // The skyddsbedömning is due at the end of the day; it is made the next morning.
  await skipTo(h.env, '2030-03-05T08:00:00Z');
  await h.settled(handle);
  await act(handle, 'mottagning', { type: 'skyddsbedomning', skyddsbehov: 'ej_akut' });
  await act(handle, 'mottagning', { type: 'forhandsbedomning', beslut: 'ingen_utredning' });
  await h.completed(handle.workflowId);

  const rows = await rowsWhen(caseRef, (sofar) => sofar.some((r) => r.type === 'forhandsbedomning'));
  const notices = rows.filter((r) => r.type.endsWith('_skickad'));
  const steps = rows.filter((r) => !r.type.startsWith('frist_') && !r.type.endsWith('_skickad'));
  expect(steps.map((r) => [r.type, r.unit])).toStrictEqual([
    ['oppnat', 'mottagning'],
    ['skyddsbedomning', 'mottagning'],
    ['forhandsbedomning', 'mottagning'],
  ]);
  const ends = rows.filter((r) => r.type.startsWith('frist_'));
  expect(ends.map((r) => [r.type, r.data.deadlineKey, r.data.inTime])).toStrictEqual([
    ['frist_klar', 'barn.skyddsbedomning', false],
    ['frist_klar', 'barn.forhandsbedomning', true],
  ]);
  // Due at midnight in Stockholm (2030-03-04 22:59:59.999 UTC), done 2030-03-05 08:00 UTC: 9 hours late, and escalated.
  expect(ends[0]!.data.lateSeconds).toBe(9 * 3600);
  expect(ends[0]!.data.escalationLevel).toBeGreaterThan(0);
  expect(rows[0]).toMatchObject({ case_kind: 'barn', rules_version: 1, kon: 'okant', aldersgrupp: 'okant', flags: { vald: 'nej', barnIHushallet: false } });
  // Nothing more than the step and its decision: no summary, no user, no free text.
  expect(steps.map((r) => r.data)).toStrictEqual([{}, { skyddsbehov: 'ej_akut' }, { beslut: 'ingen_utredning', closesCase: true }]);
  // The notices as they went out, at the workflow's moments: the late skyddsbedömning's reminder
  // and its escalations, each once, with the case's kind and person copied from its first step.
  const late = notices.filter((r) => r.data.deadlineKey === 'barn.skyddsbedomning');
  expect(late.map((r) => r.type)).toStrictEqual(['ny_uppgift_skickad', 'paminnelse_skickad', 'eskalering_skickad', 'eskalering_skickad']);
  expect(late.every((r) => r.case_kind === 'barn' && r.kon === 'okant' && r.unit === 'mottagning')).toBe(true);
  expect(late.map((r) => r.data.to)).toStrictEqual(['enhet', 'enhet', 'enhet', 'enhetschef']);
  expect(new Set(rows.map((r) => r.event_key)).size).toBe(rows.length);
});

test('writing the same steps again (a retried activity) changes nothing', async () => {
  const log = createPgCaseEventLog(h.pool);
  const caseRef = `LOG-${Date.now()}`;
  const step: CaseLogEvent = { key: `${caseRef}/e0`, caseRef, kind: 'vuxen', type: 'oppnat', unit: 'rvt', at: '2030-03-04T07:00:00Z', rulesVersion: 1, flags: { vald: 'ja' }, kon: 'kvinna', aldersgrupp: '26-64', data: {} };
  expect(await log.record([step, { ...step, key: `${caseRef}/e1`, type: 'riskbedomning' }])).toBe(2);
  expect(await log.record([step, { ...step, key: `${caseRef}/e1`, type: 'riskbedomning' }])).toBe(0);
  expect((await rowsOf(caseRef)).map((r) => r.type)).toStrictEqual(['oppnat', 'riskbedomning']);
});

test("a step lands once when its activity is retried after the write went through", async () => {
  const { caseRef, handle } = await h.startCase({ kind: 'vuxen' });
  await rowsWhen(caseRef, (sofar) => sofar.some((r) => r.type === 'oppnat'));
  answerLostOnce.add(caseRef);
  const before = writes;
  await act(handle, 'rvt', { type: 'riskbedomning', instrument: 'FREDA', riskniva: 'forhojd' });
  // Retried after its backoff (five seconds): the second attempt writes nothing new.
  const rows = await rowsWhen(caseRef, () => writes >= before + 2);
  expect(answerLostOnce.has(caseRef)).toBe(false);
  expect(writes).toBeGreaterThanOrEqual(before + 2);
  expect(rows.filter((r) => r.type === 'riskbedomning')).toHaveLength(1);
  expect(rows.filter((r) => r.type === 'riskbedomning')[0]!.data).toStrictEqual({ instrument: 'FREDA', riskniva: 'forhojd' });
  expect(new Set(rows.map((r) => r.event_key)).size).toBe(rows.length);
}, 30_000);
