/**
 * Resource extraction: deploy specs (Kubernetes manifests, ECS task definitions, Cloud Run services and jobs) →
 * workloads with their effective resources. Pure: no I/O, no clock, no environment.
 */
export { extractWorkloads } from './extract-workloads.js';
export type { ExtractOptions, SpecFile } from './extract-workloads.js';
export { cpuToVcpu, memoryToMiB, parseQuantity } from './quantity.js';
export { parseEcsCpu, parseEcsMemory } from './ecs-units.js';
export { cronRunsPerMonth } from './cron-runs.js';
export { parseDurationSeconds } from './duration.js';
export {
  DEFAULT_RUN_SECONDS,
  DEFAULT_RUNS_PER_MONTH,
  RUN_DURATION_ANNOTATION,
  RUNS_PER_MONTH_ANNOTATION,
} from './run-schedule.js';
export {
  CLOUD_RUN_DEFAULT_MAX_INSTANCES,
  CLOUD_RUN_DEFAULT_MEMORY_MIB,
  CLOUD_RUN_DEFAULT_VCPU,
} from './cloud-run.js';
export { KUSTOMIZATION_FILE_NAMES } from './kustomization.js';
