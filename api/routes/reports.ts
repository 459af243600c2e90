// Aggregate follow-up: the six reports for a period, each as CSV, and the goals they are read against.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from '../../domain/zod';
import type { ReportService } from '../report-service';
import { errorResponses, secured } from '../schemas/common';
import { GoalDraftSchema, GoalsSchema, GoalVersionSchema, ReportParamsSchema, ReportQuerySchema, ReportResultSchema } from '../schemas/reports';

const readers = { roles: ['enhetschef', 'sektorchef', 'samordnare'], refusal: 'reports' } as const;

export function reportRoutes(reports: ReportService): FastifyPluginAsyncZod {
  return async (app) => {
    app.get('/rapporter', {
      schema: {
        summary: 'Uppföljning på aggregerad nivå för en period: tidsfrister, överlämningar, planeringsmöten, ärenden, utförare och tvister',
        description:
          'Perioden `fran`–`till` (datum, båda med; förval: i år till i dag), högst fem år. Per enhet och för hela sektorn; en enhetschef ser sin enhets rader. Grupper med färre än fem visas som "<5", och celler som annars skulle avslöja dem som "×".',
        tags: ['uppföljning'],
        ...secured,
        querystring: ReportQuerySchema,
        response: { 200: ReportResultSchema, ...errorResponses },
      },
      config: { access: readers },
      handler: async (request) => reports.read(request.caller, request.query),
    });

    app.get('/rapporter/:rapport/csv', {
      schema: {
        summary: 'En rapport som CSV (semikolonseparerad, UTF-8), dolda celler som i rapporten',
        tags: ['uppföljning'],
        ...secured,
        params: ReportParamsSchema,
        querystring: ReportQuerySchema,
        response: { 200: z.string(), ...errorResponses },
      },
      config: { access: readers },
      handler: async (request, reply) => {
        const { filename, body } = await reports.csv(request.caller, request.params.rapport, request.query);
        return reply.type('text/csv; charset=utf-8').header('content-disposition', `attachment; filename="${filename}"`).send(body);
      },
    });

    app.get('/rapporter/mal', {
      schema: { summary: 'Målen för uppföljningen: gällande version och historik', tags: ['uppföljning'], ...secured, response: { 200: GoalsSchema, ...errorResponses } },
      config: { access: readers },
      handler: async (request) => reports.goals(request.caller),
    });

    app.post('/rapporter/mal', {
      schema: {
        summary: 'Ny version av målen (samordnaren): indikatorer med mål i procent',
        tags: ['uppföljning'],
        ...secured,
        body: GoalDraftSchema,
        response: { 201: GoalVersionSchema, ...errorResponses },
      },
      config: { access: { roles: ['samordnare'], refusal: 'goals' } },
      handler: async (request, reply) => reply.code(201).send(await reports.setGoals(request.caller, request.body)),
    });
  };
}
