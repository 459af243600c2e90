// The case's facts changed: violence found out, a child moved in, a protected identity granted.
// Recorded with what was, what is and why, by the unit that owns the case's current step; what
// the new facts call for (handovers, meetings) the workflow then starts (case-workflow.ts).
import type { CaseFlags } from '../../domain/case';
import { caseFailure } from '../../domain/failures';
import { isDeadlineKey } from '../../domain/lifecycle';
import type { CaseActionModule } from './action';

export const andraFakta: CaseActionModule<'andra_fakta'> = {
  phases: ['skyddsbedomning', 'forhandsbedomning', 'riskbedomning', 'erbjudande', 'utredning', 'insatser'],
  label: 'ändra ärendets uppgifter',
  owner: (model) => model.openDeadlines().find((d) => isDeadlineKey(d.key))?.unit,
  check(model, action) {
    const changed = (Object.keys(action.flags) as (keyof CaseFlags)[]).filter((flag) => (model.state.flags[flag] ?? false) !== action.flags[flag]);
    if (changed.length === 0) throw caseFailure('OGILTIG_UPPGIFT', 'Uppgifterna är desamma som ärendet redan har', 'action.flags');
  },
  apply(model, { actor, action }, now) {
    const { state } = model;
    const flags = Object.keys(action.flags) as (keyof CaseFlags)[];
    const from = Object.fromEntries(flags.map((flag) => [flag, state.flags[flag] ?? false])) as Partial<CaseFlags>;
    state.flags = { ...state.flags, ...action.flags };
    state.factChanges = [...(state.factChanges ?? []), { at: now, by: actor.sub, unit: actor.unit, from, to: action.flags, reason: action.skal }];
    return `Ärendets uppgifter ändrade: ${flags.join(', ')}`;
  },
};
