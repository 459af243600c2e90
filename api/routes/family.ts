// The family (ärendegrupp) of a case: read it, link another case into it, take the case out.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { FamilyViewSchema, LinkCaseRequestSchema, UnlinkCaseRequestSchema } from '../../domain/family';
import type { FamilyService } from '../family-service';
import { CaseRefParams, errorResponses as errors, secured } from '../schemas/common';

const linking = { access: { roles: ['handlaggare', 'enhetschef'], refusal: 'linkCases' } } as const;

export function familyRoutes(service: FamilyService): FastifyPluginAsyncZod {
  return async (app) => {
    app.get('/cases/:caseRef/familj', {
      schema: {
        summary: 'Ärendets familj: de andra ärendena i sammandrag, och länkningarnas historik',
        description: 'Ett skyddat ärende i familjen visas bara för den som får se det ärendet. Innehållet i de andra ärendena visas aldrig, bara steg, frister och vem som har dem.',
        tags: ['familj'],
        ...secured,
        params: CaseRefParams,
        response: { 200: FamilyViewSchema, ...errors },
      },
      handler: async (request) => service.read(request.caller, request.params.caseRef),
    });

    app.post('/cases/:caseRef/familj', {
      schema: {
        summary: 'Länka ett annat ärende till ärendets familj',
        description: 'Hör inget av ärendena till en familj bildas en ny. Du måste få se båda ärendena.',
        tags: ['familj'],
        ...secured,
        params: CaseRefParams,
        body: LinkCaseRequestSchema,
        response: { 200: FamilyViewSchema, ...errors },
      },
      config: { ...linking, idempotent: true },
      handler: async (request) => service.link(request.caller, request.params.caseRef, request.body),
    });

    app.post('/cases/:caseRef/familj/avlanka', {
      schema: {
        summary: 'Ta ärendet ur sin familj',
        tags: ['familj'],
        ...secured,
        params: CaseRefParams,
        body: UnlinkCaseRequestSchema,
        response: { 200: FamilyViewSchema, ...errors },
      },
      config: { ...linking, idempotent: true },
      handler: async (request) => service.unlink(request.caller, request.params.caseRef, request.body),
    });
  };
}
