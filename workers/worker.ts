// Builds the worker that runs case workflows and their activities. Dependencies come in, so
// `npm start`, a standalone worker process and the tests build it the same way.
import type { DataConverter } from '@temporalio/common';
import { NativeConnection, Worker, type WorkflowBundleOption } from '@temporalio/worker';
import path from 'node:path';
import { createActivities, type ActivityDependencies } from '../activities';
import { projectRoot } from '../infra/project-root';
import type { Tracing } from '../infra/tracing';

export const workflowsPath = path.join(projectRoot, 'workflows', 'index.ts');
/**
 * The workflow code is loaded once per worker thread and shared by every cached workflow (the
 * SDK's `preloadModules`, with its reusable V8 context), instead of once per workflow: a cached
 * case then holds its state and little else (about 100 KiB after an action, from 1.8 MiB with
 * zod and every module of its own). Safe because these modules keep no state of a workflow at
 * module level (they are frozen when shared); the Update schemas are shared through
 * workflows/shared-schemas.ts. Every bundle of the workflows is built with it.
 */
export const preloadedWorkflowModules = [workflowsPath];
/** Where `npm run build` writes the production bundle. */
export const prebuiltBundlePath = path.join(projectRoot, 'dist', 'workflow-bundle.js');
/** The same with OpenTelemetry's workflow interceptors in it, for a worker that traces. */
export const prebuiltTracedBundlePath = path.join(projectRoot, 'dist', 'workflow-bundle-traced.js');

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
  /** OpenTelemetry (infra/tracing.ts): a prebuilt bundle must then be the traced one. */
  tracing?: Tracing['worker'];
}

export function createCaseWorker(options: CaseWorkerOptions): Promise<Worker> {
  return Worker.create({
    connection: options.connection,
    namespace: options.namespace,
    taskQueue: options.taskQueue,
    dataConverter: options.dataConverter,
    ...(options.workflowBundle ? { workflowBundle: options.workflowBundle } : { workflowsPath, bundlerOptions: { preloadModules: preloadedWorkflowModules } }),
    activities: createActivities(options.dependencies),
    ...(options.tracing
      ? {
          // A prebuilt bundle has the workflow interceptors in it already (scripts/build.ts).
          interceptors: { activity: options.tracing.activity, ...(options.workflowBundle ? {} : { workflowModules: options.tracing.workflowModules }) },
          sinks: options.tracing.sinks,
        }
      : {}),
    // On SIGINT/SIGTERM running activities (a mail being sent, a deadline being planned) get this
    // long to finish; then they are cancelled and retried at the next start (they are idempotent).
    shutdownGraceTime: '10s',
    // Also the most notifications that can be in flight at the mail server when this worker is
    // killed, and so the most that can go out twice after it (activities/index.ts, deliver).
    maxConcurrentActivityTaskExecutions: maxConcurrentActivities,
  });
}
