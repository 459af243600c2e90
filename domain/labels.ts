// Swedish words for the domain's identifiers that both the pages and the API's reports show.
import type { Aldersgrupp, CaseKind, Kon } from './facts';

export const kindLabels: Record<CaseKind, string> = {
  barn: 'Barn',
  vuxen: 'Våldsutsatt vuxen',
  utovare: 'Våldsutövare',
};

export const konLabels: Record<Kon, string> = { kvinna: 'Kvinna', man: 'Man', annat: 'Annat', okant: 'Okänt' };

export const aldersgruppLabels: Record<Aldersgrupp, string> = { '0-5': '0–5 år', '6-12': '6–12 år', '13-17': '13–17 år', '18-25': '18–25 år', '26-64': '26–64 år', '65+': '65 år eller äldre', okant: 'Okänd' };

/** Whose a lifecycle deadline is, in the words a title ends with: "Skyddsbedömning (barn)". */
export const deadlineKindWords: Record<CaseKind, string> = { barn: 'barn', vuxen: 'vuxen', utovare: 'våldsutövare' };

const insatsWords: Record<string, string> = {
  skyddat_boende: 'Skyddat boende',
  stodsamtal: 'Stödsamtal',
  rvt_stodsamtal: 'Stödsamtal hos relationsvåldsteamet',
  familjebehandling: 'Familjebehandling',
  manscentrum: 'Manscentrum',
  atv: 'Alternativ till våld',
};

/** An insats's kind (a slug of the rules) in words; one the words do not know, from its slug. */
export function insatsLabel(kind: string): string {
  const words = insatsWords[kind];
  if (words) return words;
  const plain = kind.replaceAll('_', ' ');
  return plain.charAt(0).toUpperCase() + plain.slice(1);
}
