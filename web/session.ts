// The web app's session: a cookie holding a short signed token (sub, role, unit), HttpOnly,
// SameSite=Lax, Secure when the service is reached over https. Every request checks it with the
// same rules as an API bearer token (api/auth.ts `admit`): a retired unit or a role that does not
// fit is signed out at once, not at the token's expiry.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { jwtVerify, SignJWT } from 'jose';
import type { Authenticator, Caller } from '../api/auth';

export const SESSION_COOKIE = 'samverkan_session';

export interface SessionOptions {
  secret: string;
  /** Set the cookie's Secure flag (the public address is https). */
  secure: boolean;
  authenticator: Authenticator;
  /** Seconds a session lasts; within the longest token lifetime the API accepts. */
  lifetimeSeconds: number;
}

export function createSessions({ secret, secure, authenticator, lifetimeSeconds }: SessionOptions) {
  const key = new TextEncoder().encode(secret);
  return {
    async issue(reply: FastifyReply, caller: Caller): Promise<void> {
      const token = await new SignJWT({ role: caller.role, unit: caller.unit })
        .setProtectedHeader({ alg: 'HS256' })
        .setSubject(caller.sub)
        .setIssuedAt()
        .setExpirationTime(`${lifetimeSeconds}s`)
        .setAudience('samverkan-webb')
        .sign(key);
      reply.setCookie(SESSION_COOKIE, token, { httpOnly: true, secure, sameSite: 'lax', path: '/', maxAge: lifetimeSeconds });
    },

    /** The signed-in user, or undefined: no cookie, a forged or expired one, or one no longer admitted. */
    async read(request: FastifyRequest): Promise<Caller | undefined> {
      const token = request.cookies[SESSION_COOKIE];
      if (!token) return undefined;
      try {
        const { payload } = await jwtVerify(token, key, { algorithms: ['HS256'], audience: 'samverkan-webb' });
        return await authenticator.admit(payload);
      } catch {
        return undefined;
      }
    },

    clear(reply: FastifyReply): void {
      reply.clearCookie(SESSION_COOKIE, { path: '/', httpOnly: true, secure, sameSite: 'lax' });
    },
  };
}

export type Sessions = ReturnType<typeof createSessions>;
