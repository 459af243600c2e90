// The stuck list for chefer: what waits past its deadline or too long, longest first.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { ChildKind } from '../../domain/child-status';
import { slug, z } from '../../domain/zod';
import type { StuckList } from '../stuck-list';
import { errorResponses } from './error-response';

export function stuckRoutes(stuck: StuckList): FastifyPluginAsyncZod {
  return async (app) => {
    app.get('/fastnat', {
      schema: {
        summary: 'Överlämningar, möten och tvister som väntar efter sin tidsfrist eller för länge',
        description: 'En enhetschef ser sin enhets del; sektorchefen och samordnaren ser allt. Sorterat efter hur länge det har väntat.',
        tags: ['uppföljning'],
        security: [{ bearer: [] }],
        querystring: z.object({
          enhet: slug.optional(),
          niva: z.coerce.number().int().min(0).max(5).optional(),
          typ: ChildKind.optional(),
          limit: z.coerce.number().int().min(1).max(1000).default(100),
        }),
        response: {
          200: z.object({
            total: z.number(),
            items: z.array(
              z.object({
                caseRef: z.string(),
                kind: ChildKind,
                workflowId: z.string(),
                summary: z.string(),
                units: z.array(z.string()),
                waitingFor: z.string(),
                waitingUnits: z.array(z.string()),
                waitingSince: z.string(),
                dueAt: z.string().nullable(),
                overdue: z.boolean(),
                escalationLevel: z.number(),
                waitedHours: z.number(),
              }),
            ),
          }),
          ...errorResponses,
        },
      },
      handler: async (request) => stuck.list(request.caller, request.query),
    });
  };
}
