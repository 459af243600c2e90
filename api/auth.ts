// Authentication: every request carries a bearer JWT with sub, role and unit. Locally it is
// signed with AUTH_JWT_SECRET; in production it is verified against an OIDC issuer's JWKS.
// Either way the token must expire, within the configured lifetime, may not come from the
// future, and must name a unit that fits its role in the organisation in force.
import { Duration } from 'luxon';
import { createRemoteJWKSet, jwtVerify, SignJWT, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import type { AppConfig } from '../config/env';
import { ActorSchema, type Actor } from '../domain/case';
import { activeUnit, type OrganisationSource } from '../domain/organisation';
import { containsPersonalNumber } from '../domain/personal-number';
import { ApiError } from './errors';

export type Caller = Actor;

export interface Authenticator {
  authenticate(authorization: string | undefined): Promise<Caller>;
  /**
   * The checks after the signature: lifetime, role and unit against the organisation in force.
   * The web app's session cookie (web/session.ts) goes through them on every request too.
   */
  admit(payload: JWTPayload): Promise<Caller>;
}

const unauthorized = (message: string) => new ApiError(401, 'EJ_INLOGGAD', message);

/** The token's times: it expires, lives no longer than allowed, and was not issued in the future. */
function checkLifetime(payload: JWTPayload, auth: Pick<AppConfig['auth'], 'maxTokenLifetime' | 'clockSkewSeconds'>): void {
  const now = Math.floor(Date.now() / 1000);
  const skew = auth.clockSkewSeconds;
  if (typeof payload.exp !== 'number') throw unauthorized('Token saknar giltighetstid (exp)');
  if (typeof payload.iat === 'number' && payload.iat > now + skew) throw unauthorized('Token är utfärdad i framtiden (iat)');
  if (typeof payload.nbf === 'number' && payload.nbf > now + skew) throw unauthorized('Token gäller inte än (nbf)');
  const maxSeconds = Duration.fromISO(auth.maxTokenLifetime).as('seconds');
  const lifetime = payload.exp - (typeof payload.iat === 'number' ? payload.iat : now);
  if (lifetime > maxSeconds + skew) throw unauthorized(`Token gäller för länge: högst ${auth.maxTokenLifetime.replace(/^PT?/, '').toLowerCase()}`);
}

export function createAuthenticator(auth: Pick<AppConfig['auth'], 'jwtSecret' | 'oidcIssuer' | 'oidcAudience' | 'jwksUrl' | 'maxTokenLifetime' | 'clockSkewSeconds'>, organisation: OrganisationSource): Authenticator {
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
  const verify = { clockTolerance: auth.clockSkewSeconds, requiredClaims: ['exp'] };

  async function admit(payload: JWTPayload): Promise<Caller> {
    checkLifetime(payload, auth);
    const parsed = ActorSchema.safeParse(payload);
    if (!parsed.success) throw unauthorized('Token saknar giltig roll eller enhet');
    const caller = parsed.data;
    // A personal identity number would follow the caller into logs and view logs.
    if (containsPersonalNumber(caller.sub)) throw unauthorized('Token identifierar användaren med ett personnummer; använd ett användar-id');
    const org = await organisation();
    const atSector = caller.unit === org.sector.id;
    if (caller.role === 'sektorchef' || caller.role === 'samordnare') {
      if (!atSector) throw unauthorized(`En ${caller.role} hör till sektorn ${org.sector.id}, inte till enheten ${caller.unit}`);
    } else {
      const unit = atSector ? undefined : activeUnit(org, caller.unit);
      // Partners confirm handovers through their links: they do not log in.
      if (!unit || unit.kind !== 'intern') throw unauthorized(`Enheten ${caller.unit} finns inte bland organisationens aktiva enheter`);
    }
    return caller;
  }

  return {
    async authenticate(authorization) {
      const match = /^Bearer\s+(\S+)$/i.exec(authorization ?? '');
      if (!match) throw unauthorized('Inloggning krävs: skicka en giltig token i Authorization: Bearer');
      let payload: JWTPayload;
      try {
        payload = auth.oidcIssuer
          ? (await jwtVerify(match[1]!, await oidcKeys(), { ...verify, issuer: auth.oidcIssuer, audience: auth.oidcAudience })).payload
          : (await jwtVerify(match[1]!, secret, { ...verify, algorithms: ['HS256'] })).payload;
      } catch {
        throw unauthorized('Ogiltig eller utgången token');
      }
      return admit(payload);
    },
    admit,
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
