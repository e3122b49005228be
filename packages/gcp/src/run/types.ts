/**
 * The Cloud Run Admin API v2 resources as Slipway handles them: the object form @google-cloud/run reads and writes
 * (camelCase fields, enums by name, int64 as strings, durations as `{seconds}`), limited to what Slipway reads or
 * sets. Unknown fields are kept (index signatures), so that a live resource round-trips unchanged.
 * Reference: https://cloud.google.com/run/docs/reference/rest/v2/projects.locations.services#Service
 */

/** `IngressTraffic`. */
export type Ingress =
  | 'INGRESS_TRAFFIC_UNSPECIFIED'
  | 'INGRESS_TRAFFIC_ALL'
  | 'INGRESS_TRAFFIC_INTERNAL_ONLY'
  | 'INGRESS_TRAFFIC_INTERNAL_LOAD_BALANCER'
  | 'INGRESS_TRAFFIC_NONE';

/** `TrafficTargetAllocationType`. */
export type TrafficType =
  | 'TRAFFIC_TARGET_ALLOCATION_TYPE_UNSPECIFIED'
  | 'TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST'
  | 'TRAFFIC_TARGET_ALLOCATION_TYPE_REVISION';

/** `Condition.State`. */
export type ConditionState =
  | 'STATE_UNSPECIFIED'
  | 'CONDITION_PENDING'
  | 'CONDITION_RECONCILING'
  | 'CONDITION_FAILED'
  | 'CONDITION_SUCCEEDED';

/** `VpcAccess.VpcEgress`. */
export type VpcEgress = 'VPC_EGRESS_UNSPECIFIED' | 'ALL_TRAFFIC' | 'PRIVATE_RANGES_ONLY';

/** `ExecutionEnvironment`. */
export type ExecutionEnvironment =
  'EXECUTION_ENVIRONMENT_UNSPECIFIED' | 'EXECUTION_ENVIRONMENT_GEN1' | 'EXECUTION_ENVIRONMENT_GEN2';

/** The LATEST allocation type. */
export const LATEST: TrafficType = 'TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST';
/** The REVISION allocation type. */
export const REVISION: TrafficType = 'TRAFFIC_TARGET_ALLOCATION_TYPE_REVISION';

/** A `google.protobuf.Duration` in object form. */
export interface Duration {
  seconds?: string | number;
  nanos?: number;
}

/** A `google.protobuf.Timestamp` in object form. */
export interface Timestamp {
  seconds?: string | number;
  nanos?: number;
}

/** A Secret Manager reference of an environment variable. */
export interface SecretKeySelector {
  /** The secret id (same project) or `projects/P/secrets/S`. */
  secret: string;
  /** A version number or `latest`. */
  version?: string;
}

/** `EnvVar`: a value or a secret reference. */
export interface EnvVar {
  name: string;
  value?: string;
  valueSource?: { secretKeyRef?: SecretKeySelector };
}

/** `VolumeMount`. */
export interface VolumeMount {
  name: string;
  mountPath: string;
}

/** `Volume`; only secret volumes are built by Slipway, others are kept as they are. */
export interface Volume {
  name: string;
  secret?: {
    secret: string;
    items?: Array<{ path: string; version?: string; mode?: number }>;
    defaultMode?: number;
  };
  [field: string]: unknown;
}

/** `ResourceRequirements`. */
export interface Resources {
  limits?: Record<string, string>;
  /** True: CPU only during requests (request-based billing); false: always (instance-based billing). */
  cpuIdle?: boolean;
  startupCpuBoost?: boolean;
}

/** `Container`. */
export interface Container {
  name?: string;
  image?: string;
  command?: string[];
  args?: string[];
  env?: EnvVar[];
  resources?: Resources;
  ports?: Array<{ name?: string; containerPort?: number }>;
  volumeMounts?: VolumeMount[];
  workingDir?: string;
  [field: string]: unknown;
}

/** `VpcAccess`: a Serverless VPC Access connector or Direct VPC egress interfaces. */
export interface VpcAccess {
  connector?: string;
  egress?: VpcEgress;
  networkInterfaces?: Array<{ network?: string; subnetwork?: string; tags?: string[] }>;
}

/** `RevisionTemplate`. */
export interface RevisionTemplate {
  revision?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  scaling?: { minInstanceCount?: number; maxInstanceCount?: number };
  vpcAccess?: VpcAccess;
  timeout?: Duration;
  serviceAccount?: string;
  containers?: Container[];
  volumes?: Volume[];
  executionEnvironment?: ExecutionEnvironment;
  maxInstanceRequestConcurrency?: number;
  [field: string]: unknown;
}

/** `TrafficTarget`. */
export interface TrafficTarget {
  type?: TrafficType;
  revision?: string;
  percent?: number;
  tag?: string;
}

/** `TrafficTargetStatus`: where traffic actually goes. */
export interface TrafficStatus extends TrafficTarget {
  uri?: string;
}

/** `Condition`. */
export interface Condition {
  type?: string;
  state?: ConditionState;
  message?: string;
  reason?: string;
  revisionReason?: string;
  executionReason?: string;
  lastTransitionTime?: Timestamp;
}

/** `Service`. */
export interface Service {
  name?: string;
  description?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  client?: string;
  ingress?: Ingress;
  launchStage?: string;
  template?: RevisionTemplate;
  traffic?: TrafficTarget[];
  scaling?: { minInstanceCount?: number; [field: string]: unknown };
  invokerIamDisabled?: boolean;
  etag?: string;
  // Output only:
  uri?: string;
  urls?: string[];
  generation?: string;
  observedGeneration?: string;
  latestReadyRevision?: string;
  latestCreatedRevision?: string;
  trafficStatuses?: TrafficStatus[];
  terminalCondition?: Condition;
  conditions?: Condition[];
  reconciling?: boolean;
  [field: string]: unknown;
}

/** `Revision` (read only). */
export interface Revision {
  name?: string;
  conditions?: Condition[];
  logUri?: string;
  reconciling?: boolean;
  containers?: Container[];
  [field: string]: unknown;
}

/** `TaskTemplate`. */
export interface TaskTemplate {
  containers?: Container[];
  volumes?: Volume[];
  maxRetries?: number;
  timeout?: Duration;
  serviceAccount?: string;
  vpcAccess?: VpcAccess;
  executionEnvironment?: ExecutionEnvironment;
  [field: string]: unknown;
}

/** `ExecutionTemplate`. */
export interface ExecutionTemplate {
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  parallelism?: number;
  taskCount?: number;
  template?: TaskTemplate;
}

/** `Job`. */
export interface Job {
  name?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  client?: string;
  template?: ExecutionTemplate;
  etag?: string;
  // Output only:
  terminalCondition?: Condition;
  reconciling?: boolean;
  latestCreatedExecution?: { name?: string };
  [field: string]: unknown;
}

/** `Execution` (read only). */
export interface Execution {
  name?: string;
  taskCount?: number;
  runningCount?: number;
  succeededCount?: number;
  failedCount?: number;
  cancelledCount?: number;
  retriedCount?: number;
  conditions?: Condition[];
  completionTime?: Timestamp | null;
  logUri?: string;
  reconciling?: boolean;
  [field: string]: unknown;
}

/** `Task` (read only). */
export interface Task {
  name?: string;
  index?: number;
  lastAttemptResult?: { status?: { code?: number; message?: string }; exitCode?: number } | null;
  conditions?: Condition[];
  logUri?: string;
  [field: string]: unknown;
}

/** `google.iam.v1.Policy`. The etag (bytes on the wire) is kept as base64 text and sent back as read. */
export interface IamPolicy {
  version?: number;
  bindings?: Array<{ role?: string; members?: string[]; condition?: unknown }>;
  etag?: string;
}

/** Execution overrides of `RunJobRequest`. */
export interface ExecutionOverrides {
  containerOverrides?: Array<{ name?: string; args?: string[]; env?: EnvVar[]; clearArgs?: boolean }>;
  taskCount?: number;
  timeout?: Duration;
}
