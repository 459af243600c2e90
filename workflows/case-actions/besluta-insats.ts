// A decided insats, performed by a unit (or partner) and followed up on the rules' schedule.
// A parent's decision of skyddat boende names the children who follow (each needs a decision of
// its own: following-children.ts); a child's own decision of it may come in any phase of its case.
import { caseFailure } from '../../domain/failures';
import { childCanFollow, openCaseSpec } from '../following-children';
import type { CaseActionModule } from './action';

export const beslutaInsats: CaseActionModule<'besluta_insats'> = {
  phases: ['insatser'],
  // A child who followed a parent: its own decision is due whatever phase its case is in.
  alsoWhen: (model, action) => childCanFollow(model, action.insats) && model.openDeadlines().some((d) => d.key === 'medfoljande'),
  label: 'besluta om insats',
  check(model, action) {
    if (!model.rules.followUps[action.insats]) {
      throw caseFailure('OGILTIG_UPPGIFT', `Okänd insats: ${action.insats}. Tillåtna: ${Object.keys(model.rules.followUps).join(', ')}`, 'action.insats');
    }
    const following = (action.medfoljandeBarn?.length ?? 0) + (action.medfoljandeBarnUtanArende ?? 0);
    if (following === 0) return;
    if (model.state.kind !== 'vuxen') throw caseFailure('OGILTIG_UPPGIFT', 'Medföljande barn anges i den vuxnas beslut', 'action.medfoljandeBarn');
    if (!childCanFollow(model, action.insats)) {
      throw caseFailure('OGILTIG_UPPGIFT', `Barn kan inte följa med till insatsen ${action.insats}; det kan de till ${model.rules.followingChildren.insatser.join(', ')}`, 'action.medfoljandeBarn');
    }
    const refs = action.medfoljandeBarn ?? [];
    if (new Set(refs).size !== refs.length) throw caseFailure('OGILTIG_UPPGIFT', 'Samma barn står två gånger', 'action.medfoljandeBarn');
    if (refs.includes(model.state.caseRef)) throw caseFailure('OGILTIG_UPPGIFT', 'Ange barnens ärenden, inte den vuxnas', 'action.medfoljandeBarn');
  },
  plan: (model, action, now) => ({
    deadlines: [
      model.followUpSpec(action.insats, `i${model.state.nextInsatsNumber}`, now, action.type),
      ...Array.from({ length: action.medfoljandeBarnUtanArende ?? 0 }, () => openCaseSpec(model, now, action.type)),
    ],
  }),
  apply(model, { actor, action }, now) {
    model.addInsats(action.insats, action.utforare, actor.unit, now);
    // The child's own decision: the duty its parent's decision gave it is done.
    if (childCanFollow(model, action.insats)) model.closeOpen((d) => d.key === 'medfoljande', 'done', now);
    const following = (action.medfoljandeBarn?.length ?? 0) + (action.medfoljandeBarnUtanArende ?? 0);
    return `Beslut om insats: ${action.insats}${following > 0 ? ` (${following} medföljande barn)` : ''}`;
  },
};
