// Authentication: every request carries a bearer JWT with sub, role and unit. Locally it is
// signed with AUTH_JWT_SECRET; in production it is verified against an OIDC issuer's JWKS.
import { createRemoteJWKSet, jwtVerify, SignJWT, type JWTVerifyGetKey } from 'jose';
import type { AppConfig } from '../config/env';
import { ActorSchema, type Actor } from '../domain/case';
import { ApiError } from './errors';

export type Caller = Actor;

export interface Authenticator {
  authenticate(authorization: string | undefined): Promise<Caller>;
}

const unauthorized = (message: string) => new ApiError(401, 'EJ_INLOGGAD', message);

export function createAuthenticator(auth: AppConfig['auth']): Authenticator {
  let keys: Promise<JWTVerifyGetKey> | undefined;
  const oidcKeys = () => {
    keys ??= (async () => {
      let jwksUrl = auth.jwksUrl;
      if (!jwksUrl) {
        const discovery = await fetch(new URL('.well-known/openid-configuration', auth.oidcIssuer!.replace(/\/?$/, '/')));
        jwksUrl = ((await discovery.json()) as { jwks_uri: string }).jwks_uri;
      }
      return createRemoteJWKSet(new URL(jwksUrl));
    })();
    return keys;
  };
  const secret = new TextEncoder().encode(auth.jwtSecret);

  return {
    async authenticate(authorization) {
      const match = /^Bearer\s+(\S+)$/i.exec(authorization ?? '');
      if (!match) throw unauthorized('Inloggning krävs: skicka en giltig token i Authorization: Bearer');
      let payload: Record<string, unknown>;
      try {
        payload = auth.oidcIssuer
          ? (await jwtVerify(match[1]!, await oidcKeys(), { issuer: auth.oidcIssuer, audience: auth.oidcAudience })).payload
          : (await jwtVerify(match[1]!, secret, { algorithms: ['HS256'] })).payload;
      } catch {
        throw unauthorized('Ogiltig eller utgången token');
      }
      const caller = ActorSchema.safeParse(payload);
      if (!caller.success) throw unauthorized('Token saknar giltig roll eller enhet');
      return caller.data;
    },
  };
}

/** Signs a local token: for `npm run token` and the tests, never for production. */
export async function signLocalToken(caller: Caller, secret: string, expiresIn = '8h'): Promise<string> {
  return new SignJWT({ role: caller.role, unit: caller.unit })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(caller.sub)
    .setIssuedAt()
    .setExpirationTime(expiresIn)
    .sign(new TextEncoder().encode(secret));
}
