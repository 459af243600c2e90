// The web app: server-rendered pages on the API's port, calling the API's services. Cookies carry
// the session and the CSRF secret; every form post is checked against its token. Assets (the
// stylesheet, htmx for live lists) are served from this project, never from a CDN.
import cookie from '@fastify/cookie';
import csrf from '@fastify/csrf-protection';
import formbody from '@fastify/formbody';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { Caller } from '../api/auth';
import { projectRoot } from '../infra/project-root';
import { checkRole } from '../api/roles';
import type { WebContext } from './context';
import { registerFormOnce } from './form-once';
import { webErrorHandler } from './error-pages';
import { signInPages } from './pages/sign-in';
import { oidcPages, type OidcRouteOptions } from './oidc';
import { homePages } from './pages/home';
import { inboxPages } from './pages/inbox';
import { casePages } from './pages/cases';
import { overviewPages } from './pages/overview';
import { rulesPages } from './pages/rules';
import { caseViewPages } from './pages/case';
import { handoverPages } from './pages/handover';
import { meetingPages } from './pages/meeting';
import { disputePages } from './pages/dispute';
import { familyPages } from './pages/family';
import { reportPages } from './pages/reports';
import { reportGoalPages } from './pages/report-goals';

const staticFiles = new Set(['app.css', 'htmx.min.js']);
const htmxDir = path.dirname(createRequire(import.meta.url).resolve('htmx.org/dist/htmx.min.js'));

/** The pages a signed-in user reaches; each module registers its own routes here. */
const signedInPages: ((app: FastifyInstance, ctx: WebContext) => Promise<void>)[] = [homePages, inboxPages, casePages, overviewPages, rulesPages, caseViewPages, handoverPages, meetingPages, disputePages, familyPages, reportPages, reportGoalPages];

export function webApp(ctx: WebContext & { secureCookies: boolean; oidcSignIn?: OidcRouteOptions | undefined }): FastifyPluginAsync {
  return async (app) => {
    await app.register(cookie);
    await app.register(csrf, { cookieOpts: { path: '/', httpOnly: true, sameSite: 'strict', secure: ctx.secureCookies }, getToken: (request) => (request.body as { _csrf?: string } | undefined)?._csrf });
    // Browsers post forms urlencoded; here only (the API takes JSON).
    await app.register(formbody);
    await app.register(fastifyStatic, {
      root: [path.join(projectRoot, 'web', 'static'), htmxDir],
      prefix: '/static/',
      allowedPath: (pathName) => staticFiles.has(pathName.replace(/^\//, '')),
      cacheControl: false,
    });
    app.setErrorHandler(webErrorHandler);

    await signInPages(app, ctx);
    if (ctx.oidcSignIn) await oidcPages(app, ctx, ctx.oidcSignIn);
    await app.register(async (signedIn) => {
      signedIn.decorateRequest('caller', null as unknown as Caller);
      signedIn.addHook('onRequest', async (request, reply) => {
        const caller = await ctx.sessions.read(request);
        if (caller) {
          request.caller = caller;
          return;
        }
        // A live list asking after the session ended: htmx follows this header with a full page.
        if (request.headers['hx-request']) return reply.code(401).header('HX-Redirect', '/logga-in').send();
        return reply.redirect(`/logga-in?till=${encodeURIComponent(request.url)}`, 303);
      });
      signedIn.addHook('preValidation', (request, reply, done) => (request.method === 'POST' ? signedIn.csrfProtection(request, reply, done) : done()));
      // The API's role table, with the same refusals.
      signedIn.addHook('preHandler', checkRole);
      registerFormOnce(signedIn, ctx.services.idempotency);
      for (const pages of signedInPages) await pages(signedIn, ctx);
    });
  };
}
