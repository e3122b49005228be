// A Kubernetes API server stand-in over HTTPS with bearer-token auth, for @kubernetes/client-node and the
// Slipway kube package. It keeps a generic object store per group and resource, so any kind discovery lists
// (and any CustomResourceDefinition applied to it) can be created, read, listed, watched and patched.
// References (https://kubernetes.io/docs/reference/using-api/api-concepts/ unless noted):
// - resource URIs, discovery (`/api`, `/apis`, `/api/v1`, `/apis/<g>/<v>`), `Status` errors (kube-status.ts);
// - GET, LIST (`limit`/`continue`, label and field selectors), WATCH (`?watch=1`, newline-delimited
//   `{type, object}` events from a resourceVersion; the server may end a watch at any time and the client
//   re-watches from the last resourceVersion it saw), `dryRun=All`;
// - PATCH: server-side apply (`application/apply-patch+yaml`, `fieldManager`, `force`,
//   https://kubernetes.io/docs/reference/using-api/server-side-apply/), JSON merge and JSON patch;
// - pod logs: https://kubernetes.io/docs/reference/kubernetes-api/workload-resources/pod-v1/#read-log-of-the-specified-pod;
// - events: https://kubernetes.io/docs/reference/kubernetes-api/cluster-resources/event-v1/.
// A controller simulation (kube-controllers.ts, kube-pods.ts) moves workloads along the simulated clock.
//
// Time: with `time: 'jump'` (default) a WATCH that finds nothing new moves the simulated clock to the next
// instant something changes (no further than its timeoutSeconds), so slow rollouts take no real time; with
// `time: 'real'` a WATCH waits in real time while the clock runs.
import { randomUUID } from 'node:crypto';
import { connect as netConnect } from 'node:net';
import type { Socket } from 'node:net';
import { createServer as createTlsServer } from 'node:tls';
import type { Server as TlsServer, TLSSocket } from 'node:tls';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import { StandIn } from './base.js';
import type { StandInOptions, StandInRequest, StandInResponse } from './base.js';
import {
  clone,
  deepEqual,
  isRecord,
  jsonPatch,
  mergePatch,
  recordUpdate,
  sameContent,
  serverSideApply,
} from './kube-apply.js';
import type { KubeObject } from './kube-apply.js';
import type { KubeUser, TokenAuthenticator } from './kube-auth.js';
import { Controllers } from './kube-controllers.js';
import { DEFAULT_TIMING } from './kube-pods.js';
import type { ImageBehaviour, PodEvent, PodTiming, SimNode } from './kube-pods.js';
import {
  builtinResources,
  coreVersions,
  groupList,
  groupVersion,
  resourceList,
  splitApiVersion,
} from './kube-resources.js';
import type { ResourceDef } from './kube-resources.js';
import { fieldSelector, labelSelector } from './kube-selectors.js';
import {
  KubeApiError,
  alreadyExists,
  badRequest,
  invalid,
  methodNotAllowed,
  notFound,
  pathNotFound,
  staleResourceVersion,
  unauthorized,
  unsupportedMediaType,
} from './kube-status.js';
import { testTls } from './kube-tls.js';
import { applyDefaults, generationContent, validate } from './kube-validate.js';

export type { KubeObject } from './kube-apply.js';
export type { ImageBehaviour, PodTiming, SimNode } from './kube-pods.js';

/** A node to start the cluster with; missing fields get defaults (4 CPUs, 16 GiB, no taints). */
export interface NodeSeed {
  name: string;
  labels?: Record<string, string>;
  taints?: SimNode['taints'];
  cpu?: number;
  memoryGi?: number;
}

/** Options of the Kubernetes stand-in. */
export interface KubeStandInOptions extends StandInOptions {
  /** Static bearer tokens and the user each stands for. */
  tokens?: Record<string, string>;
  /** Further authenticators (EKS tokens through STS, GKE access tokens), tried after the static tokens. */
  authenticators?: TokenAuthenticator[];
  /** Nodes; two plain ones by default. */
  nodes?: NodeSeed[];
  /** Pod lifecycle durations in simulated milliseconds. */
  timing?: Partial<PodTiming>;
  /** Play GKE Autopilot: default requests for containers without any, with its annotation and API warning. */
  autopilot?: boolean;
  /** How a WATCH waits: `jump` moves the simulated clock (default), `real` waits in real time. */
  time?: 'jump' | 'real';
  /** Namespaces that exist from the start; `default` and `kube-system` by default. */
  namespaces?: string[];
}

interface Change {
  rv: number;
  type: 'ADDED' | 'MODIFIED' | 'DELETED';
  key: string;
  object: KubeObject;
}

interface Route {
  def: ResourceDef | undefined;
  group: string;
  version: string;
  namespace: string | undefined;
  name: string | undefined;
  subresource: string | undefined;
  /** `api`, `apis`, discovery of one group version, `version`, or a resource request. */
  kind: 'api' | 'apis' | 'discovery' | 'version' | 'resource' | 'unknown';
}

const APPLY = 'application/apply-patch+yaml';
const MERGE = 'application/merge-patch+json';
const JSON_PATCH = 'application/json-patch+json';
const STRATEGIC = 'application/strategic-merge-patch+json';
const WORKLOAD_KINDS = new Set([
  'Deployment',
  'StatefulSet',
  'DaemonSet',
  'ReplicaSet',
  'Job',
  'CronJob',
  'Pod',
]);

/** Resources served from a CustomResourceDefinition on a real cluster. */
function isCustomResource(def: ResourceDef): boolean {
  return def.crd !== undefined || def.group === 'gateway.networking.k8s.io';
}

function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[value.length - 1] : value;
}

function iso(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function meta(o: KubeObject): Record<string, unknown> {
  return (o.metadata ??= {}) as Record<string, unknown>;
}

/** The Kubernetes API stand-in. */
export class KubeStandIn extends StandIn {
  /** Bearer tokens accepted as they are, and the user each stands for; tests may add or remove tokens. */
  readonly tokens = new Map<string, string>();
  /** The user of each authenticated request, in order (for assertions about who called). */
  readonly callers: Array<{ operation: string; user: string; token: string }> = [];

  private resources: ResourceDef[] = builtinResources();
  private readonly store = new Map<string, Map<string, KubeObject>>();
  private readonly changes: Change[] = [];
  private rv = 1000;
  private readonly controllers: Controllers;
  private readonly images = new Map<string, ImageBehaviour>();
  private readonly podLogs = new Map<string, string[]>();
  private readonly simNodes: SimNode[];
  private readonly timingSettings: PodTiming;
  private readonly settings: KubeStandInOptions;
  private tlsServer: TlsServer | undefined;
  private httpsBase: string | undefined;
  private readonly sockets = new Set<Socket>();
  private readonly waiters = new Set<() => void>();
  private stopped = false;
  private eventCounter = 0;

  /** @param options tokens, nodes, timing and time mode. */
  constructor(options: KubeStandInOptions = {}) {
    super(options);
    this.settings = options;
    for (const [token, user] of Object.entries(options.tokens ?? {})) this.tokens.set(token, user);
    this.timingSettings = { ...DEFAULT_TIMING, ...options.timing };
    const seeds = options.nodes ?? [{ name: 'node-a' }, { name: 'node-b' }];
    this.simNodes = seeds.map((n) => ({
      name: n.name,
      labels: { 'kubernetes.io/hostname': n.name, 'kubernetes.io/os': 'linux', ...n.labels },
      taints: n.taints ?? [],
      allocatable: { cpu: n.cpu ?? 4, memory: (n.memoryGi ?? 16) * 2 ** 30 },
    }));
    for (const ns of options.namespaces ?? ['default', 'kube-system']) {
      this.put(
        '',
        'namespaces',
        {
          apiVersion: 'v1',
          kind: 'Namespace',
          metadata: { name: ns },
          spec: { finalizers: ['kubernetes'] },
          status: { phase: 'Active' },
        },
        'ADDED',
      );
    }
    for (const n of this.simNodes) {
      this.put(
        '',
        'nodes',
        {
          apiVersion: 'v1',
          kind: 'Node',
          metadata: { name: n.name, labels: n.labels },
          spec: n.taints.length > 0 ? { taints: n.taints } : {},
          status: {
            allocatable: {
              cpu: String(n.allocatable.cpu),
              memory: `${n.allocatable.memory / 2 ** 30}Gi`,
              pods: '110',
            },
            conditions: [{ type: 'Ready', status: 'True', reason: 'KubeletReady' }],
          },
        },
        'ADDED',
      );
    }
    this.controllers = new Controllers({
      now: () => this.now(),
      list: (group, plural, namespace) => this.list(group, plural, namespace).map((o) => clone(o)),
      create: (group, plural, object) => clone(this.createInternal(group, plural, object)),
      update: (group, plural, object) => this.updateInternal(group, plural, object),
      remove: (group, plural, namespace, name) => this.removeInternal(group, plural, namespace, name),
      recordEvent: (involved, event) => this.recordEvent(involved, event),
      nodes: () => this.simNodes,
      behaviour: (image) => this.images.get(image) ?? { kind: 'ok' },
      timing: () => this.timingSettings,
      autopilot: () => this.settings.autopilot === true,
    });
  }

  /** The HTTPS base URL clients use (`https://127.0.0.1:<port>`); throws before `start()`. */
  get serverUrl(): string {
    if (this.httpsBase === undefined) throw new Error('KubeStandIn is not started');
    return this.httpsBase;
  }

  /** The CA that signed the server certificate, as `certificate-authority-data` (base64 PEM). */
  get caData(): string {
    return testTls().caData;
  }

  /** The CA as PEM. */
  get caPem(): string {
    return testTls().caPem;
  }

  /** Starts the API (plain HTTP inside) and its TLS front; resolves to the HTTPS URL. */
  override async start(): Promise<string> {
    const inner = await super.start();
    const innerPort = Number(new URL(inner).port);
    const tls = testTls();
    const server = createTlsServer({ key: tls.keyPem, cert: tls.certPem }, (socket: TLSSocket) => {
      const upstream = netConnect(innerPort, '127.0.0.1');
      this.sockets.add(socket);
      this.sockets.add(upstream);
      socket.pipe(upstream).pipe(socket);
      const close = () => {
        socket.destroy();
        upstream.destroy();
        this.sockets.delete(socket);
        this.sockets.delete(upstream);
      };
      socket.on('error', close).on('close', close);
      upstream.on('error', close).on('close', close);
    });
    this.tlsServer = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    const address = server.address();
    const port = typeof address === 'object' && address !== null ? address.port : 0;
    this.httpsBase = `https://127.0.0.1:${port}`;
    return this.httpsBase;
  }

  /** Ends pending watches and closes both servers. */
  override async stop(): Promise<void> {
    this.stopped = true;
    for (const wake of [...this.waiters]) wake();
    if (this.tlsServer !== undefined) {
      const server = this.tlsServer;
      this.tlsServer = undefined;
      for (const s of this.sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
    await super.stop();
  }

  /** A kubeconfig (YAML) for this server with the CA as `certificate-authority-data`. */
  kubeconfig(opts: { token?: string; namespace?: string; server?: string } = {}): string {
    return stringifyYaml({
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [
        {
          name: 'stand-in',
          cluster: { server: opts.server ?? this.serverUrl, 'certificate-authority-data': this.caData },
        },
      ],
      users: [{ name: 'stand-in', user: opts.token === undefined ? {} : { token: opts.token } }],
      contexts: [
        {
          name: 'stand-in',
          context: {
            cluster: 'stand-in',
            user: 'stand-in',
            ...(opts.namespace ? { namespace: opts.namespace } : {}),
          },
        },
      ],
      'current-context': 'stand-in',
    });
  }

  /** Makes every container started from `image` behave this way. */
  setImageBehaviour(image: string, behaviour: ImageBehaviour): void {
    this.images.set(image, behaviour);
  }

  /**
   * Stores an object as if another client had created it (a `fieldManager` with an Update operation, e.g.
   * `kubectl-client-side-apply`), so tests can set up ownership conflicts and existing workloads.
   */
  seed(object: KubeObject, manager = 'kubectl-client-side-apply'): KubeObject {
    const { group } = splitApiVersion(String(object.apiVersion));
    const def = this.resources.find((r) => r.group === group && r.kind === object.kind);
    if (def === undefined)
      throw new Error(`seed: unknown kind ${String(object.apiVersion)} ${String(object.kind)}`);
    const copy = clone(object);
    if (def.namespaced) meta(copy).namespace ??= 'default';
    applyDefaults(copy, randomUUID());
    recordUpdate(undefined, copy, manager, this.clock.date(), String(object.apiVersion));
    const stored = this.createInternal(def.group, def.plural, copy);
    this.reconcile();
    return clone(stored);
  }

  /** A stored object, or undefined. */
  object(group: string, plural: string, namespace: string | undefined, name: string): KubeObject | undefined {
    const found = this.bucket(group, plural).get(`${namespace ?? ''}/${name}`);
    return found === undefined ? undefined : clone(found);
  }

  /** Stored objects of one resource (in one namespace when given). */
  objects(group: string, plural: string, namespace?: string): KubeObject[] {
    return this.list(group, plural, namespace).map((o) => clone(o));
  }

  /** Events recorded for an object (by kind and name), oldest first. */
  eventsFor(kind: string, name: string, namespace = 'default'): KubeObject[] {
    return this.objects('', 'events', namespace).filter((e) => {
      const involved = (e.involvedObject ?? {}) as Record<string, unknown>;
      return involved.kind === kind && involved.name === name;
    });
  }

  /** Runs the controllers at the current simulated time. */
  reconcile(): void {
    this.controllers.reconcile();
  }

  /** The current resourceVersion counter. */
  get resourceVersion(): number {
    return this.rv;
  }

  // ---- storage -------------------------------------------------------------------------------------------

  private bucket(group: string, plural: string): Map<string, KubeObject> {
    const key = `${group}/${plural}`;
    let b = this.store.get(key);
    if (b === undefined) {
      b = new Map();
      this.store.set(key, b);
    }
    return b;
  }

  private list(group: string, plural: string, namespace?: string): KubeObject[] {
    const all = [...this.bucket(group, plural).values()];
    return namespace === undefined ? all : all.filter((o) => meta(o).namespace === namespace);
  }

  private put(group: string, plural: string, object: KubeObject, type: Change['type']): KubeObject {
    this.rv += 1;
    const m = meta(object);
    m.resourceVersion = String(this.rv);
    m.uid ??= randomUUID();
    m.creationTimestamp ??= iso(this.now());
    if (m.generation === undefined && object.kind !== 'Event' && object.kind !== 'Pod') m.generation = 1;
    const key = `${String(m.namespace ?? '')}/${String(m.name)}`;
    if (type === 'DELETED') this.bucket(group, plural).delete(key);
    else this.bucket(group, plural).set(key, object);
    this.changes.push({ rv: this.rv, type, key: `${group}/${plural}`, object: clone(object) });
    for (const wake of [...this.waiters]) wake();
    return object;
  }

  private createInternal(group: string, plural: string, object: KubeObject): KubeObject {
    return this.put(group, plural, clone(object), 'ADDED');
  }

  private updateInternal(group: string, plural: string, object: KubeObject): boolean {
    const m = meta(object);
    const current = this.bucket(group, plural).get(`${String(m.namespace ?? '')}/${String(m.name)}`);
    if (current === undefined) return false;
    const next = clone(object);
    meta(next).resourceVersion = meta(current).resourceVersion;
    if (deepEqual(current, next)) return false;
    this.put(group, plural, next, 'MODIFIED');
    return true;
  }

  private removeInternal(group: string, plural: string, namespace: string | undefined, name: string): void {
    const current = this.bucket(group, plural).get(`${namespace ?? ''}/${name}`);
    if (current === undefined) return;
    this.put(group, plural, clone(current), 'DELETED');
    // Background cascading deletion of dependents (garbage collector).
    const uid = meta(current).uid;
    for (const [key, bucket] of this.store) {
      const [g = '', p = ''] = key.split('/');
      for (const dependent of [...bucket.values()]) {
        const refs = meta(dependent).ownerReferences;
        if (Array.isArray(refs) && refs.some((r) => isRecord(r) && r.uid === uid)) {
          this.removeInternal(
            g,
            p,
            meta(dependent).namespace as string | undefined,
            String(meta(dependent).name),
          );
        }
      }
    }
  }

  private recordEvent(involved: KubeObject, event: PodEvent & { fieldPath?: string }): void {
    this.eventCounter += 1;
    const m = meta(involved);
    const namespace = String(m.namespace ?? 'default');
    const time = iso(event.at);
    this.put(
      '',
      'events',
      {
        apiVersion: 'v1',
        kind: 'Event',
        // Event names sort by time, as the API server's (name.<hex unix nanos>) do, so a LIST is chronological.
        metadata: {
          name: `${String(m.name)}.${(BigInt(event.at) * 1_000_000n + BigInt(this.eventCounter)).toString(16)}`,
          namespace,
        },
        involvedObject: {
          kind: involved.kind,
          namespace,
          name: m.name,
          uid: m.uid,
          apiVersion: involved.apiVersion,
          resourceVersion: m.resourceVersion,
          ...(event.fieldPath === undefined ? {} : { fieldPath: event.fieldPath }),
        },
        reason: event.reason,
        message: event.message,
        source: { component: event.component },
        firstTimestamp: time,
        lastTimestamp: time,
        count: 1,
        type: event.type,
        eventTime: null,
        reportingComponent: event.component,
        reportingInstance: '',
      },
      'ADDED',
    );
  }

  // ---- protocol ------------------------------------------------------------------------------------------

  private route(request: StandInRequest): Route {
    const parts = request.path.split('/').filter((p) => p !== '');
    const none: Route = {
      def: undefined,
      group: '',
      version: '',
      namespace: undefined,
      name: undefined,
      subresource: undefined,
      kind: 'unknown',
    };
    if (parts.length === 1 && parts[0] === 'version') return { ...none, kind: 'version' };
    if (parts[0] === 'api' && parts.length === 1) return { ...none, kind: 'api' };
    if (parts[0] === 'apis' && parts.length === 1) return { ...none, kind: 'apis' };
    let group: string;
    let version: string;
    let rest: string[];
    if (parts[0] === 'api') {
      group = '';
      version = parts[1] ?? '';
      rest = parts.slice(2);
    } else if (parts[0] === 'apis') {
      group = parts[1] ?? '';
      version = parts[2] ?? '';
      rest = parts.slice(3);
      if (version === '') return { ...none, group, kind: 'unknown' };
    } else return none;
    const served = this.resources.filter((r) => r.group === group && r.version === version);
    if (served.length === 0) return { ...none, group, version };
    if (rest.length === 0) return { ...none, group, version, kind: 'discovery' };
    const find = (plural: string | undefined) => served.find((r) => r.plural === plural);
    if (rest[0] === 'namespaces' && rest.length >= 3 && find(rest[2])?.namespaced === true) {
      return {
        def: find(rest[2]),
        group,
        version,
        namespace: rest[1],
        name: rest[3],
        subresource: rest[4],
        kind: 'resource',
      };
    }
    return {
      def: find(rest[0]),
      group,
      version,
      namespace: undefined,
      name: rest[1],
      subresource: rest[2],
      kind: 'resource',
    };
  }

  private verb(request: StandInRequest, route: Route): string {
    const watch = ['true', '1'].includes(single(request.query.watch) ?? '');
    switch (request.method) {
      case 'GET':
        if (route.subresource === 'log') return 'log';
        return route.name === undefined ? (watch ? 'watch' : 'list') : 'get';
      case 'POST':
        return 'create';
      case 'PUT':
        return 'update';
      case 'PATCH': {
        const type = String(request.headers['content-type'] ?? '')
          .split(';')[0]
          ?.trim();
        return type === APPLY ? 'apply' : 'patch';
      }
      case 'DELETE':
        return 'delete';
      default:
        return request.method.toLowerCase();
    }
  }

  protected identify(request: StandInRequest): string {
    const route = this.route(request);
    if (
      route.kind === 'api' ||
      route.kind === 'apis' ||
      route.kind === 'discovery' ||
      route.kind === 'version'
    )
      return 'discovery';
    if (route.def === undefined) return `${request.method} ${request.path}`;
    const resource = route.group === '' ? route.def.plural : `${route.def.plural}.${route.group}`;
    const sub = route.subresource === undefined || route.subresource === 'log' ? '' : `/${route.subresource}`;
    return `${this.verb(request, route)} ${resource}${sub}`;
  }

  private async authenticate(request: StandInRequest): Promise<KubeUser & { token: string }> {
    const header = request.headers.authorization;
    const value = Array.isArray(header) ? header[0] : header;
    const token = /^Bearer\s+(\S+)$/.exec(value ?? '')?.[1];
    if (token === undefined) throw unauthorized();
    const user = this.tokens.get(token);
    if (user !== undefined) return { username: user, token };
    for (const authenticator of this.settings.authenticators ?? []) {
      const found = await authenticator(token);
      if (found !== undefined) return { ...found, token };
    }
    throw unauthorized();
  }

  protected async handle(request: StandInRequest, operation: string): Promise<StandInResponse> {
    try {
      const user = await this.authenticate(request);
      this.callers.push({ operation, user: user.username, token: user.token });
      this.reconcile();
      const route = this.route(request);
      switch (route.kind) {
        case 'version':
          return this.json({
            major: '1',
            minor: '33',
            gitVersion: 'v1.33.5-slipway-stand-in',
            platform: 'linux/amd64',
          });
        case 'api':
          return this.json(coreVersions(this.httpsBase ?? this.url));
        case 'apis':
          return this.json(groupList(this.resources));
        case 'discovery':
          return this.json(resourceList(route.group, route.version, this.resources));
        case 'unknown':
          throw pathNotFound();
        case 'resource':
          return await this.resource(request, route, operation.split(' ')[0] ?? '');
      }
    } catch (error) {
      if (error instanceof KubeApiError) return this.status(error);
      throw error;
    }
  }

  private json(body: unknown, status = 200, headers: Record<string, string> = {}): StandInResponse {
    return { status, headers: { 'content-type': 'application/json', ...headers }, body };
  }

  private status(error: KubeApiError): StandInResponse {
    return this.json(error.toStatus(), error.code, error.code === 429 ? { 'retry-after': '1' } : {});
  }

  private withType(def: ResourceDef, version: string, object: KubeObject): KubeObject {
    return { ...clone(object), apiVersion: groupVersion(def.group, version), kind: def.kind };
  }

  private async resource(request: StandInRequest, route: Route, verb: string): Promise<StandInResponse> {
    const def = route.def;
    if (def === undefined) throw pathNotFound();
    if (
      def.namespaced &&
      route.namespace !== undefined &&
      def.plural !== 'namespaces' &&
      !this.object('', 'namespaces', undefined, route.namespace)
    ) {
      if (verb !== 'list' && verb !== 'watch' && verb !== 'get' && verb !== 'log')
        throw notFound('namespaces', '', route.namespace);
    }
    const dryRun = single(request.query.dryRun);
    if (dryRun !== undefined && dryRun !== 'All')
      throw badRequest(`Invalid dry run value "${dryRun}": only All is supported`);
    switch (verb) {
      case 'list':
        return this.listResponse(request, route, def);
      case 'watch':
        return this.watch(request, route, def);
      case 'get':
        return this.json(this.withType(def, route.version, this.existing(def, route)));
      case 'log':
        return this.log(request, route, def);
      case 'apply':
        return this.apply(request, route, def, dryRun === 'All');
      case 'patch':
        return this.patch(request, route, def, dryRun === 'All');
      case 'create':
        return this.create(request, route, def, dryRun === 'All');
      case 'update':
        return this.replace(request, route, def, dryRun === 'All');
      case 'delete': {
        const found = this.existing(def, route);
        if (dryRun !== 'All')
          this.removeInternal(def.group, def.plural, route.namespace, String(meta(found).name));
        return this.json({
          kind: 'Status',
          apiVersion: 'v1',
          metadata: {},
          status: 'Success',
          details: { name: route.name, group: def.group, kind: def.plural, uid: meta(found).uid },
        });
      }
      default:
        throw methodNotAllowed(request.method);
    }
  }

  private existing(def: ResourceDef, route: Route): KubeObject {
    if (route.name === undefined) throw methodNotAllowed('GET');
    const found = this.bucket(def.group, def.plural).get(
      `${def.namespaced ? (route.namespace ?? '') : ''}/${route.name}`,
    );
    if (found === undefined) throw notFound(def.plural, def.group, route.name);
    return found;
  }

  private matching(request: StandInRequest, route: Route, def: ResourceDef): (o: KubeObject) => boolean {
    const labels = labelSelector(single(request.query.labelSelector));
    const fields = fieldSelector(single(request.query.fieldSelector));
    return (o) =>
      (route.namespace === undefined || meta(o).namespace === route.namespace) &&
      labels(o) &&
      fields(o) &&
      def !== undefined;
  }

  private listResponse(request: StandInRequest, route: Route, def: ResourceDef): StandInResponse {
    const match = this.matching(request, route, def);
    const items = this.list(def.group, def.plural)
      .filter(match)
      .sort((a, b) =>
        `${String(meta(a).namespace)}/${String(meta(a).name)}`.localeCompare(
          `${String(meta(b).namespace)}/${String(meta(b).name)}`,
        ),
      );
    const limit = Number(single(request.query.limit) ?? '0');
    const offset = Number(Buffer.from(single(request.query.continue) ?? '', 'base64url').toString() || '0');
    const page = limit > 0 ? items.slice(offset, offset + limit) : items.slice(offset);
    const more = limit > 0 && offset + limit < items.length;
    return this.json({
      kind: `${def.kind}List`,
      apiVersion: groupVersion(def.group, route.version),
      metadata: {
        resourceVersion: String(this.rv),
        ...(more
          ? {
              continue: Buffer.from(String(offset + limit)).toString('base64url'),
              remainingItemCount: items.length - offset - limit,
            }
          : {}),
      },
      // Items of a typed list carry no apiVersion and kind, as the real server sends them.
      items: page.map((o) => {
        const { apiVersion: _a, kind: _k, ...rest } = clone(o);
        return rest;
      }),
    });
  }

  private async watch(request: StandInRequest, route: Route, def: ResourceDef): Promise<StandInResponse> {
    const match = this.matching(request, route, def);
    const key = `${def.group}/${def.plural}`;
    const from = single(request.query.resourceVersion);
    const timeoutMs = Math.max(1, Number(single(request.query.timeoutSeconds) ?? '300')) * 1000;
    const lines: string[] = [];
    let since: number;
    if (from === undefined || from === '' || from === '0') {
      for (const o of this.list(def.group, def.plural).filter(match)) {
        lines.push(JSON.stringify({ type: 'ADDED', object: this.withType(def, route.version, o) }));
      }
      since = this.rv;
    } else since = Number(from);
    const collect = () => {
      for (const c of this.changes) {
        if (c.rv <= since || c.key !== key || !match(c.object)) continue;
        lines.push(JSON.stringify({ type: c.type, object: this.withType(def, route.version, c.object) }));
      }
      since = Math.max(since, this.rv);
    };
    collect();
    if (lines.length === 0) {
      if ((this.settings.time ?? 'jump') === 'jump') {
        const deadline = this.now() + timeoutMs;
        while (lines.length === 0 && !this.stopped) {
          const next = this.controllers.nextChange();
          const target = next === undefined || next > deadline ? deadline : next;
          if (target > this.now()) this.clock.advance(target - this.now());
          this.reconcile();
          collect();
          if (target >= deadline) break;
        }
      } else {
        await this.waitReal(Math.min(timeoutMs, 60_000), () => {
          this.reconcile();
          collect();
          return lines.length > 0;
        });
      }
    }
    return {
      status: 200,
      headers: { 'content-type': 'application/json' },
      body: lines.length === 0 ? '' : `${lines.join('\n')}\n`,
    };
  }

  private waitReal(ms: number, done: () => boolean): Promise<void> {
    return new Promise((resolve) => {
      const finish = () => {
        clearInterval(tick);
        clearTimeout(timer);
        this.waiters.delete(finish);
        resolve();
      };
      const check = () => {
        if (this.stopped || done()) finish();
      };
      // Time-driven changes (a pod becoming ready) happen without any request: poll the controllers.
      const tick = setInterval(check, 20);
      const timer = setTimeout(finish, ms);
      this.waiters.add(check);
    });
  }

  private log(request: StandInRequest, route: Route, def: ResourceDef): StandInResponse {
    if (def.plural !== 'pods') throw pathNotFound();
    const pod = this.existing(def, route);
    const spec = (pod.spec ?? {}) as Record<string, unknown>;
    const containers = (Array.isArray(spec.containers) ? spec.containers : []) as Array<
      Record<string, unknown>
    >;
    const wanted = single(request.query.container);
    if (wanted === undefined && containers.length > 1) {
      throw badRequest(
        `a container name must be specified for pod ${String(meta(pod).name)}, choose one of: [${containers.map((c) => String(c.name)).join(' ')}]`,
      );
    }
    const container = containers.find((c) => c.name === (wanted ?? containers[0]?.name));
    if (container === undefined)
      throw badRequest(`container ${wanted ?? ''} is not valid for pod ${String(meta(pod).name)}`);
    const image = String(container.image ?? '');
    const behaviour = this.images.get(image) ?? { kind: 'ok' };
    const lines = this.podLogs.get(
      `${String(meta(pod).namespace)}/${String(meta(pod).name)}/${String(container.name)}`,
    ) ??
      behaviour.logs ?? [`starting ${image}`, 'listening on :8080'];
    const tail = Number(single(request.query.tailLines) ?? '0');
    const shown = tail > 0 ? lines.slice(-tail) : lines;
    return {
      status: 200,
      headers: { 'content-type': 'text/plain' },
      body: shown.length === 0 ? '' : `${shown.join('\n')}\n`,
    };
  }

  private checkBody(def: ResourceDef, route: Route, body: KubeObject): void {
    const expected = groupVersion(def.group, route.version);
    if (body.apiVersion !== expected || body.kind !== def.kind) {
      throw badRequest(
        `the API version in the data (${String(body.apiVersion)}) does not match the expected API version (${expected})`,
      );
    }
    const m = meta(body);
    if (route.name !== undefined && m.name !== undefined && m.name !== route.name) {
      throw badRequest(
        `the name of the object (${String(m.name)}) does not match the name on the URL (${route.name})`,
      );
    }
    if (
      def.namespaced &&
      m.namespace !== undefined &&
      route.namespace !== undefined &&
      m.namespace !== route.namespace
    ) {
      throw badRequest(
        'the namespace of the provided object does not match the namespace sent on the request',
      );
    }
  }

  private parseApplyBody(request: StandInRequest): KubeObject {
    const text = Buffer.isBuffer(request.rawBody) ? request.rawBody.toString('utf8') : '';
    let parsed: unknown;
    try {
      parsed = parseYaml(text);
    } catch (e) {
      throw badRequest(`error decoding YAML: ${e instanceof Error ? e.message : String(e)}`);
    }
    if (!isRecord(parsed)) throw badRequest('the body of an apply request must be an object');
    return parsed as KubeObject;
  }

  /** Finishes a write: server metadata, defaults, validation, generation, storage (unless dry run). */
  private commit(
    def: ResourceDef,
    route: Route,
    live: KubeObject | undefined,
    next: KubeObject,
    dryRun: boolean,
  ): { object: KubeObject; created: boolean; warnings: string[] } {
    const m = meta(next);
    m.name = route.name ?? m.name;
    if (def.namespaced) m.namespace = route.namespace ?? m.namespace ?? 'default';
    else delete m.namespace;
    const uid = String(live === undefined ? randomUUID() : meta(live).uid);
    applyDefaults(next, uid);
    next.apiVersion = groupVersion(def.group, route.version);
    next.kind = def.kind;
    if (live !== undefined) {
      for (const k of ['uid', 'creationTimestamp', 'resourceVersion', 'generation']) m[k] = meta(live)[k];
      if (isRecord(live.status) && next.status === undefined) next.status = clone(live.status);
      if (def.kind !== 'Namespace') next.status = live.status === undefined ? undefined : clone(live.status);
    } else {
      m.uid = uid;
      if (def.kind !== 'Namespace') delete next.status;
    }
    const causes = validate(next, live);
    if (causes.length > 0) throw invalid(def.kind, def.group, String(m.name ?? ''), causes);
    if (live !== undefined && !deepEqual(generationContent(live), generationContent(next))) {
      m.generation = Number(meta(live).generation ?? 1) + 1;
    }
    const warnings: string[] = [];
    if (
      this.settings.autopilot === true &&
      WORKLOAD_KINDS.has(def.kind) &&
      this.missingRequests(next).length > 0
    ) {
      warnings.push(
        `autopilot-default-resources-mutator:Autopilot updated ${def.kind} ${String(m.namespace ?? '')}/${String(m.name)}: defaulted unspecified 'cpu' resource for containers [${this.missingRequests(next).join(', ')}] (see http://g.co/gke/autopilot-defaults).`,
      );
    }
    if (
      live !== undefined &&
      sameContent(live, next) &&
      deepEqual(meta(live).managedFields, m.managedFields)
    ) {
      return { object: clone(live), created: false, warnings: [] };
    }
    if (dryRun) {
      if (live === undefined) m.creationTimestamp = iso(this.now());
      return { object: next, created: live === undefined, warnings };
    }
    if (def.kind === 'CustomResourceDefinition') this.registerCrd(next);
    const stored = this.put(def.group, def.plural, next, live === undefined ? 'ADDED' : 'MODIFIED');
    this.reconcile();
    return { object: clone(stored), created: live === undefined, warnings };
  }

  private missingRequests(object: KubeObject): string[] {
    const spec = (object.spec ?? {}) as Record<string, unknown>;
    const template =
      object.kind === 'Pod'
        ? { spec }
        : object.kind === 'CronJob'
          ? ((
              (spec.jobTemplate as Record<string, unknown> | undefined)?.spec as
                Record<string, unknown> | undefined
            )?.template ?? {})
          : (spec.template ?? {});
    const podSpec = ((template as Record<string, unknown>).spec ?? {}) as Record<string, unknown>;
    const containers = (Array.isArray(podSpec.containers) ? podSpec.containers : []) as Array<
      Record<string, unknown>
    >;
    return containers
      .filter(
        (c) =>
          !isRecord(c.resources) ||
          !isRecord(c.resources.requests) ||
          Object.keys(c.resources.requests).length === 0,
      )
      .map((c) => String(c.name));
  }

  private registerCrd(crd: KubeObject): void {
    const spec = (crd.spec ?? {}) as Record<string, unknown>;
    const names = (spec.names ?? {}) as Record<string, unknown>;
    const versions = (Array.isArray(spec.versions) ? spec.versions : []) as Array<Record<string, unknown>>;
    const group = String(spec.group ?? '');
    this.resources = this.resources.filter((r) => r.crd !== meta(crd).name);
    for (const v of versions.filter((x) => x.served !== false)) {
      this.resources.push({
        group,
        version: String(v.name),
        kind: String(names.kind),
        plural: String(names.plural),
        singular: String(names.singular ?? String(names.kind).toLowerCase()),
        namespaced: spec.scope !== 'Cluster',
        crd: String(meta(crd).name),
        ...(Array.isArray(names.shortNames) ? { shortNames: names.shortNames as string[] } : {}),
      });
    }
    crd.status = {
      conditions: [
        {
          type: 'NamesAccepted',
          status: 'True',
          reason: 'NoConflicts',
          message: 'no conflicts found',
          lastTransitionTime: iso(this.now()),
        },
        {
          type: 'Established',
          status: 'True',
          reason: 'InitialNamesAccepted',
          message: 'the initial names have been accepted',
          lastTransitionTime: iso(this.now()),
        },
      ],
      acceptedNames: names,
      storedVersions: versions.filter((x) => x.storage === true).map((x) => x.name),
    };
  }

  private respond(result: { object: KubeObject; created: boolean; warnings: string[] }): StandInResponse {
    const headers: Record<string, string> = {};
    if (result.warnings.length > 0)
      headers.warning = result.warnings.map((w) => `299 - ${JSON.stringify(w)}`).join(', ');
    return this.json(result.object, result.created ? 201 : 200, headers);
  }

  private apply(request: StandInRequest, route: Route, def: ResourceDef, dryRun: boolean): StandInResponse {
    if (route.name === undefined) throw methodNotAllowed('PATCH');
    const manager = single(request.query.fieldManager);
    if (manager === undefined || manager === '') {
      throw invalid('PatchOptions', 'meta.k8s.io', '', [
        {
          reason: 'FieldValueRequired',
          message: 'Required value: is required for apply patch',
          field: 'fieldManager',
        },
      ]);
    }
    const force = single(request.query.force) === 'true';
    const config = this.parseApplyBody(request);
    this.checkBody(def, route, config);
    const live = this.bucket(def.group, def.plural).get(
      `${def.namespaced ? (route.namespace ?? '') : ''}/${route.name}`,
    );
    const precondition = meta(config).resourceVersion;
    if (live !== undefined && precondition !== undefined && precondition !== meta(live).resourceVersion) {
      throw staleResourceVersion(def.plural, def.group, route.name);
    }
    const configCopy = clone(config);
    delete meta(configCopy).resourceVersion;
    const outcome = serverSideApply(live, configCopy, manager, {
      force,
      now: this.clock.date(),
      apiVersion: groupVersion(def.group, route.version),
    });
    return this.respond(this.commit(def, route, live, outcome.object, dryRun));
  }

  private patch(request: StandInRequest, route: Route, def: ResourceDef, dryRun: boolean): StandInResponse {
    const live = this.existing(def, route);
    const type =
      String(request.headers['content-type'] ?? '')
        .split(';')[0]
        ?.trim() ?? '';
    if (type !== MERGE && type !== STRATEGIC && type !== JSON_PATCH) throw unsupportedMediaType(type);
    // Strategic merge patch needs the built-in types' patch strategies: custom resources (the Gateway API kinds
    // are CRDs on a real cluster) refuse it with 415. Reference: "Strategic merge patch" in
    // https://kubernetes.io/docs/concepts/extend-kubernetes/api-extension/custom-resources/#common-features
    if (type === STRATEGIC && isCustomResource(def)) throw unsupportedMediaType(type);
    const text = request.rawBody.toString('utf8');
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      throw badRequest('the body of the patch is not valid JSON');
    }
    let next: KubeObject;
    if (type === JSON_PATCH) next = jsonPatch(clone(live), body) as KubeObject;
    else next = mergePatch(clone(live), body) as KubeObject;
    if (route.subresource === 'status') {
      const onlyStatus = clone(live);
      onlyStatus.status = next.status;
      next = onlyStatus;
    } else if (def.kind !== 'Namespace') {
      next.status = clone(live.status);
    }
    const precondition = meta(next).resourceVersion;
    if (precondition !== undefined && precondition !== meta(live).resourceVersion)
      throw staleResourceVersion(def.plural, def.group, String(route.name));
    recordUpdate(
      live,
      next,
      single(request.query.fieldManager) ?? 'unknown',
      this.clock.date(),
      groupVersion(def.group, route.version),
    );
    return this.respond(this.commit(def, route, live, next, dryRun));
  }

  private create(request: StandInRequest, route: Route, def: ResourceDef, dryRun: boolean): StandInResponse {
    const body = request.body;
    if (!isRecord(body)) throw badRequest('the body of a create request must be a JSON object');
    const object = clone(body) as KubeObject;
    const name = meta(object).name;
    if (typeof name !== 'string' || name === '')
      throw invalid(def.kind, def.group, '', [
        {
          reason: 'FieldValueRequired',
          message: 'Required value: name or generateName is required',
          field: 'metadata.name',
        },
      ]);
    this.checkBody(def, route, object);
    const namedRoute = { ...route, name };
    if (this.bucket(def.group, def.plural).has(`${def.namespaced ? (route.namespace ?? '') : ''}/${name}`))
      throw alreadyExists(def.plural, def.group, name);
    recordUpdate(
      undefined,
      object,
      single(request.query.fieldManager) ?? 'unknown',
      this.clock.date(),
      groupVersion(def.group, route.version),
    );
    return this.respond(this.commit(def, namedRoute, undefined, object, dryRun));
  }

  private replace(request: StandInRequest, route: Route, def: ResourceDef, dryRun: boolean): StandInResponse {
    const live = this.existing(def, route);
    const body = request.body;
    if (!isRecord(body)) throw badRequest('the body of an update request must be a JSON object');
    const next = clone(body) as KubeObject;
    this.checkBody(def, route, next);
    const rv = meta(next).resourceVersion;
    if (rv !== undefined && rv !== meta(live).resourceVersion)
      throw staleResourceVersion(def.plural, def.group, String(route.name));
    recordUpdate(
      live,
      next,
      single(request.query.fieldManager) ?? 'unknown',
      this.clock.date(),
      groupVersion(def.group, route.version),
    );
    return this.respond(this.commit(def, route, live, next, dryRun));
  }

  protected throttleResponse(): StandInResponse {
    return this.status(
      new KubeApiError(
        429,
        'TooManyRequests',
        'the server has received too many requests and has asked us to try again later',
        { retryAfterSeconds: 1 },
      ),
    );
  }

  protected serverErrorResponse(
    _r: StandInRequest,
    _o: string,
    status: number,
    message?: string,
  ): StandInResponse {
    const reason =
      status === 503
        ? 'ServiceUnavailable'
        : status === 504
          ? 'Timeout'
          : status === 403
            ? 'Forbidden'
            : 'InternalError';
    return this.status(
      new KubeApiError(
        status,
        reason,
        message ?? `an error on the server ("${reason}") has prevented the request from succeeding`,
      ),
    );
  }
}

export { KubeApiError } from './kube-status.js';
