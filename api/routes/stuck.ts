// The stuck list for chefer: what waits past its deadline or too long, longest first.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { errorResponses, secured } from '../schemas/common';
import { StuckFilterSchema, StuckListSchema } from '../schemas/stuck-list';
import type { StuckList } from '../stuck-list';

export function stuckRoutes(stuck: StuckList): FastifyPluginAsyncZod {
  return async (app) => {
    app.get('/fastnat', {
      schema: {
        summary: 'Överlämningar, möten och tvister som väntar efter sin tidsfrist eller för länge',
        description: 'En enhetschef ser sin enhets del; sektorchefen och samordnaren ser allt. Sorterat efter hur länge det har väntat.',
        tags: ['uppföljning'],
        ...secured,
        querystring: StuckFilterSchema,
        response: { 200: StuckListSchema, ...errorResponses },
      },
      config: { access: { roles: ['enhetschef', 'sektorchef', 'samordnare'], refusal: 'stuckList' } },
      handler: async (request) => stuck.list(request.caller, request.query),
    });
  };
}
