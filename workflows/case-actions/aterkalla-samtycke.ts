// A withdrawn consent: it blocks the next handover, and the case withdraws those still pending
// under it (case-workflow.ts).
import { caseFailure } from '../../domain/failures';
import type { CaseActionModule } from './action';

export const aterkallaSamtycke: CaseActionModule<'aterkalla_samtycke'> = {
  phases: 'any',
  label: 'registrera återkallat samtycke',
  check(model, action) {
    const consent = model.state.consents.find((c) => c.id === action.samtyckeId);
    if (!consent) throw caseFailure('OGILTIG_UPPGIFT', `Samtycket ${action.samtyckeId} finns inte i ärendet`, 'action.samtyckeId');
    if (consent.withdrawnAt) throw caseFailure('FEL_FAS', `Samtycket ${action.samtyckeId} är redan återkallat`, 'action.samtyckeId');
  },
  apply(model, { action }, now) {
    model.state.consents.find((c) => c.id === action.samtyckeId)!.withdrawnAt = now;
    return `Samtycke ${action.samtyckeId} återkallat`;
  },
};
