import type { TestWorkflowEnvironment } from '@temporalio/testing';

/** Moves the time-skipping server's clock forward to a moment. */
export async function skipTo(env: TestWorkflowEnvironment, iso: string): Promise<void> {
  const ms = Date.parse(iso) - (await env.currentTimeMs());
  // A precondition of the test, not an assertion: also used by record-histories outside jest.
  if (ms <= 0) throw new Error(`the test clock is already past ${iso}`);
  await env.sleep(ms);
}

export async function skipBy(env: TestWorkflowEnvironment, ms: number): Promise<void> {
  await env.sleep(ms);
}

export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;

/** A date (YYYY-MM-DD) some days from now, in UTC: for deadlines a test gives. */
export function dayFromNow(offset: number): string {
  return new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
}
