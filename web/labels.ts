// Swedish words for the system's identifiers, in one place: every page says a thing the same way.
import type { Role } from '../api/roles';
import type { ChildKind, DisputeStatus, HandoverStatus, MeetingStatus } from '../domain/child-status';
import type { EscalationTarget } from '../domain/rules';

export { phaseLabels } from '../domain/lifecycle';
export { aldersgruppLabels, kindLabels, konLabels } from '../domain/labels';

export const roleLabels: Record<Role, string> = {
  handlaggare: 'Handläggare',
  enhetschef: 'Enhetschef',
  sektorchef: 'Sektorchef',
  samordnare: 'Samordnare',
};




export const valdLabels = { ja: 'Ja, våld är känt', misstanke: 'Misstanke om våld', nej: 'Nej', okant: 'Okänt än' } as const;

export const handoverStatusLabels: Record<HandoverStatus, string> = {
  skickad: 'Väntar på kvittens',
  komplettering_begard: 'Komplettering begärd',
  komplettering_besvarad: 'Komplettering besvarad',
  kvitterad: 'Kvitterad',
  avvisad: 'Avvisad',
  aterkallad: 'Återkallad',
};

export const meetingStatusLabels: Record<MeetingStatus, string> = {
  ej_bokat: 'Inte bokat',
  bokat: 'Bokat',
  hallet: 'Hållet',
  installd: 'Inställt',
};

export const disputeStatusLabels: Record<DisputeStatus, string> = {
  vantar_beslut: 'Väntar på beslut',
  avgjord: 'Avgjord',
  installd: 'Inställd',
};

export const itemKindLabels: Record<ChildKind, string> = {
  overlamning: 'Överlämning',
  planeringsmote: 'Planeringsmöte',
  tvist: 'Tvist',
};

export const waitingForLabels: Record<string, string> = {
  kvittens: 'kvittens',
  komplettering: 'svar på komplettering',
  bokning: 'bokning',
  deltagande: 'bekräftat deltagande',
  mote: 'att mötet hålls',
  uppgift: 'mötesuppgift',
  beslut: 'sektorchefens beslut',
};

const escalationTargets: Record<EscalationTarget, string> = { enhet: 'enheten', enhetschef: 'enhetschefen', sektorchef: 'sektorchefen', forvaltningschef: 'förvaltningschefen' };

/**
 * "Steg 2: eskalerad till enhetschefen", or "Eskalerad, steg 2" where only the step is known
 * (task lists and the stuck list carry the level, not the chain): the number is in words, so no
 * one must read a colour, and no chain is assumed.
 */
export function escalationLabel(level: number, to?: EscalationTarget): string {
  if (level === 0) return 'Ingen eskalering';
  return to ? `Steg ${level}: eskalerad till ${escalationTargets[to]}` : `Eskalerad, steg ${level}`;
}
