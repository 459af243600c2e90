// Who may see a case: a unit involved in it, a manager above such a unit, or the samordnare.
// Anyone else gets 404, never the case.
import { SECTOR_UNIT, type Organisation } from '../domain/organisation';
import type { Caller } from './auth';

export function canSeeCase(caller: Caller, involvedUnits: string[], organisation: Organisation): boolean {
  switch (caller.role) {
    case 'samordnare':
      return true;
    case 'sektorchef':
      return caller.unit === organisation.sector.id;
    case 'enhetschef':
    case 'handlaggare':
      return involvedUnits.includes(caller.unit);
  }
}

/** The units whose tasks a caller sees in the task list. */
export function unitsInView(caller: Caller, organisation: Organisation): string[] {
  if (caller.role === 'samordnare' || (caller.role === 'sektorchef' && caller.unit === organisation.sector.id)) {
    // The sector's own tasks (disputes to decide) wait under the sector unit.
    return [...organisation.units.map((u) => u.id), SECTOR_UNIT];
  }
  return caller.role === 'sektorchef' ? [] : [caller.unit];
}
