// The text of a notification. It says what is waiting, by when, and links to it; it carries
// no names, personal identity numbers, addresses or free text from the case.
import { DateTime } from 'luxon';
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
  title: string;
  dueAt?: string;
  citation?: string;
  /** Skyddade personuppgifter: say even less than usual. */
  protectedCase: boolean;
  /** Whose enhetschef hears of a miss, when not the unit's own (an external partner has none). */
  managerUnit?: string;
  /** A handover an external partner confirms through a single-use link in this e-mail. */
  receiptFor?: string;
  /** A manager's escalation that waits for the next digest instead of going out alone. */
  digest?: boolean;
}

export interface MessageContext {
  unitName: string;
  publicUrl: string;
  timeZone: string;
  /** For an external partner: the link that confirms receipt, instead of a link into the system. */
  receiptUrl?: string;
}

export function formatSwedishTime(iso: string, timeZone: string): string {
  return DateTime.fromISO(iso, { zone: timeZone }).setLocale('sv').toFormat("d MMMM yyyy 'kl.' HH:mm");
}

export function composeNotification(input: NotificationInput, ctx: MessageContext): { subject: string; text: string } {
  const what = input.protectedCase ? 'En uppgift i ett ärende med skyddade uppgifter' : input.title;
  const due = input.dueAt ? formatSwedishTime(input.dueAt, ctx.timeZone) : '';
  const link = caseLink(input.caseRef, ctx.publicUrl);
  if (ctx.receiptUrl) return receiptNotice(input, ctx, due);
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
    ...(input.protectedCase || !input.citation ? [] : [`Lagstöd: ${input.citation}`]),
    `Öppna i Samverkan: ${link}`,
    '',
    'Det här meddelandet innehåller inga uppgifter om personer. Logga in i Samverkan för att se ärendet.',
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

/** One line of a manager's digest: what, where, by when, and the link. No case data. */
export function composeDigestLine(input: NotificationInput, ctx: MessageContext): string {
  const what = input.protectedCase ? 'En uppgift i ett ärende med skyddade uppgifter' : input.title;
  const due = input.dueAt ? `, skulle vara klar ${formatSwedishTime(input.dueAt, ctx.timeZone)}` : '';
  return `${what} hos ${ctx.unitName}${due}: ${caseLink(input.caseRef, ctx.publicUrl)}`;
}

function caseLink(caseRef: string, publicUrl: string): string {
  return `${publicUrl.replace(/\/$/, '')}/cases/${encodeURIComponent(caseRef)}`;
}
