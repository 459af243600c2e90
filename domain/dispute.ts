// A dispute (tvist) between units on a handover, an insats or a meeting outcome: the
// sektorchef decides within a deadline, and the decision is recorded on the case.
import { ActorSchema, CaseRef, DeadlineSchema } from './case';
import { DisputeStatus } from './child-status';
import { RulesSchema } from './rules';
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

export const RaiseDisputeSchema = RaiseDisputeRequestSchema.extend({ actor: ActorSchema });
export type RaiseDispute = z.infer<typeof RaiseDisputeSchema>;

export const DisputeWorkflowInputSchema = z.object({
  caseRef: CaseRef,
  disputeId: z.string(),
  parentWorkflowId: z.string(),
  subject: DisputeSubjectSchema,
  raisedBy: z.object({ unit: slug, sub: z.string() }),
  reason: z.string(),
  /** The units on each side: the item is their part in the stuck list. */
  parties: z.array(slug),
  /** Every unit in the case: each is told the decision. */
  involvedUnits: z.array(slug),
  rules: RulesSchema,
  protectedCase: z.boolean(),
});
export type DisputeWorkflowInput = z.input<typeof DisputeWorkflowInputSchema>;

export const DecideDisputeRequestSchema = z.object({
  beslut: z.string().trim().min(10, { message: 'Skriv beslutet och dess motivering (minst 10 tecken)' }).max(2000),
  ansvarigEnhet: slug.optional(),
});
export const DecideDisputeSchema = DecideDisputeRequestSchema.extend({ actor: ActorSchema });
export type DecideDispute = z.infer<typeof DecideDisputeSchema>;

export const DisputeViewSchema = z.object({
  id: z.string(),
  workflowId: z.string(),
  caseRef: z.string(),
  subject: DisputeSubjectSchema,
  raisedBy: z.object({ unit: slug, sub: z.string() }),
  reason: z.string(),
  status: DisputeStatus,
  raisedAt: isoTimestamp,
  decision: z.object({ by: z.string(), at: isoTimestamp, text: z.string(), ansvarigEnhet: slug.optional() }).optional(),
  tasks: z.array(DeadlineSchema),
});
export type DisputeView = z.infer<typeof DisputeViewSchema>;
