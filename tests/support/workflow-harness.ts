// A real time-skipping Temporal test server, a real worker with the real activities, a real
// SMTP server on localhost and the real database: what the workflow tests run against.
import { randomUUID } from 'node:crypto';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import type { DataConverter } from '@temporalio/common';
import type { WorkflowBundleWithSourceMap } from '@temporalio/worker';
import type pg from 'pg';
import { WithStartWorkflowOperation, WorkflowUpdateFailedError, type WorkflowHandle } from '@temporalio/client';
import { caseOpenedUpdate, caseViewQuery, disputeViewQuery, handoverViewQuery, meetingViewQuery, performActionUpdate } from '../../domain/messages';
import type { Actor, CaseAction, CaseFlags, CaseKind, CaseView, CaseWorkflowInput, Deadline } from '../../domain/case';
import { alertKey, caseWorkflowId } from '../../domain/case';
import { defaultRules } from '../../domain/default-rules';
import { type Rules } from '../../domain/rules';
import type { OrganisationSource } from '../../domain/organisation';
import { registerSearchAttributes } from '../../infra/search-attribute-registration';
import { temporalTestServerPath } from '../../infra/temporal-binaries';
import { startMailCatcher, type MailCatcher, type MailCatcherOptions } from '../../infra/mail-catcher';
import { caseWorkflow } from '../../workflows/case-workflow';
import { openTestDatabase } from './database';
import { testDataConverter } from './payload-keys';
import { startTestWorker } from './test-worker';
import type { ActivityDependencies } from '../../activities';

export { workflowBundle } from './test-worker';

/** A handläggare (or another role) of a unit, as the workflows receive callers. */
export const actor = (unit: string, role: Actor['role'] = 'handlaggare'): Actor => ({ sub: `${unit}-1`, role, unit });

/** The default rules with every escalation sent at once: for tests that follow each e-mail. */
export const itemByItemRules: Rules = { ...defaultRules, escalationDigest: false };

export const noFlags: CaseFlags = { vald: 'nej', barnIHushallet: false, hedersrelaterat: false, skyddadeUppgifter: false };

export interface WorkflowHarness {
  env: TestWorkflowEnvironment;
  mail: MailCatcher;
  pool: pg.Pool;
  taskQueue: string;
  startCase(options?: { kind?: CaseKind; flags?: Partial<CaseFlags>; rules?: Rules; unit?: string; receivedAt?: string; historyLimit?: number }): Promise<{
    caseRef: string;
    handle: WorkflowHandle<typeof caseWorkflow>;
  }>;
  /** Waits until every planned notification that is already due has been sent. */
  settled(handle: { query: (q: typeof caseViewQuery) => Promise<CaseView> }): Promise<void>;
  /** The same for a handover, meeting or dispute of a case. */
  settledChild(workflowId: string): Promise<void>;
  /**
   * Waits, in real time, until a workflow has completed. (The test server's `result()` skips
   * the clock years ahead to fire the timers of every other workflow, so tests avoid it.)
   */
  completed(workflowId: string): Promise<void>;
  /** Terminates the cases a test left running, so that later clock skips stay quiet. */
  terminateAll(): Promise<void>;
  close(): Promise<void>;
}

/**
 * `rules`: what `startCase` uses unless a test says otherwise (default: the default rules).
 * `bundle`: other workflow code for the worker (default: the project's workflows).
 * `dataConverter`: what the client and the worker encode payloads with (default: encrypted with
 * the test key, as in production; `{}` for plain payloads).
 * `mail`: the mail catcher's options (e.g. mailboxes that bounce).
 */
export async function startWorkflowHarness(
  options: {
    rules?: Rules;
    organisation?: OrganisationSource;
    bundle?: WorkflowBundleWithSourceMap;
    dataConverter?: DataConverter;
    mail?: MailCatcherOptions;
    /** Changes the worker's activity dependencies (tests/support/test-worker.ts). */
    adjust?: (deps: ActivityDependencies) => ActivityDependencies;
  } = {},
): Promise<WorkflowHarness> {
  const env = await TestWorkflowEnvironment.createTimeSkipping({
    server: { executable: { type: 'existing-path', path: temporalTestServerPath() } },
    client: { dataConverter: options.dataConverter ?? testDataConverter },
  });
  await registerSearchAttributes(env.connection, env.namespace ?? 'default');
  const mail = await startMailCatcher(options.mail);
  const pool = await openTestDatabase();
  const worker = await startTestWorker(env, mail, pool, options.organisation, options.bundle, options.adjust);
  const { taskQueue } = worker;
  const started = new Set<string>();
  const harnessRules = options.rules ?? defaultRules;
  const waitUntilSent = async (openTasks: () => Promise<Deadline[]>) => {
    for (let i = 0; i < 100; i++) {
      const tasks = await openTasks();
      const now = await env.currentTimeMs();
      const pending = tasks.some((d) => d.status === 'open' && d.alerts.some((a) => Date.parse(a.at) <= now && !d.sent.includes(alertKey(d, a))));
      if (!pending) return;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error('notifications still pending after 10 s');
  };
  const settled: WorkflowHarness['settled'] = (handle) => waitUntilSent(async () => (await handle.query(caseViewQuery)).openTasks);
  const childQuery = (workflowId: string) =>
    workflowId.includes(':overlamning-') ? handoverViewQuery : workflowId.includes(':planeringsmote-') ? meetingViewQuery : disputeViewQuery;
  const settledChild = (workflowId: string) =>
    waitUntilSent(async () => (await env.client.workflow.getHandle(workflowId).query(childQuery(workflowId) as typeof handoverViewQuery)).tasks);

  const openedBy: Record<CaseKind, string> = { barn: 'mottagning', vuxen: 'rvt', utovare: 'rvt' };

  return {
    env,
    mail,
    pool,
    taskQueue,
    async startCase(options = {}) {
      const kind = options.kind ?? 'barn';
      const caseRef = `T-${randomUUID().slice(0, 8)}`;
      const input: CaseWorkflowInput = {
        caseRef,
        kind,
        receivedAt: options.receivedAt ?? new Date(await env.currentTimeMs()).toISOString(),
        flags: { ...noFlags, ...options.flags },
        openedBy: { sub: 'test-handlaggare', role: 'handlaggare', unit: options.unit ?? openedBy[kind] },
        rules: options.rules ?? harnessRules,
        ...(options.historyLimit ? { historyLimit: options.historyLimit } : {}),
      };
      // Opened as the API opens a case: the workflow and its opening Update in one call, which
      // answers once the case has its first steps.
      const start = new WithStartWorkflowOperation(caseWorkflow, { taskQueue, workflowId: caseWorkflowId(caseRef), workflowIdConflictPolicy: 'FAIL', args: [input] });
      started.add(caseWorkflowId(caseRef));
      await env.client.workflow.executeUpdateWithStart(caseOpenedUpdate, { startWorkflowOperation: start });
      const handle = await start.workflowHandle();
      return { caseRef, handle };
    },
    settled,
    settledChild,
    async completed(workflowId) {
      for (let i = 0; i < 100; i++) {
        const { status } = await env.client.workflow.getHandle(workflowId).describe();
        if (status.name === 'COMPLETED') return;
        if (status.name !== 'RUNNING') throw new Error(`${workflowId} ended ${status.name}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      throw new Error(`${workflowId} still running after 10 s`);
    },
    async terminateAll() {
      for (const workflowId of started) {
        const handle = env.client.workflow.getHandle(workflowId);
        const view = await handle.query(caseViewQuery).catch(() => undefined);
        // Children outlive their case's runs: stop them too, once their due mail is out.
        for (const child of [...(view?.handovers ?? []), ...(view?.meetings ?? []), ...(view?.disputes ?? [])]) {
          const childHandle = env.client.workflow.getHandle(child.workflowId);
          if ((await childHandle.describe()).status.name !== 'RUNNING') continue;
          await settledChild(child.workflowId);
          await childHandle.terminate();
        }
        const { status } = await handle.describe();
        if (status.name !== 'RUNNING') continue;
        // The test server stops skipping time for good when a workflow is terminated while
        // one of its activities runs: let the due notifications go out first.
        await settled(handle);
        await handle.terminate();
      }
      started.clear();
    },
    async close() {
      await worker.stop();
      await mail.close();
      await pool.end();
      await env.teardown();
    },
  };
}

type CaseHandle = Awaited<ReturnType<WorkflowHarness['startCase']>>['handle'];

/** An action by a handläggare of `unit` (sub `<unit>-1`), which may be refused. */
export const attemptAction = (handle: CaseHandle, unit: string, action: CaseAction) =>
  handle.executeUpdate(performActionUpdate, { args: [{ actor: { sub: `${unit}-1`, role: 'handlaggare', unit }, action }] });

/** An action that must be accepted; a refusal fails the test with its reason. */
export const performAction = (handle: CaseHandle, unit: string, action: CaseAction) =>
  attemptAction(handle, unit, action).catch((error: unknown) => {
    throw error instanceof WorkflowUpdateFailedError ? new Error(`${action.type} refused: ${error.cause?.message}`) : error;
  });
