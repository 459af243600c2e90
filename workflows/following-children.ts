// Children who follow a parent into skyddat boende (domain/rules.ts, followingChildren): the
// parent's decision names them; each child's case gets a required task for its own decision, a
// child without a case a task in the parent's case for the unit opening children's cases. No
// Temporal APIs here: the case workflow sends the signals and plans the clocks.
import type { CaseModel, DeadlineSpec } from './case-model';
import { timingOverrides } from './deadline-tracker';
import { firstDeadlineKey } from '../domain/rule-evaluation';

import type { FollowsParent } from '../domain/case';

export type { FollowsParent };

export const followingTitles = {
  decision: 'Eget beslut för medföljande barn',
  openCase: 'Öppna ärende för medföljande barn',
} as const;

/** Whether an insats is one a child can follow a parent into, under the case's rules. */
export const childCanFollow = (model: CaseModel, insats: string) => model.rules.followingChildren.insatser.includes(insats);

/** The child's own decision, due after the parent's. */
export function decisionSpec(model: CaseModel, parent: FollowsParent): DeadlineSpec {
  const { decision, legal } = model.rules.followingChildren;
  return {
    key: 'medfoljande',
    title: followingTitles.decision,
    unit: model.rules.insatsOwner.barn,
    trigger: `medfoljer:${parent.parentCaseRef}`,
    startAt: parent.decidedAt,
    duration: decision.duration,
    counting: decision.counting,
    legal,
    ...timingOverrides(decision),
  };
}

/** In the parent's case: a case to open for a child who follows and has none. */
export function openCaseSpec(model: CaseModel, startAt: string, trigger: string): DeadlineSpec {
  const { openCase, legal } = model.rules.followingChildren;
  return {
    key: 'medfoljande_arende',
    title: followingTitles.openCase,
    unit: model.rules.deadlines[firstDeadlineKey.barn]!.owner,
    trigger,
    startAt,
    duration: openCase.duration,
    counting: openCase.counting,
    legal,
    ...timingOverrides(openCase),
  };
}

/** The child's case already waits for its own decision because of this parent. */
export const alreadyAsked = (model: CaseModel, parent: FollowsParent) =>
  model.openDeadlines().some((d) => d.key === 'medfoljande' && d.trigger === `medfoljer:${parent.parentCaseRef}`);
