// The stuck list for chefer: what waits past its deadline or too long, longest first, and how much per unit.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { errorResponses, secured } from '../schemas/common';
import { StuckCountsSchema, StuckFilterSchema, StuckListSchema } from '../schemas/stuck-list';
import type { StuckList } from '../stuck-list';

export function stuckRoutes(stuck: StuckList): FastifyPluginAsyncZod {
  return async (app) => {
    app.get('/fastnat', {
      schema: {
        summary: 'Överlämningar, möten och tvister som väntar efter sin tidsfrist eller för länge',
        description:
          'En enhetschef ser sin enhets del; sektorchefen och samordnaren ser allt. Sorterat efter hur länge det har väntat, i sidor om `limit`; nästa sida med `cursor` = föregående svars `nextCursor`.',
        tags: ['uppföljning'],
        ...secured,
        querystring: StuckFilterSchema,
        response: { 200: StuckListSchema, ...errorResponses },
      },
      config: { access: { roles: ['enhetschef', 'sektorchef', 'samordnare'], refusal: 'stuckList' } },
      handler: async (request) => stuck.list(request.caller, request.query),
    });

    app.get('/fastnat/antal', {
      schema: {
        summary: 'Antal fastnade per enhet: hur många, hur många efter tidsfristen, högsta eskaleringsnivån',
        description: 'En enhetschef ser sin enhet; sektorchefen och samordnaren varje enhet och sektorns egen.',
        tags: ['uppföljning'],
        ...secured,
        response: { 200: StuckCountsSchema, ...errorResponses },
      },
      config: { access: { roles: ['enhetschef', 'sektorchef', 'samordnare'], refusal: 'stuckList' } },
      handler: async (request) => ({ units: await stuck.counts(request.caller) }),
    });
  };
}
