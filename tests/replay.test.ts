// Replays recorded case histories against today's workflow code: a change that would break
// running cases fails here. A deliberately changed workflow must fail the same replay.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { DeterminismViolationError } from '@temporalio/workflow';
import { bundleWorkflowCode, Worker } from '@temporalio/worker';
import { workflowBundle } from './support/workflow-harness';

const dir = path.join(import.meta.dirname, 'fixtures', 'histories');
const fixtures = readdirSync(dir).filter((file) => file.endsWith('.json'));

function histories() {
  return fixtures.map((file) => ({ workflowId: file.replace(/\.json$/, ''), history: JSON.parse(readFileSync(path.join(dir, file), 'utf8')) }));
}

test('recorded histories exist for every case kind and every child workflow', () => {
  for (const kind of ['barn', 'vuxen', 'utovare', 'overlamning', 'planeringsmote', 'tvist', 'eskaleringssammanfattning']) {
    assert.ok(fixtures.some((file) => file.startsWith(kind)), `a recorded ${kind} history`);
  }
});

test('every recorded history replays against the current workflow code', async () => {
  const bundle = await workflowBundle();
  let replayed = 0;
  for await (const result of Worker.runReplayHistories({ workflowBundle: bundle }, histories())) {
    assert.equal(result.error, undefined, `${result.workflowId}: ${result.error?.message}`);
    replayed += 1;
  }
  assert.equal(replayed, fixtures.length);
});

test('an incompatible change to the workflow fails the replay', async () => {
  const changed = await bundleWorkflowCode({
    workflowsPath: path.join(import.meta.dirname, 'fixtures', 'changed-workflow', 'index.ts'),
    logger: { trace() {}, debug() {}, info() {}, warn() {}, error() {}, log() {} } as never,
  });
  let failed = 0;
  for await (const result of Worker.runReplayHistories({ workflowBundle: changed }, histories())) {
    assert.ok(result.error instanceof DeterminismViolationError, `${result.workflowId} should not replay on the changed code`);
    failed += 1;
  }
  assert.equal(failed, fixtures.length);
});
