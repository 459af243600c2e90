// An överlämning: structured information from one unit to another unit or an external
// partner, acknowledged by the receiver. Every field that matters is required.
import { DeadlineSchema, type Actor } from './case';
import { HandoverStatus } from './child-status';
import { ValdAnswer } from './facts';
import type { ClockRules, Rules } from './rules';
import { isoTimestamp, slug, z } from './zod';

const date = z.iso.date({ message: 'Ogiltigt datum (ÅÅÅÅ-MM-DD)' });

export const RiskAssessmentStateSchema = z
  .object({
    status: z.enum(['ej_gjord', 'pagar', 'gjord']),
    instrument: z.enum(['FREDA', 'PATRIARK', 'annat']).optional(),
    datum: date.optional(),
  })
  .superRefine((risk, ctx) => {
    if (risk.status !== 'ej_gjord' && !risk.instrument) {
      ctx.addIssue({ code: 'custom', path: ['instrument'], message: 'Ange vilket instrument riskbedömningen görs med' });
    }
    if (risk.status === 'gjord' && !risk.datum) {
      ctx.addIssue({ code: 'custom', path: ['datum'], message: 'Ange när riskbedömningen gjordes' });
    }
  });

/** What the receiving side learns about the family: shown to it only once it has kvitterat. */
export const HandoverContentSchema = z.object({
  /** The audits' failure: a unit started family treatment without being told of violence. */
  vald: ValdAnswer,
  riskbedomning: RiskAssessmentStateSchema,
  barn: z
    .object({ iHushallet: z.boolean(), antal: z.int().min(0).max(20) })
    .refine((barn) => barn.iHushallet === barn.antal > 0, { message: 'Antal barn ska vara 0 om inga barn finns i hushållet, annars minst 1', path: ['antal'] }),
  skyddadeUppgifter: z.enum(['nej', 'sekretessmarkering', 'skyddad_folkbokforing']),
  hedersrelaterat: z.boolean(),
  /** Interpreter needs. A relative never interprets; the receiver is told so. */
  tolk: z
    .object({ behovs: z.boolean(), sprak: z.string().trim().min(2).max(40).optional() })
    .refine((tolk) => !tolk.behovs || Boolean(tolk.sprak), { message: 'Ange språk när tolk behövs', path: ['sprak'] }),
  /** What the receiving unit is asked to do, and by when. Visible before kvittens. */
  uppdrag: z.object({
    beskrivning: z.string().trim().min(5, { message: 'Beskriv vad den mottagande enheten ska göra' }).max(1000),
    insats: slug.optional(),
    senast: date,
  }),
  /** The sending contact, by role: never a name. */
  kontakt: z.object({ roll: z.enum(['handlaggare', 'enhetschef', 'samordnare']) }),
});
export type HandoverContent = z.infer<typeof HandoverContentSchema>;

/** Why information may leave the municipality: recorded consent, or a statutory ground. */
export const LegalGroundSchema = z.discriminatedUnion('typ', [
  z.object({ typ: z.literal('samtycke'), samtyckeId: z.string().regex(/^s\d+$/, { message: 'Ogiltigt samtyckes-id' }) }),
  z.object({ typ: z.literal('lagstod'), grund: slug }),
]);
export type LegalGround = z.infer<typeof LegalGroundSchema>;

/** What the API accepts to send a handover. */
export const HandoverRequestSchema = z.object({
  till: slug,
  innehall: HandoverContentSchema,
  rattsligGrund: LegalGroundSchema.optional(),
});
export type HandoverRequest = z.infer<typeof HandoverRequestSchema>;

/** The case workflow's Update argument: the API adds who asks and what kind the receiver is. */
export interface StartHandover {
  actor: Actor;
  till: string;
  receiverKind: 'intern' | 'extern';
  innehall: HandoverContent;
  rattsligGrund?: LegalGround;
}

/** The rules a handover uses: its own clocks and the case's defaults for reminders and escalation. */
export type HandoverRules = ClockRules & Pick<Rules, 'handovers'>;

export interface HandoverWorkflowInput {
  caseRef: string;
  handoverId: string;
  parentWorkflowId: string;
  fran: string;
  till: string;
  receiverKind: 'intern' | 'extern';
  innehall: HandoverContent;
  rattsligGrund?: LegalGround;
  sentBy: string;
  /** Handovers started before the slice was introduced hold the whole rule set: a superset. */
  rules: HandoverRules;
  protectedCase: boolean;
}

/** The receiver's answers and the sender's reply to a request for more information. */
export const HandoverResponseSchema = z.discriminatedUnion('typ', [
  z.object({ typ: z.literal('kvittera') }),
  z.object({ typ: z.literal('begar_komplettering'), fraga: z.string().trim().min(5, { message: 'Skriv vad som behöver kompletteras' }).max(1000) }),
  z.object({ typ: z.literal('avvisa'), skal: z.string().trim().min(10, { message: 'Ange skälet till att överlämningen avvisas (minst 10 tecken)' }).max(1000) }),
  z.object({ typ: z.literal('besvara_komplettering'), svar: z.string().trim().min(5, { message: 'Skriv svaret på begäran om komplettering' }).max(2000) }),
]);
export type HandoverResponse = z.infer<typeof HandoverResponseSchema>;

/** Who answers: a logged-in user, or an external partner through its single-use link. */
export type HandoverActor = Actor | { sub: 'kvittenslank'; role: 'extern'; unit: string };

export interface HandoverResponseRequest {
  actor: HandoverActor;
  response: HandoverResponse;
}

export const HandoverViewSchema = z.object({
  id: z.string(),
  workflowId: z.string(),
  caseRef: z.string(),
  fran: slug,
  till: slug,
  receiverKind: z.enum(['intern', 'extern']),
  status: HandoverStatus,
  sentAt: isoTimestamp,
  acknowledgedAt: isoTimestamp.optional(),
  closedAt: isoTimestamp.optional(),
  rattsligGrund: LegalGroundSchema.optional(),
  uppdrag: HandoverContentSchema.shape.uppdrag,
  kontakt: HandoverContentSchema.shape.kontakt,
  /** The family information: only for the sender, and for the receiver once it has kvitterat. */
  innehall: HandoverContentSchema.optional(),
  thread: z.array(z.object({ at: isoTimestamp, typ: z.string(), unit: slug, text: z.string().optional() })),
  tasks: z.array(DeadlineSchema),
});
export type HandoverView = z.infer<typeof HandoverViewSchema>;
