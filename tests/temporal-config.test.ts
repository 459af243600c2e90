// The Temporal settings are Temporal's own (@temporalio/envconfig): the environment variables and
// profiles the SDKs and the CLI read. Certificates here are files on disk, read as a worker would;
// the last tests connect with them, through mTLS, to a real dev server.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createServer as createTlsServer, type Server as TlsServer } from 'node:tls';
import { Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { loadConfig } from '../config/env';
import { freePort } from '../infra/free-port';
import { temporalAddress, temporalConnectionOptions } from '../infra/temporal-connection';
import { startTemporalDevServer, type DevServer } from '../infra/temporal-dev-server';

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

describe('mTLS with the standard settings, against a Temporal frontend that requires a client certificate', () => {
  // The dev server speaks plain gRPC: a TLS terminator in front of it, as a cluster's ingress is,
  // accepts only clients with a certificate from the municipality's CA.
  let temporal: DevServer;
  let terminator: TlsServer;
  let address: string;
  const handshakeErrors: string[] = [];
  const pki = path.join(dir, 'pki');
  const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: pki, stdio: 'pipe' });
  const issue = (name: string, subject: string, extensions: string) => {
    writeFileSync(path.join(pki, `${name}.ext`), extensions);
    openssl('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', subject);
    openssl('x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', `${name}.pem`, '-days', '1', '-extfile', `${name}.ext`);
  };

  beforeAll(async () => {
    mkdirSync(pki);
    openssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '1', '-subj', '/CN=Kommunens test-CA');
    issue('server', '/CN=temporal.intern', 'subjectAltName=DNS:temporal.intern\nextendedKeyUsage=serverAuth\n');
    issue('client', '/CN=samverkan-worker', 'extendedKeyUsage=clientAuth\n');
    temporal = await startTemporalDevServer({ dataDir: path.join(dir, 'temporal'), port: await freePort(), uiPort: await freePort(), namespace: 'default', quiet: true });
    const [host, port] = temporal.address.split(':') as [string, string];
    const read = (name: string) => readFileSync(path.join(pki, name));
    terminator = createTlsServer({ key: read('server.key'), cert: read('server.pem'), ca: read('ca.pem'), requestCert: true, rejectUnauthorized: true, ALPNProtocols: ['h2'] }, (client) => {
      const upstream = connect({ host, port: Number(port) });
      client.pipe(upstream).pipe(client);
      for (const socket of [client, upstream]) socket.on('error', () => client.destroy());
    });
    terminator.on('tlsClientError', (error) => handshakeErrors.push(error.message));
    const tlsPort = await freePort();
    await new Promise<void>((resolve) => terminator.listen(tlsPort, '127.0.0.1', resolve));
    address = `127.0.0.1:${tlsPort}`;
  });
  afterAll(async () => {
    await new Promise((resolve) => terminator?.close(resolve));
    await temporal?.stop();
  });

  const settings = (withClientCertificate: boolean) =>
    loadConfig({
      TEMPORAL_ADDRESS: address,
      TEMPORAL_TLS_SERVER_CA_CERT_PATH: path.join(pki, 'ca.pem'),
      TEMPORAL_TLS_SERVER_NAME: 'temporal.intern',
      ...(withClientCertificate ? { TEMPORAL_TLS_CLIENT_CERT_PATH: path.join(pki, 'client.pem'), TEMPORAL_TLS_CLIENT_KEY_PATH: path.join(pki, 'client.key') } : {}),
    });

  test("the API's client and the worker's native connection both connect and are served", async () => {
    const config = settings(true);
    const options = temporalConnectionOptions(config.temporal, temporalAddress(config.temporal));
    const client = await Connection.connect(options);
    try {
      const info = await client.workflowService.getSystemInfo({});
      expect(info.serverVersion).toMatch(/^\d+\.\d+/);
    } finally {
      await client.close();
    }
    // The worker's connection is the SDK core's own (Rust): it reads the same options.
    const native = await NativeConnection.connect(options);
    await native.close();
  });

  test('without the client certificate the frontend refuses the connection', async () => {
    const config = settings(false);
    const client = await Connection.connect({ ...temporalConnectionOptions(config.temporal, temporalAddress(config.temporal)), connectTimeout: '3s' }).catch((error: Error) => error);
    const refused = client instanceof Error ? client : await client.workflowService.getSystemInfo({}).then(() => undefined, (error: Error) => error);
    expect(refused).toBeInstanceOf(Error);
    // Refused for what is missing, not for anything else about the connection.
    expect(handshakeErrors.join('\n')).toMatch(/peer did not return a certificate|certificate required/i);
  });
});
