// The API's services, built from one Temporal client, the database's stores (infra/) and the
// configuration: `npm start`, the standalone API and the tests build them the same way.
import type { Client } from '@temporalio/client';
import { Duration } from 'luxon';
import type pg from 'pg';
import type { AppConfig } from '../config/env';
import { databaseProbe } from '../infra/database';
import { createPgHandoverViewLog } from '../infra/handover-view-log';
import { createPgIdempotencyStore } from '../infra/idempotency-store';
import { createPgOverdueHistory } from '../infra/overdue-history';
import { createPgReceiptLinks } from '../infra/receipt-link-store';
import type { RuleStore } from '../infra/rule-store';
import type { AppDependencies } from './app';
import { createAuthenticator } from './auth';
import { createCaseService } from './case-service';
import { createCollaborationService } from './collaboration-service';
import { createFamilyService } from './family-service';
import { createPgFamilyStore } from '../infra/family-store';
import { createRuleService } from './rule-service';
import { createStuckList } from './stuck-list';
import { createPgWaitingItemStore } from '../infra/waiting-item-store';
import { createReportService } from './report-service';
import { createPgGoalStore } from '../infra/goal-store';
import { createNotificationFailureList } from './notification-failures';
import { createPgNotificationLedger } from '../activities/notification-ledger';
import type { HealthProbe } from './health';

export interface ApiDependencyOptions {
  client: Client;
  pool: pg.Pool;
  config: Pick<AppConfig, 'receiptSecret' | 'stuckAfter' | 'auth' | 'codecCorsOrigin' | 'publicUrl'> & { temporal: Pick<AppConfig['temporal'], 'taskQueue'> };
  /** The versions of the organisation and rules: new cases start under the current one. */
  ruleStore: RuleStore;
  /** Health checks besides Temporal and the database: `smtp` and `worker` where this process runs a worker. */
  health?: Record<string, HealthProbe>;
}

export function apiDependencies({ client, pool, config, ruleStore, health }: ApiDependencyOptions): AppDependencies {
  const organisation = async () => (await ruleStore.current()).organisation;
  const rules = async () => (await ruleStore.current()).rules;
  // Free text kept outside Temporal is sealed with the same codecs as Temporal's payloads.
  const codecs = client.options.loadedDataConverter.payloadCodecs;
  const familyStore = createPgFamilyStore(pool, codecs);
  const cases = createCaseService({ client, taskQueue: config.temporal.taskQueue, organisation, rules, families: familyStore });
  return {
    cases,
    families: createFamilyService({ cases, store: familyStore, organisation }),
    collaboration: createCollaborationService({ client, cases, organisation, viewLog: createPgHandoverViewLog(pool) }),
    stuck: createStuckList({ items: createPgWaitingItemStore(pool), namespace: client.options.namespace, organisation, stuckAfter: config.stuckAfter }),
    reports: createReportService({ pool, goals: createPgGoalStore(pool, client.options.namespace), organisation, rules }),
    notificationFailures: createNotificationFailureList({ ledger: createPgNotificationLedger(pool), organisation }),
    rules: createRuleService({ client, store: ruleStore }),
    overdueHistory: createPgOverdueHistory(pool),
    idempotency: createPgIdempotencyStore(pool),
    temporalConnection: client.connection,
    receipts: { client, links: createPgReceiptLinks(pool) },
    auth: createAuthenticator(config.auth, organisation),
    organisation,
    web: {
      sessionSecret: config.auth.sessionSecret,
      // A session lasts a working day, and never longer than a token may.
      sessionSeconds: Math.min(8 * 3600, Duration.fromISO(config.auth.maxTokenLifetime).as('seconds')),
      secureCookies: config.publicUrl.startsWith('https:'),
      demoSignIn: config.auth.demoSignIn,
      oidc: Boolean(config.auth.oidcIssuer && config.auth.oidcClient),
      ...(config.auth.oidcIssuer && config.auth.oidcClient
        ? {
            oidcSignIn: {
              issuer: config.auth.oidcIssuer,
              clientId: config.auth.oidcClient.id,
              ...(config.auth.oidcClient.secret ? { clientSecret: config.auth.oidcClient.secret } : {}),
              publicUrl: config.publicUrl,
              scope: config.auth.oidcClient.scope,
            },
          }
        : {}),
    },
    health: { database: databaseProbe(pool), ...health },
    // The codec endpoint decodes with the client's own codecs: exactly what the API and workers encrypt.
    codec: { codecs, namespace: client.options.namespace, ...(config.codecCorsOrigin ? { corsOrigin: config.codecCorsOrigin } : {}) },
  };
}
