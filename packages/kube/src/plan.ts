/**
 * The deploy plan: pure data made from the manifests and what discovery said about their kinds. Which objects,
 * in which order, in which namespace, decorated how, and what to warn about. No clock, no network.
 */
import type { PlannedObject } from './apply.js';
import { containersWithoutRequests, decorate } from './decorate.js';
import type { SpotPlatform } from './decorate.js';
import type { ApiResource } from './discovery.js';
import { ManifestError } from './errors.js';
import { imagesOf } from './images.js';
import { sortForApply } from './order.js';
import { isWorkload } from './rollout-status.js';
import { describeRef, refOf } from './types.js';
import type { Manifest } from './types.js';

/** What the cluster platform means for a deploy. */
export interface PlatformFacts {
  /** `GKE Autopilot`, `EKS Auto Mode`, `GKE Standard`, `EKS`, `Kubernetes`. */
  name: string;
  /** Set when the platform sizes (and bills) pods by their requests, so containers without requests deserve a warning. */
  requestsNote?: string;
}

/** A manifest and what serves its kind (undefined for kinds a CRD of the same deploy defines). */
export interface ResolvedManifest {
  manifest: Manifest;
  resource: ApiResource | undefined;
  namespaced: boolean;
}

/** What the plan needs besides the manifests. */
export interface PlanSettings {
  namespace: string;
  commit?: string;
  runUrl?: string;
  spot?: SpotPlatform;
  platform: PlatformFacts;
}

/** The plan. */
export interface DeployPlan {
  objects: PlannedObject[];
  /** Workloads whose rollout will be waited for, in apply order. */
  workloads: PlannedObject[];
  images: string[];
  warnings: string[];
  /** Objects defined twice. */
  errors: ManifestError[];
}

/** Plans a deploy. */
export function planDeploy(resolved: ResolvedManifest[], settings: PlanSettings): DeployPlan {
  const namespacedBy = new Map(resolved.map((r) => [r.manifest.object, r.namespaced]));
  const resourceBy = new Map<Manifest['object'], ApiResource | undefined>(
    resolved.map((r) => [r.manifest.object, r.resource]),
  );
  const decorated = decorate(
    resolved.map((r) => r.manifest),
    {
      namespace: settings.namespace,
      namespaced: (object) => namespacedBy.get(object) ?? true,
      ...(settings.commit === undefined ? {} : { commit: settings.commit }),
      ...(settings.runUrl === undefined ? {} : { runUrl: settings.runUrl }),
      ...(settings.spot === undefined ? {} : { spot: settings.spot }),
    },
  );
  // decorate() copies objects; carry each one's resource over by position.
  const withResource = decorated.map((m, i) => ({
    manifest: m,
    resource: resourceBy.get(resolved[i]?.manifest.object as Manifest['object']),
  }));
  const errors: ManifestError[] = [];
  const seen = new Map<string, Manifest>();
  for (const { manifest } of withResource) {
    const ref = refOf(manifest.object);
    const group = ref.apiVersion.includes('/') ? ref.apiVersion.split('/')[0] : '';
    const key = `${group}/${describeRef(ref)}`;
    const first = seen.get(key);
    if (first !== undefined) {
      errors.push(
        new ManifestError(
          manifest.source,
          `${describeRef(ref)} is also defined at ${first.source.file}:${first.source.line}`,
        ),
      );
    } else seen.set(key, manifest);
  }
  const order = sortForApply(withResource.map((w) => w.manifest));
  const objects: PlannedObject[] = order.map((manifest) => ({
    manifest,
    resource: withResource.find((w) => w.manifest === manifest)?.resource,
  }));
  const warnings: string[] = [];
  if (settings.platform.requestsNote !== undefined) {
    const missing = containersWithoutRequests(order);
    if (missing.length > 0)
      warnings.push(`${missing.join(', ')}: no CPU or memory requests. ${settings.platform.requestsNote}`);
  }
  return {
    objects,
    workloads: objects.filter((o) => isWorkload(o.manifest.object.kind)),
    images: imagesOf(order),
    warnings,
    errors,
  };
}
