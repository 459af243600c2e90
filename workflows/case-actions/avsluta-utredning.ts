// The utredning's conclusion: insatser to decide on, or the case ends.
import type { CaseActionModule } from './action';

export const avslutaUtredning: CaseActionModule<'avsluta_utredning'> = {
  phases: ['utredning'],
  label: 'avsluta utredningen',
  completes: ['barn.utredning', 'vuxen.utredning'],
  apply(model, { action }, now) {
    model.completeStep(avslutaUtredning, now);
    const insatser = action.beslut === 'insatser';
    model.state.phase = insatser ? 'insatser' : 'avslutad';
    return insatser ? 'Utredningen avslutad med beslut om insatser' : 'Utredningen avslutad utan insatser';
  },
};
