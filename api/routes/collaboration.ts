// Handovers, joint meetings and disputes of a case.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { CollaborationService } from '../collaboration-service';
import {
  DecideDisputeRequestSchema,
  DisputeParams,
  DisputeViewSchema,
  HandoverParams,
  HandoverRequestSchema,
  HandoverResponseSchema,
  HandoverViewSchema,
  MeetingActionSchema,
  MeetingParams,
  MeetingViewSchema,
  RaiseDisputeRequestSchema,
  ViewLogSchema,
} from '../schemas/collaboration';
import { CaseRefParams, errorResponses, secured } from '../schemas/common';

export function collaborationRoutes(service: CollaborationService): FastifyPluginAsyncZod {
  return async (app) => {
    app.post('/cases/:caseRef/overlamningar', {
      schema: {
        summary: 'Skicka en överlämning till en annan enhet eller en extern part',
        description:
          'Innehållet valideras i sin helhet: våld i familjen (ja/misstanke/nej/okant) kan inte utelämnas. Till en extern part krävs registrerat samtycke eller lagstöd.',
        tags: ['överlämningar'],
        ...secured,
        params: CaseRefParams,
        body: HandoverRequestSchema,
        response: { 201: HandoverViewSchema, ...errorResponses },
      },
      config: { idempotent: true },
      handler: async (request, reply) => reply.code(201).send(await service.sendHandover(request.caller, request.params.caseRef, request.body)),
    });

    app.get('/cases/:caseRef/overlamningar/:id', {
      schema: { summary: 'Läs en överlämning (innehållet visas för mottagaren först efter kvittens, och varje visning loggas)', tags: ['överlämningar'], ...secured, params: HandoverParams, response: { 200: HandoverViewSchema, ...errorResponses } },
      handler: async (request) => service.readHandover(request.caller, request.params.caseRef, request.params.id),
    });

    app.post('/cases/:caseRef/overlamningar/:id/svar', {
      schema: {
        summary: 'Kvittera, begär komplettering, avvisa, eller besvara en begäran om komplettering',
        tags: ['överlämningar'],
        ...secured,
        params: HandoverParams,
        body: HandoverResponseSchema,
        response: { 200: HandoverViewSchema, ...errorResponses },
      },
      config: { idempotent: true },
      handler: async (request) => service.respondToHandover(request.caller, request.params.caseRef, request.params.id, request.body),
    });

    app.get('/cases/:caseRef/overlamningar/:id/visningar', {
      schema: {
        summary: 'Vem har sett överlämningens innehåll, och när',
        tags: ['överlämningar'],
        ...secured,
        params: HandoverParams,
        response: { 200: ViewLogSchema, ...errorResponses },
      },
      config: { access: { roles: ['enhetschef', 'sektorchef', 'samordnare'], refusal: 'viewLog' } },
      handler: async (request) => ({ visningar: await service.handoverViews(request.caller, request.params.caseRef, request.params.id) }),
    });

    app.get('/cases/:caseRef/moten/:id', {
      schema: { summary: 'Läs ett gemensamt planeringsmöte', tags: ['planeringsmöten'], ...secured, params: MeetingParams, response: { 200: MeetingViewSchema, ...errorResponses } },
      handler: async (request) => service.readMeeting(request.caller, request.params.caseRef, request.params.id),
    });

    app.post('/cases/:caseRef/moten/:id/atgarder', {
      schema: {
        summary: 'Boka mötet, bekräfta deltagande, registrera utfallet eller klarmarkera en uppgift',
        description: 'Mötet kan inte markeras som hållet utan utfall: ansvarsfördelning och nästa uppföljning.',
        tags: ['planeringsmöten'],
        ...secured,
        params: MeetingParams,
        body: MeetingActionSchema,
        response: { 200: MeetingViewSchema, ...errorResponses },
      },
      config: { idempotent: true },
      handler: async (request) => service.meetingAction(request.caller, request.params.caseRef, request.params.id, request.body),
    });

    app.post('/cases/:caseRef/tvister', {
      schema: { summary: 'Väck en tvist om en överlämning, en insats eller ett mötesutfall', tags: ['tvister'], ...secured, params: CaseRefParams, body: RaiseDisputeRequestSchema, response: { 201: DisputeViewSchema, ...errorResponses } },
      config: { idempotent: true },
      handler: async (request, reply) => reply.code(201).send(await service.raiseDispute(request.caller, request.params.caseRef, request.body)),
    });

    app.get('/cases/:caseRef/tvister/:id', {
      schema: { summary: 'Läs en tvist', tags: ['tvister'], ...secured, params: DisputeParams, response: { 200: DisputeViewSchema, ...errorResponses } },
      handler: async (request) => service.readDispute(request.caller, request.params.caseRef, request.params.id),
    });

    app.post('/cases/:caseRef/tvister/:id/beslut', {
      schema: { summary: 'Sektorchefens beslut i en tvist', tags: ['tvister'], ...secured, params: DisputeParams, body: DecideDisputeRequestSchema, response: { 200: DisputeViewSchema, ...errorResponses } },
      config: { access: { roles: ['sektorchef'], refusal: 'decideDispute' }, idempotent: true },
      handler: async (request) => service.decideDispute(request.caller, request.params.caseRef, request.params.id, request.body),
    });
  };
}
