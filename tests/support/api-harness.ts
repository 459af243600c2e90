/* eslint-disable @typescript-eslint/no-explicit-any -- JSON answers are read as the client sees them */
// The API on the real Temporal dev server with a real worker, SMTP server and database;
// requests go through Fastify's inject.
import type { Client } from '@temporalio/client';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import type { FastifyInstance } from 'fastify';
import type pg from 'pg';
import { buildApp, type AppDependencies } from '../../api/app';
import type { Logger } from '../../infra/logger';
import { signLocalToken, type Caller } from '../../api/auth';
import { apiDependencies } from '../../api/dependencies';
import type { HealthProbe } from '../../api/health';
import { defaultOrganisation } from '../../domain/organisation';
import { defaultRules } from '../../domain/default-rules';
import { createPgRuleStore, type RuleStore } from '../../infra/rule-store';
import { randomUUID } from 'node:crypto';
import { allSearchAttributes } from '../../domain/search-attributes';
import { startMailCatcher, type MailCatcher } from '../../infra/mail-catcher';
import { temporalCliPath } from '../../infra/temporal-binaries';
import { openDatabase } from '../../infra/database';
import { openTestDatabase, testReceiptSecret } from './database';
import { testDataConverter } from './payload-keys';
import { startTestWorker } from './test-worker';

export const testSecret = 'api-test-secret';

export interface ApiHarness {
  app: FastifyInstance;
  env: TestWorkflowEnvironment;
  mail: MailCatcher;
  pool: pg.Pool;
  /** The rule versions of this harness alone (a scope of its own in the shared test database). */
  ruleStore: RuleStore;
  /** A new store on the same versions, as a restarted process (or another one) opens it. */
  reopenRuleStore(): RuleStore;
  token(caller: Partial<Caller> & Pick<Caller, 'unit'>): Promise<string>;
  /** A request as a user of a unit (a handläggare unless the role says otherwise); JSON back. */
  callAs(method: 'GET' | 'POST', url: string, caller: Partial<Caller> & Pick<Caller, 'unit'>, payload?: unknown): Promise<{ status: number; body: Record<string, any> }>;
  close(): Promise<void>;
}

/** Signing in with an OIDC provider, as AUTH_OIDC_* and PUBLIC_URL configure it. */
export interface HarnessOidc {
  issuer: string;
  clientId: string;
  clientSecret?: string;
  scope?: string;
  /** The address the browser uses: the redirect URI is built from it. */
  publicUrl: string;
}

/**
 * `dbFilename`: the dev server keeps its state in this SQLite file (default: in memory).
 * `codecCorsOrigin`: the Web UI origin the codec endpoint allows (default: none).
 * `oidc`: the web app signs in through this provider and has no demo users; as in production,
 * bearer tokens are then the provider's too, so `token` and `callAs` are refused.
 * `databaseUrl`: the database of API and worker (default: the test database), e.g. through a proxy.
 * `apiClient`: the API's Temporal client (default: the environment's; the worker keeps its own).
 * `health`: checks for /health besides Temporal and the database, as `npm start` adds SMTP and the worker.
 */
export async function startApiHarness(
  options: {
    stuckAfter?: string;
    requestTimeoutMs?: number;
    dbFilename?: string;
    codecCorsOrigin?: string;
    oidc?: HarnessOidc;
    databaseUrl?: string;
    apiClient?: (env: TestWorkflowEnvironment) => Promise<Client>;
    health?: Record<string, HealthProbe>;
    /** The process's log (infra/logger.ts); without it the app logs nothing. */
    logger?: Logger;
    /** Changes the app's dependencies before it is built: a fault no real part can be made to show (a bug). */
    adjust?: (deps: AppDependencies) => AppDependencies;
    /**
     * A Temporal namespace of the file's own (default: `default`): the stuck list's table is in the
     * shared test database, scoped by namespace, so a file that counts it whole needs one.
     */
    namespace?: string;
  } = {},
): Promise<ApiHarness> {
  const env = await TestWorkflowEnvironment.createLocal({
    server: {
      executable: { type: 'existing-path', path: temporalCliPath() },
      searchAttributes: allSearchAttributes,
      ...(options.dbFilename ? { dbFilename: options.dbFilename } : {}),
      ...(options.namespace ? { namespace: options.namespace } : {}),
    },
    // Encrypted with the test key, as in production; the worker encodes as this client does.
    client: { dataConverter: testDataConverter },
  });
  const mail = await startMailCatcher();
  const pool = options.databaseUrl ? await openDatabase(options.databaseUrl) : await openTestDatabase();
  const ruleScope = { scope: `test-${randomUUID()}`, seed: { organisation: defaultOrganisation, rules: defaultRules } };
  const ruleStore = createPgRuleStore(pool, ruleScope);
  const worker = await startTestWorker(env, mail, pool, async () => (await ruleStore.current()).organisation);
  const adjust = options.adjust ?? ((deps: AppDependencies) => deps);
  const app = await buildApp(adjust({
    ...apiDependencies({
      client: options.apiClient ? await options.apiClient(env) : env.client,
      pool,
      config: {
        receiptSecret: testReceiptSecret,
        stuckAfter: options.stuckAfter ?? 'P3D',
        auth: {
          jwtSecret: testSecret,
          usesDevSecret: false,
          maxTokenLifetime: 'PT12H',
          clockSkewSeconds: 60,
          sessionSecret: `${testSecret}:webbsession`,
          demoSignIn: !options.oidc,
          ...(options.oidc
            ? {
                oidcIssuer: options.oidc.issuer,
                oidcAudience: 'samverkan',
                oidcClient: { id: options.oidc.clientId, scope: options.oidc.scope ?? 'openid', ...(options.oidc.clientSecret ? { secret: options.oidc.clientSecret } : {}) },
              }
            : {}),
        },
        publicUrl: options.oidc?.publicUrl ?? 'http://127.0.0.1',
        temporal: { taskQueue: worker.taskQueue },
        ...(options.codecCorsOrigin ? { codecCorsOrigin: options.codecCorsOrigin } : {}),
      },
      ruleStore,
      ...(options.health ? { health: options.health } : {}),
    }),
    ...(options.requestTimeoutMs ? { requestTimeoutMs: options.requestTimeoutMs } : {}),
    ...(options.logger ? { logger: options.logger } : {}),
  }));
  const token: ApiHarness['token'] = (caller) => signLocalToken({ sub: `${caller.unit}-user`, role: 'handlaggare', ...caller }, testSecret);
  return {
    app,
    env,
    mail,
    pool,
    ruleStore,
    reopenRuleStore: () => createPgRuleStore(pool, ruleScope),
    token,
    async callAs(method, url, caller, payload) {
      const response = await app.inject({
        method,
        url,
        headers: { authorization: `Bearer ${await token(caller)}` },
        ...(payload === undefined ? {} : { payload: payload as object }),
      });
      return { status: response.statusCode, body: response.json() as Record<string, any> };
    },
    async close() {
      await app.close();
      await worker.stop();
      await mail.close();
      await pool.end();
      await env.teardown();
    },
  };
}
