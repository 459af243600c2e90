// Case endpoints: open, read, act, and the caller's task list.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { CaseActionSchema, CaseRef, CaseViewSchema, OpenCaseRequestSchema } from '../../domain/case';
import { z } from '../../domain/zod';
import type { CaseService } from '../case-service';

import { ErrorResponse, errorResponses as errors } from './error-response';
const RefParams = z.object({ caseRef: CaseRef });

export function caseRoutes(service: CaseService): FastifyPluginAsyncZod {
  return async (app) => {
    app.post('/cases', {
      schema: {
        summary: 'Öppna ett ärende (idempotent på ärendereferensen)',
        tags: ['ärenden'],
        security: [{ bearer: [] }],
        body: OpenCaseRequestSchema,
        response: { 200: CaseViewSchema, 201: CaseViewSchema, ...errors },
      },
      handler: async (request, reply) => {
        const { created, view } = await service.open(request.caller, request.body);
        return reply.code(created ? 201 : 200).send(view);
      },
    });

    app.get('/cases/:caseRef', {
      schema: { summary: 'Läs ett ärende', tags: ['ärenden'], security: [{ bearer: [] }], params: RefParams, response: { 200: CaseViewSchema, ...errors } },
      handler: async (request) => service.read(request.caller, request.params.caseRef),
    });

    app.post('/cases/:caseRef/actions', {
      schema: {
        summary: 'Utför en åtgärd i ärendet',
        description: 'Åtgärden måste passa ärendets fas och utföras av den enhet som äger steget; annars ändras ingenting.',
        tags: ['ärenden'],
        security: [{ bearer: [] }],
        params: RefParams,
        body: CaseActionSchema,
        response: { 200: CaseViewSchema, ...errors },
      },
      handler: async (request) => service.perform(request.caller, request.params.caseRef, request.body),
    });

    app.get('/tasks', {
      schema: {
        summary: 'Uppgifter som väntar på min enhet',
        tags: ['uppgifter'],
        security: [{ bearer: [] }],
        response: {
          200: z.object({
            tasks: z.array(
              z.object({ caseRef: z.string(), workflowId: z.string(), taskId: z.string(), title: z.string(), unit: z.string(), dueAt: z.string(), escalationLevel: z.number(), overdue: z.boolean() }),
            ),
          }),
          401: ErrorResponse,
        },
      },
      handler: async (request) => ({ tasks: await service.tasks(request.caller) }),
    });
  };
}
