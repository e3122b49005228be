/**
 * Settings a workflow gives (image, env, secrets, resources, scaling, network, labels), laid over a service or job
 * spec: the live one, one translated from a service YAML, or an empty one for a create. Only what is given
 * changes; everything else in the base is kept, so a setting Slipway does not know survives a deploy.
 */
import { createHash } from 'node:crypto';
import { clone } from './normalize.js';
import type {
  Container,
  EnvVar,
  Ingress,
  Job,
  RevisionTemplate,
  Service,
  TaskTemplate,
  Volume,
  VpcAccess,
} from './types.js';

/** A Secret Manager secret version. */
export interface SecretRef {
  /** The secret id (same project) or `projects/P/secrets/S`. */
  secret: string;
  /** A version number or `latest`. */
  version: string;
}

/** Direct VPC egress or a Serverless VPC Access connector. */
export interface VpcSettings {
  connector?: string;
  network?: string;
  subnet?: string;
  networkTags?: string[];
  egress?: 'all-traffic' | 'private-ranges-only';
}

/** Settings of the main container and what surrounds it, shared by services and jobs. */
export interface ContainerSettings {
  image?: string;
  command?: string[];
  args?: string[];
  /** Plain environment variables; values may hold anything. */
  env: Record<string, string>;
  /** Environment variables read from Secret Manager. */
  secretEnv: Record<string, SecretRef>;
  /** Secrets mounted as files: absolute file path → secret. */
  secretFiles: Record<string, SecretRef>;
  /** `merge` updates the given variables and mounts; `replace` makes them exactly those given. */
  envMode: 'merge' | 'replace';
  cpu?: string;
  memory?: string;
  serviceAccount?: string;
  vpc?: VpcSettings;
  /** Labels on the resource and on its revisions or executions (added or updated, never removed). */
  labels: Record<string, string>;
}

/** Settings of a service. */
export interface ServiceSettings extends ContainerSettings {
  port?: number;
  concurrency?: number;
  minInstances?: number;
  maxInstances?: number;
  /** `request`: CPU only while serving (cpuIdle); `instance`: CPU always allocated. */
  billing?: 'request' | 'instance';
  timeoutSeconds?: number;
  ingress?: 'all' | 'internal' | 'internal-and-cloud-load-balancing';
  /** Labels on the service only, not its revisions (a commit SHA there would make every commit a revision). */
  serviceLabels: Record<string, string>;
}

/** Settings of a job. */
export interface JobSettings extends ContainerSettings {
  tasks?: number;
  parallelism?: number;
  maxRetries?: number;
  taskTimeoutSeconds?: number;
}

/** Settings that change nothing, for building on. */
export function emptyContainerSettings(): ContainerSettings {
  return { env: {}, secretEnv: {}, secretFiles: {}, envMode: 'merge', labels: {} };
}

const INGRESS: Record<NonNullable<ServiceSettings['ingress']>, Ingress> = {
  all: 'INGRESS_TRAFFIC_ALL',
  internal: 'INGRESS_TRAFFIC_INTERNAL_ONLY',
  'internal-and-cloud-load-balancing': 'INGRESS_TRAFFIC_INTERNAL_LOAD_BALANCER',
};

/** The container that receives requests: the only one, or the one that declares a port. */
export function ingressContainerIndex(containers: Container[]): number {
  if (containers.length <= 1) return 0;
  const withPort = containers.findIndex((c) => (c.ports ?? []).length > 0);
  return withPort === -1 ? 0 : withPort;
}

/** The volume name Slipway gives the secret mounted at `dir`: stable, so that re-runs change nothing. */
export function secretVolumeName(dir: string): string {
  const slug = dir
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  const name = `secret-${slug || 'root'}`;
  if (name.length <= 63) return name;
  const hash = createHash('sha256').update(dir).digest('hex').slice(0, 8);
  return `${name.slice(0, 54)}-${hash}`;
}

function dirname(path: string): string {
  const i = path.lastIndexOf('/');
  return i <= 0 ? '/' : path.slice(0, i);
}

function basename(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

/**
 * Why the mounted secrets cannot be laid out (Cloud Run mounts one secret per directory), or `undefined`.
 */
export function secretFilesProblem(files: Record<string, SecretRef>): string | undefined {
  const byDir = new Map<string, string>();
  for (const [path, ref] of Object.entries(files)) {
    if (!path.startsWith('/') || path.endsWith('/') || basename(path) === '') {
      return `${path}: a mounted secret is an absolute file path such as /secrets/api-key`;
    }
    const dir = dirname(path);
    if (dir === '/') return `${path}: mount secrets in a directory, not at /`;
    const other = byDir.get(dir);
    if (other !== undefined && other !== ref.secret) {
      return `${dir} would hold two secrets (${other} and ${ref.secret}): Cloud Run mounts one secret per directory`;
    }
    byDir.set(dir, ref.secret);
  }
  return undefined;
}

function envOf(settings: ContainerSettings): EnvVar[] {
  return [
    ...Object.entries(settings.env).map(([name, value]) => ({ name, value })),
    ...Object.entries(settings.secretEnv).map(([name, ref]) => ({
      name,
      valueSource: { secretKeyRef: { secret: ref.secret, version: ref.version } },
    })),
  ];
}

function applyEnv(container: Container, settings: ContainerSettings): void {
  const given = envOf(settings);
  if (given.length === 0 && settings.envMode === 'merge') return;
  if (settings.envMode === 'replace') {
    container.env = given;
    return;
  }
  const env = [...(container.env ?? [])];
  for (const entry of given) {
    const at = env.findIndex((e) => e.name === entry.name);
    if (at === -1) env.push(entry);
    else env[at] = entry;
  }
  container.env = env;
}

function secretVolumes(settings: ContainerSettings): Array<{ dir: string; volume: Volume }> {
  const byDir = new Map<string, Volume>();
  for (const [path, ref] of Object.entries(settings.secretFiles)) {
    const dir = dirname(path);
    const volume = byDir.get(dir) ?? {
      name: secretVolumeName(dir),
      secret: { secret: ref.secret, items: [] },
    };
    volume.secret!.items!.push({ path: basename(path), version: ref.version });
    byDir.set(dir, volume);
  }
  return [...byDir].map(([dir, volume]) => ({ dir, volume }));
}

function applySecretFiles(
  owner: { volumes?: Volume[] },
  container: Container,
  settings: ContainerSettings,
): void {
  const wanted = secretVolumes(settings);
  if (wanted.length === 0 && settings.envMode === 'merge') return;
  let mounts = [...(container.volumeMounts ?? [])];
  let volumes = [...(owner.volumes ?? [])];
  const isSecret = (name: string) => volumes.some((v) => v.name === name && v.secret !== undefined);
  if (settings.envMode === 'replace') {
    mounts = mounts.filter((m) => !isSecret(m.name));
  } else {
    const dirs = new Set(wanted.map((w) => w.dir));
    mounts = mounts.filter((m) => !dirs.has(m.mountPath));
  }
  for (const { dir, volume } of wanted) mounts.push({ name: volume.name, mountPath: dir });
  const mounted = new Set(mounts.map((m) => m.name));
  const wantedNames = new Set(wanted.map((w) => w.volume.name));
  // Drop secret volumes nothing mounts any more, and the old copies of the ones re-declared.
  volumes = volumes.filter(
    (v) => !(v.secret !== undefined && (!mounted.has(v.name) || wantedNames.has(v.name))),
  );
  volumes.push(...wanted.map((w) => w.volume));
  container.volumeMounts = mounts;
  owner.volumes = volumes;
}

function applyVpc(current: VpcAccess | undefined, vpc: VpcSettings | undefined): VpcAccess | undefined {
  if (vpc === undefined) return current;
  const out: VpcAccess = { ...(current ?? {}) };
  if (vpc.connector !== undefined) {
    out.connector = vpc.connector;
    delete out.networkInterfaces;
  }
  if (vpc.network !== undefined || vpc.subnet !== undefined) {
    const nic: { network?: string; subnetwork?: string; tags?: string[] } = {};
    if (vpc.network !== undefined) nic.network = vpc.network;
    if (vpc.subnet !== undefined) nic.subnetwork = vpc.subnet;
    if (vpc.networkTags !== undefined && vpc.networkTags.length > 0) nic.tags = [...vpc.networkTags];
    out.networkInterfaces = [nic];
    delete out.connector;
  }
  if (vpc.egress !== undefined)
    out.egress = vpc.egress === 'all-traffic' ? 'ALL_TRAFFIC' : 'PRIVATE_RANGES_ONLY';
  return out;
}

function applyContainer(container: Container, settings: ContainerSettings): void {
  if (settings.image !== undefined) container.image = settings.image;
  if (settings.command !== undefined) container.command = [...settings.command];
  if (settings.args !== undefined) container.args = [...settings.args];
  applyEnv(container, settings);
  if (settings.cpu !== undefined || settings.memory !== undefined) {
    const resources = { ...(container.resources ?? {}) };
    const limits = { ...(resources.limits ?? {}) };
    if (settings.cpu !== undefined) limits.cpu = settings.cpu;
    if (settings.memory !== undefined) limits.memory = settings.memory;
    resources.limits = limits;
    container.resources = resources;
  }
}

function containersOf<T extends { containers?: Container[] }>(template: T): Container[] {
  const containers = template.containers ?? [];
  if (containers.length === 0) containers.push({});
  template.containers = containers;
  return containers;
}

/**
 * `base` with the service settings laid over it. Setting CPU, memory or billing always writes `cpuIdle`
 * explicitly: Cloud Run treats a `resources` block without `cpuIdle` as instance-based billing, and only an absent
 * block as request-based.
 */
export function applyServiceSettings(base: Service, settings: ServiceSettings): Service {
  const service = clone(base);
  const template: RevisionTemplate = service.template ?? {};
  service.template = template;
  const containers = containersOf(template);
  const container = containers[ingressContainerIndex(containers)]!;
  const hadResources = container.resources !== undefined;
  const hadIdle = container.resources?.cpuIdle;
  applyContainer(container, settings);
  if (settings.port !== undefined) {
    container.ports = [{ name: container.ports?.[0]?.name || 'http1', containerPort: settings.port }];
  }
  if (settings.billing !== undefined || settings.cpu !== undefined || settings.memory !== undefined) {
    const resources = { ...(container.resources ?? {}) };
    if (settings.billing !== undefined) resources.cpuIdle = settings.billing === 'request';
    else if (!hadResources) resources.cpuIdle = true;
    else if (hadIdle !== undefined) resources.cpuIdle = hadIdle;
    container.resources = resources;
  }
  applySecretFiles(template, container, settings);
  if (settings.concurrency !== undefined) template.maxInstanceRequestConcurrency = settings.concurrency;
  if (settings.minInstances !== undefined || settings.maxInstances !== undefined) {
    const scaling = { ...(template.scaling ?? {}) };
    if (settings.minInstances !== undefined) scaling.minInstanceCount = settings.minInstances;
    if (settings.maxInstances !== undefined) scaling.maxInstanceCount = settings.maxInstances;
    template.scaling = scaling;
  }
  if (settings.timeoutSeconds !== undefined) template.timeout = { seconds: String(settings.timeoutSeconds) };
  if (settings.serviceAccount !== undefined) template.serviceAccount = settings.serviceAccount;
  const vpc = applyVpc(template.vpcAccess, settings.vpc);
  if (vpc !== undefined) template.vpcAccess = vpc;
  if (settings.ingress !== undefined) service.ingress = INGRESS[settings.ingress];
  if (Object.keys(settings.labels).length > 0) {
    template.labels = { ...(template.labels ?? {}), ...settings.labels };
  }
  if (Object.keys(settings.labels).length > 0 || Object.keys(settings.serviceLabels).length > 0) {
    service.labels = { ...(service.labels ?? {}), ...settings.labels, ...settings.serviceLabels };
  }
  return service;
}

/** `base` with the job settings laid over it (the first container is the job's). */
export function applyJobSettings(base: Job, settings: JobSettings): Job {
  const job = clone(base);
  const execution = job.template ?? {};
  job.template = execution;
  const task: TaskTemplate = execution.template ?? {};
  execution.template = task;
  const container = containersOf(task)[0]!;
  applyContainer(container, settings);
  applySecretFiles(task, container, settings);
  if (settings.tasks !== undefined) execution.taskCount = settings.tasks;
  if (settings.parallelism !== undefined) execution.parallelism = settings.parallelism;
  if (settings.maxRetries !== undefined) task.maxRetries = settings.maxRetries;
  if (settings.taskTimeoutSeconds !== undefined)
    task.timeout = { seconds: String(settings.taskTimeoutSeconds) };
  if (settings.serviceAccount !== undefined) task.serviceAccount = settings.serviceAccount;
  const vpc = applyVpc(task.vpcAccess, settings.vpc);
  if (vpc !== undefined) task.vpcAccess = vpc;
  if (Object.keys(settings.labels).length > 0) {
    execution.labels = { ...(execution.labels ?? {}), ...settings.labels };
    job.labels = { ...(job.labels ?? {}), ...settings.labels };
  }
  return job;
}
