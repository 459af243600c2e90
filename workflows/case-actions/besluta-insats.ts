// A decided insats, performed by a unit (or partner) and followed up on the rules' schedule.
import { caseFailure } from '../../domain/failures';
import type { CaseActionModule } from './action';

export const beslutaInsats: CaseActionModule<'besluta_insats'> = {
  phases: ['insatser'],
  label: 'besluta om insats',
  check(model, action) {
    if (!model.rules.followUps[action.insats]) {
      throw caseFailure('OGILTIG_UPPGIFT', `Okänd insats: ${action.insats}. Tillåtna: ${Object.keys(model.rules.followUps).join(', ')}`, 'action.insats');
    }
  },
  plan: (model, action, now) => ({ deadlines: [model.followUpSpec(action.insats, `i${model.state.nextInsatsNumber}`, now, action.type)] }),
  apply(model, { actor, action }, now) {
    model.addInsats(action.insats, action.utforare, actor.unit, now);
    return `Beslut om insats: ${action.insats}`;
  },
};
