// Case endpoints: open, list, read, act, and the caller's task list.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { CaseService } from '../case-service';
import {
  CaseActionSchema,
  CaseListQuerySchema,
  CaseListSchema,
  CaseViewSchema,
  OpenCaseRequestSchema,
  TaskListSchema,
  TaskQuerySchema,
} from '../schemas/cases';
import { CaseRefParams, ErrorResponse, errorResponses as errors, secured } from '../schemas/common';

export function caseRoutes(service: CaseService): FastifyPluginAsyncZod {
  return async (app) => {
    app.post('/cases', {
      schema: {
        summary: 'Öppna ett ärende (idempotent på ärendereferensen)',
        tags: ['ärenden'],
        ...secured,
        body: OpenCaseRequestSchema,
        response: { 200: CaseViewSchema, 201: CaseViewSchema, ...errors },
      },
      config: { access: { roles: ['handlaggare', 'enhetschef'], refusal: 'openCase' }, idempotent: true },
      handler: async (request, reply) => {
        const { created, view } = await service.open(request.caller, request.body);
        return reply.code(created ? 201 : 200).send(view);
      },
    });

    app.get('/cases', {
      schema: {
        summary: 'Öppna ärenden som jag får se, senast öppnade först',
        description:
          'Samordnaren och sektorchefen ser alla, enhetschefer och handläggare de ärenden deras enhet deltar i. Sidor om `limit` (högst 200); nästa sida med `cursor` = föregående svars `nextCursor`.',
        tags: ['ärenden'],
        ...secured,
        querystring: CaseListQuerySchema,
        response: { 200: CaseListSchema, 400: ErrorResponse, 401: ErrorResponse },
      },
      handler: async (request) => service.list(request.caller, request.query),
    });

    app.get('/cases/:caseRef', {
      schema: { summary: 'Läs ett ärende', tags: ['ärenden'], ...secured, params: CaseRefParams, response: { 200: CaseViewSchema, ...errors } },
      handler: async (request) => service.read(request.caller, request.params.caseRef),
    });

    app.post('/cases/:caseRef/actions', {
      schema: {
        summary: 'Utför en åtgärd i ärendet',
        description: 'Åtgärden måste passa ärendets fas och utföras av den enhet som äger steget; annars ändras ingenting.',
        tags: ['ärenden'],
        ...secured,
        params: CaseRefParams,
        body: CaseActionSchema,
        response: { 200: CaseViewSchema, ...errors },
      },
      config: { idempotent: true },
      handler: async (request) => service.perform(request.caller, request.params.caseRef, request.body),
    });

    app.get('/tasks', {
      schema: {
        summary: 'Uppgifter som väntar på min enhet (vy=mina: de ärenden jag har)',
        description: 'Mest brådskande först. Sidor om `limit` (standard 50, högst 200); nästa sida med `cursor` = föregående svars `nextCursor`.',
        tags: ['uppgifter'],
        ...secured,
        querystring: TaskQuerySchema,
        response: { 200: TaskListSchema, 400: ErrorResponse, 401: ErrorResponse },
      },
      handler: async (request) => service.tasks(request.caller, request.query),
    });
  };
}
