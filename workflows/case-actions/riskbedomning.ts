// The adult's skydds- och riskbedömning, with the instrument the rules may require (PATRIARK).
import { caseFailure } from '../../domain/failures';
import { evaluateRules } from '../../domain/rule-evaluation';
import type { CaseActionModule } from './action';

export const riskbedomning: CaseActionModule<'riskbedomning'> = {
  phases: ['riskbedomning'],
  label: 'registrera risk- och skyddsbedömning',
  completes: ['vuxen.riskbedomning'],
  check(model, action) {
    const required = evaluateRules(model.state, model.rules).riskInstrument;
    if (required && action.instrument !== required.instrument) {
      const why = required.trigger === 'hedersrelaterat' ? 'I hedersrelaterade ärenden' : `Enligt regeln ${required.trigger}`;
      throw caseFailure('OGILTIG_UPPGIFT', `${why} ska riskbedömningen göras med ${required.instrument}`, 'action.instrument');
    }
  },
  plan: (model, action, now) => ({ deadlines: [model.specFor('vuxen.utredning', now, action.type)] }),
  apply(model, { action }, now) {
    model.completeStep(riskbedomning, now);
    model.state.riskAssessment = { instrument: action.instrument, riskniva: action.riskniva, at: now };
    model.state.phase = 'utredning';
    return `Riskbedömning gjord med ${action.instrument}`;
  },
};
