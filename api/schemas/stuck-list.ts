// The contract of the stuck list: the filter in the query and the items waiting longest.
import { ChildKind } from '../../domain/child-status';
import { slug, z } from '../../domain/zod';

export const StuckFilterSchema = z.object({
  enhet: slug.optional(),
  niva: z.coerce.number().int().min(0).max(5).optional(),
  typ: ChildKind.optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
});
export type StuckFilter = z.infer<typeof StuckFilterSchema>;

export const StuckItemSchema = z.object({
  caseRef: z.string(),
  kind: ChildKind,
  workflowId: z.string(),
  summary: z.string(),
  units: z.array(z.string()),
  waitingFor: z.string(),
  waitingUnits: z.array(z.string()),
  waitingSince: z.string(),
  dueAt: z.string().nullable(),
  overdue: z.boolean(),
  escalationLevel: z.number(),
  waitedHours: z.number(),
});
export type StuckItem = z.infer<typeof StuckItemSchema>;

export const StuckListSchema = z.object({ total: z.number(), items: z.array(StuckItemSchema) });
export type StuckListResult = z.infer<typeof StuckListSchema>;
