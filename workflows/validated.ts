// Update validators refuse bad input before anything is written to history.
import type { UpdateDefinition } from '@temporalio/common';
import { setHandler } from '@temporalio/workflow';
import type { Mutex } from 'async-mutex';
import { caseFailure } from '../domain/failures';
import { describeIssues, type z } from '../domain/zod';

/** Parses an Update's argument, or refuses it with the field and the reason in Swedish. */
export function validated<T extends z.ZodType>(schema: T, raw: unknown): z.infer<T> {
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const [issue] = describeIssues(parsed.error);
    throw caseFailure('OGILTIG_UPPGIFT', `${issue!.field}: ${issue!.message}`, issue!.field);
  }
  return parsed.data;
}

/**
 * An Update that the validator refuses when its argument does not parse or `check` fails, and
 * whose handler runs under the workflow's lock, checking again: state may have moved while it
 * waited. Nothing is changed by a refused request.
 */
export function setCheckedUpdate<Ret, T extends z.ZodType>(
  update: UpdateDefinition<Ret, [z.infer<T>]>,
  options: { schema: T; lock: Mutex; check: (request: z.infer<T>) => void; handle: (request: z.infer<T>) => Promise<Ret> },
): void {
  const { schema, lock, check, handle } = options;
  setHandler(
    update,
    async (raw) =>
      lock.runExclusive(async () => {
        const request = schema.parse(raw);
        check(request);
        return handle(request);
      }),
    { validator: (raw) => check(validated(schema, raw)) },
  );
}
