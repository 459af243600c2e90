// The contract of the case routes: opening, reading, acting, and the caller's task list.
// The case itself is the domain's schema.
import { CaseKind, Phase } from '../../domain/case';
import { z } from '../../domain/zod';

export { CaseActionSchema, CaseViewSchema, OpenCaseRequestSchema } from '../../domain/case';

/** An open task of one of the caller's units, in a case or one of its handovers, meetings or disputes. */
export const TaskItemSchema = z.object({
  caseRef: z.string(),
  /** The case, or the handover, meeting or dispute the task belongs to. */
  workflowId: z.string(),
  taskId: z.string(),
  title: z.string(),
  unit: z.string(),
  dueAt: z.string(),
  escalationLevel: z.number(),
  overdue: z.boolean(),
  /** Who in the unit holds the case: "mina" for them, "enhetens" for everyone else in the unit. */
  assignedTo: z.string().optional(),
});
export type TaskItem = z.infer<typeof TaskItemSchema>;

/**
 * `mina`: the tasks of the cases the caller holds; `alla` (default): the unit's. A page of
 * `limit` tasks, most urgent first; `cursor` is the previous page's `nextCursor`.
 */
export const TaskQuerySchema = z.object({
  vy: z.enum(['alla', 'mina']).default('alla'),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(2000).optional(),
});
export type TaskView = z.infer<typeof TaskQuerySchema>['vy'];
/** What `tasks()` takes: the route's query, or a web page's (limit 50 when left out). */
export type TaskQuery = Partial<z.infer<typeof TaskQuerySchema>>;

/** `nextCursor`: there is a next page, asked for with `cursor=<nextCursor>`. */
export const TaskListSchema = z.object({ tasks: z.array(TaskItemSchema), nextCursor: z.string().optional() });
export type TaskPage = z.infer<typeof TaskListSchema>;

/** The open cases the caller may see, newest opened first, with optional filters on phase and kind. */
export const CaseListQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(2000).optional(),
  fas: Phase.optional(),
  typ: CaseKind.optional(),
});
export type CaseListQuery = Partial<z.infer<typeof CaseListQuerySchema>>;

/** A case as the list shows it: its search attributes, no query to the case. */
export const CaseListItemSchema = z.object({
  caseRef: z.string(),
  kind: z.string(),
  phase: z.string(),
  /** The units involved in the case. */
  units: z.array(z.string()),
  /** The units with an open task in it. */
  waitingUnits: z.array(z.string()),
  /** The earliest open deadline of any unit. */
  nextDeadline: z.string().nullable(),
  /** Some deadline has been missed (and escalated). */
  overdue: z.boolean(),
  /** When the case's workflow started. */
  openedAt: z.string(),
});
export type CaseListItem = z.infer<typeof CaseListItemSchema>;

export const CaseListSchema = z.object({ cases: z.array(CaseListItemSchema), nextCursor: z.string().optional() });
export type CaseListPage = z.infer<typeof CaseListSchema>;
