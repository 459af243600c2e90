// A unit the caller wants to give new work (a handover, an insats, a meeting task, a dispute's
// decision): it must exist and not be retired, or the answer is 400 naming the field.
import { activeUnit, findUnit, type Organisation, type Unit } from '../domain/organisation';
import { ApiError } from './errors';

export function requireActiveUnit(org: Organisation, field: string, unitId: string): Unit {
  const unit = activeUnit(org, unitId);
  if (unit) return unit;
  const message = findUnit(org, unitId) ? `Enheten ${unitId} är avvecklad och tar inte emot nya uppgifter` : `Enheten ${unitId} finns inte`;
  throw new ApiError(400, 'OGILTIG_UPPGIFT', message, [{ field, message }]);
}
