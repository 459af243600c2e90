// The API on the real Temporal dev server with a real worker, SMTP server and database;
// requests go through Fastify's inject.
import { randomUUID } from 'node:crypto';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import type { FastifyInstance } from 'fastify';
import nodemailer from 'nodemailer';
import type pg from 'pg';
import { createPgNotificationLedger } from '../../activities/notification-ledger';
import { buildApp } from '../../api/app';
import { createAuthenticator, signLocalToken, type Caller } from '../../api/auth';
import { createCaseService } from '../../api/case-service';
import { defaultOrganisation } from '../../domain/organisation';
import { defaultRules } from '../../domain/rules';
import { allSearchAttributes } from '../../domain/search-attributes';
import { startMailCatcher, type MailCatcher } from '../../infra/mail-catcher';
import { temporalCliPath } from '../../infra/temporal-binaries';
import { createCaseWorker } from '../../workers/worker';
import { openTestDatabase } from './database';
import { workflowBundle } from './workflow-harness';

export const testSecret = 'api-test-secret';

export interface ApiHarness {
  app: FastifyInstance;
  env: TestWorkflowEnvironment;
  mail: MailCatcher;
  pool: pg.Pool;
  token(caller: Partial<Caller> & Pick<Caller, 'unit'>): Promise<string>;
  close(): Promise<void>;
}

export async function startApiHarness(): Promise<ApiHarness> {
  const env = await TestWorkflowEnvironment.createLocal({
    server: { executable: { type: 'existing-path', path: temporalCliPath() }, searchAttributes: allSearchAttributes },
  });
  const mail = await startMailCatcher();
  const pool = await openTestDatabase();
  const taskQueue = `api-${randomUUID()}`;
  const worker = await createCaseWorker({
    connection: env.nativeConnection,
    namespace: env.namespace ?? 'default',
    taskQueue,
    workflowBundle: await workflowBundle(),
    dependencies: {
      mailer: nodemailer.createTransport(mail.smtpUrl),
      ledger: createPgNotificationLedger(pool),
      organisation: defaultOrganisation,
      mailFrom: 'Samverkan <noreply@samverkan.test>',
      publicUrl: 'http://samverkan.test',
      timeZone: defaultRules.timeZone,
    },
  });
  const running = worker.run();
  const app = await buildApp({
    cases: createCaseService({ client: env.client, taskQueue, organisation: defaultOrganisation, rules: () => defaultRules }),
    auth: createAuthenticator({ jwtSecret: testSecret, usesDevSecret: false }),
  });
  return {
    app,
    env,
    mail,
    pool,
    token: (caller) => signLocalToken({ sub: `${caller.unit}-user`, role: 'handlaggare', ...caller }, testSecret),
    async close() {
      await app.close();
      worker.shutdown();
      await running;
      await mail.close();
      await pool.end();
      await env.teardown();
    },
  };
}
