// Builds the worker that runs case workflows and their activities. Dependencies come in, so
// `npm start`, a standalone worker process and the tests build it the same way.
import type { DataConverter } from '@temporalio/common';
import { NativeConnection, Worker, type WorkflowBundleOption } from '@temporalio/worker';
import path from 'node:path';
import { createActivities, type ActivityDependencies } from '../activities';
import { projectRoot } from '../infra/project-root';

export const workflowsPath = path.join(projectRoot, 'workflows', 'index.ts');
/** Where `npm run build` writes the production bundle. */
export const prebuiltBundlePath = path.join(projectRoot, 'dist', 'workflow-bundle.js');

/** Activities one worker runs at once (the SDK's default is 100). */
export const maxConcurrentActivities = 20;

export interface CaseWorkerOptions {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  dependencies: ActivityDependencies;
  /** The payload codec (infra/payload-codec.ts): the same as the clients' of the namespace. */
  dataConverter: DataConverter;
  /** A prebuilt bundle (production, tests); without it the workflows are bundled at start. */
  workflowBundle?: WorkflowBundleOption;
}

export function createCaseWorker(options: CaseWorkerOptions): Promise<Worker> {
  return Worker.create({
    connection: options.connection,
    namespace: options.namespace,
    taskQueue: options.taskQueue,
    dataConverter: options.dataConverter,
    ...(options.workflowBundle ? { workflowBundle: options.workflowBundle } : { workflowsPath }),
    activities: createActivities(options.dependencies),
    // On SIGINT/SIGTERM running activities (a mail being sent, a deadline being planned) get this
    // long to finish; then they are cancelled and retried at the next start (they are idempotent).
    shutdownGraceTime: '10s',
    // Also the most notifications that can be in flight at the mail server when this worker is
    // killed, and so the most that can go out twice after it (activities/index.ts, deliver).
    maxConcurrentActivityTaskExecutions: maxConcurrentActivities,
  });
}
