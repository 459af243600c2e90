// A rule set: the organisation and the samverkan rules the samordnare owns, accepted only as a
// whole. zod checks each field; `checkRuleSet` checks what zod cannot: that every unit a rule
// names exists and is active, that escalation chains only climb, that reminders fall inside
// their deadline, that meetings bring two units together, that partners' grounds exist.
import { OrganisationSchema, SECTOR_UNIT, type Organisation } from './organisation';
import { defaultRules } from './default-rules';
import { DisputeRulesSchema, FollowingChildrenRulesSchema, GateSchema, HandoverRulesSchema, ProviderRulesSchema, MeetingRulesSchema, RulesSchema, TriggerSchema, type EscalationStep, type Rules } from './rules';
import { describeIssues, z } from './zod';

/**
 * What a samordnare may send: parts left out are filled from today's default rule set, once,
 * when the version is written. A stored version is complete, so code defaults never reach a case.
 */
export const RulesDraftSchema = RulesSchema.extend({
  escalationDigest: z.boolean().default(false),
  triggers: z.array(TriggerSchema).default([]),
  handovers: HandoverRulesSchema.extend({ partnerGrounds: HandoverRulesSchema.shape.partnerGrounds.default({}) }).default(() => defaultRules.handovers),
  meetings: MeetingRulesSchema.default(() => defaultRules.meetings),
  disputes: DisputeRulesSchema.default(() => defaultRules.disputes),
  followingChildren: FollowingChildrenRulesSchema.default(() => defaultRules.followingChildren),
  gates: z.array(GateSchema).default(() => defaultRules.gates),
  providers: ProviderRulesSchema.default(() => defaultRules.providers),
});
export type RulesDraftInput = z.input<typeof RulesDraftSchema>;

/** What the samordnare sends: the version number is given by the store when it is accepted. */
export const RuleSetDraftSchema = z.object({
  organisation: OrganisationSchema,
  // Parts left out are completed from the default rule set here, when the version is written.
  rules: RulesDraftSchema.omit({ version: true }),
});
export type RuleSetDraft = z.infer<typeof RuleSetDraftSchema>;

/** An accepted version, with who accepted it, when and why. */
export interface RuleSetVersion {
  version: number;
  organisation: Organisation;
  rules: Rules;
  createdBy: string;
  createdAt: string;
  reason: string;
  /** Set when this version restores an earlier one (a roll-back). */
  restoredFrom?: number;
}

export { ChangeReason } from './update-schemas';

export interface RuleSetIssue {
  field: string;
  message: string;
}

export type RuleSetValidation = { ok: true; draft: RuleSetDraft } | { ok: false; issues: RuleSetIssue[] };

/** Parses and checks a whole rule set against the organisation it replaces. */
export function validateRuleSet(input: unknown, previous?: Pick<RuleSetVersion, 'organisation'>): RuleSetValidation {
  const parsed = RuleSetDraftSchema.safeParse(input);
  if (!parsed.success) return { ok: false, issues: describeIssues(parsed.error) };
  const issues = checkRuleSet(parsed.data, previous);
  return issues.length > 0 ? { ok: false, issues } : { ok: true, draft: parsed.data };
}

const rank: Record<EscalationStep['to'], number> = { enhet: 0, enhetschef: 1, sektorchef: 2, forvaltningschef: 3 };
const targetLabel: Record<EscalationStep['to'], string> = { enhet: 'enheten', enhetschef: 'enhetschefen', sektorchef: 'sektorchefen', forvaltningschef: 'förvaltningschefen' };

/** Nominal length of an ISO duration in hours (a month as 31 days: the longest it can be). */
export function nominalHours(duration: string): number {
  const m = /^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$/.exec(duration);
  if (!m) return Number.NaN;
  const [y, mo, w, d, h, mi, s] = m.slice(1).map((v) => Number(v ?? 0)) as [number, number, number, number, number, number, number];
  return y * 366 * 24 + mo * 31 * 24 + w * 7 * 24 + d * 24 + h + mi / 60 + s / 3600;
}

/**
 * The longest a deadline can run: a day-based deadline ends at midnight of its last day, so a
 * deadline of P0D ("genast") still has the rest of the day.
 */
function longestRun(duration: string): number {
  return nominalHours(duration) + (/^P[^T]*$/.test(duration) ? 24 : 0);
}

interface TimedRule {
  path: (string | number)[];
  label: string;
  duration?: string;
  reminders?: string[];
  escalation?: EscalationStep[];
}

/** Every clock of a rule set with its own reminders or escalation chain. */
function timedRules(rules: RuleSetDraft['rules']): TimedRule[] {
  const list: TimedRule[] = [{ path: ['rules', 'escalation'], label: 'Standardkedjan', escalation: rules.escalation }];
  for (const [key, rule] of Object.entries(rules.deadlines)) {
    if (rule) list.push({ path: ['rules', 'deadlines', key], label: `Tidsfristen ${key}`, ...rule });
  }
  rules.triggers.forEach((trigger, index) => {
    if (trigger.typ !== 'riskbedomning') list.push({ path: ['rules', 'triggers', index, 'timing'], label: `Regeln ${trigger.id}`, ...trigger.timing });
  });
  list.push({ path: ['rules', 'handovers', 'acknowledge'], label: 'Kvittens av överlämning', ...rules.handovers.acknowledge });
  list.push({ path: ['rules', 'handovers', 'answer'], label: 'Svar på kompletteringsbegäran', ...rules.handovers.answer });
  if (rules.meetings.tasks) list.push({ path: ['rules', 'meetings', 'tasks'], label: 'Mötesuppgifter', ...rules.meetings.tasks });
  list.push({ path: ['rules', 'disputes', 'decision'], label: 'Beslut i tvist', ...rules.disputes.decision });
  list.push({ path: ['rules', 'followingChildren', 'decision'], label: 'Eget beslut för medföljande barn', ...rules.followingChildren.decision });
  list.push({ path: ['rules', 'followingChildren', 'openCase'], label: 'Ärende för medföljande barn', ...rules.followingChildren.openCase });
  list.push({ path: ['rules', 'providers', 'confirmStart'], label: 'Utförarens bekräftelse av start', ...rules.providers.confirmStart });
  return list;
}

export function checkRuleSet(draft: RuleSetDraft, previous?: Pick<RuleSetVersion, 'organisation'>): RuleSetIssue[] {
  const issues: RuleSetIssue[] = [];
  const add = (path: (string | number)[], message: string) => issues.push({ field: path.join('.'), message });
  const { organisation, rules } = draft;
  const units = new Map(organisation.units.map((unit) => [unit.id, unit]));

  /** A unit a rule gives new work to: it must exist, be active and (unless a partner may) be internal. */
  const active = (path: (string | number)[], label: string, unitId: string, allowExternal = false) => {
    const unit = units.get(unitId);
    if (!unit) return add(path, `${label}: enheten ${unitId} finns inte i organisationen`);
    if (unit.retired) return add(path, `${label}: enheten ${unitId} är avvecklad och kan inte få nya uppgifter`);
    if (!allowExternal && unit.kind === 'extern') add(path, `${label}: ${unitId} är en extern samverkanspart och kan inte äga ett steg i ärendet`);
  };

  // The organisation: units are retired, never removed, so that running cases keep their units.
  if (previous) {
    for (const old of previous.organisation.units) {
      if (!units.has(old.id)) {
        add(['organisation', 'units'], `Enheten ${old.id} kan inte tas bort: ärenden och äldre versioner hänvisar till den. Markera den som avvecklad (retired: true).`);
      }
    }
    if (previous.organisation.sector.id !== organisation.sector.id) {
      add(['organisation', 'sector', 'id'], `Sektorns id kan inte ändras (${previous.organisation.sector.id}); byt namn i stället`);
    }
  }

  // Tasks for the sector (disputes) wait under these ids; a unit with one would be mistaken for it.
  organisation.units.forEach((unit, index) => {
    if (unit.id === SECTOR_UNIT || unit.id === organisation.sector.id) {
      add(['organisation', 'units', index, 'id'], `Enhetens id ${unit.id} är reserverat för sektorn; välj ett annat`);
    }
  });

  for (const [key, rule] of Object.entries(rules.deadlines)) {
    if (rule) active(['rules', 'deadlines', key, 'owner'], `Tidsfristen ${key}`, rule.owner);
  }
  for (const [kind, owner] of Object.entries(rules.insatsOwner)) {
    active(['rules', 'insatsOwner', kind], `Insatser i ärenden av typen ${kind}`, owner);
  }

  const triggerIds = new Set<string>();
  rules.triggers.forEach((trigger, index) => {
    const at = (...field: (string | number)[]) => ['rules', 'triggers', index, ...field];
    const label = `Regeln ${trigger.id}`;
    if (triggerIds.has(trigger.id)) add(at('id'), `${label}: id:t används redan av en annan regel`);
    triggerIds.add(trigger.id);
    if (trigger.typ === 'overlamning') {
      active(at('from'), label, trigger.from);
      active(at('to'), label, trigger.to, true);
      if (trigger.from === trigger.to) add(at('to'), `${label}: en överlämning går till en annan enhet än den som lämnar`);
    } else if (trigger.typ === 'planeringsmote') {
      trigger.units.forEach((unit, i) => active(at('units', i), label, unit, true));
      if (new Set(trigger.units).size < 2) add(at('units'), `${label}: ett gemensamt planeringsmöte behöver minst två olika enheter`);
      if (!trigger.units.includes(trigger.organiser)) add(at('organiser'), `${label}: den som kallar (${trigger.organiser}) måste vara en av mötets enheter`);
      else active(at('organiser'), label, trigger.organiser);
    } else if (!trigger.when.kinds.includes('vuxen')) {
      add(at('when', 'kinds'), `${label}: riskbedömning med instrument görs bara i ärenden av typen vuxen`);
    }
  });

  for (const rule of timedRules(rules)) {
    const chain = rule.escalation ?? [];
    chain.forEach((step, i) => {
      const before = chain[i - 1];
      if (!before) return;
      if (rank[step.to] <= rank[before.to]) {
        add([...rule.path, 'escalation', i, 'to'], `${rule.label}: eskaleringen går tillbaka till ${targetLabel[step.to]} efter ${targetLabel[before.to]} (en slinga). Varje steg ska gå högre upp.`);
      } else if (nominalHours(step.after) < nominalHours(before.after)) {
        add([...rule.path, 'escalation', i, 'after'], `${rule.label}: steget till ${targetLabel[step.to]} (${step.after}) kommer före steget innan (${before.after})`);
      }
    });
    if (rule.duration === undefined) continue;
    (rule.reminders ?? []).forEach((reminder, i) => {
      if (nominalHours(reminder) >= longestRun(rule.duration!)) {
        add([...rule.path, 'reminders', i], `${rule.label}: påminnelsen ${reminder} före fristen hamnar utanför fristen ${rule.duration}; den skulle skickas innan fristen har börjat`);
      }
    });
  }

  // The perpetrator's offer is recorded as this insats: without its follow-up the step cannot be taken.
  if (!rules.followUps.stod_valdsutovare) {
    add(['rules', 'followUps', 'stod_valdsutovare'], 'Uppföljningen stod_valdsutovare behövs: erbjudandet till en våldsutövare registreras som den insatsen');
  }

  const gateIds = new Set<string>();
  rules.gates.forEach((gate, index) => {
    const at = (...field: (string | number)[]) => ['rules', 'gates', index, ...field];
    if (gateIds.has(gate.id)) add(at('id'), `Spärren ${gate.id}: id:t används redan av en annan spärr`);
    gateIds.add(gate.id);
    // Guardians are a child's: a case of another kind has no contact with them to hold back.
    if (gate.typ === 'villkor' && gate.action === 'kontakt_vardnadshavare' && !gate.when.kinds.includes('barn')) {
      add(at('when', 'kinds'), `Spärren ${gate.id}: kontakt med vårdnadshavare registreras bara i barnärenden`);
    }
  });

  rules.followingChildren.insatser.forEach((insats, i) => {
    if (!rules.followUps[insats]) add(['rules', 'followingChildren', 'insatser', i], `Medföljande barn: insatsen ${insats} finns inte bland followUps`);
  });

  const grounds = new Set(rules.handovers.disclosureGrounds.map((g) => g.id));
  for (const [partner, allowed] of Object.entries(rules.handovers.partnerGrounds)) {
    const unit = units.get(partner);
    const at = ['rules', 'handovers', 'partnerGrounds', partner];
    if (!unit) add(at, `Lagstöd för ${partner}: enheten finns inte i organisationen`);
    else if (unit.kind !== 'extern') add(at, `Lagstöd för ${partner}: bara externa samverkansparter behöver lagstöd för att få uppgifter`);
    allowed.forEach((ground, i) => {
      if (!grounds.has(ground)) add([...at, i], `Lagstöd för ${partner}: ${ground} finns inte bland disclosureGrounds`);
    });
  }
  return issues;
}

/** A version's number in URLs and queries. */
// A version is a PostgreSQL integer: anything larger is no version there is.
const versionMessage = { message: 'Ange ett versionsnummer (1, 2, …)' };
export const VersionNumber = z.coerce.number().int().positive(versionMessage).max(2_147_483_647, versionMessage);
/** The same in a JSON body, where a number is a number. */
export const VersionInBody = z.int().positive(versionMessage).max(2_147_483_647, versionMessage);
