// The API on the real Temporal dev server with a real worker, SMTP server and database;
// requests go through Fastify's inject.
import { TestWorkflowEnvironment } from '@temporalio/testing';
import type { FastifyInstance } from 'fastify';
import type pg from 'pg';
import { buildApp } from '../../api/app';
import { signLocalToken, type Caller } from '../../api/auth';
import { apiDependencies } from '../../api/dependencies';
import { defaultOrganisation } from '../../domain/organisation';
import { defaultRules } from '../../domain/rules';
import { allSearchAttributes } from '../../domain/search-attributes';
import { startMailCatcher, type MailCatcher } from '../../infra/mail-catcher';
import { temporalCliPath } from '../../infra/temporal-binaries';
import { openTestDatabase, testReceiptSecret } from './database';
import { startTestWorker } from './test-worker';

export const testSecret = 'api-test-secret';

export interface ApiHarness {
  app: FastifyInstance;
  env: TestWorkflowEnvironment;
  mail: MailCatcher;
  pool: pg.Pool;
  token(caller: Partial<Caller> & Pick<Caller, 'unit'>): Promise<string>;
  close(): Promise<void>;
}

export async function startApiHarness(options: { stuckAfter?: string } = {}): Promise<ApiHarness> {
  const env = await TestWorkflowEnvironment.createLocal({
    server: { executable: { type: 'existing-path', path: temporalCliPath() }, searchAttributes: allSearchAttributes },
  });
  const mail = await startMailCatcher();
  const pool = await openTestDatabase();
  const worker = await startTestWorker(env, mail, pool);
  const app = await buildApp(
    apiDependencies({
      client: env.client,
      pool,
      config: {
        organisation: defaultOrganisation,
        receiptSecret: testReceiptSecret,
        stuckAfter: options.stuckAfter ?? 'P3D',
        auth: { jwtSecret: testSecret, usesDevSecret: false },
        temporal: { taskQueue: worker.taskQueue },
      },
      rules: () => defaultRules,
    }),
  );
  return {
    app,
    env,
    mail,
    pool,
    token: (caller) => signLocalToken({ sub: `${caller.unit}-user`, role: 'handlaggare', ...caller }, testSecret),
    async close() {
      await app.close();
      await worker.stop();
      await mail.close();
      await pool.end();
      await env.teardown();
    },
  };
}
