// Where the Temporal cluster is and how to reach it, read the way Temporal's SDKs and CLI read
// it (@temporalio/envconfig): TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, TEMPORAL_API_KEY, TEMPORAL_TLS,
// TEMPORAL_TLS_CLIENT_CERT_PATH / _KEY_PATH, TEMPORAL_TLS_SERVER_CA_CERT_PATH,
// TEMPORAL_TLS_SERVER_NAME, TEMPORAL_GRPC_META_*, and a profile (TEMPORAL_PROFILE) from
// TEMPORAL_CONFIG_FILE or the CLI's own file. Shared by the client (API) and the worker.
import { loadClientConnectConfig } from '@temporalio/envconfig';
import type { NativeConnectionOptions } from '@temporalio/worker';

export interface TemporalTarget {
  /** Absent: no cluster is configured, and `npm start` runs a local dev server. */
  address?: string;
  namespace?: string;
  /** What NativeConnection.connect and Connection.connect take: address, TLS, API key, metadata. */
  connection: Omit<NativeConnectionOptions, 'address'>;
}

/**
 * The configured cluster. The profile file is read only when TEMPORAL_PROFILE or
 * TEMPORAL_CONFIG_FILE asks for it: a developer's CLI profile for Temporal Cloud must not turn
 * `npm start` away from its local dev server.
 */
export function temporalTarget(env: NodeJS.ProcessEnv = process.env): TemporalTarget {
  const vars = Object.fromEntries(Object.entries(env).filter((entry): entry is [string, string] => typeof entry[1] === 'string' && entry[1].trim() !== ''));
  const useFile = Boolean(vars.TEMPORAL_PROFILE || vars.TEMPORAL_CONFIG_FILE);
  const { connectionOptions, namespace } = loadClientConnectConfig({ overrideEnvVars: vars, disableFile: !useFile });
  const { address, tls, ...rest } = connectionOptions;
  const given = Object.fromEntries(Object.entries(rest).filter(([, value]) => value !== undefined)) as Omit<typeof rest, never>;
  const connection = { ...given, ...(tls === undefined || tls === null ? {} : { tls: asBuffers(tls) }) };
  return { ...(address ? { address } : {}), ...(namespace ? { namespace } : {}), connection };
}

type Tls = NonNullable<NativeConnectionOptions['tls']>;

/** The client's gRPC library takes certificates as Buffers only; envconfig reads them as bytes. */
function asBuffers(tls: Tls): Tls {
  if (typeof tls === 'boolean') return tls;
  const bytes = (value: Uint8Array | undefined) => (value === undefined ? undefined : Buffer.from(value));
  return {
    ...tls,
    ...(tls.serverRootCACertificate ? { serverRootCACertificate: bytes(tls.serverRootCACertificate)! } : {}),
    ...(tls.clientCertPair ? { clientCertPair: { crt: bytes(tls.clientCertPair.crt)!, key: bytes(tls.clientCertPair.key)! } } : {}),
  };
}

/** The cluster's address, or the local dev server on its port. */
export function temporalAddress(config: { address?: string; devPort: number }): string {
  return config.address ?? `127.0.0.1:${config.devPort}`;
}

/** Connection options for NativeConnection.connect (worker) and Connection.connect (client). */
export function temporalConnectionOptions(config: { connection: TemporalTarget['connection'] }, address: string): NativeConnectionOptions {
  return { ...config.connection, address };
}
