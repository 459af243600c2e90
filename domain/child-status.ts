// The states of a case's child workflows (handovers, meetings, disputes), as the case keeps
// them and as a child reports a change to its case. Imports nothing of the case.
import { isoTimestamp, slug, z } from './zod';

export const HandoverStatus = z.enum(['skickad', 'komplettering_begard', 'komplettering_besvarad', 'kvitterad', 'avvisad', 'aterkallad']);
export type HandoverStatus = z.infer<typeof HandoverStatus>;

export const MeetingStatus = z.enum(['ej_bokat', 'bokat', 'hallet', 'installd']);
export type MeetingStatus = z.infer<typeof MeetingStatus>;

export const DisputeStatus = z.enum(['vantar_beslut', 'avgjord', 'installd']);
export type DisputeStatus = z.infer<typeof DisputeStatus>;

export const ChildKind = z.enum(['overlamning', 'planeringsmote', 'tvist']);
export type ChildKind = z.infer<typeof ChildKind>;

/** What a child workflow tells its case when its state changes. */
export const ChildChangedSchema = z.object({
  kind: ChildKind,
  id: z.string(),
  status: z.union([HandoverStatus, MeetingStatus, DisputeStatus]),
  at: isoTimestamp,
  unit: slug,
  by: z.string(),
  /** A rejected handover's reason, or a dispute's decision: kept in the case, never mailed. */
  text: z.string().optional(),
  /** Units that now have a part in the case (given tasks at a meeting): they may see it. */
  involve: z.array(slug).optional(),
  /** The child's own clock when it ended (kvittens, meeting, decision): due moment and escalation reached, for the event log. */
  clock: z.object({ dueAt: isoTimestamp, escalationLevel: z.int().min(0) }).optional(),
});
export type ChildChanged = z.infer<typeof ChildChangedSchema>;

/** Summaries the case keeps of its children, for its view and to act on their changes. */
export const HandoverSummarySchema = z.object({
  id: z.string(),
  workflowId: z.string(),
  fran: slug,
  till: slug,
  receiverKind: z.enum(['intern', 'extern']),
  status: HandoverStatus,
  sentAt: isoTimestamp,
  consentId: z.string().optional(),
});
export const MeetingSummarySchema = z.object({
  id: z.string(),
  workflowId: z.string(),
  title: z.string(),
  units: z.array(slug),
  trigger: z.string(),
  status: MeetingStatus,
});
export const DisputeSummarySchema = z.object({
  id: z.string(),
  workflowId: z.string(),
  foremal: z.object({ typ: z.enum(['overlamning', 'insats', 'planeringsmote']), id: z.string() }),
  raisedBy: slug,
  status: DisputeStatus,
  decision: z.object({ by: z.string(), at: isoTimestamp, text: z.string() }).optional(),
});
export const ConsentSchema = z.object({
  id: z.string(),
  /** The external partners the consent covers. */
  mottagare: z.array(slug),
  omfattning: z.string(),
  lamnat: z.string(),
  registeredBy: slug,
  registeredAt: isoTimestamp,
  withdrawnAt: isoTimestamp.optional(),
});
export type Consent = z.infer<typeof ConsentSchema>;
