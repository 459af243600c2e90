// Builds the worker that runs case workflows and their activities. Dependencies come in, so
// `npm start`, a standalone worker process and the tests build it the same way.
import { NativeConnection, Worker, type WorkflowBundleOption } from '@temporalio/worker';
import { createActivities, type ActivityDependencies } from '../activities';

export const workflowsPath = new URL('../workflows/index.ts', import.meta.url).pathname;
/** Where `npm run build:workflows` writes the production bundle. */
export const prebuiltBundlePath = new URL('../dist/workflow-bundle.js', import.meta.url).pathname;

export interface CaseWorkerOptions {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  dependencies: ActivityDependencies;
  /** A prebuilt bundle (production, tests); without it the workflows are bundled at start. */
  workflowBundle?: WorkflowBundleOption;
}

export function createCaseWorker(options: CaseWorkerOptions): Promise<Worker> {
  return Worker.create({
    connection: options.connection,
    namespace: options.namespace,
    taskQueue: options.taskQueue,
    ...(options.workflowBundle ? { workflowBundle: options.workflowBundle } : { workflowsPath }),
    activities: createActivities(options.dependencies),
  });
}
