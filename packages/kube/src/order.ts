/**
 * The order objects are applied in: definitions and namespaces first, then what workloads read (accounts, config,
 * storage, RBAC), services, and workloads last, as Helm and kubectl order them. Kinds Slipway does not know
 * (custom resources) go last, after the definitions they need.
 */
import type { Manifest } from './types.js';

const ORDER = [
  'CustomResourceDefinition',
  'Namespace',
  'NetworkPolicy',
  'ResourceQuota',
  'LimitRange',
  'PodDisruptionBudget',
  'ServiceAccount',
  'Secret',
  'ConfigMap',
  'StorageClass',
  'PersistentVolume',
  'PersistentVolumeClaim',
  'ClusterRole',
  'ClusterRoleBinding',
  'Role',
  'RoleBinding',
  'PriorityClass',
  'Service',
  'DaemonSet',
  'Pod',
  'ReplicaSet',
  'Deployment',
  'HorizontalPodAutoscaler',
  'StatefulSet',
  'Job',
  'CronJob',
  'IngressClass',
  'Ingress',
  'GatewayClass',
  'Gateway',
  'HTTPRoute',
  'GRPCRoute',
];

/** The rank of a kind in the apply order. */
export function applyRank(kind: string): number {
  const i = ORDER.indexOf(kind);
  return i < 0 ? ORDER.length : i;
}

/** A stable sort of the manifests into apply order. */
export function sortForApply(manifests: Manifest[]): Manifest[] {
  return manifests
    .map((m, i) => ({ m, i }))
    .sort((a, b) => applyRank(a.m.object.kind) - applyRank(b.m.object.kind) || a.i - b.i)
    .map(({ m }) => m);
}
