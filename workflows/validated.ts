// Update validators refuse bad input before anything is written to history.
import type { UpdateDefinition } from '@temporalio/common';
import { setHandler } from '@temporalio/workflow';
import type { Mutex } from 'async-mutex';
import type * as UpdateSchemas from '../domain/update-schemas';
import { updateSchemas } from './shared-schemas';
import { caseUnreachable } from '../domain/case-visibility';
import { caseFailure } from '../domain/failures';
import type { z } from '../domain/zod';

/**
 * An Update that the validator refuses when its argument does not have the shape the API sends
 * (`schema`) or `check` fails, and whose handler runs under the workflow's lock, checking again:
 * state may have moved while it waited. Nothing is changed by a refused request. The handler
 * does not parse again: the validator accepted the argument, and on replay only the handler
 * runs, on the argument as it was recorded.
 */
export function setCheckedUpdate<Ret, Arg>(
  update: UpdateDefinition<Ret, [Arg]>,
  options: {
    /** The argument's schema, from domain/update-schemas.ts. */
    schema: (all: typeof UpdateSchemas) => z.ZodType<Arg>;
    /** Reads an argument as histories recorded before a rename hold it (the handler runs on replay). */
    asRecorded?: (recorded: Arg) => Arg;
    lock: Mutex;
    /** Whether the request's caller may reach the case at all: refused as not found when not (in the validator only). */
    reachable?: (request: Arg) => boolean;
    check: (request: Arg) => void;
    handle: (request: Arg) => Promise<Ret>;
  },
): void {
  const { schema, asRecorded = (arg: Arg) => arg, lock, reachable, check, handle } = options;
  setHandler(
    update,
    async (recorded) =>
      lock.runExclusive(async () => {
        const request = asRecorded(recorded);
        check(request);
        return handle(request);
      }),
    {
      validator: (raw) => {
        // zod and the schemas load with the first validator, once per worker thread (shared-schemas.ts).
        const all = updateSchemas();
        const request = all.parseUpdateArgument(schema(all), raw);
        // Before any other answer: one that says why would tell the case exists.
        if (reachable && !reachable(request)) throw caseFailure('HITTADES_INTE', caseUnreachable);
        check(request);
      },
    },
  );
}
