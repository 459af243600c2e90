// The unit's enhetschef gives the case to one of the unit's handläggare.
import { caseFailure } from '../../domain/failures';
import type { CaseActionModule } from './action';

export const tilldela: CaseActionModule<'tilldela'> = {
  phases: 'any',
  label: 'tilldela ärendet',
  check(_model, _action, actor) {
    if (actor.role !== 'enhetschef') throw caseFailure('EJ_BEHORIG', 'Endast enhetschefen tilldelar ärenden inom enheten');
  },
  apply(model, { actor, action }, now) {
    model.assign(actor.unit, action.handlaggare, actor.sub, now);
    return `Ärendet tilldelat ${action.handlaggare} för ${actor.unit}`;
  },
};
