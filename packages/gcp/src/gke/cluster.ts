/**
 * Finding a GKE cluster's control plane: `projects.locations.clusters.get` of the Kubernetes Engine API v1
 * (https://cloud.google.com/kubernetes-engine/docs/reference/rest/v1/projects.locations.clusters/get), read over
 * REST with the caller's Google credentials. The REST call is what @google-cloud/container's `getCluster` sends in
 * its REST mode; calling it directly keeps the deploy-gke bundle within its size budget (the client library and
 * its protobuf descriptors are over 5 MB bundled).
 */
import { retry } from '@slipway/core';
import type { RetryOptions } from '@slipway/core';

/** Which cluster. */
export interface GkeClusterRef {
  project: string;
  location: string;
  name: string;
}

/** What a deploy needs to know about a cluster. */
export interface GkeCluster extends GkeClusterRef {
  status: string;
  version: string;
  /** The public IP endpoint, when enabled. */
  publicEndpoint: string | undefined;
  privateEndpoint: string | undefined;
  /** The DNS-based endpoint (`gke-....gke.goog`), when configured. */
  dnsEndpoint: string | undefined;
  dnsAllowExternalTraffic: boolean;
  /** base64 PEM of the cluster CA (for the IP endpoints). */
  caData: string;
  autopilot: boolean;
}

/** GETs a URL with the caller's credentials and resolves to the parsed JSON body (google-auth-library's `request`). */
export type AuthorizedGet = (url: string) => Promise<unknown>;

/** The Kubernetes Engine API's public endpoint. */
export const CONTAINER_API = 'https://container.googleapis.com';

const RESOURCE = /^projects\/([^/]+)\/(?:locations|zones)\/([^/]+)\/clusters\/([^/]+)$/;

/**
 * The cluster a `cluster` input names: a full resource name (`projects/P/locations/L/clusters/C`, zones too), or a
 * bare name completed by `location` and `project`. Returns a problem message instead when something is missing.
 */
export function parseClusterRef(
  cluster: string,
  location: string | undefined,
  project: string | undefined,
): GkeClusterRef | { problem: string } {
  const full = RESOURCE.exec(cluster);
  if (full) return { project: full[1] as string, location: full[2] as string, name: full[3] as string };
  if (cluster.includes('/'))
    return {
      problem: `${JSON.stringify(cluster)} is neither a cluster name nor projects/PROJECT/locations/LOCATION/clusters/NAME`,
    };
  if (location === undefined)
    return {
      problem: 'a cluster given by name needs its location (a region such as us-central1, or a zone)',
    };
  if (project === undefined)
    return {
      problem:
        'a cluster given by name needs its project (or set GOOGLE_CLOUD_PROJECT, as google-github-actions/auth does)',
    };
  return { project, location, name: cluster };
}

function obj(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** Reads the Cluster resource fields a deploy uses. */
export function clusterFromResource(ref: GkeClusterRef, body: unknown): GkeCluster {
  const c = obj(body);
  const ip = obj(obj(c.controlPlaneEndpointsConfig).ipEndpointsConfig);
  const dns = obj(obj(c.controlPlaneEndpointsConfig).dnsEndpointConfig);
  const priv = obj(c.privateClusterConfig);
  const publicEnabled = ip.enablePublicEndpoint !== false && priv.enablePrivateEndpoint !== true;
  return {
    ...ref,
    status: String(c.status ?? 'STATUS_UNSPECIFIED'),
    version: String(c.currentMasterVersion ?? ''),
    publicEndpoint: publicEnabled ? (str(ip.publicEndpoint) ?? str(c.endpoint)) : undefined,
    privateEndpoint: str(ip.privateEndpoint) ?? str(priv.privateEndpoint),
    dnsEndpoint: str(dns.endpoint),
    dnsAllowExternalTraffic: dns.allowExternalTraffic === true,
    caData: String(obj(c.masterAuth).clusterCaCertificate ?? ''),
    autopilot: obj(c.autopilot).enabled === true,
  };
}

/** Usable cluster states. */
const USABLE = new Set(['RUNNING', 'RECONCILING', 'DEGRADED']);

/** Reads a cluster, with retries for throttling and server errors; throws when it is not usable. */
export async function getGkeCluster(
  ref: GkeClusterRef,
  get: AuthorizedGet,
  opts: { apiEndpoint?: string; retry?: RetryOptions } = {},
): Promise<GkeCluster> {
  const base = (opts.apiEndpoint ?? CONTAINER_API).replace(/\/$/, '');
  const url = `${base}/v1/projects/${encodeURIComponent(ref.project)}/locations/${encodeURIComponent(ref.location)}/clusters/${encodeURIComponent(ref.name)}`;
  const body = await retry(() => get(url), opts.retry ?? {});
  const cluster = clusterFromResource(ref, body);
  if (!USABLE.has(cluster.status)) {
    throw new Error(
      `GKE cluster ${ref.name} in ${ref.location} is ${cluster.status}, not RUNNING: its API cannot take a deploy now`,
    );
  }
  return cluster;
}
