// A deadline's own reminders and escalation chain, or the rule set's defaults. Plain functions:
// the workflows' clock and the dry run use them alike.
import type { EscalationStep, Rules } from './rules';

export function reminderOffsets(rules: Pick<Rules, 'reminders'>, rule: { reminders?: string[] }): string[] {
  return rule.reminders ?? rules.reminders;
}

export function escalationChain(rules: Pick<Rules, 'escalation'>, rule: { escalation?: EscalationStep[] }): EscalationStep[] {
  return rule.escalation ?? rules.escalation;
}
