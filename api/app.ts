// Builds the HTTP API: Fastify with zod schemas, an OpenAPI document, bearer-JWT
// authentication on every case route and the routes' role checks after it. Built by a factory
// so tests can inject requests.
import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage } from 'node:http';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type FastifyReply } from 'fastify';
import { jsonSchemaTransform, serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Client, Connection } from '@temporalio/client';
import type { IdempotencyStore } from '../infra/idempotency-store';
import type { Logger } from '../infra/logger';
import type { Metrics } from '../infra/metrics';
import type { Tracing } from '../infra/tracing';
import type { OverdueHistory } from '../infra/overdue-history';
import type { ReceiptLinks } from '../infra/receipt-link-store';
import { findPersonalNumber } from '../domain/personal-number';
import type { Authenticator, Caller } from './auth';
import { createAuthThrottle } from './auth-throttle';
import type { CaseService } from './case-service';
import type { CollaborationService } from './collaboration-service';
import type { FamilyService } from './family-service';
import { familyRoutes } from './routes/family';
import { ApiError, errorHandler } from './errors';
import { registerIdempotency } from './idempotency';
import { checkHealth, type HealthProbe } from './health';
import { checkRole } from './roles';
import { caseRoutes } from './routes/cases';
import { codecPreflight, codecRoutes, type CodecEndpoint } from './routes/codec';
import { collaborationRoutes } from './routes/collaboration';
import { receiptRoutes } from './routes/receipts';
import { ruleRoutes } from './routes/rules';
import type { RuleService } from './rule-service';
import { stuckRoutes } from './routes/stuck';
import type { ReportService } from './report-service';
import { reportRoutes } from './routes/reports';
import type { StuckList } from './stuck-list';
import type { NotificationFailureList } from './notification-failures';
import { notificationFailureRoutes } from './routes/notification-failures';
import type { OrganisationSource } from '../domain/organisation';
import { sendNotFoundPage, wantsPage } from '../web/error-pages';
import { webApp } from '../web/app';
import type { OidcSignInOptions } from '../web/oidc';
import { createSessions } from '../web/session';
import { boundTemporalCalls } from './temporal-calls';

declare module 'fastify' {
  interface FastifyRequest {
    caller: Caller;
  }
}

export interface AppDependencies {
  cases: CaseService;
  collaboration: CollaborationService;
  /** Families of cases (ärendegrupper): links, and each case's view of the others. */
  families: FamilyService;
  stuck: StuckList;
  /** Aggregate follow-up from the event log: the reports and their goals. */
  reports: ReportService;
  /** Notifications the mail server refused for good (SMTP 5xx): the operators' alert list. */
  notificationFailures: NotificationFailureList;
  rules: RuleService;
  /** Missed deadlines per unit and week, for the overview's chart. */
  overdueHistory: OverdueHistory;
  /** The answers to requests sent with an Idempotency-Key (api/idempotency.ts). */
  idempotency: IdempotencyStore;
  /** The Temporal connection, whose calls each request bounds (api/temporal-calls.ts). */
  temporalConnection: Pick<Connection, 'withDeadline'>;
  /** External partners' receipt links: no login, so outside the authenticated routes. */
  receipts: { client: Client; links: ReceiptLinks };
  auth: Authenticator;
  /** Temporal's remote codec endpoint, for reading encrypted histories in the Web UI. */
  codec: CodecEndpoint;
  /** The organisation in force: the web app names units and lists demo users from it. */
  organisation: OrganisationSource;
  /** The web app's pages, on the API's port. */
  web: WebOptions;
  /** Request metrics for GET /metrics on the metrics port (infra/metrics.ts); absent: none kept. */
  metrics?: Metrics;
  /** OpenTelemetry (infra/tracing.ts): a span per request, the trace carried on to Temporal. */
  tracing?: Pick<Tracing, 'fastifyPlugin'>;
  /** The process's log (infra/logger.ts); without it, nothing is logged (tests). */
  logger?: Logger;
  /** Fastify's trustProxy (TRUST_PROXY): the client's address and protocol from a reverse proxy. */
  trustProxy?: boolean | number | string[];
  /** How long a request may take to arrive whole (default 30 s). */
  requestTimeoutMs?: number;
  /**
   * Checks of the dependencies this process has besides Temporal (always checked): `database`,
   * and `smtp` and `worker` where the process runs a worker. Shown by /health and /health/ready.
   */
  health?: Record<string, HealthProbe>;
}

export interface WebOptions {
  sessionSecret: string;
  /** Seconds a browser session lasts. */
  sessionSeconds: number;
  /** The cookies' Secure flag: the service is reached over https. */
  secureCookies: boolean;
  demoSignIn: boolean;
  oidc: boolean;
  /** Signing in with the municipality's OIDC provider (web/oidc.ts): present exactly when `oidc`. */
  oidcSignIn?: OidcSignInOptions;
}

/** An incoming X-Request-Id, if it is a plain token of at most 128 characters; otherwise a new UUID. */
export function requestIdOf(request: IncomingMessage): string {
  const header = request.headers['x-request-id'];
  return typeof header === 'string' && /^[A-Za-z0-9._:-]{1,128}$/.test(header) ? header : randomUUID();
}

/** Trusts the nearest `n` proxies (TRUST_PROXY as a number of hops). */
const hops = (n: number) => (_address: string, hop: number) => hop < n;

/** A request's body may be this large; larger ones are answered 413 before they are read. */
const bodyLimit = 256 * 1024;

export async function buildApp(deps: AppDependencies): Promise<FastifyInstance> {
  const requestTimeout = deps.requestTimeoutMs ?? 30_000;
  const app = Fastify({
    ...(deps.logger ? { loggerInstance: deps.logger as FastifyBaseLogger } : { logger: false }),
    // The proxy's request id when it sends a sane one, else a new one; returned as X-Request-Id.
    requestIdHeader: false,
    genReqId: requestIdOf,
    requestIdLogLabel: 'requestId',
    trustProxy: typeof deps.trustProxy === 'number' ? hops(deps.trustProxy) : (deps.trustProxy ?? false),
    bodyLimit,
    // A body that never arrives does not hold a connection open: 408 once the request has taken
    // longer than this (node checks at the interval, 30 s unless told otherwise).
    serverFactory: (handler) => createServer({ requestTimeout, connectionsCheckingInterval: Math.min(requestTimeout, 5_000) }, handler),
  }).withTypeProvider<ZodTypeProvider>();
  // First: it instruments the hooks and routes registered after it.
  if (deps.tracing) await app.register(deps.tracing.fastifyPlugin);
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.setErrorHandler(errorHandler);
  boundTemporalCalls(app, deps.temporalConnection);
  // Security headers on every answer; nothing of a case is cached by a browser or a proxy.
  await app.register(helmet, {
    contentSecurityPolicy: { directives: { defaultSrc: ["'self'"], frameAncestors: ["'none'"], formAction: ["'self'"], objectSrc: ["'none'"], baseUri: ["'none'"], upgradeInsecureRequests: deps.web.secureCookies ? [] : null } },
    referrerPolicy: { policy: 'no-referrer' },
  });
  if (deps.metrics) {
    const metrics = deps.metrics;
    // By the route's pattern: an address holds a case reference, and every case its own series.
    app.addHook('onResponse', async (request, reply) => {
      metrics.observeRequest({ method: request.method, route: request.routeOptions.url ?? '(ingen)', status: reply.statusCode }, reply.elapsedTime / 1000);
    });
  }
  app.addHook('onSend', async (request, reply) => {
    reply.header('X-Request-Id', request.id);
    // The stylesheet and htmx are the same for everyone: revalidated, not refetched.
    reply.header('Cache-Control', request.url.startsWith('/static/') ? 'no-cache' : 'no-store');
  });
  // A personnummer or samordningsnummer in any field (identifier or free text) is refused
  // before anything is stored or mailed.
  app.addHook('preValidation', async (request) => {
    // The codec endpoint carries encrypted payloads (base64), no text anyone typed.
    if (request.url.startsWith('/codec/')) return;
    for (const [part, value] of [['params', request.params], ['querystring', request.query], ['body', request.body]] as const) {
      const field = findPersonalNumber(value);
      if (field) {
        const message = 'Fältet innehåller ett personnummer eller samordningsnummer; skriv inga personuppgifter i Samverkan';
        throw new ApiError(400, 'OGILTIG_UPPGIFT', `${field}: ${message}`, [{ field: part === 'body' ? field : `${part}.${field}`, message }]);
      }
    }
  });
  app.setNotFoundHandler((request, reply) =>
    wantsPage(request) ? sendNotFoundPage(reply) : reply.code(404).send({ error: { code: 'HITTADES_INTE', message: 'Sidan finns inte', fields: [] } }),
  );

  await app.register(swagger, {
    openapi: {
      info: { title: 'Samverkan', description: 'Samverkan kring våld i nära relationer', version: '0.1.0' },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } } },
    },
    transform: jsonSchemaTransform,
  });

  // Every dependency's state within 2 s, 503 naming those that are down in `fel`. Readiness leaves
  // out the mail server: requests are served without it, and mail waits and is retried.
  const health = (only?: (name: string) => boolean) => async (_request: unknown, reply: FastifyReply) => {
    const probes = Object.entries({ temporal: () => deps.cases.temporalHealthy(), ...deps.health }).filter(([name]) => !only || only(name));
    const states = await checkHealth(Object.fromEntries(probes));
    const down = Object.keys(states).filter((name) => states[name] !== 'ok');
    return reply.code(down.length ? 503 : 200).send({ status: down.length ? 'fel' : 'ok', ...states, ...(down.length ? { fel: down } : {}) });
  };
  app.get('/health', { schema: { hide: true } }, health());
  app.get('/health/ready', { schema: { hide: true } }, health((name) => name !== 'smtp'));
  // Liveness: the process runs and answers; no dependency is asked.
  app.get('/health/live', { schema: { hide: true } }, async () => ({ status: 'ok' }));
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  // The receipt links need no login: at most 30 requests a minute from one address.
  await app.register(async (open) => {
    await open.register(rateLimit, { max: 30, timeWindow: '1 minute' });
    await open.register(receiptRoutes({ client: deps.receipts.client, receipts: deps.receipts.links }));
  });

  const throttle = createAuthThrottle({ maxFailures: 20, windowMs: 5 * 60_000 });
  // A browser's CORS preflight to /codec carries no token (only with CODEC_CORS_ORIGIN).
  await app.register(codecPreflight(deps.codec));
  await app.register(async (authenticated) => {
    authenticated.decorateRequest('caller', null as unknown as Caller);
    authenticated.addHook('onRequest', async (request) => {
      throttle.check(request.ip);
      try {
        request.caller = await deps.auth.authenticate(request.headers.authorization);
      } catch (error) {
        // Only a refused token counts: a database that is down while the caller is admitted must
        // not lock everyone behind one address out for the window once it is back.
        if (error instanceof ApiError && error.statusCode === 401) throttle.failed(request.ip);
        throw error;
      }
    });
    authenticated.addHook('preHandler', checkRole);
    // After the role check: the same creating request with the same Idempotency-Key is done once.
    registerIdempotency(authenticated, deps.idempotency, deps.codec.codecs);
    await authenticated.register(caseRoutes(deps.cases));
    await authenticated.register(collaborationRoutes(deps.collaboration));
    await authenticated.register(familyRoutes(deps.families));
    await authenticated.register(stuckRoutes(deps.stuck));
    await authenticated.register(reportRoutes(deps.reports));
    await authenticated.register(notificationFailureRoutes(deps.notificationFailures));
    await authenticated.register(ruleRoutes(deps.rules));
    await authenticated.register(codecRoutes(deps.codec));
  });

  // The pages people use: the same services, a session cookie instead of a bearer token.
  const sessions = createSessions({ secret: deps.web.sessionSecret, secure: deps.web.secureCookies, authenticator: deps.auth, lifetimeSeconds: deps.web.sessionSeconds });
  const oidcSignIn = deps.web.oidcSignIn && { ...deps.web.oidcSignIn, authenticator: deps.auth, secret: deps.web.sessionSecret, secureCookies: deps.web.secureCookies, sessionSeconds: deps.web.sessionSeconds };
  await app.register(webApp({ services: deps, organisation: deps.organisation, sessions, demoSignIn: deps.web.demoSignIn, oidc: deps.web.oidc, secureCookies: deps.web.secureCookies, oidcSignIn }));
  return app;
}
