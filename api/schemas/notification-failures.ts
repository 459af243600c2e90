// The contract of the operators' alert list: notifications the mail server refused for good.
import { z } from '../../domain/zod';

export const NotificationFailureSchema = z.object({
  /** The notification's key: the workflow and which alert of which deadline. */
  key: z.string(),
  recipient: z.string(),
  /** The unit the notification was about. */
  unit: z.string().optional(),
  /** The SMTP reply code (5xx). */
  code: z.number().int(),
  at: z.string(),
});
export type NotificationFailureItem = z.infer<typeof NotificationFailureSchema>;

export const NotificationFailuresSchema = z.object({ failures: z.array(NotificationFailureSchema) });
