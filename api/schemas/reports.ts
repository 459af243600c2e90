// The contract of the reports: the period and unit asked for, and each report's tables, hidden
// figures as text ("<5", "×") with a null value, and the indicators against their goals.
import { GoalDraftSchema, GoalSchema, indicatorIds, reportIds } from '../../domain/reports';
import { slug, z } from '../../domain/zod';

const date = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, { message: 'Ogiltigt datum (ÅÅÅÅ-MM-DD)' });

export const ReportQuerySchema = z.object({ fran: date.optional(), till: date.optional(), enhet: slug.optional() });
export const ReportParamsSchema = z.object({ rapport: z.enum(reportIds, { error: `Okänd rapport. Möjliga: ${reportIds.join(', ')}` }) });

const Figure = z.object({ id: z.string(), value: z.number().nullable(), text: z.string() });
const Row = z.object({ label: z.string(), cells: z.array(Figure), total: Figure, extra: z.record(z.string(), z.number().nullable()).optional() });
const Column = z.object({ key: z.string(), label: z.string() });
export const ShownTableSchema = z.object({
  id: z.string(),
  title: z.string(),
  rowTitle: z.string(),
  columns: z.array(Column),
  rows: z.array(Row.extend({ key: z.string() })),
  totals: Row,
  extraColumns: z.array(Column).optional(),
  byUnit: z.boolean().optional(),
});

export const ReportResultSchema = z.object({
  period: z.object({ fran: z.string(), till: z.string(), timeZone: z.string() }),
  enhet: z.string().optional(),
  goals: z.object({ version: z.number(), createdAt: z.string(), createdBy: z.string() }),
  reports: z.array(
    z.object({
      id: z.enum(reportIds),
      title: z.string(),
      tables: z.array(ShownTableSchema),
      indicators: z.array(
        z.object({
          indikator: z.enum(indicatorIds),
          title: z.string(),
          target: z.number().nullable(),
          actual: z.number().nullable(),
          met: z.boolean().nullable(),
          trend: z.array(z.object({ month: z.string(), share: z.number().nullable() })),
          table: ShownTableSchema,
        }),
      ),
    }),
  ),
});

export const GoalVersionSchema = z.object({ version: z.number(), goals: z.array(GoalSchema), createdBy: z.string(), createdAt: z.string(), reason: z.string() });
export const GoalsSchema = z.object({ current: GoalVersionSchema, history: z.array(GoalVersionSchema) });
export { GoalDraftSchema };
