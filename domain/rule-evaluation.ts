// What the rules require of a case: one pure, deterministic function of the case's facts and a
// rules version. The case workflow uses it when a case opens and when it is moved to a newer
// version; the dry run uses it to show what a new version would change. Due moments are not
// computed here (working days need the holiday calendar): the durations are, from the rules.
import type { CaseKind, RiskInstrument } from './facts';
import type { CaseFlags } from './case';
import type { DeadlineKey, DeadlineRule, HandoverTrigger, MeetingTrigger, RiskTrigger, Rules, Trigger, TriggerCondition } from './rules';

export interface CaseFacts {
  kind: CaseKind;
  flags: CaseFlags;
}

/** The lifecycle deadline each kind of case opens with; it runs from when the report arrived. */
export const firstDeadlineKey: Record<CaseKind, DeadlineKey> = {
  barn: 'barn.skyddsbedomning',
  vuxen: 'vuxen.riskbedomning',
  utovare: 'utovare.erbjudande',
};

export interface Evaluation {
  firstDeadline: { key: DeadlineKey; rule: DeadlineRule };
  /** Handovers the facts call for, in the order the rules list them. */
  handovers: HandoverTrigger[];
  /** Joint planning meetings the facts call for, each with at least two units. */
  meetings: MeetingTrigger[];
  /** The instrument the risk assessment must be made with, and the rule that says so. */
  riskInstrument?: { instrument: RiskInstrument; trigger: string };
}

export function conditionHolds(when: TriggerCondition, facts: CaseFacts): boolean {
  const { flags } = facts;
  if (!when.kinds.includes(facts.kind)) return false;
  if (when.vald && !when.vald.includes(flags.vald)) return false;
  const flagConditions = [
    [when.barnIHushallet, flags.barnIHushallet],
    [when.hedersrelaterat, flags.hedersrelaterat],
    [when.skyddadeUppgifter, flags.skyddadeUppgifter],
    [when.missbruk, flags.missbruk ?? false],
  ] as const;
  return flagConditions.every(([wanted, actual]) => wanted === undefined || wanted === actual);
}

/** Every trigger whose conditions the facts meet, in the order the rules list them. */
export function requiredSteps(facts: CaseFacts, rules: Pick<Rules, 'triggers'>): Trigger[] {
  return rules.triggers.filter((trigger) => conditionHolds(trigger.when, facts));
}

/** Rule sets older than instrument triggers required PATRIARK for honour-related cases. */
const legacyRiskInstrument = (facts: CaseFacts): Evaluation['riskInstrument'] =>
  facts.flags.hedersrelaterat ? { instrument: 'PATRIARK', trigger: 'hedersrelaterat' } : undefined;

export function evaluateRules(facts: CaseFacts, rules: Pick<Rules, 'triggers' | 'deadlines'>): Evaluation {
  const steps = requiredSteps(facts, rules);
  const key = firstDeadlineKey[facts.kind];
  const rule = rules.deadlines[key];
  if (!rule) throw new Error(`Regelverket saknar tidsfrist för ${key}`);
  const risk = steps.filter((s): s is RiskTrigger => s.typ === 'riskbedomning');
  const hasRiskTriggers = rules.triggers.some((t) => t.typ === 'riskbedomning');
  // PATRIARK is the stricter instrument: when two rules ask for different ones it wins.
  const chosen = risk.find((s) => s.instrument === 'PATRIARK') ?? risk[0];
  const riskInstrument = hasRiskTriggers ? (chosen ? { instrument: chosen.instrument, trigger: chosen.id } : undefined) : legacyRiskInstrument(facts);
  return {
    firstDeadline: { key, rule },
    handovers: steps.filter((s): s is HandoverTrigger => s.typ === 'overlamning'),
    meetings: steps.filter((s): s is MeetingTrigger => s.typ === 'planeringsmote'),
    ...(riskInstrument ? { riskInstrument } : {}),
  };
}
