/**
 * A Cloud Run service YAML (`serving.knative.dev/v1` Service, as `gcloud run services replace` takes and
 * `gcloud run services describe --format export` writes) translated into a v2 Service
 * (https://cloud.google.com/run/docs/reference/yaml/v1 → https://cloud.google.com/run/docs/reference/rest/v2/projects.locations.services).
 * Every problem names the file, the line and the field. Fields the translation does not know are refused rather
 * than dropped, so that nothing in the file is silently ignored; `status` and server-written metadata are skipped.
 */
import { LineCounter, isMap, isScalar, isSeq, parseDocument } from 'yaml';
import type { Node as YamlNode, Pair } from 'yaml';
import { cpuProblem, memoryProblem } from './limits.js';
import { LATEST, REVISION } from './types.js';
import type {
  Container,
  EnvVar,
  ExecutionEnvironment,
  Ingress,
  RevisionTemplate,
  Service,
  TrafficTarget,
  Volume,
  VpcAccess,
} from './types.js';

/** A problem in a service YAML, at a line (and column) of a file. */
export class SpecError extends Error {
  readonly file: string;
  readonly line: number;
  readonly column: number;

  constructor(file: string, line: number, column: number, message: string) {
    super(`${file}:${line}: ${message}`);
    this.name = 'SpecError';
    this.file = file;
    this.line = line;
    this.column = column;
  }

  /** The message without the `file:line:` prefix. */
  get detail(): string {
    return this.message.slice(`${this.file}:${this.line}: `.length);
  }
}

/** A translated service YAML. */
export interface KnativeService {
  /** `metadata.name`. */
  name: string | undefined;
  service: Service;
}

const INGRESS: Record<string, Ingress> = {
  all: 'INGRESS_TRAFFIC_ALL',
  internal: 'INGRESS_TRAFFIC_INTERNAL_ONLY',
  'internal-and-cloud-load-balancing': 'INGRESS_TRAFFIC_INTERNAL_LOAD_BALANCER',
};

const IGNORED_METADATA = [
  'namespace',
  'uid',
  'resourceVersion',
  'generation',
  'creationTimestamp',
  'selfLink',
];
/** Annotations written by gcloud or the server, which carry nothing to deploy. */
const IGNORED_ANNOTATION =
  /^(?:client\.knative\.dev\/|serving\.knative\.dev\/|run\.googleapis\.com\/(?:client-name|client-version|operation-id|urls|ingress-status|creator|lastModifier)$)/;
const SYSTEM_ANNOTATION = /^(?:run\.googleapis\.com|autoscaling\.knative\.dev|features\.knative\.dev)\//;

type Entries = Map<string, { key: YamlNode; value: YamlNode | null }>;

/** Reads yaml nodes with their positions and turns every problem into a {@link SpecError}. */
class Reader {
  constructor(
    private readonly file: string,
    private readonly lines: LineCounter,
  ) {}

  fail(node: YamlNode | null | undefined, path: string, message: string): never {
    const offset = node?.range?.[0] ?? 0;
    const { line, col } = this.lines.linePos(offset);
    throw new SpecError(this.file, line, col, path === '' ? message : `${path}: ${message}`);
  }

  map(node: YamlNode | null, path: string, allowed: readonly string[]): Entries {
    if (!isMap(node)) this.fail(node, path, 'must be a mapping');
    const entries: Entries = new Map();
    for (const pair of node.items as Array<Pair<YamlNode, YamlNode | null>>) {
      const key = isScalar(pair.key) ? String(pair.key.value) : undefined;
      if (key === undefined) this.fail(pair.key, path, 'keys must be plain strings');
      if (!allowed.includes(key)) {
        this.fail(
          pair.key,
          path === '' ? key : `${path}.${key}`,
          `unsupported field (the translation knows ${allowed.join(', ')})`,
        );
      }
      entries.set(key, { key: pair.key, value: pair.value });
    }
    return entries;
  }

  str(node: YamlNode | null, path: string): string {
    if (!isScalar(node) || node.value === null || typeof node.value === 'object')
      this.fail(node, path, 'must be a string');
    return String(node.value);
  }

  int(node: YamlNode | null, path: string, min: number, max: number): number {
    const raw = isScalar(node) ? node.value : undefined;
    const n =
      typeof raw === 'number' ? raw : typeof raw === 'string' && /^\d+$/.test(raw) ? Number(raw) : NaN;
    if (!Number.isInteger(n))
      this.fail(node, path, `must be a whole number, got ${JSON.stringify(raw ?? null)}`);
    if (n < min || n > max) this.fail(node, path, `must be between ${min} and ${max}, got ${n}`);
    return n;
  }

  bool(node: YamlNode | null, path: string): boolean {
    const raw = isScalar(node) ? node.value : undefined;
    if (raw === true || raw === 'true') return true;
    if (raw === false || raw === 'false') return false;
    this.fail(node, path, `must be true or false, got ${JSON.stringify(raw ?? null)}`);
  }

  list(node: YamlNode | null, path: string): YamlNode[] {
    if (!isSeq(node)) this.fail(node, path, 'must be a list');
    return node.items as YamlNode[];
  }

  strings(node: YamlNode | null, path: string): string[] {
    return this.list(node, path).map((item, i) => this.str(item, `${path}[${i}]`));
  }

  stringMap(node: YamlNode | null, path: string): Map<string, { node: YamlNode | null; value: string }> {
    if (!isMap(node)) this.fail(node, path, 'must be a mapping of strings');
    const out = new Map<string, { node: YamlNode | null; value: string }>();
    for (const pair of node.items as Array<Pair<YamlNode, YamlNode | null>>) {
      const key = isScalar(pair.key)
        ? String(pair.key.value)
        : this.fail(pair.key, path, 'keys must be strings');
      out.set(key, { node: pair.value, value: this.str(pair.value, `${path}.${key}`) });
    }
    return out;
  }
}

/**
 * Translates a service YAML. Throws a {@link SpecError} for YAML that does not parse, a document that is not a
 * Cloud Run service, a field it does not support, or a value Cloud Run would refuse (CPU, memory, concurrency…).
 */
export function translateKnativeService(text: string, file: string): KnativeService {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: true, prettyErrors: false });
  const error = doc.errors[0];
  if (error) {
    const pos = lines.linePos(error.pos[0]);
    // A quote or bracket left open is found at the end of the input: point at the last line that has text instead.
    const lastLine = text.replace(/\s+$/, '').split(/\r\n|\r|\n/).length;
    const description = error.message.split(' at line ')[0]!.trim();
    throw new SpecError(file, Math.min(pos.line, lastLine), pos.col, `invalid YAML: ${description}`);
  }
  const r: Reader = new Reader(file, lines);
  const root = doc.contents as YamlNode | null;
  const top = r.map(root, '', ['apiVersion', 'kind', 'metadata', 'spec', 'status']);
  const apiVersion = top.get('apiVersion');
  if (apiVersion === undefined || r.str(apiVersion.value, 'apiVersion') !== 'serving.knative.dev/v1') {
    r.fail(
      apiVersion?.value ?? root,
      'apiVersion',
      'must be serving.knative.dev/v1 (a Cloud Run service YAML)',
    );
  }
  const kind = top.get('kind');
  if (kind === undefined || r.str(kind.value, 'kind') !== 'Service')
    r.fail(kind?.value ?? root, 'kind', 'must be Service');

  const service: Service = {};
  let name: string | undefined;
  const metadata = top.get('metadata');
  if (metadata !== undefined) {
    const m = r.map(metadata.value, 'metadata', ['name', 'labels', 'annotations', ...IGNORED_METADATA]);
    if (m.has('name')) name = r.str(m.get('name')!.value, 'metadata.name');
    if (m.has('labels')) service.labels = plain(r.stringMap(m.get('labels')!.value, 'metadata.labels'));
    if (m.has('annotations')) serviceAnnotations(r, m.get('annotations')!.value, service);
  }
  const spec = top.get('spec');
  if (spec === undefined) r.fail(root, 'spec', 'is required');
  const s = r.map(spec.value, 'spec', ['template', 'traffic']);
  const template = s.get('template');
  if (template === undefined) r.fail(spec.value, 'spec.template', 'is required');
  service.template = revisionTemplate(r, template.value);
  if (s.has('traffic')) service.traffic = traffic(r, s.get('traffic')!.value);
  return { name, service };
}

function plain(map: Map<string, { value: string }>): Record<string, string> {
  return Object.fromEntries([...map].map(([k, v]) => [k, v.value]));
}

function serviceAnnotations(r: Reader, node: YamlNode | null, service: Service): void {
  const user: Record<string, string> = {};
  for (const [key, { node: at, value }] of r.stringMap(node, 'metadata.annotations')) {
    const path = `metadata.annotations[${key}]`;
    if (IGNORED_ANNOTATION.test(key)) continue;
    switch (key) {
      case 'run.googleapis.com/ingress': {
        const ingress = INGRESS[value];
        if (ingress === undefined)
          r.fail(
            at,
            path,
            `must be all, internal or internal-and-cloud-load-balancing, got ${JSON.stringify(value)}`,
          );
        service.ingress = ingress;
        break;
      }
      case 'run.googleapis.com/launch-stage':
        service.launchStage = value.toUpperCase();
        break;
      case 'run.googleapis.com/description':
        service.description = value;
        break;
      case 'run.googleapis.com/invoker-iam-disabled':
        service.invokerIamDisabled = r.bool(at, path);
        break;
      case 'run.googleapis.com/minScale':
        service.scaling = { minInstanceCount: r.int(at, path, 0, 1000) };
        break;
      default:
        if (SYSTEM_ANNOTATION.test(key)) r.fail(at, path, 'unsupported annotation');
        user[key] = value;
    }
  }
  if (Object.keys(user).length > 0) service.annotations = user;
}

function revisionTemplate(r: Reader, node: YamlNode | null): RevisionTemplate {
  const t = r.map(node, 'spec.template', ['metadata', 'spec']);
  const template: RevisionTemplate = {};
  const specNode = t.get('spec');
  if (specNode === undefined) r.fail(node, 'spec.template.spec', 'is required');
  const spec = r.map(specNode.value, 'spec.template.spec', [
    'containerConcurrency',
    'timeoutSeconds',
    'serviceAccountName',
    'containers',
    'volumes',
  ]);
  if (spec.has('containerConcurrency')) {
    template.maxInstanceRequestConcurrency = r.int(
      spec.get('containerConcurrency')!.value,
      'spec.template.spec.containerConcurrency',
      1,
      1000,
    );
  }
  if (spec.has('timeoutSeconds')) {
    template.timeout = {
      seconds: String(r.int(spec.get('timeoutSeconds')!.value, 'spec.template.spec.timeoutSeconds', 1, 3600)),
    };
  }
  if (spec.has('serviceAccountName'))
    template.serviceAccount = r.str(
      spec.get('serviceAccountName')!.value,
      'spec.template.spec.serviceAccountName',
    );
  const containersNode = spec.get('containers');
  if (containersNode === undefined) r.fail(specNode.value, 'spec.template.spec.containers', 'is required');
  const containers = r.list(containersNode.value, 'spec.template.spec.containers');
  if (containers.length === 0)
    r.fail(containersNode.value, 'spec.template.spec.containers', 'lists no container');
  template.containers = containers.map((c, i) => container(r, c, `spec.template.spec.containers[${i}]`));
  if (spec.has('volumes')) {
    template.volumes = r
      .list(spec.get('volumes')!.value, 'spec.template.spec.volumes')
      .map((v, i) => volume(r, v, `spec.template.spec.volumes[${i}]`));
  }
  const metadata = t.get('metadata');
  if (metadata !== undefined) {
    const m = r.map(metadata.value, 'spec.template.metadata', ['name', 'labels', 'annotations']);
    if (m.has('name')) template.revision = r.str(m.get('name')!.value, 'spec.template.metadata.name');
    if (m.has('labels'))
      template.labels = plain(r.stringMap(m.get('labels')!.value, 'spec.template.metadata.labels'));
    if (m.has('annotations')) templateAnnotations(r, m.get('annotations')!.value, template);
  }
  // In this YAML, CPU is throttled unless `run.googleapis.com/cpu-throttling: 'false'` says otherwise; in v2, a
  // `resources` block without `cpuIdle` means CPU always allocated. Say so explicitly to keep the YAML's meaning.
  for (const c of template.containers) {
    if (c.resources !== undefined && c.resources.cpuIdle === undefined) c.resources.cpuIdle = true;
  }
  return template;
}

function templateAnnotations(r: Reader, node: YamlNode | null, template: RevisionTemplate): void {
  const user: Record<string, string> = {};
  const vpc: VpcAccess = {};
  const scaling: { minInstanceCount?: number; maxInstanceCount?: number } = {};
  for (const [key, { node: at, value }] of r.stringMap(node, 'spec.template.metadata.annotations')) {
    const path = `spec.template.metadata.annotations[${key}]`;
    if (IGNORED_ANNOTATION.test(key)) continue;
    switch (key) {
      case 'autoscaling.knative.dev/minScale':
        scaling.minInstanceCount = r.int(at, path, 0, 1000);
        break;
      case 'autoscaling.knative.dev/maxScale':
        scaling.maxInstanceCount = r.int(at, path, 1, 1000);
        break;
      case 'run.googleapis.com/cpu-throttling': {
        const idle = r.bool(at, path);
        for (const c of template.containers ?? []) c.resources = { ...(c.resources ?? {}), cpuIdle: idle };
        break;
      }
      case 'run.googleapis.com/startup-cpu-boost': {
        const boost = r.bool(at, path);
        for (const c of template.containers ?? [])
          c.resources = { ...(c.resources ?? {}), startupCpuBoost: boost };
        break;
      }
      case 'run.googleapis.com/execution-environment': {
        const env: Record<string, ExecutionEnvironment> = {
          gen1: 'EXECUTION_ENVIRONMENT_GEN1',
          gen2: 'EXECUTION_ENVIRONMENT_GEN2',
        };
        if (env[value] === undefined) r.fail(at, path, `must be gen1 or gen2, got ${JSON.stringify(value)}`);
        template.executionEnvironment = env[value];
        break;
      }
      case 'run.googleapis.com/vpc-access-connector':
        vpc.connector = value;
        break;
      case 'run.googleapis.com/vpc-access-egress':
        if (value !== 'all-traffic' && value !== 'private-ranges-only')
          r.fail(at, path, 'must be all-traffic or private-ranges-only');
        vpc.egress = value === 'all-traffic' ? 'ALL_TRAFFIC' : 'PRIVATE_RANGES_ONLY';
        break;
      case 'run.googleapis.com/network-interfaces':
        vpc.networkInterfaces = networkInterfaces(r, at, path, value);
        break;
      case 'run.googleapis.com/sessionAffinity':
        template.sessionAffinity = r.bool(at, path);
        break;
      case 'run.googleapis.com/encryption-key':
        template.encryptionKey = value;
        break;
      default:
        if (SYSTEM_ANNOTATION.test(key)) r.fail(at, path, 'unsupported annotation');
        user[key] = value;
    }
  }
  if (Object.keys(user).length > 0) template.annotations = user;
  if (Object.keys(vpc).length > 0) template.vpcAccess = vpc;
  if (Object.keys(scaling).length > 0) template.scaling = scaling;
}

function networkInterfaces(
  r: Reader,
  at: YamlNode | null,
  path: string,
  value: string,
): VpcAccess['networkInterfaces'] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    r.fail(at, path, 'must be JSON such as [{"network":"default","subnetwork":"default"}]');
  }
  if (!Array.isArray(parsed)) r.fail(at, path, 'must be a JSON list of network interfaces');
  return parsed.map((nic: unknown) => {
    const n = (typeof nic === 'object' && nic !== null ? nic : {}) as Record<string, unknown>;
    const out: { network?: string; subnetwork?: string; tags?: string[] } = {};
    if (typeof n.network === 'string') out.network = n.network;
    if (typeof n.subnetwork === 'string') out.subnetwork = n.subnetwork;
    if (Array.isArray(n.tags)) out.tags = n.tags.map(String);
    return out;
  });
}

function container(r: Reader, node: YamlNode, path: string): Container {
  const c = r.map(node, path, [
    'name',
    'image',
    'command',
    'args',
    'env',
    'ports',
    'resources',
    'volumeMounts',
    'workingDir',
    'startupProbe',
    'livenessProbe',
  ]);
  const out: Container = {};
  if (c.has('name')) out.name = r.str(c.get('name')!.value, `${path}.name`);
  if (c.has('image')) out.image = r.str(c.get('image')!.value, `${path}.image`);
  if (c.has('command')) out.command = r.strings(c.get('command')!.value, `${path}.command`);
  if (c.has('args')) out.args = r.strings(c.get('args')!.value, `${path}.args`);
  if (c.has('workingDir')) out.workingDir = r.str(c.get('workingDir')!.value, `${path}.workingDir`);
  if (c.has('env'))
    out.env = r.list(c.get('env')!.value, `${path}.env`).map((e, i) => envVar(r, e, `${path}.env[${i}]`));
  if (c.has('ports')) {
    const ports = r.list(c.get('ports')!.value, `${path}.ports`);
    if (ports.length > 1) r.fail(ports[1]!, `${path}.ports`, 'Cloud Run serves one port per container');
    out.ports = ports.map((p, i) => {
      const m = r.map(p, `${path}.ports[${i}]`, ['name', 'containerPort', 'protocol']);
      const port: { name?: string; containerPort?: number } = {};
      if (m.has('name')) {
        const name = r.str(m.get('name')!.value, `${path}.ports[${i}].name`);
        if (name !== 'http1' && name !== 'h2c')
          r.fail(m.get('name')!.value, `${path}.ports[${i}].name`, 'must be http1 or h2c');
        port.name = name;
      }
      if (m.has('containerPort'))
        port.containerPort = r.int(
          m.get('containerPort')!.value,
          `${path}.ports[${i}].containerPort`,
          1,
          65535,
        );
      return port;
    });
  }
  if (c.has('resources')) {
    const res = r.map(c.get('resources')!.value, `${path}.resources`, ['limits']);
    if (res.has('limits')) {
      const limits: Record<string, string> = {};
      for (const [key, { node: at, value }] of r.stringMap(
        res.get('limits')!.value,
        `${path}.resources.limits`,
      )) {
        const problem =
          key === 'cpu' ? cpuProblem(value) : key === 'memory' ? memoryProblem(value) : undefined;
        if (problem !== undefined) r.fail(at, `${path}.resources.limits.${key}`, problem);
        limits[key] = value;
      }
      out.resources = { limits };
    }
  }
  if (c.has('volumeMounts')) {
    out.volumeMounts = r.list(c.get('volumeMounts')!.value, `${path}.volumeMounts`).map((v, i) => {
      const m = r.map(v, `${path}.volumeMounts[${i}]`, ['name', 'mountPath', 'readOnly']);
      const name = m.get('name');
      const mountPath = m.get('mountPath');
      if (name === undefined || mountPath === undefined)
        r.fail(v, `${path}.volumeMounts[${i}]`, 'needs name and mountPath');
      return {
        name: r.str(name.value, `${path}.volumeMounts[${i}].name`),
        mountPath: r.str(mountPath.value, `${path}.volumeMounts[${i}].mountPath`),
      };
    });
  }
  for (const probe of ['startupProbe', 'livenessProbe'] as const) {
    if (c.has(probe)) out[probe] = probeOf(r, c.get(probe)!.value, `${path}.${probe}`);
  }
  return out;
}

function envVar(r: Reader, node: YamlNode, path: string): EnvVar {
  const e = r.map(node, path, ['name', 'value', 'valueFrom']);
  const nameNode = e.get('name');
  if (nameNode === undefined) r.fail(node, `${path}.name`, 'is required');
  const name = r.str(nameNode.value, `${path}.name`);
  if (e.has('value') && e.has('valueFrom')) r.fail(node, path, 'set value or valueFrom, not both');
  if (e.has('valueFrom')) {
    const from = r.map(e.get('valueFrom')!.value, `${path}.valueFrom`, ['secretKeyRef']);
    const refNode = from.get('secretKeyRef');
    if (refNode === undefined) r.fail(e.get('valueFrom')!.value, `${path}.valueFrom`, 'needs secretKeyRef');
    const ref = r.map(refNode.value, `${path}.valueFrom.secretKeyRef`, ['name', 'key']);
    const secret = ref.get('name');
    if (secret === undefined)
      r.fail(refNode.value, `${path}.valueFrom.secretKeyRef.name`, 'is required (the secret)');
    const version = ref.has('key')
      ? r.str(ref.get('key')!.value, `${path}.valueFrom.secretKeyRef.key`)
      : 'latest';
    return {
      name,
      valueSource: {
        secretKeyRef: { secret: r.str(secret.value, `${path}.valueFrom.secretKeyRef.name`), version },
      },
    };
  }
  return { name, value: e.has('value') ? r.str(e.get('value')!.value, `${path}.value`) : '' };
}

function probeOf(r: Reader, node: YamlNode | null, path: string): Record<string, unknown> {
  const p = r.map(node, path, [
    'httpGet',
    'tcpSocket',
    'grpc',
    'initialDelaySeconds',
    'timeoutSeconds',
    'periodSeconds',
    'failureThreshold',
  ]);
  const out: Record<string, unknown> = {};
  for (const key of ['initialDelaySeconds', 'timeoutSeconds', 'periodSeconds', 'failureThreshold'] as const) {
    if (p.has(key)) out[key] = r.int(p.get(key)!.value, `${path}.${key}`, 0, 3600);
  }
  if (p.has('httpGet')) {
    const h = r.map(p.get('httpGet')!.value, `${path}.httpGet`, ['path', 'port', 'httpHeaders']);
    const get: Record<string, unknown> = {};
    if (h.has('path')) get.path = r.str(h.get('path')!.value, `${path}.httpGet.path`);
    if (h.has('port')) get.port = r.int(h.get('port')!.value, `${path}.httpGet.port`, 1, 65535);
    if (h.has('httpHeaders')) {
      get.httpHeaders = r.list(h.get('httpHeaders')!.value, `${path}.httpGet.httpHeaders`).map((x, i) => {
        const m = r.map(x, `${path}.httpGet.httpHeaders[${i}]`, ['name', 'value']);
        return {
          name: r.str(m.get('name')?.value ?? null, `${path}.httpGet.httpHeaders[${i}].name`),
          value: m.has('value')
            ? r.str(m.get('value')!.value, `${path}.httpGet.httpHeaders[${i}].value`)
            : '',
        };
      });
    }
    out.httpGet = get;
  }
  if (p.has('tcpSocket')) {
    const t = r.map(p.get('tcpSocket')!.value, `${path}.tcpSocket`, ['port']);
    out.tcpSocket = t.has('port')
      ? { port: r.int(t.get('port')!.value, `${path}.tcpSocket.port`, 1, 65535) }
      : {};
  }
  if (p.has('grpc')) {
    const g = r.map(p.get('grpc')!.value, `${path}.grpc`, ['port', 'service']);
    const grpc: Record<string, unknown> = {};
    if (g.has('port')) grpc.port = r.int(g.get('port')!.value, `${path}.grpc.port`, 1, 65535);
    if (g.has('service')) grpc.service = r.str(g.get('service')!.value, `${path}.grpc.service`);
    out.grpc = grpc;
  }
  return out;
}

function volume(r: Reader, node: YamlNode, path: string): Volume {
  const v = r.map(node, path, ['name', 'secret', 'emptyDir']);
  const nameNode = v.get('name');
  if (nameNode === undefined) r.fail(node, `${path}.name`, 'is required');
  const name = r.str(nameNode.value, `${path}.name`);
  if (v.has('secret')) {
    const s = r.map(v.get('secret')!.value, `${path}.secret`, ['secretName', 'items', 'defaultMode']);
    const secretName = s.get('secretName');
    if (secretName === undefined) r.fail(v.get('secret')!.value, `${path}.secret.secretName`, 'is required');
    const secret: NonNullable<Volume['secret']> = {
      secret: r.str(secretName.value, `${path}.secret.secretName`),
    };
    if (s.has('items')) {
      secret.items = r.list(s.get('items')!.value, `${path}.secret.items`).map((item, i) => {
        const m = r.map(item, `${path}.secret.items[${i}]`, ['key', 'path', 'mode']);
        const p = m.get('path');
        if (p === undefined) r.fail(item, `${path}.secret.items[${i}].path`, 'is required');
        const out: { path: string; version?: string; mode?: number } = {
          path: r.str(p.value, `${path}.secret.items[${i}].path`),
        };
        if (m.has('key')) out.version = r.str(m.get('key')!.value, `${path}.secret.items[${i}].key`);
        if (m.has('mode'))
          out.mode = r.int(m.get('mode')!.value, `${path}.secret.items[${i}].mode`, 0, 0o777);
        return out;
      });
    }
    if (s.has('defaultMode'))
      secret.defaultMode = r.int(s.get('defaultMode')!.value, `${path}.secret.defaultMode`, 0, 0o777);
    return { name, secret };
  }
  if (v.has('emptyDir')) {
    const e = r.map(v.get('emptyDir')!.value, `${path}.emptyDir`, ['medium', 'sizeLimit']);
    const emptyDir: Record<string, unknown> = { medium: 'MEMORY' };
    if (e.has('medium') && r.str(e.get('medium')!.value, `${path}.emptyDir.medium`) !== 'Memory') {
      r.fail(e.get('medium')!.value, `${path}.emptyDir.medium`, 'Cloud Run supports only Memory');
    }
    if (e.has('sizeLimit'))
      emptyDir.sizeLimit = r.str(e.get('sizeLimit')!.value, `${path}.emptyDir.sizeLimit`);
    return { name, emptyDir };
  }
  r.fail(node, path, 'a volume needs secret or emptyDir (the translation knows no other kind)');
}

function traffic(r: Reader, node: YamlNode | null): TrafficTarget[] {
  return r.list(node, 'spec.traffic').map((item, i) => {
    const path = `spec.traffic[${i}]`;
    const t = r.map(item, path, ['percent', 'latestRevision', 'revisionName', 'tag']);
    const latest =
      t.has('latestRevision') && r.bool(t.get('latestRevision')!.value, `${path}.latestRevision`);
    const out: TrafficTarget = { type: latest ? LATEST : REVISION };
    if (t.has('revisionName')) {
      if (latest)
        r.fail(
          t.get('revisionName')!.value,
          `${path}.revisionName`,
          'set latestRevision or revisionName, not both',
        );
      out.revision = r.str(t.get('revisionName')!.value, `${path}.revisionName`);
    } else if (!latest) {
      r.fail(item, path, 'needs latestRevision: true or a revisionName');
    }
    if (t.has('percent')) out.percent = r.int(t.get('percent')!.value, `${path}.percent`, 0, 100);
    if (t.has('tag')) out.tag = r.str(t.get('tag')!.value, `${path}.tag`);
    return out;
  });
}
