// An utredning extended to a later date, with the reason kept in the case (never e-mailed).
import { caseFailure } from '../../domain/failures';
import type { CaseActionModule } from './action';

export const forlangUtredning: CaseActionModule<'forlang_utredning'> = {
  phases: ['utredning'],
  label: 'förlänga utredningen',
  completes: ['barn.utredning', 'vuxen.utredning'],
  check(model, action) {
    const current = model.stepDeadline(forlangUtredning)!;
    if (action.nyttSlutdatum <= current.dueAt.slice(0, 10)) {
      throw caseFailure('OGILTIG_UPPGIFT', `Det nya slutdatumet måste vara senare än nuvarande (${current.dueAt.slice(0, 10)})`, 'action.nyttSlutdatum');
    }
  },
  plan: (model, action) => ({ deadlines: [], extension: { deadlineId: model.stepDeadline(forlangUtredning)!.id, dueDate: action.nyttSlutdatum } }),
  apply(model, { actor, action }, now, planned) {
    const deadline = model.stepDeadline(forlangUtredning)!;
    const moved = planned.extension!;
    deadline.extensions.push({ previousDueAt: deadline.dueAt, newDueAt: moved.dueAt, reason: action.skal, by: actor.sub, at: now });
    deadline.dueAt = moved.dueAt;
    deadline.alerts = moved.alerts;
    deadline.revision += 1;
    deadline.escalationLevel = 0;
    delete deadline.escalatedTo;
    return `Utredningstiden förlängd till ${action.nyttSlutdatum}`;
  },
};
