// The case closed, once every insats has ended; what is still open is cancelled with it.
import { caseFailure } from '../../domain/failures';
import type { CaseActionModule } from './action';

export const avslutaArende: CaseActionModule<'avsluta_arende'> = {
  phases: ['insatser'],
  label: 'avsluta ärendet',
  check(model) {
    if (model.state.insatser.some((i) => !i.endedAt)) throw caseFailure('FEL_FAS', 'Ärendet har pågående insatser; avsluta dem först');
  },
  apply(model) {
    model.state.phase = 'avslutad';
  },
};
