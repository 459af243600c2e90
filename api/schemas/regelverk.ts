// The contract of the samordnare's rule routes: the rule set as data, its versions, what a new
// set would change, and moving cases. The organisation and the rules are the domain's schemas.
import { CaseRef } from '../../domain/case';
import { OrganisationSchema } from '../../domain/organisation';
import { ChangeReason, VersionInBody, VersionNumber } from '../../domain/rule-set';
import { RulesSchema } from '../../domain/rules';
import { z } from '../../domain/zod';

export const RuleSetSummarySchema = z.object({ version: z.number(), createdBy: z.string(), createdAt: z.string(), reason: z.string(), restoredFrom: z.number().optional() });
export const RuleSetVersionSchema = RuleSetSummarySchema.extend({ organisation: OrganisationSchema, rules: RulesSchema });
/** Every version, newest first. */
export const RuleSetHistorySchema = z.array(RuleSetSummarySchema);

export const RuleSetIssueSchema = z.object({ field: z.string(), message: z.string() });

export const DifferenceSchema = z.object({ path: z.string(), change: z.enum(['tillagd', 'borttagen', 'andrad']), from: z.unknown().optional(), to: z.unknown().optional() });
export type Difference = z.infer<typeof DifferenceSchema>;

export const OrganisationChangesSchema = z.object({
  added: z.array(z.string()),
  renamed: z.array(z.object({ id: z.string(), from: z.string(), to: z.string() })),
  retired: z.array(z.string()),
  reactivated: z.array(z.string()),
});
export type OrganisationChanges = z.infer<typeof OrganisationChangesSchema>;

export const VersionParams = z.object({ version: VersionNumber });
export const CompareQuery = z.object({ fran: VersionNumber, till: VersionNumber });

export const ComparisonSchema = z.object({ from: z.number(), to: z.number(), differences: z.array(DifferenceSchema), organisation: OrganisationChangesSchema });
export type Comparison = z.infer<typeof ComparisonSchema>;

/** Parsed by the service, so that every fault in the set is reported with its path at once. */
export const RuleSetBodySchema = z.object({ organisation: z.unknown(), rules: z.unknown() });
export type RuleSetBody = z.infer<typeof RuleSetBodySchema>;

export const ValidationSchema = z.object({ valid: z.boolean(), issues: z.array(RuleSetIssueSchema) });
export type Validation = z.infer<typeof ValidationSchema>;

/** What moving one open case to the proposed version would do. */
export const CaseEffectSchema = z.object({
  caseRef: z.string(),
  version: z.number(),
  movedDeadlines: z.array(z.object({ deadlineId: z.string(), title: z.string(), from: z.string(), to: z.string(), overdueAtOnce: z.boolean() })),
  newRequirements: z.array(z.string()),
  noLongerRequired: z.array(z.string()),
  /** Units of the case that the proposed version retires: they keep the case's work already given. */
  retiredUnits: z.array(z.string()),
  /** Gates (spärrar) the proposed version would hold in the case, by title, that its own version does not. */
  newGates: z.array(z.string()),
});
export type CaseEffect = z.infer<typeof CaseEffectSchema>;

export const DryRunSchema = z.object({
  valid: z.boolean(),
  issues: z.array(RuleSetIssueSchema),
  basedOn: z.number(),
  differences: z.array(DifferenceSchema),
  organisation: OrganisationChangesSchema,
  openCases: z.number(),
  affectedCases: z.array(CaseEffectSchema),
});
export type DryRun = z.infer<typeof DryRunSchema>;

export const ApplyRuleSetRequestSchema = RuleSetBodySchema.extend({ skal: ChangeReason, baseradPa: VersionInBody.optional() });
export type ApplyRuleSetRequest = z.infer<typeof ApplyRuleSetRequestSchema>;

export const RollbackRequestSchema = z.object({ version: VersionInBody, skal: ChangeReason });
export type RollbackRequest = z.infer<typeof RollbackRequestSchema>;

export const MoveCasesRequestSchema = z.object({ arenden: z.array(CaseRef).min(1).max(500), version: VersionInBody.optional(), skal: ChangeReason });
export type MoveCasesRequest = z.infer<typeof MoveCasesRequestSchema>;

export const MoveCasesResultSchema = z.object({
  version: z.number(),
  results: z.array(z.object({ caseRef: z.string(), moved: z.boolean(), error: z.object({ code: z.string(), message: z.string() }).optional() })),
});
export type MoveCasesResult = z.infer<typeof MoveCasesResultSchema>;
