// The real worker with the real activities, wired to a test's SMTP server and database,
// on a task queue of its own.
import { randomUUID } from 'node:crypto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, type Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import type pg from 'pg';
import { defaultOrganisation, type OrganisationSource } from '../../domain/organisation';
import type { MailCatcher } from '../../infra/mail-catcher';
import { buildActivityDependencies } from '../../workers/dependencies';
import { createCaseWorker, preloadedWorkflowModules, workflowsPath } from '../../workers/worker';
import type { ActivityDependencies } from '../../activities';
import { testReceiptSecret } from './database';

let bundle: Promise<WorkflowBundleWithSourceMap> | undefined;
/** The workflow bundle, built once per test process. */
export function workflowBundle(): Promise<WorkflowBundleWithSourceMap> {
  bundle ??= bundleWorkflowCode({ workflowsPath, preloadModules: preloadedWorkflowModules, logger: { trace() {}, debug() {}, info() {}, warn: console.warn, error: console.error, log() {} } as never });
  return bundle;
}

export interface RunningTestWorker {
  taskQueue: string;
  stop(): Promise<void>;
}

/**
 * `organisation`: where notifications find addresses (default: the default organisation).
 * `bundle`: other workflow code (default: the project's workflows).
 */
export async function startTestWorker(
  env: TestWorkflowEnvironment,
  mail: MailCatcher,
  pool: pg.Pool,
  organisation: OrganisationSource = async () => defaultOrganisation,
  bundle?: WorkflowBundleWithSourceMap,
  /** Changes the activities' dependencies: a fault no real part can be made to show at the moment it matters. */
  adjust: (deps: ActivityDependencies) => ActivityDependencies = (deps) => deps,
): Promise<RunningTestWorker> {
  const taskQueue = `test-${randomUUID()}`;
  const worker: Worker = await createCaseWorker({
    connection: env.nativeConnection,
    namespace: env.namespace ?? 'default',
    taskQueue,
    // The worker encodes payloads as the environment's client does (tests/support/payload-keys.ts).
    dataConverter: { payloadCodecs: env.client.options.loadedDataConverter.payloadCodecs },
    workflowBundle: bundle ?? (await workflowBundle()),
    dependencies: adjust(
      buildActivityDependencies({
        pool,
        smtpUrl: mail.smtpUrl,
        organisation,
        mailFrom: 'Samverkan <noreply@samverkan.test>',
        publicUrl: 'http://samverkan.test',
        receiptSecret: testReceiptSecret,
      }),
    ),
  });
  const running = worker.run();
  return {
    taskQueue,
    async stop() {
      worker.shutdown();
      await running;
    },
  };
}
