// Signing in with the municipality's OpenID provider: the authorization code flow with PKCE
// (openid-client). What the flow must remember between leaving for the provider and coming back
// (PKCE verifier, state, nonce, return path) travels in a short-lived encrypted cookie, not in
// this process's memory, so any API process can take the callback. The ID token's `sub`, `role`
// and `unit` become the session only after the same checks as an API bearer token
// (api/auth.ts `admit`).
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { hkdfSync } from 'node:crypto';
import { EncryptJWT, jwtDecrypt } from 'jose';
import * as client from 'openid-client';
import { h } from 'preact';
import type { Authenticator } from '../api/auth';
import { ApiError } from '../api/errors';
import { isLoopback } from '../config/env';
import type { WebContext } from './context';
import { Layout } from './layout';
import { sendPage } from './render';
import { safeReturn } from './pages/sign-in';

/** What an operator configures (config/env.ts: AUTH_OIDC_ISSUER, AUTH_OIDC_CLIENT_ID, …, PUBLIC_URL). */
export interface OidcSignInOptions {
  issuer: string;
  clientId: string;
  /** A confidential client authenticates with client_secret_basic; without a secret it is public. */
  clientSecret?: string;
  /** The address users open: the redirect URI is PUBLIC_URL + /logga-in/callback. */
  publicUrl: string;
  /** Scopes asked for; must give `role` and `unit` in the ID token. */
  scope: string;
}

export interface OidcRouteOptions extends OidcSignInOptions {
  authenticator: Authenticator;
  /** Keys the flow cookie (derived, so the session's own key is never used for it). */
  secret: string;
  secureCookies: boolean;
  /** Seconds the sign-out hint lives: as long as the session. */
  sessionSeconds: number;
}

const FLOW_COOKIE = 'samverkan_oidc';
/** The ID token, sent back to the provider as id_token_hint when signing out. */
const HINT_COOKIE = 'samverkan_oidc_utloggning';
const FLOW_SECONDS = 600;
/** Browsers drop cookies over 4 KiB; a larger ID token is simply not kept as a hint. */
const MAX_HINT_LENGTH = 3500;

interface Flow {
  verifier: string;
  state: string;
  nonce: string;
  till: string;
}

export async function oidcPages(app: FastifyInstance, ctx: WebContext, options: OidcRouteOptions) {
  const base = options.publicUrl.replace(/\/+$/, '');
  const redirectUri = `${base}/logga-in/callback`;
  const postLogoutUri = `${base}/logga-in`;
  const flowKey = new Uint8Array(hkdfSync('sha256', options.secret, 'samverkan', 'oidc-inloggning', 32));
  const cookieBase = { httpOnly: true, secure: options.secureCookies, sameSite: 'lax' as const };
  const flowCookie = { ...cookieBase, path: '/logga-in/callback' };
  const hintCookie = { ...cookieBase, path: '/logga-ut' };

  // Discovered once and kept; a failure is not kept, so the next sign-in asks the provider again.
  let discovered: Promise<client.Configuration> | undefined;
  const provider = (request: FastifyRequest): Promise<client.Configuration> => {
    discovered ??= discover(options).catch((error: unknown) => {
      discovered = undefined;
      request.log.error({ err: error, issuer: options.issuer }, 'OIDC discovery failed; retried on the next sign-in');
      throw error;
    });
    return discovered;
  };
  const unreachable = (reply: FastifyReply) =>
    sendOidcPage(reply, 503, 'Inloggningen går inte att nå', 'Kommunens inloggning svarar inte just nu. Försök igen om en stund.', { href: '/logga-in', label: 'Till inloggningssidan' });
  const failed = (reply: FastifyReply) =>
    sendOidcPage(reply, 400, 'Inloggningen kunde inte slutföras', 'Svaret från kommunens inloggning kunde inte godkännas, eller så tog inloggningen för lång tid. Du är inte inloggad. Börja om från inloggningssidan.', {
      href: '/logga-in',
      label: 'Logga in igen',
    });

  app.get('/logga-in/oidc', async (request, reply) => {
    let config: client.Configuration;
    try {
      config = await provider(request);
    } catch {
      return unreachable(reply);
    }
    const flow: Flow = { verifier: client.randomPKCECodeVerifier(), state: client.randomState(), nonce: client.randomNonce(), till: safeReturn((request.query as { till?: unknown }).till) };
    const url = client.buildAuthorizationUrl(config, {
      redirect_uri: redirectUri,
      scope: options.scope,
      response_type: 'code',
      code_challenge: await client.calculatePKCECodeChallenge(flow.verifier),
      code_challenge_method: 'S256',
      state: flow.state,
      nonce: flow.nonce,
    });
    const sealed = await new EncryptJWT({ ...flow }).setProtectedHeader({ alg: 'dir', enc: 'A256GCM' }).setIssuedAt().setExpirationTime(`${FLOW_SECONDS}s`).encrypt(flowKey);
    reply.setCookie(FLOW_COOKIE, sealed, { ...flowCookie, maxAge: FLOW_SECONDS });
    return reply.redirect(url.href, 303);
  });

  app.get('/logga-in/callback', async (request, reply) => {
    // One use only: whatever happens now, this flow is over.
    const sealed = request.cookies[FLOW_COOKIE];
    reply.clearCookie(FLOW_COOKIE, flowCookie);
    const flow = sealed ? await openFlow(sealed, flowKey) : undefined;
    if (!flow) {
      request.log.warn('OIDC callback without a valid flow cookie (expired, another tab, or not started here)');
      return failed(reply);
    }
    let config: client.Configuration;
    try {
      config = await provider(request);
    } catch {
      return unreachable(reply);
    }
    // The provider's answer as it arrived, at the registered address (a proxy may rewrite the path).
    const current = new URL(redirectUri);
    current.search = request.url.includes('?') ? request.url.slice(request.url.indexOf('?')) : '';
    let tokens: Awaited<ReturnType<typeof client.authorizationCodeGrant>>;
    try {
      tokens = await client.authorizationCodeGrant(config, current, { pkceCodeVerifier: flow.verifier, expectedState: flow.state, expectedNonce: flow.nonce, idTokenExpected: true });
    } catch (error) {
      // State, nonce, issuer or signature wrong, the code refused, or the user cancelled there.
      request.log.warn({ err: error }, 'OIDC callback refused');
      return failed(reply);
    }
    const claims = tokens.claims();
    if (!claims) return failed(reply);
    let caller;
    try {
      caller = await options.authenticator.admit(claims);
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      // Not the sub: admit also refuses a sub that is a personnummer, which must not reach the log.
      request.log.warn({ reason: error.message }, 'OIDC sign-in refused by the organisation');
      return sendOidcPage(
        reply,
        403,
        'Du kan inte logga in i Samverkan',
        `Kommunens inloggning känner igen dig, men Samverkan kan inte ge dig tillgång: ${error.message}. Kontakta den som administrerar behörigheterna i din förvaltning.`,
        { href: '/logga-ut/oidc', label: 'Logga ut från kommunens inloggning' },
      );
    }
    await ctx.sessions.issue(reply, caller);
    if (tokens.id_token && tokens.id_token.length <= MAX_HINT_LENGTH) reply.setCookie(HINT_COOKIE, tokens.id_token, { ...hintCookie, maxAge: options.sessionSeconds });
    return reply.redirect(flow.till, 303);
  });

  // After POST /logga-ut (web/pages/sign-in.tsx) has ended the session here: end the provider's
  // session too. A page, not a redirect: a form post that redirects to another origin is blocked
  // by the CSP's form-action 'self', so this page sends the browser on by GET (Refresh header,
  // and a link for a browser that does not follow it).
  app.get('/logga-ut/oidc', async (request, reply) => {
    const hint = request.cookies[HINT_COOKIE];
    reply.clearCookie(HINT_COOKIE, hintCookie);
    let config: client.Configuration;
    try {
      config = await provider(request);
    } catch {
      return reply.redirect('/logga-in', 303);
    }
    if (!config.serverMetadata().end_session_endpoint) return reply.redirect('/logga-in', 303);
    const url = client.buildEndSessionUrl(config, { post_logout_redirect_uri: postLogoutUri, ...(hint ? { id_token_hint: hint } : {}) });
    reply.header('Refresh', `0; url=${url.href}`);
    return sendOidcPage(reply, 200, 'Du är utloggad från Samverkan', 'Du skickas nu vidare till kommunens inloggning, så att du loggas ut även där.', { href: url.href, label: 'Logga ut från kommunens inloggning' });
  });
}

/** A page of this flow: what happened, in Swedish, and the one way on. */
function sendOidcPage(reply: FastifyReply, status: number, title: string, message: string, next: { href: string; label: string }) {
  const children = [h('h1', null, title), h('p', null, message), h('p', null, h('a', { href: next.href }, next.label))];
  return sendPage(reply, h(Layout, { title, children }), status);
}

function discover(options: OidcSignInOptions): Promise<client.Configuration> {
  const issuer = new URL(options.issuer);
  const authentication = options.clientSecret ? client.ClientSecretBasic(options.clientSecret) : client.None();
  // openid-client speaks https only; plain http just to a provider on this machine (tests, local development).
  const insecure = issuer.protocol === 'http:' && isLoopback(issuer.hostname.replace(/^\[|\]$/g, ''));
  return client.discovery(issuer, options.clientId, options.clientSecret ? { client_secret: options.clientSecret } : {}, authentication, {
    timeout: 10,
    ...(insecure ? { execute: [client.allowInsecureRequests] } : {}),
  });
}

async function openFlow(sealed: string, key: Uint8Array): Promise<Flow | undefined> {
  try {
    const { payload } = await jwtDecrypt(sealed, key, { keyManagementAlgorithms: ['dir'], contentEncryptionAlgorithms: ['A256GCM'] });
    const { verifier, state, nonce, till } = payload;
    if (typeof verifier !== 'string' || typeof state !== 'string' || typeof nonce !== 'string' || typeof till !== 'string') return undefined;
    return { verifier, state, nonce, till: safeReturn(till) };
  } catch {
    return undefined;
  }
}
