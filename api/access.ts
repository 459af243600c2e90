// Who may see a case: a unit involved in it, a manager above such a unit, or the samordnare.
// A case with protected identity (skyddade personuppgifter) only the staff assigned to it and
// their managers. Anyone else gets 404, never the case.
import type { CaseView } from '../domain/case';
import { SECTOR_UNIT, type Organisation } from '../domain/organisation';
import type { Caller } from './auth';
import { mayReachCase } from '../domain/case-visibility';

export function canSeeCase(caller: Caller, view: Pick<CaseView, 'involvedUnits' | 'flags' | 'assignments'>, organisation: Organisation): boolean {
  return mayReachAsCaller(caller, organisation) && mayReachCase(caller, view);
}

/** What the case's state cannot tell: a sektorchef is the sector's (the organisation says which unit that is). */
export function mayReachAsCaller(caller: Caller, organisation: Organisation): boolean {
  return caller.role !== 'sektorchef' || caller.unit === organisation.sector.id;
}

/** The units whose tasks a caller sees in the task list. */
export function unitsInView(caller: Caller, organisation: Organisation): string[] {
  if (caller.role === 'samordnare' || (caller.role === 'sektorchef' && caller.unit === organisation.sector.id)) {
    // The sector's own tasks (disputes to decide) wait under the sector unit.
    return [...organisation.units.map((u) => u.id), SECTOR_UNIT];
  }
  return caller.role === 'sektorchef' ? [] : [caller.unit];
}
