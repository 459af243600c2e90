// Protection is arranged for the person the case is about: a gate may wait for this (in an
// honour-related child's case the guardians are contacted only after it: domain/gates.ts).
import { caseFailure } from '../../domain/failures';
import type { CaseActionModule } from './action';

export const skyddOrdnat: CaseActionModule<'skydd_ordnat'> = {
  phases: 'any',
  label: 'registrera att skyddet är ordnat',
  check(model) {
    if (model.state.protectionArranged) throw caseFailure('FEL_FAS', 'Skyddet är redan registrerat som ordnat', 'action.type');
  },
  apply(model, { actor }, now) {
    model.state.protectionArranged = { at: now, by: actor.sub, unit: actor.unit };
    return 'Skyddet registrerat som ordnat';
  },
};
