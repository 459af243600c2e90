// Which roles may call a route at all. A route that limits them declares it in its options,
// `config: { access: { roles: [...], refusal: '...' } }`, and one preHandler after
// authentication refuses everyone else with 403 and that refusal's message. Whether the
// caller's unit may (it is in the case, owns the step, is the sector) needs data and stays in
// the services; what the case's state allows stays in the workflows.
import type { FastifyRequest } from 'fastify';
import type { Caller } from './auth';
import { forbidden } from './errors';

export type Role = Caller['role'];

/** Each refusal written once; a service refusing the unit part of the same rule uses it too. */
export const refusals = {
  openCase: 'Ärenden öppnas av en handläggare eller enhetschef vid den mottagande enheten',
  viewLog: 'Visningsloggen läses av enhetschefer, sektorchef och samordnare',
  decideDispute: 'Tvister mellan enheter avgörs av sektorchefen',
  stuckList: 'Listan över fastnade ärenden är till för enhetschefer, sektorchef och samordnare',
  rules: 'Endast samordnaren kan läsa och ändra samverkansreglerna',
  codec: 'Temporals krypterade historik avkodas bara av samordnaren och sektorchefen',
  inbox: 'Inkorgen är till för handläggare och enhetschefer vid en enhet',
  takeCase: 'Ett ärende tas av en handläggare vid enheten',
  linkCases: 'Ärenden länkas till en familj av en handläggare eller enhetschef vid en enhet i ärendet',
  notificationFailures: 'Listan över misslyckade utskick är till för enhetschefer, sektorchef och samordnare',
  reports: 'Uppföljningen på aggregerad nivå är till för enhetschefer, sektorchef och samordnare',
  goals: 'Målen för uppföljningen sätts av samordnaren',
} as const;

export type Refusal = keyof typeof refusals;

export interface RouteAccess {
  roles: readonly Role[];
  refusal: Refusal;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Which roles may call the route; without it, every signed-in caller may. */
    access?: RouteAccess;
  }
}

export const refused = (refusal: Refusal) => forbidden(refusals[refusal]);

/** The preHandler of the authenticated routes: after authentication and input validation, before the service. */
export async function checkRole(request: FastifyRequest): Promise<void> {
  const { access } = request.routeOptions.config;
  if (access && !access.roles.includes(request.caller.role)) throw refused(access.refusal);
}
