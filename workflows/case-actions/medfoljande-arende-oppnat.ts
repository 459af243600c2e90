// The unit opening children's cases has opened one for a child who follows the parent: its task
// in the parent's case is done, and the case workflow asks the child's case for its own decision.
import { caseFailure } from '../../domain/failures';
import type { CaseActionModule } from './action';

export const medfoljandeArendeOppnat: CaseActionModule<'medfoljande_arende_oppnat'> = {
  phases: 'any',
  label: 'registrera ärendet för det medföljande barnet',
  check(model, action, actor) {
    if (!model.openDeadlines().some((d) => d.key === 'medfoljande_arende' && d.unit === actor.unit)) {
      throw caseFailure('FEL_FAS', `Inget medföljande barn väntar på ett ärende från enheten ${actor.unit}`, 'action.type');
    }
    if (action.arende === model.state.caseRef) throw caseFailure('OGILTIG_UPPGIFT', 'Ange barnets ärende, inte den vuxnas', 'action.arende');
  },
  apply(model, { actor, action }, now) {
    const task = model.openDeadlines().find((d) => d.key === 'medfoljande_arende' && d.unit === actor.unit)!;
    model.closeOpen((d) => d.id === task.id, 'done', now);
    return `Ärende ${action.arende} öppnat för medföljande barn`;
  },
};
