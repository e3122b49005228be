// A simulated Amazon ECS control plane over AWS JSON 1.1 (target prefix AmazonEC2ContainerServiceV20141113):
// task definitions with revisions per family, clusters, services whose deployments start tasks over SIMULATED
// time, the deployment circuit breaker with rollback, one-off tasks with exit codes, and ECS's error types.
//
// Shapes follow the API reference, https://docs.aws.amazon.com/AmazonECS/latest/APIReference/ (each operation
// cites its page); timestamps travel as epoch seconds, as the JSON protocols encode them. Where ECS's exact error
// wording is not documented, the message is marked "wording approximated".
//
// Time. Nothing moves by itself: every request first runs the simulation up to the stand-in clock (`settle()`).
// The clock follows real time unless frozen; tests move it with `advance(ms)`, and `tickMs` makes each
// DescribeServices / DescribeTasks call move it forward, so an action in another process sees a rollout progress
// poll by poll without anyone sleeping.
import { randomBytes, randomUUID } from 'node:crypto';
import { AwsError, AwsJsonStandIn } from './aws-json.js';
import type { AwsHandler } from './aws-json.js';
import type { StandInOptions } from './base.js';
import type { AwsCredential } from './sigv4.js';

// ---------------------------------------------------------------------------------------------------------------
// Public types
// ---------------------------------------------------------------------------------------------------------------

/** A JSON object as it travels on the wire. */
export type Wire = Record<string, unknown>;

/** An ECS tag (`key`/`value`, lower case, as ECS spells them). */
export interface EcsTag {
  key: string;
  value: string;
}

/** How long the simulated scheduler takes for each step, in simulated milliseconds. */
export interface EcsTiming {
  /** From a new deployment (or a replacement) to its tasks being launched. */
  schedulerDelayMs: number;
  /** PROVISIONING → PENDING. */
  provisionMs: number;
  /** PENDING → RUNNING. */
  startMs: number;
  /** PENDING → STOPPED for a task whose image cannot be pulled. */
  pullFailMs: number;
  /** From every new task running to the old tasks stopped and the rollout COMPLETED. */
  drainMs: number;
  /** RUNNING → STOPPED for a one-off task (RunTask) or a crashing container. */
  runMs: number;
}

/** The default timing: a rollout of healthy tasks completes about 13 simulated seconds after it starts. */
export const DEFAULT_ECS_TIMING: EcsTiming = {
  schedulerDelayMs: 1000,
  provisionMs: 2000,
  startMs: 5000,
  pullFailMs: 4000,
  drainMs: 5000,
  runMs: 5000,
};

/** What one task does once launched, decided per task by {@link EcsStandIn.taskBehaviour}. */
export type TaskOutcome =
  /** Starts and keeps running (a one-off task exits 0 after `runMs`). */
  | { kind: 'run' }
  /** Starts, then its essential container exits with this code after `afterMs` (default `runMs`). */
  | { kind: 'exit'; exitCode: number; reason?: string; afterMs?: number }
  /** Never starts: the image cannot be pulled. */
  | { kind: 'pull-error'; message?: string };

/** The facts a {@link TaskBehaviour} decides from. */
export interface TaskBehaviourInput {
  /** The task definition as DescribeTaskDefinition shows it. */
  taskDefinition: Wire;
  /** Each container with its effective image and command (overrides applied). */
  containers: Array<{ name: string; image: string; command: string[]; essential: boolean }>;
  /** True for RunTask, false for a service's task. */
  oneOff: boolean;
}

/** Decides what a launched task does. */
export type TaskBehaviour = (input: TaskBehaviourInput) => TaskOutcome;

/**
 * The default behaviour: an essential container whose image contains `:bad` cannot be pulled; one whose image
 * contains `:crash` exits 1; a command containing `exit N` exits N; everything else runs.
 */
export const defaultTaskBehaviour: TaskBehaviour = ({ containers }) => {
  for (const container of containers.filter((c) => c.essential)) {
    if (container.image.includes(':bad')) return { kind: 'pull-error' };
    if (container.image.includes(':crash')) return { kind: 'exit', exitCode: 1 };
    const exit = /\bexit\s+(\d+)\b/.exec(container.command.join(' '));
    if (exit) return { kind: 'exit', exitCode: Number(exit[1]) };
  }
  return { kind: 'run' };
};

/** Options of the ECS stand-in. */
export interface EcsStandInOptions extends StandInOptions {
  /** Account id used in ARNs (default `123456789012`). */
  accountId?: string;
  region?: string;
  credentials?: AwsCredential[];
  /** Clusters that exist from the start (default `['default']`), with FARGATE and FARGATE_SPOT. */
  clusters?: string[];
  timing?: Partial<EcsTiming>;
  /** Simulated ms each DescribeServices / DescribeTasks call moves the clock forward (default 0: off). */
  tickMs?: number;
  taskBehaviour?: TaskBehaviour;
}

/** One revision of a task definition as the stand-in keeps it. */
export interface EcsTaskDefinitionRecord {
  /** As DescribeTaskDefinition answers it (without tags). */
  taskDefinition: Wire;
  tags: EcsTag[];
}

/** A deployment of a service, with the simulation's bookkeeping. */
export interface EcsDeploymentRecord {
  id: string;
  status: 'PRIMARY' | 'ACTIVE';
  taskDefinition: string;
  desiredCount: number;
  failedTasks: number;
  /** Epoch ms (simulated). */
  createdAt: number;
  updatedAt: number;
  rolloutState: 'IN_PROGRESS' | 'COMPLETED' | 'FAILED';
  rolloutStateReason: string;
  /** Simulated epoch ms at which the rollout reached COMPLETED or FAILED. */
  finishedAt?: number;
  /** The deployment this one rolls back, when the circuit breaker started it. */
  rollbackOf?: string;
  launchType?: string;
  capacityProviderStrategy?: Wire[];
  platformVersion?: string;
  networkConfiguration?: Wire;
  serviceConnectConfiguration?: Wire;
  /** Set once the rollout's tasks all run and completion is scheduled. */
  completing?: boolean;
}

/** A service as the stand-in keeps it. */
export interface EcsServiceRecord {
  serviceArn: string;
  serviceName: string;
  clusterArn: string;
  status: 'ACTIVE' | 'DRAINING' | 'INACTIVE';
  desiredCount: number;
  taskDefinition: string;
  /** Every field of the service ECS stores and echoes (launchType, deploymentConfiguration, ...). */
  settings: Wire;
  /** PRIMARY first. */
  deployments: EcsDeploymentRecord[];
  /** Newest first, at most 100, as DescribeServices answers them. */
  events: Array<{ id: string; createdAt: number; message: string }>;
  createdAt: number;
  tags: EcsTag[];
  /** The last deployment that reached COMPLETED: what the circuit breaker rolls back to. */
  lastCompleted?: { deploymentId: string; taskDefinition: string };
}

/** One container of a task as the stand-in keeps it. */
export interface EcsContainerRecord {
  containerArn: string;
  name: string;
  image: string;
  lastStatus: string;
  exitCode?: number;
  reason?: string;
}

/** A task as the stand-in keeps it. */
export interface EcsTaskRecord {
  taskArn: string;
  taskId: string;
  clusterArn: string;
  taskDefinitionArn: string;
  group: string;
  startedBy?: string;
  serviceName?: string;
  deploymentId?: string;
  lastStatus: 'PROVISIONING' | 'PENDING' | 'RUNNING' | 'STOPPED';
  desiredStatus: 'RUNNING' | 'STOPPED';
  launchType?: string;
  capacityProviderName?: string;
  platformVersion?: string;
  cpu?: string;
  memory?: string;
  createdAt: number;
  startedAt?: number;
  stoppedAt?: number;
  stoppedReason?: string;
  stopCode?: string;
  containers: EcsContainerRecord[];
  overrides: Wire;
  tags: EcsTag[];
  enableExecuteCommand: boolean;
  oneOff: boolean;
  outcome: TaskOutcome;
}

/** A cluster as the stand-in keeps it. */
export interface EcsClusterRecord {
  clusterArn: string;
  clusterName: string;
  status: 'ACTIVE';
  capacityProviders: string[];
  /** EC2 container instances registered (0 means EC2 tasks cannot be placed). */
  containerInstances: number;
  /** The Cloud Map namespace Service Connect uses when a service names none. */
  serviceConnectNamespace?: string;
  tags: EcsTag[];
}

// ---------------------------------------------------------------------------------------------------------------
// Constants and small helpers
// ---------------------------------------------------------------------------------------------------------------

const TARGET_PREFIX = 'AmazonEC2ContainerServiceV20141113';
const FAMILY = /^[A-Za-z0-9_-]{1,255}$/;
const SERVICE_NAME = /^[A-Za-z][A-Za-z0-9_-]{0,254}$/;
const NETWORK_MODES = ['bridge', 'host', 'awsvpc', 'none'];
const LAUNCH_TYPES = ['EC2', 'FARGATE', 'EXTERNAL', 'MANAGED_INSTANCES'];
const STRATEGIES = ['ROLLING', 'BLUE_GREEN', 'LINEAR', 'CANARY'];
const CONTROLLERS = ['ECS', 'CODE_DEPLOY', 'EXTERNAL'];
const MAX_EVENTS = 100;
const FARGATE_PROVIDERS = ['FARGATE', 'FARGATE_SPOT'];
const MINUTE = 60_000;

// The Fargate task sizes, from "Invalid CPU or memory value specified"
// (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task-cpu-memory-error.html).
const FARGATE_SIZES: Record<number, { min: number; max: number; step: number } | number[]> = {
  256: [512, 1024, 2048],
  512: { min: 1024, max: 4096, step: 1024 },
  1024: { min: 2048, max: 8192, step: 1024 },
  2048: { min: 4096, max: 16384, step: 1024 },
  4096: { min: 8192, max: 30720, step: 1024 },
  8192: { min: 16384, max: 61440, step: 4096 },
  16384: { min: 32768, max: 122880, step: 8192 },
};

function clientError(message: string): AwsError {
  return new AwsError('ClientException', message);
}

function invalidParameter(message: string): AwsError {
  return new AwsError('InvalidParameterException', message);
}

function isRecord(value: unknown): value is Wire {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function clone<T>(value: T): T {
  return structuredClone(value);
}

function optionalString(input: Wire, key: string): string | undefined {
  const value = input[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw new AwsError('SerializationException', `${key} must be a string`);
  return value;
}

function optionalNumber(input: Wire, key: string): number | undefined {
  const value = input[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number') throw new AwsError('SerializationException', `${key} must be a number`);
  return value;
}

function optionalBoolean(input: Wire, key: string): boolean | undefined {
  const value = input[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'boolean') throw new AwsError('SerializationException', `${key} must be a boolean`);
  return value;
}

function optionalList(input: Wire, key: string): unknown[] | undefined {
  const value = input[key];
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value)) throw new AwsError('SerializationException', `${key} must be a list`);
  return value;
}

function optionalObject(input: Wire, key: string): Wire | undefined {
  const value = input[key];
  if (value === undefined || value === null) return undefined;
  if (!isRecord(value)) throw new AwsError('SerializationException', `${key} must be a structure`);
  return value;
}

function stringList(input: Wire, key: string): string[] {
  return (optionalList(input, key) ?? []).map((item) => {
    if (typeof item !== 'string') throw new AwsError('SerializationException', `${key} must hold strings`);
    return item;
  });
}

function readTags(input: Wire, key = 'tags'): EcsTag[] {
  const tags = (optionalList(input, key) ?? []).map((item) => {
    if (!isRecord(item) || typeof item.key !== 'string') {
      throw invalidParameter('Tag keys must be specified as strings.'); // wording approximated
    }
    return { key: item.key, value: typeof item.value === 'string' ? item.value : '' };
  });
  if (tags.length > 50) throw invalidParameter('Too many tags: a resource can have at most 50 tags.'); // wording approximated
  return tags;
}

function seconds(ms: number): number {
  return ms / 1000;
}

function newDeploymentId(): string {
  // ecs-svc/ followed by 19 digits, as ECS writes deployment ids.
  let digits = String(1 + Math.floor(Math.random() * 9));
  while (digits.length < 19) digits += String(Math.floor(Math.random() * 10));
  return `ecs-svc/${digits}`;
}

/** Task-level CPU in units: `1024`, `"1024"`, `"1 vCPU"`, `"0.25 vcpu"` (the forms ECS accepts and converts). */
function cpuUnits(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isInteger(value)) return value;
  if (typeof value !== 'string') return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text);
  const vcpu = /^(\d+(?:\.\d+)?)\s*vcpu$/i.exec(text);
  return vcpu ? Math.round(Number(vcpu[1]) * 1024) : undefined;
}

/** Task-level memory in MiB: `2048`, `"2048"`, `"2 GB"`, `"0.5gb"`. */
function memoryMiB(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isInteger(value)) return value;
  if (typeof value !== 'string') return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text);
  const gb = /^(\d+(?:\.\d+)?)\s*gb$/i.exec(text);
  return gb ? Math.round(Number(gb[1]) * 1024) : undefined;
}

function fargateAccepts(cpu: number, memory: number): boolean {
  const size = FARGATE_SIZES[cpu];
  if (size === undefined) return false;
  if (Array.isArray(size)) return size.includes(memory);
  return memory >= size.min && memory <= size.max && (memory - size.min) % size.step === 0;
}

function taskList(tasks: EcsTaskRecord[]): string {
  return tasks.map((task) => `(task ${task.taskId})`).join(' ');
}

// ---------------------------------------------------------------------------------------------------------------
// The stand-in
// ---------------------------------------------------------------------------------------------------------------

interface Scheduled {
  at: number;
  seq: number;
  run: () => void;
}

/**
 * An ECS stand-in. State accessors (`taskDefinitions`, `services`, `service`, `deployments`, `tasks`, `events`,
 * `clusters`) show what the simulation holds, current to the stand-in clock; `seed*` methods create state as if it
 * existed before the test.
 */
export class EcsStandIn extends AwsJsonStandIn {
  /** The account id in ARNs. */
  readonly accountId: string;
  /** Step durations of the simulated scheduler; tests may change them at any time. */
  readonly timing: EcsTiming;
  /** Simulated ms that each DescribeServices / DescribeTasks call adds to the clock. */
  tickMs: number;
  /** Decides what each launched task does. */
  taskBehaviour: TaskBehaviour;
  /**
   * Whether the circuit breaker starts the rollback it was asked for. Set it to false to reproduce services whose
   * failed deployment stays FAILED without a rollback (aws/containers-roadmap#1488).
   */
  circuitBreakerRollsBack = true;

  private readonly families = new Map<string, EcsTaskDefinitionRecord[]>();
  private readonly clusterMap = new Map<string, EcsClusterRecord>();
  private readonly serviceMap = new Map<string, EcsServiceRecord>();
  private readonly taskMap = new Map<string, EcsTaskRecord>();
  private readonly denied = new Map<string, string>();
  /** Answers already given per clientToken, so a retried CreateService or RunTask does not act twice. */
  private readonly tokens = new Map<string, unknown>();
  private queue: Scheduled[] = [];
  private seq = 0;
  private processingAt: number | undefined;

  /** @param options identity, clusters, timing and task behaviour. */
  constructor(options: EcsStandInOptions = {}) {
    super({
      ...options,
      targetPrefix: TARGET_PREFIX,
      signingName: 'ecs',
      // ECS models ServerException for its 500s; throttling comes from the AWS front end.
      serverErrorType: 'ServerException',
      throttleErrorType: 'ThrottlingException',
    });
    this.accountId = options.accountId ?? '123456789012';
    this.timing = { ...DEFAULT_ECS_TIMING, ...options.timing };
    this.tickMs = options.tickMs ?? 0;
    this.taskBehaviour = options.taskBehaviour ?? defaultTaskBehaviour;
    for (const name of options.clusters ?? ['default']) this.seedCluster(name);

    const operations: Record<string, AwsHandler> = {
      RegisterTaskDefinition: (input) => this.registerTaskDefinition(input),
      DescribeTaskDefinition: (input) => this.describeTaskDefinition(input),
      DeregisterTaskDefinition: (input) => this.deregisterTaskDefinition(input),
      ListTaskDefinitions: (input) => this.listTaskDefinitions(input),
      DescribeClusters: (input) => this.describeClusters(input),
      CreateService: (input) => this.createService(input),
      UpdateService: (input) => this.updateService(input),
      DescribeServices: (input) => this.describeServices(input),
      RunTask: (input) => this.runTask(input),
      DescribeTasks: (input) => this.describeTasks(input),
      ListTasks: (input) => this.listTasks(input),
      StopTask: (input) => this.stopTask(input),
      TagResource: (input) => this.tagResource(input),
    };
    for (const [operation, handler] of Object.entries(operations)) {
      this.on(operation, (input, context) => {
        const denial = this.denied.get(operation) ?? this.denied.get('*');
        if (denial !== undefined) throw new AwsError('AccessDeniedException', denial);
        if (this.tickMs > 0 && (operation === 'DescribeServices' || operation === 'DescribeTasks')) {
          this.clock.advance(this.tickMs);
        }
        this.settle();
        return handler(input, context);
      });
    }
  }

  // ----- test controls ------------------------------------------------------------------------------------------

  /**
   * Makes an operation (or every one, with `*`) answer AccessDeniedException, as IAM does for a role that lacks
   * the permission; {@link allow} lifts it.
   */
  deny(operation: string, message?: string): void {
    this.denied.set(
      operation,
      message ??
        `User: arn:aws:sts::${this.accountId}:assumed-role/deploy/session is not authorized to perform: ecs:${operation} on resource: * because no identity-based policy allows the ecs:${operation} action`,
    );
  }

  /** Lifts a {@link deny}, or all of them. */
  allow(operation?: string): void {
    if (operation === undefined) this.denied.clear();
    else this.denied.delete(operation);
  }

  /** Runs the simulation up to the stand-in clock (or `until`). Every request does this first. */
  settle(until: number = this.clock.now()): void {
    for (;;) {
      this.queue.sort((a, b) => a.at - b.at || a.seq - b.seq);
      const next = this.queue[0];
      if (next === undefined || next.at > until) break;
      this.queue.shift();
      this.processingAt = next.at;
      try {
        next.run();
      } finally {
        this.processingAt = undefined;
      }
    }
  }

  /** Whether the simulation has anything scheduled. */
  get busy(): boolean {
    return this.queue.length > 0;
  }

  /**
   * Advances the clock from one scheduled step to the next until nothing is scheduled (every rollout finished,
   * every one-off task stopped) or `maxMs` passed; returns the simulated ms it advanced.
   */
  runUntilIdle(maxMs = 60 * MINUTE): number {
    let advanced = 0;
    this.settle();
    while (this.queue.length > 0 && advanced < maxMs) {
      const next = Math.min(...this.queue.map((s) => s.at));
      const step = Math.max(0, next - this.clock.now());
      this.clock.advance(step);
      advanced += step;
      this.settle();
    }
    return advanced;
  }

  // ----- state accessors ----------------------------------------------------------------------------------------

  /** Every cluster. */
  clusters(): EcsClusterRecord[] {
    return [...this.clusterMap.values()];
  }

  /** One cluster by name or ARN. */
  cluster(nameOrArn: string): EcsClusterRecord | undefined {
    return this.clusterMap.get(this.clusterName(nameOrArn));
  }

  /** Every revision of a family, oldest first; every revision of every family when no family is given. */
  taskDefinitions(family?: string): EcsTaskDefinitionRecord[] {
    if (family !== undefined) return [...(this.families.get(family) ?? [])];
    return [...this.families.values()].flat();
  }

  /** One revision by ARN, `family:revision` or family (its latest ACTIVE revision). */
  taskDefinition(reference: string): EcsTaskDefinitionRecord | undefined {
    return this.findTaskDefinition(reference);
  }

  /** Every service, current to the clock. */
  services(): EcsServiceRecord[] {
    this.settle();
    return [...this.serviceMap.values()];
  }

  /** One service by cluster and name (or ARN), current to the clock. */
  service(cluster: string, name: string): EcsServiceRecord | undefined {
    this.settle();
    return this.serviceMap.get(this.serviceKey(this.clusterName(cluster), this.serviceNameOf(name)));
  }

  /** The deployments of a service, PRIMARY first. */
  deployments(cluster: string, name: string): EcsDeploymentRecord[] {
    return [...(this.service(cluster, name)?.deployments ?? [])];
  }

  /** The event messages of a service, oldest first (DescribeServices lists them newest first). */
  events(cluster: string, name: string): string[] {
    return [...(this.service(cluster, name)?.events ?? [])].reverse().map((event) => event.message);
  }

  /** Every task, optionally filtered, current to the clock. */
  tasks(filter: { cluster?: string; serviceName?: string; deploymentId?: string } = {}): EcsTaskRecord[] {
    this.settle();
    const clusterArn =
      filter.cluster === undefined ? undefined : this.clusterArn(this.clusterName(filter.cluster));
    return [...this.taskMap.values()].filter(
      (task) =>
        (clusterArn === undefined || task.clusterArn === clusterArn) &&
        (filter.serviceName === undefined || task.serviceName === filter.serviceName) &&
        (filter.deploymentId === undefined || task.deploymentId === filter.deploymentId),
    );
  }

  /** One task by ARN or id, current to the clock. */
  task(arnOrId: string): EcsTaskRecord | undefined {
    this.settle();
    return this.findTask(arnOrId);
  }

  // ----- seeding -------------------------------------------------------------------------------------------------

  /** Creates a cluster (FARGATE and FARGATE_SPOT capacity providers, two EC2 container instances by default). */
  seedCluster(
    name: string,
    settings: {
      capacityProviders?: string[];
      containerInstances?: number;
      serviceConnectNamespace?: string;
    } = {},
  ): EcsClusterRecord {
    const record: EcsClusterRecord = {
      clusterArn: this.clusterArn(name),
      clusterName: name,
      status: 'ACTIVE',
      capacityProviders: settings.capacityProviders ?? [...FARGATE_PROVIDERS],
      containerInstances: settings.containerInstances ?? 2,
      ...(settings.serviceConnectNamespace === undefined
        ? {}
        : { serviceConnectNamespace: settings.serviceConnectNamespace }),
      tags: [],
    };
    this.clusterMap.set(name, record);
    return record;
  }

  /** Registers a task definition as RegisterTaskDefinition would; returns it as DescribeTaskDefinition shows it. */
  seedTaskDefinition(input: Wire): Wire {
    return this.registerTaskDefinition(clone(input)).taskDefinition;
  }

  /**
   * Creates a service that is already running: its first deployment COMPLETED and its tasks RUNNING, as if it had
   * been deployed long before the test. Takes CreateService's input.
   */
  seedService(input: Wire): EcsServiceRecord {
    return this.createServiceRecord(clone(input), true);
  }

  /**
   * Starts a deployment of a CODE_DEPLOY (or EXTERNAL) service's task set, as CodeDeploy does through ECS when it
   * deploys an AppSpec; the service then runs `taskDefinition`. Answers undefined for an unknown service.
   */
  startTaskSetDeployment(
    cluster: string,
    name: string,
    taskDefinition: string,
  ): EcsDeploymentRecord | undefined {
    this.settle();
    const service = this.serviceMap.get(this.serviceKey(this.clusterName(cluster), this.serviceNameOf(name)));
    if (service === undefined) return undefined;
    return this.startDeployment(service, taskDefinition);
  }

  // ----- naming ------------------------------------------------------------------------------------------------

  private arn(resource: string): string {
    return `arn:aws:ecs:${this.region}:${this.accountId}:${resource}`;
  }

  private clusterArn(name: string): string {
    return this.arn(`cluster/${name}`);
  }

  private clusterName(nameOrArn: string | undefined): string {
    if (nameOrArn === undefined || nameOrArn === '') return 'default';
    const match = /^arn:aws[\w-]*:ecs:[^:]*:\d{12}:cluster\/(.+)$/.exec(nameOrArn);
    return match?.[1] ?? nameOrArn;
  }

  private serviceKey(cluster: string, name: string): string {
    return `${cluster}/${name}`;
  }

  private serviceNameOf(nameOrArn: string): string {
    const match = /^arn:aws[\w-]*:ecs:[^:]*:\d{12}:service\/(?:[^/]+\/)?(.+)$/.exec(nameOrArn);
    return match?.[1] ?? nameOrArn;
  }

  /** The simulated present: the time of the step being run, or the clock. */
  private current(): number {
    return this.processingAt ?? this.clock.now();
  }

  private schedule(delayMs: number, run: () => void): void {
    this.queue.push({ at: this.current() + Math.max(0, delayMs), seq: this.seq++, run });
  }

  private requireCluster(nameOrArn: string | undefined): EcsClusterRecord {
    const cluster = this.clusterMap.get(this.clusterName(nameOrArn));
    // https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_UpdateService.html#API_UpdateService_Errors
    if (cluster === undefined) throw new AwsError('ClusterNotFoundException', 'Cluster not found.');
    return cluster;
  }

  // ----- task definitions --------------------------------------------------------------------------------------

  private findTaskDefinition(reference: string): EcsTaskDefinitionRecord | undefined {
    const arn = /^arn:aws[\w-]*:ecs:[^:]*:\d{12}:task-definition\/([^:]+):(\d+)$/.exec(reference);
    const short = /^([^:/]+):(\d+)$/.exec(reference);
    const family = arn?.[1] ?? short?.[1] ?? reference;
    const revision = arn?.[2] ?? short?.[2];
    const revisions = this.families.get(family) ?? [];
    if (revision !== undefined) return revisions[Number(revision) - 1];
    return [...revisions].reverse().find((record) => record.taskDefinition.status === 'ACTIVE');
  }

  // https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_RegisterTaskDefinition.html
  private registerTaskDefinition(input: Wire): { taskDefinition: Wire; tags?: EcsTag[] } {
    const family = optionalString(input, 'family');
    if (family === undefined || family === '') throw clientError('Family is required.'); // wording approximated
    if (!FAMILY.test(family)) {
      throw clientError(
        'Family contains invalid characters: up to 255 letters (uppercase and lowercase), numbers, hyphens and underscores are allowed.', // wording approximated
      );
    }
    const requires = stringList(input, 'requiresCompatibilities');
    const networkMode = optionalString(input, 'networkMode');
    if (networkMode !== undefined && !NETWORK_MODES.includes(networkMode)) {
      throw clientError(`Invalid networkMode: ${networkMode}.`); // wording approximated
    }
    const tags = readTags(input);
    const containers = optionalList(input, 'containerDefinitions') ?? [];
    if (containers.length === 0) throw clientError('Container list cannot be empty.');
    const names = new Set<string>();
    for (const container of containers) {
      if (!isRecord(container)) throw clientError('Container definitions must be structures.'); // wording approximated
      const name = optionalString(container, 'name');
      if (name === undefined || name === '') throw clientError('Container.name should not be null or empty.');
      const image = optionalString(container, 'image');
      if (image === undefined || image === '')
        throw clientError('Container.image should not be null or empty.');
      if (names.has(name)) throw clientError(`Duplicate container name '${name}'.`); // wording approximated
      names.add(name);
    }

    const cpu = input.cpu === undefined ? undefined : cpuUnits(input.cpu);
    const memory = input.memory === undefined ? undefined : memoryMiB(input.memory);
    if (input.cpu !== undefined && cpu === undefined) {
      throw clientError(
        "Invalid 'cpu' setting for task. For more information, see the Troubleshooting section of the Amazon ECS Developer Guide.",
      );
    }
    if (input.memory !== undefined && memory === undefined) {
      throw clientError(
        "Invalid 'memory' setting for task. For more information, see the Troubleshooting section of the Amazon ECS Developer Guide.",
      );
    }
    const executionRoleArn = optionalString(input, 'executionRoleArn');
    if (requires.includes('FARGATE')) {
      // Fargate rules as ECS answers them (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task-cpu-memory-error.html).
      if (networkMode !== 'awsvpc') throw clientError('Fargate only supports network mode ‘awsvpc’.');
      if (cpu === undefined) throw clientError("Fargate requires that 'cpu' be defined at the task level.");
      if (memory === undefined)
        throw clientError("Fargate requires that 'memory' be defined at the task level.");
      if (!fargateAccepts(cpu, memory)) {
        throw clientError(
          `No Fargate configuration exists for given values: ${cpu} CPU, ${memory} memory. See the Amazon ECS documentation for the valid values.`,
        );
      }
      for (const container of containers as Wire[]) {
        const log = optionalObject(container, 'logConfiguration');
        if (log?.logDriver === 'awslogs' && executionRoleArn === undefined) {
          throw clientError(
            'Fargate requires task definition to have execution role ARN to support log driver awslogs.',
          );
        }
        if (/\.dkr\.ecr\./.test(String(container.image)) && executionRoleArn === undefined) {
          throw clientError(
            'Fargate requires task definition to have execution role ARN to support ECR images.',
          );
        }
      }
    }
    for (const container of containers as Wire[]) {
      if (
        memory === undefined &&
        container.memory === undefined &&
        container.memoryReservation === undefined
      ) {
        throw clientError(
          `Invalid setting for container '${String(container.name)}'. At least one of 'memory' or 'memoryReservation' must be specified.`,
        );
      }
      if ((optionalList(container, 'secrets') ?? []).length > 0 && executionRoleArn === undefined) {
        throw clientError(
          "When you are specifying container secrets, you must also specify a value for 'executionRoleArn'.",
        );
      }
    }

    const revisions = this.families.get(family) ?? [];
    const revision = revisions.length + 1;
    const stored: Wire = {};
    for (const [key, value] of Object.entries(input)) {
      if (key !== 'tags' && value !== undefined && value !== null) stored[key] = clone(value);
    }
    // ECS converts `1 vCPU` and `2 GB` to units and MiB on registration.
    if (cpu !== undefined) stored.cpu = String(cpu);
    if (memory !== undefined) stored.memory = String(memory);
    stored.containerDefinitions = (containers as Wire[]).map((c) =>
      this.withContainerDefaults(c, networkMode),
    );
    stored.volumes ??= [];
    stored.placementConstraints ??= [];
    const taskDefinition: Wire = {
      taskDefinitionArn: this.arn(`task-definition/${family}:${revision}`),
      ...stored,
      family,
      revision,
      status: 'ACTIVE',
      requiresAttributes: this.requiredAttributes(stored),
      compatibilities: this.compatibilities(stored),
      registeredAt: seconds(this.current()),
      registeredBy: `arn:aws:sts::${this.accountId}:assumed-role/deploy/session`,
    };
    revisions.push({ taskDefinition, tags });
    this.families.set(family, revisions);
    return { taskDefinition: clone(taskDefinition), ...(tags.length > 0 ? { tags: clone(tags) } : {}) };
  }

  /** The defaults ECS fills in on registration, so that a described definition differs from what was sent. */
  private withContainerDefaults(input: Wire, networkMode: string | undefined): Wire {
    const container: Wire = clone(input);
    container.cpu ??= 0;
    container.essential ??= true;
    container.environment ??= [];
    container.mountPoints ??= [];
    container.volumesFrom ??= [];
    container.systemControls ??= [];
    const mappings = Array.isArray(container.portMappings) ? (container.portMappings as Wire[]) : [];
    container.portMappings = mappings.map((mapping) => {
      const out: Wire = { ...mapping };
      out.protocol ??= 'tcp';
      if ((networkMode === 'awsvpc' || networkMode === 'host') && out.hostPort === undefined) {
        out.hostPort = out.containerPort;
      }
      return out;
    });
    return container;
  }

  private requiredAttributes(definition: Wire): Wire[] {
    const attributes = new Set<string>(['com.amazonaws.ecs.capability.docker-remote-api.1.18']);
    for (const container of (definition.containerDefinitions as Wire[] | undefined) ?? []) {
      const log = container.logConfiguration;
      if (isRecord(log) && typeof log.logDriver === 'string') {
        attributes.add(`com.amazonaws.ecs.capability.logging-driver.${log.logDriver}`);
        if (log.logDriver === 'awslogs' && definition.executionRoleArn !== undefined) {
          attributes.add('ecs.capability.execution-role-awslogs');
        }
      }
      if (/\.dkr\.ecr\./.test(String(container.image)))
        attributes.add('com.amazonaws.ecs.capability.ecr-auth');
      if (Array.isArray(container.secrets) && container.secrets.length > 0) {
        attributes.add('ecs.capability.secrets.asm.environment-variables');
      }
    }
    if (definition.networkMode === 'awsvpc') attributes.add('ecs.capability.task-eni');
    if (definition.taskRoleArn !== undefined) attributes.add('com.amazonaws.ecs.capability.task-iam-role');
    return [...attributes].sort().map((name) => ({ name }));
  }

  private compatibilities(definition: Wire): string[] {
    const result = ['EC2'];
    const cpu = cpuUnits(definition.cpu);
    const memory = memoryMiB(definition.memory);
    if (
      definition.networkMode === 'awsvpc' &&
      cpu !== undefined &&
      memory !== undefined &&
      fargateAccepts(cpu, memory)
    ) {
      result.push('FARGATE');
    }
    return result;
  }

  // https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_DescribeTaskDefinition.html
  private describeTaskDefinition(input: Wire): unknown {
    const reference = optionalString(input, 'taskDefinition');
    const record = reference === undefined ? undefined : this.findTaskDefinition(reference);
    if (record === undefined) throw clientError('Unable to describe task definition.');
    const include = stringList(input, 'include');
    return {
      taskDefinition: clone(record.taskDefinition),
      ...(include.includes('TAGS') ? { tags: clone(record.tags) } : {}),
    };
  }

  // https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_DeregisterTaskDefinition.html
  private deregisterTaskDefinition(input: Wire): unknown {
    const reference = optionalString(input, 'taskDefinition') ?? '';
    if (!/:\d+$/.test(reference)) {
      throw clientError('A revision must be specified to deregister a task definition.'); // wording approximated
    }
    const record = this.findTaskDefinition(reference);
    if (record === undefined) throw clientError('The specified task definition does not exist.'); // wording approximated
    record.taskDefinition.status = 'INACTIVE';
    record.taskDefinition.deregisteredAt = seconds(this.current());
    return { taskDefinition: clone(record.taskDefinition) };
  }

  // https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ListTaskDefinitions.html
  private listTaskDefinitions(input: Wire): unknown {
    const prefix = optionalString(input, 'familyPrefix');
    const status = optionalString(input, 'status') ?? 'ACTIVE';
    const sort = optionalString(input, 'sort') ?? 'ASC';
    const arns = [...this.families.entries()]
      .filter(([family]) => prefix === undefined || family.startsWith(prefix))
      .sort(([a], [b]) => a.localeCompare(b))
      .flatMap(([, revisions]) => revisions)
      .filter((record) => record.taskDefinition.status === status)
      .map((record) => String(record.taskDefinition.taskDefinitionArn));
    if (sort === 'DESC') arns.reverse();
    return this.page(arns, input, 'taskDefinitionArns', 100);
  }

  private page(items: string[], input: Wire, key: string, max: number): unknown {
    const maxResults = optionalNumber(input, 'maxResults') ?? max;
    const start = Number(optionalString(input, 'nextToken') ?? '0');
    const slice = items.slice(start, start + maxResults);
    const next = start + maxResults < items.length ? String(start + maxResults) : undefined;
    return { [key]: slice, ...(next === undefined ? {} : { nextToken: next }) };
  }

  // ----- clusters ----------------------------------------------------------------------------------------------

  // https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_DescribeClusters.html
  private describeClusters(input: Wire): unknown {
    const requested = stringList(input, 'clusters');
    const references = requested.length === 0 ? ['default'] : requested;
    const includeTags = stringList(input, 'include').includes('TAGS');
    const clusters: Wire[] = [];
    const failures: Wire[] = [];
    for (const reference of references) {
      const cluster = this.clusterMap.get(this.clusterName(reference));
      if (cluster === undefined) {
        failures.push({
          arn: reference.startsWith('arn:') ? reference : this.clusterArn(reference),
          reason: 'MISSING',
        });
        continue;
      }
      const tasks = [...this.taskMap.values()].filter((t) => t.clusterArn === cluster.clusterArn);
      clusters.push({
        clusterArn: cluster.clusterArn,
        clusterName: cluster.clusterName,
        status: cluster.status,
        registeredContainerInstancesCount: cluster.containerInstances,
        runningTasksCount: tasks.filter((t) => t.lastStatus === 'RUNNING').length,
        pendingTasksCount: tasks.filter((t) => t.lastStatus === 'PENDING' || t.lastStatus === 'PROVISIONING')
          .length,
        activeServicesCount: [...this.serviceMap.values()].filter(
          (s) => s.clusterArn === cluster.clusterArn && s.status === 'ACTIVE',
        ).length,
        capacityProviders: [...cluster.capacityProviders],
        defaultCapacityProviderStrategy: [],
        ...(cluster.serviceConnectNamespace === undefined
          ? {}
          : { serviceConnectDefaults: { namespace: cluster.serviceConnectNamespace } }),
        ...(includeTags ? { tags: clone(cluster.tags) } : {}),
      });
    }
    return { clusters, failures };
  }

  // ----- services: validation ------------------------------------------------------------------------------------

  /** Checks a launch type or capacity-provider strategy against a cluster and a task definition. */
  private checkPlacement(
    cluster: EcsClusterRecord,
    definition: Wire,
    launchType: string | undefined,
    strategy: Wire[] | undefined,
  ): void {
    if (launchType !== undefined && strategy !== undefined && strategy.length > 0) {
      throw invalidParameter(
        'Specifying both a launch type and capacity provider strategy is not supported. Remove one and try again.',
      );
    }
    if (launchType !== undefined && !LAUNCH_TYPES.includes(launchType)) {
      throw invalidParameter(`Invalid launch type: ${launchType}.`); // wording approximated
    }
    let fargate = launchType === 'FARGATE';
    if (strategy !== undefined && strategy.length > 0) {
      if (strategy.length > 20) {
        throw invalidParameter('A capacity provider strategy can contain at most 20 capacity providers.'); // wording approximated
      }
      const seen = new Set<string>();
      let withBase = 0;
      for (const item of strategy) {
        const provider = optionalString(item, 'capacityProvider');
        if (provider === undefined) throw invalidParameter('A capacity provider must be specified.'); // wording approximated
        if (seen.has(provider)) {
          throw invalidParameter(`The capacity provider ${provider} is specified more than once.`); // wording approximated
        }
        seen.add(provider);
        if (!cluster.capacityProviders.includes(provider)) {
          throw invalidParameter(
            'The specified capacity provider strategy cannot contain a capacity provider that is not associated with the cluster. Associate the capacity provider with the cluster or specify a valid capacity provider and try again.',
          );
        }
        const weight = optionalNumber(item, 'weight') ?? 0;
        const base = optionalNumber(item, 'base') ?? 0;
        if (weight < 0 || weight > 1000) {
          throw invalidParameter('Capacity provider weight must be between 0 and 1000.'); // wording approximated
        }
        if (base < 0 || base > 100000) {
          throw invalidParameter('Capacity provider base must be between 0 and 100000.'); // wording approximated
        }
        if (base > 0) withBase += 1;
        if (FARGATE_PROVIDERS.includes(provider)) fargate = true;
      }
      if (withBase > 1) {
        throw invalidParameter(
          'The specified capacity provider strategy cannot contain more than one capacity provider with a base value greater than zero.', // wording approximated
        );
      }
      if (strategy.every((item) => (optionalNumber(item, 'weight') ?? 0) === 0)) {
        throw invalidParameter(
          'At least one capacity provider in the strategy must have a weight greater than zero.', // wording approximated
        );
      }
    }
    if (fargate && !(definition.compatibilities as string[]).includes('FARGATE')) {
      throw invalidParameter('Task definition does not support launch_type FARGATE.');
    }
  }

  private checkNetwork(definition: Wire, network: Wire | undefined): void {
    if (definition.networkMode === 'awsvpc') {
      const vpc = network === undefined ? undefined : optionalObject(network, 'awsvpcConfiguration');
      if (vpc === undefined) {
        throw invalidParameter(
          "Network Configuration must be provided when networkMode 'awsvpc' is specified.",
        );
      }
      if (stringList(vpc, 'subnets').length === 0) throw invalidParameter('subnets can not be empty.');
    } else if (network !== undefined) {
      throw invalidParameter(
        'Network Configuration is not valid for the given networkMode of this task definition.', // wording approximated
      );
    }
  }

  private checkServiceConnect(cluster: EcsClusterRecord, definition: Wire, config: Wire | undefined): void {
    if (config === undefined || config.enabled !== true) return;
    if (optionalString(config, 'namespace') === undefined && cluster.serviceConnectNamespace === undefined) {
      throw invalidParameter(
        'Service Connect namespace is required: specify one in the service or set a default namespace on the cluster.', // wording approximated
      );
    }
    const portNames = new Set(
      ((definition.containerDefinitions as Wire[] | undefined) ?? []).flatMap((c) =>
        ((c.portMappings as Wire[] | undefined) ?? [])
          .map((m) => m.name)
          .filter((n): n is string => typeof n === 'string'),
      ),
    );
    for (const service of (optionalList(config, 'services') ?? []) as Wire[]) {
      const portName = optionalString(service, 'portName');
      if (portName === undefined || !portNames.has(portName)) {
        throw invalidParameter(
          `The Service Connect port name '${portName ?? ''}' does not match any port mapping name in the task definition.`, // wording approximated
        );
      }
      for (const alias of (optionalList(service, 'clientAliases') ?? []) as Wire[]) {
        const port = optionalNumber(alias, 'port');
        if (port === undefined || port < 1 || port > 65535) {
          throw invalidParameter('The Service Connect client alias port must be between 1 and 65535.'); // wording approximated
        }
      }
    }
  }

  private checkDeploymentConfiguration(config: Wire | undefined, controller: string): void {
    if (config === undefined) return;
    const strategy = optionalString(config, 'strategy');
    if (strategy !== undefined && !STRATEGIES.includes(strategy)) {
      throw invalidParameter(`Invalid deployment strategy: ${strategy}.`); // wording approximated
    }
    if (strategy !== undefined && strategy !== 'ROLLING' && controller !== 'ECS') {
      throw invalidParameter(`The ${strategy} deployment strategy requires the ECS deployment controller.`); // wording approximated
    }
    if (config.deploymentCircuitBreaker !== undefined && controller !== 'ECS') {
      throw invalidParameter(
        'The deployment circuit breaker can only be used with the ECS deployment controller.', // wording approximated
      );
    }
    const bake = optionalNumber(config, 'bakeTimeInMinutes');
    if (bake !== undefined && (bake < 0 || bake > 1440)) {
      throw invalidParameter('bakeTimeInMinutes must be between 0 and 1440.'); // wording approximated
    }
    const linear = optionalObject(config, 'linearConfiguration');
    if (linear !== undefined) {
      if (strategy !== 'LINEAR') {
        throw invalidParameter(
          'linearConfiguration can only be specified with the LINEAR deployment strategy.',
        ); // wording approximated
      }
      const step = optionalNumber(linear, 'stepPercent');
      if (step !== undefined && (step < 3 || step > 100)) {
        throw invalidParameter('stepPercent must be between 3.0 and 100.0.'); // wording approximated
      }
    }
    const canary = optionalObject(config, 'canaryConfiguration');
    if (canary !== undefined) {
      if (strategy !== 'CANARY') {
        throw invalidParameter(
          'canaryConfiguration can only be specified with the CANARY deployment strategy.',
        ); // wording approximated
      }
      const percent = optionalNumber(canary, 'canaryPercent');
      if (percent !== undefined && (percent < 0.1 || percent > 100)) {
        throw invalidParameter('canaryPercent must be between 0.1 and 100.0.'); // wording approximated
      }
    }
    const alarms = optionalObject(config, 'alarms');
    if (alarms !== undefined && alarms.enable === true && stringList(alarms, 'alarmNames').length === 0) {
      throw invalidParameter('At least one alarm name must be specified when alarms are enabled.'); // wording approximated
    }
  }

  private activeTaskDefinition(reference: string | undefined): Wire {
    const record = reference === undefined ? undefined : this.findTaskDefinition(reference);
    if (record === undefined) throw clientError('TaskDefinition not found.'); // wording approximated
    if (record.taskDefinition.status !== 'ACTIVE') throw clientError('TaskDefinition is inactive'); // wording approximated
    return record.taskDefinition;
  }

  // ----- services: operations ------------------------------------------------------------------------------------

  // https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_CreateService.html
  private createService(input: Wire): unknown {
    return this.idempotent('CreateService', input, () => {
      const record = this.createServiceRecord(input, false);
      return { service: this.serviceWire(record, false) };
    });
  }

  /** Runs `act` once per clientToken and answers the first result again for a repeated token. */
  private idempotent(operation: string, input: Wire, act: () => unknown): unknown {
    const token = optionalString(input, 'clientToken');
    if (token === undefined) return act();
    const key = `${operation}/${token}`;
    if (this.tokens.has(key)) return this.tokens.get(key);
    const answer = act();
    this.tokens.set(key, answer);
    return answer;
  }

  private createServiceRecord(input: Wire, seeded: boolean): EcsServiceRecord {
    const cluster = this.requireCluster(optionalString(input, 'cluster'));
    const name = optionalString(input, 'serviceName') ?? '';
    if (!SERVICE_NAME.test(name)) {
      throw invalidParameter(
        'Service names can have up to 255 letters, numbers, hyphens and underscores, and must start with a letter.', // wording approximated
      );
    }
    const key = this.serviceKey(cluster.clusterName, name);
    const existing = this.serviceMap.get(key);
    if (existing !== undefined && existing.status !== 'INACTIVE') {
      throw invalidParameter('Creation of service was not idempotent.');
    }
    const controller = isRecord(input.deploymentController) ? String(input.deploymentController.type) : 'ECS';
    if (!CONTROLLERS.includes(controller))
      throw invalidParameter(`Invalid deployment controller: ${controller}.`); // wording approximated
    const definition = this.activeTaskDefinition(optionalString(input, 'taskDefinition'));
    const launchType = optionalString(input, 'launchType');
    const strategy = optionalList(input, 'capacityProviderStrategy') as Wire[] | undefined;
    this.checkPlacement(cluster, definition, launchType, strategy);
    this.checkNetwork(definition, optionalObject(input, 'networkConfiguration'));
    this.checkServiceConnect(cluster, definition, optionalObject(input, 'serviceConnectConfiguration'));
    const deploymentConfiguration = optionalObject(input, 'deploymentConfiguration');
    this.checkDeploymentConfiguration(deploymentConfiguration, controller);
    const desiredCount = optionalNumber(input, 'desiredCount');
    if (desiredCount === undefined) {
      throw invalidParameter('desiredCount is required for services using the REPLICA scheduling strategy.'); // wording approximated
    }
    if (desiredCount < 0) throw invalidParameter('desiredCount must be 0 or greater.'); // wording approximated
    optionalBoolean(input, 'enableExecuteCommand');
    const tags = readTags(input);

    const settings: Wire = {};
    for (const field of [
      'loadBalancers',
      'serviceRegistries',
      'launchType',
      'capacityProviderStrategy',
      'platformVersion',
      'placementConstraints',
      'placementStrategy',
      'networkConfiguration',
      'healthCheckGracePeriodSeconds',
      'enableECSManagedTags',
      'propagateTags',
      'enableExecuteCommand',
      'serviceConnectConfiguration',
      'volumeConfigurations',
      'availabilityZoneRebalancing',
    ]) {
      if (input[field] !== undefined && input[field] !== null) settings[field] = clone(input[field]);
    }
    settings.deploymentController = { type: controller };
    settings.schedulingStrategy = optionalString(input, 'schedulingStrategy') ?? 'REPLICA';
    settings.enableExecuteCommand ??= false;
    settings.loadBalancers ??= [];
    settings.serviceRegistries ??= [];
    settings.placementConstraints ??= [];
    settings.placementStrategy ??= [];
    settings.deploymentConfiguration = {
      maximumPercent: 200,
      minimumHealthyPercent: 100,
      ...clone(deploymentConfiguration ?? {}),
    };
    if (launchType === 'FARGATE' && settings.platformVersion === undefined)
      settings.platformVersion = 'LATEST';

    const record: EcsServiceRecord = {
      serviceArn: this.arn(`service/${cluster.clusterName}/${name}`),
      serviceName: name,
      clusterArn: cluster.clusterArn,
      status: 'ACTIVE',
      desiredCount,
      taskDefinition: String(definition.taskDefinitionArn),
      settings,
      deployments: [],
      events: [],
      createdAt: this.current(),
      tags,
    };
    this.serviceMap.set(key, record);
    // CODE_DEPLOY and EXTERNAL services run task sets that their controller manages; the stand-in starts the
    // first set's tasks itself so that the service has something to show.
    this.startDeployment(record, record.taskDefinition, { seeded });
    return record;
  }

  // https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_UpdateService.html
  private updateService(input: Wire): { service: Wire } {
    const cluster = this.requireCluster(optionalString(input, 'cluster'));
    const reference = optionalString(input, 'service') ?? '';
    const record = this.serviceMap.get(this.serviceKey(cluster.clusterName, this.serviceNameOf(reference)));
    if (record === undefined) throw new AwsError('ServiceNotFoundException', 'Service not found.');
    if (record.status !== 'ACTIVE')
      throw new AwsError('ServiceNotActiveException', 'Service was not ACTIVE.');
    const controller = String((record.settings.deploymentController as Wire).type);
    const requestedDefinition = optionalString(input, 'taskDefinition');
    if (requestedDefinition !== undefined && controller === 'CODE_DEPLOY') {
      throw invalidParameter(
        'Unable to update task definition on services with a CODE_DEPLOY deployment controller. Use AWS CodeDeploy to trigger a new deployment.',
      );
    }
    const definition = this.activeTaskDefinition(requestedDefinition ?? record.taskDefinition);
    const strategyInput = optionalList(input, 'capacityProviderStrategy') as Wire[] | undefined;
    const movesToStrategy = strategyInput !== undefined && strategyInput.length > 0;
    const launchType = movesToStrategy ? undefined : (record.settings.launchType as string | undefined);
    const strategy = strategyInput ?? (record.settings.capacityProviderStrategy as Wire[] | undefined);
    this.checkPlacement(cluster, definition, launchType, strategy);
    const network =
      optionalObject(input, 'networkConfiguration') ??
      (record.settings.networkConfiguration as Wire | undefined);
    this.checkNetwork(definition, network);
    const serviceConnect =
      optionalObject(input, 'serviceConnectConfiguration') ??
      (record.settings.serviceConnectConfiguration as Wire | undefined);
    this.checkServiceConnect(cluster, definition, serviceConnect);
    const deploymentConfiguration = optionalObject(input, 'deploymentConfiguration');
    this.checkDeploymentConfiguration(deploymentConfiguration, controller);
    const desiredCount = optionalNumber(input, 'desiredCount');
    if (desiredCount !== undefined && desiredCount < 0)
      throw invalidParameter('desiredCount must be 0 or greater.'); // wording approximated
    const force = optionalBoolean(input, 'forceNewDeployment') === true;
    optionalBoolean(input, 'enableExecuteCommand');

    const changedStrategy =
      strategyInput !== undefined &&
      JSON.stringify(strategyInput) !== JSON.stringify(record.settings.capacityProviderStrategy ?? []);
    if (changedStrategy && !force) {
      // ECS applies a capacity-provider change only through a new deployment.
      throw invalidParameter(
        'Updating the capacity provider strategy of a service requires forceNewDeployment.', // wording approximated
      );
    }
    const changedRedeployField = [
      'networkConfiguration',
      'serviceConnectConfiguration',
      'platformVersion',
      'loadBalancers',
      'volumeConfigurations',
    ].some(
      (field) =>
        input[field] !== undefined && JSON.stringify(input[field]) !== JSON.stringify(record.settings[field]),
    );
    const newDefinition = String(definition.taskDefinitionArn) !== record.taskDefinition;

    for (const field of [
      'capacityProviderStrategy',
      'platformVersion',
      'placementConstraints',
      'placementStrategy',
      'networkConfiguration',
      'healthCheckGracePeriodSeconds',
      'enableExecuteCommand',
      'enableECSManagedTags',
      'loadBalancers',
      'propagateTags',
      'serviceRegistries',
      'serviceConnectConfiguration',
      'volumeConfigurations',
      'availabilityZoneRebalancing',
    ]) {
      if (input[field] !== undefined && input[field] !== null) record.settings[field] = clone(input[field]);
    }
    if (movesToStrategy) delete record.settings.launchType;
    if (deploymentConfiguration !== undefined) {
      record.settings.deploymentConfiguration = {
        ...(record.settings.deploymentConfiguration as Wire),
        ...clone(deploymentConfiguration),
      };
    }
    if (desiredCount !== undefined) record.desiredCount = desiredCount;

    if (newDefinition || force || changedStrategy || changedRedeployField) {
      this.startDeployment(record, String(definition.taskDefinitionArn));
    } else if (desiredCount !== undefined) {
      this.scalePrimary(record);
    }
    return { service: this.serviceWire(record, false) };
  }

  // https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_DescribeServices.html
  private describeServices(input: Wire): unknown {
    const cluster = this.requireCluster(optionalString(input, 'cluster'));
    const references = stringList(input, 'services');
    if (references.length === 0 || references.length > 10) {
      throw invalidParameter('services can have at most 10 items and must not be empty.'); // wording approximated
    }
    const includeTags = stringList(input, 'include').includes('TAGS');
    const services: Wire[] = [];
    const failures: Wire[] = [];
    for (const reference of references) {
      const name = this.serviceNameOf(reference);
      const record = this.serviceMap.get(this.serviceKey(cluster.clusterName, name));
      if (record === undefined) {
        failures.push({
          arn: reference.startsWith('arn:') ? reference : this.arn(`service/${cluster.clusterName}/${name}`),
          reason: 'MISSING',
        });
      } else {
        services.push(this.serviceWire(record, includeTags));
      }
    }
    return { services, failures };
  }

  private serviceWire(record: EcsServiceRecord, includeTags: boolean): Wire {
    const live = [...this.taskMap.values()].filter(
      (task) =>
        task.serviceName === record.serviceName &&
        task.clusterArn === record.clusterArn &&
        task.lastStatus !== 'STOPPED',
    );
    const controller = String((record.settings.deploymentController as Wire).type);
    const running = (tasks: EcsTaskRecord[]) => tasks.filter((t) => t.lastStatus === 'RUNNING').length;
    return {
      serviceArn: record.serviceArn,
      serviceName: record.serviceName,
      clusterArn: record.clusterArn,
      status: record.status,
      desiredCount: record.desiredCount,
      runningCount: running(live),
      pendingCount: live.length - running(live),
      taskDefinition: record.taskDefinition,
      ...clone(record.settings),
      ...(controller === 'ECS'
        ? { deployments: record.deployments.map((deployment) => this.deploymentWire(deployment, live)) }
        : {
            taskSets: record.deployments.map((d) => ({
              id: `ecs-svc/${d.id.slice('ecs-svc/'.length)}`,
              status: d.status,
              taskDefinition: d.taskDefinition,
              computedDesiredCount: d.desiredCount,
              runningCount: running(live.filter((t) => t.deploymentId === d.id)),
              stabilityStatus: d.rolloutState === 'COMPLETED' ? 'STEADY_STATE' : 'STABILIZING',
            })),
          }),
      roleArn: `arn:aws:iam::${this.accountId}:role/aws-service-role/ecs.amazonaws.com/AWSServiceRoleForECS`,
      events: record.events.map((event) => ({
        id: event.id,
        createdAt: seconds(event.createdAt),
        message: event.message,
      })),
      createdAt: seconds(record.createdAt),
      createdBy: `arn:aws:iam::${this.accountId}:role/deploy`,
      ...(includeTags ? { tags: clone(record.tags) } : {}),
    };
  }

  private deploymentWire(deployment: EcsDeploymentRecord, live: EcsTaskRecord[]): Wire {
    const own = live.filter((task) => task.deploymentId === deployment.id);
    const running = own.filter((t) => t.lastStatus === 'RUNNING').length;
    return {
      id: deployment.id,
      status: deployment.status,
      taskDefinition: deployment.taskDefinition,
      desiredCount: deployment.desiredCount,
      pendingCount: own.length - running,
      runningCount: running,
      failedTasks: deployment.failedTasks,
      createdAt: seconds(deployment.createdAt),
      updatedAt: seconds(deployment.updatedAt),
      ...(deployment.launchType === undefined ? {} : { launchType: deployment.launchType }),
      ...(deployment.capacityProviderStrategy === undefined
        ? {}
        : { capacityProviderStrategy: clone(deployment.capacityProviderStrategy) }),
      ...(deployment.platformVersion === undefined ? {} : { platformVersion: deployment.platformVersion }),
      ...(deployment.networkConfiguration === undefined
        ? {}
        : { networkConfiguration: clone(deployment.networkConfiguration) }),
      ...(deployment.serviceConnectConfiguration === undefined
        ? {}
        : { serviceConnectConfiguration: clone(deployment.serviceConnectConfiguration) }),
      rolloutState: deployment.rolloutState,
      rolloutStateReason: deployment.rolloutStateReason,
    };
  }

  // ----- the simulated scheduler --------------------------------------------------------------------------------

  private event(service: EcsServiceRecord, message: string): void {
    service.events.unshift({ id: randomUUID(), createdAt: this.current(), message });
    if (service.events.length > MAX_EVENTS) service.events.length = MAX_EVENTS;
  }

  private primary(service: EcsServiceRecord): EcsDeploymentRecord | undefined {
    return service.deployments.find((deployment) => deployment.status === 'PRIMARY');
  }

  private startDeployment(
    service: EcsServiceRecord,
    taskDefinition: string,
    options: { rollbackOf?: EcsDeploymentRecord; seeded?: boolean } = {},
  ): EcsDeploymentRecord {
    for (const deployment of service.deployments) {
      deployment.status = 'ACTIVE';
      deployment.updatedAt = this.current();
    }
    const id = newDeploymentId();
    const settings = service.settings;
    const deployment: EcsDeploymentRecord = {
      id,
      status: 'PRIMARY',
      taskDefinition,
      desiredCount: service.desiredCount,
      failedTasks: 0,
      createdAt: this.current(),
      updatedAt: this.current(),
      rolloutState: 'IN_PROGRESS',
      rolloutStateReason:
        options.rollbackOf !== undefined && service.lastCompleted !== undefined
          ? `ECS deployment circuit breaker: rolling back to deploymentId ${service.lastCompleted.deploymentId}.`
          : `ECS deployment ${id} in progress.`,
      ...(options.rollbackOf === undefined ? {} : { rollbackOf: options.rollbackOf.id }),
      ...(typeof settings.launchType === 'string' ? { launchType: settings.launchType } : {}),
      ...(Array.isArray(settings.capacityProviderStrategy)
        ? { capacityProviderStrategy: clone(settings.capacityProviderStrategy as Wire[]) }
        : {}),
      ...(typeof settings.platformVersion === 'string' ? { platformVersion: settings.platformVersion } : {}),
      ...(isRecord(settings.networkConfiguration)
        ? { networkConfiguration: clone(settings.networkConfiguration) }
        : {}),
      ...(isRecord(settings.serviceConnectConfiguration)
        ? { serviceConnectConfiguration: clone(settings.serviceConnectConfiguration) }
        : {}),
    };
    service.deployments.unshift(deployment);
    service.taskDefinition = taskDefinition;
    if (options.seeded === true) {
      this.settleSeeded(service, deployment);
      return deployment;
    }
    this.schedule(this.timing.schedulerDelayMs, () => {
      this.launch(service, deployment, deployment.desiredCount);
      this.progress(service);
    });
    return deployment;
  }

  /** A seeded service's first deployment: COMPLETED with its tasks RUNNING, without simulated time. */
  private settleSeeded(service: EcsServiceRecord, deployment: EcsDeploymentRecord): void {
    const now = this.current();
    for (let i = 0; i < deployment.desiredCount; i++) {
      const task = this.newTask(service, deployment, now);
      task.lastStatus = 'RUNNING';
      task.startedAt = now;
      for (const container of task.containers) container.lastStatus = 'RUNNING';
    }
    deployment.rolloutState = 'COMPLETED';
    deployment.rolloutStateReason = `ECS deployment ${deployment.id} completed.`;
    deployment.finishedAt = now;
    service.lastCompleted = { deploymentId: deployment.id, taskDefinition: deployment.taskDefinition };
    this.event(service, `(service ${service.serviceName}) has reached a steady state.`);
  }

  private placementProblem(service: EcsServiceRecord): string | undefined {
    const cluster = this.requireCluster(service.clusterArn);
    const usesEc2 =
      service.settings.launchType === 'EC2' ||
      (service.settings.launchType === undefined &&
        !Array.isArray(service.settings.capacityProviderStrategy));
    if (usesEc2 && cluster.containerInstances === 0)
      return 'No Container Instances were found in your cluster.';
    return undefined;
  }

  private launch(service: EcsServiceRecord, deployment: EcsDeploymentRecord, count: number): void {
    if (count <= 0 || deployment.status !== 'PRIMARY' || deployment.rolloutState === 'FAILED') return;
    const problem = this.placementProblem(service);
    if (problem !== undefined) {
      this.event(
        service,
        `(service ${service.serviceName}) was unable to place a task because no container instance met all of its requirements. Reason: ${problem}`,
      );
      return;
    }
    const tasks: EcsTaskRecord[] = [];
    for (let i = 0; i < count; i++) tasks.push(this.newTask(service, deployment, this.current()));
    this.event(service, `(service ${service.serviceName}) has started ${count} tasks: ${taskList(tasks)}.`);
    for (const task of tasks) {
      this.animate(
        task,
        () => this.onServiceTaskRunning(service, task),
        (failed) => this.onServiceTaskStopped(service, task, failed),
      );
    }
  }

  private newTask(service: EcsServiceRecord, deployment: EcsDeploymentRecord, at: number): EcsTaskRecord {
    const definition = this.findTaskDefinition(deployment.taskDefinition)?.taskDefinition ?? {};
    const strategy = deployment.capacityProviderStrategy;
    const provider = strategy === undefined ? undefined : this.pickProvider(service, strategy);
    const launchType =
      deployment.launchType ??
      (provider !== undefined && FARGATE_PROVIDERS.includes(provider) ? 'FARGATE' : undefined);
    return this.createTask({
      cluster: this.requireCluster(service.clusterArn),
      definition,
      group: `service:${service.serviceName}`,
      startedBy: deployment.id,
      serviceName: service.serviceName,
      deploymentId: deployment.id,
      launchType,
      capacityProviderName: provider,
      overrides: {},
      tags: [],
      enableExecuteCommand: service.settings.enableExecuteCommand === true,
      oneOff: false,
      at,
    });
  }

  /**
   * Places a task over a strategy as the scheduler does: each provider's base first, then the remaining tasks in
   * proportion to the weights (the provider furthest below its weighted share gets the next task).
   */
  private pickProvider(service: EcsServiceRecord, strategy: Wire[]): string | undefined {
    const live = [...this.taskMap.values()].filter(
      (t) =>
        t.serviceName === service.serviceName &&
        t.clusterArn === service.clusterArn &&
        t.lastStatus !== 'STOPPED',
    );
    const count = (name: string) => live.filter((t) => t.capacityProviderName === name).length;
    for (const item of strategy) {
      const base = Number(item.base ?? 0);
      if (base > 0 && count(String(item.capacityProvider)) < base) return String(item.capacityProvider);
    }
    const weighted = (item: Wire) =>
      Math.max(0, count(String(item.capacityProvider)) - Number(item.base ?? 0));
    const totalWeight = strategy.reduce((sum, item) => sum + Number(item.weight ?? 0), 0);
    if (totalWeight === 0) return undefined;
    const placed = strategy.reduce((sum, item) => sum + weighted(item), 0) + 1;
    let best: { name: string; deficit: number } | undefined;
    for (const item of strategy) {
      const weight = Number(item.weight ?? 0);
      if (weight === 0) continue;
      const deficit = (weight / totalWeight) * placed - weighted(item);
      if (best === undefined || deficit > best.deficit)
        best = { name: String(item.capacityProvider), deficit };
    }
    return best?.name;
  }

  private createTask(spec: {
    cluster: EcsClusterRecord;
    definition: Wire;
    group: string;
    startedBy: string | undefined;
    serviceName?: string;
    deploymentId?: string;
    launchType: string | undefined;
    capacityProviderName: string | undefined;
    overrides: Wire;
    tags: EcsTag[];
    enableExecuteCommand: boolean;
    oneOff: boolean;
    at: number;
  }): EcsTaskRecord {
    const taskId = randomBytes(16).toString('hex');
    const taskArn = this.arn(`task/${spec.cluster.clusterName}/${taskId}`);
    const overrides = ((spec.overrides.containerOverrides as unknown[] | undefined) ?? []).filter(isRecord);
    const definitions = (spec.definition.containerDefinitions as Wire[] | undefined) ?? [];
    const effective = definitions.map((c) => {
      const override = overrides.find((o) => o.name === c.name);
      const command = (override?.command ?? c.command ?? []) as string[];
      return { name: String(c.name), image: String(c.image), command, essential: c.essential !== false };
    });
    const outcome = this.taskBehaviour({
      taskDefinition: clone(spec.definition),
      containers: effective,
      oneOff: spec.oneOff,
    });
    const cpu = spec.overrides.cpu ?? spec.definition.cpu;
    const memory = spec.overrides.memory ?? spec.definition.memory;
    const task: EcsTaskRecord = {
      taskArn,
      taskId,
      clusterArn: spec.cluster.clusterArn,
      taskDefinitionArn: String(spec.definition.taskDefinitionArn),
      group: spec.group,
      ...(spec.startedBy === undefined ? {} : { startedBy: spec.startedBy }),
      ...(spec.serviceName === undefined ? {} : { serviceName: spec.serviceName }),
      ...(spec.deploymentId === undefined ? {} : { deploymentId: spec.deploymentId }),
      lastStatus: 'PROVISIONING',
      desiredStatus: 'RUNNING',
      ...(spec.launchType === undefined ? {} : { launchType: spec.launchType }),
      ...(spec.capacityProviderName === undefined ? {} : { capacityProviderName: spec.capacityProviderName }),
      ...(spec.launchType === 'FARGATE' ? { platformVersion: '1.4.0' } : {}),
      ...(typeof cpu === 'string' ? { cpu } : {}),
      ...(typeof memory === 'string' ? { memory } : {}),
      createdAt: spec.at,
      containers: effective.map((c) => ({
        containerArn: this.arn(`container/${spec.cluster.clusterName}/${taskId}/${randomUUID()}`),
        name: c.name,
        image: c.image,
        lastStatus: 'PENDING',
      })),
      overrides: clone(spec.overrides),
      tags: spec.tags,
      enableExecuteCommand: spec.enableExecuteCommand,
      oneOff: spec.oneOff,
      outcome,
    };
    this.taskMap.set(taskArn, task);
    return task;
  }

  /** Drives one task through PROVISIONING, PENDING, RUNNING and STOPPED by its outcome. */
  private animate(task: EcsTaskRecord, onRunning: () => void, onStopped: (failed: boolean) => void): void {
    const t = this.timing;
    const outcome = task.outcome;
    this.schedule(t.provisionMs, () => {
      if (task.lastStatus === 'STOPPED') return;
      task.lastStatus = 'PENDING';
      if (outcome.kind === 'pull-error') {
        this.schedule(t.pullFailMs, () => {
          if (task.lastStatus === 'STOPPED') return;
          const image = task.containers[0]?.image ?? '';
          const reference = image.includes('/') ? image : `docker.io/library/${image}`;
          const message =
            outcome.message ??
            `CannotPullContainerError: pull image manifest has been retried 7 time(s): failed to resolve ref ${reference}: ${reference}: not found`;
          for (const c of task.containers) {
            c.lastStatus = 'STOPPED';
            c.reason = message;
          }
          this.markStopped(task, message, 'TaskFailedToStart');
          onStopped(true);
        });
        return;
      }
      this.schedule(t.startMs, () => {
        if (task.lastStatus === 'STOPPED') return;
        task.lastStatus = 'RUNNING';
        task.startedAt = this.current();
        for (const c of task.containers) c.lastStatus = 'RUNNING';
        onRunning();
        if (outcome.kind !== 'exit' && !task.oneOff) return;
        const afterMs = outcome.kind === 'exit' ? (outcome.afterMs ?? t.runMs) : t.runMs;
        this.schedule(afterMs, () => {
          if (task.lastStatus === 'STOPPED') return;
          const exitCode = outcome.kind === 'exit' ? outcome.exitCode : 0;
          const essential = task.containers[0];
          for (const c of task.containers) {
            c.lastStatus = 'STOPPED';
            c.exitCode = c === essential ? exitCode : 0;
            if (c === essential && outcome.kind === 'exit' && outcome.reason !== undefined)
              c.reason = outcome.reason;
          }
          this.markStopped(task, 'Essential container in task exited', 'EssentialContainerExited');
          onStopped(exitCode !== 0 || !task.oneOff);
        });
      });
    });
  }

  private markStopped(task: EcsTaskRecord, reason: string, stopCode: string): void {
    task.lastStatus = 'STOPPED';
    task.desiredStatus = 'STOPPED';
    task.stoppedAt = this.current();
    task.stoppedReason = reason;
    task.stopCode = stopCode;
  }

  private deploymentOf(service: EcsServiceRecord, task: EcsTaskRecord): EcsDeploymentRecord | undefined {
    return service.deployments.find((deployment) => deployment.id === task.deploymentId);
  }

  private onServiceTaskRunning(service: EcsServiceRecord, task: EcsTaskRecord): void {
    const deployment = this.deploymentOf(service, task);
    if (deployment !== undefined) deployment.updatedAt = this.current();
    this.progress(service);
  }

  private onServiceTaskStopped(service: EcsServiceRecord, task: EcsTaskRecord, failed: boolean): void {
    const deployment = this.deploymentOf(service, task);
    if (deployment === undefined || !failed || deployment.status !== 'PRIMARY') return;
    deployment.updatedAt = this.current();
    if (deployment.rolloutState === 'IN_PROGRESS') {
      deployment.failedTasks += 1;
      const config = service.settings.deploymentConfiguration as Wire | undefined;
      const breaker = isRecord(config?.deploymentCircuitBreaker)
        ? config.deploymentCircuitBreaker
        : undefined;
      // The circuit breaker's threshold: half the desired count, at least 3 and at most 200
      // (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/deployment-circuit-breaker.html).
      const threshold = Math.min(200, Math.max(3, Math.ceil(0.5 * deployment.desiredCount)));
      if (breaker?.enable === true && deployment.failedTasks >= threshold) {
        this.failDeployment(service, deployment, breaker.rollback === true);
        return;
      }
    }
    if (deployment.rolloutState !== 'FAILED') {
      this.schedule(this.timing.schedulerDelayMs, () => this.launch(service, deployment, 1));
    }
  }

  private failDeployment(
    service: EcsServiceRecord,
    deployment: EcsDeploymentRecord,
    rollback: boolean,
  ): void {
    deployment.rolloutState = 'FAILED';
    deployment.rolloutStateReason = 'ECS deployment circuit breaker: tasks failed to start.';
    deployment.finishedAt = this.current();
    deployment.updatedAt = this.current();
    this.event(
      service,
      `(service ${service.serviceName}) (deployment ${deployment.id}) deployment failed: tasks failed to start.`,
    );
    for (const task of this.taskMap.values()) {
      if (
        task.deploymentId === deployment.id &&
        task.lastStatus !== 'STOPPED' &&
        task.lastStatus !== 'RUNNING'
      ) {
        for (const c of task.containers) c.lastStatus = 'STOPPED';
        this.markStopped(
          task,
          `Scaling activity initiated by (deployment ${deployment.id})`,
          'ServiceSchedulerInitiated',
        );
      }
    }
    if (rollback && this.circuitBreakerRollsBack && service.lastCompleted !== undefined) {
      // wording approximated: ECS names the target in the new deployment's rolloutStateReason.
      this.event(
        service,
        `(service ${service.serviceName}) rolling back to deployment ${service.lastCompleted.deploymentId}.`,
      );
      this.startDeployment(service, service.lastCompleted.taskDefinition, { rollbackOf: deployment });
    }
  }

  /** Moves the PRIMARY deployment on: once its tasks all run, drains the others, bakes, completes. */
  private progress(service: EcsServiceRecord): void {
    const primary = this.primary(service);
    if (primary === undefined || primary.rolloutState !== 'IN_PROGRESS' || primary.completing === true)
      return;
    const running = [...this.taskMap.values()].filter(
      (t) => t.deploymentId === primary.id && t.lastStatus === 'RUNNING',
    ).length;
    if (running < primary.desiredCount) return;
    primary.completing = true;
    this.schedule(this.timing.drainMs, () => {
      const old = [...this.taskMap.values()].filter(
        (t) =>
          t.serviceName === service.serviceName &&
          t.clusterArn === service.clusterArn &&
          t.deploymentId !== primary.id &&
          t.lastStatus !== 'STOPPED',
      );
      if (old.length > 0) {
        for (const task of old) {
          for (const c of task.containers) {
            c.lastStatus = 'STOPPED';
            c.exitCode = 0;
          }
          this.markStopped(
            task,
            `Scaling activity initiated by (deployment ${primary.id})`,
            'ServiceSchedulerInitiated',
          );
        }
        this.event(
          service,
          `(service ${service.serviceName}) has stopped ${old.length} running tasks: ${taskList(old)}.`,
        );
      }
      // Blue/green, linear and canary keep both revisions for their bake times before completing.
      const config = (service.settings.deploymentConfiguration as Wire | undefined) ?? {};
      this.schedule(this.bakeMs(config), () => this.completeDeployment(service, primary));
    });
  }

  private bakeMs(config: Wire): number {
    const strategy = config.strategy;
    if (strategy === undefined || strategy === 'ROLLING') return 0;
    const bake = Number(config.bakeTimeInMinutes ?? 0) * MINUTE;
    if (strategy === 'LINEAR') {
      const linear = isRecord(config.linearConfiguration) ? config.linearConfiguration : {};
      const step = Number(linear.stepPercent ?? 10);
      const wait = Number(linear.stepBakeTimeInMinutes ?? 6) * MINUTE;
      return bake + Math.max(0, Math.ceil(100 / step) - 1) * wait;
    }
    if (strategy === 'CANARY') {
      const canary = isRecord(config.canaryConfiguration) ? config.canaryConfiguration : {};
      return bake + Number(canary.canaryBakeTimeInMinutes ?? 10) * MINUTE;
    }
    return bake;
  }

  private completeDeployment(service: EcsServiceRecord, deployment: EcsDeploymentRecord): void {
    if (deployment.status !== 'PRIMARY' || deployment.rolloutState !== 'IN_PROGRESS') return;
    deployment.rolloutState = 'COMPLETED';
    deployment.rolloutStateReason = `ECS deployment ${deployment.id} completed.`;
    deployment.finishedAt = this.current();
    deployment.updatedAt = this.current();
    service.deployments = service.deployments.filter((d) => d === deployment);
    service.lastCompleted = { deploymentId: deployment.id, taskDefinition: deployment.taskDefinition };
    this.event(
      service,
      `(service ${service.serviceName}) (deployment ${deployment.id}) deployment completed.`,
    );
    this.event(service, `(service ${service.serviceName}) has reached a steady state.`);
  }

  /** A desired-count change without a new deployment: start or stop tasks of the PRIMARY. */
  private scalePrimary(service: EcsServiceRecord): void {
    const primary = this.primary(service);
    if (primary === undefined) return;
    primary.desiredCount = service.desiredCount;
    const live = [...this.taskMap.values()].filter(
      (t) => t.deploymentId === primary.id && t.lastStatus !== 'STOPPED',
    );
    if (live.length < service.desiredCount) {
      this.schedule(this.timing.schedulerDelayMs, () =>
        this.launch(service, primary, service.desiredCount - live.length),
      );
    } else if (live.length > service.desiredCount) {
      const extra = live.slice(service.desiredCount);
      this.schedule(this.timing.schedulerDelayMs, () => {
        for (const task of extra) {
          this.markStopped(
            task,
            `Scaling activity initiated by (deployment ${primary.id})`,
            'ServiceSchedulerInitiated',
          );
        }
        this.event(
          service,
          `(service ${service.serviceName}) has stopped ${extra.length} running tasks: ${taskList(extra)}.`,
        );
      });
    }
  }

  // ----- tasks -------------------------------------------------------------------------------------------------

  private findTask(reference: string): EcsTaskRecord | undefined {
    const direct = this.taskMap.get(reference);
    if (direct !== undefined) return direct;
    const id = reference.split('/').pop();
    return [...this.taskMap.values()].find((task) => task.taskId === id);
  }

  // https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_RunTask.html
  private runTask(input: Wire): unknown {
    return this.idempotent('RunTask', input, () => this.runTaskOnce(input));
  }

  private runTaskOnce(input: Wire): unknown {
    const cluster = this.requireCluster(optionalString(input, 'cluster'));
    const definition = this.activeTaskDefinition(optionalString(input, 'taskDefinition'));
    const launchType = optionalString(input, 'launchType');
    const strategy = optionalList(input, 'capacityProviderStrategy') as Wire[] | undefined;
    this.checkPlacement(cluster, definition, launchType, strategy);
    this.checkNetwork(definition, optionalObject(input, 'networkConfiguration'));
    const count = optionalNumber(input, 'count') ?? 1;
    if (count < 1 || count > 10) throw invalidParameter('count must be between 1 and 10.'); // wording approximated
    const overrides = optionalObject(input, 'overrides') ?? {};
    const names = new Set(((definition.containerDefinitions as Wire[] | undefined) ?? []).map((c) => c.name));
    for (const override of (optionalList(overrides, 'containerOverrides') ?? []) as Wire[]) {
      if (!names.has(override.name)) {
        throw invalidParameter(
          `Override for container named ${String(override.name)} is not a container in the TaskDefinition.`,
        );
      }
    }
    const fargate =
      launchType === 'FARGATE' ||
      (strategy ?? []).some((s) => FARGATE_PROVIDERS.includes(String(s.capacityProvider)));
    if (fargate && (overrides.cpu !== undefined || overrides.memory !== undefined)) {
      const cpu = cpuUnits(overrides.cpu ?? definition.cpu) ?? 0;
      const memory = memoryMiB(overrides.memory ?? definition.memory) ?? 0;
      if (!fargateAccepts(cpu, memory)) {
        throw clientError(
          `No Fargate configuration exists for given values: ${cpu} CPU, ${memory} memory. See the Amazon ECS documentation for the valid values.`,
        );
      }
    }
    const tags = readTags(input);
    const failures: Wire[] = [];
    const tasks: EcsTaskRecord[] = [];
    const usesEc2 = launchType === 'EC2' || (launchType === undefined && strategy === undefined);
    const provider = (strategy ?? [])[0]?.capacityProvider;
    for (let i = 0; i < count; i++) {
      if (usesEc2 && cluster.containerInstances === 0) {
        failures.push({
          arn: cluster.clusterArn,
          reason: 'No Container Instances were found in your cluster.',
        });
        continue;
      }
      const task = this.createTask({
        cluster,
        definition,
        group: optionalString(input, 'group') ?? `family:${String(definition.family)}`,
        startedBy: optionalString(input, 'startedBy'),
        launchType:
          launchType ??
          (typeof provider === 'string' && FARGATE_PROVIDERS.includes(provider) ? 'FARGATE' : undefined),
        capacityProviderName: typeof provider === 'string' ? provider : undefined,
        overrides,
        tags,
        enableExecuteCommand: optionalBoolean(input, 'enableExecuteCommand') === true,
        oneOff: true,
        at: this.current(),
      });
      tasks.push(task);
      this.animate(
        task,
        () => undefined,
        () => undefined,
      );
    }
    return { tasks: tasks.map((task) => this.taskWire(task, false)), failures };
  }

  // https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_DescribeTasks.html
  private describeTasks(input: Wire): unknown {
    const cluster = this.requireCluster(optionalString(input, 'cluster'));
    const references = stringList(input, 'tasks');
    if (references.length === 0 || references.length > 100) {
      throw invalidParameter('tasks can have at most 100 items and must not be empty.'); // wording approximated
    }
    const includeTags = stringList(input, 'include').includes('TAGS');
    const tasks: Wire[] = [];
    const failures: Wire[] = [];
    for (const reference of references) {
      const task = this.findTask(reference);
      if (task === undefined || task.clusterArn !== cluster.clusterArn) {
        failures.push({ arn: reference, reason: 'MISSING' });
      } else {
        tasks.push(this.taskWire(task, includeTags));
      }
    }
    return { tasks, failures };
  }

  private taskWire(task: EcsTaskRecord, includeTags: boolean): Wire {
    return {
      taskArn: task.taskArn,
      clusterArn: task.clusterArn,
      taskDefinitionArn: task.taskDefinitionArn,
      group: task.group,
      ...(task.startedBy === undefined ? {} : { startedBy: task.startedBy }),
      lastStatus: task.lastStatus,
      desiredStatus: task.desiredStatus,
      ...(task.launchType === undefined ? {} : { launchType: task.launchType }),
      ...(task.capacityProviderName === undefined ? {} : { capacityProviderName: task.capacityProviderName }),
      ...(task.platformVersion === undefined ? {} : { platformVersion: task.platformVersion }),
      ...(task.cpu === undefined ? {} : { cpu: task.cpu }),
      ...(task.memory === undefined ? {} : { memory: task.memory }),
      createdAt: seconds(task.createdAt),
      ...(task.startedAt === undefined ? {} : { startedAt: seconds(task.startedAt) }),
      ...(task.stoppedAt === undefined
        ? {}
        : { stoppingAt: seconds(task.stoppedAt), stoppedAt: seconds(task.stoppedAt) }),
      ...(task.stoppedReason === undefined ? {} : { stoppedReason: task.stoppedReason }),
      ...(task.stopCode === undefined ? {} : { stopCode: task.stopCode }),
      containers: task.containers.map((c) => ({
        containerArn: c.containerArn,
        taskArn: task.taskArn,
        name: c.name,
        image: c.image,
        lastStatus: c.lastStatus,
        ...(c.exitCode === undefined ? {} : { exitCode: c.exitCode }),
        ...(c.reason === undefined ? {} : { reason: c.reason }),
      })),
      overrides: { containerOverrides: [], inferenceAcceleratorOverrides: [], ...clone(task.overrides) },
      enableExecuteCommand: task.enableExecuteCommand,
      version: 1,
      ...(includeTags ? { tags: clone(task.tags) } : {}),
    };
  }

  // https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ListTasks.html
  private listTasks(input: Wire): unknown {
    const cluster = this.requireCluster(optionalString(input, 'cluster'));
    const reference = optionalString(input, 'serviceName');
    const serviceName = reference === undefined ? undefined : this.serviceNameOf(reference);
    if (
      serviceName !== undefined &&
      !this.serviceMap.has(this.serviceKey(cluster.clusterName, serviceName))
    ) {
      throw new AwsError('ServiceNotFoundException', 'Service not found.');
    }
    const family = optionalString(input, 'family');
    const startedBy = optionalString(input, 'startedBy');
    if (startedBy !== undefined && (serviceName !== undefined || family !== undefined)) {
      // "When you specify startedBy as the filter, it must be the only filter that you use."
      throw invalidParameter('startedBy must be the only filter when it is specified.'); // wording approximated
    }
    const desiredStatus = optionalString(input, 'desiredStatus') ?? 'RUNNING';
    const arns = [...this.taskMap.values()]
      .filter(
        (task) =>
          task.clusterArn === cluster.clusterArn &&
          task.desiredStatus === desiredStatus &&
          (serviceName === undefined || task.serviceName === serviceName) &&
          (startedBy === undefined || task.startedBy === startedBy) &&
          (family === undefined || task.taskDefinitionArn.includes(`:task-definition/${family}:`)),
      )
      .sort((a, b) => b.createdAt - a.createdAt)
      .map((task) => task.taskArn);
    return this.page(arns, input, 'taskArns', 100);
  }

  // https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_StopTask.html
  private stopTask(input: Wire): unknown {
    const cluster = this.requireCluster(optionalString(input, 'cluster'));
    const task = this.findTask(optionalString(input, 'task') ?? '');
    if (task === undefined || task.clusterArn !== cluster.clusterArn) {
      throw invalidParameter('The referenced task was not found.');
    }
    if (task.lastStatus !== 'STOPPED') {
      for (const c of task.containers) {
        c.lastStatus = 'STOPPED';
        c.exitCode = 143;
      }
      this.markStopped(task, optionalString(input, 'reason') ?? 'Task stopped by user', 'UserInitiated');
    }
    return { task: this.taskWire(task, false) };
  }

  // https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_TagResource.html
  private tagResource(input: Wire): unknown {
    const arn = optionalString(input, 'resourceArn') ?? '';
    const tags = readTags(input);
    const target =
      [...this.families.values()].flat().find((r) => r.taskDefinition.taskDefinitionArn === arn) ??
      [...this.serviceMap.values()].find((s) => s.serviceArn === arn) ??
      [...this.taskMap.values()].find((t) => t.taskArn === arn) ??
      [...this.clusterMap.values()].find((c) => c.clusterArn === arn);
    if (target === undefined) {
      throw new AwsError('ResourceNotFoundException', 'The specified resource could not be found.');
    }
    for (const tag of tags) {
      const existing = target.tags.find((t) => t.key === tag.key);
      if (existing) existing.value = tag.value;
      else target.tags.push(tag);
    }
    return {};
  }
}
