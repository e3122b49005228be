/**
 * Where each workload kind keeps its pod spec, so image substitution, Spot placement and the requests check
 * reach every container, CronJobs included (their pods are two templates deep).
 */
import { isRecord } from './types.js';
import type { KubeObject } from './types.js';

/** The kinds with a pod template, and the path to the pod spec. */
const POD_SPEC_PATHS: Record<string, string[]> = {
  Pod: ['spec'],
  PodTemplate: ['template', 'spec'],
  Deployment: ['spec', 'template', 'spec'],
  ReplicaSet: ['spec', 'template', 'spec'],
  ReplicationController: ['spec', 'template', 'spec'],
  StatefulSet: ['spec', 'template', 'spec'],
  DaemonSet: ['spec', 'template', 'spec'],
  Job: ['spec', 'template', 'spec'],
  CronJob: ['spec', 'jobTemplate', 'spec', 'template', 'spec'],
};

/** A container entry of a pod spec, as JSON. */
export type Container = Record<string, unknown> & { name?: string; image?: string };

/** The pod spec of a workload (the live object, not a copy), or undefined for kinds without one. */
export function podSpecOf(object: KubeObject): Record<string, unknown> | undefined {
  const path = POD_SPEC_PATHS[object.kind];
  if (path === undefined) return undefined;
  let current: unknown = object;
  for (const key of path) {
    if (!isRecord(current)) return undefined;
    current = current[key];
  }
  return isRecord(current) ? current : undefined;
}

/** True when the kind has a pod template. */
export function hasPodTemplate(kind: string): boolean {
  return kind in POD_SPEC_PATHS;
}

/** Every container of a pod spec: init, regular and ephemeral, with the list each is in. */
export function containersOf(
  podSpec: Record<string, unknown>,
): Array<{ list: string; container: Container }> {
  const out: Array<{ list: string; container: Container }> = [];
  for (const list of ['initContainers', 'containers', 'ephemeralContainers']) {
    const items = podSpec[list];
    if (!Array.isArray(items)) continue;
    for (const c of items) if (isRecord(c)) out.push({ list, container: c as Container });
  }
  return out;
}
