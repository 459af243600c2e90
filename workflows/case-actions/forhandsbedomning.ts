// The förhandsbedömning's decision: an utredning is opened, or the case ends here.
import type { CaseActionModule } from './action';

export const forhandsbedomning: CaseActionModule<'forhandsbedomning'> = {
  phases: ['forhandsbedomning'],
  label: 'besluta efter förhandsbedömning',
  completes: ['barn.forhandsbedomning'],
  plan: (model, action, now) => ({ deadlines: action.beslut === 'inled_utredning' ? [model.specFor('barn.utredning', now, action.type)] : [] }),
  apply(model, { action }, now) {
    model.completeStep(forhandsbedomning, now);
    const inled = action.beslut === 'inled_utredning';
    model.state.phase = inled ? 'utredning' : 'avslutad';
    return inled ? 'Beslut: utredning inleds' : 'Beslut: utredning inleds inte';
  },
};
