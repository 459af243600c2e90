import { expect } from '@jest/globals';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';

/** Awaits an Update that must be refused, and returns the typed failure it was refused with. */
export async function refused(promise: Promise<unknown>): Promise<ApplicationFailure> {
  const error = await promise.then(
    () => {
      throw new Error('the request was accepted');
    },
    (e: unknown) => e,
  );
  // an Update failure that carries the typed failure
  expect(error).toBeInstanceOf(WorkflowUpdateFailedError);
  const { cause } = error as WorkflowUpdateFailedError;
  expect(cause).toBeInstanceOf(ApplicationFailure);
  return cause as ApplicationFailure;
}
