// Contact with the child's guardians, with who interpreted: the rules' gates may refuse it (not
// before protection is arranged in an honour-related case; never a relative as interpreter).
import { caseFailure } from '../../domain/failures';
import type { CaseActionModule } from './action';

const interpreted = { ingen: 'utan tolk', professionell: 'med professionell tolk', anhorig: 'med anhörig som tolk' } as const;

export const kontaktVardnadshavare: CaseActionModule<'kontakt_vardnadshavare'> = {
  phases: 'any',
  label: 'registrera kontakt med vårdnadshavare',
  check(model) {
    if (model.state.kind !== 'barn') throw caseFailure('FEL_FAS', 'Kontakt med vårdnadshavare registreras i barnets ärende', 'action.type');
  },
  apply: (_model, { action }) => `Kontakt med vårdnadshavare ${interpreted[action.tolk]}`,
};
