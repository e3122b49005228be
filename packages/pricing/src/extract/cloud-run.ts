/**
 * Cloud Run specs (`gcloud run services|jobs replace` YAML) → Workloads.
 *
 * Services (`serving.knative.dev/v1` Service): Cloud Run bills each instance for its containers' **limits**,
 * summed over every container of the instance (ingress container and sidecars). A container without limits gets
 * Cloud Run's default of 1 vCPU / 512 MiB (UNCONFIRMED, so it is said in a warning). Instances: min from the
 * `minScale` annotations (default 0), max from `maxScale` (default 100, UNCONFIRMED). Billing is request-based
 * unless `run.googleapis.com/cpu-throttling: "false"`.
 *
 * Jobs (`run.googleapis.com/v1` Job): the same container sums; always instance-based billing; `taskCount` tasks per
 * execution, `parallelism` at a time (0 or unset: all at once); executions a month from the
 * `slipway.dev/runs-per-month` annotation or the option (default 1).
 */
import type { CloudRunDetails, ContainerSpec, Workload } from '../types.js';
import { formatNumber } from './format.js';
import { readIdentity } from './kubernetes-workloads.js';
import { readGpus, readQuantity, roundNano } from './pod-resources.js';
import { buildSchedule, readRunDuration, readRunsPerMonth, runsAMonth } from './run-schedule.js';
import type { AnnotationSource, RunOptions } from './run-schedule.js';
import { FieldError, isObj, readInt, readList, readObj } from './source-doc.js';
import type { Obj, Path, SourceDoc } from './source-doc.js';

/** Cloud Run's default per-container size when no limit is stated (UNCONFIRMED, pricing.md §4). */
export const CLOUD_RUN_DEFAULT_VCPU = 1;
export const CLOUD_RUN_DEFAULT_MEMORY_MIB = 512;
/** Cloud Run's default maximum instances (UNCONFIRMED, pricing.md §4). */
export const CLOUD_RUN_DEFAULT_MAX_INSTANCES = 100;

const REGION = /^[a-z]+-[a-z]+[0-9]+$/;
const LOCATION_LABEL = 'cloud.googleapis.com/location';
const MIN_SCALE = [
  'autoscaling.knative.dev/minScale',
  'autoscaling.knative.dev/min-scale',
  'run.googleapis.com/min-scale',
  'run.googleapis.com/minScale',
];
const MAX_SCALE = [
  'autoscaling.knative.dev/maxScale',
  'autoscaling.knative.dev/max-scale',
  'run.googleapis.com/max-scale',
  'run.googleapis.com/maxScale',
];

// Memory allowed per whole vCPU (pricing.md §4): [min MiB, max MiB].
const MEMORY_RANGE: ReadonlyMap<number, readonly [number, number]> = new Map([
  [1, [128, 4 * 1024]],
  [2, [128, 8 * 1024]],
  [4, [2 * 1024, 16 * 1024]],
  [6, [4 * 1024, 24 * 1024]],
  [8, [4 * 1024, 32 * 1024]],
]);

/**
 * A Cloud Run service.
 * @throws FieldError when a field is malformed (containers missing, an invalid quantity or annotation).
 */
export function buildCloudRunService(doc: SourceDoc, obj: Obj): Workload {
  const { name, namespace, metadata } = readIdentity(obj);
  const warnings: string[] = [];
  const spec = readObj(obj, 'spec', []);
  const template = readObj(spec, 'template', ['spec']);
  const revisionMetadata = readObj(template, 'metadata', ['spec', 'template']);
  const revisionAnnotations = readObj(revisionMetadata, 'annotations', ['spec', 'template', 'metadata']);
  const serviceAnnotations = readObj(metadata, 'annotations', ['metadata']);
  const revisionSpec = readObj(template, 'spec', ['spec', 'template']);
  const specPath: Path = ['spec', 'template', 'spec'];
  if (revisionSpec === undefined) throw new FieldError(specPath, 'is required');

  const { containers, vcpu, memoryMiB } = readInstance(revisionSpec, specPath, warnings);
  checkShape(vcpu, memoryMiB, containers.length, warnings);

  // The revision's own setting wins; the service-level one (run.googleapis.com/minScale on the Service) applies
  // to revisions that set none.
  const revisionPath: Path = ['spec', 'template', 'metadata', 'annotations'];
  const min =
    readScale(revisionAnnotations, MIN_SCALE, revisionPath) ??
    readScale(serviceAnnotations, MIN_SCALE, ['metadata', 'annotations']);
  const max =
    readScale(revisionAnnotations, MAX_SCALE, revisionPath) ??
    readScale(serviceAnnotations, MAX_SCALE, ['metadata', 'annotations']);
  const minInstances = min ?? 0;
  if (max === null) {
    warnings.push(
      `max instances not set: Cloud Run's default of ${CLOUD_RUN_DEFAULT_MAX_INSTANCES} assumed (UNCONFIRMED)`,
    );
  }
  const maxInstances = max ?? Math.max(CLOUD_RUN_DEFAULT_MAX_INSTANCES, minInstances);
  if (minInstances > maxInstances) {
    throw new FieldError(
      revisionPath,
      `min instances (${minInstances}) is above max instances (${maxInstances})`,
    );
  }
  const throttling = revisionAnnotations?.['run.googleapis.com/cpu-throttling'];
  const billing: CloudRunDetails['billing'] =
    throttling === false || throttling === 'false' ? 'instance' : 'request';
  const concurrency = readInt(revisionSpec, 'containerConcurrency', specPath) ?? null;

  return {
    source: { file: doc.file, line: doc.line },
    origin: 'cloud-run',
    kind: 'Service',
    apiVersion: typeof obj.apiVersion === 'string' ? obj.apiVersion : '',
    name,
    namespace,
    replicas: { min: minInstances, max: maxInstances },
    containers,
    perReplica: { vcpu, memoryMiB },
    schedule: null,
    ecs: null,
    cloudRun: {
      billing,
      minInstances,
      maxInstances: max,
      concurrency,
      region: readRegion(metadata, warnings),
    },
    warnings,
  };
}

/**
 * A Cloud Run job.
 * @throws FieldError when a field is malformed.
 */
export function buildCloudRunJob(doc: SourceDoc, obj: Obj, options: RunOptions): Workload {
  const { name, namespace, metadata } = readIdentity(obj);
  const warnings: string[] = [];
  const spec = readObj(obj, 'spec', []);
  const execution = readObj(spec, 'template', ['spec']);
  const executionSpec = readObj(execution, 'spec', ['spec', 'template']);
  const executionPath: Path = ['spec', 'template', 'spec'];
  const task = readObj(executionSpec, 'template', executionPath);
  const taskSpec = readObj(task, 'spec', [...executionPath, 'template']);
  const taskPath: Path = [...executionPath, 'template', 'spec'];
  if (taskSpec === undefined) throw new FieldError(taskPath, 'is required');

  const { containers, vcpu, memoryMiB } = readInstance(taskSpec, taskPath, warnings);
  checkShape(vcpu, memoryMiB, containers.length, warnings);

  const taskCount = readInt(executionSpec, 'taskCount', executionPath, 1) ?? 1;
  const parallelism = readInt(executionSpec, 'parallelism', executionPath) ?? 0;
  const running = parallelism === 0 ? taskCount : Math.min(parallelism, taskCount);
  const sources: AnnotationSource[] = [
    { annotations: readObj(metadata, 'annotations', ['metadata']), path: ['metadata', 'annotations'] },
    {
      annotations: readObj(readObj(execution, 'metadata', ['spec', 'template']), 'annotations', [
        'spec',
        'template',
        'metadata',
      ]),
      path: ['spec', 'template', 'metadata', 'annotations'],
    },
  ];
  const runs = readRunsPerMonth(sources, options);
  const duration = readRunDuration(sources, options);
  const timeout = readInt(taskSpec, 'timeoutSeconds', taskPath, 1);
  if (timeout !== undefined && duration.value > timeout) {
    warnings.push(
      `run duration ${formatNumber(duration.value)} s is above the task timeout of ${formatNumber(timeout)} s`,
    );
  }
  return {
    source: { file: doc.file, line: doc.line },
    origin: 'cloud-run',
    kind: 'CloudRunJob',
    apiVersion: typeof obj.apiVersion === 'string' ? obj.apiVersion : '',
    name,
    namespace,
    replicas: { min: 1, max: 1 },
    containers,
    perReplica: { vcpu, memoryMiB },
    schedule: buildSchedule({
      runsPerMonth: runs.value,
      runsText: `${runsAMonth(runs.value)} (${runs.why})`,
      duration,
      completions: taskCount,
      parallelism: running,
      unit: 'tasks',
    }),
    ecs: null,
    cloudRun: {
      billing: 'instance',
      minInstances: 0,
      maxInstances: null,
      concurrency: null,
      region: readRegion(metadata, warnings),
    },
    warnings,
  };
}

// The containers of one instance (or task) and their summed limits, defaults filled in.
function readInstance(
  spec: Obj,
  path: Path,
  warnings: string[],
): { containers: ContainerSpec[]; vcpu: number; memoryMiB: number } {
  const list = readList(spec, 'containers', path);
  if (list === undefined || list.length === 0) {
    throw new FieldError([...path, 'containers'], 'an instance needs at least one container');
  }
  const several = list.length > 1;
  let vcpu = 0;
  let memoryMiB = 0;
  const containers = list.map((raw, index): ContainerSpec => {
    const itemPath: Path = [...path, 'containers', index];
    if (!isObj(raw)) throw new FieldError(itemPath, 'expected a container (a mapping)');
    const name = typeof raw.name === 'string' ? raw.name : `#${index}`;
    const resources = readObj(raw, 'resources', itemPath);
    const limits = readObj(resources, 'limits', [...itemPath, 'resources']);
    const limitsPath: Path = [...itemPath, 'resources', 'limits'];
    const cpu = readQuantity(limits, 'cpu', limitsPath, 'cpu');
    const memory = readQuantity(limits, 'memory', limitsPath, 'memory');
    if (cpu === null || memory === null) {
      const missing =
        cpu === null && memory === null
          ? 'CPU and memory limits'
          : cpu === null
            ? 'a CPU limit'
            : 'a memory limit';
      warnings.push(
        `container \`${name}\` states no ${missing}: Cloud Run's default of ${CLOUD_RUN_DEFAULT_VCPU} vCPU / ${CLOUD_RUN_DEFAULT_MEMORY_MIB} MiB assumed (UNCONFIRMED)`,
      );
    }
    vcpu += cpu ?? CLOUD_RUN_DEFAULT_VCPU;
    memoryMiB += memory ?? CLOUD_RUN_DEFAULT_MEMORY_MIB;
    const gpu = readGpus(
      name,
      undefined,
      limits,
      [...itemPath, 'resources', 'requests'],
      limitsPath,
      warnings,
    );
    // With several containers, the one that takes requests (it declares a port) is the app; the others are sidecars.
    const ingress = Array.isArray(raw.ports) && raw.ports.length > 0;
    return {
      name,
      role: several && !ingress ? 'sidecar' : 'app',
      cpu,
      memoryMiB: memory,
      ephemeralMiB: null,
      gpu,
      limits: { cpu, memoryMiB: memory },
    };
  });
  return { containers, vcpu: roundNano(vcpu), memoryMiB };
}

// Cloud Run's CPU and memory rules (pricing.md §4), as warnings: the service may still deploy with a nearby size.
function checkShape(vcpu: number, memoryMiB: number, containerCount: number, warnings: string[]): void {
  const total = containerCount > 1 ? ` (sum of ${containerCount} containers)` : '';
  if (vcpu > 8) {
    warnings.push(`${formatNumber(vcpu)} vCPU per instance${total}: Cloud Run allows at most 8 vCPU`);
    return;
  }
  if (vcpu > 1 && !Number.isInteger(vcpu)) {
    warnings.push(
      `${formatNumber(vcpu)} vCPU per instance${total} is unusual: above 1 vCPU Cloud Run needs a whole number of vCPU, so the billed size may differ (UNCONFIRMED)`,
    );
    return;
  }
  if (containerCount > 1 && vcpu < 1) {
    warnings.push(
      `${formatNumber(vcpu)} vCPU per instance${total}: a multi-container instance needs at least 1 vCPU in all`,
    );
  }
  const key = vcpu <= 1 ? 1 : vcpu;
  const allowed = MEMORY_RANGE.get(key);
  if (allowed === undefined) {
    warnings.push(`${formatNumber(vcpu)} vCPU per instance: Cloud Run offers 1, 2, 4, 6 or 8 vCPU above 1`);
    return;
  }
  const [low, high] = allowed;
  if (memoryMiB < low || memoryMiB > high) {
    warnings.push(
      `${formatNumber(memoryMiB)} MiB per instance${total} is outside Cloud Run's ${formatNumber(low)}–${formatNumber(high)} MiB for ${formatNumber(key)} vCPU`,
    );
  }
}

function readScale(annotations: Obj | undefined, keys: readonly string[], path: Path): number | null {
  for (const key of keys) {
    const value = readInt(annotations, key, path, 0, true);
    if (value !== undefined) return value;
  }
  return null;
}

function readRegion(metadata: Obj | undefined, warnings: string[]): string | null {
  const labels = isObj(metadata?.labels) ? metadata.labels : undefined;
  const location = labels?.[LOCATION_LABEL];
  if (location === undefined || location === null) return null;
  if (typeof location === 'string' && REGION.test(location)) return location;
  warnings.push(
    `label ${LOCATION_LABEL}: \`${String(location)}\` is not a Cloud Run region (a placeholder?): ignored`,
  );
  return null;
}
