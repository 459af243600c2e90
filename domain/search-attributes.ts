// Search attributes that make cases findable in Temporal's visibility. The local dev server
// registers them at start (infra/temporal-dev-server.ts); a production cluster needs the same.
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

export const CaseRefAttr = defineSearchAttributeKey('SamverkanCaseRef', SearchAttributeType.KEYWORD);
export const CaseKindAttr = defineSearchAttributeKey('SamverkanCaseKind', SearchAttributeType.KEYWORD);
export const PhaseAttr = defineSearchAttributeKey('SamverkanPhase', SearchAttributeType.KEYWORD);
export const UnitsAttr = defineSearchAttributeKey('SamverkanUnits', SearchAttributeType.KEYWORD_LIST);
/** Units that have an open task on the case: the task list asks for these. */
export const WaitingUnitsAttr = defineSearchAttributeKey('SamverkanWaitingUnits', SearchAttributeType.KEYWORD_LIST);
export const NextDeadlineAttr = defineSearchAttributeKey('SamverkanNextDeadline', SearchAttributeType.DATETIME);
export const OverdueAttr = defineSearchAttributeKey('SamverkanOverdue', SearchAttributeType.BOOL);

// ---- Handovers, meetings and disputes: what the stuck list asks for ----

/** overlamning, planeringsmote or tvist. */
export const ItemKindAttr = defineSearchAttributeKey('SamverkanItemKind', SearchAttributeType.KEYWORD);
/** What is waited for: kvittens, komplettering, bokning, deltagande, mote, uppgift, beslut. */
export const WaitingForAttr = defineSearchAttributeKey('SamverkanWaitingFor', SearchAttributeType.KEYWORD);
/** Since when the item has waited for it. */
export const WaitingSinceAttr = defineSearchAttributeKey('SamverkanWaitingSince', SearchAttributeType.DATETIME);
/** Highest escalation step sent for what is waited for (0: none). */
export const EscalationLevelAttr = defineSearchAttributeKey('SamverkanEscalationLevel', SearchAttributeType.INT);

export const allSearchAttributes = [
  CaseRefAttr,
  CaseKindAttr,
  PhaseAttr,
  UnitsAttr,
  WaitingUnitsAttr,
  NextDeadlineAttr,
  OverdueAttr,
  ItemKindAttr,
  WaitingForAttr,
  WaitingSinceAttr,
  EscalationLevelAttr,
];

/** Names as `temporal operator search-attribute create` and `server start-dev` spell the types. */
export const cliSearchAttributeTypes: Record<string, string> = {
  [SearchAttributeType.KEYWORD]: 'Keyword',
  [SearchAttributeType.KEYWORD_LIST]: 'KeywordList',
  [SearchAttributeType.DATETIME]: 'Datetime',
  [SearchAttributeType.BOOL]: 'Bool',
  [SearchAttributeType.INT]: 'Int',
};
