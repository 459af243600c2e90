// The Idempotency-Key header on every creating request, written once for the authenticated
// routes: a route that takes it says `config: { idempotent: true }`. The same key with the same
// body from the same caller gets the first answer again (status and body) and does nothing more;
// the same key with another body, or while the first is still being answered, gets 409. The key
// is claimed after authentication, validation and the role check, before the handler, and the
// answer is stored when it is sent (infra/idempotency-store.ts). A 5xx is not stored: the client
// may try again. Without the header a request is handled as it always was.
import { createHash } from 'node:crypto';
import type { PayloadCodec } from '@temporalio/common';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from '../domain/zod';
import type { IdempotencyRequest, IdempotencyStore } from '../infra/idempotency-store';
import { openText, sealText } from '../infra/payload-codec';
import { ApiError } from './errors';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The route takes an Idempotency-Key header (a creating POST). */
    idempotent?: boolean;
  }
  interface FastifyRequest {
    /** This request's key, while it is sent with one. */
    idempotency: IdempotencyState | null;
  }
}

interface IdempotencyState {
  request: IdempotencyRequest;
  /** The claim to complete when the answer is sent; none once it is stored or when replaying. */
  claim?: string;
}

export const idempotencyHeader = 'Idempotency-Key';

const description =
  'Med huvudet `Idempotency-Key` (1–200 skrivbara tecken, till exempel ett UUID) kan förfrågan skickas igen utan att göras två gånger: ' +
  'samma nyckel med samma innehåll från samma användare ger samma svar (status och innehåll) inom minst 24 timmar, ' +
  'samma nyckel med annat innehåll ger 409 `NYCKEL_ATERANVAND`, och medan den första förfrågan pågår ger samma nyckel 409 `PAGAR`. ' +
  'Ett svar 5xx sparas inte: förfrågan kan försökas igen med samma nyckel.';

/** Only what the OpenAPI document shows: the header is checked by the hook below, in Swedish. */
const IdempotencyHeaders = z.looseObject({
  'idempotency-key': z.string().optional().meta({ description: 'En nyckel som gör förfrågan säker att skicka igen (1–200 skrivbara tecken, till exempel ett UUID)' }),
});

const fieldError = (message: string, status: number, code: string) => new ApiError(status, code, message, [{ field: idempotencyHeader, message }]);
const invalidKey = () => fieldError('Idempotency-Key måste vara 1–200 skrivbara tecken (till exempel ett UUID)', 400, 'OGILTIG_UPPGIFT');
const reused = () => fieldError('Idempotency-Key har redan använts för en annan förfrågan; använd en ny nyckel för en ny förfrågan', 409, 'NYCKEL_ATERANVAND');
const inFlight = () => fieldError('En förfrågan med samma Idempotency-Key pågår; försök igen om en stund', 409, 'PAGAR');

/** JSON with every object's keys in order: the same body however its keys were written. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, item]) => item !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonicalJson(item)}`).join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

/** sha256 of the body's canonical JSON: what a key's request is compared by (also web/form-once.ts). */
export const bodyHash = (body: unknown) => createHash('sha256').update(canonicalJson(body)).digest('hex');

function keyOf(request: FastifyRequest): string | undefined {
  const header = request.headers['idempotency-key'];
  if (header === undefined) return undefined;
  // Printable ASCII, space to tilde (Node has joined a repeated header with ", ").
  if (typeof header !== 'string' || !/^[\x20-\x7e]{1,200}$/.test(header)) throw invalidKey();
  return header;
}

/** Adds the hooks to the authenticated routes' context, before their routes are registered. */
export function registerIdempotency(app: FastifyInstance, store: IdempotencyStore, codecs: readonly PayloadCodec[]): void {
  app.decorateRequest('idempotency', null);
  // Each idempotent route documents the header in the OpenAPI document.
  app.addHook('onRoute', (route) => {
    if (!route.config?.idempotent) return;
    route.schema = {
      ...route.schema,
      headers: IdempotencyHeaders,
      description: [route.schema?.description, description].filter(Boolean).join('\n\n'),
    };
  });
  // The key and the body as sent (before the schema fills in anything).
  app.addHook('preValidation', async (request) => {
    if (!request.routeOptions.config.idempotent) return;
    const key = keyOf(request);
    if (key === undefined) return;
    request.idempotency = {
      request: { caller: request.caller.sub, key, route: `${request.method} ${request.url.split('?')[0]}`, bodyHash: bodyHash(request.body) },
    };
  });
  // After the role check, before the handler: the key is this request's, or the answer is known.
  app.addHook('preHandler', async (request, reply) => {
    const state = request.idempotency;
    if (!state) return;
    const claim = await store.claim(state.request);
    switch (claim.kind) {
      case 'claimed':
        state.claim = claim.claim;
        return;
      case 'replay':
        await reply
          .code(claim.answer.status)
          .header('content-type', claim.answer.contentType)
          .header('idempotent-replayed', 'true')
          .send(await openText(codecs, claim.answer.body));
        return reply;
      case 'mismatch':
        throw reused();
      case 'in_flight':
        throw inFlight();
    }
  });
  app.addHook('onSend', async (request, reply, payload) => {
    const state = request.idempotency;
    const claim = state?.claim;
    if (!state || !claim) return payload;
    state.claim = undefined;
    try {
      const body = typeof payload === 'string' ? payload : Buffer.isBuffer(payload) ? payload.toString('utf8') : undefined;
      if (reply.statusCode >= 500 || body === undefined) await store.release(state.request, claim);
      // The answer may hold a handover's content: stored encrypted, as Temporal stores it.
      else await store.complete(state.request, claim, { status: reply.statusCode, body: await sealText(codecs, body), contentType: String(reply.getHeader('content-type') ?? 'application/json; charset=utf-8') });
    } catch (error) {
      // The answer goes out all the same; the claim lapses and a retry is then done again.
      request.log.error({ err: error }, 'idempotency: the answer could not be stored');
    }
    return payload;
  });
}
