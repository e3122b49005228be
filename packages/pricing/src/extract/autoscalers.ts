/**
 * HorizontalPodAutoscalers (`autoscaling/v1`, `v2`, `v2beta1`, `v2beta2`: the fields read here are the same in
 * all four) → replica ranges for the workloads they target, wherever in the same extraction those are.
 */
import type { Workload } from '../types.js';
import { readIdentity } from './kubernetes-workloads.js';
import type { NamespacedIndex } from './namespaced-index.js';
import { FieldError, readInt, readObj, readString } from './source-doc.js';
import type { Obj } from './source-doc.js';

/** What an HPA says about its target. */
export interface Autoscaler {
  name: string;
  namespace: string | null;
  targetKind: string;
  targetName: string;
  min: number;
  max: number;
}

/**
 * One HPA. `minReplicas` defaults to 1 (0 is allowed: scale to zero).
 * @throws FieldError when the target or `maxReplicas` is missing, or min is above max (the API refuses both).
 */
export function readAutoscaler(obj: Obj): Autoscaler {
  const { name, namespace } = readIdentity(obj);
  const spec = readObj(obj, 'spec', []);
  const target = readObj(spec, 'scaleTargetRef', ['spec']);
  const targetKind = readString(target, 'kind', ['spec', 'scaleTargetRef']);
  const targetName = readString(target, 'name', ['spec', 'scaleTargetRef']);
  if (targetKind === undefined || targetName === undefined) {
    throw new FieldError(['spec', 'scaleTargetRef'], 'needs a kind and a name');
  }
  const min = readInt(spec, 'minReplicas', ['spec']) ?? 1;
  const max = readInt(spec, 'maxReplicas', ['spec'], 1);
  if (max === undefined) throw new FieldError(['spec', 'maxReplicas'], 'is required');
  if (min > max) throw new FieldError(['spec', 'minReplicas'], `${min} is above maxReplicas ${max}`);
  return { name, namespace, targetKind, targetName, min, max };
}

/**
 * Sets `replicas` of a scalable workload from the HPA that targets it (by kind, name and namespace; see
 * NamespacedIndex for namespaces). `kind` is the kind as written (`Rollout`, `ReplicationController`…).
 * A workload with `replicas: 0` keeps 0: Kubernetes turns autoscaling off for it.
 */
export function applyAutoscaler(
  workload: Workload,
  kind: string,
  autoscalers: NamespacedIndex<Autoscaler>,
): void {
  const matches = autoscalers.findAll(workload.namespace, workload.name).filter((a) => a.targetKind === kind);
  const hpa = matches[0];
  if (hpa === undefined) return;
  if (matches.length > 1) {
    const names = matches.map((a) => `\`${a.name}\``).join(', ');
    workload.warnings.push(`several HorizontalPodAutoscalers target it (${names}): using \`${hpa.name}\``);
  }
  if (workload.replicas.max === 0) {
    workload.warnings.push(
      `replicas: 0 turns HorizontalPodAutoscaler \`${hpa.name}\` off: priced at 0 replicas`,
    );
    return;
  }
  workload.replicas = { min: hpa.min, max: hpa.max };
  workload.warnings.push(`replicas from HorizontalPodAutoscaler \`${hpa.name}\`: ${hpa.min} to ${hpa.max}`);
}
