// A consent to share information with external partners: who it covers, its scope, when given.
import type { CaseActionModule } from './action';

export const samtycke: CaseActionModule<'samtycke'> = {
  phases: 'any',
  label: 'registrera samtycke',
  apply(model, { actor, action }, now) {
    const consent = { id: `s${model.state.consents.length + 1}`, mottagare: action.mottagare, omfattning: action.omfattning, lamnat: action.lamnat, registeredBy: actor.unit, registeredAt: now };
    model.state.consents.push(consent);
    return `Samtycke ${consent.id} registrerat för ${action.mottagare.join(', ')}`;
  },
};
