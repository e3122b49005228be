/**
 * The deploy-eks action's inputs: the only code that reads them. Every input is checked here, before any manifest
 * is read or any client is loaded, and every problem is reported at once.
 */
import { readInputs as readWith } from '@slipway/core';
import type { InputReader, InputSource } from '@slipway/core';
import { parseImageOverrides } from '@slipway/kube';
import type { ImageOverride } from '@slipway/kube';

/** The inputs action.yml declares, in its order. A contract test keeps the two equal. */
export const INPUT_NAMES = [
  'cluster-name',
  'aws-region',
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
  clusterName: string | undefined;
  awsRegion: string | undefined;
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

// https://docs.aws.amazon.com/eks/latest/APIReference/API_CreateCluster.html#API_CreateCluster_RequestSyntax
const CLUSTER_NAME = /^[0-9A-Za-z][A-Za-z0-9_-]{0,99}$/;
const REGION = /^[a-z]{2}(-[a-z]+)+-\d+$/;
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
  const clusterName = r.optionalString('cluster-name');
  const awsRegion = r.optionalString('aws-region');
  const kubeconfig = r.optionalString('kubeconfig');
  const parsedKubeconfig = r.structured('kubeconfig');
  const context = r.optionalString('context');
  if (clusterName === undefined && kubeconfig === undefined)
    r.fail('cluster-name', 'is required unless kubeconfig is set');
  if (clusterName !== undefined && kubeconfig !== undefined)
    r.fail('kubeconfig', 'give either kubeconfig or cluster-name, not both');
  if (clusterName !== undefined && !CLUSTER_NAME.test(clusterName)) {
    r.fail(
      'cluster-name',
      `must be an EKS cluster name (letters, digits, - and _, up to 100), got ${JSON.stringify(clusterName)}`,
    );
  }
  if (awsRegion !== undefined && !REGION.test(awsRegion))
    r.fail('aws-region', `must be a region such as us-east-1, got ${JSON.stringify(awsRegion)}`);
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
    clusterName,
    awsRegion,
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
