// Signing in through a real OpenID provider (panva's oidc-provider, started here on a port of its
// own with one client that must use PKCE) into the real app, dev server and worker, in Debian's
// chromium: the authorization code flow lands on the inbox, a unit outside the organisation is
// refused in Swedish, a forged state is refused, signing out ends both sessions. The https case
// (Secure cookies) is played by HTTP requests, as a browser cannot reach the app over https here.
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { buildApp } from '../api/app';
import { apiDependencies } from '../api/dependencies';
import { loadConfig } from '../config/env';
import { freePort } from '../infra/free-port';
import { SESSION_COOKIE } from '../web/session';
import { startApiHarness, testSecret, type ApiHarness } from './support/api-harness';
import { testReceiptSecret } from './support/database';
import { checkPage as check } from './support/page-check';
import { chromiumPath } from './support/web-stack';

const FLOW_COOKIE = 'samverkan_oidc';
const clientId = 'samverkan-webb';
const clientSecret = 'test-klienthemlighet';
const scope = 'openid samverkan';
const httpsOrigin = 'https://samverkan.kommun.test';

/** The provider's users: their claims as the municipality's directory would give them. */
const accounts: Record<string, { role: string; unit: string }> = {
  'anna.rvt': { role: 'handlaggare', unit: 'rvt' },
  // Socialjouren is not a unit of the organisation.
  'bo.jouren': { role: 'handlaggare', unit: 'socialjouren' },
};

// oidc-provider ships no types: the little of it this test uses.
interface GrantModel {
  addOIDCScope(scope: string): void;
  save(): Promise<string>;
}
interface ProviderContext {
  oidc: {
    client: { clientId: string };
    session: { accountId: string; grantIdFor(clientId: string): string | undefined };
    result?: { consent?: { grantId?: string } };
    provider: { Grant: { new (init: { clientId: string; accountId: string }): GrantModel; find(id: string): Promise<GrantModel | undefined> } };
  };
}
type ProviderClass = new (issuer: string, configuration: object) => { callback(): (req: IncomingMessage, res: ServerResponse) => void };

let h: ApiHarness;
let origin: string;
let issuer: string;
let providerPort: number;
let providerServer: Server | undefined;
let browser: Browser;
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  const appPort = await freePort();
  providerPort = await freePort();
  origin = `http://127.0.0.1:${appPort}`;
  issuer = `http://127.0.0.1:${providerPort}`;
  // The provider is not up yet: the first test finds it unreachable.
  h = await startApiHarness({ oidc: { issuer, clientId, clientSecret, scope, publicUrl: origin } });
  await h.app.listen({ port: appPort, host: '127.0.0.1' });
  browser = await chromium.launch({ executablePath: chromiumPath() });
});
afterAll(async () => {
  for (const context of contexts) await context.close().catch(() => undefined);
  await browser?.close();
  providerServer?.closeAllConnections();
  await new Promise((resolve) => (providerServer ? providerServer.close(resolve) : resolve(undefined)));
  await h?.close();
});

/** The municipality's provider: one confidential client with PKCE required; first-party, so no consent page. */
async function providerUp(): Promise<void> {
  if (providerServer) return;
  const { Provider } = (await import('oidc-provider' as string)) as { Provider: ProviderClass };
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: clientId,
        client_secret: clientSecret,
        token_endpoint_auth_method: 'client_secret_basic',
        response_types: ['code'],
        grant_types: ['authorization_code'],
        redirect_uris: [`${origin}/logga-in/callback`, `${httpsOrigin}/logga-in/callback`],
        post_logout_redirect_uris: [`${origin}/logga-in`],
      },
    ],
    pkce: { required: () => true },
    scopes: ['openid', 'samverkan'],
    claims: { openid: ['sub'], samverkan: ['role', 'unit'] },
    // The scope's claims in the ID token itself, as the API's bearer tokens carry them.
    conformIdTokenClaims: false,
    findAccount: async (_ctx: unknown, id: string) => {
      const account = accounts[id];
      return account && { accountId: id, claims: async () => ({ sub: id, ...account }) };
    },
    loadExistingGrant: async (ctx: ProviderContext) => {
      const { oidc } = ctx;
      const grantId = oidc.result?.consent?.grantId ?? oidc.session.grantIdFor(oidc.client.clientId);
      if (grantId) return oidc.provider.Grant.find(grantId);
      const grant = new oidc.provider.Grant({ clientId: oidc.client.clientId, accountId: oidc.session.accountId });
      grant.addOIDCScope(scope);
      await grant.save();
      return grant;
    },
    cookies: { keys: ['oidc-test-cookie-key'] },
    features: { devInteractions: { enabled: true }, rpInitiatedLogout: { enabled: true } },
  });
  const server = createServer(provider.callback());
  await new Promise<void>((resolve) => server.listen(providerPort, '127.0.0.1', resolve));
  providerServer = server;
}

async function newPage(): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ locale: 'sv-SE', baseURL: origin });
  contexts.push(context);
  return { context, page: await context.newPage() };
}

/** From a signed-in page, via the sign-in page, to the provider's login form, filled in and sent. */
async function providerForm(page: Page, login: string, till = '/inkorg'): Promise<void> {
  await page.goto(till);
  await page.waitForURL((url) => url.pathname === '/logga-in');
  await page.getByRole('link', { name: 'Logga in med kommunens inloggning' }).click();
  await page.waitForURL((url) => url.origin === issuer);
  await page.getByPlaceholder('Enter any login').fill(login);
  await page.getByPlaceholder('and password').fill('valfritt');
  await page.getByRole('button', { name: 'Sign-in' }).click();
}

/** The login form on the page, sent by the context's own HTTP client; the app's address the provider answers with. */
async function providerAnswer(context: BrowserContext, page: Page, login: string): Promise<string> {
  const action = await page.locator('form').first().getAttribute('action');
  let response = await context.request.post(new URL(action!, issuer).href, { form: { prompt: 'login', login, password: 'valfritt' }, maxRedirects: 0 });
  for (;;) {
    const next = new URL(response.headers().location!, issuer);
    if (next.origin !== issuer) return next.href;
    response = await context.request.get(next.href, { maxRedirects: 0 });
  }
}

/** Signing in as a user does it: back at the app when it returns. */
async function signInAs(page: Page, login: string, till = '/inkorg'): Promise<void> {
  await providerForm(page, login, till);
  await page.waitForURL((url) => url.origin === origin && url.pathname !== '/logga-in/oidc');
}

const heading = (page: Page) => page.getByRole('heading', { level: 1 }).textContent();
const cookieNamed = async (context: BrowserContext, name: string) => (await context.cookies(origin)).find((c) => c.name === name);

test('while the provider cannot be reached, sign-in says so in Swedish and asks it again the next time', async () => {
  expect(providerServer).toBeUndefined();
  const { page } = await newPage();
  const down = await page.goto('/logga-in/oidc?till=%2Finkorg');
  expect(down?.status()).toBe(503);
  await expect(heading(page)).resolves.toBe('Inloggningen går inte att nå');
  await check(page, 'oidc-inloggning-nas-inte');

  await providerUp();
  // The failed discovery was not kept: the same link now leads to the provider.
  await page.goto('/logga-in/oidc?till=%2Finkorg');
  await page.waitForURL((url) => url.origin === issuer);
  await expect(page.getByPlaceholder('Enter any login').count()).resolves.toBe(1);
});

test('signing in through the provider lands on the inbox; the session cookie is HttpOnly and SameSite=Lax', async () => {
  await providerUp();
  const { context, page } = await newPage();
  await page.goto('/inkorg');
  await page.waitForURL((url) => url.pathname === '/logga-in');
  // no demo users when OIDC is configured
  await expect(page.getByRole('radio').count()).resolves.toBe(0);
  await check(page, 'oidc-logga-in');

  const [authorization] = await Promise.all([page.waitForRequest((r) => r.url().startsWith(`${issuer}/auth`)), page.getByRole('link', { name: 'Logga in med kommunens inloggning' }).click()]);
  const asked = new URL(authorization.url()).searchParams;
  expect({ client: asked.get('client_id'), redirect: asked.get('redirect_uri'), type: asked.get('response_type'), method: asked.get('code_challenge_method'), scope: asked.get('scope') }).toEqual({
    client: clientId,
    redirect: `${origin}/logga-in/callback`,
    type: 'code',
    method: 'S256',
    scope,
  });
  for (const parameter of ['state', 'nonce', 'code_challenge']) expect(asked.get(parameter)?.length ?? 0).toBeGreaterThanOrEqual(22);
  // The flow waits in an encrypted cookie for the callback alone, ten minutes at most.
  const flow = await context.cookies(`${origin}/logga-in/callback`).then((cookies) => cookies.find((c) => c.name === FLOW_COOKIE));
  expect(flow).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/logga-in/callback' });
  expect(flow!.expires - Date.now() / 1000).toBeLessThanOrEqual(600);
  expect(flow!.value).not.toContain(asked.get('state')!);

  await page.getByPlaceholder('Enter any login').fill('anna.rvt');
  await page.getByPlaceholder('and password').fill('valfritt');
  await page.getByRole('button', { name: 'Sign-in' }).click();
  await page.waitForURL(`${origin}/inkorg`);
  const header = page.locator('header');
  await expect(header.getByText('Handläggare').count()).resolves.toBe(1);
  await expect(header.getByText(/Relationsvåldsteamet/).count()).resolves.toBe(1);
  await expect(header.getByRole('button', { name: 'Logga ut' }).count()).resolves.toBe(1);

  // PUBLIC_URL is http here, so not Secure (the https case is the last test)
  expect(await cookieNamed(context, SESSION_COOKIE)).toMatchObject({ httpOnly: true, sameSite: 'Lax', secure: false, path: '/' });
  await expect(context.cookies(`${origin}/logga-in/callback`).then((cookies) => cookies.some((c) => c.name === FLOW_COOKIE))).resolves.toBe(false);
});

test('a user whose unit is not in the organisation is refused in Swedish and gets no session', async () => {
  await providerUp();
  const { context, page } = await newPage();
  const [callback] = await Promise.all([page.waitForResponse((r) => r.url().startsWith(`${origin}/logga-in/callback`)), signInAs(page, 'bo.jouren')]);
  expect(callback.status()).toBe(403);
  await expect(heading(page)).resolves.toBe('Du kan inte logga in i Samverkan');
  await expect(page.getByText(/Enheten socialjouren finns inte bland organisationens aktiva enheter/).count()).resolves.toBe(1);
  await check(page, 'oidc-nekad');
  expect(await cookieNamed(context, SESSION_COOKIE)).toBeUndefined();
  await page.goto('/inkorg');
  expect(new URL(page.url()).pathname).toBe('/logga-in');
});

test('a forged state is refused, and the provider\'s answer cannot be used again', async () => {
  await providerUp();
  const { context, page } = await newPage();
  await page.goto('/logga-in/oidc?till=%2Finkorg');
  await page.waitForURL((url) => url.origin === issuer);
  // The provider's answer is fetched with this browser's cookies but not followed (a route cannot
  // hold a redirect back); then someone sends the browser to it with another state.
  const genuine = await providerAnswer(context, page, 'anna.rvt');
  expect(new URL(genuine).pathname).toBe('/logga-in/callback');
  const forged = new URL(genuine);
  forged.searchParams.set('state', 'forfalskad-state-0123456789');
  const refused = await page.goto(forged.href);
  expect(refused?.status()).toBe(400);
  await expect(heading(page)).resolves.toBe('Inloggningen kunde inte slutföras');
  await check(page, 'oidc-misslyckad');
  expect(await cookieNamed(context, SESSION_COOKIE)).toBeUndefined();

  // The genuine answer after that: the flow was used up by the forged one.
  expect((await page.goto(genuine))?.status()).toBe(400);
  expect(await cookieNamed(context, SESSION_COOKIE)).toBeUndefined();
  // And in a browser that never started a sign-in here.
  const { page: stranger, context: strangerContext } = await newPage();
  expect((await stranger.goto(genuine))?.status()).toBe(400);
  expect(await cookieNamed(strangerContext, SESSION_COOKIE)).toBeUndefined();

  // The same steps with the state left alone sign in: it was the state that was refused.
  const { page: control, context: controlContext } = await newPage();
  await control.goto('/logga-in/oidc?till=%2Finkorg');
  await control.waitForURL((url) => url.origin === issuer);
  await control.goto(await providerAnswer(controlContext, control, 'anna.rvt'));
  expect(new URL(control.url()).pathname).toBe('/inkorg');
  expect(await cookieNamed(controlContext, SESSION_COOKIE)).toBeDefined();
});

test('signing out ends the session here and at the provider', async () => {
  await providerUp();
  const { context, page } = await newPage();
  await signInAs(page, 'anna.rvt');
  expect(new URL(page.url()).pathname).toBe('/inkorg');
  expect(await cookieNamed(context, SESSION_COOKIE)).toBeDefined();

  // The form posts to this site (CSP form-action 'self'); a page of ours sends the browser on to the provider.
  const [endSession] = await Promise.all([page.waitForRequest((r) => r.url().startsWith(`${issuer}/session/end?`)), page.getByRole('button', { name: 'Logga ut' }).click()]);
  await page.waitForURL((url) => url.origin === issuer && url.pathname.startsWith('/session/end'));
  // the ID token from signing in goes back as the hint, and the provider returns the user to our sign-in page
  const ended = new URL(endSession.url()).searchParams;
  expect(ended.get('id_token_hint')?.split('.')).toHaveLength(3);
  expect(ended.get('post_logout_redirect_uri')).toBe(`${origin}/logga-in`);
  expect(await cookieNamed(context, SESSION_COOKIE)).toBeUndefined();
  await page.getByRole('button', { name: 'Yes, sign me out' }).click();
  await page.waitForURL(`${origin}/logga-in`);
  await expect(heading(page)).resolves.toBe('Logga in');

  await page.goto('/inkorg');
  expect(new URL(page.url()).pathname).toBe('/logga-in');
  // The provider forgot the user too: signing in asks for the login again.
  await page.getByRole('link', { name: 'Logga in med kommunens inloggning' }).click();
  await page.waitForURL((url) => url.origin === issuer);
  await expect(page.getByPlaceholder('Enter any login').count()).resolves.toBe(1);
});

test('the page between signing out here and at the provider is accessible and links on', async () => {
  await providerUp();
  const { page } = await newPage();
  // Hold the browser on our page: the provider's end-session answers 204 (no navigation).
  await page.route((url) => url.origin === issuer && url.pathname === '/session/end', (route) => route.fulfill({ status: 204 }));
  const response = await page.goto('/logga-ut/oidc');
  expect(response?.status()).toBe(200);
  expect(response?.headers().refresh).toMatch(new RegExp(`^0; url=${issuer}/session/end\\?`));
  await expect(heading(page)).resolves.toBe('Du är utloggad från Samverkan');
  const link = new URL((await page.getByRole('link', { name: 'Logga ut från kommunens inloggning' }).getAttribute('href'))!);
  expect(link.searchParams.get('client_id')).toBe(clientId);
  expect(link.searchParams.get('post_logout_redirect_uri')).toBe(`${origin}/logga-in`);
  await check(page, 'oidc-utloggad');
});

test('over https the flow cookie and the session cookie are Secure, HttpOnly and SameSite=Lax', async () => {
  await providerUp();
  const deps = apiDependencies({
    client: h.env.client,
    pool: h.pool,
    config: {
      receiptSecret: testReceiptSecret,
      stuckAfter: 'P3D',
      auth: {
        jwtSecret: testSecret,
        usesDevSecret: false,
        maxTokenLifetime: 'PT12H',
        clockSkewSeconds: 60,
        sessionSecret: `${testSecret}:webbsession`,
        demoSignIn: false,
        oidcIssuer: issuer,
        oidcAudience: 'samverkan',
        oidcClient: { id: clientId, secret: clientSecret, scope },
      },
      publicUrl: httpsOrigin,
      temporal: { taskQueue: 'samverkan-https' },
    },
    ruleStore: h.ruleStore,
  });
  expect(deps.web.secureCookies).toBe(true);
  const app = await buildApp(deps);
  try {
    const start = await app.inject({ method: 'GET', url: '/logga-in/oidc?till=/inkorg' });
    expect(start.statusCode).toBe(303);
    const authorization = new URL(start.headers.location as string);
    expect(authorization.searchParams.get('redirect_uri')).toBe(`${httpsOrigin}/logga-in/callback`);
    const flow = start.cookies.find((c) => c.name === FLOW_COOKIE);
    expect(flow).toMatchObject({ httpOnly: true, secure: true, sameSite: 'Lax', path: '/logga-in/callback', maxAge: 600 });

    const callback = await providerLogin(authorization, 'anna.rvt');
    expect(callback.origin + callback.pathname).toBe(`${httpsOrigin}/logga-in/callback`);
    const done = await app.inject({ method: 'GET', url: `/logga-in/callback${callback.search}`, cookies: { [FLOW_COOKIE]: flow!.value } });
    expect(done.statusCode).toBe(303);
    expect(done.headers.location).toBe('/inkorg');
    const session = done.cookies.find((c) => c.name === SESSION_COOKIE);
    expect(session).toMatchObject({ httpOnly: true, secure: true, sameSite: 'Lax', path: '/' });
    // the flow cookie is cleared
    expect(done.cookies.find((c) => c.name === FLOW_COOKIE)).toMatchObject({ value: '' });
  } finally {
    await app.close();
  }
});

test('the configuration refuses a sign-in that could not work or could be forged', () => {
  const base = { AUTH_OIDC_ISSUER: 'https://login.kommun.test', AUTH_OIDC_AUDIENCE: 'samverkan', AUTH_OIDC_CLIENT_ID: clientId };
  const production = { ...base, HOST: '0.0.0.0', PUBLIC_URL: 'https://samverkan.kommun.test' };
  // off this machine, a session key derived from the development secret would let anyone forge a session
  expect(() => loadConfig(production)).toThrow(/SESSION_SECRET/);
  expect(loadConfig({ ...production, SESSION_SECRET: 'a-real-secret-from-the-vault' }).auth.oidcClient).toEqual({ id: clientId, scope: 'openid' });
  // the provider sends users back to PUBLIC_URL, whose default is localhost
  expect(() => loadConfig({ ...base, HOST: '0.0.0.0', SESSION_SECRET: 'a-real-secret-from-the-vault' })).toThrow(/PUBLIC_URL/);
  expect(() => loadConfig({ ...base, AUTH_OIDC_SCOPE: 'profile samverkan' })).toThrow(/openid/);
  expect(loadConfig({ ...base, AUTH_OIDC_SCOPE: ' openid  samverkan ', AUTH_OIDC_CLIENT_SECRET: 'hemligt' }).auth.oidcClient).toEqual({ id: clientId, secret: 'hemligt', scope: 'openid samverkan' });
});

/** The provider's login form by plain HTTP (a cookie jar, redirects by hand); the URL it sends the user back to. */
async function providerLogin(authorization: URL, login: string): Promise<URL> {
  const jar = new Map<string, string>();
  const send = async (url: string, init: { method?: string; body?: string } = {}) => {
    const headers: Record<string, string> = { cookie: [...jar].map(([name, value]) => `${name}=${value}`).join('; ') };
    if (init.body) headers['content-type'] = 'application/x-www-form-urlencoded';
    const response = await fetch(url, { ...init, headers, redirect: 'manual' });
    for (const line of response.headers.getSetCookie()) {
      const pair = line.split(';')[0]!;
      jar.set(pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1));
    }
    return response;
  };
  const follow = async (first: Response) => {
    let response = first;
    while (response.status >= 300 && response.status < 400) {
      const next = new URL(response.headers.get('location')!, issuer);
      if (next.origin !== issuer) return { response, leaving: next };
      response = await send(next.href);
    }
    return { response, leaving: undefined };
  };
  const form = await follow(await send(authorization.href));
  const action = /<form[^>]*action="([^"]+)"/.exec(await form.response.text())?.[1];
  expect(action).toBeDefined();
  const back = await follow(await send(new URL(action!, issuer).href, { method: 'POST', body: new URLSearchParams({ prompt: 'login', login, password: 'valfritt' }).toString() }));
  expect(back.leaving).toBeDefined();
  return back.leaving!;
}
