/**
 * The data model shared by resource extraction (files → workloads) and pricing (workloads → estimates).
 * Everything here is plain data: no I/O, no clock.
 */

/** Where a workload or an error comes from: a file path as given, and a 1-based line. */
export interface SourceRef {
  file: string;
  line: number;
}

/** The families of specs Slipway reads. */
export type SpecOrigin = 'kubernetes' | 'ecs' | 'cloud-run';

export type WorkloadKind =
  | 'Deployment'
  | 'StatefulSet'
  | 'DaemonSet'
  | 'ReplicaSet'
  | 'Pod'
  | 'Job'
  | 'CronJob'
  | 'TaskDefinition'
  | 'Service' // Cloud Run serving.knative.dev/v1 Service
  | 'CloudRunJob'; // Cloud Run run.googleapis.com/v1 Job

/**
 * One container as the spec states it, after each platform-neutral rule that the spec itself defines
 * (Kubernetes: a missing request takes the limit). `null` means "not stated": platforms apply their own defaults.
 */
export interface ContainerSpec {
  name: string;
  /**
   * `app`: a regular container. `init`: a Kubernetes init container that runs to completion before the app
   * containers. `sidecar`: a Kubernetes native sidecar (an init container with `restartPolicy: Always`): it runs
   * alongside the app containers and the init containers after it.
   */
  role: 'app' | 'init' | 'sidecar';
  /** Effective CPU request in vCPU (Kubernetes: request, else limit; ECS: container `cpu` units / 1024). */
  cpu: number | null;
  /** Effective memory request in MiB (binary). */
  memoryMiB: number | null;
  /** Effective ephemeral-storage request in MiB, when stated. */
  ephemeralMiB: number | null;
  /** GPUs requested (nvidia.com/gpu, amd.com/gpu, Cloud Run nvidia.com/gpu...), 0 when none. */
  gpu: number;
  /** Kubernetes limits as stated (vCPU / MiB), kept for rules that read them (Cloud Run bills limits). */
  limits: { cpu: number | null; memoryMiB: number | null };
}

/** How often a batch workload runs, and for how long: the usage assumption its cost rests on. */
export interface RunSchedule {
  /** Runs per month (730 h). A Job with no schedule runs once. */
  runsPerMonth: number;
  /** Seconds each run lasts: from an input or the `slipway.dev/run-duration` annotation, else a default. */
  durationSeconds: number;
  /** Human-readable statement of the assumption, e.g. "schedule `*\/5 * * * *`: 8,760 runs a month, 60 s each (default)". */
  assumption: string;
  /** Parallel pods/tasks of one run (Job parallelism, Cloud Run job task count), ≥ 1. */
  parallelism: number;
}

export interface EcsDetails {
  /** Task-level CPU in vCPU (1024 units = 1 vCPU), when stated. */
  taskCpu: number | null;
  /** Task-level memory in MiB, when stated. */
  taskMemoryMiB: number | null;
  /** From `requiresCompatibilities` (FARGATE wins when both are listed), else EC2 when no task size is set. */
  launchType: 'FARGATE' | 'EC2' | 'EXTERNAL';
  networkMode: string | null;
  cpuArchitecture: 'X86_64' | 'ARM64';
  operatingSystemFamily: string; // 'LINUX' or e.g. 'WINDOWS_SERVER_2022_CORE'
  /** `ephemeralStorage.sizeInGiB`, when stated (21–200). */
  ephemeralGiB: number | null;
}

export interface CloudRunDetails {
  /** `request`: CPU only during requests (default); `instance`: `run.googleapis.com/cpu-throttling: "false"`. Jobs: always `instance`. */
  billing: 'request' | 'instance';
  minInstances: number;
  maxInstances: number | null;
  concurrency: number | null;
  /** Region from the spec's `cloud.googleapis.com/location` label, when present. */
  region: string | null;
}

/** One priced unit: a Kubernetes workload, an ECS task definition, a Cloud Run service or job. */
export interface Workload {
  source: SourceRef;
  origin: SpecOrigin;
  kind: WorkloadKind;
  /** `apiVersion` as written, e.g. `batch/v1beta1`. */
  apiVersion: string;
  name: string;
  namespace: string | null;
  /**
   * Steady-state and peak replica counts: the workload's `replicas` (default 1), or an HPA's min/max when one
   * targets it; ECS and Cloud Run services: 1 (ECS desired count lives on the service, not the task definition)
   * unless stated; Cloud Run: min/max instances. DaemonSet: per node (1), flagged in warnings.
   */
  replicas: { min: number; max: number };
  containers: ContainerSpec[];
  /**
   * Effective per-replica requests, platform-neutral: max(largest init, sum(app + sidecar)) with sidecars
   * counted alongside later init containers; unstated requests count as 0. ECS: the task-level size when stated.
   */
  perReplica: { vcpu: number; memoryMiB: number };
  /** Present for Job, CronJob and Cloud Run jobs. */
  schedule: RunSchedule | null;
  ecs: EcsDetails | null;
  cloudRun: CloudRunDetails | null;
  /** Facts worth telling the reader: storage not priced, GPU requested, DaemonSet per node, unusual sizes. */
  warnings: string[];
}

/** A file that could not be read as a spec, with the line that broke. */
export interface SpecError {
  file: string;
  line: number;
  message: string;
}

/**
 * A kustomization file met among the inputs. Extraction does not resolve it (that needs the file system): the CLI
 * reads `resources` and passes them in, or refuses the kustomization when `unsupported` is not empty.
 */
export interface KustomizationRef {
  /** The kustomization file's path, as given. */
  path: string;
  /** The `resources` entries, as written (files, directories or URLs relative to the kustomization). */
  resources: string[];
  /** `namespace`, when set: kustomize applies it to every resource. */
  namespace: string | null;
  /**
   * Top-level fields beyond `resources`, `namespace`, `commonLabels`, `commonAnnotations` and `labels` (which
   * cannot change a workload's size or count), e.g. `patches`, `replicas`, `images`, `configMapGenerator`.
   */
  unsupported: string[];
}

/** What extraction returns for a set of files. */
export interface ExtractResult {
  workloads: Workload[];
  errors: SpecError[];
  /** Documents that were read but carry no compute (Service, ConfigMap, StorageClass, HPA…): counted, not priced. */
  skipped: number;
  /** Kustomization files among the inputs, for the caller to resolve (not counted in `skipped`). */
  kustomizations: KustomizationRef[];
}

export type Platform =
  | 'ecs-fargate'
  | 'ecs-fargate-spot'
  | 'eks-fargate'
  | 'gke-autopilot'
  | 'gke-autopilot-spot'
  | 'cloud-run'
  | 'cloud-run-jobs'
  | 'app-runner';

/** The price of one workload on one platform in one region. */
export interface Estimate {
  platform: Platform;
  region: string;
  /** The shape the platform bills one replica at, after its minimums, steps and rounding. In a report: frozen, shared. */
  billedPerReplica: { vcpu: number; memoryMiB: number };
  /** Monthly cost at 730 h (steady state, `replicas.min`); `null` when a needed price is unconfirmed or the platform cannot run it. */
  monthlyUSD: number | null;
  /** Monthly cost at `replicas.max`, when it differs. */
  monthlyUSDMax: number | null;
  /** The cost lines, e.g. "0.25 vCPU × 730 h × $0.04048". In a report: frozen, and shared by equal estimates. */
  lines: readonly string[];
  /** Why this estimate is partial or not possible (unconfirmed price, invalid shape, not offered in region). */
  warnings: readonly string[];
}

/** Options for one estimate run. */
export interface EstimateOptions {
  /** One region for every platform; when absent: a Cloud Run spec's own region, else the platform's default (us-east-1 / us-central1). */
  region?: string;
  /** The platforms to price; default: every platform that can run each workload's kind. */
  platforms?: Platform[];
  /** Count Cloud Run's monthly free tier (off by default: it is per billing account, not per service). */
  freeTier?: boolean;
  /** Usage inputs for request-based Cloud Run: requests a month and seconds busy per request. */
  usage?: { requestsPerMonth?: number; requestSeconds?: number };
}

/** One workload in a report. */
export interface ReportWorkload {
  source: SourceRef;
  kind: WorkloadKind;
  name: string;
  namespace: string | null;
  replicas: { min: number; max: number };
  perReplica: { vcpu: number; memoryMiB: number };
  estimates: Estimate[];
  warnings: string[];
}

/** The machine-readable report of `slipway estimate --json` and of the estimate-cost action. */
export interface EstimateReport {
  hoursPerMonth: 730;
  /** The date of the price catalog, ISO `YYYY-MM-DD`. */
  catalogDate: string;
  regions: { aws: string; gcp: string } | { requested: string };
  workloads: ReportWorkload[];
  /** Per platform: the sum of its workloads' monthly costs, plus cluster fees once per cluster. */
  totals: Array<{
    platform: Platform;
    region: string;
    monthlyUSD: number | null;
    clusterFeeUSD: number;
    /** Workloads that could not be priced on this platform (not counted in monthlyUSD). */
    unpriced: number;
  }>;
  /** The cheapest platform that priced every workload, when one did. */
  cheapest: Platform | null;
  assumptions: string[];
  errors: SpecError[];
}
