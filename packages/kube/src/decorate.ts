/**
 * What Slipway adds to each object before applying it: the default namespace, labels and annotations that say
 * which commit and run deployed it, and Spot placement for pod templates. Pure functions over copies.
 */
import { containersOf, podSpecOf } from './pod-templates.js';
import { cloneJson, describeRef, isRecord, refOf } from './types.js';
import type { KubeObject, Manifest } from './types.js';

/** The label every object Slipway applies carries. */
export const MANAGED_BY_LABEL = 'app.kubernetes.io/managed-by';
/** The annotation with the deployed commit. */
export const COMMIT_ANNOTATION = 'slipway.dev/commit';
/** The annotation with the workflow run that deployed the object. */
export const RUN_URL_ANNOTATION = 'slipway.dev/run-url';
/** Annotations that change with every run and so never count as a change to the object. */
export const TRACE_ANNOTATIONS = [COMMIT_ANNOTATION, RUN_URL_ANNOTATION];

/** Where Spot capacity is asked for: GKE's spot node label, or Karpenter's capacity type (EKS, Auto Mode). */
export type SpotPlatform = 'gke' | 'eks';

/** What to add. */
export interface Decoration {
  /** Namespace for namespaced objects that name none. */
  namespace: string;
  /** Whether a kind is namespaced (from discovery). */
  namespaced(object: KubeObject): boolean;
  commit?: string;
  runUrl?: string;
  spot?: SpotPlatform;
}

/** The node selector and toleration that put pods on Spot capacity. */
export function spotPlacement(platform: SpotPlatform): {
  nodeSelector: Record<string, string>;
  tolerations: Array<Record<string, string>>;
} {
  return platform === 'gke'
    ? {
        nodeSelector: { 'cloud.google.com/gke-spot': 'true' },
        tolerations: [
          { key: 'cloud.google.com/gke-spot', operator: 'Equal', value: 'true', effect: 'NoSchedule' },
        ],
      }
    : { nodeSelector: { 'karpenter.sh/capacity-type': 'spot' }, tolerations: [] };
}

function addSpot(podSpec: Record<string, unknown>, platform: SpotPlatform): void {
  const placement = spotPlacement(platform);
  podSpec.nodeSelector = {
    ...(isRecord(podSpec.nodeSelector) ? podSpec.nodeSelector : {}),
    ...placement.nodeSelector,
  };
  const tolerations = Array.isArray(podSpec.tolerations) ? [...(podSpec.tolerations as unknown[])] : [];
  for (const t of placement.tolerations) {
    if (!tolerations.some((x) => isRecord(x) && x.key === t.key && x.effect === t.effect))
      tolerations.push(t);
  }
  if (tolerations.length > 0) podSpec.tolerations = tolerations;
}

/** Decorates copies of the manifests. DaemonSets are left off Spot: they belong on every node. */
export function decorate(manifests: Manifest[], d: Decoration): Manifest[] {
  return manifests.map((m) => {
    const object = cloneJson(m.object);
    if (d.namespaced(m.object)) object.metadata.namespace ??= d.namespace;
    else delete object.metadata.namespace;
    object.metadata.labels = { ...object.metadata.labels, [MANAGED_BY_LABEL]: 'slipway' };
    const annotations = { ...object.metadata.annotations };
    if (d.commit !== undefined) annotations[COMMIT_ANNOTATION] = d.commit;
    if (d.runUrl !== undefined) annotations[RUN_URL_ANNOTATION] = d.runUrl;
    if (Object.keys(annotations).length > 0) object.metadata.annotations = annotations;
    const podSpec = podSpecOf(object);
    if (d.spot !== undefined && podSpec !== undefined && object.kind !== 'DaemonSet')
      addSpot(podSpec, d.spot);
    return { ...m, object };
  });
}

/** Containers that request neither CPU nor memory, as `kind/ns/name container c`. */
export function containersWithoutRequests(manifests: Manifest[]): string[] {
  const out: string[] = [];
  for (const m of manifests) {
    const podSpec = podSpecOf(m.object);
    if (podSpec === undefined) continue;
    for (const { list, container } of containersOf(podSpec)) {
      if (list === 'ephemeralContainers') continue;
      const requests =
        isRecord(container.resources) && isRecord(container.resources.requests)
          ? container.resources.requests
          : {};
      if (requests.cpu === undefined && requests.memory === undefined) {
        out.push(`${describeRef(refOf(m.object))} container ${String(container.name)}`);
      }
    }
  }
  return out;
}
