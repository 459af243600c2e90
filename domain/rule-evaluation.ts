// Which steps a case's facts call for under a rule set: one pure function, used by the case
// workflow when a case opens (and by anything that wants to know in advance).
import type { CaseKind } from './facts';
import type { Rules, Trigger, TriggerCondition } from './rules';
import type { CaseFlags } from './case';

export interface CaseFacts {
  kind: CaseKind;
  flags: CaseFlags;
}

export function conditionHolds(when: TriggerCondition, facts: CaseFacts): boolean {
  if (!when.kinds.includes(facts.kind)) return false;
  if (when.vald && !when.vald.includes(facts.flags.vald)) return false;
  if (when.barnIHushallet !== undefined && when.barnIHushallet !== facts.flags.barnIHushallet) return false;
  if (when.hedersrelaterat !== undefined && when.hedersrelaterat !== facts.flags.hedersrelaterat) return false;
  return true;
}

/** The handovers and joint meetings the facts call for, in the order the rules list them. */
export function requiredSteps(facts: CaseFacts, rules: Pick<Rules, 'triggers'>): Trigger[] {
  return rules.triggers.filter((trigger) => conditionHolds(trigger.when, facts));
}
