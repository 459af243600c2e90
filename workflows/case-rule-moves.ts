// A running case moved to a newer rules version by the samordnare: only forward, and recorded on
// the case with what it changed. What changes is worked out in domain/rule-change.ts.
import { caseFailure } from '../domain/failures';
import { completeRecordedRules } from '../domain/legacy-rules';
import type { ChangeRules, Replan, RuleChangePlan } from '../domain/rule-change';
import type { CaseModel, PlannedMoments } from './case-model';

/** Refuses a move that does not fit: only the samordnare, only an open case, only forward. */
export function checkRulesChange(model: CaseModel, { actor, rules }: ChangeRules): void {
  if (actor.role !== 'samordnare') throw caseFailure('EJ_BEHORIG', 'Endast samordnaren kan flytta ett ärende till en annan regelversion');
  if (model.closed) throw caseFailure('FEL_FAS', 'Ärendet är avslutat och kan inte ändras');
  if (rules.version <= model.rules.version) {
    throw caseFailure('FEL_FAS', `Ärendet följer version ${model.rules.version}; det kan bara flyttas till en nyare version`, 'rules.version');
  }
}

/** Moves the case to the newer version: open deadlines take their re-planned moments. */
export function applyRulesChange(model: CaseModel, request: ChangeRules, plan: RuleChangePlan, replanned: [Replan, PlannedMoments][], now: string): void {
  const { state } = model;
  const changes: string[] = [];
  for (const [replan, moments] of replanned) {
    const deadline = state.deadlines.find((d) => d.id === replan.deadlineId && d.status === 'open');
    if (!deadline) continue;
    changes.push(`${deadline.title}: ${replan.previousDuration} → ${replan.duration}, nytt slutdatum ${moments.dueAt}`);
    Object.assign(deadline, { title: replan.title, duration: replan.duration, counting: replan.counting, legal: replan.legal, dueAt: moments.dueAt, alerts: moments.alerts });
    deadline.revision += 1;
    deadline.escalationLevel = 0;
    delete deadline.escalatedTo;
  }
  for (const trigger of [...plan.newHandovers, ...plan.newMeetings]) changes.push(`Nytt krav: ${trigger.title}`);
  const change = { from: model.rules.version, to: request.rules.version, at: now, by: request.actor.sub, reason: request.reason, changes };
  state.rulesChanges = [...(state.rulesChanges ?? []), change];
  state.rulesVersion = request.rules.version;
  // A version sent before some parts existed (a recorded move) is read as such versions are.
  model.rules = completeRecordedRules(request.rules);
  state.events.push({ at: now, type: 'regelversion', unit: request.actor.unit, by: request.actor.sub, summary: `Flyttat från regelversion ${change.from} till ${change.to}` });
}
