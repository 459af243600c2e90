// The contract of the case routes: opening, reading, acting, and the caller's task list.
// The case itself is the domain's schema.
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

/** `mina`: the tasks of the cases the caller holds; `alla` (default): the unit's. */
export const TaskQuerySchema = z.object({ vy: z.enum(['alla', 'mina']).default('alla') });
export type TaskView = z.infer<typeof TaskQuerySchema>['vy'];

export const TaskListSchema = z.object({ tasks: z.array(TaskItemSchema) });
