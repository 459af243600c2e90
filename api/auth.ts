// Authentication: every request carries a bearer JWT with sub, role and unit. Locally it is
// signed with AUTH_JWT_SECRET; in production it is verified against an OIDC issuer's JWKS.
// Either way the token must expire, within the configured lifetime, may not come from the
// future, and must name a unit that fits its role in the organisation in force.
import { Duration } from 'luxon';
import { createRemoteJWKSet, errors as joseErrors, jwtVerify, SignJWT, type JWTPayload, type JWTVerifyGetKey } from 'jose';
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

/** How the issuer's keys are found and kept (options for tests; the defaults are production's). */
export interface OidcKeyOptions {
  /** The first wait after a failed discovery; it doubles up to `retryMaxMs`. */
  retryFirstMs?: number;
  retryMaxMs?: number;
  /** A token with an unknown key id fetches the JWKS again, at most this often (a rotated key). */
  jwksCooldownMs?: number;
  /** The JWKS is fetched again after this long in any case. */
  jwksMaxAgeMs?: number;
  /** Where a failed discovery is reported (the process's logger). */
  warn?: (message: string) => void;
}

/** The issuer's discovery or keys could not be fetched: a dependency down, not a bad token. */
const identityProviderDown = () => new ApiError(503, 'TJANST_OTILLGANGLIG', 'Inloggningstjänsten svarar inte just nu; försök igen om en stund');

/**
 * The issuer's keys, found by discovery. Only success is kept: a failed discovery is retried on a
 * later request, after a wait that doubles (1 s up to 1 min), and requests meanwhile answer 503.
 * The JWKS itself is refreshed by jose: again after 10 minutes, and at once (at most every 30 s)
 * when a token names a key id it does not know, so rotated keys work without a restart.
 */
function oidcKeySource(auth: Pick<AppConfig['auth'], 'oidcIssuer' | 'jwksUrl'>, options: OidcKeyOptions = {}): () => Promise<JWTVerifyGetKey> {
  const retryFirstMs = options.retryFirstMs ?? 1_000;
  const retryMaxMs = options.retryMaxMs ?? 60_000;
  const warn = options.warn ?? ((message: string) => console.warn(`[samverkan] ${message}`));
  let keys: JWTVerifyGetKey | undefined;
  let pending: Promise<JWTVerifyGetKey> | undefined;
  let retryAt = 0;
  let waitMs = 0;

  async function discover(): Promise<JWTVerifyGetKey> {
    let jwksUrl = auth.jwksUrl;
    if (!jwksUrl) {
      const discovery = await fetch(new URL('.well-known/openid-configuration', auth.oidcIssuer!.replace(/\/?$/, '/')), { signal: AbortSignal.timeout(5_000) });
      if (!discovery.ok) throw new Error(`discovery answered ${discovery.status}`);
      const uri = ((await discovery.json()) as { jwks_uri?: unknown }).jwks_uri;
      if (typeof uri !== 'string') throw new Error('discovery names no jwks_uri');
      jwksUrl = uri;
    }
    return createRemoteJWKSet(new URL(jwksUrl), { timeoutDuration: 5_000, cooldownDuration: options.jwksCooldownMs ?? 30_000, cacheMaxAge: options.jwksMaxAgeMs ?? 600_000 });
  }

  return async () => {
    if (keys) return keys;
    if (Date.now() < retryAt) throw identityProviderDown();
    pending ??= discover()
      .then(
        (found) => {
          keys = found;
          waitMs = 0;
          return found;
        },
        (error: unknown) => {
          waitMs = Math.min(retryMaxMs, waitMs ? waitMs * 2 : retryFirstMs);
          retryAt = Date.now() + waitMs;
          warn(`OIDC discovery at ${auth.oidcIssuer} failed (${(error as Error).message}); tried again after ${waitMs / 1000} s`);
          throw identityProviderDown();
        },
      )
      .finally(() => {
        pending = undefined;
      });
    return pending;
  };
}

/** The JWKS could not be fetched or read (jose's errors for it; a network failure is a TypeError). */
function isKeyFetchFailure(error: unknown): boolean {
  if (error instanceof joseErrors.JWKSTimeout || error instanceof joseErrors.JWKSInvalid || error instanceof TypeError) return true;
  return error instanceof joseErrors.JOSEError && error.code === 'ERR_JOSE_GENERIC' && error.message.includes('JSON Web Key Set HTTP response');
}

export function createAuthenticator(
  auth: Pick<AppConfig['auth'], 'jwtSecret' | 'oidcIssuer' | 'oidcAudience' | 'jwksUrl' | 'maxTokenLifetime' | 'clockSkewSeconds'>,
  organisation: OrganisationSource,
  keyOptions: OidcKeyOptions = {},
): Authenticator {
  const oidcKeys = oidcKeySource(auth, keyOptions);
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
      } catch (error) {
        if (error instanceof ApiError) throw error;
        if (isKeyFetchFailure(error)) throw identityProviderDown();
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
