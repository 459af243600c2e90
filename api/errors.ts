// One error shape for every answer that is not a success, with Swedish messages:
// { error: { code, message, fields? } }. Temporal failures are mapped by their typed code.
import { isGrpcServiceError, WorkflowNotFoundError, WorkflowUpdateRPCTimeoutOrCancelledError } from '@temporalio/client';
import { status as grpcStatus } from '@grpc/grpc-js';
import { ApplicationFailure } from '@temporalio/common';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { failureStatus, isFailureCode } from '../domain/failures';
import { isDatabaseUnavailable } from '../infra/database';

export interface FieldError {
  field: string;
  message: string;
}

export class ApiError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
    readonly fields: FieldError[] = [],
  ) {
    super(message);
  }
}

export const notFound = () => new ApiError(404, 'HITTADES_INTE', 'Ärendet finns inte eller så saknar du behörighet till det');

/** A page cursor (`cursor`) that this API did not hand out, or that no longer fits. */
export const invalidCursor = () =>
  new ApiError(400, 'OGILTIG_UPPGIFT', 'Ogiltig sidmarkör; hämta listan från första sidan igen', [{ field: 'cursor', message: 'Ogiltig sidmarkör' }]);

/** A refusal: the caller is known but may not do this. */
/** The answer was "no such case" (or not for this caller): anything else, such as Temporal being down, is not. */
export const isNotFound = (error: unknown): boolean => error instanceof ApiError && error.statusCode === 404;

export const forbidden = (message: string) => new ApiError(403, 'EJ_BEHORIG', message);

const caseClosed = () => new ApiError(409, 'FEL_FAS', 'Ärendet är avslutat och kan inte ändras');

/**
 * For an Update to a case the caller has just read: a case that is not found a moment later has
 * closed in between (the server's answer then varies with how far the closing has come).
 */
export function fromCaseUpdate(error: unknown): ApiError | undefined {
  return error instanceof WorkflowNotFoundError ? caseClosed() : fromTemporal(error);
}

/** The Update found no running case: it has completed, or there never was one. */
export function isCaseGone(error: unknown): boolean {
  return error instanceof WorkflowNotFoundError || /workflow execution already completed/i.test((error as Error | undefined)?.message ?? '');
}

/** Maps what Temporal answered to an ApiError, or returns undefined when it is not ours. */
export function fromTemporal(error: unknown): ApiError | undefined {
  // An Update to a case that has just completed comes back as "not found" with this message.
  if (/workflow execution already completed/i.test((error as Error | undefined)?.message ?? '')) return caseClosed();
  if (error instanceof WorkflowNotFoundError) return notFound();
  // A typed failure may come from the workflow itself or from an activity it ran.
  for (let cause: unknown = error; cause instanceof Error; cause = cause.cause) {
    if (cause instanceof ApplicationFailure && isFailureCode(cause.type)) {
      const field = (cause.details?.[0] as { field?: string } | undefined)?.field;
      return new ApiError(failureStatus[cause.type], cause.type, cause.message, field ? [{ field, message: cause.message }] : []);
    }
  }
  return undefined;
}

/** Temporal could not be reached or did not answer within the request's deadline (api/temporal-calls.ts). */
export function isTemporalUnavailable(error: unknown): boolean {
  for (let cause: unknown = error; cause instanceof Error; cause = cause.cause) {
    if (cause instanceof WorkflowUpdateRPCTimeoutOrCancelledError) return true;
    if (isGrpcServiceError(cause) && (cause.code === grpcStatus.UNAVAILABLE || cause.code === grpcStatus.DEADLINE_EXCEEDED)) return true;
  }
  return false;
}

export function fromTemporalUnavailable(error: unknown): ApiError | undefined {
  return isTemporalUnavailable(error) ? new ApiError(503, 'TJANST_OTILLGANGLIG', 'Ärendemotorn svarar inte just nu; försök igen om en stund') : undefined;
}

/** The database could not be reached or did not answer in time: 503, try again (ApiError), or undefined. */
export function fromDatabase(error: unknown): ApiError | undefined {
  return isDatabaseUnavailable(error) ? new ApiError(503, 'TJANST_OTILLGANGLIG', 'Databasen svarar inte just nu; försök igen om en stund') : undefined;
}

export function errorHandler(error: FastifyError, request: FastifyRequest, reply: FastifyReply) {
  if (hasZodFastifySchemaValidationErrors(error)) {
    const fields = error.validation.map((issue) => ({
      field: issue.instancePath.replace(/^\//, '').replaceAll('/', '.') || (error.validationContext ?? 'body'),
      message: issue.message,
    }));
    const where = { body: 'innehållet', params: 'adressen', querystring: 'frågan', headers: 'huvudena' }[error.validationContext ?? 'body'] ?? 'förfrågan';
    return reply.code(400).send({
      error: { code: 'OGILTIG_UPPGIFT', message: `Ogiltiga uppgifter i ${where}: ${fields.map((f) => `${f.field}: ${f.message}`).join('; ')}`, fields },
    });
  }
  const apiError = error instanceof ApiError ? error : (fromTemporal(error) ?? fromTemporalUnavailable(error) ?? fromDatabase(error));
  if (apiError) {
    if (apiError.statusCode === 503) request.log.warn({ err: error }, 'dependency unavailable');
    return reply.code(apiError.statusCode).send({ error: { code: apiError.code, message: apiError.message, fields: apiError.fields } });
  }
  if (error.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || error.code === 'FST_ERR_CTP_EMPTY_JSON_BODY') {
    // Not JSON, or JSON with a forbidden key such as __proto__: the fault is the body as a whole.
    const message = 'Innehållet är inte giltig JSON';
    return reply.code(400).send({ error: { code: 'OGILTIG_UPPGIFT', message, fields: [{ field: 'body', message }] } });
  }
  if (error.statusCode === 415) {
    return reply.code(415).send({ error: { code: 'FEL_FORMAT', message: 'Innehållet måste skickas som application/json', fields: [] } });
  }
  if (error.statusCode === 413) {
    return reply.code(413).send({ error: { code: 'FOR_STORT', message: 'Innehållet är för stort', fields: [] } });
  }
  if (error.statusCode === 429) {
    return reply.code(429).send({ error: { code: 'FOR_MANGA_FORSOK', message: 'För många förfrågningar; vänta en stund och försök igen', fields: [] } });
  }
  // Any other fault in the request itself (a malformed header, a wrong length): the client's, not ours.
  if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) {
    return reply.code(error.statusCode).send({ error: { code: 'OGILTIG_FORFRAGAN', message: 'Förfrågan kunde inte tolkas', fields: [] } });
  }
  request.log.error({ err: error }, 'unhandled error');
  return reply.code(500).send({ error: { code: 'INTERNT_FEL', message: 'Ett internt fel inträffade; försök igen om en stund', fields: [] } });
}
