// Temporal's remote codec protocol, so that authorised staff can read the encrypted histories in
// the Temporal Web UI (and `temporal workflow show --codec-endpoint`): `POST /codec/decode` and
// `POST /codec/encode` take `{ payloads: [{ metadata, data }] }` with base64 fields and answer the
// same shape; `X-Namespace` names the namespace. The payloads go through the codecs of the API's
// own Temporal client, so the endpoint decodes exactly what the API and the workers encrypt.
//
// Decode is a read of everything: every free-text field of every case, handover, meeting and
// dispute in the namespace, with no unit check and no view log. Only the samordnare and the
// sektorchef may call it, and every call is logged with who made it.
import type { Payload, PayloadCodec } from '@temporalio/common';
import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from '../../domain/zod';
import { ApiError, forbidden } from '../errors';
import type { RouteAccess } from '../roles';
import { errorResponses, secured } from '../schemas/common';

export interface CodecEndpoint {
  /** The codecs, in the order they encode. */
  codecs: readonly PayloadCodec[];
  namespace: string;
  /** The Temporal Web UI's origin, when it calls from a browser on another origin (CODEC_CORS_ORIGIN). */
  corsOrigin?: string;
}

const base64 = z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/, { message: 'Ogiltig base64' });
const JsonPayloadSchema = z.object({ metadata: z.record(z.string(), base64).nullish(), data: base64.nullish() });
const PayloadsSchema = z.object({ payloads: z.array(JsonPayloadSchema).max(10_000) });
/** Protobuf JSON leaves an empty list out: the CLI sends `{}` for an event without payloads. */
const CodecBodySchema = z.object({ payloads: z.array(JsonPayloadSchema).max(10_000).default([]) });
const CodecHeadersSchema = z.object({ 'x-namespace': z.string().optional() });

const access: { access: RouteAccess } = { access: { roles: ['samordnare', 'sektorchef'], refusal: 'codec' } };
/** A payload may be up to 2 MB in Temporal; base64 makes it a third larger. */
const bodyLimit = 8 * 1024 * 1024;
const allowedHeaders = 'authorization, content-type, x-namespace';

function corsHeaders(reply: FastifyReply, origin: string): void {
  reply.header('Access-Control-Allow-Origin', origin);
  reply.header('Access-Control-Allow-Credentials', 'true');
  reply.header('Vary', 'Origin');
}

type JsonPayload = z.infer<typeof JsonPayloadSchema>;

/** A payload as the remote codec protocol writes it (proto3 JSON: bytes as base64) and back. */
function payloadFromJson(json: JsonPayload): Payload {
  const metadata = Object.fromEntries(Object.entries(json.metadata ?? {}).map(([key, value]) => [key, Buffer.from(value, 'base64')]));
  return { metadata, data: Buffer.from(json.data ?? '', 'base64') };
}

function payloadToJson(payload: Payload): { metadata: Record<string, string>; data: string } {
  const metadata = Object.fromEntries(Object.entries(payload.metadata ?? {}).map(([key, value]) => [key, Buffer.from(value ?? new Uint8Array()).toString('base64')]));
  return { metadata, data: Buffer.from(payload.data ?? new Uint8Array()).toString('base64') };
}

/** The codec routes: inside the authenticated scope, after the role check. */
export function codecRoutes(endpoint: CodecEndpoint): FastifyPluginAsyncZod {
  const run = async (direction: 'encode' | 'decode', payloads: JsonPayload[]) => {
    let converted: Payload[];
    try {
      converted = payloads.map(payloadFromJson);
      if (direction === 'encode') for (const codec of endpoint.codecs) converted = await codec.encode(converted);
      else for (const codec of [...endpoint.codecs].reverse()) converted = await codec.decode(converted);
    } catch (error) {
      throw new ApiError(400, 'OGILTIG_UPPGIFT', `Payloads kunde inte ${direction === 'encode' ? 'kodas' : 'avkodas'}: ${(error as Error).message}`);
    }
    return { payloads: converted.map(payloadToJson) };
  };

  return async (app) => {
    // Answers, refusals too, carry the CORS headers, so that the Web UI can show why.
    const { corsOrigin } = endpoint;
    if (corsOrigin) {
      app.addHook('onSend', async (request, reply) => {
        if (request.headers.origin === corsOrigin) corsHeaders(reply, corsOrigin);
      });
    }

    for (const direction of ['decode', 'encode'] as const) {
      app.post(`/codec/${direction}`, {
        bodyLimit,
        schema: {
          summary: direction === 'decode' ? 'Avkoda krypterade payloads ur Temporals historik (Temporal Web UI)' : 'Koda payloads som Temporal lagrar dem (Temporal Web UI)',
          description: 'Temporals protokoll för en fjärrkodare. Avkodning läser allt som ärendena innehåller och är därför bara för samordnaren och sektorchefen.',
          tags: ['drift'],
          ...secured,
          headers: CodecHeadersSchema,
          body: CodecBodySchema,
          response: { 200: PayloadsSchema, ...errorResponses },
        },
        config: access,
        handler: async (request) => {
          const namespace = request.headers['x-namespace'];
          if (namespace !== undefined && namespace !== endpoint.namespace) {
            throw new ApiError(400, 'OGILTIG_UPPGIFT', `Kodaren gäller namnrymden ${endpoint.namespace}, inte ${namespace}`);
          }
          const { sub, role, unit } = request.caller;
          request.log.info({ codec: direction, sub, role, unit, payloads: request.body.payloads.length }, 'Temporal payloads via the codec endpoint');
          return run(direction, request.body.payloads);
        },
      });
    }
  };
}

/**
 * The browser's CORS preflight for the codec routes. It carries no token, so it is answered
 * outside the authenticated scope; without CODEC_CORS_ORIGIN there is none (same origin only).
 */
export function codecPreflight(endpoint: CodecEndpoint): FastifyPluginAsync {
  return async (app) => {
    const { corsOrigin } = endpoint;
    if (!corsOrigin) return;
    for (const direction of ['decode', 'encode'] as const) {
      app.options(`/codec/${direction}`, { schema: { hide: true } }, async (request, reply) => {
        if (request.headers.origin !== corsOrigin) throw forbidden(`Kodaren kan bara anropas från ${corsOrigin}`);
        corsHeaders(reply, corsOrigin);
        reply.header('Access-Control-Allow-Methods', 'POST');
        reply.header('Access-Control-Allow-Headers', allowedHeaders);
        reply.header('Access-Control-Max-Age', '600');
        return reply.code(204).send();
      });
    }
  };
}
