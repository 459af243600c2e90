// A case that lives for years stays small: the workflow continues as new and keeps its state.
// In a file (and test server) of its own, without clock skips: the time-skipping test server
// stops skipping time for good once a run has continued as new while the clock was moving.
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import type { CaseAction } from '../domain/case';
import { caseViewQuery, changeRulesUpdate, performActionUpdate } from '../domain/messages';
import { defaultRules } from '../domain/default-rules';
import { type Rules } from '../domain/rules';
import { startWorkflowHarness, type WorkflowHarness } from './support/workflow-harness';

let h: WorkflowHarness;
beforeAll(async () => {
  h = await startWorkflowHarness();
});
afterAll(async () => {
  await h?.close();
});

type Handle = Awaited<ReturnType<WorkflowHarness['startCase']>>['handle'];
const act = (handle: Handle, unit: string, action: CaseAction) =>
  handle.executeUpdate(performActionUpdate, { args: [{ actor: { sub: `${unit}-1`, role: 'handlaggare', unit }, action }] }).catch((error: unknown) => {
    throw error instanceof WorkflowUpdateFailedError ? new Error(`${action.type} refused: ${error.cause?.message}`) : error;
  });

test('a case that lives for years continues as new and keeps its state', async () => {
  const { handle } = await h.startCase({ kind: 'vuxen', historyLimit: 100 });
  await act(handle, 'rvt', { type: 'riskbedomning', instrument: 'FREDA', riskniva: 'forhojd' });
  await act(handle, 'rvt', { type: 'avsluta_utredning', beslut: 'insatser' });
  const decided = await act(handle, 'rvt', { type: 'besluta_insats', insats: 'skyddat_boende', utforare: 'kvinnojour' });
  const insatsId = decided.insatser[0]!.id;
  const firstRunId = (await handle.describe()).runId;
  let view = await handle.query(caseViewQuery);
  for (let followUp = 0; followUp < 15; followUp++) {
    view = await act(handle, 'rvt', { type: 'uppfoljning', insatsId });
    await h.settled(handle);
  }
  const latest = await h.env.client.workflow.getHandle(handle.workflowId).describe();
  // the workflow continued as new
  expect(latest.runId).not.toBe(firstRunId);
  // history stays bounded
  expect(latest.historyLength).toBeLessThan(100);
  view = await handle.query(caseViewQuery);
  // state survives continue-as-new
  expect(view.insatser[0]!.followUps).toBe(15);
  expect(view.events.filter((e) => e.type === 'uppfoljning').length).toBe(15);
  // one follow-up open at a time (beside Kvinnojouren's own task as provider)
  expect(view.openTasks.filter((d) => d.key === 'uppfoljning').length).toBe(1);
  // closed deadlines are compacted
  expect(view.deadlines.length).toBeLessThanOrEqual(21);

  await act(handle, 'rvt', { type: 'avsluta_insats', insatsId });
  await act(handle, 'rvt', { type: 'avsluta_arende' });
  expect((await h.env.client.workflow.getHandle(handle.workflowId).result()).phase).toBe('avslutad');
});

test('a case moved to a newer rules version keeps it when it continues as new', async () => {
  const { handle } = await h.startCase({ kind: 'vuxen', historyLimit: 100 });
  await act(handle, 'rvt', { type: 'riskbedomning', instrument: 'FREDA', riskniva: 'forhojd' });
  await act(handle, 'rvt', { type: 'avsluta_utredning', beslut: 'insatser' });
  const decided = await act(handle, 'rvt', { type: 'besluta_insats', insats: 'skyddat_boende', utforare: 'kvinnojour' });
  const insatsId = decided.insatser[0]!.id;
  const v2: Rules = { ...defaultRules, version: 2, followUps: { ...defaultRules.followUps, skyddat_boende: { ...defaultRules.followUps.skyddat_boende!, every: 'P14D' } } };
  const moved = await handle.executeUpdate(changeRulesUpdate, { args: [{ actor: { sub: 'samordnare-1', role: 'samordnare', unit: 'ifo' }, rules: v2, reason: 'Tätare uppföljning av skyddat boende' }] });
  // the open follow-up is re-planned
  expect(moved.openTasks.find((d) => d.key === 'uppfoljning')!.duration).toBe('P14D');
  const firstRunId = (await handle.describe()).runId;
  for (let followUp = 0; followUp < 15; followUp++) {
    await act(handle, 'rvt', { type: 'uppfoljning', insatsId });
    await h.settled(handle);
  }
  // the workflow continued as new
  expect((await h.env.client.workflow.getHandle(handle.workflowId).describe()).runId).not.toBe(firstRunId);
  const view = await handle.query(caseViewQuery);
  expect(view.rulesVersion).toBe(2);
  expect(view.rulesChanges?.length).toBe(1);
  // follow-ups planned after continue-as-new use version 2
  expect(view.openTasks.find((d) => d.key === 'uppfoljning')!.duration).toBe('P14D');
  await act(handle, 'rvt', { type: 'avsluta_insats', insatsId });
  await act(handle, 'rvt', { type: 'avsluta_arende' });
});
