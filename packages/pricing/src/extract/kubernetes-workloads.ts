/**
 * Kubernetes workload objects → Workloads: Deployment, StatefulSet, DaemonSet, ReplicaSet, ReplicationController,
 * Pod, Job, CronJob (`batch/v1` and `batch/v1beta1`) and Argo Rollout.
 */
import type { Workload, WorkloadKind } from '../types.js';
import { cronRunsPerMonth } from './cron-runs.js';
import { readPodResources } from './pod-resources.js';
import { buildSchedule, readRunDuration, readRunsPerMonth, runsAMonth } from './run-schedule.js';
import type { AnnotationSource, RunOptions } from './run-schedule.js';
import { FieldError, isObj, readInt, readList, readObj, readString } from './source-doc.js';
import type { Obj, Path, SourceDoc } from './source-doc.js';

/** The Kubernetes kinds that run pods, as written in specs. */
export type KubeKind =
  | 'Deployment'
  | 'StatefulSet'
  | 'DaemonSet'
  | 'ReplicaSet'
  | 'ReplicationController'
  | 'Pod'
  | 'Job'
  | 'CronJob'
  | 'Rollout';

/** Kinds written in specs → the kind the Workload carries. */
const WORKLOAD_KIND: Record<KubeKind, WorkloadKind> = {
  Deployment: 'Deployment',
  StatefulSet: 'StatefulSet',
  DaemonSet: 'DaemonSet',
  ReplicaSet: 'ReplicaSet',
  ReplicationController: 'ReplicaSet',
  Pod: 'Pod',
  Job: 'Job',
  CronJob: 'CronJob',
  Rollout: 'Deployment',
};

/** A PersistentVolumeClaim read from the same files: its requested size as written, when stated. */
export interface ClaimInfo {
  storage: string | null;
}

/** Objects by namespace and name (a NamespacedIndex): the one lookup building a workload makes. */
export interface Lookup<T> {
  find(namespace: string | null, name: string): T | undefined;
}

/** What building a Kubernetes workload may look up in the other documents of the same extraction. */
export interface KubeContext {
  options: RunOptions;
  claims: Lookup<ClaimInfo>;
  /** Deployments by namespace/name, for a Rollout's `workloadRef`. */
  deployments: Lookup<Obj>;
}

/** The name and namespace of an object. @throws FieldError when it has neither `name` nor `generateName`. */
export function readIdentity(obj: Obj): {
  name: string;
  namespace: string | null;
  metadata: Obj | undefined;
} {
  const metadata = readObj(obj, 'metadata', []);
  const name =
    readString(metadata, 'name', ['metadata']) ?? readString(metadata, 'generateName', ['metadata']);
  if (name === undefined || name === '') throw new FieldError(['metadata', 'name'], 'is required');
  return { name, namespace: readString(metadata, 'namespace', ['metadata']) ?? null, metadata };
}

/**
 * One Kubernetes workload. Replicas come from the object (default 1); HPAs are applied afterwards by the caller.
 * @throws FieldError naming the field when the object cannot be priced as written.
 */
export function buildKubeWorkload(doc: SourceDoc, obj: Obj, kind: KubeKind, ctx: KubeContext): Workload {
  const { name, namespace, metadata } = readIdentity(obj);
  const spec = readObj(obj, 'spec', []);
  if (spec === undefined) throw new FieldError(['spec'], 'is required');
  const warnings: string[] = [];
  const ownAnnotations: AnnotationSource = {
    annotations: readObj(metadata, 'annotations', ['metadata']),
    path: ['metadata', 'annotations'],
  };
  let replicas = { min: 1, max: 1 };
  let schedule: Workload['schedule'] = null;
  let pod: PodTemplate;

  switch (kind) {
    case 'Pod':
      pod = { spec, path: ['spec'], annotations: ownAnnotations };
      break;
    case 'Job': {
      pod = readPodTemplate(spec, ['spec']);
      const runs = readRunsPerMonth([ownAnnotations, pod.annotations], ctx.options);
      schedule = jobSchedule(spec, ['spec'], {
        runsPerMonth: runs.value,
        runsWhy: runs.why,
        label: null,
        suspended: spec.suspend === true,
        sources: [ownAnnotations, pod.annotations],
        options: ctx.options,
        warnings,
      });
      break;
    }
    case 'CronJob': {
      const cron = readString(spec, 'schedule', ['spec']);
      if (cron === undefined) throw new FieldError(['spec', 'schedule'], 'is required');
      let runs: number;
      try {
        runs = cronRunsPerMonth(cron);
      } catch (error) {
        throw new FieldError(['spec', 'schedule'], (error as Error).message);
      }
      const jobTemplate = readObj(spec, 'jobTemplate', ['spec']);
      const jobSpec = readObj(jobTemplate, 'spec', ['spec', 'jobTemplate']);
      if (jobSpec === undefined) throw new FieldError(['spec', 'jobTemplate', 'spec'], 'is required');
      const jobMetadata = readObj(jobTemplate, 'metadata', ['spec', 'jobTemplate']);
      const jobAnnotations: AnnotationSource = {
        annotations: readObj(jobMetadata, 'annotations', ['spec', 'jobTemplate', 'metadata']),
        path: ['spec', 'jobTemplate', 'metadata', 'annotations'],
      };
      pod = readPodTemplate(jobSpec, ['spec', 'jobTemplate', 'spec']);
      schedule = jobSchedule(jobSpec, ['spec', 'jobTemplate', 'spec'], {
        runsPerMonth: runs,
        runsWhy: '730 h',
        label: `schedule \`${cron}\``,
        suspended: spec.suspend === true || jobSpec.suspend === true,
        sources: [ownAnnotations, jobAnnotations, pod.annotations],
        options: ctx.options,
        warnings,
      });
      break;
    }
    case 'DaemonSet':
      pod = readPodTemplate(spec, ['spec']);
      warnings.push('DaemonSet: one pod per node; priced for 1 node (multiply by your node count)');
      break;
    default: {
      const count = readInt(spec, 'replicas', ['spec']) ?? 1;
      replicas = { min: count, max: count };
      if (kind === 'Rollout') {
        pod = readRolloutTemplate(spec, namespace, ctx, warnings);
        warnings.push(
          'Argo Rollout: priced like a Deployment (extra pods during a canary or blue-green step not counted)',
        );
      } else {
        pod = readPodTemplate(spec, ['spec']);
      }
      if (kind === 'ReplicationController') warnings.push('ReplicationController: priced like a ReplicaSet');
    }
  }

  const resources = readPodResources(pod.spec, pod.path, warnings);
  if (kind === 'StatefulSet') claimTemplateWarnings(spec, warnings);
  volumeWarnings(pod.spec, pod.path, namespace, ctx.claims, warnings);
  return {
    source: { file: doc.file, line: doc.line },
    origin: 'kubernetes',
    kind: WORKLOAD_KIND[kind],
    apiVersion: typeof obj.apiVersion === 'string' ? obj.apiVersion : '',
    name,
    namespace,
    replicas,
    containers: resources.containers,
    perReplica: resources.perReplica,
    schedule,
    ecs: null,
    cloudRun: null,
    warnings,
  };
}

/** A pod spec, where it sits, and the annotations of its template. */
interface PodTemplate {
  spec: Obj;
  path: Path;
  annotations: AnnotationSource;
}

function readPodTemplate(owner: Obj, ownerPath: Path): PodTemplate {
  const template = readObj(owner, 'template', ownerPath);
  const templatePath = [...ownerPath, 'template'];
  const spec = readObj(template, 'spec', templatePath);
  if (spec === undefined) throw new FieldError([...templatePath, 'spec'], 'is required');
  const metadata = readObj(template, 'metadata', templatePath);
  return {
    spec,
    path: [...templatePath, 'spec'],
    annotations: {
      annotations: readObj(metadata, 'annotations', [...templatePath, 'metadata']),
      path: [...templatePath, 'metadata', 'annotations'],
    },
  };
}

// A Rollout has its own pod template, or borrows a Deployment's through `workloadRef`.
function readRolloutTemplate(
  spec: Obj,
  namespace: string | null,
  ctx: KubeContext,
  warnings: string[],
): PodTemplate {
  const ref = readObj(spec, 'workloadRef', ['spec']);
  if (spec.template !== undefined || ref === undefined) return readPodTemplate(spec, ['spec']);
  const refKind = readString(ref, 'kind', ['spec', 'workloadRef']);
  const refName = readString(ref, 'name', ['spec', 'workloadRef']);
  if (refKind !== 'Deployment' || refName === undefined) {
    throw new FieldError(['spec', 'workloadRef'], 'expected a reference to a Deployment (kind and name)');
  }
  const deployment = ctx.deployments.find(namespace, refName);
  if (deployment === undefined) {
    throw new FieldError(['spec', 'workloadRef'], `Deployment \`${refName}\` is not among these files`);
  }
  warnings.push(`pod template from Deployment \`${refName}\` (\`workloadRef\`)`);
  try {
    const deploymentSpec = readObj(deployment, 'spec', []);
    const template = readPodTemplate(deploymentSpec ?? {}, ['spec']);
    // Checked here so that a broken Deployment fails the Rollout at the reference, not at a path in another file.
    readPodResources(template.spec, template.path, []);
    return template;
  } catch (error) {
    if (error instanceof FieldError) {
      throw new FieldError(['spec', 'workloadRef'], `Deployment \`${refName}\`: ${error.message}`);
    }
    throw error;
  }
}

interface JobRunInputs {
  runsPerMonth: number;
  /** Why that many runs ("730 h" after a schedule, "default; …"). */
  runsWhy: string;
  /** What the runs follow from, e.g. "schedule `@daily`"; `null` for a Job. */
  label: string | null;
  suspended: boolean;
  sources: AnnotationSource[];
  options: RunOptions;
  warnings: string[];
}

// A Job runs `completions` pods in all, `parallelism` at a time. Unset completions with a parallelism is a work
// queue: `parallelism` pods each run until the queue is empty.
function jobSchedule(jobSpec: Obj, jobPath: Path, inputs: JobRunInputs): Workload['schedule'] {
  const duration = readRunDuration(inputs.sources, inputs.options);
  const parallelism = readInt(jobSpec, 'parallelism', jobPath) ?? 1;
  const completions = readInt(jobSpec, 'completions', jobPath) ?? parallelism;
  let { runsPerMonth, runsWhy } = inputs;
  if (parallelism === 0 || completions === 0) {
    inputs.warnings.push(`${parallelism === 0 ? 'parallelism' : 'completions'} 0: the Job starts no pods`);
    runsPerMonth = 0;
    runsWhy = 'no pods';
  } else if (inputs.suspended) {
    inputs.warnings.push('suspended (`suspend: true`): no runs until it is resumed');
    runsPerMonth = 0;
    runsWhy = 'suspended';
  }
  const runs = `${runsAMonth(runsPerMonth)} (${runsWhy})`;
  return buildSchedule({
    runsPerMonth,
    runsText: inputs.label === null ? runs : `${inputs.label}: ${runs}`,
    duration,
    completions: Math.max(completions, 1),
    parallelism: parallelism === 0 || completions === 0 ? 1 : Math.min(parallelism, completions),
    unit: 'completions',
  });
}

function claimTemplateWarnings(spec: Obj, warnings: string[]): void {
  const templates = readList(spec, 'volumeClaimTemplates', ['spec']) ?? [];
  for (const template of templates) {
    if (!isObj(template)) continue;
    const claimName = isObj(template.metadata) ? template.metadata.name : undefined;
    const size = claimSize(template);
    const label = `volumeClaimTemplates \`${String(claimName ?? '?')}\``;
    warnings.push(
      size === null
        ? `storage not priced: ${label} per replica (no size stated)`
        : `storage not priced: ${size} per replica (${label})`,
    );
  }
}

function volumeWarnings(
  podSpec: Obj,
  podPath: Path,
  namespace: string | null,
  claims: Lookup<ClaimInfo>,
  warnings: string[],
): void {
  const volumes = readList(podSpec, 'volumes', podPath) ?? [];
  for (const volume of volumes) {
    if (!isObj(volume)) continue;
    const claim = volume.persistentVolumeClaim;
    if (isObj(claim) && typeof claim.claimName === 'string') {
      const known = claims.find(namespace, claim.claimName);
      const label = `PersistentVolumeClaim \`${claim.claimName}\``;
      warnings.push(
        known === undefined
          ? `storage not priced: ${label} (not among these files)`
          : known.storage === null
            ? `storage not priced: ${label} (no size stated)`
            : `storage not priced: ${known.storage} (${label})`,
      );
    }
    const ephemeral = volume.ephemeral;
    if (isObj(ephemeral) && isObj(ephemeral.volumeClaimTemplate)) {
      const size = claimSize(ephemeral.volumeClaimTemplate);
      const label = `ephemeral volume \`${String(volume.name ?? '?')}\``;
      warnings.push(
        size === null
          ? `storage not priced: ${label} per replica (no size stated)`
          : `storage not priced: ${size} per replica (${label})`,
      );
    }
  }
}

/** `spec.resources.requests.storage` of a claim or claim template, as written; `null` when absent. */
export function claimSize(claim: Obj): string | null {
  const spec = claim.spec;
  const resources = isObj(spec) ? spec.resources : undefined;
  const requests = isObj(resources) ? resources.requests : undefined;
  const storage = isObj(requests) ? requests.storage : undefined;
  return typeof storage === 'string' || typeof storage === 'number' ? String(storage) : null;
}
