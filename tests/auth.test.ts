// Production authentication: tokens from an OIDC issuer, verified against its JWKS found by
// discovery, served here by a real HTTP server on localhost.
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey } from 'jose';
import { createAuthenticator, signLocalToken, type Authenticator } from '../api/auth';
import { ApiError } from '../api/errors';
import { defaultOrganisation } from '../domain/organisation';
import { freePort } from '../infra/free-port';

let server: Server;
let issuer: string;
let privateKey: CryptoKey;
let auth: Authenticator;

beforeAll(async () => {
  const keys = await generateKeyPair('RS256');
  privateKey = keys.privateKey;
  const jwk = { ...(await exportJWK(keys.publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
  server = createServer((req, res) => {
    res.setHeader('content-type', 'application/json');
    if (req.url === '/.well-known/openid-configuration') res.end(JSON.stringify({ issuer, jwks_uri: `${issuer}/jwks` }));
    else if (req.url === '/jwks') res.end(JSON.stringify({ keys: [jwk] }));
    else res.writeHead(404).end('{}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  auth = createAuthenticator({ jwtSecret: 'unused', oidcIssuer: issuer, oidcAudience: 'samverkan', maxTokenLifetime: 'PT12H', clockSkewSeconds: 60 }, async () => defaultOrganisation);
});
afterAll(() => {
  server.close();
});

const idpToken = (claims: Record<string, unknown>, options: { audience?: string; issuer?: string; key?: CryptoKey } = {}) =>
  new SignJWT(claims)
    .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
    .setSubject('anna.handlaggare')
    .setIssuer(options.issuer ?? issuer)
    .setAudience(options.audience ?? 'samverkan')
    .setExpirationTime('5m')
    .sign(options.key ?? privateKey);

async function rejected(header: string | undefined): Promise<ApiError> {
  const error = await auth.authenticate(header).then(
    () => {
      throw new Error('the token was accepted');
    },
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ApiError);
  expect((error as ApiError).statusCode).toBe(401);
  return error as ApiError;
}

test("a token from the municipality's identity provider gives the caller's role and unit", async () => {
  const caller = await auth.authenticate(`Bearer ${await idpToken({ role: 'enhetschef', unit: 'rvt' })}`);
  expect(caller).toStrictEqual({ sub: 'anna.handlaggare', role: 'enhetschef', unit: 'rvt' });
});

test('another audience, another issuer, another key or a locally signed token is refused', async () => {
  await rejected(`Bearer ${await idpToken({ role: 'handlaggare', unit: 'rvt' }, { audience: 'other-app' })}`);
  await rejected(`Bearer ${await idpToken({ role: 'handlaggare', unit: 'rvt' }, { issuer: 'http://evil.example' })}`);
  const stranger = await generateKeyPair('RS256');
  await rejected(`Bearer ${await idpToken({ role: 'handlaggare', unit: 'rvt' }, { key: stranger.privateKey })}`);
  await rejected(`Bearer ${await signLocalToken({ sub: 'x', role: 'samordnare', unit: 'rvt' }, 'unused')}`);
});

test('a token without a known role is refused with a Swedish message', async () => {
  const error = await rejected(`Bearer ${await idpToken({ role: 'admin', unit: 'rvt' })}`);
  expect(error.message).toBe('Token saknar giltig roll eller enhet');
  expect((await rejected(undefined)).code).toBe('EJ_INLOGGAD');
});

test('an identity provider that is down answers 503, is asked again after a wait, and rotated keys work without a restart', async () => {
  const port = await freePort();
  const flakyIssuer = `http://127.0.0.1:${port}`;
  let current = { kid: 'r1', ...(await generateKeyPair('RS256')) };
  const jwksOf = async () => ({ keys: [{ ...(await exportJWK(current.publicKey)), kid: current.kid, alg: 'RS256', use: 'sig' }] });
  const warnings: string[] = [];
  const flaky = createAuthenticator({ jwtSecret: 'unused', oidcIssuer: flakyIssuer, oidcAudience: 'samverkan', maxTokenLifetime: 'PT12H', clockSkewSeconds: 60 }, async () => defaultOrganisation, {
    retryFirstMs: 300,
    jwksCooldownMs: 0,
    warn: (message) => warnings.push(message),
  });
  const token = () =>
    new SignJWT({ role: 'handlaggare', unit: 'rvt' }).setProtectedHeader({ alg: 'RS256', kid: current.kid }).setSubject('anna.handlaggare').setIssuer(flakyIssuer).setAudience('samverkan').setExpirationTime('5m').sign(current.privateKey);
  const outcome = async () =>
    flaky.authenticate(`Bearer ${await token()}`).then(
      (caller) => caller.sub,
      (error: ApiError) => `${error.statusCode} ${error.code}: ${error.message}`,
    );

  // Nobody listens: a dependency down, not a bad token; and the failure is reported.
  const down = '503 TJANST_OTILLGANGLIG: Inloggningstjänsten svarar inte just nu; försök igen om en stund';
  expect(await outcome()).toBe(down);
  expect(await outcome()).toBe(down);
  expect(warnings).toHaveLength(1);
  expect(warnings[0]).toContain(`OIDC discovery at ${flakyIssuer} failed`);

  // The provider comes up: after the wait, discovery is tried again and tokens are accepted.
  const provider = createServer((req, res) => {
    res.setHeader('content-type', 'application/json');
    if (req.url === '/.well-known/openid-configuration') res.end(JSON.stringify({ issuer: flakyIssuer, jwks_uri: `${flakyIssuer}/jwks` }));
    else if (req.url === '/jwks') void jwksOf().then((jwks) => res.end(JSON.stringify(jwks)));
    else res.writeHead(404).end('{}');
  });
  await new Promise<void>((resolve) => provider.listen(port, '127.0.0.1', resolve));
  try {
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(await outcome()).toBe('anna.handlaggare');
    // The provider rotates its key: a token with the new key id fetches the key set again.
    current = { kid: 'r2', ...(await generateKeyPair('RS256')) };
    expect(await outcome()).toBe('anna.handlaggare');
  } finally {
    provider.close();
  }
});
