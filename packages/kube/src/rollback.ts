/**
 * `kubectl rollout undo` for a Deployment: find the ReplicaSet of the previous revision (the highest
 * `deployment.kubernetes.io/revision` below the current one) and put its pod template back. Done with
 * server-side apply as the same field manager, so Slipway keeps owning the template and the next deploy applies
 * over it without conflicts.
 */
import { FIELD_MANAGER } from './apply.js';
import type { KubeClient } from './client.js';
import { selectorString } from './diagnose.js';
import { objectPath } from './discovery.js';
import type { ApiResource } from './discovery.js';
import { cloneJson, isRecord } from './types.js';
import type { KubeObject } from './types.js';

/** What a rollback did. */
export type RollbackResult =
  | { rolledBack: true; fromRevision: number; toRevision: number; images: string[] }
  | { rolledBack: false; reason: string };

const REVISION = 'deployment.kubernetes.io/revision';
const DEPLOYMENTS: ApiResource = {
  group: 'apps',
  version: 'v1',
  plural: 'deployments',
  kind: 'Deployment',
  namespaced: true,
};
const REPLICA_SETS: ApiResource = {
  group: 'apps',
  version: 'v1',
  plural: 'replicasets',
  kind: 'ReplicaSet',
  namespaced: true,
};

function revisionOf(o: KubeObject): number {
  return Number(o.metadata.annotations?.[REVISION] ?? 0);
}

/** The pod template of the revision before the current one, without the controller's pod-template-hash label. */
export function previousTemplate(
  deployment: KubeObject,
  replicaSets: KubeObject[],
): { template: Record<string, unknown>; revision: number } | undefined {
  const current = revisionOf(deployment);
  const owned = replicaSets.filter((rs) =>
    (Array.isArray(rs.metadata.ownerReferences) ? rs.metadata.ownerReferences : []).some(
      (r) => isRecord(r) && r.uid === deployment.metadata.uid,
    ),
  );
  const previous = owned
    .filter((rs) => revisionOf(rs) > 0 && revisionOf(rs) < current)
    .sort((a, b) => revisionOf(b) - revisionOf(a))[0];
  const spec = previous !== undefined && isRecord(previous.spec) ? previous.spec : undefined;
  if (previous === undefined || spec === undefined || !isRecord(spec.template)) return undefined;
  const template = cloneJson(spec.template);
  const metadata = isRecord(template.metadata) ? template.metadata : {};
  if (isRecord(metadata.labels)) {
    const labels = { ...metadata.labels };
    delete labels['pod-template-hash'];
    metadata.labels = labels;
  }
  template.metadata = metadata;
  return { template, revision: revisionOf(previous) };
}

function imagesOfTemplate(template: Record<string, unknown>): string[] {
  const spec = isRecord(template.spec) ? template.spec : {};
  const containers = Array.isArray(spec.containers) ? spec.containers : [];
  return containers.filter(isRecord).map((c) => String(c.image));
}

/**
 * Rolls a Deployment back to its previous revision. `applied` is the configuration Slipway applied (its template is
 * replaced); the apply is forced, since restoring the last good version must not stop at a field conflict.
 */
export async function rollbackDeployment(client: KubeClient, applied: KubeObject): Promise<RollbackResult> {
  const namespace = applied.metadata.namespace;
  const name = String(applied.metadata.name);
  const live = await client.request<KubeObject>({
    method: 'GET',
    path: objectPath(DEPLOYMENTS, namespace, name),
  });
  const spec = isRecord(live.spec) ? live.spec : {};
  const selector = selectorString(spec.selector);
  const sets = await client.request<{ items?: KubeObject[] }>({
    method: 'GET',
    path: objectPath(REPLICA_SETS, namespace),
    ...(selector === undefined ? {} : { query: { labelSelector: selector } }),
  });
  const previous = previousTemplate(live, sets.items ?? []);
  if (previous === undefined)
    return {
      rolledBack: false,
      reason: `no previous revision to roll back to (current revision ${revisionOf(live)})`,
    };
  const config = cloneJson(applied);
  config.spec = { ...(isRecord(config.spec) ? config.spec : {}), template: previous.template };
  await client.request({
    method: 'PATCH',
    path: objectPath(DEPLOYMENTS, namespace, name),
    query: { fieldManager: FIELD_MANAGER, force: true },
    body: config,
    contentType: 'application/apply-patch+yaml',
  });
  return {
    rolledBack: true,
    fromRevision: revisionOf(live),
    toRevision: previous.revision,
    images: imagesOfTemplate(previous.template),
  };
}
