// What moving a running case to another rules version changes: pure, so that the case workflow
// (which then plans and applies it) and the dry run (which only shows it) agree.
import type { Actor, CaseState, Deadline } from './case';
import { isDeadlineKey } from './lifecycle';
import { evaluateRules } from './rule-evaluation';
import { escalationChain, reminderOffsets } from './rule-timing';
import type { EscalationStep, HandoverTrigger, MeetingTrigger, Rules } from './rules';

/** The changeRules Update's argument: the samordnare moves a case to a newer, complete version. */
export interface ChangeRules {
  actor: Actor;
  rules: Rules;
  /** Why, kept on the case (parsed by the API: 5–1000 characters). */
  reason: string;
}

/** An open deadline planned again under the new version, from the moment it started. */
export interface Replan {
  deadlineId: string;
  title: string;
  startAt: string;
  previousDuration: string;
  duration: string;
  counting: Deadline['counting'];
  legal: Deadline['legal'];
  reminders: string[];
  escalation: EscalationStep[];
}

export interface RuleChangePlan {
  replan: Replan[];
  /** Handovers and meetings the new version calls for that the case has not had. */
  newHandovers: HandoverTrigger[];
  newMeetings: MeetingTrigger[];
  /** Open required handovers the new version no longer calls for: they stay, as a record. */
  noLongerRequired: string[];
}

type Timed = { title: string; duration: string; counting: Deadline['counting']; legal: Deadline['legal']; reminders?: string[]; escalation?: EscalationStep[] };

/** The rule that governs an open deadline under a version, if it has one. */
function ruleOf(deadline: Deadline, state: CaseState, rules: Rules): Timed | undefined {
  if (isDeadlineKey(deadline.key)) return rules.deadlines[deadline.key];
  if (deadline.key === 'uppfoljning' && deadline.insatsId) {
    const insats = state.insatser.find((i) => i.id === deadline.insatsId);
    const rule = insats ? rules.followUps[insats.kind] : undefined;
    return rule ? { title: rule.title, duration: rule.every, counting: rule.counting, legal: rule.legal } : undefined;
  }
  if (deadline.key === 'overlamning') {
    const trigger = rules.triggers.find((t): t is HandoverTrigger => t.typ === 'overlamning' && t.id === deadline.trigger);
    return trigger ? { title: trigger.title, legal: trigger.legal, ...trigger.timing } : undefined;
  }
  return undefined;
}

const clock = (rules: Rules, t: Timed) => ({
  duration: t.duration,
  counting: t.counting,
  reminders: reminderOffsets(rules, t),
  escalation: escalationChain(rules, t),
});

export function planRuleChange(state: CaseState, current: Rules, next: Rules): RuleChangePlan {
  const replan: Replan[] = [];
  for (const deadline of state.deadlines) {
    // An extended deadline keeps the date a unit decided on, with its reason.
    if (deadline.status !== 'open' || deadline.extensions.length > 0) continue;
    const before = ruleOf(deadline, state, current);
    const after = ruleOf(deadline, state, next);
    if (!after) continue;
    const was = before ? clock(current, before) : undefined;
    const will = clock(next, after);
    if (was && JSON.stringify(was) === JSON.stringify(will)) continue;
    replan.push({
      deadlineId: deadline.id,
      title: after.title,
      startAt: deadline.startedAt,
      previousDuration: deadline.duration,
      legal: after.legal,
      ...will,
    });
  }
  const required = evaluateRules(state, next);
  const had = new Set([...state.deadlines.map((d) => d.trigger), ...state.meetings.map((m) => m.trigger)]);
  const wanted = new Set([...required.handovers, ...required.meetings].map((t) => t.id));
  return {
    replan,
    newHandovers: required.handovers.filter((t) => !had.has(t.id)),
    newMeetings: required.meetings.filter((t) => !had.has(t.id)),
    noLongerRequired: state.deadlines.filter((d) => d.status === 'open' && d.key === 'overlamning' && !wanted.has(d.trigger)).map((d) => d.id),
  };
}
