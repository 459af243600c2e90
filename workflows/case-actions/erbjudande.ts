// An offer of support to a våldsutövare (Manscentrum, ATV, RVT's own talks): recorded as an insats
// with its follow-up, whatever the answer.
import type { CaseActionModule } from './action';

/** The insats kind an offer to a våldsutövare is followed up as. */
const insatsKind = 'stod_valdsutovare';

export const erbjudande: CaseActionModule<'erbjudande'> = {
  phases: ['erbjudande', 'insatser'],
  kinds: ['utovare'],
  label: 'registrera erbjudande till våldsutövare',
  // The first offer is the erbjudande step's; later ones are the insats owner's.
  owner: (model) => (model.state.phase === 'erbjudande' ? model.rules.deadlines['utovare.erbjudande']!.owner : undefined),
  plan: (model, action, now) => ({ deadlines: [model.followUpSpec(insatsKind, `i${model.state.nextInsatsNumber}`, now, action.type)] }),
  apply(model, { actor, action }, now) {
    model.closeOpen((d) => d.key === 'utovare.erbjudande', 'done', now);
    model.addInsats(insatsKind, action.utforare, actor.unit, now);
    model.state.phase = 'insatser';
    return `Erbjudande om stöd (${action.erbjudande}) registrerat, svar: ${action.svar}`;
  },
};
