// Requests that need Temporal while it is down or silent answer 503 within seconds instead of
// hanging: the API's gRPC calls give up after a few quick retries, and every HTTP request's
// Temporal calls share one deadline. What Temporal then answers is mapped in api/errors.ts.
import { defaultGrpcRetryOptions, makeGrpcRetryInterceptor, type Connection, type ConnectionOptions } from '@temporalio/client';
import type { FastifyInstance, RouteHandlerMethod } from 'fastify';

/** How long one HTTP request may wait for Temporal, all its calls together. */
export const temporalRequestDeadlineMs = 8_000;

/**
 * The API client's gRPC retries: five attempts over about two seconds (the SDK's default is ten
 * over about twenty), enough for a server that restarts, short enough that a client hears at once.
 */
export const apiGrpcInterceptors: NonNullable<ConnectionOptions['interceptors']> = [makeGrpcRetryInterceptor(defaultGrpcRetryOptions({ maxAttempts: 5 }))];

/** Runs each route's handler, registered after this, under the request's Temporal deadline. */
export function boundTemporalCalls(app: FastifyInstance, connection: Pick<Connection, 'withDeadline'>, deadlineMs = temporalRequestDeadlineMs): void {
  app.addHook('onRoute', (route) => {
    const handler = route.handler as RouteHandlerMethod;
    route.handler = function (this: FastifyInstance, request, reply) {
      return connection.withDeadline(Date.now() + deadlineMs, async () => handler.call(this, request, reply));
    };
  });
}
