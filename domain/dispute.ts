// A dispute (tvist) between units on a handover, an insats or a meeting outcome: the
// sektorchef decides within a deadline, and the decision is recorded on the case.
import { DeadlineSchema, type Actor } from './case';
import { DisputeStatus } from './child-status';
import type { ClockRules, Rules } from './rules';
import { isoTimestamp, slug, z } from './zod';

export const DisputeSubjectSchema = z.object({
  typ: z.enum(['overlamning', 'insats', 'planeringsmote']),
  id: z.string().regex(/^[a-z]\d+$/, { message: 'Ogiltigt id' }),
});
export type DisputeSubject = z.infer<typeof DisputeSubjectSchema>;

export const RaiseDisputeRequestSchema = z.object({
  foremal: DisputeSubjectSchema,
  skal: z.string().trim().min(10, { message: 'Beskriv vad enheterna är oeniga om (minst 10 tecken)' }).max(2000),
});
export type RaiseDisputeRequest = z.infer<typeof RaiseDisputeRequestSchema>;

/** The raiseDispute Update's argument. */
export type RaiseDispute = RaiseDisputeRequest & { actor: Actor };

/** The rules a dispute uses: its own clock and the case's defaults for reminders and escalation. */
export type DisputeRules = ClockRules & Pick<Rules, 'disputes'>;

export interface DisputeWorkflowInput {
  caseRef: string;
  disputeId: string;
  parentWorkflowId: string;
  foremal: DisputeSubject;
  raisedBy: { unit: string; sub: string };
  skal: string;
  /** The units on each side: the item is their part in the stuck list. */
  parties: string[];
  /** Every unit in the case: each is told the decision. */
  involvedUnits: string[];
  /** Disputes started before the slice was introduced hold the whole rule set: a superset. */
  rules: DisputeRules;
  protectedCase: boolean;
}

export const DecideDisputeRequestSchema = z.object({
  beslut: z.string().trim().min(10, { message: 'Skriv beslutet och dess motivering (minst 10 tecken)' }).max(2000),
  ansvarigEnhet: slug.optional(),
});
/** The decideDispute Update's argument. */
export type DecideDispute = z.infer<typeof DecideDisputeRequestSchema> & { actor: Actor };

export const DisputeViewSchema = z.object({
  id: z.string(),
  workflowId: z.string(),
  caseRef: z.string(),
  foremal: DisputeSubjectSchema,
  raisedBy: z.object({ unit: slug, sub: z.string() }),
  skal: z.string(),
  status: DisputeStatus,
  raisedAt: isoTimestamp,
  decision: z.object({ by: z.string(), at: isoTimestamp, text: z.string(), ansvarigEnhet: slug.optional() }).optional(),
  tasks: z.array(DeadlineSchema),
});
export type DisputeView = z.infer<typeof DisputeViewSchema>;
