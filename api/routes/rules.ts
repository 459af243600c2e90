// The samordnare's rule endpoints: the rule set as data, its versions, and moving cases.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { RouteAccess } from '../roles';
import type { RuleService } from '../rule-service';
import { errorResponses as errors, secured } from '../schemas/common';
import {
  ApplyRuleSetRequestSchema,
  CompareQuery,
  ComparisonSchema,
  DryRunSchema,
  MoveCasesRequestSchema,
  MoveCasesResultSchema,
  RollbackRequestSchema,
  RuleSetBodySchema,
  RuleSetHistorySchema,
  RuleSetVersionSchema,
  ValidationSchema,
  VersionParams,
} from '../schemas/regelverk';

const common = { tags: ['regelverk'], ...secured };
/** Every rule endpoint, reading ones too: the rules are the samordnare's. */
const config: { access: RouteAccess } = { access: { roles: ['samordnare'], refusal: 'rules' } };

export function ruleRoutes(service: RuleService): FastifyPluginAsyncZod {
  return async (app) => {
    app.get('/regelverk', {
      schema: { ...common, summary: 'Gällande regelverk: organisationen och samverkansreglerna', response: { 200: RuleSetVersionSchema, ...errors } },
      config,
      handler: async () => service.current(),
    });

    app.get('/regelverk/versioner', {
      schema: { ...common, summary: 'Alla versioner: vem, när och varför', response: { 200: RuleSetHistorySchema, ...errors } },
      config,
      handler: async () => service.history(),
    });

    app.get('/regelverk/versioner/:version', {
      schema: { ...common, summary: 'En version av regelverket', params: VersionParams, response: { 200: RuleSetVersionSchema, ...errors } },
      config,
      handler: async (request) => service.get(request.params.version),
    });

    app.get('/regelverk/jamfor', {
      schema: { ...common, summary: 'Jämför två versioner', querystring: CompareQuery, response: { 200: ComparisonSchema, ...errors } },
      config,
      handler: async (request) => service.compare(request.query.fran, request.query.till),
    });

    app.post('/regelverk/validera', {
      schema: { ...common, summary: 'Kontrollera ett regelverk utan att spara det', body: RuleSetBodySchema, response: { 200: ValidationSchema, ...errors } },
      config,
      handler: async (request) => service.validate(request.body),
    });

    app.post('/regelverk/provkorning', {
      schema: {
        ...common,
        summary: 'Visa vad ett nytt regelverk skulle ändra för de öppna ärendena, utan att spara det',
        body: RuleSetBodySchema,
        response: { 200: DryRunSchema, ...errors },
      },
      config,
      handler: async (request) => service.dryRun(request.body),
    });

    app.post('/regelverk', {
      schema: {
        ...common,
        summary: 'Anta ett nytt regelverk som nästa version',
        description: 'Hela regelverket kontrolleras först; ett fel anger regel och fält, och då ändras ingenting. Nya ärenden följer den nya versionen; öppna ärenden behåller sin tills samordnaren flyttar dem.',
        body: ApplyRuleSetRequestSchema,
        response: { 201: RuleSetVersionSchema, ...errors },
      },
      config,
      handler: async (request, reply) => reply.code(201).send(await service.apply(request.caller, request.body)),
    });

    app.post('/regelverk/aterstall', {
      schema: {
        ...common,
        summary: 'Gör en tidigare version gällande igen, som en ny version',
        body: RollbackRequestSchema,
        response: { 201: RuleSetVersionSchema, ...errors },
      },
      config,
      handler: async (request, reply) => reply.code(201).send(await service.rollback(request.caller, request.body)),
    });

    app.post('/regelverk/flytta', {
      schema: {
        ...common,
        summary: 'Flytta valda öppna ärenden till en nyare version',
        description: 'Öppna tidsfrister planeras om enligt den nya versionen från när de började; nya krav startar nu. Flytten registreras i varje ärende.',
        body: MoveCasesRequestSchema,
        response: { 200: MoveCasesResultSchema, ...errors },
      },
      config,
      handler: async (request) => service.moveCases(request.caller, request.body),
    });
  };
}
