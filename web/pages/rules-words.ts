// Differences between two rule sets in Swedish sentences: "Förhandsbedömning: tid ändrad från
// 14 dagar (P14D) till 10 dagar (P10D)". The service's paths join every segment with a dot, deadline
// keys too, so the keys a rule set has are found again before a path is read.
import type { Difference } from '../../api/schemas/regelverk';
import { deadlineKeys } from '../../domain/lifecycle';
import type { CaseKind } from '../../domain/facts';
import type { EscalationTarget } from '../../domain/rules';
import { kindLabels, valdLabels } from '../labels';
import type { EditedSet } from './rules-fields';

/** A path the service wrote ("rules.deadlines.barn.utredning.duration") as segments again. */
export function segmentsOf(path: string): string[] {
  const parts = path.split('.');
  if (parts[0] === 'rules' && parts[1] === 'deadlines' && parts.length >= 4) {
    const key = `${parts[2]}.${parts[3]}`;
    if ((deadlineKeys as readonly string[]).includes(key)) return ['rules', 'deadlines', key, ...parts.slice(4)];
  }
  return parts;
}

const durationPattern = /^P(?!$)(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?(?:T(?=\d)(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$/;
const units: [string, string][] = [
  ['år', 'år'],
  ['månad', 'månader'],
  ['vecka', 'veckor'],
  ['dag', 'dagar'],
  ['timme', 'timmar'],
  ['minut', 'minuter'],
  ['sekund', 'sekunder'],
];

/** An ISO-8601 duration in words: P14D "14 dagar", P0D "genast", PT4H "4 timmar". */
export function durationWords(duration: string): string | undefined {
  const m = durationPattern.exec(duration);
  if (!m) return undefined;
  const parts = m
    .slice(1)
    .map((n, i) => (n === undefined || Number(n) === 0 ? '' : `${Number(n)} ${Number(n) === 1 ? units[i]![0] : units[i]![1]}`))
    .filter(Boolean);
  return parts.length === 0 ? 'genast' : parts.join(' och ');
}

export const targetLabels: Record<EscalationTarget, string> = { enhet: 'enheten', enhetschef: 'enhetschefen', sektorchef: 'sektorchefen', forvaltningschef: 'förvaltningschefen' };

/** How a label is inflected: "tid ändrad", "namn ändrat", "påminnelser ändrade". */
type Gender = 'n' | 't' | 'pl';
const labels: Record<string, [string, Gender]> = {
  title: ['rubrik', 'n'],
  duration: ['tid', 'n'],
  counting: ['räknesätt', 't'],
  owner: ['ansvarig enhet', 'n'],
  reminders: ['påminnelser', 'pl'],
  escalation: ['eskalering', 'n'],
  urgent: ['brådskande', 't'],
  legal: ['lagrum', 't'],
  source: ['källa', 'n'],
  citation: ['hänvisning', 'n'],
  every: ['intervall', 't'],
  name: ['namn', 't'],
  kind: ['typ', 'n'],
  email: ['e-post', 'n'],
  managerEmail: ['e-post till enhetschefen', 'n'],
  directorEmail: ['e-post till förvaltningschefen', 'n'],
  retired: ['avvecklad', 'n'],
  id: ['id', 't'],
  when: ['villkor', 't'],
  kinds: ['ärendetyper', 'pl'],
  vald: ['svar om våld', 't'],
  barnIHushallet: ['villkoret barn i hushållet', 't'],
  hedersrelaterat: ['villkoret hedersrelaterat våld', 't'],
  skyddadeUppgifter: ['villkoret skyddade personuppgifter', 't'],
  missbruk: ['villkoret missbruk', 't'],
  from: ['lämnande enhet', 'n'],
  units: ['enheter', 'pl'],
  organiser: ['kallande enhet', 'n'],
  instrument: ['instrument', 't'],
  after: ['tid efter fristen', 'n'],
  attendanceReminders: ['påminnelser före mötet', 'pl'],
  disclosureGrounds: ['grunder för utlämnande', 'pl'],
  label: ['beskrivning', 'n'],
  typ: ['typ', 'n'],
};
const verbs: Record<Difference['change'], Record<Gender, string>> = {
  andrad: { n: 'ändrad', t: 'ändrat', pl: 'ändrade' },
  tillagd: { n: 'tillagd', t: 'tillagt', pl: 'tillagda' },
  borttagen: { n: 'borttagen', t: 'borttaget', pl: 'borttagna' },
};

export interface Describer {
  /** Names a place in the rule set: "Förhandsbedömning", "tid" for rules.deadlines.barn.forhandsbedomning.duration. */
  place(path: string): { subject: string; detail: string; gender: Gender; last: string };
  value(value: unknown, key: string): string;
}

/** Words for the places and values of two rule sets (the older and the newer one: names are looked up in both). */
export function describer(sets: EditedSet[], unitName: (id: string) => string): Describer {
  const newest = [...sets].reverse();
  const find = <T>(pick: (set: EditedSet) => T | undefined) => newest.map(pick).find((v) => v !== undefined);
  const unitKeys = new Set(['owner', 'from', 'organiser', 'units', 'barn', 'vuxen', 'utovare']);

  function value(v: unknown, key: string): string {
    if (v === undefined || v === null) return 'inget';
    if (typeof v === 'boolean') return v ? 'ja' : 'nej';
    if (typeof v === 'number') return String(v);
    if (typeof v === 'string') {
      const words = durationWords(v);
      if (words) return `${words} (${v})`;
      if (key === 'to' && v in targetLabels) return targetLabels[v as EscalationTarget];
      if (unitKeys.has(key) || key === 'to') return unitName(v);
      if (key === 'kinds' && v in kindLabels) return kindLabels[v as CaseKind].toLowerCase();
      if (key === 'vald' && v in valdLabels) return valdLabels[v as keyof typeof valdLabels].toLowerCase();
      return v;
    }
    if (Array.isArray(v)) return v.length === 0 ? 'inga' : v.map((item) => value(item, key)).join(', ');
    const o = v as Record<string, unknown>;
    if (typeof o.name === 'string' && typeof o.id === 'string') return `${o.name} (${o.id})`;
    if (typeof o.title === 'string') return `”${o.title}”`;
    if (typeof o.to === 'string' && typeof o.after === 'string') return `${value(o.to, 'to')} ${durationWords(o.after) === 'genast' ? 'vid fristen' : `${value(o.after, 'after')} efter fristen`}`;
    if (typeof o.duration === 'string') return `${value(o.duration, 'duration')}, ${String(o.counting)}`;
    if (typeof o.label === 'string') return o.label;
    return Object.entries(o)
      .map(([k, item]) => `${labels[k]?.[0] ?? k}: ${value(item, k)}`)
      .join('; ');
  }

  function place(path: string) {
    const s = segmentsOf(path);
    const [root, area, key] = s;
    let subject = s.join(' › ');
    let rest: string[] = [];
    if (root === 'organisation') {
      if (area === 'units' && key !== undefined) {
        const unit = find((set) => set.organisation.units[Number(key)]);
        subject = `Enheten ${unit ? unit.name : key}`;
        rest = s.slice(3);
      } else if (area === 'sector') {
        subject = 'Sektorn';
        rest = s.slice(2).map((k) => (k === 'managerEmail' ? 'sektorchef' : k));
      } else {
        subject = 'Organisationen';
        rest = s.slice(1);
      }
    } else if (root === 'rules') {
      const own = (title: string | undefined, fallback: string, from: number) => {
        subject = title ?? fallback;
        rest = s.slice(from);
      };
      switch (area) {
        case 'deadlines':
          own(find((set) => set.rules.deadlines[key as keyof EditedSet['rules']['deadlines']]?.title), `Tidsfristen ${key}`, 3);
          break;
        case 'followUps':
          own(find((set) => set.rules.followUps[key!]?.title), `Uppföljningen ${key}`, 3);
          break;
        case 'triggers': {
          const title = find((set) => set.rules.triggers[Number(key)]?.title);
          own(title ? `Regeln ”${title}”` : undefined, `Regel nr ${Number(key) + 1}`, 3);
          break;
        }
        case 'insatsOwner':
          own(key && key in kindLabels ? `Ansvar för insatser (${kindLabels[key as CaseKind].toLowerCase()})` : undefined, 'Ansvar för insatser', 3);
          break;
        case 'reminders':
          own('Standardpåminnelser', '', 2);
          break;
        case 'escalation':
          own('Standardkedjan för eskalering', '', 2);
          break;
        case 'escalationDigest':
          own('Morgonsammanfattning av eskaleringar', '', 2);
          break;
        case 'timeZone':
          own('Tidszon', '', 2);
          break;
        case 'handovers': {
          const clocks: Record<string, string> = { acknowledge: 'Kvittens av överlämning', answer: 'Svar på kompletteringsbegäran' };
          if (key && clocks[key]) own(clocks[key], '', 3);
          else if (key === 'partnerGrounds') own(`Lagstöd för ${unitName(s[3] ?? '')}`, '', 4);
          else own('Överlämningar', '', 2);
          break;
        }
        case 'meetings':
          if (key === 'tasks') own('Mötesuppgifter', '', 3);
          else own('Planeringsmöten', '', 2);
          break;
        case 'disputes':
          if (key === 'decision') own('Beslut i tvist', '', 3);
          else own('Tvister', '', 2);
          break;
      }
    }
    // "timing" is the clock of a rule: its fields are the rule's own words.
    const words = rest.filter((k) => k !== 'timing');
    const parts: string[] = [];
    let gender: Gender = 'n';
    let last = '';
    words.forEach((k, i) => {
      if (/^\d+$/.test(k)) {
        const previous = words[i - 1];
        parts.push(previous === 'escalation' ? `steg ${Number(k) + 1}` : `nr ${Number(k) + 1}`);
        gender = 'n';
        return;
      }
      const label = labels[k] ?? (k === 'to' ? (words.includes('escalation') ? ['mottagare', 'n'] : ['mottagande enhet', 'n']) : [k, 'n']);
      parts.push(label[0]);
      gender = label[1] as Gender;
      last = k;
    });
    return { subject, detail: parts.join(', '), gender, last };
  }

  return { place, value };
}

/** One difference as a sentence. */
export function differenceSentence(d: Difference, words: Describer): string {
  const { subject, detail, gender, last } = words.place(d.path);
  const segments = segmentsOf(d.path);
  // A unit retired or taken into use again says so, not "avvecklad ändrad från nej till ja".
  if (segments[0] === 'organisation' && segments[1] === 'units' && last === 'retired' && segments.length === 4) {
    return d.to === true ? `${subject} avvecklas` : `${subject} tas i bruk igen`;
  }
  if (segments[0] === 'organisation' && segments[1] === 'units' && segments.length === 3 && d.change === 'tillagd') return `Ny enhet: ${words.value(d.to, '')}`;
  if (segments[0] === 'rules' && segments[1] === 'triggers' && segments.length === 3 && d.change === 'tillagd') return `Ny regel: ${words.value(d.to, '')}`;
  const what = detail ? `${subject}: ${detail}` : subject;
  const verb = verbs[d.change][detail ? gender : 'n'];
  if (d.change === 'andrad') return `${what} ${verb} från ${words.value(d.from, last)} till ${words.value(d.to, last)}`;
  if (d.change === 'tillagd') return `${what} ${verb}: ${words.value(d.to, last)}`;
  return `${what} ${verb} (var ${words.value(d.from, last)})`;
}

/** A path for a message that has no field in the form: "Kvittens av överlämning, tid". */
export function placeWords(path: string, words: Describer): string {
  const { subject, detail } = words.place(path);
  return detail ? `${subject}, ${detail}` : subject;
}
