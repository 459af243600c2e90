// Outsourced insatser (domain/rules.ts, providers): an insats performed by another unit or an
// external partner gives the provider its own tasks in the case: confirm the start, then report
// at each follow-up interval. Their escalation goes to the provider, then to the enhetschef of the
// unit that decided the insats. No Temporal APIs here: the case workflow versions the change.
import type { Insats } from '../domain/case';
import type { CaseModel, DeadlineSpec } from './case-model';
import { timingOverrides } from './deadline-tracker';

/** Histories recorded before providers had tasks decide their insatser without them. */
export const providerTasksPatch = 'provider-tasks';

export const providerTaskKeys = ['utforare_start', 'utforare_rapport'] as const;
export const isProviderTask = (deadline: { key: string }) => (providerTaskKeys as readonly string[]).includes(deadline.key);

/** An insats the deciding unit does not perform itself. */
export const outsourced = (performedBy: string, decidedBy: string) => performedBy !== decidedBy;

/** The provider confirms that the insats has started. */
export function confirmStartSpec(model: CaseModel, insatsId: string, provider: string, owner: string, startAt: string): DeadlineSpec {
  const { confirmStart, legal } = model.rules.providers;
  return {
    key: 'utforare_start',
    title: 'Bekräfta att insatsen har startat',
    unit: provider,
    managerUnit: owner,
    insatsId,
    trigger: 'besluta_insats',
    startAt,
    duration: confirmStart.duration,
    counting: confirmStart.counting,
    legal,
    ...timingOverrides(confirmStart),
  };
}

/** The provider's next report, at the insats's follow-up interval. */
export function reportSpec(model: CaseModel, insats: Insats, startAt: string): DeadlineSpec {
  const followUp = model.rules.followUps[insats.kind]!;
  const { confirmStart, legal } = model.rules.providers;
  return {
    key: 'utforare_rapport',
    title: 'Rapportera vad insatsen har levererat',
    unit: insats.performedBy,
    managerUnit: insats.decidedBy,
    insatsId: insats.id,
    trigger: 'rapport_utforare',
    startAt,
    duration: followUp.every,
    counting: followUp.counting,
    legal,
    // Reminded and escalated as the start's confirmation is: the provider, then the owner's enhetschef.
    ...timingOverrides({ escalation: confirmStart.escalation }),
  };
}
