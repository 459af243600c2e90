// The shapes of the Updates' arguments, which the workflows' validators parse before anything is
// written to history: a client that reaches Temporal without the API is refused with the field
// and the reason, as the API would refuse it. The only zod that runs in workflow code, and only
// in validators (never on replay, never on a workflow's input or a whole rule set).
import { ActorSchema, CaseActionSchema, type ActionRequest } from './case';
import type { DecideDispute, RaiseDispute } from './dispute';
import { DecideDisputeRequestSchema, RaiseDisputeRequestSchema } from './dispute';
import { HandoverContentSchema, HandoverResponseSchema, LegalGroundSchema, type HandoverResponseRequest, type StartHandover } from './handover';
import { MeetingActionSchema, type MeetingActionRequest } from './meeting';
import type { ChangeRules } from './rule-change';
import { caseFailure } from './failures';
import { describeIssues, slug, z } from './zod';

/** Parses an Update's argument, or refuses it with the field and the reason in Swedish. */
export function parseUpdateArgument<T>(schema: z.ZodType<T>, raw: unknown): T {
  const parsed = schema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const [issue] = describeIssues(parsed.error);
  throw caseFailure('OGILTIG_UPPGIFT', `${issue!.field}: ${issue!.message}`, issue!.field);
}

/** Why a rule set changes, or why a case is moved to another version: kept on record. */
export const ChangeReason = z.string().trim().min(5, { message: 'Ange varför regelverket ändras (minst 5 tecken)' }).max(1000);

export const ActionRequestSchema: z.ZodType<ActionRequest> = z.object({ actor: ActorSchema, action: CaseActionSchema });

export const StartHandoverSchema: z.ZodType<StartHandover> = z.object({
  actor: ActorSchema,
  till: slug,
  receiverKind: z.enum(['intern', 'extern']),
  innehall: HandoverContentSchema,
  rattsligGrund: LegalGroundSchema.optional(),
});

export const RaiseDisputeSchema: z.ZodType<RaiseDispute> = RaiseDisputeRequestSchema.extend({ actor: ActorSchema });

/** The rule set itself was parsed by the rule store; the validator looks at its version only. */
export const ChangeRulesSchema = z.object({
  actor: ActorSchema,
  rules: z.looseObject({ version: z.int().positive() }),
  reason: ChangeReason,
}) as unknown as z.ZodType<ChangeRules>;

export const HandoverResponseRequestSchema: z.ZodType<HandoverResponseRequest> = z.object({
  actor: z.union([ActorSchema, z.object({ sub: z.literal('kvittenslank'), role: z.literal('extern'), unit: slug })]),
  response: HandoverResponseSchema,
});

export const MeetingActionRequestSchema: z.ZodType<MeetingActionRequest> = z.object({ actor: ActorSchema, action: MeetingActionSchema });

export const DecideDisputeSchema: z.ZodType<DecideDispute> = DecideDisputeRequestSchema.extend({ actor: ActorSchema });
