// Payloads recorded before the vocabulary was made one (a handover's `to` / `content` /
// `legalGround`, a dispute's `subject` / `reason`, a meeting's status `installt`) read with
// today's names: workflow inputs, Update arguments, signals and state carried over in the
// histories of cases that run for years. Applied where a workflow takes what history may hold.
import type { CaseState } from './case';
import type { ChildChanged } from './child-status';
import type { DisputeWorkflowInput } from './dispute';
import type { HandoverWorkflowInput, StartHandover } from './handover';

export function startHandoverAsRecorded(raw: StartHandover): StartHandover {
  const value = raw as unknown as Record<string, unknown>;
  if ('till' in value) return raw;
  const { to, content, legalGround, ...rest } = value;
  return { ...(rest as Omit<StartHandover, 'till' | 'innehall'>), till: to as string, innehall: content as StartHandover['innehall'], ...(legalGround ? { rattsligGrund: legalGround as StartHandover['rattsligGrund'] } : {}) };
}

export function handoverInputAsRecorded(raw: HandoverWorkflowInput): HandoverWorkflowInput {
  const value = raw as unknown as Record<string, unknown>;
  if ('till' in value) return raw;
  const { from, to, content, legalGround, ...rest } = value;
  return { ...(rest as Omit<HandoverWorkflowInput, 'fran' | 'till' | 'innehall'>), fran: from as string, till: to as string, innehall: content as HandoverWorkflowInput['innehall'], ...(legalGround ? { rattsligGrund: legalGround as HandoverWorkflowInput['rattsligGrund'] } : {}) };
}

export function disputeInputAsRecorded(raw: DisputeWorkflowInput): DisputeWorkflowInput {
  const value = raw as unknown as Record<string, unknown>;
  if ('foremal' in value) return raw;
  const { subject, reason, ...rest } = value;
  return { ...(rest as Omit<DisputeWorkflowInput, 'foremal' | 'skal'>), foremal: subject as DisputeWorkflowInput['foremal'], skal: reason as string };
}

/** Meetings were cancelled as `installt` and disputes as `installd`: both are `installd` now. */
export function childChangedAsRecorded(change: ChildChanged): ChildChanged {
  return (change.status as string) === 'installt' ? { ...change, status: 'installd' } : change;
}

/** The state a case carried over (continue-as-new) with the summaries' older names. */
export function caseStateAsRecorded(state: CaseState): CaseState {
  const handovers = (state.handovers ?? []).map((h) => {
    const old = h as unknown as Record<string, unknown>;
    if ('till' in old) return h;
    const { from, to, ...rest } = old;
    return { ...rest, fran: from, till: to } as unknown as CaseState['handovers'][number];
  });
  const disputes = (state.disputes ?? []).map((d) => {
    const old = d as unknown as Record<string, unknown>;
    if ('foremal' in old) return d;
    const { subject, ...rest } = old;
    return { ...rest, foremal: subject } as unknown as CaseState['disputes'][number];
  });
  const meetings = (state.meetings ?? []).map((m) => ((m.status as string) === 'installt' ? { ...m, status: 'installd' as const } : m));
  return { ...state, handovers, disputes, meetings };
}
