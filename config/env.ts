// Configuration, parsed once at start-up: a wrong value stops the process with a clear message.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { defaultOrganisation, OrganisationSchema, type Organisation } from '../domain/organisation';
import { describeIssues, isoDuration, z } from '../domain/zod';
import { logLevels } from '../infra/logger';
import { temporalTarget, type TemporalTarget } from '../infra/temporal-connection';
import { parsePayloadKeys, type PayloadKeyring } from '../infra/payload-codec';

export const DEV_JWT_SECRET = 'samverkan-dev-secret-change-me-in-production';

const port = z.coerce.number().int().min(1).max(65535);
const optional = z
  .string()
  .optional()
  .transform((value) => (value === undefined || value.trim() === '' ? undefined : value));

const EnvSchema = z.object({
  PORT: port.default(3000),
  HOST: z.string().default('127.0.0.1'),
  PUBLIC_URL: optional,
  DATA_DIR: z.string().default('data'),
  /** How much the process logs (JSON lines on stdout): fatal, error, warn, info, debug, trace or silent. */
  LOG_LEVEL: z.enum(logLevels).default('info'),
  /** Prometheus metrics (GET /metrics) on this port, apart from the public one; unset: none. */
  METRICS_PORT: port.optional(),
  METRICS_HOST: z.string().default('127.0.0.1'),
  /** OpenTelemetry tracing over OTLP/HTTP (infra/tracing.ts): on when either endpoint is set. */
  OTEL_EXPORTER_OTLP_ENDPOINT: optional.refine((value) => value === undefined || URL.canParse(value), { message: 'Ange en http(s)-adress, till exempel http://otel-collector:4318' }),
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: optional.refine((value) => value === undefined || URL.canParse(value), { message: 'Ange en http(s)-adress, till exempel http://otel-collector:4318/v1/traces' }),
  OTEL_SERVICE_NAME: optional,
  /** OpenTelemetry's own switches: OTEL_SDK_DISABLED=true or OTEL_TRACES_EXPORTER=none turn tracing off. */
  OTEL_SDK_DISABLED: optional,
  OTEL_TRACES_EXPORTER: optional,
  /** Behind a reverse proxy: trust its X-Forwarded-* (true, a hop count, or the proxy's addresses, comma-separated). */
  TRUST_PROXY: optional,
  TEMPORAL_ADDRESS: optional,
  TEMPORAL_NAMESPACE: z.string().default('default'),
  TEMPORAL_TASK_QUEUE: z.string().default('samverkan'),
  TEMPORAL_DEV_PORT: port.default(7233),
  TEMPORAL_UI_PORT: port.default(8233),
  SMTP_URL: optional,
  MAIL_FROM: z.string().default('Samverkan <noreply@samverkan.local>'),
  MAILCATCHER_SMTP_PORT: port.default(1025),
  MAILCATCHER_HTTP_PORT: port.default(1080),
  /** Absent: `npm start` runs the embedded database (infra/embedded-database.ts). */
  DATABASE_URL: optional,
  AUTH_JWT_SECRET: optional,
  AUTH_OIDC_ISSUER: optional,
  AUTH_OIDC_AUDIENCE: optional,
  AUTH_JWKS_URL: optional,
  /** The web app's client at the OIDC issuer (authorization code flow with PKCE). */
  AUTH_OIDC_CLIENT_ID: optional,
  AUTH_OIDC_CLIENT_SECRET: optional,
  /** Scopes the web app asks for: the ID token must carry `role` and `unit` (web/oidc.ts). */
  AUTH_OIDC_SCOPE: z
    .string()
    .default('openid')
    .refine((value) => value.split(/\s+/).includes('openid'), { message: 'Ange scopes åtskilda med mellanslag, bland dem openid' }),
  /** Signs the web app's session cookies; default derived from AUTH_JWT_SECRET. */
  SESSION_SECRET: optional,
  /** The local sign-in page with demo users, also when AUTH_JWT_SECRET is set (tests). Never with OIDC or beyond 127.0.0.1. */
  DEMO_SIGN_IN: z.enum(['true', 'false']).optional(),
  /** The longest lifetime (exp − iat) a token may have, and how far a clock may be ahead. */
  AUTH_MAX_TOKEN_LIFETIME: isoDuration.default('PT12H'),
  AUTH_CLOCK_SKEW_SECONDS: z.coerce.number().int().min(0).max(600).default(60),
  ORGANISATION_FILE: optional,
  RECEIPT_LINK_SECRET: optional,
  STUCK_AFTER: isoDuration.default('P3D'),
  DIGEST_AT: z
    .string()
    .regex(/^([01]\d|2[0-3]):[0-5]\d$/, { message: 'Ange klockslag som TT:MM, till exempel 07:30' })
    .default('07:30'),

  // ---- Raw storage: the keys that encrypt what Temporal stores (infra/payload-codec.ts) ----
  /** `id:base64,id:base64`: every key that may have written a stored payload, 32 bytes each. */
  PAYLOAD_KEYS: optional,
  /** The key new payloads are written with; default the first of PAYLOAD_KEYS. */
  PAYLOAD_KEY_ID: optional,
  /** The Temporal Web UI's origin, allowed to call /codec from a browser; default none. */
  CODEC_CORS_ORIGIN: optional,
});

/** Every setting this code reads (besides Temporal's own TEMPORAL_* ones, read by @temporalio/envconfig). */
export const settingNames: readonly string[] = Object.keys(EnvSchema.shape);

/** Temporal's environment configuration, or a configuration error that says which setting is wrong. */
function temporalTargetOrExplain(env: NodeJS.ProcessEnv): TemporalTarget {
  try {
    return temporalTarget(env);
  } catch (error) {
    throw new Error(`Felaktig konfiguration: Temporal-inställningarna (TEMPORAL_*, TEMPORAL_PROFILE, TEMPORAL_CONFIG_FILE) kan inte läsas: ${(error as Error).message}`);
  }
}

/** An OTLP endpoint is set, and OpenTelemetry's own switches do not turn tracing off. */
function tracingConfigured(e: Pick<z.infer<typeof EnvSchema>, 'OTEL_EXPORTER_OTLP_ENDPOINT' | 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT' | 'OTEL_SDK_DISABLED' | 'OTEL_TRACES_EXPORTER'>): boolean {
  if (e.OTEL_SDK_DISABLED?.trim().toLowerCase() === 'true') return false;
  if (e.OTEL_TRACES_EXPORTER?.split(',').some((name) => name.trim() === 'none')) return false;
  return Boolean(e.OTEL_EXPORTER_OTLP_ENDPOINT || e.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT);
}

/** TRUST_PROXY: `true`, a number of hops, or addresses and CIDR ranges, comma-separated. */
function trustProxyOf(value: string | undefined): AppConfig['trustProxy'] {
  if (value === undefined || value === 'false') return false;
  if (value === 'true') return true;
  if (/^\d+$/.test(value)) return Number(value);
  return value.split(',').map((part) => part.trim()).filter(Boolean);
}

export interface AppConfig {
  port: number;
  host: string;
  logLevel: (typeof logLevels)[number];
  /** Where GET /metrics is served (infra/metrics.ts); absent: nowhere. */
  metrics?: { host: string; port: number };
  /** OpenTelemetry tracing (infra/tracing.ts): present when an OTLP endpoint is configured. */
  tracing?: { serviceName?: string };
  /** Fastify's trustProxy: false unless TRUST_PROXY says otherwise. */
  trustProxy: boolean | number | string[];
  publicUrl: string;
  dataDir: string;
  temporal: {
    /** Absent: `npm start` runs a local dev server. */
    address?: string;
    namespace: string;
    taskQueue: string;
    /** TLS, API key and gRPC metadata, as Temporal's environment configuration gives them (infra/temporal-connection.ts). */
    connection: TemporalTarget['connection'];
    devPort: number;
    uiPort: number;
  };
  mail: { smtpUrl?: string; from: string; catcherSmtpPort: number; catcherHttpPort: number };
  /** PostgreSQL. Absent: `npm start` runs an embedded one under the data dir; the standalone processes refuse to start. */
  databaseUrl?: string;
  auth: {
    jwtSecret: string;
    usesDevSecret: boolean;
    oidcIssuer?: string;
    oidcAudience?: string;
    jwksUrl?: string;
    /** ISO duration: a token living longer than this (exp − iat, or exp − now without iat) is refused. */
    maxTokenLifetime: string;
    clockSkewSeconds: number;
    /** The web app's OIDC client: present when the issuer is, for signing in with a browser. */
    oidcClient?: { id: string; secret?: string; scope: string };
    /** Signs the web app's session cookie (web/session.ts). */
    sessionSecret: string;
    /**
     * The sign-in page that lets anyone pick a demo user: only without an OIDC issuer, only while
     * the server listens on this machine (127.0.0.1), and only with the development secret unless
     * DEMO_SIGN_IN=true.
     */
    demoSignIn: boolean;
  };
  organisation: Organisation;
  /** Signs the single-use links with which external partners confirm a handover. */
  receiptSecret: string;
  /** An item waiting longer than this is on the stuck list even before its deadline. */
  stuckAfter: string;
  /** When, on Swedish working days, managers get their digest of escalations (HH:MM, Europe/Stockholm). */
  digestAt: string;

  // ---- Raw storage ----
  /**
   * The payload codec's keys (PAYLOAD_KEYS, PAYLOAD_KEY_ID). Absent when not configured: then
   * `npm start` keeps a local key under the data dir, and the standalone processes refuse to start.
   */
  payloadKeys?: PayloadKeyring;
  /** The one browser origin (the Temporal Web UI's) that may call the codec endpoint. */
  codecCorsOrigin?: string;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    const lines = describeIssues(parsed.error).map((i) => `  ${i.field}: ${i.message}`);
    throw new Error(`Felaktig konfiguration:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  // The names this project used before it read Temporal's own: say so rather than ignore them.
  const renamed = { TEMPORAL_TLS_CERT: 'TEMPORAL_TLS_CLIENT_CERT_PATH', TEMPORAL_TLS_KEY: 'TEMPORAL_TLS_CLIENT_KEY_PATH', TEMPORAL_TLS_CA: 'TEMPORAL_TLS_SERVER_CA_CERT_PATH' };
  for (const [old, now] of Object.entries(renamed)) {
    if (env[old]) throw new Error(`Felaktig konfiguration: ${old} heter nu ${now}, som i Temporals egna verktyg`);
  }
  const target = temporalTargetOrExplain(env);
  if (e.AUTH_OIDC_CLIENT_ID && !e.AUTH_OIDC_ISSUER) {
    throw new Error('Felaktig konfiguration: AUTH_OIDC_CLIENT_ID kräver AUTH_OIDC_ISSUER');
  }
  if (e.AUTH_OIDC_ISSUER && !e.AUTH_OIDC_AUDIENCE) {
    throw new Error('Felaktig konfiguration: AUTH_OIDC_AUDIENCE krävs tillsammans med AUTH_OIDC_ISSUER');
  }
  // The development secret is in the source: anyone could mint tokens with it. Only on this machine.
  if (!e.AUTH_JWT_SECRET && !e.AUTH_OIDC_ISSUER && !isLoopback(e.HOST)) {
    throw new Error(`Felaktig konfiguration: API:t lyssnar på ${e.HOST} men AUTH_JWT_SECRET (eller AUTH_OIDC_ISSUER) är inte satt; utvecklingshemligheten får bara användas på 127.0.0.1`);
  }
  // The session cookie's key would otherwise derive from the development secret: anyone could forge a session.
  if (!e.SESSION_SECRET && !e.AUTH_JWT_SECRET && !isLoopback(e.HOST)) {
    throw new Error(`Felaktig konfiguration: API:t lyssnar på ${e.HOST} men SESSION_SECRET är inte satt; webbsessionerna skulle signeras med utvecklingshemligheten`);
  }
  // The provider sends users back to PUBLIC_URL: the default (localhost) only works on this machine.
  if (e.AUTH_OIDC_CLIENT_ID && !e.PUBLIC_URL && !isLoopback(e.HOST)) {
    throw new Error('Felaktig konfiguration: AUTH_OIDC_CLIENT_ID kräver PUBLIC_URL (inloggningens återadress är PUBLIC_URL/logga-in/callback)');
  }
  return {
    port: e.PORT,
    host: e.HOST,
    logLevel: e.LOG_LEVEL,
    ...(e.METRICS_PORT ? { metrics: { host: e.METRICS_HOST, port: e.METRICS_PORT } } : {}),
    ...(tracingConfigured(e) ? { tracing: e.OTEL_SERVICE_NAME ? { serviceName: e.OTEL_SERVICE_NAME } : {} } : {}),
    trustProxy: trustProxyOf(e.TRUST_PROXY),
    publicUrl: e.PUBLIC_URL ?? `http://localhost:${e.PORT}`,
    dataDir: path.resolve(e.DATA_DIR),
    temporal: {
      ...(target.address ? { address: target.address } : {}),
      namespace: target.namespace ?? e.TEMPORAL_NAMESPACE,
      taskQueue: e.TEMPORAL_TASK_QUEUE,
      connection: target.connection,
      devPort: e.TEMPORAL_DEV_PORT,
      uiPort: e.TEMPORAL_UI_PORT,
    },
    mail: { ...(e.SMTP_URL ? { smtpUrl: e.SMTP_URL } : {}), from: e.MAIL_FROM, catcherSmtpPort: e.MAILCATCHER_SMTP_PORT, catcherHttpPort: e.MAILCATCHER_HTTP_PORT },
    ...(e.DATABASE_URL ? { databaseUrl: e.DATABASE_URL } : {}),
    auth: {
      jwtSecret: e.AUTH_JWT_SECRET ?? DEV_JWT_SECRET,
      usesDevSecret: !e.AUTH_JWT_SECRET,
      ...(e.AUTH_OIDC_ISSUER ? { oidcIssuer: e.AUTH_OIDC_ISSUER } : {}),
      ...(e.AUTH_OIDC_AUDIENCE ? { oidcAudience: e.AUTH_OIDC_AUDIENCE } : {}),
      ...(e.AUTH_JWKS_URL ? { jwksUrl: e.AUTH_JWKS_URL } : {}),
      maxTokenLifetime: e.AUTH_MAX_TOKEN_LIFETIME,
      clockSkewSeconds: e.AUTH_CLOCK_SKEW_SECONDS,
      ...(e.AUTH_OIDC_CLIENT_ID ? { oidcClient: { id: e.AUTH_OIDC_CLIENT_ID, ...(e.AUTH_OIDC_CLIENT_SECRET ? { secret: e.AUTH_OIDC_CLIENT_SECRET } : {}), scope: e.AUTH_OIDC_SCOPE.trim().split(/\s+/).join(' ') } } : {}),
      sessionSecret: e.SESSION_SECRET ?? `${e.AUTH_JWT_SECRET ?? DEV_JWT_SECRET}:webbsession`,
      // Anyone reaching the page could be anyone: only on this machine, without OIDC, and with the
      // development secret (npm start as it comes) unless asked for.
      // (A reverse proxy in front of 127.0.0.1 shows in PUBLIC_URL: its host must be this machine too.)
      demoSignIn:
        !e.AUTH_OIDC_ISSUER &&
        isLoopback(e.HOST) &&
        (!e.PUBLIC_URL || (URL.canParse(e.PUBLIC_URL) && isLoopback(new URL(e.PUBLIC_URL).hostname))) &&
        (e.DEMO_SIGN_IN === 'true' || (!e.AUTH_JWT_SECRET && e.DEMO_SIGN_IN !== 'false')),
    },
    organisation: e.ORGANISATION_FILE ? loadOrganisation(e.ORGANISATION_FILE) : defaultOrganisation,
    receiptSecret: e.RECEIPT_LINK_SECRET ?? `${e.AUTH_JWT_SECRET ?? DEV_JWT_SECRET}:kvittenslank`,
    stuckAfter: e.STUCK_AFTER,
    digestAt: e.DIGEST_AT,
    ...rawStorage(e),
  };
}

/** The raw-storage block: the payload keys and the codec endpoint's browser origin. */
function rawStorage(e: Pick<z.infer<typeof EnvSchema>, 'PAYLOAD_KEYS' | 'PAYLOAD_KEY_ID' | 'CODEC_CORS_ORIGIN'>): Pick<AppConfig, 'payloadKeys' | 'codecCorsOrigin'> {
  let payloadKeys: PayloadKeyring | undefined;
  if (e.PAYLOAD_KEYS) {
    try {
      payloadKeys = parsePayloadKeys(e.PAYLOAD_KEYS, e.PAYLOAD_KEY_ID);
    } catch (error) {
      throw new Error(`Felaktig konfiguration: PAYLOAD_KEYS: ${(error as Error).message}`);
    }
  } else if (e.PAYLOAD_KEY_ID) {
    throw new Error('Felaktig konfiguration: PAYLOAD_KEY_ID kräver PAYLOAD_KEYS');
  }
  let codecCorsOrigin: string | undefined;
  if (e.CODEC_CORS_ORIGIN) {
    const origin = e.CODEC_CORS_ORIGIN.trim().replace(/\/$/, '');
    let parsed: URL | undefined;
    try {
      parsed = new URL(origin);
    } catch {
      parsed = undefined;
    }
    if (!parsed || parsed.origin !== origin || !/^https?:$/.test(parsed.protocol)) {
      throw new Error('Felaktig konfiguration: CODEC_CORS_ORIGIN: ange Temporal Web UI:s origin utan sökväg, till exempel https://temporal.kommun.se');
    }
    codecCorsOrigin = origin;
  }
  return { ...(payloadKeys ? { payloadKeys } : {}), ...(codecCorsOrigin ? { codecCorsOrigin } : {}) };
}

/** The database, which a standalone API or worker process cannot run without (only `npm start` embeds one). */
export function requireDatabaseUrl(config: Pick<AppConfig, 'databaseUrl'>, which: string): string {
  if (!config.databaseUrl) throw new Error(`Ange DATABASE_URL innan ${which} körs fristående: den inbyggda databasen finns bara i npm start (docs/operations.md)`);
  return config.databaseUrl;
}

/** The payload keys, which a standalone API or worker process cannot run without. */
export function requirePayloadKeys(config: Pick<AppConfig, 'payloadKeys'>, which: string): PayloadKeyring {
  if (!config.payloadKeys) {
    throw new Error(`Ange PAYLOAD_KEYS (och PAYLOAD_KEY_ID) innan ${which} körs fristående: samma nycklar i varje API- och worker-process (docs/operations.md)`);
  }
  return config.payloadKeys;
}

function loadOrganisation(file: string): Organisation {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new Error(`Felaktig konfiguration: ORGANISATION_FILE: ${file} går inte att läsa som JSON (${(error as Error).message})`);
  }
  const parsed = OrganisationSchema.safeParse(json);
  if (!parsed.success) {
    const lines = describeIssues(parsed.error).map((i) => `  ${i.field}: ${i.message}`);
    throw new Error(`Felaktig organisation i ${file}:\n${lines.join('\n')}`);
  }
  return parsed.data;
}

/** An address only this machine can reach. */
export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}
