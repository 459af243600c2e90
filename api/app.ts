// Builds the HTTP API: Fastify with zod schemas, an OpenAPI document, bearer-JWT
// authentication on every case route and the routes' role checks after it. Built by a factory
// so tests can inject requests.
import swagger from '@fastify/swagger';
import Fastify, { type FastifyInstance } from 'fastify';
import { jsonSchemaTransform, serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Client } from '@temporalio/client';
import type { ReceiptLinks } from '../infra/receipt-link-store';
import type { Authenticator, Caller } from './auth';
import type { CaseService } from './case-service';
import type { CollaborationService } from './collaboration-service';
import { errorHandler } from './errors';
import { checkRole } from './roles';
import { caseRoutes } from './routes/cases';
import { collaborationRoutes } from './routes/collaboration';
import { receiptRoutes } from './routes/receipts';
import { ruleRoutes } from './routes/rules';
import type { RuleService } from './rule-service';
import { stuckRoutes } from './routes/stuck';
import type { StuckList } from './stuck-list';

declare module 'fastify' {
  interface FastifyRequest {
    caller: Caller;
  }
}

export interface AppDependencies {
  cases: CaseService;
  collaboration: CollaborationService;
  stuck: StuckList;
  rules: RuleService;
  /** External partners' receipt links: no login, so outside the authenticated routes. */
  receipts: { client: Client; links: ReceiptLinks };
  auth: Authenticator;
  logger?: boolean;
}

export async function buildApp(deps: AppDependencies): Promise<FastifyInstance> {
  const app = Fastify({ logger: deps.logger ?? false }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.setErrorHandler(errorHandler);
  app.setNotFoundHandler((_request, reply) => reply.code(404).send({ error: { code: 'HITTADES_INTE', message: 'Sidan finns inte', fields: [] } }));

  await app.register(swagger, {
    openapi: {
      info: { title: 'Samverkan', description: 'Samverkan kring våld i nära relationer', version: '0.1.0' },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } } },
    },
    transform: jsonSchemaTransform,
  });

  app.get('/health', { schema: { hide: true } }, async (_request, reply) => {
    const temporal = await deps.cases.temporalHealthy();
    return reply.code(temporal ? 200 : 503).send({ status: temporal ? 'ok' : 'fel', temporal: temporal ? 'ok' : 'nås inte' });
  });
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  await app.register(receiptRoutes({ client: deps.receipts.client, receipts: deps.receipts.links }));

  await app.register(async (authenticated) => {
    authenticated.decorateRequest('caller', null as unknown as Caller);
    authenticated.addHook('onRequest', async (request) => {
      request.caller = await deps.auth.authenticate(request.headers.authorization);
    });
    authenticated.addHook('preHandler', checkRole);
    await authenticated.register(caseRoutes(deps.cases));
    await authenticated.register(collaborationRoutes(deps.collaboration));
    await authenticated.register(stuckRoutes(deps.stuck));
    await authenticated.register(ruleRoutes(deps.rules));
  });
  return app;
}
