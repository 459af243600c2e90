// Every case action, one module each. Adding an action to CaseActionSchema (domain/case.ts)
// without a module here is a type error.
import type { CaseActionTable } from './action';
import { andraFakta } from './andra-fakta';
import { taArende } from './ta-arende';
import { tilldela } from './tilldela';
import { medfoljandeArendeOppnat } from './medfoljande-arende-oppnat';
import { kontaktVardnadshavare } from './kontakt-vardnadshavare';
import { skyddOrdnat } from './skydd-ordnat';
import { rapportUtforare } from './rapport-utforare';
import { aterkallaSamtycke } from './aterkalla-samtycke';
import { avslutaArende } from './avsluta-arende';
import { avslutaInsats } from './avsluta-insats';
import { avslutaUtredning } from './avsluta-utredning';
import { beslutaInsats } from './besluta-insats';
import { erbjudande } from './erbjudande';
import { forhandsbedomning } from './forhandsbedomning';
import { forlangUtredning } from './forlang-utredning';
import { riskbedomning } from './riskbedomning';
import { samtycke } from './samtycke';
import { skyddsbedomning } from './skyddsbedomning';
import { uppfoljning } from './uppfoljning';

export const caseActions: CaseActionTable = {
  skyddsbedomning,
  forhandsbedomning,
  riskbedomning,
  erbjudande,
  forlang_utredning: forlangUtredning,
  avsluta_utredning: avslutaUtredning,
  besluta_insats: beslutaInsats,
  uppfoljning,
  avsluta_insats: avslutaInsats,
  avsluta_arende: avslutaArende,
  samtycke,
  aterkalla_samtycke: aterkallaSamtycke,
  andra_fakta: andraFakta,
  ta_arende: taArende,
  tilldela,
  medfoljande_arende_oppnat: medfoljandeArendeOppnat,
  skydd_ordnat: skyddOrdnat,
  kontakt_vardnadshavare: kontaktVardnadshavare,
  rapport_utforare: rapportUtforare,
};

export type { ActionPlan, ExtensionSpec, PlannedAction } from './action';
