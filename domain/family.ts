// The family (ärendegrupp): the adult victim's case, each child's case and the perpetrator's,
// linked so that every unit working with the family sees the others' steps as they happen. What
// a unit sees of another case of the family is a summary: its kind and phase, which unit holds
// which open step by when, the meetings held and the steps taken. Never their content (no facts,
// no assessments' outcomes, no free text), and nothing of a protected case to anyone who may not
// see it.
import { CaseKind, CaseRef, Phase } from './case';
import { isoTimestamp, slug, z } from './zod';

const reason = (what: string) =>
  z
    .string()
    .trim()
    .min(10, { message: `Ange varför ${what} (minst 10 tecken)` })
    .max(500, { message: 'Högst 500 tecken' });

/** Link another case into this case's family (a new family when neither is in one). */
export const LinkCaseRequestSchema = z.object({
  arende: CaseRef,
  skal: reason('ärendena hör till samma familj'),
});
export type LinkCaseRequest = z.infer<typeof LinkCaseRequestSchema>;

/** Take this case out of its family. */
export const UnlinkCaseRequestSchema = z.object({ skal: reason('ärendet inte hör till familjen') });
export type UnlinkCaseRequest = z.infer<typeof UnlinkCaseRequestSchema>;

/** A step taken in a case of the family, as the others see it: what, by which unit, when. */
export const FamilyStepSchema = z.object({ at: isoTimestamp, unit: slug, label: z.string() });

/** Another case of the family, as a summary. */
export const FamilyMemberSchema = z.object({
  caseRef: z.string(),
  kind: CaseKind,
  phase: Phase,
  /** The viewer may open the case itself (its unit works in it, or a manager above). */
  readable: z.boolean(),
  openSteps: z.array(z.object({ title: z.string(), unit: slug, dueAt: isoTimestamp, overdue: z.boolean() })),
  nextDeadline: isoTimestamp.nullable(),
  meetingsHeld: z.array(z.object({ title: z.string(), heldAt: isoTimestamp.optional() })),
  steps: z.array(FamilyStepSchema),
  linkedAt: isoTimestamp,
});
export type FamilyMember = z.infer<typeof FamilyMemberSchema>;

export const FamilyLinkEventSchema = z.object({
  at: isoTimestamp,
  type: z.enum(['lankad', 'avlankad']),
  caseRef: z.string(),
  by: z.string(),
  unit: slug,
  reason: z.string(),
});

export const FamilyViewSchema = z.object({
  /** Absent: the case is in no family. */
  familyId: z.string().nullable(),
  /** The family's other cases the viewer may know of (a protected case only to those who may see it). */
  members: z.array(FamilyMemberSchema),
  /** Links and unlinks of the cases listed here and of this case, with who and why. */
  history: z.array(FamilyLinkEventSchema),
});
export type FamilyView = z.infer<typeof FamilyViewSchema>;

/** A case step as another unit of the family reads it: the step, never its outcome. */
export const familyStepLabels: Record<string, string> = {
  oppnat: 'Ärendet öppnades',
  skyddsbedomning: 'Skyddsbedömning gjord',
  forhandsbedomning: 'Förhandsbedömning gjord',
  riskbedomning: 'Riskbedömning gjord',
  erbjudande: 'Erbjudande om stöd lämnat',
  forlang_utredning: 'Utredningstiden förlängd',
  avsluta_utredning: 'Utredningen avslutad',
  besluta_insats: 'Insats beslutad',
  uppfoljning: 'Insats följd upp',
  avsluta_insats: 'Insats avslutad',
  avsluta_arende: 'Ärendet avslutades',
  samtycke: 'Samtycke registrerat',
  aterkalla_samtycke: 'Samtycke återkallat',
  andra_fakta: 'Ärendets uppgifter ändrade',
  overlamning: 'Överlämning skickad',
  overlamning_kvitterad: 'Överlämning kvitterad',
  overlamning_avvisad: 'Överlämning avvisad',
  overlamning_komplettering_begard: 'Komplettering av överlämning begärd',
  overlamning_komplettering_besvarad: 'Komplettering av överlämning besvarad',
  overlamning_aterkallad: 'Överlämning återkallad',
  planeringsmote_bokat: 'Gemensamt planeringsmöte bokat',
  planeringsmote_hallet: 'Gemensamt planeringsmöte hållet',
  planeringsmote_installd: 'Gemensamt planeringsmöte inställt',
  tvist: 'Tvist väckt',
  tvist_avgjord: 'Tvist avgjord',
  tvist_installd: 'Tvist inställd',
  regelversion: 'Flyttad till en annan regelversion',
  medfoljande: 'Följer med en förälder: eget beslut krävs',
  medfoljande_arende_oppnat: 'Ärende öppnat för medföljande barn',
};
