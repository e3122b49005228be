/**
 * Which of a GKE cluster's control-plane endpoints to use (https://cloud.google.com/kubernetes-engine/docs/concepts/network-isolation):
 * the public IP endpoint with the cluster CA, the private IP endpoint (only from inside the VPC), or the DNS-based
 * endpoint, which is reachable from anywhere Google Cloud IAM allows and is served with a publicly trusted
 * certificate (so no cluster CA). Pure.
 */
import type { GkeCluster } from './cluster.js';

/** The `endpoint` input's choices. */
export const ENDPOINT_MODES = ['auto', 'public', 'private', 'dns'] as const;

/** One of {@link ENDPOINT_MODES}. */
export type EndpointMode = (typeof ENDPOINT_MODES)[number];

/** The endpoint to connect to. */
export interface ChosenEndpoint {
  kind: 'public' | 'private' | 'dns';
  server: string;
  /** undefined for the DNS endpoint: its certificate chains to a public root. */
  caData: string | undefined;
}

/**
 * Picks the endpoint. `auto` prefers the public IP endpoint, then the DNS endpoint when it takes external
 * traffic (what a GitHub-hosted runner needs), then the private endpoint (for self-hosted runners in the VPC).
 */
export function chooseEndpoint(
  cluster: GkeCluster,
  mode: EndpointMode,
): ChosenEndpoint | { problem: string } {
  const pub =
    cluster.publicEndpoint === undefined
      ? undefined
      : { kind: 'public' as const, server: `https://${cluster.publicEndpoint}`, caData: cluster.caData };
  const dns =
    cluster.dnsEndpoint === undefined
      ? undefined
      : { kind: 'dns' as const, server: `https://${cluster.dnsEndpoint}`, caData: undefined };
  const priv =
    cluster.privateEndpoint === undefined
      ? undefined
      : { kind: 'private' as const, server: `https://${cluster.privateEndpoint}`, caData: cluster.caData };
  switch (mode) {
    case 'public':
      return (
        pub ?? {
          problem: `the public endpoint of cluster ${cluster.name} is disabled: use endpoint: dns (or private from inside its VPC)`,
        }
      );
    case 'private':
      return priv ?? { problem: `cluster ${cluster.name} has no private endpoint` };
    case 'dns':
      if (dns === undefined)
        return {
          problem: `cluster ${cluster.name} has no DNS-based endpoint (enable it with --enable-dns-access)`,
        };
      if (!cluster.dnsAllowExternalTraffic) {
        return {
          problem: `the DNS-based endpoint of cluster ${cluster.name} does not allow external traffic (--enable-dns-access without external traffic)`,
        };
      }
      return dns;
    case 'auto':
      if (pub !== undefined) return pub;
      if (dns !== undefined && cluster.dnsAllowExternalTraffic) return dns;
      if (priv !== undefined) return priv;
      return {
        problem: `cluster ${cluster.name} has no endpoint this runner can use: enable the DNS-based endpoint or the public endpoint`,
      };
  }
}
