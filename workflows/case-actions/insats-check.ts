// The insats an action names: it must exist in the case and still be running.
import type { Insats } from '../../domain/case';
import { caseFailure } from '../../domain/failures';
import type { CaseModel } from '../case-model';

export function runningInsats(model: CaseModel, insatsId: string): Insats {
  const insats = model.insats(insatsId);
  if (!insats) throw caseFailure('OGILTIG_UPPGIFT', `Insatsen ${insatsId} finns inte i ärendet`, 'action.insatsId');
  if (insats.endedAt) throw caseFailure('FEL_FAS', `Insatsen ${insatsId} är redan avslutad`, 'action.insatsId');
  return insats;
}
