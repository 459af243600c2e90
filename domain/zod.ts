// The one zod import of the project: error messages a user reads are Swedish.
// Safe in workflow code (pure JavaScript, no Node built-ins).
import { z } from 'zod';

z.config(z.locales.sv());

export { z };

/** ISO-8601 duration such as P14D, P4M, PT2H or PT10S (no fractions, no negative values). */
export const isoDuration = z
  .string()
  .regex(/^P(?!$)(\d+Y)?(\d+M)?(\d+W)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+S)?)?$/, {
    message: 'Ogiltig ISO-8601-varaktighet (till exempel P14D, P4M, PT2H)',
  });

/** A timestamp with offset, as sent over the API and stored in workflow state. */
export const isoTimestamp = z.iso.datetime({ offset: true, message: 'Ogiltig tidpunkt (ISO-8601 med tidszon)' });

/** A short identifier of a unit, a rule or an insats: lower case letters, digits, dash and underscore. */
export const slug = z.string().regex(/^[a-z][a-z0-9_-]{1,39}$/, { message: 'Ogiltig identifierare' });

/** Formats a zod error as "field: reason" lines, the shape every API error uses. */
export function describeIssues(error: z.ZodError): { field: string; message: string }[] {
  return error.issues.map((issue) => ({
    field: issue.path.length > 0 ? issue.path.join('.') : '(hela objektet)',
    message: issue.message,
  }));
}
