// Typed failures: one list of codes, raised by workflows with a Swedish message and mapped
// to HTTP status codes by the API.
import { ApplicationFailure } from '@temporalio/common';

export const failureStatus = {
  /** Input that cannot be right whatever the case's state (unknown insats kind, date in the past). */
  OGILTIG_UPPGIFT: 400,
  /** The caller's role or unit may not do this. */
  EJ_BEHORIG: 403,
  /** The caller may not reach the case: answered as if it did not exist (domain/case-visibility.ts). */
  HITTADES_INTE: 404,
  /** The action does not fit the case's current state. */
  FEL_FAS: 409,
  /** The case reference is taken by a case of another kind. */
  ARENDE_FINNS: 409,
  /** Information may not leave the municipality: no consent or statutory ground recorded. */
  RATTSLIG_GRUND_SAKNAS: 409,
  /** A rule of the regelverk refuses the action until a condition holds (domain/gates.ts). */
  SPARRAD: 409,
} as const;
export type FailureCode = keyof typeof failureStatus;

export function caseFailure(code: FailureCode, message: string, field?: string): ApplicationFailure {
  return ApplicationFailure.create({ type: code, message, nonRetryable: true, details: field ? [{ field }] : [] });
}

export function isFailureCode(type: string | undefined | null): type is FailureCode {
  return typeof type === 'string' && type in failureStatus;
}
