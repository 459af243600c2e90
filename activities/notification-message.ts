// The text of a notification. It says which unit has what general kind of task, by when, and
// links to it; what the task is about is behind login. It carries no names, personal identity
// numbers, addresses or free text from the case, and no task title or legal citation either:
// those name the case's facts ("Överlämning till relationsvåldsteamet", "14 kap. 1 §: anmälan
// när ett barn kan behöva skydd"). An external partner's mail carries nothing of the case at
// all, not even its reference.
import { DateTime } from 'luxon';
import type { Deadline } from '../domain/case';
import type { EscalationTarget } from '../domain/rules';

/** A task announced, reminded or escalated; or a one-off notice (a decision, a withdrawal). */
export type NotificationKind = 'ny_uppgift' | 'paminnelse' | 'eskalering' | 'meddelande';

export interface NotificationInput {
  /** Stable key of this notification: the same key is never sent twice. */
  key: string;
  kind: NotificationKind;
  to: EscalationTarget;
  caseRef: string;
  unit: string;
  /** The deadline's key: the mail names only its general kind (`taskKinds`). */
  deadlineKey?: Deadline['key'];
  /** Sent by workflow code before 2026-12 (recorded histories hold it). Never put in a mail: it names the case's facts. */
  title?: string;
  dueAt?: string;
  /** The same for the legal citation. */
  citation?: string;
  /**
   * Skyddade personuppgifter. A mail already says nothing of the case, and a protected case's
   * mail is the same as any other's: a different wording would itself tell the case apart.
   */
  protectedCase: boolean;
  /** Whose enhetschef hears of a miss, when not the unit's own (an external partner has none). */
  managerUnit?: string;
  /** A handover an external partner confirms through a single-use link in this e-mail. */
  receiptFor?: string;
  /** An insats whose provider reports through a single-use link, when the provider is an external partner. */
  reportFor?: { workflowId: string; insatsId: string };
  /** A manager's escalation that waits for the next digest instead of going out alone. */
  digest?: boolean;
}

export interface MessageContext {
  unitName: string;
  publicUrl: string;
  timeZone: string;
  /** The mail goes to an external partner's own mailbox: no link into the system, no case reference. */
  partner?: boolean;
  /** For an external partner: the link that confirms receipt, instead of a link into the system. */
  receiptUrl?: string;
  /** For an external provider: the link to its report on the insats. */
  reportUrl?: string;
}

/**
 * What a mail says a task is: one general kind per deadline key, in words that say nothing about
 * violence, honour, children or protected identity. A child's and an adult's assessment read
 * alike. Typed by the key, so a new kind of deadline does not compile without its words.
 */
export const taskKinds: Record<Deadline['key'], string> = {
  'barn.skyddsbedomning': 'Bedömning att göra',
  'barn.forhandsbedomning': 'Bedömning att göra',
  'barn.utredning': 'Utredning',
  'vuxen.riskbedomning': 'Bedömning att göra',
  'vuxen.utredning': 'Utredning',
  'utovare.erbjudande': 'Erbjudande att lämna',
  uppfoljning: 'Uppföljning',
  overlamning: 'Överlämning att skicka',
  kvittens: 'Överlämning att kvittera',
  komplettering: 'Komplettering att besvara',
  planeringsmote: 'Möte att boka',
  deltagande: 'Deltagande att bekräfta',
  motesuppgift: 'Uppgift från möte',
  tvist: 'Tvist att avgöra',
  medfoljande: 'Beslut att fatta',
  medfoljande_arende: 'Ärende att öppna',
  utforare_start: 'Start att bekräfta',
  utforare_rapport: 'Rapport att lämna',
};

/** A task whose key the input does not give (a workflow that sends none). */
export const unknownTaskKind = 'Uppgift att göra';

/**
 * One-off notices, by the name their key ends in (`<workflow id>/<name>[.<unit>]`): fixed words
 * too, whatever title the workflow sends along.
 */
const notices: Record<string, string> = {
  aterkallad: 'En överlämning har återkallats',
  beslut: 'Sektorchefen har avgjort en tvist i ärendet',
};
const unknownNotice = 'Nytt meddelande i Samverkan';

/** The general kind of the task a notification is about, or the notice it gives. */
export function whatOf(input: Pick<NotificationInput, 'kind' | 'key' | 'deadlineKey'>): string {
  if (input.kind === 'meddelande') {
    const name = input.key.slice(input.key.lastIndexOf('/') + 1).split('.')[0]!;
    return Object.hasOwn(notices, name) ? notices[name]! : unknownNotice;
  }
  return input.deadlineKey && Object.hasOwn(taskKinds, input.deadlineKey) ? taskKinds[input.deadlineKey] : unknownTaskKind;
}

export function formatSwedishTime(iso: string, timeZone: string): string {
  return DateTime.fromISO(iso, { zone: timeZone }).setLocale('sv').toFormat("d MMMM yyyy 'kl.' HH:mm");
}

const footer = 'Det här meddelandet innehåller inga uppgifter om ärendet eller om personer. Logga in i Samverkan för att se vad uppgiften gäller.';

export function composeNotification(input: NotificationInput, ctx: MessageContext): { subject: string; text: string } {
  const due = input.dueAt ? formatSwedishTime(input.dueAt, ctx.timeZone) : '';
  if (ctx.receiptUrl) return receiptNotice(input, ctx, due);
  if (ctx.reportUrl) return reportNotice(input, ctx, due);
  if (ctx.partner) return partnerNotice(input, ctx, due);
  const what = whatOf(input);
  let subject: string;
  let lead: string;
  switch (input.kind) {
    case 'ny_uppgift':
      subject = `Ny uppgift för ${ctx.unitName}: ${what}`;
      lead = `${ctx.unitName} har fått en ny uppgift i Samverkan.`;
      break;
    case 'paminnelse':
      subject = `Påminnelse: ${what} senast ${due}`;
      lead = `Påminnelse: en uppgift för ${ctx.unitName} ska vara klar senast ${due}.`;
      break;
    case 'eskalering':
      subject =
        input.to === 'enhet'
          ? `Försenad: ${what} skulle vara klar ${due}`
          : `Eskalering till ${input.to === 'enhetschef' ? 'enhetschef' : 'sektorchef'}: försenad uppgift hos ${ctx.unitName}`;
      lead = `En uppgift för ${ctx.unitName} skulle ha varit klar ${due} och är inte klar.`;
      break;
    case 'meddelande':
      subject = `Samverkan: ${what}`;
      lead = `${what}.`;
      break;
  }
  const lines = [
    'Hej,',
    '',
    lead,
    '',
    `Vad: ${what}`,
    `Ansvarig enhet: ${ctx.unitName}`,
    ...(due && input.kind !== 'meddelande' ? [`Senast: ${due}`] : []),
    `Öppna i Samverkan: ${caseLink(input.caseRef, ctx.publicUrl)}`,
    '',
    footer,
  ];
  return { subject, text: lines.join('\n') };
}

/** To an external partner: that something arrived, by when to confirm, and the link. Nothing else. */
function receiptNotice(input: NotificationInput, ctx: MessageContext, due: string): { subject: string; text: string } {
  const subject = input.kind === 'ny_uppgift' ? 'Överlämning från socialtjänsten: bekräfta mottagandet' : `Påminnelse: bekräfta mottagen överlämning senast ${due}`;
  const lines = [
    'Hej,',
    '',
    `Socialtjänsten har lämnat över ett ärende till ${ctx.unitName}. Handläggaren kontaktar er på överenskommet, säkert sätt med uppgifterna.`,
    '',
    `Bekräfta att ni har tagit emot överlämningen senast ${due}:`,
    ctx.receiptUrl!,
    '',
    'Länken kan bara användas en gång och slutar gälla efter en tid. Den visar inga uppgifter om ärendet.',
  ];
  return { subject, text: lines.join('\n') };
}

/** To an external provider: report on the insats it performs, through the link. Nothing of the case. */
function reportNotice(input: NotificationInput, ctx: MessageContext, due: string): { subject: string; text: string } {
  const late = input.kind === 'eskalering';
  const subject = input.kind === 'ny_uppgift' ? 'Socialtjänsten ber om er rapport om en insats' : late ? `Försenad: rapport om en insats skulle ha lämnats ${due}` : `Påminnelse: rapport om en insats senast ${due}`;
  const lines = [
    'Hej,',
    '',
    `Socialtjänsten ber ${ctx.unitName} rapportera om en insats som ni utför: om den har startat, pågår, har avbrutits eller har avslutats. Senast ${due}.`,
    '',
    'Rapportera här:',
    ctx.reportUrl!,
    '',
    'Länken kan bara användas en gång och slutar gälla efter en tid. Den visar inga uppgifter om ärendet; skriv inga uppgifter om personer.',
  ];
  return { subject, text: lines.join('\n') };
}

/**
 * Anything else to an external partner (a withdrawn handover): partners have no login, so no
 * link into the system, and nothing that names the case.
 */
function partnerNotice(input: NotificationInput, ctx: MessageContext, due: string): { subject: string; text: string } {
  const withdrawn = input.kind === 'meddelande' && whatOf(input) === notices.aterkallad;
  if (withdrawn) {
    return {
      subject: 'Överlämning från socialtjänsten återkallad',
      text: [
        'Hej,',
        '',
        `Socialtjänsten har återkallat en överlämning till ${ctx.unitName}. Den väntar inte längre på er bekräftelse.`,
        '',
        'Det här meddelandet innehåller inga uppgifter om ärendet.',
      ].join('\n'),
    };
  }
  const what = whatOf(input);
  return {
    subject: `Meddelande från socialtjänsten till ${ctx.unitName}`,
    text: [
      'Hej,',
      '',
      `Socialtjänsten har ett meddelande till ${ctx.unitName}: ${what}${due && input.kind !== 'meddelande' ? `, senast ${due}` : ''}.`,
      'Handläggaren kontaktar er på överenskommet, säkert sätt med det ni behöver.',
      '',
      'Det här meddelandet innehåller inga uppgifter om ärendet.',
    ].join('\n'),
  };
}

/** One line of a manager's digest: what kind of task, where, by when, and the link. No case data. */
export function composeDigestLine(input: NotificationInput, ctx: MessageContext): string {
  const due = input.dueAt ? `, skulle vara klar ${formatSwedishTime(input.dueAt, ctx.timeZone)}` : '';
  return `${whatOf(input)} hos ${ctx.unitName}${due}: ${caseLink(input.caseRef, ctx.publicUrl)}`;
}

/** The case's page in the web app (web/pages/case.tsx): a link a person opens in a browser. */
function caseLink(caseRef: string, publicUrl: string): string {
  return `${publicUrl.replace(/\/$/, '')}/arenden/${encodeURIComponent(caseRef)}`;
}
