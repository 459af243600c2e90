// Replays recorded case histories against today's workflow code: a change that would break
// running cases fails here. A deliberately changed workflow must fail the same replay. Histories
// recorded before the payload codec are plain and pass through it; the `.encrypted.json` ones
// were recorded with the test key and replay only with it.
import { expect, test } from '@jest/globals';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { DeterminismViolationError } from '@temporalio/workflow';
import { bundleWorkflowCode, Worker } from '@temporalio/worker';
import { preloadedWorkflowModules, workflowsPath } from '../workers/worker';
import { testDataConverter } from './support/payload-keys';
import { workflowBundle } from './support/workflow-harness';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { Resource } from '@opentelemetry/resources';
import { makeWorkflowExporter } from '@temporalio/interceptors-opentelemetry';
import { workflowTracingModule } from '../infra/tracing';

const dir = path.join(import.meta.dirname, 'fixtures', 'histories');
const fixtures = readdirSync(dir).filter((file) => file.endsWith('.json'));

function histories(files = fixtures) {
  return files.map((file) => ({ workflowId: file.replace(/\.json$/, ''), history: JSON.parse(readFileSync(path.join(dir, file), 'utf8')) }));
}
const encryptedFixtures = fixtures.filter((file) => file.endsWith('.encrypted.json'));
/** Replay decodes payloads as the workers do. */
const dataConverter = testDataConverter;

test('recorded histories exist for every case kind and every child workflow', () => {
  for (const kind of ['barn', 'vuxen', 'utovare', 'overlamning', 'planeringsmote', 'tvist', 'eskaleringssammanfattning']) {
    expect(fixtures).toContainEqual(expect.stringMatching(new RegExp(`^${kind}`)));
  }
  // and some recorded with the payload codec
  expect(encryptedFixtures.length).toBeGreaterThan(0);
});

test('every recorded history replays against the current workflow code', async () => {
  const bundle = await workflowBundle();
  let replayed = 0;
  for await (const result of Worker.runReplayHistories({ workflowBundle: bundle, dataConverter }, histories())) {
    expect({ workflowId: result.workflowId, error: result.error?.message }).toEqual({ workflowId: result.workflowId, error: undefined });
    replayed += 1;
  }
  expect(replayed).toBe(fixtures.length);
});

test('every recorded history replays with tracing turned on (OpenTelemetry workflow interceptors in the bundle)', async () => {
  // Cases opened before an operator sets an OTLP endpoint go on under the traced bundle.
  const traced = await bundleWorkflowCode({ workflowsPath, preloadModules: preloadedWorkflowModules, workflowInterceptorModules: [workflowTracingModule], logger: { trace() {}, debug() {}, info() {}, warn() {}, error() {}, log() {} } as never });
  const sinks = { exporter: makeWorkflowExporter(new SimpleSpanProcessor(new InMemorySpanExporter()), Resource.default()) };
  let replayed = 0;
  for await (const result of Worker.runReplayHistories({ workflowBundle: traced, dataConverter, sinks }, histories())) {
    expect({ workflowId: result.workflowId, error: result.error?.message }).toEqual({ workflowId: result.workflowId, error: undefined });
    replayed += 1;
  }
  expect(replayed).toBe(fixtures.length);
});

test('an incompatible change to the workflow fails the replay', async () => {
  const changed = await bundleWorkflowCode({
    workflowsPath: path.join(import.meta.dirname, 'fixtures', 'changed-workflow', 'index.ts'),
    logger: { trace() {}, debug() {}, info() {}, warn() {}, error() {}, log() {} } as never,
  });
  let failed = 0;
  for await (const result of Worker.runReplayHistories({ workflowBundle: changed, dataConverter }, histories())) {
    // no recorded history replays on the changed code
    expect(result.error).toBeInstanceOf(DeterminismViolationError);
    failed += 1;
  }
  expect(failed).toBe(fixtures.length);
});

test('an encrypted history does not replay without its key', async () => {
  const bundle = await workflowBundle();
  let failed = 0;
  for await (const result of Worker.runReplayHistories({ workflowBundle: bundle }, histories(encryptedFixtures))) {
    // the payloads are unreadable without the codec
    expect(result.error).toBeDefined();
    expect(result.error).not.toBeInstanceOf(DeterminismViolationError);
    failed += 1;
  }
  expect(failed).toBe(encryptedFixtures.length);
});
