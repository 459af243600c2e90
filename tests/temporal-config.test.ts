// The Temporal settings are Temporal's own (@temporalio/envconfig): the environment variables and
// profiles the SDKs and the CLI read. Certificates here are files on disk, read as a worker would.
import { afterAll, expect, test } from '@jest/globals';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadConfig } from '../config/env';

const dir = mkdtempSync(path.join(tmpdir(), 'samverkan-temporal-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const file = (name: string, content: string) => {
  const at = path.join(dir, name);
  writeFileSync(at, content);
  return at;
};

test('a self-hosted cluster with mTLS: the standard TEMPORAL_TLS_* paths, read from disk', () => {
  const cert = file('client.pem', '-----BEGIN CERTIFICATE-----\nklient\n-----END CERTIFICATE-----\n');
  const key = file('client.key', '-----BEGIN PRIVATE KEY-----\nnyckel\n-----END PRIVATE KEY-----\n');
  const ca = file('ca.pem', '-----BEGIN CERTIFICATE-----\nca\n-----END CERTIFICATE-----\n');
  const config = loadConfig({
    TEMPORAL_ADDRESS: 'temporal.kommun.se:7233',
    TEMPORAL_NAMESPACE: 'samverkan',
    TEMPORAL_TLS_CLIENT_CERT_PATH: cert,
    TEMPORAL_TLS_CLIENT_KEY_PATH: key,
    TEMPORAL_TLS_SERVER_CA_CERT_PATH: ca,
    TEMPORAL_TLS_SERVER_NAME: 'temporal.intern',
  });
  expect(config.temporal).toMatchObject({ address: 'temporal.kommun.se:7233', namespace: 'samverkan' });
  const tls = config.temporal.connection.tls as { clientCertPair: { crt: Buffer; key: Buffer }; serverRootCACertificate: Buffer; serverNameOverride: string };
  // Buffers, as the client's gRPC library requires.
  expect(Buffer.isBuffer(tls.clientCertPair.crt) && Buffer.isBuffer(tls.clientCertPair.key) && Buffer.isBuffer(tls.serverRootCACertificate)).toBe(true);
  expect(String(tls.clientCertPair.crt)).toContain('klient');
  expect(String(tls.clientCertPair.key)).toContain('nyckel');
  expect(String(tls.serverRootCACertificate)).toContain('ca');
  expect(tls.serverNameOverride).toBe('temporal.intern');
});

test('a profile from TEMPORAL_CONFIG_FILE, chosen by TEMPORAL_PROFILE: Temporal Cloud with an API key', () => {
  const toml = file(
    'temporal.toml',
    ['[profile.kommun]', 'address = "samverkan.a1b2c.tmprl.cloud:7233"', 'namespace = "samverkan.a1b2c"', 'api_key = "nyckel-fran-cloud"', ''].join('\n'),
  );
  const config = loadConfig({ TEMPORAL_CONFIG_FILE: toml, TEMPORAL_PROFILE: 'kommun' });
  expect(config.temporal).toMatchObject({ address: 'samverkan.a1b2c.tmprl.cloud:7233', namespace: 'samverkan.a1b2c' });
  expect(config.temporal.connection.apiKey).toBe('nyckel-fran-cloud');
  // An environment variable still wins over the profile, as in the CLI.
  expect(loadConfig({ TEMPORAL_CONFIG_FILE: toml, TEMPORAL_PROFILE: 'kommun', TEMPORAL_NAMESPACE: 'test' }).temporal.namespace).toBe('test');
});

test('nothing set: no cluster, so npm start runs its dev server; a CLI profile file is not read unless asked for', () => {
  const config = loadConfig({ HOME: dir });
  expect(config.temporal.address).toBeUndefined();
  expect(config.temporal.namespace).toBe('default');
});

test('the names this project used before are refused with the standard name, and an unreadable profile is a clear error', () => {
  expect(() => loadConfig({ TEMPORAL_TLS_CERT: '/etc/samverkan/client.pem' })).toThrow('Felaktig konfiguration: TEMPORAL_TLS_CERT heter nu TEMPORAL_TLS_CLIENT_CERT_PATH, som i Temporals egna verktyg');
  expect(() => loadConfig({ TEMPORAL_CONFIG_FILE: file('trasig.toml', '[profile.kommun\naddress = '), TEMPORAL_PROFILE: 'kommun' })).toThrow(/Felaktig konfiguration: Temporal-inställningarna .* kan inte läsas/);
});
