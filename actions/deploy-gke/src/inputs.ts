/**
 * The deploy-gke action's inputs: the only code that reads them. Every input is checked here, before any manifest
 * is read or any client is loaded, and every problem is reported at once.
 */
import { readInputs as readWith } from '@slipway/core';
import type { InputReader, InputSource } from '@slipway/core';
import { parseImageOverrides } from '@slipway/kube';
import type { ImageOverride } from '@slipway/kube';

/** The `endpoint` input's choices (as @slipway/gcp/gke names them). */
export const ENDPOINT_MODES = ['auto', 'public', 'private', 'dns'] as const;

/** One of {@link ENDPOINT_MODES}. */
export type EndpointMode = (typeof ENDPOINT_MODES)[number];

/** The inputs action.yml declares, in its order. A contract test keeps the two equal. */
export const INPUT_NAMES = [
  'cluster',
  'location',
  'project',
  'endpoint',
  'kubeconfig',
  'context',
  'manifests',
  'images',
  'namespace',
  'dry-run',
  'wait',
  'timeout',
  'poll-interval',
  'rollback',
  'force-conflicts',
  'spot',
  'write-kubeconfig',
  'kubeconfig-token',
] as const;

/** The action's inputs, typed and checked. */
export interface Inputs {
  /** A bare name or `projects/P/locations/L/clusters/C`. */
  cluster: string | undefined;
  location: string | undefined;
  project: string | undefined;
  endpoint: EndpointMode;
  /** Kubeconfig text (a secret). */
  kubeconfig: string | undefined;
  context: string | undefined;
  manifests: string[];
  images: ImageOverride[];
  namespace: string | undefined;
  dryRun: boolean;
  wait: boolean;
  timeoutMs: number;
  pollIntervalMs: number;
  rollback: boolean;
  forceConflicts: boolean;
  spot: boolean;
  writeKubeconfig: boolean;
  kubeconfigToken: boolean;
}

// https://cloud.google.com/kubernetes-engine/docs/reference/rest/v1/projects.locations.clusters#Cluster (name) and
// the resource name form https://cloud.google.com/kubernetes-engine/docs/reference/rest/v1/projects.locations.clusters/get.
const CLUSTER_NAME = /^[a-z]([-a-z0-9]{0,38}[a-z0-9])?$/;
const CLUSTER_RESOURCE =
  /^projects\/[^/]+\/(locations|zones)\/[^/]+\/clusters\/[a-z]([-a-z0-9]{0,38}[a-z0-9])?$/;
const LOCATION = /^[a-z]+-[a-z]+\d+(-[a-z])?$/;
const PROJECT = /^[a-z][-a-z0-9]{4,28}[a-z0-9]$|^[a-z][-a-z0-9.:]{4,62}[a-z0-9]$/;
const NAMESPACE = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** Reads and checks every input; throws one `InputError` naming each bad one. */
export function readInputs(source?: InputSource): Inputs {
  return readWith((r) => build(r), source);
}

function kubeconfigProblem(doc: unknown): string | undefined {
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc))
    return 'must be a kubeconfig (a YAML mapping)';
  const config = doc as Record<string, unknown>;
  for (const key of ['clusters', 'contexts', 'users']) {
    if (!Array.isArray(config[key]) || (config[key] as unknown[]).length === 0)
      return `is not a kubeconfig: it has no ${key}`;
  }
  return undefined;
}

function build(r: InputReader): Inputs {
  const cluster = r.optionalString('cluster');
  const location = r.optionalString('location');
  const project = r.optionalString('project');
  const endpoint = r.enum('endpoint', ENDPOINT_MODES, { default: 'auto' });
  const kubeconfig = r.optionalString('kubeconfig');
  const parsedKubeconfig = r.structured('kubeconfig');
  const context = r.optionalString('context');
  if (cluster === undefined && kubeconfig === undefined)
    r.fail('cluster', 'is required unless kubeconfig is set');
  if (cluster !== undefined && kubeconfig !== undefined)
    r.fail('kubeconfig', 'give either kubeconfig or cluster, not both');
  const fullName = cluster !== undefined && CLUSTER_RESOURCE.test(cluster);
  if (cluster !== undefined && !fullName && !CLUSTER_NAME.test(cluster)) {
    r.fail(
      'cluster',
      `must be a GKE cluster name or projects/PROJECT/locations/LOCATION/clusters/NAME, got ${JSON.stringify(cluster)}`,
    );
  }
  if (cluster !== undefined && !fullName && location === undefined)
    r.fail('location', 'is required when cluster is a bare name');
  if (fullName && (location !== undefined || project !== undefined)) {
    r.fail('cluster', 'names its project and location already: leave project and location empty');
  }
  if (location !== undefined && !LOCATION.test(location))
    r.fail(
      'location',
      `must be a region or zone such as us-central1 or us-central1-a, got ${JSON.stringify(location)}`,
    );
  if (project !== undefined && !PROJECT.test(project))
    r.fail('project', `must be a project ID such as my-project-123, got ${JSON.stringify(project)}`);
  if (kubeconfig !== undefined && parsedKubeconfig !== undefined) {
    const problem = kubeconfigProblem(parsedKubeconfig);
    if (problem !== undefined) r.fail('kubeconfig', problem);
  }
  if (context !== undefined && kubeconfig === undefined) r.fail('context', 'only applies with kubeconfig');

  const manifests = r.list('manifests', { required: true });
  const { overrides, problems } = parseImageOverrides(r.list('images', { unique: true }));
  for (const p of problems) r.fail('images', p);
  const namespace = r.optionalString('namespace');
  if (namespace !== undefined && !NAMESPACE.test(namespace))
    r.fail(
      'namespace',
      `must be a namespace name (lower-case letters, digits and -), got ${JSON.stringify(namespace)}`,
    );
  const dryRun = r.boolean('dry-run', { default: false });
  const wait = r.boolean('wait', { default: true });
  const timeoutMs = r.duration('timeout', { default: '10m', min: '10s', max: '6h' });
  const pollIntervalMs = r.duration('poll-interval', { default: '5s', min: '1s', max: '5m' });
  const rollback = r.boolean('rollback', { default: false });
  const forceConflicts = r.boolean('force-conflicts', { default: false });
  const spot = r.boolean('spot', { default: false });
  const writeKubeconfig = r.boolean('write-kubeconfig', { default: false });
  const kubeconfigToken = r.boolean('kubeconfig-token', { default: false });
  if (kubeconfigToken && !writeKubeconfig)
    r.fail('kubeconfig-token', 'only applies with write-kubeconfig: true');
  if (rollback && !wait) r.fail('rollback', 'needs wait: true (a rollback follows a failed rollout)');
  return {
    cluster,
    location,
    project,
    endpoint,
    kubeconfig,
    context,
    manifests,
    images: overrides,
    namespace,
    dryRun,
    wait,
    timeoutMs,
    pollIntervalMs,
    rollback,
    forceConflicts,
    spot,
    writeKubeconfig,
    kubeconfigToken,
  };
}
