import assert from 'node:assert/strict';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';

/** Awaits an Update that must be refused, and returns the typed failure it was refused with. */
export async function refused(promise: Promise<unknown>): Promise<ApplicationFailure> {
  const error = await promise.then(
    () => assert.fail('the request was accepted'),
    (e: unknown) => e,
  );
  assert.ok(error instanceof WorkflowUpdateFailedError, `expected an update failure, got ${String(error)}`);
  assert.ok(error.cause instanceof ApplicationFailure);
  return error.cause;
}
