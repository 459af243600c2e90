/* eslint-disable @typescript-eslint/no-explicit-any -- the compose file is read as docker compose reads it: untyped YAML */
// The container and the compose file, checked where images cannot be pulled: the Dockerfile
// builds the production path that tests/production-build.test.ts runs (multi-stage, runtime
// packages only, an unprivileged user, a health check on readiness), and every setting that
// compose.yaml gives the API and the workers is one the code reads, with values it accepts.
import { expect, test } from '@jest/globals';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { loadConfig, settingNames } from '../config/env';
import { allSearchAttributes, cliSearchAttributeTypes } from '../domain/search-attributes';
import { projectRoot } from '../infra/project-root';

const read = (file: string) => readFileSync(path.join(projectRoot, file), 'utf8');
const compose = parse(read('compose.yaml'), { merge: true }) as { services: Record<string, any> };
const packageScripts = (JSON.parse(read('package.json')) as { scripts: Record<string, string> }).scripts;

/** A service's environment with the compose file's required variables given, as `docker compose up` would. */
function environmentOf(service: string): Record<string, string> {
  const given: Record<string, string> = { PAYLOAD_KEYS: `k1:${Buffer.alloc(32, 7).toString('base64')}`, AUTH_JWT_SECRET: 'compose-secret', SESSION_SECRET: 'compose-session' };
  return Object.fromEntries(
    Object.entries(compose.services[service].environment as Record<string, string>).map(([name, value]) => [name, String(value).replace(/^\$\{(\w+):\?[^}]*\}$/, (_, variable: string) => given[variable]!)]),
  );
}

test('compose runs Temporal on PostgreSQL, the app on its own PostgreSQL, the API and two workers', () => {
  expect(Object.keys(compose.services).sort()).toStrictEqual(['api', 'app-db', 'mail', 'temporal', 'temporal-db', 'temporal-search-attributes', 'temporal-ui', 'worker']);
  expect(compose.services.temporal.environment).toMatchObject({ DB: 'postgres12', POSTGRES_SEEDS: 'temporal-db' });
  expect(compose.services.worker.deploy.replicas).toBe(2);
  // The API and the workers run what `npm run start:api` and `npm run start:worker` run.
  expect(compose.services.api.command.join(' ')).toBe(packageScripts['start:api']);
  expect(compose.services.worker.command.join(' ')).toBe(packageScripts['start:worker']);
});

test('every setting compose gives the API and the workers is one the code reads, and the code accepts them', () => {
  for (const service of ['api', 'worker']) {
    const env = environmentOf(service);
    for (const name of Object.keys(env)) expect({ service, name, known: settingNames.includes(name) || name.startsWith('TEMPORAL_') }).toStrictEqual({ service, name, known: true });
    const config = loadConfig(env);
    expect(config.temporal).toMatchObject({ address: 'temporal:7233', namespace: 'default', taskQueue: 'samverkan' });
    expect(new URL(config.databaseUrl!).hostname).toBe('app-db');
    expect(new URL(config.mail.smtpUrl!).hostname).toBe('mail');
    expect(config.metrics).toStrictEqual({ host: '0.0.0.0', port: 9464 });
  }
  const api = loadConfig(environmentOf('api'));
  expect(compose.services.api.ports).toStrictEqual([`${api.port}:${api.port}`]);
  // The worker's health check asks its metrics port.
  expect(compose.services.worker.healthcheck.test.join(' ')).toContain('http://127.0.0.1:9464/metrics');
});

test('the search attributes compose registers are exactly those the code lists cases by', () => {
  const args: string[] = compose.services['temporal-search-attributes'].entrypoint;
  const pairs: string[] = [];
  for (let i = 0; i < args.length; i++) if (args[i] === '--name') pairs.push(`${args[i + 1]}:${args[i + 3]}`);
  expect(pairs).toStrictEqual(allSearchAttributes.map((key) => `${key.name}:${cliSearchAttributeTypes[key.type]}`));
});

test('the Dockerfile: two stages, runtime packages only, the built files, an unprivileged user, readiness as health check', () => {
  const dockerfile = read('Dockerfile');
  const stages = dockerfile.split(/^FROM /m).slice(1);
  expect(stages).toHaveLength(2);
  const [build, runtime] = stages as [string, string];
  expect(build).toContain('RUN npm run build');
  expect(runtime).toContain('RUN npm ci --omit=dev');
  // What tests/production-build.test.ts deploys and runs.
  for (const copied of ['COPY --from=build /app/dist ./dist', 'COPY migrations ./migrations', 'COPY web/static ./web/static']) expect(runtime).toContain(copied);
  expect(runtime).toMatch(/^USER node$/m);
  expect(runtime).toMatch(/HEALTHCHECK[\s\S]*\/health\/ready/);
  expect(runtime).toContain('CMD ["node", "dist/api-server.js"]');
  // Nothing of the developer's machine goes into the image.
  expect(read('.dockerignore').split('\n')).toEqual(expect.arrayContaining(['node_modules', '.tools', 'data', 'dist']));
});
