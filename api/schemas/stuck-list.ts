// The contract of the stuck list: the filter in the query, the items waiting longest, and the counts per unit.
import { ChildKind } from '../../domain/child-status';
import { slug, z } from '../../domain/zod';

export const StuckFilterSchema = z.object({
  enhet: slug.optional(),
  niva: z.coerce.number().int().min(0).max(5).optional(),
  typ: ChildKind.optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  /** The previous page's `nextCursor`. */
  cursor: z.string().max(2000).optional(),
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

/** `total`: all stuck items of the filter; `nextCursor`: there is a next page. */
export const StuckListSchema = z.object({ total: z.number(), items: z.array(StuckItemSchema), nextCursor: z.string().optional() });
export type StuckListResult = z.infer<typeof StuckListSchema>;

/** Per unit the caller may see: how many items wait on it too long, how many past the deadline, the highest escalation. */
export const StuckCountSchema = z.object({ unit: z.string(), stuck: z.number(), overdue: z.number(), maxLevel: z.number() });
export type StuckCount = z.infer<typeof StuckCountSchema>;
export const StuckCountsSchema = z.object({ units: z.array(StuckCountSchema) });
