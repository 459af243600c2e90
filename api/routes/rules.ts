// The samordnare's rule endpoints: the rule set as data, its versions, and moving cases.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { CaseRef } from '../../domain/case';
import { OrganisationSchema } from '../../domain/organisation';
import { ChangeReason, VersionNumber } from '../../domain/rule-set';
import { RulesSchema } from '../../domain/rules';
import { z } from '../../domain/zod';
import type { RuleService } from '../rule-service';
import { errorResponses as errors } from './error-response';

const Summary = z.object({ version: z.number(), createdBy: z.string(), createdAt: z.string(), reason: z.string(), restoredFrom: z.number().optional() });
const Version = Summary.extend({ organisation: OrganisationSchema, rules: RulesSchema });
const Issue = z.object({ field: z.string(), message: z.string() });
const Difference = z.object({ path: z.string(), change: z.enum(['tillagd', 'borttagen', 'andrad']), from: z.unknown().optional(), to: z.unknown().optional() });
const OrganisationChanges = z.object({
  added: z.array(z.string()),
  renamed: z.array(z.object({ id: z.string(), from: z.string(), to: z.string() })),
  retired: z.array(z.string()),
  reactivated: z.array(z.string()),
});
/** Parsed by the service, so that every fault in the set is reported with its path at once. */
const RuleSetBody = z.object({ organisation: z.unknown(), rules: z.unknown() });

const common = { tags: ['regelverk'], security: [{ bearer: [] }] };

export function ruleRoutes(service: RuleService): FastifyPluginAsyncZod {
  return async (app) => {
    app.get('/regelverk', {
      schema: { ...common, summary: 'Gällande regelverk: organisationen och samverkansreglerna', response: { 200: Version, ...errors } },
      handler: async (request) => service.current(request.caller),
    });

    app.get('/regelverk/versioner', {
      schema: { ...common, summary: 'Alla versioner: vem, när och varför', response: { 200: z.array(Summary), ...errors } },
      handler: async (request) => service.history(request.caller),
    });

    app.get('/regelverk/versioner/:version', {
      schema: { ...common, summary: 'En version av regelverket', params: z.object({ version: VersionNumber }), response: { 200: Version, ...errors } },
      handler: async (request) => service.get(request.caller, request.params.version),
    });

    app.get('/regelverk/jamfor', {
      schema: {
        ...common,
        summary: 'Jämför två versioner',
        querystring: z.object({ fran: VersionNumber, till: VersionNumber }),
        response: { 200: z.object({ from: z.number(), to: z.number(), differences: z.array(Difference), organisation: OrganisationChanges }), ...errors },
      },
      handler: async (request) => service.compare(request.caller, request.query.fran, request.query.till),
    });

    app.post('/regelverk/validera', {
      schema: {
        ...common,
        summary: 'Kontrollera ett regelverk utan att spara det',
        body: RuleSetBody,
        response: { 200: z.object({ valid: z.boolean(), issues: z.array(Issue) }), ...errors },
      },
      handler: async (request) => service.validate(request.caller, request.body),
    });

    app.post('/regelverk/provkorning', {
      schema: {
        ...common,
        summary: 'Visa vad ett nytt regelverk skulle ändra för de öppna ärendena, utan att spara det',
        body: RuleSetBody,
        response: {
          200: z.object({
            valid: z.boolean(),
            issues: z.array(Issue),
            basedOn: z.number(),
            differences: z.array(Difference),
            organisation: OrganisationChanges,
            openCases: z.number(),
            affectedCases: z.array(
              z.object({
                caseRef: z.string(),
                version: z.number(),
                movedDeadlines: z.array(z.object({ deadlineId: z.string(), title: z.string(), from: z.string(), to: z.string(), overdueAtOnce: z.boolean() })),
                newRequirements: z.array(z.string()),
                noLongerRequired: z.array(z.string()),
                retiredUnits: z.array(z.string()),
              }),
            ),
          }),
          ...errors,
        },
      },
      handler: async (request) => service.dryRun(request.caller, request.body),
    });

    app.post('/regelverk', {
      schema: {
        ...common,
        summary: 'Anta ett nytt regelverk som nästa version',
        description: 'Hela regelverket kontrolleras först; ett fel anger regel och fält, och då ändras ingenting. Nya ärenden följer den nya versionen; öppna ärenden behåller sin tills samordnaren flyttar dem.',
        body: RuleSetBody.extend({ skal: ChangeReason, baseradPa: z.int().positive().optional() }),
        response: { 201: Version, ...errors },
      },
      handler: async (request, reply) => reply.code(201).send(await service.apply(request.caller, request.body)),
    });

    app.post('/regelverk/aterstall', {
      schema: {
        ...common,
        summary: 'Gör en tidigare version gällande igen, som en ny version',
        body: z.object({ version: z.int().positive(), skal: ChangeReason }),
        response: { 201: Version, ...errors },
      },
      handler: async (request, reply) => reply.code(201).send(await service.rollback(request.caller, request.body)),
    });

    app.post('/regelverk/flytta', {
      schema: {
        ...common,
        summary: 'Flytta valda öppna ärenden till en nyare version',
        description: 'Öppna tidsfrister planeras om enligt den nya versionen från när de började; nya krav startar nu. Flytten registreras i varje ärende.',
        body: z.object({ arenden: z.array(CaseRef).min(1).max(500), version: z.int().positive().optional(), skal: ChangeReason }),
        response: {
          200: z.object({
            version: z.number(),
            results: z.array(z.object({ caseRef: z.string(), moved: z.boolean(), error: z.object({ code: z.string(), message: z.string() }).optional() })),
          }),
          ...errors,
        },
      },
      handler: async (request) => service.moveCases(request.caller, request.body),
    });
  };
}
