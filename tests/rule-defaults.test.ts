// A running case keeps the rules it started with, whatever the code's default rule set says now.
// The worker here runs the project's workflows bundled with a changed default rule set (the
// probe shows the change took); a case recorded before handovers were part of the rules, and a
// case under a complete version, still get the handover clocks they have always had.
import { afterAll, afterEach, beforeAll, expect, test } from '@jest/globals';
import path from 'node:path';
import { bundleWorkflowCode, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { defaultRules } from '../domain/default-rules';
import type { RecordedRules } from '../domain/legacy-rules';
import { handoverViewQuery, startHandoverUpdate } from '../domain/messages';
import type { Rules } from '../domain/rules';
import { handoverContent } from './support/handover-content';
import { actor, startWorkflowHarness, type WorkflowHarness } from './support/workflow-harness';

const fixture = path.join(import.meta.dirname, 'fixtures', 'changed-defaults');
let h: WorkflowHarness;
let bundle: WorkflowBundleWithSourceMap;

beforeAll(async () => {
  bundle = await bundleWorkflowCode({
    workflowsPath: path.join(fixture, 'index.ts'),
    // Every import of the default rule set, from wherever it is made, gets the changed one.
    webpackConfigHook: (config) => {
      const changed = path.join(fixture, 'default-rules.ts');
      const requests = ['./default-rules', '../domain/default-rules', '../../domain/default-rules', '../../../domain/default-rules'];
      config.resolve = { ...config.resolve, alias: { ...(config.resolve?.alias as object), ...Object.fromEntries(requests.map((r) => [r, changed])) } };
      return config;
    },
    logger: { trace() {}, debug() {}, info() {}, warn() {}, error() {}, log() {} } as never,
  });
  h = await startWorkflowHarness({ bundle });
});
afterEach(async () => {
  await h?.terminateAll();
});
afterAll(async () => {
  await h?.close();
});

async function kvittensClock(rules: Rules) {
  const { handle } = await h.startCase({ kind: 'barn', rules });
  const { workflowId } = await handle.executeUpdate(startHandoverUpdate, { args: [{ actor: actor('mottagning'), till: 'bou', receiverKind: 'intern', innehall: handoverContent({ vald: 'nej' }) }] });
  // The handover plans its kvittens clock as it starts.
  for (let i = 0; i < 100; i++) {
    const view = await h.env.client.workflow.getHandle(workflowId).query(handoverViewQuery);
    const kvittens = view.tasks.find((t) => t.key === 'kvittens');
    if (kvittens) return { duration: kvittens.duration, counting: kvittens.counting, legal: kvittens.legal.citation };
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error('the handover planned no kvittens within 10 s');
}

test("the bundle holds the changed defaults: the probe reads them", async () => {
  const probe = await h.env.client.workflow.execute('defaultsProbe', { taskQueue: h.taskQueue, workflowId: `probe-${Date.now()}` });
  expect(probe).toBe('P9D');
});

test('a case recorded before handovers were in its rules keeps the two working days it was always read with', async () => {
  const { handovers: _h, meetings: _m, disputes: _d, triggers: _t, escalationDigest: _e, ...older } = defaultRules;
  const recorded: RecordedRules = older;
  expect(await kvittensClock(recorded as Rules)).toStrictEqual({
    duration: 'P2D',
    counting: 'arbetsdagar',
    legal: 'Den mottagande enheten kvitterar överlämningen inom två arbetsdagar',
  });
});

test('a case under a complete version follows that version, not the code', async () => {
  const own: Rules = { ...defaultRules, handovers: { ...defaultRules.handovers, acknowledge: { duration: 'P3D', counting: 'arbetsdagar' } } };
  expect(await kvittensClock(own)).toMatchObject({ duration: 'P3D', counting: 'arbetsdagar' });
});
