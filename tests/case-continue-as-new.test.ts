// A case that lives for years stays small: the workflow continues as new and keeps its state.
// In a file (and test server) of its own, without clock skips: the time-skipping test server
// stops skipping time for good once a run has continued as new while the clock was moving.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import type { CaseAction } from '../domain/case';
import { caseViewQuery, changeRulesUpdate, performActionUpdate } from '../domain/messages';
import { defaultRules, type Rules } from '../domain/rules';
import { startWorkflowHarness, type WorkflowHarness } from './support/workflow-harness';

let h: WorkflowHarness;
before(async () => {
  h = await startWorkflowHarness();
});
after(async () => {
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
  assert.notEqual(latest.runId, firstRunId, 'the workflow continued as new');
  assert.ok(latest.historyLength < 100, `history stays bounded (${latest.historyLength} events)`);
  view = await handle.query(caseViewQuery);
  assert.equal(view.insatser[0]!.followUps, 15, 'state survives continue-as-new');
  assert.equal(view.events.filter((e) => e.type === 'uppfoljning').length, 15);
  assert.equal(view.openTasks.length, 1, 'one follow-up open at a time');
  assert.ok(view.deadlines.length <= 21, 'closed deadlines are compacted');

  await act(handle, 'rvt', { type: 'avsluta_insats', insatsId });
  await act(handle, 'rvt', { type: 'avsluta_arende' });
  assert.equal((await h.env.client.workflow.getHandle(handle.workflowId).result()).phase, 'avslutad');
});

test('a case moved to a newer rules version keeps it when it continues as new', async () => {
  const { handle } = await h.startCase({ kind: 'vuxen', historyLimit: 100 });
  await act(handle, 'rvt', { type: 'riskbedomning', instrument: 'FREDA', riskniva: 'forhojd' });
  await act(handle, 'rvt', { type: 'avsluta_utredning', beslut: 'insatser' });
  const decided = await act(handle, 'rvt', { type: 'besluta_insats', insats: 'skyddat_boende', utforare: 'kvinnojour' });
  const insatsId = decided.insatser[0]!.id;
  const v2: Rules = { ...defaultRules, version: 2, followUps: { ...defaultRules.followUps, skyddat_boende: { ...defaultRules.followUps.skyddat_boende!, every: 'P14D' } } };
  const moved = await handle.executeUpdate(changeRulesUpdate, { args: [{ actor: { sub: 'samordnare-1', role: 'samordnare', unit: 'ifo' }, rules: v2, reason: 'Tätare uppföljning av skyddat boende' }] });
  assert.equal(moved.openTasks[0]!.duration, 'P14D', 'the open follow-up is re-planned');
  const firstRunId = (await handle.describe()).runId;
  for (let followUp = 0; followUp < 15; followUp++) {
    await act(handle, 'rvt', { type: 'uppfoljning', insatsId });
    await h.settled(handle);
  }
  assert.notEqual((await h.env.client.workflow.getHandle(handle.workflowId).describe()).runId, firstRunId, 'the workflow continued as new');
  const view = await handle.query(caseViewQuery);
  assert.equal(view.rulesVersion, 2);
  assert.equal(view.rulesChanges?.length, 1);
  assert.equal(view.openTasks[0]!.duration, 'P14D', 'follow-ups planned after continue-as-new use version 2');
  await act(handle, 'rvt', { type: 'avsluta_insats', insatsId });
  await act(handle, 'rvt', { type: 'avsluta_arende' });
});
