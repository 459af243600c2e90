// The contract of a case's handovers, joint meetings and disputes. The requests and views are
// the domain's schemas; what the API adds is the addresses and the view log.
import { CaseRef } from '../../domain/case';
import type { DecideDisputeRequestSchema } from '../../domain/dispute';
import { z } from '../../domain/zod';

export { DecideDisputeRequestSchema, DisputeViewSchema, RaiseDisputeRequestSchema } from '../../domain/dispute';
export { HandoverRequestSchema, HandoverResponseSchema, HandoverViewSchema } from '../../domain/handover';
export { MeetingActionSchema, MeetingViewSchema } from '../../domain/meeting';

export type DecideDisputeRequest = z.infer<typeof DecideDisputeRequestSchema>;

/** A case and one of its children: o1, m1, t1 (handover, meeting, dispute). */
const childParams = (prefix: string) => z.object({ caseRef: CaseRef, id: z.string().regex(new RegExp(`^${prefix}\\d+$`), { message: 'Ogiltigt id' }) });
export const HandoverParams = childParams('o');
export const MeetingParams = childParams('m');
export const DisputeParams = childParams('t');

export const ViewLogEntrySchema = z.object({ viewer: z.string(), unit: z.string(), role: z.string(), viewedAt: z.string() });
export type ViewLogEntry = z.infer<typeof ViewLogEntrySchema>;

export const ViewLogSchema = z.object({ visningar: z.array(ViewLogEntrySchema) });
