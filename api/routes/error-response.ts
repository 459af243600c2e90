// The one error shape every route answers with.
import { z } from '../../domain/zod';

export const ErrorResponse = z.object({
  error: z.object({ code: z.string(), message: z.string(), fields: z.array(z.object({ field: z.string(), message: z.string() })) }),
});

export const errorResponses = { 400: ErrorResponse, 401: ErrorResponse, 403: ErrorResponse, 404: ErrorResponse, 409: ErrorResponse };
