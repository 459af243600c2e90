// The samverkan rules: every duration, reminder, escalation chain and legal source the
// workflows enforce. Workflows receive a copy when a case starts and never use literals.
import { isoDuration, slug, z } from './zod';

export const Counting = z.enum(['kalenderdagar', 'arbetsdagar']);
export type Counting = z.infer<typeof Counting>;

/** Who is told when a deadline is missed: the owning unit, its enhetschef, or the sektorchef. */
export const EscalationTarget = z.enum(['enhet', 'enhetschef', 'sektorchef']);
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
});
export type Rules = z.infer<typeof RulesSchema>;

const SOL_2001 = 'Socialtjänstlagen (2001:453), numrering före 1 juli 2025 – uppdatera till SoL (2025:400)';

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
};

export function reminderOffsets(rules: Rules, rule: { reminders?: string[] }): string[] {
  return rule.reminders ?? rules.reminders;
}

export function escalationChain(rules: Rules, rule: { escalation?: EscalationStep[] }): EscalationStep[] {
  return rule.escalation ?? rules.escalation;
}
