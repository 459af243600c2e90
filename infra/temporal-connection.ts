// Connection options for a Temporal cluster: local dev server, self-hosted with mTLS, or
// Temporal Cloud with an API key. Shared by the client (API) and the worker.
import { readFileSync } from 'node:fs';
import type { AppConfig } from '../config/env';

export interface TemporalConnectionOptions {
  address: string;
  apiKey?: string;
  tls?: {
    serverNameOverride?: string;
    serverRootCACertificate?: Buffer;
    clientCertPair?: { crt: Buffer; key: Buffer };
  };
}

/** The cluster's address, or a local dev server (run separately) on its default port. */
export function temporalAddress(config: AppConfig['temporal']): string {
  return config.address ?? `127.0.0.1:${config.devPort}`;
}

export function temporalConnectionOptions(config: AppConfig['temporal'], address: string): TemporalConnectionOptions {
  const tls = config.tls;
  return {
    address,
    ...(config.apiKey ? { apiKey: config.apiKey } : {}),
    ...(tls
      ? {
          tls: {
            ...(tls.serverName ? { serverNameOverride: tls.serverName } : {}),
            ...(tls.caPath ? { serverRootCACertificate: readFileSync(tls.caPath) } : {}),
            ...(tls.certPath && tls.keyPath ? { clientCertPair: { crt: readFileSync(tls.certPath), key: readFileSync(tls.keyPath) } } : {}),
          },
        }
      : {}),
  };
}
