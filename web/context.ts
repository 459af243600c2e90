// What every page handler has: the API's own services (pages call them exactly as the routes
// do, so no rule is written twice), the session, and who is looking.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppDependencies } from '../api/app';
import { SECTOR_UNIT, type OrganisationSource } from '../domain/organisation';
import type { Viewer } from './layout';
import type { Sessions } from './session';

export interface WebContext {
  services: Pick<AppDependencies, 'cases' | 'collaboration' | 'families' | 'stuck' | 'reports' | 'rules' | 'overdueHistory' | 'notificationFailures' | 'idempotency'>;
  organisation: OrganisationSource;
  sessions: Sessions;
  /** The local sign-in page with demo users (config/env.ts: only without OIDC, on 127.0.0.1). */
  demoSignIn: boolean;
  /** Signing in through the municipality's OIDC issuer is configured. */
  oidc: boolean;
}

/** The signed-in user as the layout shows them, with a fresh CSRF token for the page's forms. */
export async function viewerOf(ctx: WebContext, request: FastifyRequest, reply: FastifyReply): Promise<Viewer> {
  const organisation = await ctx.organisation();
  const { caller } = request;
  const unitName = caller.unit === organisation.sector.id ? organisation.sector.name : (organisation.units.find((u) => u.id === caller.unit)?.name ?? caller.unit);
  return { caller, unitName, csrf: reply.generateCsrf() };
}

/** A unit's name for display; the id when it is not (or no longer) in the organisation. */
export async function unitNames(ctx: WebContext): Promise<(id: string) => string> {
  const organisation = await ctx.organisation();
  // The sector's own tasks (disputes to decide) are kept under SECTOR_UNIT.
  const names = new Map<string, string>([[organisation.sector.id, organisation.sector.name], [SECTOR_UNIT, organisation.sector.name], ...organisation.units.map((u) => [u.id, u.name] as const)]);
  return (id) => names.get(id) ?? id;
}
