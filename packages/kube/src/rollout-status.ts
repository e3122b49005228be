/**
 * Whether a workload has rolled out, as `kubectl rollout status` decides it (polymorphichelpers/rollout_status.go):
 * Deployments by observed generation, updated, available replicas and ProgressDeadlineExceeded; StatefulSets by
 * ready replicas, partition and update revision; DaemonSets by updated and available pods; Jobs by their Complete
 * and Failed conditions. Pure functions of the object.
 */
import { isRecord } from './types.js';
import type { KubeObject } from './types.js';

/** The kinds with a rollout to wait for. */
export const WORKLOAD_KINDS = ['Deployment', 'StatefulSet', 'DaemonSet', 'Job'] as const;

/** One of {@link WORKLOAD_KINDS}. */
export type WorkloadKind = (typeof WORKLOAD_KINDS)[number];

/** Where a rollout stands. */
export interface RolloutState {
  state: 'progressing' | 'done' | 'failed';
  message: string;
}

/** True for kinds with a rollout. */
export function isWorkload(kind: string): kind is WorkloadKind {
  return (WORKLOAD_KINDS as readonly string[]).includes(kind);
}

function obj(value: unknown): Record<string, unknown> {
  return isRecord(value) ? value : {};
}

function num(value: unknown, fallback = 0): number {
  return typeof value === 'number' ? value : fallback;
}

function conditions(status: Record<string, unknown>): Array<Record<string, unknown>> {
  return Array.isArray(status.conditions) ? status.conditions.filter(isRecord) : [];
}

function generationObserved(object: KubeObject, status: Record<string, unknown>): boolean {
  const generation = object.metadata.generation;
  return typeof generation !== 'number' || num(status.observedGeneration, -1) >= generation;
}

function deployment(object: KubeObject): RolloutState {
  const name = String(object.metadata.name);
  const spec = obj(object.spec);
  const status = obj(object.status);
  if (!generationObserved(object, status))
    return { state: 'progressing', message: 'waiting for the deployment spec update to be observed' };
  const progressing = conditions(status).find((c) => c.type === 'Progressing');
  if (progressing?.reason === 'ProgressDeadlineExceeded') {
    return {
      state: 'failed',
      message: `deployment "${name}" exceeded its progress deadline (${String(progressing.message ?? '')})`,
    };
  }
  const replicas = num(spec.replicas, 1);
  const updated = num(status.updatedReplicas);
  if (updated < replicas)
    return { state: 'progressing', message: `${updated} of ${replicas} new replicas updated` };
  const total = num(status.replicas);
  if (total > updated)
    return { state: 'progressing', message: `${total - updated} old replicas pending termination` };
  const available = num(status.availableReplicas);
  if (available < updated)
    return { state: 'progressing', message: `${available} of ${updated} updated replicas available` };
  return { state: 'done', message: `${available} of ${replicas} replicas available` };
}

function statefulSet(object: KubeObject): RolloutState {
  const spec = obj(object.spec);
  const status = obj(object.status);
  const strategy = obj(spec.updateStrategy);
  if (strategy.type !== undefined && strategy.type !== 'RollingUpdate') {
    return { state: 'done', message: `update strategy ${String(strategy.type)}: no rollout to wait for` };
  }
  if (num(status.observedGeneration) === 0 || !generationObserved(object, status)) {
    return { state: 'progressing', message: 'waiting for the statefulset spec update to be observed' };
  }
  const replicas = num(spec.replicas, 1);
  const ready = num(status.readyReplicas);
  if (ready < replicas) return { state: 'progressing', message: `${ready} of ${replicas} pods ready` };
  const partition = num(obj(strategy.rollingUpdate).partition);
  if (partition > 0) {
    const wanted = replicas - partition;
    const updated = num(status.updatedReplicas);
    if (updated < wanted)
      return {
        state: 'progressing',
        message: `partitioned rollout: ${updated} of ${wanted} new pods updated`,
      };
    return { state: 'done', message: `partitioned rollout complete: ${updated} new pods updated` };
  }
  if (status.updateRevision !== status.currentRevision) {
    return {
      state: 'progressing',
      message: `${num(status.updatedReplicas)} of ${replicas} pods at revision ${String(status.updateRevision)}`,
    };
  }
  return { state: 'done', message: `${replicas} pods at revision ${String(status.currentRevision)}` };
}

function daemonSet(object: KubeObject): RolloutState {
  const spec = obj(object.spec);
  const status = obj(object.status);
  const strategy = obj(spec.updateStrategy);
  if (strategy.type !== undefined && strategy.type !== 'RollingUpdate') {
    return { state: 'done', message: `update strategy ${String(strategy.type)}: no rollout to wait for` };
  }
  if (!generationObserved(object, status))
    return { state: 'progressing', message: 'waiting for the daemon set spec update to be observed' };
  const desired = num(status.desiredNumberScheduled);
  const updated = num(status.updatedNumberScheduled);
  if (updated < desired)
    return { state: 'progressing', message: `${updated} of ${desired} new pods updated` };
  const available = num(status.numberAvailable);
  if (available < desired)
    return { state: 'progressing', message: `${available} of ${desired} updated pods available` };
  return { state: 'done', message: `${available} of ${desired} pods available` };
}

function job(object: KubeObject): RolloutState {
  const status = obj(object.status);
  const all = conditions(status);
  const failed = all.find((c) => c.type === 'Failed' && c.status === 'True');
  if (failed !== undefined)
    return {
      state: 'failed',
      message: `job failed: ${String(failed.reason ?? '')}: ${String(failed.message ?? '')}`,
    };
  if (all.some((c) => c.type === 'Complete' && c.status === 'True')) {
    return { state: 'done', message: `completed (${num(status.succeeded)} succeeded)` };
  }
  return {
    state: 'progressing',
    message: `${num(status.active)} active, ${num(status.succeeded)} succeeded, ${num(status.failed)} failed`,
  };
}

/** The rollout state of a workload object as the server returned it. */
export function rolloutState(object: KubeObject): RolloutState {
  switch (object.kind) {
    case 'Deployment':
      return deployment(object);
    case 'StatefulSet':
      return statefulSet(object);
    case 'DaemonSet':
      return daemonSet(object);
    case 'Job':
      return job(object);
    default:
      return { state: 'done', message: 'no rollout' };
  }
}
