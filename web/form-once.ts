// A form sent twice (a double click on "Skicka överlämningen", a reload of the answer) is done
// once: every form carries a one-time key (`_engang`, components.tsx PostForm), claimed in the
// same store as the API's Idempotency-Key before the handler runs. The second post waits for the
// first and is sent where the first was; the same key with other content is refused.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ApiError } from '../api/errors';
import { bodyHash } from '../api/idempotency';
import type { IdempotencyRequest, IdempotencyStore } from '../infra/idempotency-store';

declare module 'fastify' {
  interface FastifyRequest {
    formOnce: { request: IdempotencyRequest; claim: string } | null;
  }
}

/** The hidden field with a form's one-time key. */
export const formKeyField = '_engang';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function formRequest(request: FastifyRequest): IdempotencyRequest | undefined {
  const body = request.body as Record<string, unknown> | undefined;
  const key = body?.[formKeyField];
  if (typeof key !== 'string' || !/^[0-9a-f-]{36}$/.test(key)) return undefined;
  // What the user filled in: not the tokens around it.
  const { _csrf: _token, [formKeyField]: _key, ...content } = body!;
  return { caller: request.caller.sub, key: `webb:${key}`, route: `POST ${request.url.split('?')[0]}`, bodyHash: bodyHash(content) };
}

/** Adds the hooks to the signed-in pages' context, after the session and the role check. */
export function registerFormOnce(app: FastifyInstance, store: IdempotencyStore, waitMs = 15_000): void {
  app.decorateRequest('formOnce', null);
  app.addHook('preHandler', async (request, reply) => {
    if (request.method !== 'POST') return;
    const once = formRequest(request);
    if (!once) return;
    for (const until = Date.now() + waitMs; Date.now() < until; await sleep(200)) {
      const claim = await store.claim(once);
      switch (claim.kind) {
        case 'claimed':
          request.formOnce = { request: once, claim: claim.claim };
          return;
        case 'replay':
          // Done before: where the first post was sent.
          return reply.redirect(claim.answer.body, 303);
        case 'mismatch':
          throw new ApiError(409, 'NYCKEL_ANVAND', 'Formuläret har redan skickats med annat innehåll; ladda om sidan och fyll i det igen');
        case 'in_flight':
          // The first post is still being done: its answer is this one's too.
          continue;
      }
    }
    throw new ApiError(409, 'PAGAR', 'Formuläret skickas redan; vänta en stund och ladda om sidan');
  });
  app.addHook('onSend', async (request, reply, payload) => {
    const once = request.formOnce;
    if (!once) return payload;
    request.formOnce = null;
    const location = reply.getHeader('location');
    try {
      // Done (a redirect to the result): kept. Not done (the form again with its errors): let go.
      if (reply.statusCode === 303 && typeof location === 'string') await store.complete(once.request, once.claim, { status: 303, body: location, contentType: 'text/plain; charset=utf-8' });
      else await store.release(once.request, once.claim);
    } catch (error) {
      request.log.error({ err: error }, 'form once: the answer could not be stored');
    }
    return payload;
  });
}
