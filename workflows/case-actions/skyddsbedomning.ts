// The child's skyddsbedömning, done at once: the förhandsbedömning's 14 days then run from the report.
import type { CaseActionModule } from './action';

export const skyddsbedomning: CaseActionModule<'skyddsbedomning'> = {
  phases: ['skyddsbedomning'],
  label: 'registrera skyddsbedömning',
  completes: ['barn.skyddsbedomning'],
  // The 14 days of the förhandsbedömning run from when the report arrived.
  plan: (model) => ({ deadlines: [model.specFor('barn.forhandsbedomning', model.state.receivedAt, 'aktualisering')] }),
  apply(model, { action }, now) {
    model.completeStep(skyddsbedomning, now);
    model.state.phase = 'forhandsbedomning';
    return `Skyddsbedömning gjord (${action.skyddsbehov === 'akut' ? 'akut skyddsbehov' : 'inget akut skyddsbehov'})`;
  },
};
