// The start page leads each role to its daily work: the inbox, the overview or the rules.
import type { FastifyInstance } from 'fastify';
import type { Role } from '../../api/roles';

const start: Record<Role, string> = { handlaggare: '/inkorg', enhetschef: '/inkorg', sektorchef: '/oversikt', samordnare: '/regler' };

export async function homePages(app: FastifyInstance) {
  app.get('/', async (request, reply) => reply.redirect(start[request.caller.role], 303));
}
