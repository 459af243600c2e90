// The samverkan rules: every duration, reminder, escalation chain and legal source the
// workflows enforce. Workflows receive a copy when a case starts and never use literals.
import { CaseKind, RiskInstrument, ValdAnswer } from './facts';
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
  partnerGrounds: z.record(slug, z.array(slug).min(1)).default({}),
  legal: LegalSourceSchema,
});

export const MeetingRulesSchema = z.object({
  /** Each unit confirms attendance before the booked time; reminders before it. */
  attendanceReminders: z.array(isoDuration),
  /** Reminders and escalation of the tasks the meeting's division of responsibility creates. */
  tasks: TimingSchema.optional(),
});

export const DisputeRulesSchema = z.object({ decision: TimingSchema, legal: LegalSourceSchema });

/** The deadlines the lifecycle knows; the rules say how long each one is and who owns it. */
export const DeadlineKey = z.enum([
  'barn.skyddsbedomning',
  'barn.forhandsbedomning',
  'barn.utredning',
  'vuxen.riskbedomning',
  'vuxen.utredning',
  'utovare.erbjudande',
]);
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
   * morning) instead of one e-mail each; urgent steps are still sent at once. Rule sets older
   * than the digest escalate item by item.
   */
  escalationDigest: z.boolean().default(false),
  /** Steps the facts of a case call for. Absent in rule sets older than handovers: none. */
  triggers: z.array(TriggerSchema).default([]),
  handovers: HandoverRulesSchema.default(() => defaultHandoverRules),
  meetings: MeetingRulesSchema.default(() => defaultMeetingRules),
  disputes: DisputeRulesSchema.default(() => defaultDisputeRules),
});
export type Rules = z.infer<typeof RulesSchema>;
export type RulesInput = z.input<typeof RulesSchema>;

const SOL_2001 = 'Socialtjänstlagen (2001:453), numrering före 1 juli 2025 – uppdatera till SoL (2025:400)';
const OSL = 'Offentlighets- och sekretesslagen (2009:400) – kontrollera mot gällande lydelse';
const LOCAL = 'Lokal samverkansrutin';

const defaultHandoverRules: z.infer<typeof HandoverRulesSchema> = {
  acknowledge: {
    duration: 'P2D',
    counting: 'arbetsdagar',
    reminders: ['P1D'],
    escalation: [
      { to: 'enhetschef', after: 'PT0S' },
      { to: 'sektorchef', after: 'P2D' },
    ],
  },
  answer: { duration: 'P1D', counting: 'arbetsdagar', reminders: ['PT4H'] },
  disclosureGrounds: [
    { id: 'osl-10-2', label: 'Nödvändigt för att socialtjänsten ska kunna fullgöra sin verksamhet', citation: `${OSL}, 10 kap. 2 §` },
    { id: 'osl-10-19', label: 'Uppgift om underårig som behövs för nödvändig vård, behandling eller stöd', citation: `${OSL}, 10 kap. 19 §` },
    { id: 'osl-10-21', label: 'Misstanke om brott mot underårig', citation: `${OSL}, 10 kap. 21 §` },
    { id: 'osl-10-23', label: 'Misstanke om brott med minst ett års fängelse i straffskalan', citation: `${OSL}, 10 kap. 23 §` },
    { id: 'osl-10-28', label: 'Uppgiftsskyldighet enligt lag eller förordning', citation: `${OSL}, 10 kap. 28 §` },
  ],
  partnerGrounds: {},
  legal: { source: LOCAL, citation: 'Den mottagande enheten kvitterar överlämningen inom två arbetsdagar' },
};

const defaultMeetingRules: z.infer<typeof MeetingRulesSchema> = { attendanceReminders: ['P1D'] };

const defaultDisputeRules: z.infer<typeof DisputeRulesSchema> = {
  decision: {
    duration: 'P5D',
    counting: 'arbetsdagar',
    reminders: ['P2D'],
    escalation: [
      { to: 'sektorchef', after: 'PT0S' },
      { to: 'forvaltningschef', after: 'P2D' },
    ],
  },
  legal: { source: LOCAL, citation: 'Oenighet mellan enheter avgörs av sektorchefen' },
};

const violence = ['ja', 'misstanke'] as const;

export const defaultRules: Rules = {
  version: 1,
  timeZone: 'Europe/Stockholm',
  reminders: ['P2D', 'PT4H'],
  escalation: [
    { to: 'enhet', after: 'PT0S' },
    { to: 'enhetschef', after: 'PT0S' },
    { to: 'sektorchef', after: 'P2D' },
  ],
  deadlines: {
    'barn.skyddsbedomning': {
      title: 'Skyddsbedömning',
      duration: 'P0D',
      counting: 'kalenderdagar',
      urgent: true,
      owner: 'mottagning',
      legal: { source: SOL_2001, citation: '11 kap. 1 a § första stycket: skyddsbedömning genast' },
      reminders: ['PT4H'],
      escalation: [
        { to: 'enhet', after: 'PT0S' },
        { to: 'enhetschef', after: 'PT0S' },
        { to: 'sektorchef', after: 'PT12H' },
      ],
    },
    'barn.forhandsbedomning': {
      title: 'Förhandsbedömning',
      duration: 'P14D',
      counting: 'kalenderdagar',
      owner: 'mottagning',
      legal: { source: SOL_2001, citation: '11 kap. 1 a § andra stycket: inom 14 dagar' },
    },
    'barn.utredning': {
      title: 'Barnavårdsutredning',
      duration: 'P4M',
      counting: 'kalenderdagar',
      owner: 'bou',
      legal: { source: SOL_2001, citation: '11 kap. 2 § tredje stycket: inom fyra månader' },
      reminders: ['P14D', 'P2D'],
    },
    'vuxen.riskbedomning': {
      title: 'Skydds- och riskbedömning',
      duration: 'P0D',
      counting: 'kalenderdagar',
      urgent: true,
      owner: 'rvt',
      legal: { source: 'Socialstyrelsens föreskrifter (SOSFS 2014:4) om våld i nära relationer', citation: '7 kap. 2 §: bedöma risken för fortsatt våld' },
      reminders: ['PT4H'],
    },
    'vuxen.utredning': {
      title: 'Utredning våldsutsatt vuxen',
      duration: 'P4M',
      counting: 'kalenderdagar',
      owner: 'rvt',
      legal: { source: 'Lokal riktlinje', citation: 'Utredningen avslutas inom fyra månader' },
      reminders: ['P14D', 'P2D'],
    },
    'utovare.erbjudande': {
      title: 'Erbjudande om stöd till våldsutövare',
      duration: 'P5D',
      counting: 'arbetsdagar',
      owner: 'rvt',
      legal: { source: 'Socialstyrelsens föreskrifter (SOSFS 2014:4) om våld i nära relationer', citation: '8 kap.: insatser till våldsutövare' },
    },
  },
  followUps: {
    placering: { title: 'Uppföljning av placering', every: 'P6M', counting: 'kalenderdagar', legal: { source: SOL_2001, citation: '6 kap. 8 §: vården övervägs minst var sjätte månad' } },
    skyddat_boende: { title: 'Uppföljning av skyddat boende', every: 'P30D', counting: 'kalenderdagar', legal: { source: 'Lokal riktlinje', citation: 'Skyddat boende följs upp var 30:e dag' } },
    stodsamtal: { title: 'Uppföljning av stödsamtal', every: 'P3M', counting: 'kalenderdagar', legal: { source: 'Lokal riktlinje', citation: 'Insatser följs upp minst var tredje månad' } },
    trappan: { title: 'Uppföljning av krissamtal (Trappan)', every: 'P3M', counting: 'kalenderdagar', legal: { source: 'Lokal riktlinje', citation: 'Insatser följs upp minst var tredje månad' } },
    ifa: { title: 'Uppföljning av intensivt familjearbete', every: 'P3M', counting: 'kalenderdagar', legal: { source: 'Lokal riktlinje', citation: 'Insatser följs upp minst var tredje månad' } },
    stod_valdsutovare: { title: 'Uppföljning av stöd till våldsutövare', every: 'P1M', counting: 'kalenderdagar', legal: { source: 'Lokal riktlinje', citation: 'Erbjudandet och svaret följs upp' } },
  },
  insatsOwner: { barn: 'bou', vuxen: 'rvt', utovare: 'rvt' },
  escalationDigest: true,
  triggers: [
    {
      typ: 'overlamning',
      id: 'barn-vald-rvt',
      title: 'Överlämning till relationsvåldsteamet',
      when: { kinds: ['barn'], vald: [...violence] },
      from: 'mottagning',
      to: 'rvt',
      timing: { duration: 'P0D', counting: 'kalenderdagar' },
      legal: { source: LOCAL, citation: 'Våld i familjen: relationsvåldsteamet underrättas genast' },
    },
    {
      typ: 'planeringsmote',
      id: 'barn-vald-mote',
      title: 'Gemensamt planeringsmöte barn och våld',
      when: { kinds: ['barn'], vald: [...violence] },
      units: ['mottagning', 'rvt'],
      organiser: 'mottagning',
      timing: { duration: 'P7D', counting: 'kalenderdagar' },
      legal: { source: LOCAL, citation: 'Gemensamt planeringsmöte inom 7 dagar med dokumenterad ansvarsfördelning' },
    },
    {
      typ: 'overlamning',
      id: 'vuxen-barn-mottagning',
      title: 'Överlämning till mottagningen barn och unga',
      when: { kinds: ['vuxen'], barnIHushallet: true },
      from: 'rvt',
      to: 'mottagning',
      timing: { duration: 'P0D', counting: 'kalenderdagar' },
      legal: { source: SOL_2001, citation: '14 kap. 1 §: anmälan när ett barn kan behöva skydd' },
    },
    {
      typ: 'planeringsmote',
      id: 'vuxen-barn-mote',
      title: 'Gemensamt planeringsmöte vuxen med barn',
      when: { kinds: ['vuxen'], barnIHushallet: true },
      units: ['rvt', 'mottagning'],
      organiser: 'rvt',
      timing: { duration: 'P7D', counting: 'kalenderdagar' },
      legal: { source: LOCAL, citation: 'Gemensamt planeringsmöte inom 7 dagar med dokumenterad ansvarsfördelning' },
    },
    {
      typ: 'riskbedomning',
      id: 'heder-patriark',
      title: 'Hedersrelaterat våld: riskbedömning med PATRIARK',
      when: { kinds: ['vuxen'], hedersrelaterat: true },
      instrument: 'PATRIARK',
    },
  ],
  handovers: defaultHandoverRules,
  meetings: defaultMeetingRules,
  disputes: defaultDisputeRules,
};

export function reminderOffsets(rules: Rules, rule: { reminders?: string[] }): string[] {
  return rule.reminders ?? rules.reminders;
}

export function escalationChain(rules: Rules, rule: { escalation?: EscalationStep[] }): EscalationStep[] {
  return rule.escalation ?? rules.escalation;
}
