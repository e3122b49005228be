/**
 * `@slipway/gcp/run`: Cloud Run services and jobs through the Cloud Run Admin API v2. Importing this module loads
 * no Google library: `createRunApi` imports each @google-cloud/run client when a call first needs it.
 */
export { createRunApi, splitName } from './client.js';
export type { OperationStart, OperationState, RunApi, RunApiOptions } from './client.js';
export { applyJobPlan, JobFailedError, planJobDeploy, validateJobPlan } from './deploy-job.js';
export type { ExecutionResult, JobResult } from './deploy-job.js';
export {
  applyServicePlan,
  isRolloutFailure,
  planServiceDeploy,
  RolloutFailedError,
  validateServicePlan,
} from './deploy-service.js';
export type { DeployHooks, ServiceResult } from './deploy-service.js';
export { diffSpecs, hideEnvValues, renderChanges } from './diff.js';
export type { Change } from './diff.js';
export { DEFAULT_RUN_ENDPOINT, parseApiEndpoint } from './endpoint.js';
export type { ApiEndpoint } from './endpoint.js';
export {
  GRPC_STATUS,
  grpcStatusOf,
  isAlreadyExists,
  isConflict,
  isNotFound,
  operationError,
  RunApiError,
  toRunApiError,
} from './errors.js';
export type { GrpcStatus } from './errors.js';
export { ALL_USERS, INVOKER_ROLE, isPublic, planInvokerPolicy } from './iam.js';
export { SpecError, translateKnativeService } from './knative.js';
export type { KnativeService } from './knative.js';
export {
  cpuNeededFor,
  cpuProblem,
  instancesProblem,
  MAX_CONCURRENCY,
  MAX_SERVICE_TIMEOUT_SECONDS,
  MAX_TASK_COUNT,
  MAX_TASK_RETRIES,
  MAX_TASK_TIMEOUT_SECONDS,
  memoryNeededFor,
  memoryProblem,
  parseCpu,
  parseMemory,
  resourcesProblem,
} from './limits.js';
export { executionConsoleUrl, jobConsoleUrl, revisionLogsUrl, serviceConsoleUrl } from './links.js';
export { canonicalJson, clone, prune, sameSpec, settableJob, settableService } from './normalize.js';
export {
  conditionOf,
  ExecutionObserver,
  OperationObserver,
  ServiceRolloutObserver,
  taskCounts,
} from './observe.js';
export type { ServiceRolloutTarget } from './observe.js';
export { comparableService, jobName, PlanError, planJob, planService, serviceName } from './plan.js';
export type { JobDeployRequest, JobPlan, ServiceDeployRequest, ServicePlan } from './plan.js';
export {
  applyJobSettings,
  applyServiceSettings,
  emptyContainerSettings,
  ingressContainerIndex,
  secretFilesProblem,
  secretVolumeName,
} from './settings.js';
export type { ContainerSettings, JobSettings, SecretRef, ServiceSettings, VpcSettings } from './settings.js';
export {
  planTraffic,
  servingLatest,
  shortRevision,
  TrafficError,
  trafficProblem,
  trafficRows,
} from './traffic.js';
export type { TrafficRequest, TrafficRow } from './traffic.js';
export * from './types.js';
export {
  createCloudRunRouter,
  DEFAULT_PREVIEW_TAG,
  servingRows,
  splitTraffic,
  tagTraffic,
} from './traffic-router.js';
export type { CloudRunRouterOptions, ServingRow } from './traffic-router.js';
