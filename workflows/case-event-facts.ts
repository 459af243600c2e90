// What the event log keeps of a step besides its type and unit: the decision's enums and the
// ids that tie steps together (an insats's kind and provider, a handover's receiver), so the
// reports can count them. A whitelist per action: never free text, never a user or a name.
import type { CaseAction } from '../domain/case';
import type { CaseModel } from './case-model';

export type StepFacts = Record<string, string | number | boolean>;

/** The facts of an action just applied; `closesCase` when it ended the case. */
export function actionFacts(model: CaseModel, action: CaseAction): StepFacts {
  const facts = factsOf(model, action);
  if (model.closed) facts.closesCase = true;
  return facts;
}

function factsOf(model: CaseModel, action: CaseAction): StepFacts {
  switch (action.type) {
    case 'skyddsbedomning':
      return { skyddsbehov: action.skyddsbehov };
    case 'forhandsbedomning':
      return { beslut: action.beslut };
    case 'riskbedomning':
      return { instrument: action.instrument, riskniva: action.riskniva };
    case 'erbjudande':
      return { erbjudande: action.erbjudande, svar: action.svar, utforare: action.utforare };
    case 'avsluta_utredning':
      return { beslut: action.beslut };
    case 'besluta_insats': {
      const insats = model.state.insatser[model.state.insatser.length - 1];
      return {
        insats: action.insats,
        utforare: action.utforare,
        ...(insats ? { insatsId: insats.id } : {}),
        medfoljandeBarn: (action.medfoljandeBarn?.length ?? 0) + (action.medfoljandeBarnUtanArende ?? 0),
      };
    }
    case 'uppfoljning':
    case 'avsluta_insats':
      return { insatsId: action.insatsId, ...insatsOf(model, action.insatsId) };
    case 'rapport_utforare':
      return { insatsId: action.insatsId, status: action.status, ...insatsOf(model, action.insatsId) };
    case 'kontakt_vardnadshavare':
      return { tolk: action.tolk };
    case 'andra_fakta':
      return Object.fromEntries(Object.entries(action.flags).filter(([, value]) => value !== undefined)) as StepFacts;
    case 'samtycke':
      return { mottagare: action.mottagare.length };
    default:
      return {};
  }
}

/** The kind of insats and who performs it, so its follow-ups and reports count per provider. */
function insatsOf(model: CaseModel, insatsId: string): StepFacts {
  const insats = model.state.insatser.find((i) => i.id === insatsId);
  return insats ? { insats: insats.kind, utforare: insats.performedBy } : {};
}
