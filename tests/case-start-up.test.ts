// An Update that reaches a case while it is still starting up (planning its first deadline,
// starting the joint meeting its facts call for) must not tangle the children's ids: each child is
// recorded under the workflow id it was started with. The moment is made exact: the first
// deadline is planned by a local activity, and the first worker has no activities, so the
// start-up cannot get past the planning; that worker stops, the Update arrives, and a whole worker
// gets the start-up and the Update in one workflow task.
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import type { WorkflowHandle } from '@temporalio/client';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import type pg from 'pg';
import { createActivities } from '../activities';
import type { CaseView, CaseWorkflowInput } from '../domain/case';
import { caseWorkflowId } from '../domain/ids';
import { defaultRules } from '../domain/default-rules';
import { caseViewQuery, handoverViewQuery, meetingViewQuery, startHandoverUpdate } from '../domain/messages';
import { defaultOrganisation } from '../domain/organisation';
import { startMailCatcher, type MailCatcher } from '../infra/mail-catcher';
import { registerSearchAttributes } from '../infra/search-attribute-registration';
import { temporalTestServerPath } from '../infra/temporal-binaries';
import { buildActivityDependencies } from '../workers/dependencies';
import type { caseWorkflow } from '../workflows/case-workflow';
import { openTestDatabase, testReceiptSecret } from './support/database';
import { handoverContent } from './support/handover-content';
import { workflowBundle } from './support/test-worker';
import { testDataConverter } from './support/payload-keys';
import { actor } from './support/workflow-harness';

let env: TestWorkflowEnvironment;
let mail: MailCatcher;
let pool: pg.Pool;
const taskQueue = `start-up-${randomUUID()}`;
const running: { worker: Worker; run: Promise<void> }[] = [];

beforeAll(async () => {
  env = await TestWorkflowEnvironment.createTimeSkipping({ server: { executable: { type: 'existing-path', path: temporalTestServerPath() } }, client: { dataConverter: testDataConverter } });
  await registerSearchAttributes(env.connection, env.namespace ?? 'default');
  mail = await startMailCatcher();
  pool = await openTestDatabase();
});
afterAll(async () => {
  for (const { worker, run } of running) {
    if (worker.getState() === 'RUNNING') worker.shutdown();
    await run;
  }
  await mail?.close();
  await pool?.end();
  await env?.teardown();
});

/** A worker for the case's workflow code only (its local activities then fail), or for workflows and activities. */
async function startWorker(part: 'workflows' | 'whole'): Promise<{ stop(): Promise<void> }> {
  // No cache: a stopped worker's sticky queue would hold the case's next task.
  const base = { connection: env.nativeConnection, namespace: env.namespace ?? 'default', taskQueue, dataConverter: testDataConverter, workflowBundle: await workflowBundle(), maxCachedWorkflows: 0 };
  const worker =
    part === 'workflows'
      ? await Worker.create(base)
      : await Worker.create({
          ...base,
          activities: createActivities(
            buildActivityDependencies({ pool, smtpUrl: mail.smtpUrl, organisation: async () => defaultOrganisation, mailFrom: 'Samverkan <noreply@samverkan.test>', publicUrl: 'http://samverkan.test', receiptSecret: testReceiptSecret }),
          ),
        });
  const entry = { worker, run: worker.run() };
  running.push(entry);
  return {
    async stop() {
      worker.shutdown();
      await entry.run;
    },
  };
}

async function historyHas(handle: WorkflowHandle, what: 'workflowTaskStartedEventAttributes'): Promise<void> {
  for (let i = 0; i < 100; i++) {
    const { events } = await handle.fetchHistory();
    if (events?.some((event) => event[what])) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`no ${what} in the history after 10 s`);
}

async function viewWhen(handle: WorkflowHandle, done: (view: CaseView) => boolean): Promise<CaseView> {
  for (let i = 0; i < 100; i++) {
    const view = await handle.query(caseViewQuery);
    if (done(view)) return view;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error('the case did not record its children within 10 s');
}

test('a handover sent while the case starts its joint meeting: both children keep the ids they were started with', async () => {
  const caseRef = `UPP-${randomUUID().slice(0, 8)}`;
  // Only the meeting: the case's start-up plans its first deadline, then starts the meeting.
  const rules = { ...defaultRules, triggers: defaultRules.triggers.filter((t) => t.id === 'barn-vald-mote') };
  const input: CaseWorkflowInput = {
    caseRef,
    kind: 'barn',
    receivedAt: new Date(await env.currentTimeMs()).toISOString(),
    flags: { vald: 'ja', barnIHushallet: true, hedersrelaterat: false, skyddadeUppgifter: false },
    openedBy: actor('mottagning'),
    rules,
  };
  const workflows = await startWorker('workflows');
  const handle = await env.client.workflow.start<typeof caseWorkflow>('caseWorkflow', { taskQueue, workflowId: caseWorkflowId(caseRef), args: [input] });
  // The start-up is in its first workflow task, where planning the first deadline keeps failing.
  await historyHas(handle, 'workflowTaskStartedEventAttributes');
  await new Promise((resolve) => setTimeout(resolve, 1_000));
  await workflows.stop();

  // The handover arrives while the start-up has yet to plan and to start the meeting.
  const sent = handle.executeUpdate(startHandoverUpdate, { args: [{ actor: actor('mottagning'), till: 'rvt', receiverKind: 'intern', innehall: handoverContent() }] });
  await new Promise((resolve) => setTimeout(resolve, 500));
  await startWorker('whole');
  const { handoverId, workflowId } = await sent;

  const view = await viewWhen(handle, (v) => v.handovers.length === 1 && v.meetings.length === 1);
  expect(view.handovers[0]).toMatchObject({ id: handoverId, workflowId });
  // Every child the case records is the workflow that was started, under the same id.
  const handover = await env.client.workflow.getHandle(view.handovers[0]!.workflowId).query(handoverViewQuery);
  expect(handover.id).toBe(view.handovers[0]!.id);
  const meeting = await env.client.workflow.getHandle(view.meetings[0]!.workflowId).query(meetingViewQuery);
  expect(meeting.id).toBe(view.meetings[0]!.id);
  expect(new Set([handover.id, meeting.id]).size).toBe(2);

  for (const child of [...view.handovers, ...view.meetings]) await env.client.workflow.getHandle(child.workflowId).terminate();
  await handle.terminate();
});
