// A case as the system sees it: a reference into the record system, the flags that drive
// the rules, the phase, and who must do what by when. No names, no journal text.
import { ConsentSchema, DisputeSummarySchema, HandoverSummarySchema, MeetingSummarySchema } from './child-status';
import { Aldersgrupp, CaseKind, childAgeBands, Kon, RiskInstrument, Tolk, ValdAnswer } from './facts';
import { phases } from './lifecycle';
import { containsPersonalNumber } from './personal-number';
import { Counting, DeadlineKey, EscalationTarget, LegalSourceSchema, type Rules } from './rules';
import { isoTimestamp, slug, z } from './zod';

export { CaseKind };

/**
 * The record system's reference (diarienummer or akt-id). Never a personal identity number:
 * a reference that looks like one is refused so that it cannot leak into e-mail or logs.
 */
export const CaseRef = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{2,39}$/, {
    message: 'Ärendereferensen får bara innehålla bokstäver a–z, siffror, punkt, bindestreck och understreck (3–40 tecken)',
  })
  .refine((ref) => !containsPersonalNumber(ref, { anyCheckDigit: true }), {
    message: 'Ärendereferensen ser ut som ett personnummer; använd verksamhetssystemets ärendenummer',
  });

export const CaseFlagsSchema = z.object({
  /** Violence in the family: a required answer, never absent. */
  vald: ValdAnswer,
  barnIHushallet: z.boolean(),
  hedersrelaterat: z.boolean(),
  skyddadeUppgifter: z.boolean(),
  /** Missbruk in the household. Optional: cases opened before the flag existed have none. */
  missbruk: z.boolean().optional(),
});
export type CaseFlags = z.infer<typeof CaseFlagsSchema>;

export const Phase = z.enum(phases);
export type Phase = z.infer<typeof Phase>;

export const ActorSchema = z.object({
  sub: z.string().min(1).max(200),
  role: z.enum(['handlaggare', 'enhetschef', 'sektorchef', 'samordnare']),
  unit: slug,
});
export type Actor = z.infer<typeof ActorSchema>;

/** Who the case is about, for the reports: gender as the record system has it, an age band. */
export const PersonSchema = z.object({ kon: Kon, aldersgrupp: Aldersgrupp });
export type Person = z.infer<typeof PersonSchema>;

/** What the API accepts to open a case. */
export const OpenCaseRequestSchema = z
  .object({
    caseRef: CaseRef,
    kind: CaseKind,
    /** When the report of concern or application arrived: the statutory clocks start here. */
    receivedAt: isoTimestamp.optional(),
    flags: CaseFlagsSchema,
    /** Absent: both unknown. */
    person: PersonSchema.optional(),
  })
  .superRefine((request, ctx) => {
    const band = request.person?.aldersgrupp;
    if (!band || band === 'okant') return;
    const childBand = (childAgeBands as readonly string[]).includes(band);
    if ((request.kind === 'barn') !== childBand) {
      ctx.addIssue({ code: 'custom', path: ['person', 'aldersgrupp'], message: request.kind === 'barn' ? 'Ett barns ärende har åldersgrupp 0-5, 6-12 eller 13-17' : 'En vuxens ärende har åldersgrupp 18-25, 26-64 eller 65+' });
    }
  });
export type OpenCaseRequest = z.infer<typeof OpenCaseRequestSchema>;

/** What a case workflow starts with; the API builds it from a parsed request and the current rules. */
export interface CaseWorkflowInput {
  caseRef: string;
  kind: CaseKind;
  receivedAt: string;
  flags: CaseFlags;
  /** Who the case is about (gender, age band); absent in cases opened before it was asked. */
  person?: Person;
  openedBy: Actor;
  /** The current rules version, complete (histories recorded before some parts existed lack them). */
  rules: Rules;
  /** Continue-as-new after this many history events (Temporal also suggests it on its own). Default 5000. */
  historyLimit?: number;
}

// ---- Actions: every change to a case arrives as one of these, through one Update. ----

const insatsId = z.string().regex(/^i\d+$/, { message: 'Ogiltigt insats-id' });

export const CaseActionSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('skyddsbedomning'), skyddsbehov: z.enum(['akut', 'ej_akut']) }),
  z.object({ type: z.literal('forhandsbedomning'), beslut: z.enum(['inled_utredning', 'ingen_utredning']) }),
  z.object({ type: z.literal('riskbedomning'), instrument: RiskInstrument, riskniva: z.enum(['lag', 'forhojd', 'hog']) }),
  z.object({ type: z.literal('erbjudande'), erbjudande: z.enum(['manscentrum', 'atv', 'rvt_stodsamtal']), svar: z.enum(['ja', 'nej', 'vill_fundera']), utforare: slug }),
  z.object({
    type: z.literal('forlang_utredning'),
    nyttSlutdatum: z.iso.date({ message: 'Ogiltigt datum (ÅÅÅÅ-MM-DD)' }),
    skal: z.string().trim().min(10, { message: 'Ange skälet till förlängningen (minst 10 tecken)' }).max(1000),
  }),
  z.object({ type: z.literal('avsluta_utredning'), beslut: z.enum(['insatser', 'inga_insatser']) }),
  z.object({
    type: z.literal('besluta_insats'),
    insats: slug,
    utforare: slug,
    /** Children of the family who follow the parent into the insats (skyddat boende): each needs a decision of its own. */
    medfoljandeBarn: z.array(CaseRef).max(10, { message: 'Högst 10 barn' }).optional(),
    /** Children who follow and have no case yet: one is opened for each. */
    medfoljandeBarnUtanArende: z.int({ message: 'Ange ett antal' }).min(0).max(10, { message: 'Högst 10 barn' }).optional(),
  }),
  z.object({ type: z.literal('uppfoljning'), insatsId }),
  z.object({ type: z.literal('avsluta_insats'), insatsId }),
  z.object({ type: z.literal('avsluta_arende') }),
  /** Consent to share information with external partners: who it covers, its scope, when given. */
  z.object({
    type: z.literal('samtycke'),
    mottagare: z.array(slug).min(1, { message: 'Ange vilka mottagare samtycket gäller' }),
    omfattning: z.string().trim().min(5, { message: 'Beskriv vad samtycket omfattar' }).max(500),
    lamnat: z.iso.date({ message: 'Ogiltigt datum (ÅÅÅÅ-MM-DD)' }),
  }),
  /** A withdrawn consent blocks the next handover and cancels those still pending under it. */
  z.object({ type: z.literal('aterkalla_samtycke'), samtyckeId: z.string().regex(/^s\d+$/, { message: 'Ogiltigt samtyckes-id' }) }),
  /** The provider of an insats reports: started, ongoing, interrupted or ended. No journal text. */
  z.object({ type: z.literal('rapport_utforare'), insatsId, status: z.enum(['startad', 'pagaende', 'avbruten', 'avslutad'], { error: 'Ange startad, pagaende, avbruten eller avslutad' }) }),
  /** Protection is arranged (skyddat boende, skyddsplan): what a gate may wait for. */
  z.object({ type: z.literal('skydd_ordnat') }),
  /** Contact with the child's guardians, and who interpreted. */
  z.object({ type: z.literal('kontakt_vardnadshavare'), tolk: Tolk }),
  /** A case was opened for a child who follows the parent: the child's own decision is asked of it. */
  z.object({ type: z.literal('medfoljande_arende_oppnat'), arende: CaseRef }),
  /** A handläggare takes the case for the unit: its tasks there are theirs ("mina"). */
  z.object({ type: z.literal('ta_arende') }),
  /** The unit's enhetschef gives the case to one of the unit's handläggare. */
  z.object({ type: z.literal('tilldela'), handlaggare: z.string().trim().min(1, { message: 'Ange handläggarens användar-id' }).max(200) }),
  /** The case's facts changed (violence found out, a child moved in): by the owner, with why. */
  z.object({
    type: z.literal('andra_fakta'),
    flags: CaseFlagsSchema.partial().refine((flags) => Object.keys(flags).length > 0, { message: 'Ange vilka uppgifter som ändras' }),
    skal: z.string().trim().min(10, { message: 'Ange varför uppgifterna ändras (minst 10 tecken)' }).max(1000),
  }),
]);
export type CaseAction = z.infer<typeof CaseActionSchema>;
export type CaseActionType = CaseAction['type'];

/** The performAction Update's argument: the action, parsed by the API, and who asks. */
export interface ActionRequest {
  actor: Actor;
  action: CaseAction;
}

/** What a parent's case tells a child's: the child follows the parent into this insats (workflows/following-children.ts). */
export interface FollowsParent {
  parentCaseRef: string;
  insats: string;
  decidedAt: string;
  by: string;
}

// ---- State, as queries return it ----

/** Deadlines that are not lifecycle steps: follow-ups, required handovers, and child workflows' clocks. */
export const OtherDeadlineKey = z.enum(['uppfoljning', 'overlamning', 'kvittens', 'komplettering', 'planeringsmote', 'deltagande', 'motesuppgift', 'tvist', 'medfoljande', 'medfoljande_arende', 'utforare_start', 'utforare_rapport']);

export const DeadlineSchema = z.object({
  id: z.string(),
  /** A lifecycle deadline key, or another kind of clock. */
  key: z.union([DeadlineKey, OtherDeadlineKey]),
  title: z.string(),
  unit: slug,
  /** A required handover: the unit it goes to. */
  target: slug.optional(),
  /** Whose enhetschef hears of a miss, when not the unit's own (an external partner has none). */
  managerUnit: slug.optional(),
  /** Escalated to managers at once even when the rules gather escalations into digests. */
  urgent: z.boolean().optional(),
  insatsId: z.string().optional(),
  /** What started the clock: "aktualisering" (the report arrived) or the action that opened it. */
  trigger: z.string(),
  startedAt: isoTimestamp,
  dueAt: isoTimestamp,
  duration: z.string(),
  counting: Counting,
  legal: LegalSourceSchema,
  status: z.enum(['open', 'done', 'cancelled']),
  closedAt: isoTimestamp.optional(),
  /** Highest escalation step sent for the current due moment (0: none). */
  escalationLevel: z.int().min(0),
  escalatedTo: EscalationTarget.optional(),
  /** Bumped when the due moment moves, so that its reminders are planned anew. */
  revision: z.int().min(0),
  extensions: z.array(z.object({ previousDueAt: isoTimestamp, newDueAt: isoTimestamp, reason: z.string(), by: z.string(), at: isoTimestamp })),
  /** Planned notifications for the current due moment: new task, reminders, escalations. */
  alerts: z.array(z.object({ kind: z.enum(['ny_uppgift', 'paminnelse', 'eskalering']), index: z.int(), at: isoTimestamp, to: EscalationTarget })),
  /** Keys of the notifications already sent for this deadline. */
  sent: z.array(z.string()),
  /** Its end is in the event log (workflows/case-event-log.ts). */
  logged: z.boolean().optional(),
});
export type Deadline = z.infer<typeof DeadlineSchema>;

export const InsatsSchema = z.object({
  id: z.string(),
  kind: slug,
  decidedBy: slug,
  performedBy: slug,
  decidedAt: isoTimestamp,
  endedAt: isoTimestamp.optional(),
  followUps: z.int().min(0),
  /** A provider's insats: when the provider confirmed the start, and each of its reports. */
  startedAt: isoTimestamp.optional(),
  reports: z.array(z.object({ at: isoTimestamp, status: z.enum(['startad', 'pagaende', 'avbruten', 'avslutad']), by: z.string(), unit: slug })).optional(),
});
export type Insats = z.infer<typeof InsatsSchema>;

export const CaseEventSchema = z.object({
  at: isoTimestamp,
  type: z.string(),
  unit: slug,
  by: z.string(),
  summary: z.string(),
  /** The step's structured facts for the event log (an insats's kind, a decision): enums and ids, never free text. */
  data: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional(),
});
export type CaseEvent = z.infer<typeof CaseEventSchema>;

/** A move of the case to another rules version, made on purpose by the samordnare. */
export const RulesChangeSchema = z.object({
  from: z.int(),
  to: z.int(),
  at: isoTimestamp,
  by: z.string(),
  reason: z.string(),
  /** What the move changed: deadlines re-planned, steps started. */
  changes: z.array(z.string()),
});

export const CaseStateSchema = z.object({
  caseRef: z.string(),
  kind: CaseKind,
  flags: CaseFlagsSchema,
  person: PersonSchema.optional(),
  phase: Phase,
  receivedAt: isoTimestamp,
  openedAt: isoTimestamp,
  closedAt: isoTimestamp.optional(),
  rulesVersion: z.int(),
  involvedUnits: z.array(slug),
  deadlines: z.array(DeadlineSchema),
  insatser: z.array(InsatsSchema),
  events: z.array(CaseEventSchema),
  nextInsatsNumber: z.int(),
  nextDeadlineNumber: z.int(),
  riskAssessment: z.object({ instrument: RiskInstrument, riskniva: z.string(), at: isoTimestamp }).optional(),
  handovers: z.array(HandoverSummarySchema),
  meetings: z.array(MeetingSummarySchema),
  disputes: z.array(DisputeSummarySchema),
  consents: z.array(ConsentSchema),
  nextChildNumber: z.int(),
  /** Every move to another rules version; absent until the first. */
  rulesChanges: z.array(RulesChangeSchema).optional(),
  /** Who holds the case in each unit (one per unit): who took it or was given it, by whom, when. */
  assignments: z.array(z.object({ unit: slug, sub: z.string(), by: z.string(), at: isoTimestamp })).optional(),
  /** How far the event log has the case's steps: events handed over, and the next step number. */
  eventLog: z.object({ events: z.int().min(0), seq: z.int().min(0) }).optional(),
  /** When protection was recorded as arranged, and by whom: gates may wait for it. */
  protectionArranged: z.object({ at: isoTimestamp, by: z.string(), unit: slug }).optional(),
  /** Every change of the case's facts: what was, what is, who, when and why; absent until the first. */
  factChanges: z
    .array(z.object({ at: isoTimestamp, by: z.string(), unit: slug, from: CaseFlagsSchema.partial(), to: CaseFlagsSchema.partial(), reason: z.string() }))
    .optional(),
});
export type CaseState = z.infer<typeof CaseStateSchema>;

/** An open task as the workflow keeps it in its memo, for task lists read from visibility. */
export interface MemoTask {
  id: string;
  title: string;
  unit: string;
  dueAt: string;
  escalationLevel: number;
  /** Who in the unit holds the case the task belongs to ("mina"); absent: the unit's ("enhetens"). */
  assignedTo?: string;
}

/** The memo of a case or child: its open tasks, and whether the case has protected identity. */
export interface CaseMemo {
  tasks: MemoTask[];
  /** Only the assigned staff and managers may learn of it: the API asks the case before listing it. */
  protectedCase?: boolean;
}

/** What the API shows of a case: its state, with open tasks first. */
export const CaseViewSchema = CaseStateSchema.extend({ openTasks: z.array(DeadlineSchema), overdue: z.boolean() });
export type CaseView = z.infer<typeof CaseViewSchema>;

export { alertKey, caseWorkflowId, childWorkflowId } from './ids';
