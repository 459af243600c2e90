// A gemensamt planeringsmöte: booked, attended by every required unit, and held only with a
// recorded division of responsibility that becomes tracked tasks.
import { DeadlineSchema, type Actor } from './case';
import { MeetingStatus } from './child-status';
import { Tolk } from './facts';
import type { ClockRules, LegalSource, Rules, Timing } from './rules';
import { isoTimestamp, slug, z } from './zod';

const date = z.iso.date({ message: 'Ogiltigt datum (ÅÅÅÅ-MM-DD)' });

/** The rules a meeting uses: its own clocks and the case's defaults for reminders and escalation. */
export type MeetingRules = ClockRules & Pick<Rules, 'meetings'>;

export interface MeetingWorkflowInput {
  caseRef: string;
  meetingId: string;
  parentWorkflowId: string;
  title: string;
  trigger: string;
  units: string[];
  organiser: string;
  /** The meeting is to be held within this time of `startAt`. */
  startAt: string;
  timing: Timing;
  legal: LegalSource;
  /** Meetings started before the slice was introduced hold the whole rule set: a superset. */
  rules: MeetingRules;
  protectedCase: boolean;
  /** The case's rule that refuses some interpreters (domain/gates.ts), when one holds for it; absent for meetings started before. */
  interpreterGate?: { title: string; refused: string[]; legal: LegalSource };
}

export const ResponsibilitySchema = z.object({
  enhet: slug,
  uppgift: z.string().trim().min(5, { message: 'Beskriv uppgiften' }).max(300),
  senast: date,
});

export const MeetingActionSchema = z.discriminatedUnion('typ', [
  z.object({ typ: z.literal('boka'), tid: isoTimestamp }),
  z.object({ typ: z.literal('bekrafta_deltagande') }),
  /** Marks the meeting held: impossible without the outcome. */
  z.object({
    typ: z.literal('registrera_utfall'),
    ansvar: z.array(ResponsibilitySchema).min(1, { message: 'Ange ansvarsfördelningen: vilken enhet gör vad och när' }),
    nastaUppfoljning: date,
    /** Who interpreted at the meeting; absent: no interpreter was needed. */
    tolk: Tolk.optional(),
  }),
  z.object({ typ: z.literal('klarmarkera_uppgift'), uppgiftId: z.string().regex(/^d\d+$/, { message: 'Ogiltigt uppgifts-id' }) }),
]);
export type MeetingAction = z.infer<typeof MeetingActionSchema>;

export interface MeetingActionRequest {
  actor: Actor;
  action: MeetingAction;
}

export const MeetingViewSchema = z.object({
  id: z.string(),
  workflowId: z.string(),
  caseRef: z.string(),
  title: z.string(),
  trigger: z.string(),
  units: z.array(slug),
  organiser: slug,
  status: MeetingStatus,
  bookedFor: isoTimestamp.optional(),
  attendance: z.array(z.object({ unit: slug, confirmedAt: isoTimestamp.optional() })),
  outcome: z
    .object({ ansvar: z.array(ResponsibilitySchema.extend({ uppgiftId: z.string() })), nastaUppfoljning: z.string(), tolk: Tolk.optional(), recordedBy: z.string(), recordedAt: isoTimestamp })
    .optional(),
  tasks: z.array(DeadlineSchema),
});
export type MeetingView = z.infer<typeof MeetingViewSchema>;
