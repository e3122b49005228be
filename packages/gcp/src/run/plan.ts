/**
 * Plans: what a deploy would send, computed from what is live, without a clock, an environment or a network.
 * A plan says whether it creates, updates or leaves the resource alone, whether it makes a revision, the traffic
 * and IAM changes, and the field-by-field difference shown by `dry-run`.
 */
import { diffSpecs } from './diff.js';
import type { Change } from './diff.js';
import { planInvokerPolicy } from './iam.js';
import { instancesProblem, resourcesProblem } from './limits.js';
import { canonicalJson, clone, prune, sameSpec, settableJob, settableService } from './normalize.js';
import { applyJobSettings, applyServiceSettings, ingressContainerIndex } from './settings.js';
import type { JobSettings, ServiceSettings } from './settings.js';
import { TrafficError, planTraffic } from './traffic.js';
import { LATEST } from './types.js';
import type {
  Container,
  ExecutionOverrides,
  IamPolicy,
  Job,
  RevisionTemplate,
  Service,
  TrafficTarget,
} from './types.js';

/** A deploy that cannot be planned (before anything is sent). */
export class PlanError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PlanError';
  }
}

/** What one region's service deploy asks for. */
export interface ServiceDeployRequest {
  project: string;
  region: string;
  /** The service id. */
  service: string;
  settings: ServiceSettings;
  /** A service translated from a service YAML: the base of the deploy instead of the live service. */
  yaml?: Service;
  noTraffic: boolean;
  tag?: string;
  /** Names a new revision `SERVICE-SUFFIX`. */
  revisionSuffix?: string;
  /** The suffix used when a new revision must be named (to tag it) and no suffix was given. */
  generatedSuffix: string;
  /** `true` adds `allUsers` as invoker, `false` removes it, `undefined` leaves IAM alone. */
  allowUnauthenticated?: boolean;
}

/** A planned service deploy. */
export interface ServicePlan {
  request: ServiceDeployRequest;
  /** Full resource name. */
  name: string;
  action: 'create' | 'update' | 'none';
  /** The service as read (pruned), with its status. */
  live: Service | undefined;
  /** What would be sent: for an update, with `name` and the `etag` read. */
  desired: Service;
  changes: Change[];
  makesRevision: boolean;
  /** The new revision's name, when the deploy names it. */
  revisionName: string | undefined;
  /** The IAM policy to set, when `allow-unauthenticated` changes it. */
  invoker: { policy: IamPolicy; public: boolean } | undefined;
  /**
   * Traffic to set in a second write once the new revision is ready. Set when the planned traffic follows LATEST
   * but the live traffic is pinned (after a no-traffic deploy): written at once, LATEST would send the traffic to
   * the latest *ready* revision even if the new one fails. The first write keeps the live targets.
   */
  finalTraffic: TrafficTarget[] | undefined;
}

/** The full name of a service. */
export function serviceName(project: string, region: string, service: string): string {
  return `projects/${project}/locations/${region}/services/${service}`;
}

/** The full name of a job. */
export function jobName(project: string, region: string, job: string): string {
  return `projects/${project}/locations/${region}/jobs/${job}`;
}

const TAG = /^[a-z](?:[-a-z0-9]*[a-z0-9])?$/;

type Path = readonly string[];

function getPath(o: unknown, path: Path): unknown {
  let v: unknown = o;
  for (const k of path)
    v = typeof v === 'object' && v !== null ? (v as Record<string, unknown>)[k] : undefined;
  return v;
}

function setPath(o: Record<string, unknown>, path: Path, value: unknown): void {
  let v: Record<string, unknown> = o;
  for (const k of path.slice(0, -1)) {
    if (typeof v[k] !== 'object' || v[k] === null) v[k] = {};
    v = v[k] as Record<string, unknown>;
  }
  v[path[path.length - 1]!] = clone(value);
}

const same = (value: unknown) => (v: unknown) => canonicalJson(prune(v)) === canonicalJson(prune(value));

/** Values Cloud Run fills in when a request leaves them out (per the v2 reference), by path in a template. */
const TEMPLATE_DEFAULTS: Array<[Path, (v: unknown) => boolean]> = [
  [['timeout'], same({ seconds: '300' })],
  [['maxInstanceRequestConcurrency'], same(80)],
  [
    ['serviceAccount'],
    (v) => typeof v === 'string' && /^\d+-compute@developer\.gserviceaccount\.com$/.test(v),
  ],
  [['scaling', 'maxInstanceCount'], same(100)],
];

const CONTAINER_DEFAULTS: Array<[Path, (v: unknown) => boolean]> = [
  [['name'], (v) => typeof v === 'string'],
  [['resources', 'limits', 'cpu'], (v) => v === '1000m' || v === '1'],
  [['resources', 'limits', 'memory'], same('512Mi')],
  [['resources', 'cpuIdle'], same(true)],
  [['resources', 'startupCpuBoost'], same(true)],
  [['ports'], same([{ name: 'http1', containerPort: 8080 }])],
  [['startupProbe'], (v) => typeof v === 'object' && v !== null && 'tcpSocket' in v],
];

const SERVICE_DEFAULTS: Array<[Path, (v: unknown) => boolean]> = [
  [['ingress'], same('INGRESS_TRAFFIC_ALL')],
  [['launchStage'], same('GA')],
];

function fillDefaults(
  target: Record<string, unknown>,
  live: unknown,
  defaults: Array<[Path, (v: unknown) => boolean]>,
): void {
  for (const [path, isDefault] of defaults) {
    const mine = prune(getPath(target, path));
    const theirs = getPath(live, path);
    if (mine === undefined && theirs !== undefined && isDefault(theirs)) setPath(target, path, theirs);
  }
}

/**
 * `desired` with the values Cloud Run would fill in taken from `live` where `desired` leaves them out and `live`
 * holds Cloud Run's default: a service YAML that omits the timeout is the same as a live service with 300 s. A value
 * set on purpose (a timeout of 600 s) is not a default, so removing it from the YAML is still a change.
 */
export function comparableService(desired: Service, live: Service | undefined): Service {
  if (live === undefined) return desired;
  const out = clone(desired);
  fillDefaults(out, live, SERVICE_DEFAULTS);
  const template = (out.template ?? {}) as Record<string, unknown>;
  fillDefaults(template, live.template, TEMPLATE_DEFAULTS);
  const containers = (template.containers as Container[] | undefined) ?? [];
  containers.forEach((c, i) =>
    fillDefaults(c as Record<string, unknown>, live.template?.containers?.[i], CONTAINER_DEFAULTS),
  );
  out.template = template as RevisionTemplate;
  return out;
}

function withoutRevision(template: RevisionTemplate | undefined): RevisionTemplate {
  const t = clone(template ?? {});
  delete t.revision;
  return t;
}

/** Why a container's settings break Cloud Run's limits, or `undefined`. */
function containerProblem(container: Container, concurrency: number | undefined): string | undefined {
  if (!container.image) return 'no container image: set `image`, or give one in the service YAML';
  const limits = container.resources?.limits ?? {};
  return resourcesProblem(limits.cpu ?? '1', limits.memory ?? '512Mi', concurrency);
}

/**
 * Plans a service deploy from the live service (`undefined` when it does not exist) and its IAM policy (read only
 * when `allowUnauthenticated` is set). Throws a {@link PlanError} when the request cannot be met.
 */
export function planService(
  request: ServiceDeployRequest,
  live: Service | undefined,
  policy: IamPolicy | undefined,
): ServicePlan {
  const name = serviceName(request.project, request.region, request.service);
  const liveSpec = live === undefined ? undefined : settableService(live);
  const base: Service = request.yaml
    ? clone(request.yaml)
    : liveSpec
      ? clone(liveSpec)
      : { template: { containers: [{}] } };
  delete base.name;
  delete base.etag;
  const desired = applyServiceSettings(base, request.settings);
  const template = desired.template!;
  const containers = template.containers ?? [];
  const container = containers[ingressContainerIndex(containers)]!;
  const concurrency =
    template.maxInstanceRequestConcurrency ?? liveSpec?.template?.maxInstanceRequestConcurrency;
  const problem =
    containerProblem(container, concurrency) ??
    instancesProblem(template.scaling?.minInstanceCount, template.scaling?.maxInstanceCount);
  if (problem !== undefined) throw new PlanError(problem);
  if (
    request.tag !== undefined &&
    (!TAG.test(request.tag) || request.tag.length + request.service.length > 46)
  ) {
    throw new PlanError(
      `tag ${JSON.stringify(request.tag)} must be lowercase letters, digits and hyphens, start with a letter, and fit in 46 characters with the service name`,
    );
  }

  const comparable = comparableService(desired, liveSpec);
  const makesRevision =
    liveSpec === undefined ||
    !sameSpec(withoutRevision(comparable.template), withoutRevision(liveSpec.template));
  let revisionName: string | undefined;
  if (makesRevision) {
    const fromYaml = request.yaml?.template?.revision || undefined;
    revisionName = request.revisionSuffix
      ? `${request.service}-${request.revisionSuffix}`
      : (fromYaml ??
        (request.tag !== undefined ? `${request.service}-${request.generatedSuffix}` : undefined));
    if (revisionName !== undefined && revisionName === liveSpec?.template?.revision) {
      throw new PlanError(
        `the template changed but the revision name ${revisionName} is taken by the live revision: give another revision-suffix`,
      );
    }
  } else {
    revisionName = liveSpec?.template?.revision || undefined;
  }
  for (const t of [template, comparable.template!]) {
    if (revisionName === undefined) delete t.revision;
    else t.revision = revisionName;
  }

  let traffic;
  try {
    traffic = planTraffic(live, {
      explicit: request.yaml?.traffic,
      noTraffic: request.noTraffic,
      tag: request.tag,
      newRevision: makesRevision ? revisionName : undefined,
      makesRevision,
    });
  } catch (e) {
    if (e instanceof TrafficError) throw new PlanError(e.message);
    throw e;
  }
  let finalTraffic: TrafficTarget[] | undefined;
  const followsLatest = traffic.some((t) => t.type === LATEST && (t.percent ?? 0) > 0);
  const pinned = live !== undefined && !(live.traffic ?? []).some((t) => t.type === LATEST);
  if (makesRevision && followsLatest && pinned) {
    finalTraffic = traffic;
    desired.traffic = planTraffic(live, {
      explicit: live.traffic,
      noTraffic: false,
      tag: request.tag,
      newRevision: revisionName,
      makesRevision,
    });
  } else {
    desired.traffic = traffic;
  }
  comparable.traffic = traffic;

  const changes = diffSpecs(
    liveSpec === undefined ? undefined : { ...liveSpec, name: undefined },
    comparable,
  );
  const action = live === undefined ? 'create' : changes.length > 0 ? 'update' : 'none';
  if (action === 'update') {
    desired.name = name;
    if (live?.etag) desired.etag = live.etag;
  }
  let invoker: ServicePlan['invoker'];
  if (request.allowUnauthenticated !== undefined) {
    const next = planInvokerPolicy(policy ?? {}, request.allowUnauthenticated);
    if (next !== undefined) invoker = { policy: next, public: request.allowUnauthenticated };
  }
  return {
    request,
    name,
    action,
    live,
    desired,
    changes,
    makesRevision,
    revisionName,
    invoker,
    finalTraffic,
  };
}

/** What one region's job deploy asks for. */
export interface JobDeployRequest {
  project: string;
  region: string;
  /** The job id. */
  job: string;
  settings: JobSettings;
  /** Start an execution after the job is up to date. */
  execute: boolean;
  /** Wait for the execution to finish. */
  wait: boolean;
  overrides?: ExecutionOverrides;
}

/** A planned job deploy. */
export interface JobPlan {
  request: JobDeployRequest;
  name: string;
  action: 'create' | 'update' | 'none';
  live: Job | undefined;
  desired: Job;
  changes: Change[];
}

/** Plans a job deploy from the live job (`undefined` when it does not exist). */
export function planJob(request: JobDeployRequest, live: Job | undefined): JobPlan {
  const name = jobName(request.project, request.region, request.job);
  const liveSpec = live === undefined ? undefined : settableJob(live);
  const base: Job = liveSpec ? clone(liveSpec) : { template: { template: { containers: [{}] } } };
  delete base.name;
  delete base.etag;
  const desired = applyJobSettings(base, request.settings);
  const task = desired.template!.template!;
  const problem = containerProblem(task.containers![0]!, undefined);
  if (problem !== undefined) throw new PlanError(problem.replace(', or give one in the service YAML', ''));
  const tasks = desired.template?.taskCount ?? 1;
  const parallelism = desired.template?.parallelism ?? 0;
  if (parallelism > tasks)
    throw new PlanError(`parallelism (${parallelism}) must not exceed the task count (${tasks})`);
  const changes = diffSpecs(liveSpec === undefined ? undefined : { ...liveSpec, name: undefined }, desired);
  const action = live === undefined ? 'create' : changes.length > 0 ? 'update' : 'none';
  if (action === 'update') {
    desired.name = name;
    if (live?.etag) desired.etag = live.etag;
  }
  return { request, name, action, live, desired, changes };
}
