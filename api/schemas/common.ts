// Shapes every API area shares: the one error answer, the bearer requirement in the OpenAPI
// document, and the case reference in the address.
import { CaseRef } from '../../domain/case';
import { z } from '../../domain/zod';

export const ErrorResponse = z.object({
  error: z.object({ code: z.string(), message: z.string(), fields: z.array(z.object({ field: z.string(), message: z.string() })) }),
});

export const errorResponses = { 400: ErrorResponse, 401: ErrorResponse, 403: ErrorResponse, 404: ErrorResponse, 409: ErrorResponse };

/** The routes that need a token say so in the OpenAPI document. */
export const secured = { security: [{ bearer: [] }] };

export const CaseRefParams = z.object({ caseRef: CaseRef });
