/**
 * deploy-cloudrun's inputs: the only code that reads them. Every value is checked here against Cloud Run's limits,
 * before any file is read, any credential is used or any Google library is loaded; every problem is reported at
 * once, one line each.
 */
import { parseImageRef, readInputs as readWith } from '@slipway/core';
import type { InputReader, InputSource } from '@slipway/core';
import {
  DEFAULT_RUN_ENDPOINT,
  MAX_CONCURRENCY,
  MAX_SERVICE_TIMEOUT_SECONDS,
  MAX_TASK_COUNT,
  MAX_TASK_RETRIES,
  MAX_TASK_TIMEOUT_SECONDS,
  cpuProblem,
  memoryProblem,
  parseApiEndpoint,
  resourcesProblem,
  secretFilesProblem,
} from '@slipway/gcp/run';
import type { ApiEndpoint, SecretRef, VpcSettings } from '@slipway/gcp/run';

/** The inputs action.yml declares, in its order. A contract test keeps the two equal. */
export const INPUT_NAMES = [
  'project-id',
  'region',
  'service',
  'job',
  'service-yaml',
  'image',
  'command',
  'args',
  'env',
  'env-mode',
  'secrets',
  'port',
  'cpu',
  'memory',
  'concurrency',
  'min-instances',
  'max-instances',
  'billing',
  'timeout',
  'service-account',
  'vpc-connector',
  'vpc-network',
  'vpc-subnet',
  'vpc-network-tags',
  'vpc-egress',
  'ingress',
  'labels',
  'revision-suffix',
  'allow-unauthenticated',
  'tag',
  'no-traffic',
  'tasks',
  'parallelism',
  'max-retries',
  'task-timeout',
  'execute',
  'wait',
  'execution-args',
  'execution-env',
  'execution-tasks',
  'dry-run',
  'wait-timeout',
  'poll-interval',
  'api-endpoint',
] as const;

/** One input name. */
export type InputName = (typeof INPUT_NAMES)[number];

/** Settings of the container and its surroundings, as given. */
export interface CommonInputs {
  image: string | undefined;
  command: string[] | undefined;
  args: string[] | undefined;
  env: Record<string, string>;
  envMode: 'merge' | 'replace';
  secretEnv: Record<string, SecretRef>;
  secretFiles: Record<string, SecretRef>;
  cpu: string | undefined;
  memory: string | undefined;
  serviceAccount: string | undefined;
  vpc: VpcSettings | undefined;
  labels: Record<string, string>;
}

/** What a service deploy asks for. */
export interface ServiceInputs {
  kind: 'service';
  /** From `service`, or undefined when the service YAML names it. */
  name: string | undefined;
  serviceYaml: string | undefined;
  port: number | undefined;
  concurrency: number | undefined;
  minInstances: number | undefined;
  maxInstances: number | undefined;
  billing: 'request' | 'instance' | undefined;
  timeoutSeconds: number | undefined;
  ingress: 'all' | 'internal' | 'internal-and-cloud-load-balancing' | undefined;
  revisionSuffix: string | undefined;
  allowUnauthenticated: boolean | undefined;
  tag: string | undefined;
  noTraffic: boolean;
}

/** What a job deploy asks for. */
export interface JobInputs {
  kind: 'job';
  name: string;
  tasks: number | undefined;
  parallelism: number | undefined;
  maxRetries: number | undefined;
  taskTimeoutSeconds: number | undefined;
  execute: boolean;
  wait: boolean;
  executionArgs: string[] | undefined;
  executionEnv: Record<string, string>;
  executionTasks: number | undefined;
}

/** The action's inputs, typed and checked. */
export interface Inputs {
  projectId: string | undefined;
  regions: string[];
  target: ServiceInputs | JobInputs;
  common: CommonInputs;
  dryRun: boolean;
  waitTimeoutMs: number;
  pollIntervalMs: number;
  endpoint: ApiEndpoint;
}

const REGION = /^[a-z]+(?:-[a-z]+)+\d+$/;
const RESOURCE_ID = /^[a-z](?:[-a-z0-9]{0,47}[a-z0-9])?$/;
const PROJECT = /^(?:[a-z][a-z0-9.-]*[a-z0-9]:)?[a-z][a-z0-9-]{4,28}[a-z0-9]$/;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const RESERVED_ENV = ['PORT', 'K_SERVICE', 'K_REVISION', 'K_CONFIGURATION'];
const SECRET = /^(?:projects\/[^/\s]+\/secrets\/)?[A-Za-z0-9_-]{1,255}$/;
const VERSION = /^(?:latest|[1-9]\d*)$/;
const LABEL_KEY = /^[a-z][a-z0-9_-]{0,62}$/;
const LABEL_VALUE = /^[a-z0-9_-]{0,63}$/;
const SUFFIX = /^[a-z0-9](?:[-a-z0-9]*[a-z0-9])?$/;
const TAG = /^[a-z](?:[-a-z0-9]*[a-z0-9])?$/;
const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;
const TRUE = ['true', 'True', 'TRUE'];
const FALSE = ['false', 'False', 'FALSE'];

/** Newline-separated entries (commas are kept: arguments may hold them); blank lines are dropped. */
function lines(value: string | undefined): string[] | undefined {
  if (value === undefined) return undefined;
  return value
    .split(/\r\n|\r|\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '');
}

function optionalInteger(
  r: InputReader,
  name: string,
  value: string | undefined,
  min: number,
  max: number,
): number | undefined {
  if (value === undefined) return undefined;
  const v = value.trim();
  if (!/^\d+$/.test(v)) {
    r.fail(name, `must be a whole number, got ${JSON.stringify(v)}`);
    return undefined;
  }
  const n = Number(v);
  if (n < min || n > max) {
    r.fail(name, `must be between ${min} and ${max} (Cloud Run's limits), got ${n}`);
    return undefined;
  }
  return n;
}

/** `SECRET[:VERSION]` → a reference; `undefined` after recording a problem. */
function secretRef(r: InputReader, where: string, value: string): SecretRef | undefined {
  const at = value.lastIndexOf(':');
  const [secret, version] = at === -1 ? [value, 'latest'] : [value.slice(0, at), value.slice(at + 1)];
  if (!SECRET.test(secret) || !VERSION.test(version)) {
    r.fail(
      'secrets',
      `${where}: expected SECRET[:VERSION] such as db-password:latest or projects/p/secrets/db:3, got ${JSON.stringify(value)}`,
    );
    return undefined;
  }
  return { secret, version };
}

function readSecrets(r: InputReader): { env: Record<string, SecretRef>; files: Record<string, SecretRef> } {
  const env: Record<string, SecretRef> = {};
  const files: Record<string, SecretRef> = {};
  // A mount path starts with '/', which the map grammar does not allow as a key: read `KEY=VALUE` lines here.
  const raw = r.optionalString('secrets');
  for (const [i, line] of (raw === undefined ? [] : raw.split(/\r\n|\r|\n/)).entries()) {
    const text = line.trim();
    if (text === '' || text.startsWith('#')) continue;
    const eq = text.indexOf('=');
    if (eq <= 0) {
      r.fail(
        'secrets',
        `line ${i + 1}: has no '=' (expected NAME=SECRET:VERSION or /mount/path=SECRET:VERSION)`,
      );
      continue;
    }
    const key = text.slice(0, eq).trim();
    const ref = secretRef(r, `line ${i + 1}`, text.slice(eq + 1).trim());
    if (ref === undefined) continue;
    if (key.startsWith('/')) files[key] = ref;
    else if (!ENV_NAME.test(key) || RESERVED_ENV.includes(key)) {
      r.fail(
        'secrets',
        `line ${i + 1}: ${JSON.stringify(key)} is not an environment variable name Cloud Run accepts`,
      );
    } else env[key] = ref;
  }
  const problem = secretFilesProblem(files);
  if (problem !== undefined) r.fail('secrets', problem);
  return { env, files };
}

function readEnv(
  r: InputReader,
  name: 'env' | 'execution-env',
  values: Record<string, string>,
): Record<string, string> {
  for (const key of Object.keys(values)) {
    if (!ENV_NAME.test(key))
      r.fail(name, `${JSON.stringify(key)} is not a valid environment variable name (letters, digits and _)`);
    else if (RESERVED_ENV.includes(key)) r.fail(name, `${key} is reserved: Cloud Run sets it`);
  }
  return values;
}

function readLabels(r: InputReader): Record<string, string> {
  const labels = r.map('labels');
  for (const [key, value] of Object.entries(labels)) {
    if (!LABEL_KEY.test(key))
      r.fail(
        'labels',
        `key ${JSON.stringify(key)} must start with a lowercase letter and hold lowercase letters, digits, _ or - (at most 63)`,
      );
    if (!LABEL_VALUE.test(value))
      r.fail('labels', `value of ${key} must hold lowercase letters, digits, _ or - (at most 63)`);
  }
  return labels;
}

function readVpc(r: InputReader): VpcSettings | undefined {
  const connector = r.optionalString('vpc-connector');
  const network = r.optionalString('vpc-network');
  const subnet = r.optionalString('vpc-subnet');
  const tags = r.list('vpc-network-tags');
  const egressRaw = r.optionalString('vpc-egress');
  const egress =
    egressRaw === undefined
      ? undefined
      : r.enum('vpc-egress', ['all-traffic', 'private-ranges-only'] as const);
  if (connector !== undefined && (network !== undefined || subnet !== undefined)) {
    r.fail('vpc-connector', 'use a connector or Direct VPC egress (vpc-network, vpc-subnet), not both');
  }
  if (tags.length > 0 && network === undefined && subnet === undefined) {
    r.fail('vpc-network-tags', 'network tags apply to Direct VPC egress: set vpc-network or vpc-subnet too');
  }
  if (connector === undefined && network === undefined && subnet === undefined && egress === undefined)
    return undefined;
  const vpc: VpcSettings = {};
  if (connector !== undefined) vpc.connector = connector;
  if (network !== undefined) vpc.network = network;
  if (subnet !== undefined) vpc.subnet = subnet;
  if (tags.length > 0) vpc.networkTags = tags;
  if (egress !== undefined) vpc.egress = egress;
  return vpc;
}

function readCommon(r: InputReader): CommonInputs {
  const image = r.optionalString('image');
  if (image !== undefined) {
    try {
      parseImageRef(image);
    } catch (e) {
      r.fail('image', e instanceof Error ? e.message : String(e));
    }
  }
  const cpu = r.optionalString('cpu');
  const memory = r.optionalString('memory');
  const cpuBad = cpu === undefined ? undefined : cpuProblem(cpu);
  const memoryBad = memory === undefined ? undefined : memoryProblem(memory);
  if (cpuBad !== undefined) r.fail('cpu', cpuBad);
  if (memoryBad !== undefined) r.fail('memory', memoryBad);
  if (cpu !== undefined && memory !== undefined && cpuBad === undefined && memoryBad === undefined) {
    const pair = resourcesProblem(cpu, memory);
    if (pair !== undefined) r.fail('memory', pair);
  }
  const env = readEnv(r, 'env', r.map('env'));
  const secrets = readSecrets(r);
  for (const name of Object.keys(secrets.env)) {
    if (name in env) r.fail('secrets', `${name} is also set in env: give each variable once`);
  }
  const serviceAccount = r.optionalString('service-account');
  if (serviceAccount !== undefined && !EMAIL.test(serviceAccount)) {
    r.fail(
      'service-account',
      `must be a service account email such as runtime@project.iam.gserviceaccount.com, got ${JSON.stringify(serviceAccount)}`,
    );
  }
  return {
    image,
    command: lines(r.optionalString('command')),
    args: lines(r.optionalString('args')),
    env,
    envMode: r.enum('env-mode', ['merge', 'replace'] as const, { default: 'merge' }),
    secretEnv: secrets.env,
    secretFiles: secrets.files,
    cpu,
    memory,
    serviceAccount,
    vpc: readVpc(r),
    labels: readLabels(r),
  };
}

/** Fails every input in `names` that is set, saying it belongs to the other kind of deploy. */
function refuse(r: InputReader, given: Record<string, string | undefined>, kind: string): void {
  for (const [name, value] of Object.entries(given)) {
    if (value !== undefined) r.fail(name, `applies to ${kind} only`);
  }
}

function readService(r: InputReader, service: string | undefined): ServiceInputs {
  const serviceYaml = r.optionalString('service-yaml');
  if (service === undefined && serviceYaml === undefined)
    r.fail('service', 'is required (or give a service-yaml that names the service, or a job)');
  const port = optionalInteger(r, 'port', r.optionalString('port'), 1, 65535);
  const concurrency = optionalInteger(r, 'concurrency', r.optionalString('concurrency'), 1, MAX_CONCURRENCY);
  const minInstances = optionalInteger(r, 'min-instances', r.optionalString('min-instances'), 0, 1000);
  const maxInstances = optionalInteger(r, 'max-instances', r.optionalString('max-instances'), 1, 1000);
  if (minInstances !== undefined && maxInstances !== undefined && minInstances > maxInstances) {
    r.fail('min-instances', `must not exceed max-instances (${minInstances} > ${maxInstances})`);
  }
  const billing =
    r.optionalString('billing') === undefined
      ? undefined
      : r.enum('billing', ['request', 'instance'] as const);
  const timeout =
    r.optionalString('timeout') === undefined
      ? undefined
      : r.duration('timeout', { min: '1s', max: `${MAX_SERVICE_TIMEOUT_SECONDS}s` });
  const ingress =
    r.optionalString('ingress') === undefined
      ? undefined
      : r.enum('ingress', ['all', 'internal', 'internal-and-cloud-load-balancing'] as const);
  const revisionSuffix = r.optionalString('revision-suffix');
  if (
    revisionSuffix !== undefined &&
    (!SUFFIX.test(revisionSuffix) || (service ?? '').length + revisionSuffix.length + 1 > 63)
  ) {
    r.fail(
      'revision-suffix',
      'must be lowercase letters, digits and hyphens, and fit in 63 characters with the service name and a hyphen',
    );
  }
  const tag = r.optionalString('tag');
  if (tag !== undefined && !TAG.test(tag))
    r.fail('tag', 'must start with a lowercase letter and hold lowercase letters, digits and hyphens');
  const allowRaw = r.optionalString('allow-unauthenticated');
  let allowUnauthenticated: boolean | undefined;
  if (allowRaw !== undefined) {
    if (TRUE.includes(allowRaw)) allowUnauthenticated = true;
    else if (FALSE.includes(allowRaw)) allowUnauthenticated = false;
    else
      r.fail(
        'allow-unauthenticated',
        `must be true, false or empty (leave IAM as it is), got ${JSON.stringify(allowRaw)}`,
      );
  }
  if (concurrency !== undefined) {
    const cpu = r.optionalString('cpu');
    const problem =
      cpu === undefined || cpuProblem(cpu) !== undefined
        ? undefined
        : resourcesProblem(cpu, r.optionalString('memory') ?? '512Mi', concurrency);
    if (problem !== undefined && problem.includes('concurrency')) r.fail('concurrency', problem);
  }
  return {
    kind: 'service',
    name: service,
    serviceYaml,
    port,
    concurrency,
    minInstances,
    maxInstances,
    billing,
    timeoutSeconds: timeout === undefined ? undefined : Math.ceil(timeout / 1000),
    ingress,
    revisionSuffix,
    allowUnauthenticated,
    tag,
    noTraffic: r.boolean('no-traffic', { default: false }),
  };
}

function readJob(r: InputReader, job: string): JobInputs {
  const execute = r.boolean('execute', { default: false });
  const executionArgs = lines(r.optionalString('execution-args'));
  const executionEnv = readEnv(r, 'execution-env', r.map('execution-env'));
  const executionTasks = optionalInteger(
    r,
    'execution-tasks',
    r.optionalString('execution-tasks'),
    1,
    MAX_TASK_COUNT,
  );
  if (!execute) {
    refuse(
      r,
      {
        'execution-args': executionArgs === undefined ? undefined : 'set',
        'execution-env': Object.keys(executionEnv).length > 0 ? 'set' : undefined,
        'execution-tasks': executionTasks === undefined ? undefined : 'set',
      },
      'an execution (set execute: true)',
    );
  }
  const taskTimeout =
    r.optionalString('task-timeout') === undefined
      ? undefined
      : r.duration('task-timeout', { min: '1s', max: `${MAX_TASK_TIMEOUT_SECONDS}s` });
  return {
    kind: 'job',
    name: job,
    tasks: optionalInteger(r, 'tasks', r.optionalString('tasks'), 1, MAX_TASK_COUNT),
    parallelism: optionalInteger(r, 'parallelism', r.optionalString('parallelism'), 0, MAX_TASK_COUNT),
    maxRetries: optionalInteger(r, 'max-retries', r.optionalString('max-retries'), 0, MAX_TASK_RETRIES),
    taskTimeoutSeconds: taskTimeout === undefined ? undefined : Math.ceil(taskTimeout / 1000),
    execute,
    wait: r.boolean('wait', { default: true }),
    executionArgs,
    executionEnv,
    executionTasks,
  };
}

function build(r: InputReader): Inputs {
  const projectId = r.optionalString('project-id');
  if (projectId !== undefined && !PROJECT.test(projectId))
    r.fail('project-id', `is not a Google Cloud project id, got ${JSON.stringify(projectId)}`);
  const regions = r.list('region', { required: true, unique: true });
  for (const region of regions) {
    if (!REGION.test(region))
      r.fail('region', `${JSON.stringify(region)} is not a Cloud Run region such as us-central1`);
  }
  const service = r.optionalString('service');
  const job = r.optionalString('job');
  for (const [input, id] of [
    ['service', service],
    ['job', job],
  ] as const) {
    if (id !== undefined && !RESOURCE_ID.test(id)) {
      r.fail(
        input,
        `must be lowercase letters, digits and hyphens, start with a letter and hold at most 49 characters, got ${JSON.stringify(id)}`,
      );
    }
  }
  if (service !== undefined && job !== undefined) r.fail('job', 'set service or job, not both');
  const common = readCommon(r);
  let target: ServiceInputs | JobInputs;
  if (job !== undefined && service === undefined) {
    refuse(
      r,
      Object.fromEntries(
        (
          [
            'service-yaml',
            'port',
            'concurrency',
            'min-instances',
            'max-instances',
            'billing',
            'timeout',
            'ingress',
            'revision-suffix',
            'allow-unauthenticated',
            'tag',
          ] as const
        ).map((name) => [name, r.optionalString(name)]),
      ),
      'services',
    );
    if (r.boolean('no-traffic', { default: false })) r.fail('no-traffic', 'applies to services only');
    target = readJob(r, job);
  } else {
    target = readService(r, service);
    refuse(
      r,
      Object.fromEntries(
        (
          [
            'tasks',
            'parallelism',
            'max-retries',
            'task-timeout',
            'execution-args',
            'execution-env',
            'execution-tasks',
          ] as const
        ).map((name) => [name, r.optionalString(name)]),
      ),
      'jobs',
    );
    if (r.boolean('execute', { default: false })) r.fail('execute', 'applies to jobs only');
  }
  const endpointText = r.string('api-endpoint', { default: DEFAULT_RUN_ENDPOINT });
  const endpoint = parseApiEndpoint(endpointText);
  if ('error' in endpoint) r.fail('api-endpoint', endpoint.error);
  return {
    projectId,
    regions,
    target,
    common,
    dryRun: r.boolean('dry-run', { default: false }),
    waitTimeoutMs: r.duration('wait-timeout', { default: '10m', min: '1s', max: '6h' }),
    pollIntervalMs: r.duration('poll-interval', { default: '5s', min: '100ms', max: '1m' }),
    endpoint:
      'error' in endpoint ? { apiEndpoint: DEFAULT_RUN_ENDPOINT, port: 443, protocol: 'https' } : endpoint,
  };
}

/** Reads and checks every input; throws one `InputError` naming each bad one. */
export function readInputs(source?: InputSource): Inputs {
  return readWith((r) => build(r), source);
}
