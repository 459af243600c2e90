// The provider of an insats reports what it delivers: that it started, that it goes on, that it
// was interrupted or that it ended. A short structured report, no journal text; the owning
// unit's follow-up shows them. An external partner reports through its single-use link.
import { caseFailure } from '../../domain/failures';
import { reportSpec } from '../providers';
import type { CaseActionModule } from './action';
import { runningInsats } from './insats-check';

export const reportLabels = { startad: 'insatsen har startat', pagaende: 'insatsen pågår', avbruten: 'insatsen har avbrutits', avslutad: 'insatsen har avslutats' } as const;

export const rapportUtforare: CaseActionModule<'rapport_utforare'> = {
  phases: 'any',
  label: 'rapportera om insatsen',
  check(model, action, actor) {
    const insats = runningInsats(model, action.insatsId);
    if (insats.performedBy !== actor.unit) throw caseFailure('EJ_BEHORIG', `Rapporten lämnas av utföraren, ${insats.performedBy}`);
    if (!insats.startedAt && action.status !== 'startad' && action.status !== 'avbruten') {
      throw caseFailure('FEL_FAS', 'Bekräfta först att insatsen har startat', 'action.status');
    }
    if (insats.startedAt && action.status === 'startad') throw caseFailure('FEL_FAS', 'Insatsens start är redan bekräftad', 'action.status');
  },
  plan(model, action, now) {
    const insats = model.insats(action.insatsId)!;
    // Going on: the next report at the next follow-up interval.
    return { deadlines: action.status === 'startad' || action.status === 'pagaende' ? [reportSpec(model, insats, now)] : [] };
  },
  apply(model, { actor, action }, now) {
    const insats = model.insats(action.insatsId)!;
    model.closeOpen((d) => d.insatsId === insats.id && (d.key === 'utforare_start' || d.key === 'utforare_rapport'), 'done', now);
    if (action.status === 'startad') insats.startedAt = now;
    insats.reports = [...(insats.reports ?? []), { at: now, status: action.status, by: actor.sub, unit: actor.unit }];
    return `Utföraren rapporterade att ${reportLabels[action.status]}`;
  },
};
