// The samverkan rules' format: every duration, reminder, escalation chain and legal source the
// workflows enforce. Parsed at the edges (the API, the rule store); workflows receive a complete
// copy when a case starts and never use literals. The default rule set is in default-rules.ts;
// a samordnare's draft is completed from it in rule-set.ts, when a version is written.
import { deadlineKeys } from './lifecycle';
import { CaseKind, RiskInstrument, Tolk, ValdAnswer } from './facts';
import { isoDuration, slug, z } from './zod';

export const Counting = z.enum(['kalenderdagar', 'arbetsdagar']);
export type Counting = z.infer<typeof Counting>;

/**
 * Who is told when a deadline is missed: the owning unit, its enhetschef, the sektorchef, or
 * (for a dispute the sektorchef has not decided) the förvaltningschef above the sector.
 */
export const EscalationTarget = z.enum(['enhet', 'enhetschef', 'sektorchef', 'forvaltningschef']);
export type EscalationTarget = z.infer<typeof EscalationTarget>;

export const EscalationStepSchema = z.object({
  to: EscalationTarget,
  /** Time after the due moment at which this step fires (PT0S: at the deadline itself). */
  after: isoDuration,
});
export type EscalationStep = z.infer<typeof EscalationStepSchema>;

/** Where a deadline comes from. Kept as data: the Social Services Act was renumbered in 2025. */
export const LegalSourceSchema = z.object({
  source: z.string().min(1).max(200),
  citation: z.string().min(1).max(200),
});

/** Working days are counted in whole days only (P2D), never in months or hours. */
const workingDaysInDays = (duration: string, counting: Counting) => counting !== 'arbetsdagar' || /^P\d+D$/.test(duration);
const workingDaysMessage = (field: string) => ({ message: 'Arbetsdagar anges i hela dagar, till exempel P2D', path: [field] });

export const DeadlineRuleSchema = z
  .object({
    title: z.string().min(1).max(100),
    /** P0D means "genast": due at the end of the same day. */
    duration: isoDuration,
    counting: Counting,
    owner: slug,
    legal: LegalSourceSchema,
    reminders: z.array(isoDuration).optional(),
    escalation: z.array(EscalationStepSchema).min(1).optional(),
    /** A missed urgent step reaches managers at once, not in the next digest (a child's safety). */
    urgent: z.boolean().optional(),
  })
  .refine((rule) => workingDaysInDays(rule.duration, rule.counting), workingDaysMessage('duration'));
export type DeadlineRule = z.infer<typeof DeadlineRuleSchema>;

export const FollowUpRuleSchema = z
  .object({
    title: z.string().min(1).max(100),
    every: isoDuration,
    counting: Counting,
    legal: LegalSourceSchema,
  })
  .refine((rule) => workingDaysInDays(rule.every, rule.counting), workingDaysMessage('every'));
export type FollowUpRule = z.infer<typeof FollowUpRuleSchema>;

/** How long a step may take, and who is reminded and escalated to: one shape for every clock. */
export const TimingSchema = z
  .object({
    duration: isoDuration,
    counting: Counting,
    reminders: z.array(isoDuration).optional(),
    escalation: z.array(EscalationStepSchema).min(1).optional(),
  })
  .refine((rule) => workingDaysInDays(rule.duration, rule.counting), workingDaysMessage('duration'));
export type Timing = z.infer<typeof TimingSchema>;

/** The facts that call for a step: every condition given must hold. */
export const TriggerConditionSchema = z.object({
  kinds: z.array(CaseKind).min(1),
  vald: z.array(ValdAnswer).min(1).optional(),
  barnIHushallet: z.boolean().optional(),
  hedersrelaterat: z.boolean().optional(),
  skyddadeUppgifter: z.boolean().optional(),
  missbruk: z.boolean().optional(),
});
export type TriggerCondition = z.infer<typeof TriggerConditionSchema>;

/**
 * A step the case's facts call for: a handover from one unit to another, a joint meeting, or the
 * instrument a risk assessment must be made with.
 */
export const TriggerSchema = z.discriminatedUnion('typ', [
  z.object({
    typ: z.literal('overlamning'),
    id: slug,
    title: z.string().min(1).max(100),
    when: TriggerConditionSchema,
    from: slug,
    to: slug,
    timing: TimingSchema,
    legal: LegalSourceSchema,
  }),
  z.object({
    typ: z.literal('planeringsmote'),
    id: slug,
    title: z.string().min(1).max(100),
    when: TriggerConditionSchema,
    units: z.array(slug).min(2, { message: 'Ett gemensamt planeringsmöte behöver minst två enheter' }),
    organiser: slug,
    timing: TimingSchema,
    legal: LegalSourceSchema,
  }),
  z.object({
    typ: z.literal('riskbedomning'),
    id: slug,
    title: z.string().min(1).max(100),
    when: TriggerConditionSchema,
    instrument: RiskInstrument,
  }),
]);
export type Trigger = z.infer<typeof TriggerSchema>;
export type HandoverTrigger = Extract<Trigger, { typ: 'overlamning' }>;
export type MeetingTrigger = Extract<Trigger, { typ: 'planeringsmote' }>;
export type RiskTrigger = Extract<Trigger, { typ: 'riskbedomning' }>;

/** The actions a gate can hold back, and the recorded steps that open it. */
export const gatedActions = ['kontakt_vardnadshavare'] as const;
export const gateOpeners = ['skydd_ordnat'] as const;

/**
 * A rule that refuses an action, with its legal source: `villkor` refuses the action in cases
 * that meet `when` until the step `until` is recorded (guardians are not contacted in an
 * honour-related case before protection is arranged); `tolk` refuses an interpreter of the kinds
 * listed at any contact or meeting in such cases (relatives never interpret).
 */
export const GateSchema = z.discriminatedUnion('typ', [
  z.object({
    typ: z.literal('villkor'),
    id: slug,
    title: z.string().min(1).max(100),
    action: z.enum(gatedActions),
    when: TriggerConditionSchema,
    until: z.enum(gateOpeners),
    legal: LegalSourceSchema,
  }),
  z.object({
    typ: z.literal('tolk'),
    id: slug,
    title: z.string().min(1).max(100),
    when: TriggerConditionSchema,
    refused: z.array(Tolk.exclude(['ingen'])).min(1),
    legal: LegalSourceSchema,
  }),
]);
export type Gate = z.infer<typeof GateSchema>;

/** A statutory ground that lets information leave the municipality without consent. */
export const DisclosureGroundSchema = z.object({ id: slug, label: z.string().min(1).max(200), citation: z.string().min(1).max(200) });

export const HandoverRulesSchema = z.object({
  /** The receiving unit kvitterar within this time. */
  acknowledge: TimingSchema,
  /** The sending unit answers a request for more information within this time. */
  answer: TimingSchema,
  disclosureGrounds: z.array(DisclosureGroundSchema).min(1),
  /**
   * The grounds allowed for disclosure to each external partner (by unit id). A partner not
   * listed may be given information on any of the grounds above.
   */
  partnerGrounds: z.record(slug, z.array(slug).min(1)),
  legal: LegalSourceSchema,
});

export const MeetingRulesSchema = z.object({
  /** Each unit confirms attendance before the booked time; reminders before it. */
  attendanceReminders: z.array(isoDuration),
  /** Reminders and escalation of the tasks the meeting's division of responsibility creates. */
  tasks: TimingSchema.optional(),
});

export const DisputeRulesSchema = z.object({ decision: TimingSchema, legal: LegalSourceSchema });

/**
 * A child who follows a parent into skyddat boende needs a decision of its own: when the parent's
 * decision names the child, the child's case gets a required task for the unit deciding on
 * children's insatser (or, for a child without a case, the unit opening children's cases gets a
 * task in the parent's case to open one), until the child's own decision is recorded.
 */
export const FollowingChildrenRulesSchema = z.object({
  /** The insatser (keys of followUps) a child can follow a parent into. */
  insatser: z.array(slug).min(1),
  /** The child's own decision is due within this time of the parent's. */
  decision: TimingSchema,
  /** A case is opened for a child who has none within this time. */
  openCase: TimingSchema,
  legal: LegalSourceSchema,
});
export type FollowingChildrenRules = z.infer<typeof FollowingChildrenRulesSchema>;

/**
 * An insats performed by another unit or an external partner (the provider): the provider
 * confirms the start within `confirmStart`, then reports what it delivers at each of the insats's
 * follow-up intervals. A missing confirmation or report reaches the provider, then the enhetschef
 * of the unit that decided the insats.
 */
export const ProviderRulesSchema = z.object({ confirmStart: TimingSchema, legal: LegalSourceSchema });

/** The deadlines the lifecycle knows; the rules say how long each one is and who owns it. */
export const DeadlineKey = z.enum(deadlineKeys);
export type DeadlineKey = z.infer<typeof DeadlineKey>;

export const RulesSchema = z.object({
  version: z.int().positive(),
  /** Days and working days are counted in this zone; a day-based deadline ends at midnight there. */
  timeZone: z.string().min(1),
  /** Default reminders, as time before the due moment. */
  reminders: z.array(isoDuration),
  /** Default escalation chain when a deadline is missed, in order. */
  escalation: z.array(EscalationStepSchema).min(1),
  deadlines: z.record(DeadlineKey, DeadlineRuleSchema),
  /** Follow-up schedule per insats kind; the keys are the insats kinds a unit can decide on. */
  followUps: z.record(slug, FollowUpRuleSchema),
  /** The unit that decides on insatser, and follows them up, per case kind. */
  insatsOwner: z.object({ barn: slug, vuxen: slug, utovare: slug }),
  /**
   * Escalations to managers are gathered into one digest per manager and period (each working
   * morning) instead of one e-mail each; urgent steps are still sent at once.
   */
  escalationDigest: z.boolean(),
  /** Steps the facts of a case call for. */
  triggers: z.array(TriggerSchema),
  handovers: HandoverRulesSchema,
  meetings: MeetingRulesSchema,
  disputes: DisputeRulesSchema,
  followingChildren: FollowingChildrenRulesSchema,
  providers: ProviderRulesSchema,
  /** Actions refused until a condition holds (domain/gates.ts). */
  gates: z.array(GateSchema),
});
/** A complete rule set, as the store keeps it and a case runs under it. */
export type Rules = z.infer<typeof RulesSchema>;
export type LegalSource = z.infer<typeof LegalSourceSchema>;

/** What every clock needs: the zone days are counted in, and the default reminders and chain. */
export type ClockRules = Pick<Rules, 'timeZone' | 'reminders' | 'escalation' | 'escalationDigest'>;
