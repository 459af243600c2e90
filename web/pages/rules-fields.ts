// The rule set as flat form fields and back. A field is named by its path in the rule set; a
// segment that holds a dot (the deadline keys "barn.skyddsbedomning") is written in brackets, so
// `rules.deadlines[barn.skyddsbedomning].duration` decodes to the path it came from. Reading a
// form starts from the version it was based on: whatever the form does not show is carried over.
// The values are not checked here; the rule service does that, and its issue paths are mapped
// back to these names.
import type { FieldError } from '../../api/errors';
import type { RuleSetIssue } from '../../domain/rule-set';
import type { Organisation, Unit } from '../../domain/organisation';
import type { Counting, EscalationStep, Rules, Timing, TriggerCondition } from '../../domain/rules';
import { text, all, type FormValues } from '../forms';

export type Path = (string | number)[];

/** The rule set as the form edits it: the shape of a version, without its number. */
export interface EditedSet {
  organisation: Organisation;
  rules: Omit<Rules, 'version'>;
}

export function fieldName(path: Path): string {
  return path.map((segment, i) => (String(segment).includes('.') ? `[${segment}]` : i === 0 ? String(segment) : `.${segment}`)).join('');
}

export function pathOf(name: string): string[] {
  return [...name.matchAll(/\[([^\]]*)\]|\.?([^.[]+)/g)].map((m) => m[1] ?? m[2]!);
}

/** A path as the service writes it in an issue or a difference: the segments joined by dots. */
const dotted = (name: string) => pathOf(name).join('.');

// ---- lists of durations: "P2D, PT4H" ----

const splitList = (value: string) => value.split(/[\s,;]+/).filter(Boolean);
const none = (value: string) => value.toLowerCase() === 'inga';

/** A required list: empty (or "inga") is no items. */
const listOf = (value: string) => (none(value) ? [] : splitList(value));
/** An optional list: empty means "the default", "inga" an empty list. */
const optionalListOf = (value: string) => (value === '' ? undefined : none(value) ? [] : splitList(value));
export const listText = (list: readonly string[] | undefined) => (list === undefined ? '' : list.join(', '));
export const optionalListText = (list: readonly string[] | undefined) => (list === undefined ? '' : list.length === 0 ? 'inga' : list.join(', '));

/** Ticked choices in the order the base version lists them, new ones after: order is not a change. */
const inOrder = (before: readonly string[] | undefined, chosen: string[]) => [...(before ?? []).filter((v) => chosen.includes(v)), ...chosen.filter((v) => !(before ?? []).includes(v))];

const flagText = (flag: boolean | undefined) => (flag === undefined ? '' : flag ? 'ja' : 'nej');
const checked = (flag: boolean | undefined) => (flag ? ['ja'] : []);

export const conditionFlags = ['barnIHushallet', 'hedersrelaterat', 'skyddadeUppgifter', 'missbruk'] as const;

/** Every clock the form edits: duration, counting and its own reminders. */
export function clockPaths(rules: EditedSet['rules']): { path: Path; timing: Timing | undefined }[] {
  return [
    { path: ['rules', 'handovers', 'acknowledge'], timing: rules.handovers.acknowledge },
    { path: ['rules', 'handovers', 'answer'], timing: rules.handovers.answer },
    { path: ['rules', 'meetings', 'tasks'], timing: rules.meetings.tasks },
    { path: ['rules', 'disputes', 'decision'], timing: rules.disputes.decision },
  ];
}

const unitFields = ['id', 'name', 'kind', 'email', 'managerEmail'] as const;

/** The form's values for a rule set: what the form shows when it opens. */
export function valuesOf(set: EditedSet): FormValues {
  const { organisation: org, rules } = set;
  const v: FormValues = {};
  const put = (path: Path, value: string | string[]) => (v[fieldName(path)] = value);
  put(['organisation', 'name'], org.name);
  put(['organisation', 'sector', 'name'], org.sector.name);
  put(['organisation', 'sector', 'managerEmail'], org.sector.managerEmail);
  put(['organisation', 'sector', 'directorEmail'], org.sector.directorEmail ?? '');
  org.units.forEach((unit, i) => {
    for (const field of unitFields) put(['organisation', 'units', i, field], unit[field] ?? '');
    put(['organisation', 'units', i, 'retired'], checked(unit.retired));
  });
  put(['rules', 'reminders'], listText(rules.reminders));
  rules.escalation.forEach((step, i) => {
    put(['rules', 'escalation', i, 'to'], step.to);
    put(['rules', 'escalation', i, 'after'], step.after);
  });
  put(['rules', 'escalationDigest'], flagText(rules.escalationDigest));
  for (const [key, rule] of Object.entries(rules.deadlines)) {
    if (!rule) continue;
    const at = (...rest: Path) => ['rules', 'deadlines', key, ...rest];
    put(at('title'), rule.title);
    put(at('duration'), rule.duration);
    put(at('counting'), rule.counting);
    put(at('owner'), rule.owner);
    put(at('reminders'), optionalListText(rule.reminders));
    put(at('urgent'), checked(rule.urgent));
    put(at('legal', 'source'), rule.legal.source);
    put(at('legal', 'citation'), rule.legal.citation);
  }
  for (const { path, timing } of clockPaths(rules)) {
    put([...path, 'duration'], timing?.duration ?? '');
    put([...path, 'counting'], timing?.counting ?? 'kalenderdagar');
    put([...path, 'reminders'], optionalListText(timing?.reminders));
  }
  put(['rules', 'meetings', 'attendanceReminders'], listText(rules.meetings.attendanceReminders));
  for (const [key, rule] of Object.entries(rules.followUps)) {
    put(['rules', 'followUps', key, 'title'], rule.title);
    put(['rules', 'followUps', key, 'every'], rule.every);
    put(['rules', 'followUps', key, 'counting'], rule.counting);
  }
  for (const [kind, owner] of Object.entries(rules.insatsOwner)) put(['rules', 'insatsOwner', kind], owner);
  rules.triggers.forEach((trigger, i) => {
    const at = (...rest: Path) => ['rules', 'triggers', i, ...rest];
    put(at('title'), trigger.title);
    put(at('when', 'kinds'), [...trigger.when.kinds]);
    put(at('when', 'vald'), [...(trigger.when.vald ?? [])]);
    for (const flag of conditionFlags) put(at('when', flag), flagText(trigger.when[flag]));
    if (trigger.typ === 'riskbedomning') {
      put(at('instrument'), trigger.instrument);
      return;
    }
    if (trigger.typ === 'overlamning') {
      put(at('from'), trigger.from);
      put(at('to'), trigger.to);
    } else {
      put(at('units'), [...trigger.units]);
      put(at('organiser'), trigger.organiser);
    }
    put(at('timing', 'duration'), trigger.timing.duration);
    put(at('timing', 'counting'), trigger.timing.counting);
    put(at('timing', 'reminders'), optionalListText(trigger.timing.reminders));
  });
  return v;
}

/** The rows of units the posted form has beyond the base version's: up to the last one filled in. */
function addedUnitRows(base: EditedSet, values: FormValues): number {
  let rows = 0;
  for (let i = base.organisation.units.length; `organisation.units.${i}.id` in values; i++) {
    if (unitFields.some((field) => field !== 'kind' && text(values, fieldName(['organisation', 'units', i, field])) !== '')) rows = i - base.organisation.units.length + 1;
  }
  return rows;
}

/**
 * The rule set the posted form describes: the base version with every field of the form read
 * over it. Types follow the format; values are as typed (the service says what is wrong).
 */
export function readForm(base: EditedSet, values: FormValues): EditedSet {
  const set = structuredClone(base);
  const { organisation: org, rules } = set;
  const t = (path: Path) => text(values, fieldName(path));
  const list = (path: Path) => all(values, fieldName(path));
  const tick = (path: Path) => list(path).includes('ja');
  /** A checkbox for an optional boolean: unticked keeps an explicit false, else leaves it out. */
  const optionalTick = <T extends object, K extends keyof T>(target: T, key: K, path: Path) => {
    if (tick(path)) target[key] = true as T[K];
    else if (target[key] !== false) delete target[key];
  };
  const optional = <T extends object, K extends keyof T>(target: T, key: K, value: T[K] | undefined) => {
    if (value === undefined || value === '') delete target[key];
    else target[key] = value;
  };

  org.name = t(['organisation', 'name']);
  org.sector.name = t(['organisation', 'sector', 'name']);
  org.sector.managerEmail = t(['organisation', 'sector', 'managerEmail']);
  optional(org.sector, 'directorEmail', t(['organisation', 'sector', 'directorEmail']));
  const added = addedUnitRows(base, values);
  for (let i = 0; i < added; i++) org.units.push({ id: '', name: '', kind: 'intern', email: '' });
  org.units.forEach((unit: Unit, i) => {
    const at = (field: string) => ['organisation', 'units', i, field];
    // An existing unit keeps its id: units are renamed or retired, never re-keyed.
    if (i >= base.organisation.units.length) unit.id = t(at('id'));
    unit.name = t(at('name'));
    unit.kind = t(at('kind')) as Unit['kind'];
    unit.email = t(at('email'));
    optional(unit, 'managerEmail', t(at('managerEmail')));
    optionalTick(unit, 'retired', at('retired'));
  });

  rules.reminders = listOf(t(['rules', 'reminders']));
  rules.escalation.forEach((step: EscalationStep, i) => {
    step.to = t(['rules', 'escalation', i, 'to']) as EscalationStep['to'];
    step.after = t(['rules', 'escalation', i, 'after']);
  });
  const digest = t(['rules', 'escalationDigest']);
  if (digest === 'ja' || digest === 'nej') rules.escalationDigest = digest === 'ja';

  for (const [key, rule] of Object.entries(rules.deadlines)) {
    if (!rule) continue;
    const at = (...rest: Path) => ['rules', 'deadlines', key, ...rest];
    rule.title = t(at('title'));
    rule.duration = t(at('duration'));
    rule.counting = t(at('counting')) as Counting;
    rule.owner = t(at('owner'));
    optional(rule, 'reminders', optionalListOf(t(at('reminders'))));
    optionalTick(rule, 'urgent', at('urgent'));
    rule.legal = { source: t(at('legal', 'source')), citation: t(at('legal', 'citation')) };
  }

  const readClock = (path: Path, timing: Timing | undefined): Timing => {
    const clock: Timing = { ...(timing ?? { duration: '', counting: 'kalenderdagar' }), duration: t([...path, 'duration']), counting: t([...path, 'counting']) as Counting };
    optional(clock, 'reminders', optionalListOf(t([...path, 'reminders'])));
    return clock;
  };
  rules.handovers.acknowledge = readClock(['rules', 'handovers', 'acknowledge'], rules.handovers.acknowledge);
  rules.handovers.answer = readClock(['rules', 'handovers', 'answer'], rules.handovers.answer);
  rules.disputes.decision = readClock(['rules', 'disputes', 'decision'], rules.disputes.decision);
  // The meetings' task clock is optional: left empty, the meeting's tasks have none of their own.
  const tasks = ['rules', 'meetings', 'tasks'];
  if (t([...tasks, 'duration']) === '' && t([...tasks, 'reminders']) === '') delete rules.meetings.tasks;
  else rules.meetings.tasks = readClock(tasks, rules.meetings.tasks);
  rules.meetings.attendanceReminders = listOf(t(['rules', 'meetings', 'attendanceReminders']));

  for (const [key, rule] of Object.entries(rules.followUps)) {
    rule.title = t(['rules', 'followUps', key, 'title']);
    rule.every = t(['rules', 'followUps', key, 'every']);
    rule.counting = t(['rules', 'followUps', key, 'counting']) as Counting;
  }
  for (const kind of Object.keys(rules.insatsOwner) as (keyof typeof rules.insatsOwner)[]) rules.insatsOwner[kind] = t(['rules', 'insatsOwner', kind]);

  rules.triggers.forEach((trigger, i) => {
    const at = (...rest: Path) => ['rules', 'triggers', i, ...rest];
    trigger.title = t(at('title'));
    const when = trigger.when;
    when.kinds = inOrder(when.kinds, list(at('when', 'kinds'))) as TriggerCondition['kinds'];
    const vald = inOrder(when.vald, list(at('when', 'vald')));
    optional(when, 'vald', vald.length > 0 ? (vald as TriggerCondition['vald']) : undefined);
    for (const flag of conditionFlags) {
      const value = t(at('when', flag));
      optional(when, flag, value === 'ja' ? true : value === 'nej' ? false : undefined);
    }
    if (trigger.typ === 'riskbedomning') {
      trigger.instrument = t(at('instrument')) as typeof trigger.instrument;
      return;
    }
    if (trigger.typ === 'overlamning') {
      trigger.from = t(at('from'));
      trigger.to = t(at('to'));
    } else {
      trigger.units = inOrder(trigger.units, list(at('units')));
      trigger.organiser = t(at('organiser'));
    }
    trigger.timing = readClock(at('timing'), trigger.timing);
  });
  return set;
}

/** The groups of fields with a place for messages about the whole group (a deadline, a unit). */
export function groupNames(set: EditedSet): string[] {
  return [
    fieldName(['organisation', 'sector']),
    fieldName(['organisation', 'units']),
    ...set.organisation.units.map((_, i) => fieldName(['organisation', 'units', i])),
    fieldName(['rules', 'escalation']),
    ...Object.keys(set.rules.deadlines).map((key) => fieldName(['rules', 'deadlines', key])),
    ...clockPaths(set.rules).map(({ path }) => fieldName(path)),
    fieldName(['rules', 'meetings']),
    fieldName(['rules', 'followUps']),
    ...Object.keys(set.rules.followUps).map((key) => fieldName(['rules', 'followUps', key])),
    fieldName(['rules', 'insatsOwner']),
    ...set.rules.triggers.map((_, i) => fieldName(['rules', 'triggers', i])),
  ];
}

/** Every name with a place for a message on the page: the fields and their groups. */
export function messageNames(set: EditedSet, posted: FormValues = {}): string[] {
  const names = new Set([...Object.keys(valuesOf(set)), ...groupNames(set)]);
  // The empty row for a new unit is on the page too.
  for (const name of Object.keys(posted)) if (name.startsWith('organisation.units.')) names.add(name);
  const next = set.organisation.units.length;
  for (const field of [...unitFields, 'retired']) names.add(fieldName(['organisation', 'units', next, field]));
  return [...names];
}

/**
 * The service's issues at the form's fields: an issue's path (dots between every segment) is
 * matched to the field with that path, or else to the nearest group that holds it. What has no
 * place in the form (a part it does not edit) is said for the form as a whole, with its path.
 */
export function issuesAtFields(issues: RuleSetIssue[], names: string[], describe: (path: string) => string): FieldError[] {
  const byPath = new Map(names.map((name) => [dotted(name), name]));
  return issues.map((issue) => {
    for (let path = issue.field; path; path = path.includes('.') ? path.slice(0, path.lastIndexOf('.')) : '') {
      const name = byPath.get(path);
      if (name) return { field: name, message: issue.message };
    }
    return { field: '', message: `${describe(issue.field)}: ${issue.message}` };
  });
}
