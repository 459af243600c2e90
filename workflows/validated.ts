// Update validators refuse bad input before anything is written to history.
import { caseFailure } from '../domain/failures';
import { describeIssues, type z } from '../domain/zod';

/** Parses an Update's argument, or refuses it with the field and the reason in Swedish. */
export function validated<T extends z.ZodType>(schema: T, raw: unknown): z.infer<T> {
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const [issue] = describeIssues(parsed.error);
    throw caseFailure('OGILTIG_UPPGIFT', `${issue!.field}: ${issue!.message}`, issue!.field);
  }
  return parsed.data;
}
