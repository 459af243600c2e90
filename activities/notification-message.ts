// The text of a notification. It says what is waiting, by when, and links to it; it carries
// no names, personal identity numbers, addresses or free text from the case.
import { DateTime } from 'luxon';
import type { EscalationTarget } from '../domain/rules';

export type NotificationKind = 'ny_uppgift' | 'paminnelse' | 'eskalering';

export interface NotificationInput {
  /** Stable key of this notification: the same key is never sent twice. */
  key: string;
  kind: NotificationKind;
  to: EscalationTarget;
  caseRef: string;
  unit: string;
  title: string;
  dueAt: string;
  citation: string;
  /** Skyddade personuppgifter: say even less than usual. */
  protectedCase: boolean;
}

export interface MessageContext {
  unitName: string;
  publicUrl: string;
  timeZone: string;
}

export function formatSwedishTime(iso: string, timeZone: string): string {
  return DateTime.fromISO(iso, { zone: timeZone }).setLocale('sv').toFormat("d MMMM yyyy 'kl.' HH:mm");
}

export function composeNotification(input: NotificationInput, ctx: MessageContext): { subject: string; text: string } {
  const what = input.protectedCase ? 'En uppgift i ett ärende med skyddade uppgifter' : input.title;
  const due = formatSwedishTime(input.dueAt, ctx.timeZone);
  const link = `${ctx.publicUrl.replace(/\/$/, '')}/cases/${encodeURIComponent(input.caseRef)}`;
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
  }
  const lines = [
    'Hej,',
    '',
    lead,
    '',
    `Vad: ${what}`,
    `Ansvarig enhet: ${ctx.unitName}`,
    `Senast: ${due}`,
    ...(input.protectedCase ? [] : [`Lagstöd: ${input.citation}`]),
    `Öppna i Samverkan: ${link}`,
    '',
    'Det här meddelandet innehåller inga uppgifter om personer. Logga in i Samverkan för att se ärendet.',
  ];
  return { subject, text: lines.join('\n') };
}
