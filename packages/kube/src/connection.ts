/**
 * Making a client for a cluster: from a plain kubeconfig (anything a CI job hands `kubectl`, exec credential
 * plugins included), or from an endpoint and CA that a cloud API returned plus an expiring token.
 */
import { KubeClient } from './client.js';
import type { KubeClientOptions } from './client.js';
import { loadKubeconfig } from './kubeconfig.js';
import type { ClusterConnection, LoadKubeconfigOptions } from './kubeconfig.js';
import { ServerClock } from './server-clock.js';
import type { TokenProvider } from './token.js';

/** A cluster endpoint as EKS and GKE describe it. */
export interface ClusterEndpoint {
  /** `https://host[:port]`. */
  server: string;
  /** base64 PEM of the CA; undefined for endpoints with a publicly trusted certificate (GKE DNS endpoints). */
  caData?: string;
  /** A display name. */
  name: string;
}

/** The reporting hooks a client takes. */
export type ConnectionHooks = Pick<
  KubeClientOptions,
  'onWarning' | 'requestTimeoutMs' | 'maxAttempts' | 'sleep'
>;

/** A client for a kubeconfig's context, authenticating as its user; also returns the resolved connection. */
export function clientFromKubeconfig(
  text: string,
  opts: LoadKubeconfigOptions = {},
  hooks: ConnectionHooks = {},
): { client: KubeClient; connection: ClusterConnection } {
  const clock = opts.clock ?? new ServerClock();
  const connection = loadKubeconfig(text, { ...opts, clock });
  return { client: new KubeClient({ connection, clock, ...hooks }), connection };
}

/** A client for an endpoint and CA, authenticating with an expiring token. */
export function clientForEndpoint(
  endpoint: ClusterEndpoint,
  token: TokenProvider,
  clock: ServerClock,
  hooks: ConnectionHooks = {},
): KubeClient {
  const connection: ClusterConnection = {
    contextName: endpoint.name,
    server: endpoint.server,
    tls: {
      insecureSkipVerify: false,
      ...(endpoint.caData === undefined
        ? {}
        : { ca: Buffer.from(endpoint.caData, 'base64').toString('utf8') }),
    },
    credentials: { kind: 'token', provider: token },
  };
  return new KubeClient({ connection, clock, ...hooks });
}

export { ServerClock };
