// Rules that are gates (domain/rules.ts, GateSchema): whether the case's rules refuse an action
// now, and which gates hold for a case. Pure and deterministic, like rule-evaluation.ts: the case
// model refuses with it, the dry run shows what a new version would hold back.
import type { Tolk } from './facts';
import { conditionHolds, type CaseFacts } from './rule-evaluation';
import type { Gate, Rules } from './rules';

/** What a gate looks at: the case's facts, and whether protection is recorded as arranged. */
export interface GateFacts extends CaseFacts {
  protectionArranged?: unknown;
}

export interface GateRefusal {
  gate: Gate;
  message: string;
  field: string;
}

const opened = (gate: Extract<Gate, { typ: 'villkor' }>, facts: GateFacts) => gate.until === 'skydd_ordnat' && facts.protectionArranged !== undefined;
const source = (gate: Gate) => `${gate.legal.source}: ${gate.legal.citation}`;

/** The first gate that refuses the action in this case, with a Swedish reason and the field. */
export function gateRefusal(facts: GateFacts, rules: Pick<Rules, 'gates'>, action: { type: string; tolk?: Tolk }): GateRefusal | undefined {
  for (const gate of rules.gates) {
    if (!conditionHolds(gate.when, facts)) continue;
    if (gate.typ === 'villkor' && gate.action === action.type && !opened(gate, facts)) {
      return { gate, field: 'action.type', message: `${gate.title}: registrera först att skyddet är ordnat (${source(gate)})` };
    }
    if (gate.typ === 'tolk' && action.tolk && (gate.refused as string[]).includes(action.tolk)) {
      return { gate, field: 'action.tolk', message: `${gate.title}: använd en professionell tolk (${source(gate)})` };
    }
  }
  return undefined;
}

/** The gates that hold back something in this case now (an opened `villkor` no longer does). */
export function gatesInForce(facts: GateFacts, rules: Pick<Rules, 'gates'>): Gate[] {
  return rules.gates.filter((gate) => conditionHolds(gate.when, facts) && (gate.typ === 'tolk' || !opened(gate, facts)));
}
