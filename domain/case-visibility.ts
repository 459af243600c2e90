// Who may reach a case, from the case's own state: a unit involved in it, and for a case with
// protected identity only the staff assigned to it (and managers of involved units); the
// samordnare and the sektorchef always. Used by the API (api/access.ts) and by the case
// workflow's validator, so that an action needs no read of the case before it is sent: a caller
// who may not reach the case is refused as if it did not exist.
import type { Actor, CaseState } from './case';

export function mayReachCase(actor: Pick<Actor, 'role' | 'unit' | 'sub'>, state: Pick<CaseState, 'involvedUnits' | 'flags' | 'assignments'>): boolean {
  switch (actor.role) {
    case 'samordnare':
    case 'sektorchef':
      // The sektorchef only as the chef of the sector: the API checks the unit, which needs the organisation.
      return true;
    case 'enhetschef':
      return state.involvedUnits.includes(actor.unit);
    case 'handlaggare':
      if (!state.involvedUnits.includes(actor.unit)) return false;
      return !state.flags.skyddadeUppgifter || (state.assignments ?? []).some((a) => a.sub === actor.sub && a.unit === actor.unit);
    default:
      return false;
  }
}

/** The refusal's words, the same as the API's for a case it cannot find. */
export const caseUnreachable = 'Ärendet finns inte eller så saknar du behörighet till det';
