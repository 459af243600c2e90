// The Updates' argument schemas (domain/update-schemas.ts), loaded the first time a validator runs
// and then shared by every workflow of the worker thread. This module is preloaded into the
// reusable V8 context (workers/worker.ts, `preloadedWorkflowModules`): without that, each cached
// case that ever validated an Update kept its own copy of zod and the schemas, some 1.6 MiB. The
// schemas live in this closure, not in the module's exports, which the SDK freezes when it shares
// a module (zod adds a schema's methods lazily). Validators do not run on replay, and parsing is
// the same for every workflow.
import type * as UpdateSchemas from '../domain/update-schemas';

let schemas: typeof UpdateSchemas | undefined;

export function updateSchemas(): typeof UpdateSchemas {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- a lazy load inside the workflow bundle (webpack)
  schemas ??= require('../domain/update-schemas') as typeof UpdateSchemas;
  return schemas;
}
