// The Cloud Run Admin API v2 over REST, as @google-cloud/run's REST transport (`fallback: true`) speaks it:
// - services: https://cloud.google.com/run/docs/reference/rest/v2/projects.locations.services (create with
//   `?serviceId=`, get, list, patch with `allowMissing`/`validateOnly`, delete, `:getIamPolicy`, `:setIamPolicy`);
// - revisions: https://cloud.google.com/run/docs/reference/rest/v2/projects.locations.services.revisions (get, list);
// - jobs: https://cloud.google.com/run/docs/reference/rest/v2/projects.locations.jobs (create with `?jobId=`, get,
//   list, patch, delete, `:run` with overrides), executions
//   (https://cloud.google.com/run/docs/reference/rest/v2/projects.locations.jobs.executions) and tasks
//   (https://cloud.google.com/run/docs/reference/rest/v2/projects.locations.jobs.executions.tasks);
// - long-running operations: GET /v2/{name=projects/*/locations/*/operations/*}
//   (https://cloud.google.com/run/docs/reference/rest/v2/projects.locations.operations/get);
// - errors in Google's JSON shape {error: {code, message, status, details}}
//   (https://cloud.google.com/apis/design/errors#http_mapping).
// Bodies follow the proto3 JSON mapping: the message types come from the protos.json that @google-cloud/run
// ships, so unknown fields are refused as Google's front end refuses them, output-only fields in requests are
// ignored, and enums travel as numbers when the client asks `$alt=json;enum-encoding=int` (names otherwise).
// Time is simulated: revisions become ready (or fail) and executions finish `readyAfterMs` /
// `executionDurationMs` after they start, on the stand-in clock; `autoAdvanceMs` moves the clock on every read,
// as if the caller had slept between polls.
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import { StandIn } from './base.js';
import type { StandInOptions, StandInRequest, StandInResponse } from './base.js';

/** A JSON value. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
/** A JSON object. */
export type JsonObject = { [key: string]: Json };

// ---------------------------------------------------------------------------------------------------------------
// Proto3 JSON, driven by the client library's own protos.json
// ---------------------------------------------------------------------------------------------------------------

interface ProtoField {
  type: string;
  rule?: string;
  keyType?: string;
  options?: Record<string, unknown>;
}

interface ProtoNode {
  nested?: Record<string, ProtoNode>;
  fields?: Record<string, ProtoField>;
  values?: Record<string, number>;
}

const SCALARS = new Set([
  'double',
  'float',
  'int32',
  'int64',
  'uint32',
  'uint64',
  'sint32',
  'sint64',
  'fixed32',
  'fixed64',
  'sfixed32',
  'sfixed64',
  'bool',
  'string',
  'bytes',
]);

/** How bodies are read and written. */
interface TranscodeMode {
  enums: 'name' | 'int';
  /** Reading a request: refuse unknown fields and drop output-only ones. */
  input: boolean;
}

function camel(name: string): string {
  return name.replace(/_([a-z0-9])/g, (_m, c: string) => c.toUpperCase());
}

/** Reads and writes proto3 JSON for the message types of protos.json. */
class ProtoSchema {
  private readonly root: ProtoNode;
  private readonly cache = new Map<string, ProtoNode | undefined>();

  constructor(root: ProtoNode) {
    this.root = root;
  }

  private node(full: string): ProtoNode | undefined {
    if (this.cache.has(full)) return this.cache.get(full);
    let node: ProtoNode | undefined = this.root;
    for (const part of full.split('.')) node = node?.nested?.[part];
    this.cache.set(full, node);
    return node;
  }

  /** The full name of `type` as seen from message `scope`, resolved outward as protobuf does. */
  private resolve(type: string, scope: string): string {
    const parts = scope.split('.');
    for (let i = parts.length; i >= 0; i--) {
      const candidate = [...parts.slice(0, i), type].join('.');
      if (this.node(candidate) !== undefined) return candidate;
    }
    return type;
  }

  /** Converts one message value; `path` names it in errors the way Google's front end does. */
  message(full: string, value: unknown, mode: TranscodeMode, path: string): unknown {
    if (full.startsWith('google.protobuf.')) return value;
    const node = this.node(full);
    if (node?.fields === undefined || typeof value !== 'object' || value === null || Array.isArray(value)) {
      if (mode.input && node?.fields !== undefined && value !== null) {
        throw invalidJson(
          `Invalid value at '${path}' (type.googleapis.com/${full}), ${JSON.stringify(value)}`,
        );
      }
      return value;
    }
    const out: Record<string, unknown> = {};
    for (const [rawKey, raw] of Object.entries(value as Record<string, unknown>)) {
      if (rawKey === '@type') {
        out[rawKey] = raw;
        continue;
      }
      const key = camel(rawKey);
      const field = node.fields[key];
      if (field === undefined) {
        if (mode.input) {
          throw invalidJson(
            `Invalid JSON payload received. Unknown name "${rawKey}" at '${path}': Cannot find field.`,
          );
        }
        out[key] = raw;
        continue;
      }
      if (mode.input && field.options?.['(google.api.field_behavior)'] === 'OUTPUT_ONLY') continue;
      if (raw === null || raw === undefined) continue;
      const type = SCALARS.has(field.type) ? field.type : this.resolve(field.type, full);
      const here = path === '' ? key : `${path}.${key}`;
      if (field.keyType !== undefined) {
        const map: Record<string, unknown> = {};
        for (const [k, v] of Object.entries(raw as Record<string, unknown>)) {
          map[k] = this.single(type, v, mode, `${here}[${k}]`);
        }
        out[key] = map;
      } else if (field.rule === 'repeated') {
        if (!Array.isArray(raw)) {
          if (mode.input) throw invalidJson(`Invalid value at '${here}', expected a list`);
          out[key] = raw;
        } else {
          out[key] = raw.map((v, i) => this.single(type, v, mode, `${here}[${i}]`));
        }
      } else {
        out[key] = this.single(type, raw, mode, here);
      }
    }
    return out;
  }

  private single(type: string, value: unknown, mode: TranscodeMode, path: string): unknown {
    if (SCALARS.has(type)) return value;
    const node = this.node(type);
    if (node?.values !== undefined) return this.enumValue(type, node.values, value, mode, path);
    return this.message(type, value, mode, path);
  }

  private enumValue(
    type: string,
    values: Record<string, number>,
    value: unknown,
    mode: TranscodeMode,
    path: string,
  ): unknown {
    let name: string | undefined;
    if (typeof value === 'number') name = Object.keys(values).find((k) => values[k] === value);
    else if (typeof value === 'string' && values[value] !== undefined) name = value;
    if (name === undefined) {
      if (mode.input)
        throw invalidJson(
          `Invalid value at '${path}' (type.googleapis.com/${type}), ${JSON.stringify(value)}`,
        );
      return value;
    }
    return mode.enums === 'int' ? values[name] : name;
  }
}

let schema: ProtoSchema | undefined;
function protoSchema(): ProtoSchema {
  schema ??= new ProtoSchema(
    createRequire(import.meta.url)('@google-cloud/run/build/protos/protos.json') as ProtoNode,
  );
  return schema;
}

// ---------------------------------------------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------------------------------------------

const HTTP_OF: Record<string, number> = {
  INVALID_ARGUMENT: 400,
  FAILED_PRECONDITION: 400,
  OUT_OF_RANGE: 400,
  UNAUTHENTICATED: 401,
  PERMISSION_DENIED: 403,
  NOT_FOUND: 404,
  ABORTED: 409,
  ALREADY_EXISTS: 409,
  RESOURCE_EXHAUSTED: 429,
  CANCELLED: 499,
  INTERNAL: 500,
  UNKNOWN: 500,
  NOT_IMPLEMENTED: 501,
  UNAVAILABLE: 503,
  DEADLINE_EXCEEDED: 504,
};

/** gRPC codes of the statuses, for errors of finished operations. */
const GRPC_CODE: Record<string, number> = {
  CANCELLED: 1,
  UNKNOWN: 2,
  INVALID_ARGUMENT: 3,
  DEADLINE_EXCEEDED: 4,
  NOT_FOUND: 5,
  ALREADY_EXISTS: 6,
  PERMISSION_DENIED: 7,
  RESOURCE_EXHAUSTED: 8,
  FAILED_PRECONDITION: 9,
  ABORTED: 10,
  OUT_OF_RANGE: 11,
  UNIMPLEMENTED: 12,
  INTERNAL: 13,
  UNAVAILABLE: 14,
  UNAUTHENTICATED: 16,
};

/** An error the stand-in answers in Google's JSON shape. */
export class GoogleApiError extends Error {
  readonly status: string;
  readonly httpCode: number;
  readonly details: JsonObject[];

  constructor(status: string, message: string, details: JsonObject[] = []) {
    super(message);
    this.name = 'GoogleApiError';
    this.status = status;
    this.httpCode = HTTP_OF[status] ?? 500;
    this.details = details;
  }

  /** The HTTP answer. */
  response(): StandInResponse {
    return {
      status: this.httpCode,
      body: {
        error: { code: this.httpCode, message: this.message, status: this.status, details: this.details },
      },
    };
  }
}

function invalidJson(message: string): GoogleApiError {
  return new GoogleApiError('INVALID_ARGUMENT', message, [
    { '@type': 'type.googleapis.com/google.rpc.BadRequest', fieldViolations: [{ description: message }] },
  ]);
}

function invalid(field: string, description: string): GoogleApiError {
  return new GoogleApiError('INVALID_ARGUMENT', `${field}: ${description}`, [
    { '@type': 'type.googleapis.com/google.rpc.BadRequest', fieldViolations: [{ field, description }] },
  ]);
}

// ---------------------------------------------------------------------------------------------------------------
// Small helpers
// ---------------------------------------------------------------------------------------------------------------

function clone<T>(value: T): T {
  return value === undefined ? value : (JSON.parse(JSON.stringify(value)) as T);
}

function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Proto3 sameness: fields at their default (empty, zero, false) do not count, map and key order neither. */
function canonical(value: unknown): string {
  const prune = (v: unknown): unknown => {
    if (Array.isArray(v)) {
      const items = v.map(prune);
      return items.length === 0 ? undefined : items.map((i) => (i === undefined ? {} : i));
    }
    if (isObject(v)) {
      const out: Record<string, unknown> = {};
      for (const key of Object.keys(v).sort()) {
        const p = prune(v[key]);
        if (p !== undefined) out[key] = p;
      }
      return Object.keys(out).length === 0 ? undefined : out;
    }
    if (v === '' || v === 0 || v === false || v === null) return undefined;
    if (typeof v === 'string' && /_UNSPECIFIED$/.test(v)) return undefined;
    return v;
  };
  return JSON.stringify(prune(value) ?? null);
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

function seconds(duration: Json | undefined): number | undefined {
  if (typeof duration !== 'string') return undefined;
  const m = /^(\d+(?:\.\d+)?)s$/.exec(duration);
  return m ? Number(m[1]) : undefined;
}

function randomSuffix(length: number): string {
  const letters = 'abcdefghijklmnopqrstuvwxyz0123456789';
  const bytes = randomBytes(length);
  return [...bytes].map((b, i) => (i === 0 ? letters[b % 26] : letters[b % letters.length])).join('');
}

function newEtag(): string {
  return `"${randomBytes(9).toString('base64url')}"`;
}

const LATEST = 'TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST';
const REVISION = 'TRAFFIC_TARGET_ALLOCATION_TYPE_REVISION';
const SUCCEEDED = 'CONDITION_SUCCEEDED';
const FAILED = 'CONDITION_FAILED';
const RECONCILING = 'CONDITION_RECONCILING';
const PENDING = 'CONDITION_PENDING';
const RESERVED_ENV = new Set(['PORT', 'K_SERVICE', 'K_REVISION', 'K_CONFIGURATION']);
const RESOURCE_ID = /^[a-z](?:[-a-z0-9]{0,47}[a-z0-9])?$/;
const TAG = /^[a-z](?:[-a-z0-9]*[a-z0-9])?$/;
const MEMBER =
  /^(?:allUsers|allAuthenticatedUsers|(?:user|serviceAccount|group|domain|principal|principalSet|deleted:[a-z]+):.+)$/;
const REGION_CODES: Record<string, string> = {
  'us-central1': 'uc',
  'us-east1': 'ue',
  'us-east4': 'uk',
  'us-west1': 'uw',
  'europe-west1': 'ew',
  'europe-west2': 'nw',
  'europe-west3': 'ey',
  'europe-west4': 'ez',
  'europe-north1': 'lz',
  'asia-northeast1': 'an',
  'asia-southeast1': 'as',
  'australia-southeast1': 'ts',
};

/** The message a revision fails with when its container never listens (Cloud Run's wording). */
export const CONTAINER_FAILED_MESSAGE =
  'The user-provided container failed to start and listen on the port defined provided by the PORT=8080 environment variable within the allocated timeout. This can happen when the container port is misconfigured or if the timeout is too short. The health check timeout can be extended.';

// ---------------------------------------------------------------------------------------------------------------
// State
// ---------------------------------------------------------------------------------------------------------------

/** Names of the operations in the journal. */
export const CLOUD_RUN_OPERATIONS = {
  createService: 'Services.CreateService',
  getService: 'Services.GetService',
  listServices: 'Services.ListServices',
  updateService: 'Services.UpdateService',
  deleteService: 'Services.DeleteService',
  getIamPolicy: 'Services.GetIamPolicy',
  setIamPolicy: 'Services.SetIamPolicy',
  getRevision: 'Revisions.GetRevision',
  listRevisions: 'Revisions.ListRevisions',
  deleteRevision: 'Revisions.DeleteRevision',
  getOperation: 'Operations.GetOperation',
  createJob: 'Jobs.CreateJob',
  getJob: 'Jobs.GetJob',
  listJobs: 'Jobs.ListJobs',
  updateJob: 'Jobs.UpdateJob',
  deleteJob: 'Jobs.DeleteJob',
  runJob: 'Jobs.RunJob',
  getExecution: 'Executions.GetExecution',
  listExecutions: 'Executions.ListExecutions',
  cancelExecution: 'Executions.CancelExecution',
  listTasks: 'Tasks.ListTasks',
  getTask: 'Tasks.GetTask',
} as const;

/** Operations that change state: never played by `autoAdvanceMs`. */
const WRITES = new Set<string>([
  CLOUD_RUN_OPERATIONS.createService,
  CLOUD_RUN_OPERATIONS.updateService,
  CLOUD_RUN_OPERATIONS.deleteService,
  CLOUD_RUN_OPERATIONS.setIamPolicy,
  CLOUD_RUN_OPERATIONS.deleteRevision,
  CLOUD_RUN_OPERATIONS.createJob,
  CLOUD_RUN_OPERATIONS.updateJob,
  CLOUD_RUN_OPERATIONS.deleteJob,
  CLOUD_RUN_OPERATIONS.runJob,
  CLOUD_RUN_OPERATIONS.cancelExecution,
]);

/** How a revision or a job's image behaves once started. */
export type ImageOutcome =
  | { kind: 'ready' }
  | { kind: 'fail'; message: string; reason?: string }
  /** Never becomes ready nor fails: a rollout that outlives any wait. */
  | { kind: 'hang' };

/** How one task of an execution ends. */
export interface TaskOutcome {
  exitCode: number;
  /** The failure message; Cloud Run's wording for the exit code when left out. */
  message?: string;
}

/** Options of the Cloud Run stand-in. */
export interface CloudRunStandInOptions extends StandInOptions {
  /** Number of every project (default `123456789012`), used in URLs and the default service account. */
  projectNumber?: string;
  /** Simulated time from a revision's creation until it is ready or failed (default 1000 ms). */
  readyAfterMs?: number;
  /** Simulated run time of an execution (default 3000 ms). */
  executionDurationMs?: number;
  /** Advance the clock by this much on every read (GET), modelling a caller that sleeps between polls. */
  autoAdvanceMs?: number;
  /**
   * Checks a bearer token; returns the caller's principal, or `undefined` to answer 401. Default: any token is
   * accepted as `deployer@example-project.iam.gserviceaccount.com`.
   */
  verifyToken?: (token: string) => string | undefined;
  /**
   * How an image behaves. Default: an image with `:bad` fails to start (Cloud Run's container message), one with
   * `:missing` is not found, one with `:hang` never settles, anything else becomes ready.
   */
  imageOutcome?: (image: string) => ImageOutcome;
  /** Secret Manager secrets (ids or full names) that exist; unset: every secret exists. */
  secrets?: string[];
  /** Refuse `allUsers`/`allAuthenticatedUsers` bindings, as the domain-restricted-sharing org policy does. */
  domainRestrictedSharing?: boolean;
}

/** A service as the stand-in holds it: the REST resource (enum names), for assertions and other stand-ins. */
export type ServiceResource = JsonObject;

interface ServiceRecord {
  name: string;
  project: string;
  location: string;
  id: string;
  spec: JsonObject;
  uid: string;
  generation: number;
  observedGeneration: number;
  createTime: number;
  updateTime: number;
  creator: string;
  lastModifier: string;
  etag: string;
  latestCreatedRevision: string | undefined;
  latestReadyRevision: string | undefined;
  trafficStatuses: JsonObject[];
  terminalCondition: JsonObject;
  conditions: JsonObject[];
  rollout: Rollout | undefined;
  policy: { version: number; bindings: JsonObject[]; etag: string };
  revisionCount: number;
}

interface Rollout {
  operation: string;
  revision: string | undefined;
}

interface RevisionRecord {
  name: string;
  id: string;
  service: string;
  template: JsonObject;
  createTime: number;
  generation: number;
  readyAt: number;
  outcome: ImageOutcome;
  state: 'pending' | 'ready' | 'failed';
  settledAt: number | undefined;
  labels: JsonObject;
}

interface OperationRecord {
  name: string;
  metadataType: string;
  target: string;
  done: boolean;
  response: JsonObject | undefined;
  error: JsonObject | undefined;
  /** For an in-flight operation, the resource it reports as metadata. */
  metadata: () => JsonObject;
}

interface JobRecord {
  name: string;
  project: string;
  location: string;
  id: string;
  spec: JsonObject;
  uid: string;
  generation: number;
  observedGeneration: number;
  createTime: number;
  updateTime: number;
  creator: string;
  lastModifier: string;
  etag: string;
  readyAt: number;
  failure: string | undefined;
  operation: string | undefined;
  executionCount: number;
  latestCreatedExecution: string | undefined;
}

interface ExecutionRecord {
  name: string;
  id: string;
  job: string;
  template: JsonObject;
  taskCount: number;
  parallelism: number;
  createTime: number;
  completeAt: number;
  completed: boolean;
  cancelled: boolean;
  outcomes: TaskOutcome[];
  operation: string;
  creator: string;
  labels: JsonObject;
}

type Route = {
  operation: string;
  project?: string;
  location?: string;
  service?: string;
  revision?: string;
  job?: string;
  execution?: string;
  task?: string;
  opId?: string;
};

const NOT_FOUND_KIND = {
  service: 'SERVICE',
  job: 'JOB',
  revision: 'REVISION',
  execution: 'EXECUTION',
  task: 'TASK',
};

/**
 * A Cloud Run Admin API v2 stand-in: services with revisions, traffic and IAM; jobs with executions and tasks;
 * long-running operations; simulated readiness. State accessors return copies in the REST shape with enum names.
 */
export class CloudRunStandIn extends StandIn {
  /** The project number used in URLs and default service accounts. */
  readonly projectNumber: string;

  private readonly settings: CloudRunStandInOptions;
  private readonly serviceRecords = new Map<string, ServiceRecord>();
  private readonly revisionRecords = new Map<string, RevisionRecord>();
  private readonly operationRecords = new Map<string, OperationRecord>();
  private readonly jobRecords = new Map<string, JobRecord>();
  private readonly executionRecords = new Map<string, ExecutionRecord>();
  private readonly conflicts = new Map<string, number>();
  private readonly refusals: Array<{
    operation: string;
    status: string;
    message: string;
    remaining: number;
  }> = [];
  private readonly taskScripts = new Map<string, (index: number, execution: string) => TaskOutcome>();

  /** @param options readiness timing, token checks and image behaviour. */
  constructor(options: CloudRunStandInOptions = {}) {
    super(options);
    this.settings = options;
    this.projectNumber = options.projectNumber ?? '123456789012';
  }

  /** Options for `new ServicesClient(...)` (and the other v2 clients) that reach this stand-in over REST. */
  clientOptions(): { apiEndpoint: string; port: number; protocol: 'http'; fallback: true } {
    const url = new URL(this.url);
    return { apiEndpoint: url.hostname, port: Number(url.port), protocol: 'http', fallback: true };
  }

  // ---- state accessors (copies, enum names) -----------------------------------------------------------------

  /** The full resource name of a service. */
  static serviceName(project: string, location: string, service: string): string {
    return `projects/${project}/locations/${location}/services/${service}`;
  }

  /** The full resource name of a job. */
  static jobName(project: string, location: string, job: string): string {
    return `projects/${project}/locations/${location}/jobs/${job}`;
  }

  /** A service as GET returns it, or undefined. */
  service(name: string): ServiceResource | undefined {
    this.settle();
    const record = this.serviceRecords.get(name);
    return record === undefined ? undefined : this.serviceResource(record);
  }

  /** Every service, sorted by name. */
  services(): ServiceResource[] {
    this.settle();
    return [...this.serviceRecords.values()]
      .sort((a, b) => a.name.localeCompare(b.name))
      .map((r) => this.serviceResource(r));
  }

  /** The revisions of a service, oldest first. */
  revisions(service: string): JsonObject[] {
    this.settle();
    return [...this.revisionRecords.values()]
      .filter((r) => r.service === service)
      .sort((a, b) => a.createTime - b.createTime || a.generation - b.generation)
      .map((r) => this.revisionResource(r));
  }

  /** One revision by full name, or undefined. */
  revision(name: string): JsonObject | undefined {
    this.settle();
    const record = this.revisionRecords.get(name);
    return record === undefined ? undefined : this.revisionResource(record);
  }

  /** Where a service's traffic actually goes (`trafficStatuses`). */
  traffic(service: string): JsonObject[] {
    return clone((this.service(service)?.trafficStatuses as JsonObject[] | undefined) ?? []);
  }

  /** The traffic targets a service asks for (`traffic`). */
  trafficTargets(service: string): JsonObject[] {
    return clone((this.service(service)?.traffic as JsonObject[] | undefined) ?? []);
  }

  /** A service's IAM policy (etag as base64). */
  iamPolicy(service: string): JsonObject | undefined {
    const record = this.serviceRecords.get(service);
    return record === undefined ? undefined : clone(this.policyResource(record));
  }

  /** The members bound to a role on a service. */
  members(service: string, role: string): string[] {
    const bindings = (this.iamPolicy(service)?.bindings as JsonObject[] | undefined) ?? [];
    return bindings.filter((b) => b.role === role).flatMap((b) => (b.members as string[]) ?? []);
  }

  /** A job as GET returns it, or undefined. */
  job(name: string): JsonObject | undefined {
    this.settle();
    const record = this.jobRecords.get(name);
    return record === undefined ? undefined : this.jobResource(record);
  }

  /** The executions of a job, oldest first. */
  executions(job: string): JsonObject[] {
    this.settle();
    return [...this.executionRecords.values()]
      .filter((e) => e.job === job)
      .sort((a, b) => a.createTime - b.createTime)
      .map((e) => this.executionResource(e));
  }

  /** The tasks of an execution, by index. */
  tasks(execution: string): JsonObject[] {
    this.settle();
    const record = this.executionRecords.get(execution);
    return record === undefined ? [] : this.taskResources(record);
  }

  /** A long-running operation as GET returns it, or undefined. */
  operation(name: string): JsonObject | undefined {
    this.settle();
    const record = this.operationRecords.get(name);
    return record === undefined ? undefined : this.operationResource(record);
  }

  // ---- test controls ----------------------------------------------------------------------------------------

  /**
   * Creates a service directly, as if it existed before the test, with its first revision ready. `spec` is a v2
   * Service body (enum names); the template needs at least one container image.
   */
  seedService(name: string, spec: JsonObject): ServiceResource {
    const { project, location, id } = parseName(name, 'services');
    const record = this.createServiceRecord(
      project,
      location,
      id,
      clone(spec),
      'seed@example-project.iam.gserviceaccount.com',
    );
    this.validateService(record, record.spec, () => undefined);
    this.startRollout(record, true);
    const revision = this.revisionRecords.get(record.latestCreatedRevision!)!;
    revision.readyAt = this.now();
    this.settle();
    return this.serviceResource(record);
  }

  /**
   * The next update of `resource` (a service or job name) meets a concurrent writer: its etag changes just before
   * the update is checked, so an update that carries the old etag fails with 409 ABORTED.
   */
  conflictOnNextUpdate(resource: string, times = 1): void {
    this.conflicts.set(resource, (this.conflicts.get(resource) ?? 0) + times);
  }

  /**
   * The next `times` calls of `operation` are refused with a Google API error (`PERMISSION_DENIED` when a role
   * was revoked mid-release, `FAILED_PRECONDITION`, ...), as Cloud Run answers them: not retried by clients.
   */
  refuseNext(operation: string, status: string, message: string, times = 1): void {
    this.refusals.push({ operation, status, message, remaining: times });
  }

  /** Decides the outcome of each task of `job`'s executions (overrides the image rule). */
  scriptTasks(job: string, outcome: (index: number, execution: string) => TaskOutcome): void {
    this.taskScripts.set(job, outcome);
  }

  /** Settles every revision and execution whose time has come (done on every request anyway). */
  settle(): void {
    const now = this.now();
    for (const revision of this.revisionRecords.values()) {
      if (revision.state !== 'pending' || revision.outcome.kind === 'hang' || now < revision.readyAt)
        continue;
      revision.state = revision.outcome.kind === 'ready' ? 'ready' : 'failed';
      revision.settledAt = revision.readyAt;
    }
    for (const record of this.serviceRecords.values()) this.settleService(record);
    for (const job of this.jobRecords.values()) this.settleJob(job);
    for (const execution of this.executionRecords.values()) this.settleExecution(execution);
  }

  // ---- protocol ---------------------------------------------------------------------------------------------

  protected identify(request: StandInRequest): string {
    return this.route(request).operation;
  }

  protected handle(request: StandInRequest, operation: string): StandInResponse {
    const enums = String(request.query.$alt ?? '').includes('enum-encoding=int') ? 'int' : 'name';
    try {
      const principal = this.authenticate(request);
      const refusal = this.refusals.find((r) => r.operation === operation && r.remaining > 0);
      if (refusal !== undefined) {
        refusal.remaining -= 1;
        throw new GoogleApiError(refusal.status, refusal.message);
      }
      if (this.settings.autoAdvanceMs && !WRITES.has(operation) && request.method === 'GET') {
        this.advance(this.settings.autoAdvanceMs);
      }
      this.settle();
      const { type, body } = this.answer(request, this.route(request), principal);
      return { status: 200, body: type === undefined ? body : this.encode(type, body, enums) };
    } catch (e) {
      if (e instanceof GoogleApiError) return e.response();
      throw e;
    }
  }

  protected throttleResponse(): StandInResponse {
    return new GoogleApiError(
      'RESOURCE_EXHAUSTED',
      "Quota exceeded for quota metric 'Write requests' and limit 'Write requests per minute per region' of service 'run.googleapis.com' for consumer 'project_number:" +
        `${this.projectNumber}'.`,
      [
        {
          '@type': 'type.googleapis.com/google.rpc.ErrorInfo',
          reason: 'RATE_LIMIT_EXCEEDED',
          domain: 'googleapis.com',
          metadata: { service: 'run.googleapis.com', quota_metric: 'run.googleapis.com/write_requests' },
        },
      ],
    ).response();
  }

  protected serverErrorResponse(
    _request: StandInRequest,
    _operation: string,
    status: number,
    message?: string,
  ): StandInResponse {
    const name = status === 503 ? 'UNAVAILABLE' : status === 504 ? 'DEADLINE_EXCEEDED' : 'INTERNAL';
    const error = new GoogleApiError(
      name,
      message ?? (status === 503 ? 'The service is currently unavailable.' : 'Internal error encountered.'),
    );
    return { status, body: { error: { code: status, message: error.message, status: name, details: [] } } };
  }

  private authenticate(request: StandInRequest): string {
    const token = /^Bearer (.+)$/.exec(request.headers.authorization ?? '')?.[1];
    const principal =
      token === undefined
        ? undefined
        : this.settings.verifyToken
          ? this.settings.verifyToken(token)
          : 'deployer@example-project.iam.gserviceaccount.com';
    if (principal === undefined) {
      throw new GoogleApiError(
        'UNAUTHENTICATED',
        'Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project.',
        [
          {
            '@type': 'type.googleapis.com/google.rpc.ErrorInfo',
            reason: 'ACCESS_TOKEN_TYPE_UNSUPPORTED',
            domain: 'googleapis.com',
          },
        ],
      );
    }
    return principal;
  }

  private route(request: StandInRequest): Route {
    const path = decodeURIComponent(request.path);
    const m = /^\/v2\/projects\/([^/]+)\/locations\/([^/]+)\/(.*)$/.exec(path);
    const unknown = { operation: `${request.method} ${request.path}` };
    if (!m) return unknown;
    const [, project, location, rest] = m as unknown as [string, string, string, string];
    const base = { project, location };
    const method = request.method;
    let r: RegExpExecArray | null;
    if (rest === 'services') {
      if (method === 'GET') return { ...base, operation: CLOUD_RUN_OPERATIONS.listServices };
      if (method === 'POST') return { ...base, operation: CLOUD_RUN_OPERATIONS.createService };
    }
    if ((r = /^services\/([^/:]+)(:getIamPolicy|:setIamPolicy)?$/.exec(rest))) {
      const service = r[1]!;
      if (r[2] === ':getIamPolicy' && method === 'GET')
        return { ...base, service, operation: CLOUD_RUN_OPERATIONS.getIamPolicy };
      if (r[2] === ':setIamPolicy' && method === 'POST')
        return { ...base, service, operation: CLOUD_RUN_OPERATIONS.setIamPolicy };
      if (r[2] === undefined) {
        if (method === 'GET') return { ...base, service, operation: CLOUD_RUN_OPERATIONS.getService };
        if (method === 'PATCH') return { ...base, service, operation: CLOUD_RUN_OPERATIONS.updateService };
        if (method === 'DELETE') return { ...base, service, operation: CLOUD_RUN_OPERATIONS.deleteService };
      }
    }
    if ((r = /^services\/([^/]+)\/revisions(?:\/([^/]+))?$/.exec(rest))) {
      const service = r[1]!;
      if (r[2] === undefined && method === 'GET')
        return { ...base, service, operation: CLOUD_RUN_OPERATIONS.listRevisions };
      if (r[2] !== undefined && method === 'GET')
        return { ...base, service, revision: r[2], operation: CLOUD_RUN_OPERATIONS.getRevision };
      if (r[2] !== undefined && method === 'DELETE')
        return { ...base, service, revision: r[2], operation: CLOUD_RUN_OPERATIONS.deleteRevision };
    }
    if ((r = /^operations\/([^/]+)$/.exec(rest)) && method === 'GET') {
      return { ...base, opId: r[1]!, operation: CLOUD_RUN_OPERATIONS.getOperation };
    }
    if (rest === 'jobs') {
      if (method === 'GET') return { ...base, operation: CLOUD_RUN_OPERATIONS.listJobs };
      if (method === 'POST') return { ...base, operation: CLOUD_RUN_OPERATIONS.createJob };
    }
    if ((r = /^jobs\/([^/:]+)(:run)?$/.exec(rest))) {
      const job = r[1]!;
      if (r[2] === ':run' && method === 'POST')
        return { ...base, job, operation: CLOUD_RUN_OPERATIONS.runJob };
      if (r[2] === undefined) {
        if (method === 'GET') return { ...base, job, operation: CLOUD_RUN_OPERATIONS.getJob };
        if (method === 'PATCH') return { ...base, job, operation: CLOUD_RUN_OPERATIONS.updateJob };
        if (method === 'DELETE') return { ...base, job, operation: CLOUD_RUN_OPERATIONS.deleteJob };
      }
    }
    if ((r = /^jobs\/([^/]+)\/executions(?:\/([^/:]+)(:cancel)?)?$/.exec(rest))) {
      const job = r[1]!;
      if (r[2] === undefined && method === 'GET')
        return { ...base, job, operation: CLOUD_RUN_OPERATIONS.listExecutions };
      if (r[2] !== undefined && r[3] === ':cancel' && method === 'POST') {
        return { ...base, job, execution: r[2], operation: CLOUD_RUN_OPERATIONS.cancelExecution };
      }
      if (r[2] !== undefined && r[3] === undefined && method === 'GET') {
        return { ...base, job, execution: r[2], operation: CLOUD_RUN_OPERATIONS.getExecution };
      }
    }
    if ((r = /^jobs\/([^/]+)\/executions\/([^/]+)\/tasks(?:\/([^/]+))?$/.exec(rest)) && method === 'GET') {
      const job = r[1]!;
      const execution = r[2]!;
      if (r[3] === undefined) return { ...base, job, execution, operation: CLOUD_RUN_OPERATIONS.listTasks };
      return { ...base, job, execution, task: r[3], operation: CLOUD_RUN_OPERATIONS.getTask };
    }
    return unknown;
  }

  private answer(request: StandInRequest, route: Route, principal: string): { type?: string; body: unknown } {
    const q = request.query;
    const flag = (name: string) => q[name] === 'true';
    const body = (isObject(request.body) ? request.body : {}) as JsonObject;
    const p = route.project!;
    const l = route.location!;
    switch (route.operation) {
      case CLOUD_RUN_OPERATIONS.createService:
        return this.operationReply(
          this.createService(
            p,
            l,
            String(q.serviceId ?? ''),
            this.decode('google.cloud.run.v2.Service', body, 'service'),
            flag('validateOnly'),
            principal,
          ),
        );
      case CLOUD_RUN_OPERATIONS.getService:
        return {
          type: 'google.cloud.run.v2.Service',
          body: this.serviceResource(this.serviceRecord(p, l, route.service!)),
        };
      case CLOUD_RUN_OPERATIONS.listServices:
        return this.list(
          'google.cloud.run.v2.ListServicesResponse',
          'services',
          this.services().filter((s) => String(s.name).startsWith(`projects/${p}/locations/${l}/`)),
          q,
        );
      case CLOUD_RUN_OPERATIONS.updateService:
        return this.operationReply(
          this.updateService(
            p,
            l,
            route.service!,
            this.decode('google.cloud.run.v2.Service', body, 'service'),
            flag('allowMissing'),
            flag('validateOnly'),
            principal,
            typeof q.updateMask === 'string' ? q.updateMask : undefined,
          ),
        );
      case CLOUD_RUN_OPERATIONS.deleteService:
        return this.operationReply(this.deleteService(p, l, route.service!, flag('validateOnly')));
      case CLOUD_RUN_OPERATIONS.getIamPolicy:
        return {
          type: 'google.iam.v1.Policy',
          body: this.policyResource(this.serviceRecord(p, l, route.service!)),
        };
      case CLOUD_RUN_OPERATIONS.setIamPolicy:
        return {
          type: 'google.iam.v1.Policy',
          body: this.setIamPolicy(
            this.serviceRecord(p, l, route.service!),
            this.decode('google.iam.v1.SetIamPolicyRequest', body, '') as JsonObject,
          ),
        };
      case CLOUD_RUN_OPERATIONS.getRevision:
        return {
          type: 'google.cloud.run.v2.Revision',
          body: this.revisionResource(this.revisionRecord(p, l, route.service!, route.revision!)),
        };
      case CLOUD_RUN_OPERATIONS.listRevisions:
        this.serviceRecord(p, l, route.service!);
        return this.list(
          'google.cloud.run.v2.ListRevisionsResponse',
          'revisions',
          this.revisions(CloudRunStandIn.serviceName(p, l, route.service!)),
          q,
        );
      case CLOUD_RUN_OPERATIONS.deleteRevision:
        return this.operationReply(this.deleteRevision(p, l, route.service!, route.revision!));
      case CLOUD_RUN_OPERATIONS.getOperation: {
        const name = `projects/${p}/locations/${l}/operations/${route.opId}`;
        const record = this.operationRecords.get(name);
        if (record === undefined) throw new GoogleApiError('NOT_FOUND', `Operation ${name} not found.`);
        return { type: 'google.longrunning.Operation', body: this.operationResource(record) };
      }
      case CLOUD_RUN_OPERATIONS.createJob:
        return this.operationReply(
          this.createJob(
            p,
            l,
            String(q.jobId ?? ''),
            this.decode('google.cloud.run.v2.Job', body, 'job'),
            flag('validateOnly'),
            principal,
          ),
        );
      case CLOUD_RUN_OPERATIONS.getJob:
        return { type: 'google.cloud.run.v2.Job', body: this.jobResource(this.jobRecord(p, l, route.job!)) };
      case CLOUD_RUN_OPERATIONS.listJobs:
        return this.list(
          'google.cloud.run.v2.ListJobsResponse',
          'jobs',
          [...this.jobRecords.values()]
            .filter((j) => j.project === p && j.location === l)
            .map((j) => this.jobResource(j)),
          q,
        );
      case CLOUD_RUN_OPERATIONS.updateJob:
        return this.operationReply(
          this.updateJob(
            p,
            l,
            route.job!,
            this.decode('google.cloud.run.v2.Job', body, 'job'),
            flag('allowMissing'),
            flag('validateOnly'),
            principal,
          ),
        );
      case CLOUD_RUN_OPERATIONS.deleteJob:
        return this.operationReply(this.deleteJob(p, l, route.job!));
      case CLOUD_RUN_OPERATIONS.runJob:
        return this.operationReply(
          this.runJob(
            this.jobRecord(p, l, route.job!),
            this.decode('google.cloud.run.v2.RunJobRequest', body, '') as JsonObject,
            principal,
          ),
        );
      case CLOUD_RUN_OPERATIONS.getExecution:
        return {
          type: 'google.cloud.run.v2.Execution',
          body: this.executionResource(this.executionRecord(p, l, route.job!, route.execution!)),
        };
      case CLOUD_RUN_OPERATIONS.listExecutions:
        this.jobRecord(p, l, route.job!);
        return this.list(
          'google.cloud.run.v2.ListExecutionsResponse',
          'executions',
          this.executions(CloudRunStandIn.jobName(p, l, route.job!)).reverse(),
          q,
        );
      case CLOUD_RUN_OPERATIONS.cancelExecution: {
        const execution = this.executionRecord(p, l, route.job!, route.execution!);
        if (!execution.completed) {
          execution.cancelled = true;
          execution.completed = true;
          execution.completeAt = this.now();
          this.finishExecutionOperation(execution);
        }
        return this.operationReply(
          this.doneOperation(
            p,
            l,
            'google.cloud.run.v2.Execution',
            execution.name,
            this.executionResource(execution),
          ),
        );
      }
      case CLOUD_RUN_OPERATIONS.listTasks:
        return this.list(
          'google.cloud.run.v2.ListTasksResponse',
          'tasks',
          this.taskResources(this.executionRecord(p, l, route.job!, route.execution!)),
          q,
        );
      case CLOUD_RUN_OPERATIONS.getTask: {
        const execution = this.executionRecord(p, l, route.job!, route.execution!);
        const task = this.taskResources(execution).find((t) =>
          String(t.name).endsWith(`/tasks/${route.task}`),
        );
        if (task === undefined) throw this.notFound('task', route.task!, l, p);
        return { type: 'google.cloud.run.v2.Task', body: task };
      }
      default:
        throw new GoogleApiError(
          'NOT_FOUND',
          `The requested URL ${request.method} ${request.path} was not found on this server.`,
        );
    }
  }

  private decode(type: string, body: unknown, path: string): JsonObject {
    return protoSchema().message(type, body, { enums: 'name', input: true }, path) as JsonObject;
  }

  private encode(type: string, body: unknown, enums: 'name' | 'int'): unknown {
    if (type === 'google.longrunning.Operation' && isObject(body)) {
      const out: JsonObject = { ...body };
      for (const key of ['metadata', 'response'] as const) {
        const any = body[key];
        if (isObject(any) && typeof any['@type'] === 'string') {
          const inner = String(any['@type']).replace(/^type\.googleapis\.com\//, '');
          out[key] = protoSchema().message(inner, any, { enums, input: false }, '') as Json;
        }
      }
      return out;
    }
    return protoSchema().message(type, body, { enums, input: false }, '');
  }

  private list(
    type: string,
    key: string,
    items: JsonObject[],
    q: Record<string, string | string[]>,
  ): { type: string; body: JsonObject } {
    const size = Math.min(Number(q.pageSize ?? 100) || 100, 1000);
    const start =
      q.pageToken === undefined ? 0 : Number(Buffer.from(String(q.pageToken), 'base64url').toString());
    if (!Number.isInteger(start) || start < 0) throw invalid('page_token', 'Invalid page token.');
    const page = items.slice(start, start + size);
    const body: JsonObject = { [key]: page };
    if (start + size < items.length)
      body.nextPageToken = Buffer.from(String(start + size)).toString('base64url');
    return { type, body };
  }

  private operationReply(op: OperationRecord): { type: string; body: JsonObject } {
    return { type: 'google.longrunning.Operation', body: this.operationResource(op) };
  }

  private notFound(
    kind: keyof typeof NOT_FOUND_KIND,
    id: string,
    location: string,
    project: string,
  ): GoogleApiError {
    return new GoogleApiError(
      'NOT_FOUND',
      `Resource '${id}' of kind '${NOT_FOUND_KIND[kind]}' in region '${location}' in project '${project}' does not exist.`,
    );
  }

  // ---- operations -------------------------------------------------------------------------------------------

  private newOperation(
    project: string,
    location: string,
    metadataType: string,
    target: string,
    metadata: () => JsonObject,
  ): OperationRecord {
    const op: OperationRecord = {
      name: `projects/${project}/locations/${location}/operations/${randomUUID()}`,
      metadataType,
      target,
      done: false,
      response: undefined,
      error: undefined,
      metadata,
    };
    this.operationRecords.set(op.name, op);
    return op;
  }

  private doneOperation(
    project: string,
    location: string,
    type: string,
    target: string,
    resource: JsonObject,
  ): OperationRecord {
    const op = this.newOperation(project, location, type, target, () => resource);
    op.done = true;
    op.response = resource;
    return op;
  }

  private operationResource(op: OperationRecord): JsonObject {
    const type = `type.googleapis.com/${op.metadataType}`;
    const out: JsonObject = {
      name: op.name,
      metadata: { '@type': type, ...(op.done && op.response ? op.response : op.metadata()) },
      done: op.done,
    };
    if (op.done && op.error) out.error = op.error;
    else if (op.done && op.response) out.response = { '@type': type, ...op.response };
    return out;
  }

  private completeOperation(
    name: string | undefined,
    response: JsonObject | undefined,
    error?: { status: string; message: string },
  ): void {
    const op = name === undefined ? undefined : this.operationRecords.get(name);
    if (op === undefined || op.done) return;
    op.done = true;
    if (error) op.error = { code: GRPC_CODE[error.status] ?? 2, message: error.message, details: [] };
    else op.response = response;
  }

  // ---- services -----------------------------------------------------------------------------------------------

  private serviceRecord(project: string, location: string, id: string): ServiceRecord {
    const record = this.serviceRecords.get(CloudRunStandIn.serviceName(project, location, id));
    if (record === undefined) throw this.notFound('service', id, location, project);
    return record;
  }

  private revisionRecord(project: string, location: string, service: string, id: string): RevisionRecord {
    const record = this.revisionRecords.get(
      `${CloudRunStandIn.serviceName(project, location, service)}/revisions/${id}`,
    );
    if (record === undefined) throw this.notFound('revision', id, location, project);
    return record;
  }

  private defaultServiceAccount(): string {
    return `${this.projectNumber}-compute@developer.gserviceaccount.com`;
  }

  /** Cloud Run's defaults for what a request leaves out (documented in the v2 reference per field). */
  private withServiceDefaults(spec: JsonObject): JsonObject {
    const out = clone(spec);
    if (out.ingress === undefined || out.ingress === 'INGRESS_TRAFFIC_UNSPECIFIED')
      out.ingress = 'INGRESS_TRAFFIC_ALL';
    if (out.launchStage === undefined || out.launchStage === 'LAUNCH_STAGE_UNSPECIFIED')
      out.launchStage = 'GA';
    if (!Array.isArray(out.traffic) || out.traffic.length === 0)
      out.traffic = [{ type: LATEST, percent: 100 }];
    out.template = this.withTemplateDefaults(isObject(out.template) ? out.template : {});
    return out;
  }

  private withTemplateDefaults(template: JsonObject): JsonObject {
    const t = clone(template);
    if (t.timeout === undefined) t.timeout = '300s';
    if (!t.serviceAccount) t.serviceAccount = this.defaultServiceAccount();
    if (!t.maxInstanceRequestConcurrency) t.maxInstanceRequestConcurrency = 80;
    const scaling = isObject(t.scaling) ? t.scaling : {};
    if (!scaling.maxInstanceCount) scaling.maxInstanceCount = 100;
    t.scaling = scaling;
    const containers = Array.isArray(t.containers) ? (t.containers as JsonObject[]) : [];
    containers.forEach((c, i) => {
      // ResourceRequirements.cpu_idle: true by default, but only when `resources` is left out entirely.
      if (!isObject(c.resources)) c.resources = { limits: {}, cpuIdle: true };
      const resources = c.resources as JsonObject;
      const limits = isObject(resources.limits) ? resources.limits : {};
      if (!limits.cpu) limits.cpu = '1000m';
      if (!limits.memory) limits.memory = '512Mi';
      resources.limits = limits;
      const ingress = containers.length === 1 || (Array.isArray(c.ports) && c.ports.length > 0);
      if (
        ingress &&
        i ===
          containers.findIndex(
            (x) => containers.length === 1 || (Array.isArray(x.ports) && x.ports.length > 0),
          )
      ) {
        if (!Array.isArray(c.ports) || c.ports.length === 0)
          c.ports = [{ name: 'http1', containerPort: 8080 }];
      }
    });
    return t;
  }

  private createServiceRecord(
    project: string,
    location: string,
    id: string,
    spec: JsonObject,
    principal: string,
  ): ServiceRecord {
    const now = this.now();
    const record: ServiceRecord = {
      name: CloudRunStandIn.serviceName(project, location, id),
      project,
      location,
      id,
      spec: this.withServiceDefaults(stripIdentity(spec)),
      uid: randomUUID(),
      generation: 1,
      observedGeneration: 0,
      createTime: now,
      updateTime: now,
      creator: principal,
      lastModifier: principal,
      etag: newEtag(),
      latestCreatedRevision: undefined,
      latestReadyRevision: undefined,
      trafficStatuses: [],
      terminalCondition: { type: 'Ready', state: RECONCILING, lastTransitionTime: iso(now) },
      conditions: [],
      rollout: undefined,
      policy: { version: 1, bindings: [], etag: randomBytes(8).toString('base64') },
      revisionCount: 0,
    };
    this.serviceRecords.set(record.name, record);
    return record;
  }

  private createRevision(record: ServiceRecord): RevisionRecord {
    const template = record.spec.template as JsonObject;
    record.revisionCount += 1;
    const id =
      typeof template.revision === 'string' && template.revision !== ''
        ? template.revision
        : `${record.id}-${String(record.generation).padStart(5, '0')}-${randomSuffix(3)}`;
    const revision: RevisionRecord = {
      name: `${record.name}/revisions/${id}`,
      id,
      service: record.name,
      template: clone(template),
      createTime: this.now(),
      generation: record.generation,
      readyAt: this.now() + (this.settings.readyAfterMs ?? 1000),
      outcome: this.outcomeOf(template),
      state: 'pending',
      settledAt: undefined,
      labels: clone((template.labels as JsonObject | undefined) ?? {}),
    };
    this.revisionRecords.set(revision.name, revision);
    record.latestCreatedRevision = revision.name;
    return revision;
  }

  private outcomeOf(template: JsonObject): ImageOutcome {
    const containers = (template.containers as JsonObject[] | undefined) ?? [];
    for (const container of containers) {
      const image = String(container.image ?? '');
      const outcome = (this.settings.imageOutcome ?? defaultImageOutcome)(image);
      if (outcome.kind !== 'ready') return outcome;
    }
    const missing = this.missingSecret(template);
    if (missing !== undefined) {
      return {
        kind: 'fail',
        reason: 'SECRETS_ACCESS_CHECK_FAILED',
        message: `spec.template.spec.containers[0].env: Secret ${missing} was not found or the revision's service account lacks access to it.`,
      };
    }
    return { kind: 'ready' };
  }

  private missingSecret(template: JsonObject): string | undefined {
    if (this.settings.secrets === undefined) return undefined;
    const known = new Set(this.settings.secrets.map((s) => s.split('/').pop()!));
    const referenced: string[] = [];
    for (const c of (template.containers as JsonObject[] | undefined) ?? []) {
      for (const env of (c.env as JsonObject[] | undefined) ?? []) {
        const ref = ((env.valueSource as JsonObject | undefined)?.secretKeyRef as JsonObject | undefined)
          ?.secret;
        if (typeof ref === 'string') referenced.push(ref);
      }
    }
    for (const v of (template.volumes as JsonObject[] | undefined) ?? []) {
      const ref = (v.secret as JsonObject | undefined)?.secret;
      if (typeof ref === 'string') referenced.push(ref);
    }
    return referenced.find((r) => !known.has(r.split('/').pop()!));
  }

  private validateService(
    record: { id: string; name: string },
    spec: JsonObject,
    existing: (name: string) => RevisionRecord | undefined,
  ): void {
    const template = spec.template;
    if (!isObject(template)) throw invalid('service.template', 'is required');
    validateTemplate(template, 'service.template', 3600);
    const revision =
      typeof template.revision === 'string' && template.revision !== '' ? template.revision : undefined;
    if (
      revision !== undefined &&
      (!revision.startsWith(`${record.id}-`) || !RESOURCE_ID.test(revision) || revision.length > 63)
    ) {
      throw invalid(
        'service.template.revision',
        `Revision name '${revision}' must be prefixed by the service name '${record.id}-', use lowercase letters, digits and hyphens, and be at most 63 characters.`,
      );
    }
    const traffic = (spec.traffic as JsonObject[] | undefined) ?? [];
    let sum = 0;
    const tags = new Set<string>();
    let latest = 0;
    traffic.forEach((target, i) => {
      const where = `service.traffic[${i}]`;
      const type = target.type;
      const percent = typeof target.percent === 'number' ? target.percent : 0;
      if (percent < 0 || percent > 100)
        throw invalid(`${where}.percent`, 'Traffic percent must be between 0 and 100.');
      sum += percent;
      if (type === LATEST) {
        latest += 1;
        if (target.revision)
          throw invalid(`${where}.revision`, 'A LATEST traffic target cannot name a revision.');
      } else if (type === REVISION) {
        const name = String(target.revision ?? '');
        if (name === '')
          throw invalid(`${where}.revision`, 'A REVISION traffic target must name a revision.');
        if (name !== revision && existing(`${record.name}/revisions/${name}`) === undefined) {
          throw new GoogleApiError('NOT_FOUND', `Revision '${name}' referenced in traffic not found.`);
        }
      } else {
        throw invalid(
          `${where}.type`,
          'Traffic target type must be TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST or TRAFFIC_TARGET_ALLOCATION_TYPE_REVISION.',
        );
      }
      const tag = typeof target.tag === 'string' ? target.tag : '';
      if (tag !== '') {
        if (!TAG.test(tag) || tag.length + record.id.length > 46) {
          throw invalid(
            `${where}.tag`,
            `Tag '${tag}' must be lowercase letters, digits and hyphens, start with a letter, and with the service name fit in 46 characters.`,
          );
        }
        if (tags.has(tag))
          throw invalid(`${where}.tag`, `Duplicate tag '${tag}' in traffic targets. Tags must be unique.`);
        tags.add(tag);
      }
    });
    if (latest > 1) throw invalid('service.traffic', 'At most one traffic target may be of type LATEST.');
    if (traffic.length > 0 && sum !== 100) {
      throw invalid('service.traffic', `Traffic percentages must add up to 100, got ${sum}.`);
    }
    const scaling = spec.scaling;
    if (
      isObject(scaling) &&
      typeof scaling.minInstanceCount === 'number' &&
      typeof scaling.maxInstanceCount === 'number' &&
      scaling.maxInstanceCount > 0 &&
      scaling.minInstanceCount > scaling.maxInstanceCount
    ) {
      throw invalid(
        'service.scaling.min_instance_count',
        'min_instance_count must be less than or equal to max_instance_count.',
      );
    }
  }

  private createService(
    project: string,
    location: string,
    id: string,
    body: JsonObject,
    validateOnly: boolean,
    principal: string,
  ): OperationRecord {
    if (!RESOURCE_ID.test(id)) {
      throw invalid(
        'service_id',
        `Invalid service id '${id}': use lowercase letters, digits and hyphens, start with a letter, at most 49 characters.`,
      );
    }
    const name = CloudRunStandIn.serviceName(project, location, id);
    if (this.serviceRecords.has(name))
      throw new GoogleApiError('ALREADY_EXISTS', `Resource '${id}' already exists.`);
    if (body.name && body.name !== name && body.name !== '') {
      throw invalid(
        'service.name',
        `The service name must be empty on create (the id comes from service_id), got '${String(body.name)}'.`,
      );
    }
    const spec = this.withServiceDefaults(stripIdentity(body));
    this.validateService({ id, name }, spec, () => undefined);
    if (validateOnly) {
      return this.doneOperation(
        project,
        location,
        'google.cloud.run.v2.Service',
        name,
        this.previewService(name, spec, principal),
      );
    }
    const record = this.createServiceRecord(project, location, id, body, principal);
    return this.startRollout(record, true);
  }

  private previewService(name: string, spec: JsonObject, principal: string): JsonObject {
    return { ...clone(spec), name, creator: principal, lastModifier: principal };
  }

  private updateService(
    project: string,
    location: string,
    id: string,
    body: JsonObject,
    allowMissing: boolean,
    validateOnly: boolean,
    principal: string,
    updateMask?: string,
  ): OperationRecord {
    const name = CloudRunStandIn.serviceName(project, location, id);
    const record = this.serviceRecords.get(name);
    if (record === undefined) {
      if (allowMissing)
        return this.createService(project, location, id, { ...body, name: '' }, validateOnly, principal);
      throw this.notFound('service', id, location, project);
    }
    if (body.name !== undefined && body.name !== name) {
      throw invalid(
        'service.name',
        `The name in the body '${String(body.name)}' does not match the URL '${name}'.`,
      );
    }
    this.playConflict(record);
    if (typeof body.etag === 'string' && body.etag !== '' && body.etag !== record.etag) {
      throw new GoogleApiError(
        'ABORTED',
        `Conflict for resource '${id}': version '${body.etag}' was specified but current version is '${record.etag}'.`,
      );
    }
    // With an update mask only the named top-level fields change (`traffic`, `labels`, …); without one the body
    // replaces the service, as UpdateServiceRequest.update_mask documents.
    const masked =
      updateMask === undefined || updateMask === ''
        ? body
        : maskedUpdate(
            record.spec,
            body,
            updateMask.split(',').map((f) => camel(f.trim())),
          );
    const spec = this.withServiceDefaults(stripIdentity(masked));
    this.validateService(record, spec, (n) => this.revisionRecords.get(n));
    const template = spec.template as JsonObject;
    const revisionName =
      typeof template.revision === 'string' && template.revision !== '' ? template.revision : undefined;
    const templateChanged = canonical(template) !== canonical(record.spec.template);
    if (templateChanged && revisionName !== undefined) {
      const existing = this.revisionRecords.get(`${name}/revisions/${revisionName}`);
      if (existing !== undefined && canonical(existing.template) !== canonical(template)) {
        throw new GoogleApiError(
          'ALREADY_EXISTS',
          `Revision named '${revisionName}' with different configuration already exists.`,
        );
      }
    }
    if (validateOnly) {
      return this.doneOperation(project, location, 'google.cloud.run.v2.Service', name, {
        ...this.serviceResource(record),
        ...this.previewService(name, spec, principal),
      });
    }
    if (canonical(spec) === canonical(record.spec)) {
      return this.doneOperation(
        project,
        location,
        'google.cloud.run.v2.Service',
        name,
        this.serviceResource(record),
      );
    }
    // A newer generation supersedes a rollout still in flight: its operation ends with the service as it is.
    if (record.rollout !== undefined)
      this.completeOperation(record.rollout.operation, this.serviceResource(record));
    record.spec = spec;
    record.generation += 1;
    record.updateTime = this.now();
    record.lastModifier = principal;
    record.etag = newEtag();
    const reuse =
      revisionName === undefined ? undefined : this.revisionRecords.get(`${name}/revisions/${revisionName}`);
    return this.startRollout(record, templateChanged && reuse === undefined);
  }

  private playConflict(record: { name: string; etag: string; generation: number; updateTime: number }): void {
    const armed = this.conflicts.get(record.name) ?? 0;
    if (armed <= 0) return;
    this.conflicts.set(record.name, armed - 1);
    record.etag = newEtag();
    record.generation += 1;
    record.updateTime = this.now();
  }

  private startRollout(record: ServiceRecord, newRevision: boolean): OperationRecord {
    const revision = newRevision ? this.createRevision(record) : undefined;
    const op = this.newOperation(
      record.project,
      record.location,
      'google.cloud.run.v2.Service',
      record.name,
      () => this.serviceResource(record),
    );
    record.rollout = { operation: op.name, revision: revision?.name };
    record.terminalCondition = { type: 'Ready', state: RECONCILING, lastTransitionTime: iso(this.now()) };
    record.conditions = [
      { type: 'RoutesReady', state: PENDING, lastTransitionTime: iso(this.now()) },
      {
        type: 'ConfigurationsReady',
        state: revision ? PENDING : SUCCEEDED,
        lastTransitionTime: iso(this.now()),
      },
    ];
    this.settleService(record);
    return op;
  }

  private settleService(record: ServiceRecord): void {
    const rollout = record.rollout;
    if (rollout === undefined) return;
    const now = iso(this.now());
    const created = rollout.revision === undefined ? undefined : this.revisionRecords.get(rollout.revision);
    if (created?.state === 'pending') return;
    if (created?.state === 'failed') {
      const outcome = created.outcome as { kind: 'fail'; message: string };
      const message = `Revision '${created.id}' is not ready and cannot serve traffic. ${outcome.message}`;
      record.terminalCondition = {
        type: 'Ready',
        state: FAILED,
        message,
        lastTransitionTime: now,
        reason: 'REVISION_FAILED',
      };
      record.conditions = [
        { type: 'RoutesReady', state: FAILED, message, lastTransitionTime: now },
        { type: 'ConfigurationsReady', state: FAILED, message, lastTransitionTime: now },
      ];
      record.observedGeneration = record.generation;
      record.rollout = undefined;
      // The route still follows the spec where it can: LATEST means the latest *ready* revision, which may be
      // one that served no traffic until now (deployed with no traffic) — as in Cloud Run.
      const statuses = this.resolveTraffic(record, record.latestReadyRevision);
      if (statuses !== undefined) record.trafficStatuses = statuses;
      this.completeOperation(rollout.operation, undefined, { status: 'FAILED_PRECONDITION', message });
      return;
    }
    // The route moves only when every revision it names can serve.
    const targets = (record.spec.traffic as JsonObject[]) ?? [];
    const latestReady = created?.state === 'ready' ? created.name : record.latestReadyRevision;
    const unresolved = targets.find((t) => {
      if (t.type === LATEST) return latestReady === undefined;
      const r = this.revisionRecords.get(`${record.name}/revisions/${String(t.revision)}`);
      return r === undefined || r.state !== 'ready';
    });
    if (unresolved !== undefined) {
      const r =
        unresolved.type === LATEST
          ? undefined
          : this.revisionRecords.get(`${record.name}/revisions/${String(unresolved.revision)}`);
      if (r?.state === 'pending') return;
      const message =
        r === undefined
          ? unresolved.type === LATEST
            ? 'No revision of this service is ready to receive the LATEST traffic.'
            : `Revision '${String(unresolved.revision)}' referenced in traffic does not exist.`
          : `Revision '${r.id}' referenced in traffic is not ready.`;
      record.terminalCondition = {
        type: 'Ready',
        state: FAILED,
        message,
        lastTransitionTime: now,
        reason: 'REVISION_FAILED',
      };
      record.rollout = undefined;
      record.observedGeneration = record.generation;
      this.completeOperation(rollout.operation, undefined, { status: 'FAILED_PRECONDITION', message });
      return;
    }
    if (created !== undefined) record.latestReadyRevision = created.name;
    record.trafficStatuses =
      this.resolveTraffic(record, record.latestReadyRevision) ?? record.trafficStatuses;
    record.terminalCondition = { type: 'Ready', state: SUCCEEDED, lastTransitionTime: now };
    record.conditions = [
      { type: 'RoutesReady', state: SUCCEEDED, lastTransitionTime: now },
      { type: 'ConfigurationsReady', state: SUCCEEDED, lastTransitionTime: now },
    ];
    record.observedGeneration = record.generation;
    record.rollout = undefined;
    this.completeOperation(rollout.operation, this.serviceResource(record));
  }

  /** Traffic statuses for the spec with LATEST at `latestReady`, or undefined when a target cannot serve. */
  private resolveTraffic(record: ServiceRecord, latestReady: string | undefined): JsonObject[] | undefined {
    const statuses: JsonObject[] = [];
    for (const t of (record.spec.traffic as JsonObject[]) ?? []) {
      let revision: string;
      if (t.type === LATEST) {
        if (latestReady === undefined) return undefined;
        revision = latestReady.split('/').pop()!;
      } else {
        revision = String(t.revision);
        if (this.revisionRecords.get(`${record.name}/revisions/${revision}`)?.state !== 'ready')
          return undefined;
      }
      const status: JsonObject = { type: t.type as string, revision, percent: (t.percent as number) ?? 0 };
      if (t.tag) {
        status.tag = t.tag as string;
        status.uri = this.tagUri(record, String(t.tag));
      }
      statuses.push(status);
    }
    return statuses;
  }

  private hash(record: { project: string }): string {
    return createHash('sha256')
      .update(record.project)
      .digest('hex')
      .replace(/[^a-z]/g, '')
      .padEnd(10, 'q')
      .slice(0, 10);
  }

  private serviceUri(record: ServiceRecord): string {
    return `https://${record.id}-${this.hash(record)}-${REGION_CODES[record.location] ?? 'xx'}.a.run.app`;
  }

  private tagUri(record: ServiceRecord, tag: string): string {
    return `https://${tag}---${record.id}-${this.hash(record)}-${REGION_CODES[record.location] ?? 'xx'}.a.run.app`;
  }

  private serviceResource(record: ServiceRecord): JsonObject {
    const ready = record.latestReadyRevision !== undefined;
    const out: JsonObject = {
      ...clone(record.spec),
      name: record.name,
      uid: record.uid,
      generation: String(record.generation),
      createTime: iso(record.createTime),
      updateTime: iso(record.updateTime),
      creator: record.creator,
      lastModifier: record.lastModifier,
      observedGeneration: String(record.observedGeneration),
      terminalCondition: clone(record.terminalCondition),
      conditions: clone(record.conditions),
      trafficStatuses: clone(record.trafficStatuses),
      reconciling: record.rollout !== undefined,
      etag: record.etag,
    };
    if (record.latestCreatedRevision) out.latestCreatedRevision = record.latestCreatedRevision;
    if (record.latestReadyRevision) out.latestReadyRevision = record.latestReadyRevision;
    if (ready) {
      out.uri = this.serviceUri(record);
      out.urls = [
        `https://${record.id}-${this.projectNumber}.${record.location}.run.app`,
        this.serviceUri(record),
      ];
    }
    return out;
  }

  private revisionResource(revision: RevisionRecord): JsonObject {
    const record = this.serviceRecords.get(revision.service);
    const t = revision.template;
    const at = iso(revision.settledAt ?? revision.createTime);
    const conditions: JsonObject[] =
      revision.state === 'ready'
        ? [
            { type: 'Ready', state: SUCCEEDED, lastTransitionTime: at },
            { type: 'ContainerHealthy', state: SUCCEEDED, lastTransitionTime: at },
            { type: 'ResourcesAvailable', state: SUCCEEDED, lastTransitionTime: at },
          ]
        : revision.state === 'failed'
          ? [
              {
                type: 'Ready',
                state: FAILED,
                message: (revision.outcome as { message: string }).message,
                lastTransitionTime: at,
              },
              {
                type: 'ContainerHealthy',
                state: FAILED,
                message: (revision.outcome as { message: string }).message,
                lastTransitionTime: at,
              },
              { type: 'ResourcesAvailable', state: SUCCEEDED, lastTransitionTime: at },
            ]
          : [
              { type: 'Ready', state: RECONCILING, lastTransitionTime: at },
              { type: 'ContainerHealthy', state: PENDING, lastTransitionTime: at },
              { type: 'ResourcesAvailable', state: RECONCILING, lastTransitionTime: at },
            ];
    const project = record?.project ?? 'p';
    const service = record?.id ?? '';
    const filter = encodeURIComponent(
      `resource.type="cloud_run_revision"\nresource.labels.service_name="${service}"\nresource.labels.revision_name="${revision.id}"`,
    );
    const out: JsonObject = {
      name: revision.name,
      uid: createHash('sha1').update(revision.name).digest('hex').slice(0, 32),
      generation: '1',
      labels: clone(revision.labels),
      createTime: iso(revision.createTime),
      updateTime: at,
      launchStage: 'GA',
      service: revision.service,
      scaling: clone((t.scaling as Json) ?? {}),
      containers: clone((t.containers as Json) ?? []),
      volumes: clone((t.volumes as Json) ?? []),
      serviceAccount: (t.serviceAccount as Json) ?? '',
      timeout: (t.timeout as Json) ?? '300s',
      maxInstanceRequestConcurrency: (t.maxInstanceRequestConcurrency as Json) ?? 80,
      conditions,
      observedGeneration: '1',
      reconciling: revision.state === 'pending',
      logUri: `https://console.cloud.google.com/logs/viewer?project=${project}&resource=cloud_run_revision/service_name/${service}/revision_name/${revision.id}&advancedFilter=${filter}`,
      etag: `"${revision.id}"`,
    };
    if (isObject(t.vpcAccess)) out.vpcAccess = clone(t.vpcAccess);
    return out;
  }

  private deleteService(
    project: string,
    location: string,
    id: string,
    validateOnly: boolean,
  ): OperationRecord {
    const record = this.serviceRecord(project, location, id);
    const resource = this.serviceResource(record);
    if (!validateOnly) {
      this.serviceRecords.delete(record.name);
      for (const [name, revision] of this.revisionRecords)
        if (revision.service === record.name) this.revisionRecords.delete(name);
    }
    return this.doneOperation(project, location, 'google.cloud.run.v2.Service', record.name, resource);
  }

  private deleteRevision(project: string, location: string, service: string, id: string): OperationRecord {
    const revision = this.revisionRecord(project, location, service, id);
    const record = this.serviceRecord(project, location, service);
    const serving = record.trafficStatuses.some(
      (t) => t.revision === id && ((t.percent as number) > 0 || t.tag),
    );
    if (serving || record.latestReadyRevision === revision.name) {
      throw new GoogleApiError(
        'FAILED_PRECONDITION',
        `Revision '${id}' is receiving traffic or is the latest ready revision and cannot be deleted.`,
      );
    }
    this.revisionRecords.delete(revision.name);
    return this.doneOperation(
      project,
      location,
      'google.cloud.run.v2.Revision',
      revision.name,
      this.revisionResource(revision),
    );
  }

  // ---- IAM ------------------------------------------------------------------------------------------------------

  private policyResource(record: ServiceRecord): JsonObject {
    const policy: JsonObject = { version: record.policy.version, etag: record.policy.etag };
    if (record.policy.bindings.length > 0) policy.bindings = clone(record.policy.bindings);
    return policy;
  }

  private setIamPolicy(record: ServiceRecord, request: JsonObject): JsonObject {
    const policy = isObject(request.policy) ? request.policy : {};
    if (typeof policy.etag === 'string' && policy.etag !== '' && policy.etag !== record.policy.etag) {
      throw new GoogleApiError(
        'ABORTED',
        'There were concurrent policy changes. Please retry the whole read-modify-write with exponential backoff.',
      );
    }
    const bindings = (Array.isArray(policy.bindings) ? policy.bindings : []) as JsonObject[];
    bindings.forEach((b, i) => {
      if (typeof b.role !== 'string' || !/^roles\/[\w.]+$/.test(b.role)) {
        throw invalid(
          `policy.bindings[${i}].role`,
          `Role ${String(b.role)} is not supported for this resource.`,
        );
      }
      for (const member of (b.members as string[] | undefined) ?? []) {
        if (!MEMBER.test(member)) throw invalid(`policy.bindings[${i}].members`, `Invalid member: ${member}`);
        if (
          this.settings.domainRestrictedSharing &&
          (member === 'allUsers' || member === 'allAuthenticatedUsers')
        ) {
          throw new GoogleApiError(
            'FAILED_PRECONDITION',
            'One or more users named in the policy do not belong to a permitted customer.',
            [
              {
                '@type': 'type.googleapis.com/google.rpc.PreconditionFailure',
                violations: [
                  {
                    type: 'constraints/iam.allowedPolicyMemberDomains',
                    subject: member,
                    description: 'User is not in permitted organization.',
                  },
                ],
              },
            ],
          );
        }
      }
    });
    record.policy = {
      version: typeof policy.version === 'number' && policy.version > 0 ? policy.version : 1,
      bindings: bindings
        .map((b) => ({ ...clone(b), members: [...new Set(((b.members as string[]) ?? []).slice())].sort() }))
        .filter((b) => b.members.length > 0),
      etag: randomBytes(8).toString('base64'),
    };
    return this.policyResource(record);
  }

  // ---- jobs -----------------------------------------------------------------------------------------------------

  private jobRecord(project: string, location: string, id: string): JobRecord {
    const record = this.jobRecords.get(CloudRunStandIn.jobName(project, location, id));
    if (record === undefined) throw this.notFound('job', id, location, project);
    return record;
  }

  private executionRecord(project: string, location: string, job: string, id: string): ExecutionRecord {
    const record = this.executionRecords.get(
      `${CloudRunStandIn.jobName(project, location, job)}/executions/${id}`,
    );
    if (record === undefined) throw this.notFound('execution', id, location, project);
    return record;
  }

  private withJobDefaults(spec: JsonObject): JsonObject {
    const out = clone(stripIdentity(spec));
    if (out.launchStage === undefined || out.launchStage === 'LAUNCH_STAGE_UNSPECIFIED')
      out.launchStage = 'GA';
    const template = isObject(out.template) ? out.template : {};
    if (!template.taskCount) template.taskCount = 1;
    if (!template.parallelism) template.parallelism = 0;
    const task = isObject(template.template) ? template.template : {};
    if (task.maxRetries === undefined) task.maxRetries = 3;
    if (task.timeout === undefined) task.timeout = '600s';
    if (!task.serviceAccount) task.serviceAccount = this.defaultServiceAccount();
    for (const c of (Array.isArray(task.containers) ? task.containers : []) as JsonObject[]) {
      if (!isObject(c.resources)) c.resources = { limits: {} };
      const resources = c.resources as JsonObject;
      const limits = isObject(resources.limits) ? resources.limits : {};
      if (!limits.cpu) limits.cpu = '1000m';
      if (!limits.memory) limits.memory = '512Mi';
      resources.limits = limits;
    }
    template.template = task;
    out.template = template;
    return out;
  }

  private validateJob(spec: JsonObject): void {
    const template = spec.template;
    if (!isObject(template) || !isObject(template.template))
      throw invalid('job.template.template', 'is required');
    validateTemplate(template.template, 'job.template.template', 7 * 24 * 3600);
    const tasks = template.taskCount as number;
    if (tasks < 1 || tasks > 10000)
      throw invalid('job.template.task_count', 'task_count must be between 1 and 10000.');
    const parallelism = template.parallelism as number;
    if (parallelism < 0) throw invalid('job.template.parallelism', 'parallelism must not be negative.');
    const retries = (template.template as JsonObject).maxRetries as number;
    if (retries < 0 || retries > 10)
      throw invalid('job.template.template.max_retries', 'max_retries must be between 0 and 10.');
  }

  private jobOutcome(spec: JsonObject): string | undefined {
    const task = (spec.template as JsonObject).template as JsonObject;
    for (const c of (task.containers as JsonObject[] | undefined) ?? []) {
      const outcome = (this.settings.imageOutcome ?? defaultImageOutcome)(String(c.image ?? ''));
      if (outcome.kind === 'fail' && outcome.reason === 'CONTAINER_MISSING') return outcome.message;
    }
    return undefined;
  }

  private createJob(
    project: string,
    location: string,
    id: string,
    body: JsonObject,
    validateOnly: boolean,
    principal: string,
  ): OperationRecord {
    if (!RESOURCE_ID.test(id)) throw invalid('job_id', `Invalid job id '${id}'.`);
    const name = CloudRunStandIn.jobName(project, location, id);
    if (this.jobRecords.has(name))
      throw new GoogleApiError('ALREADY_EXISTS', `Resource '${id}' already exists.`);
    const spec = this.withJobDefaults(body);
    this.validateJob(spec);
    if (validateOnly)
      return this.doneOperation(project, location, 'google.cloud.run.v2.Job', name, { ...spec, name });
    const now = this.now();
    const record: JobRecord = {
      name,
      project,
      location,
      id,
      spec,
      uid: randomUUID(),
      generation: 1,
      observedGeneration: 0,
      createTime: now,
      updateTime: now,
      creator: principal,
      lastModifier: principal,
      etag: newEtag(),
      readyAt: now + (this.settings.readyAfterMs ?? 1000),
      failure: this.jobOutcome(spec),
      operation: undefined,
      executionCount: 0,
      latestCreatedExecution: undefined,
    };
    this.jobRecords.set(name, record);
    const op = this.newOperation(project, location, 'google.cloud.run.v2.Job', name, () =>
      this.jobResource(record),
    );
    record.operation = op.name;
    this.settleJob(record);
    return op;
  }

  private updateJob(
    project: string,
    location: string,
    id: string,
    body: JsonObject,
    allowMissing: boolean,
    validateOnly: boolean,
    principal: string,
  ): OperationRecord {
    const name = CloudRunStandIn.jobName(project, location, id);
    const record = this.jobRecords.get(name);
    if (record === undefined) {
      if (allowMissing)
        return this.createJob(project, location, id, { ...body, name: '' }, validateOnly, principal);
      throw this.notFound('job', id, location, project);
    }
    this.playConflict(record);
    if (typeof body.etag === 'string' && body.etag !== '' && body.etag !== record.etag) {
      throw new GoogleApiError(
        'ABORTED',
        `Conflict for resource '${id}': version '${body.etag}' was specified but current version is '${record.etag}'.`,
      );
    }
    const spec = this.withJobDefaults(body);
    this.validateJob(spec);
    if (validateOnly)
      return this.doneOperation(project, location, 'google.cloud.run.v2.Job', name, {
        ...this.jobResource(record),
        ...spec,
      });
    if (canonical(spec) === canonical(record.spec)) {
      return this.doneOperation(project, location, 'google.cloud.run.v2.Job', name, this.jobResource(record));
    }
    if (record.operation !== undefined) this.completeOperation(record.operation, this.jobResource(record));
    record.spec = spec;
    record.generation += 1;
    record.updateTime = this.now();
    record.lastModifier = principal;
    record.etag = newEtag();
    record.readyAt = this.now() + (this.settings.readyAfterMs ?? 1000);
    record.failure = this.jobOutcome(spec);
    const op = this.newOperation(project, location, 'google.cloud.run.v2.Job', name, () =>
      this.jobResource(record),
    );
    record.operation = op.name;
    this.settleJob(record);
    return op;
  }

  private deleteJob(project: string, location: string, id: string): OperationRecord {
    const record = this.jobRecord(project, location, id);
    const resource = this.jobResource(record);
    this.jobRecords.delete(record.name);
    for (const [name, e] of this.executionRecords)
      if (e.job === record.name) this.executionRecords.delete(name);
    return this.doneOperation(project, location, 'google.cloud.run.v2.Job', record.name, resource);
  }

  private settleJob(record: JobRecord): void {
    if (record.operation === undefined || this.now() < record.readyAt) return;
    record.observedGeneration = record.generation;
    const op = record.operation;
    record.operation = undefined;
    if (record.failure !== undefined)
      this.completeOperation(op, undefined, { status: 'FAILED_PRECONDITION', message: record.failure });
    else this.completeOperation(op, this.jobResource(record));
  }

  private jobResource(record: JobRecord): JsonObject {
    const pending = record.operation !== undefined;
    const at = iso(pending ? record.updateTime : record.readyAt);
    const terminal: JsonObject = pending
      ? { type: 'Ready', state: RECONCILING, lastTransitionTime: at }
      : record.failure !== undefined
        ? {
            type: 'Ready',
            state: FAILED,
            message: record.failure,
            lastTransitionTime: at,
            reason: 'CONTAINER_MISSING',
          }
        : { type: 'Ready', state: SUCCEEDED, lastTransitionTime: at };
    const out: JsonObject = {
      ...clone(record.spec),
      name: record.name,
      uid: record.uid,
      generation: String(record.generation),
      createTime: iso(record.createTime),
      updateTime: iso(record.updateTime),
      creator: record.creator,
      lastModifier: record.lastModifier,
      observedGeneration: String(record.observedGeneration),
      terminalCondition: terminal,
      conditions: [],
      executionCount: record.executionCount,
      reconciling: pending,
      etag: record.etag,
    };
    const latest =
      record.latestCreatedExecution === undefined
        ? undefined
        : this.executionRecords.get(record.latestCreatedExecution);
    if (latest !== undefined) {
      const status = !latest.completed
        ? 'EXECUTION_RUNNING'
        : latest.cancelled
          ? 'EXECUTION_CANCELLED'
          : latest.outcomes.some((o) => o.exitCode !== 0)
            ? 'EXECUTION_FAILED'
            : 'EXECUTION_SUCCEEDED';
      out.latestCreatedExecution = {
        name: latest.name,
        createTime: iso(latest.createTime),
        completionStatus: status,
      };
      if (latest.completed)
        (out.latestCreatedExecution as JsonObject).completionTime = iso(latest.completeAt);
    }
    return out;
  }

  private runJob(record: JobRecord, request: JsonObject, principal: string): OperationRecord {
    if (record.operation !== undefined || record.failure !== undefined) {
      throw new GoogleApiError(
        'FAILED_PRECONDITION',
        `Job '${record.id}' is not ready: wait for its latest change to finish.`,
      );
    }
    if (typeof request.etag === 'string' && request.etag !== '' && request.etag !== record.etag) {
      throw new GoogleApiError(
        'ABORTED',
        `Conflict for resource '${record.id}': version '${request.etag}' was specified but current version is '${record.etag}'.`,
      );
    }
    const template = record.spec.template as JsonObject;
    const task = clone(template.template as JsonObject);
    const overrides = isObject(request.overrides) ? request.overrides : {};
    const containers = (task.containers as JsonObject[] | undefined) ?? [];
    for (const [i, override] of (
      (overrides.containerOverrides as JsonObject[] | undefined) ?? []
    ).entries()) {
      const target = override.name ? containers.find((c) => c.name === override.name) : containers[0];
      if (target === undefined)
        throw invalid(
          `overrides.container_overrides[${i}].name`,
          `No container named '${String(override.name)}'.`,
        );
      if (override.clearArgs === true) target.args = [];
      if (Array.isArray(override.args) && override.args.length > 0) target.args = clone(override.args);
      for (const env of (override.env as JsonObject[] | undefined) ?? []) {
        const list = ((target.env as JsonObject[] | undefined) ?? []).filter((e) => e.name !== env.name);
        list.push(clone(env));
        target.env = list;
      }
    }
    const taskCount =
      typeof overrides.taskCount === 'number' && overrides.taskCount > 0
        ? overrides.taskCount
        : (template.taskCount as number);
    if (taskCount > 10000) throw invalid('overrides.task_count', 'task_count must be between 1 and 10000.');
    if (overrides.timeout !== undefined) task.timeout = overrides.timeout;
    const id = `${record.id}-${randomSuffix(5)}`;
    const name = `${record.name}/executions/${id}`;
    const script = this.taskScripts.get(record.name);
    const outcomes = Array.from({ length: taskCount }, (_v, index): TaskOutcome =>
      script ? script(index, name) : defaultTaskOutcome(task),
    );
    if (request.validateOnly === true) {
      return this.doneOperation(record.project, record.location, 'google.cloud.run.v2.Execution', name, {
        name,
        job: record.name,
        taskCount,
        template: task,
      });
    }
    const now = this.now();
    const execution: ExecutionRecord = {
      name,
      id,
      job: record.name,
      template: task,
      taskCount,
      parallelism: (template.parallelism as number) || taskCount,
      createTime: now,
      completeAt: now + (this.settings.executionDurationMs ?? 3000),
      completed: false,
      cancelled: false,
      outcomes,
      operation: '',
      creator: principal,
      labels: clone((template.labels as JsonObject | undefined) ?? {}),
    };
    this.executionRecords.set(name, execution);
    record.executionCount += 1;
    record.latestCreatedExecution = name;
    const op = this.newOperation(record.project, record.location, 'google.cloud.run.v2.Execution', name, () =>
      this.executionResource(execution),
    );
    execution.operation = op.name;
    this.settleExecution(execution);
    return op;
  }

  private settleExecution(execution: ExecutionRecord): void {
    if (execution.completed || this.now() < execution.completeAt) return;
    execution.completed = true;
    this.finishExecutionOperation(execution);
  }

  private finishExecutionOperation(execution: ExecutionRecord): void {
    const resource = this.executionResource(execution);
    const failed = execution.outcomes.filter((o) => o.exitCode !== 0).length;
    if (execution.cancelled)
      this.completeOperation(execution.operation, undefined, {
        status: 'CANCELLED',
        message: `Execution ${execution.id} was cancelled.`,
      });
    else if (failed > 0) {
      this.completeOperation(execution.operation, undefined, {
        status: 'FAILED_PRECONDITION',
        message: `Execution ${execution.id} has failed to complete, ${execution.taskCount - failed}/${execution.taskCount} tasks were a success.`,
      });
    } else this.completeOperation(execution.operation, resource);
  }

  private executionResource(execution: ExecutionRecord): JsonObject {
    const done = execution.completed;
    const failed =
      done && !execution.cancelled ? execution.outcomes.filter((o) => o.exitCode !== 0).length : 0;
    const succeeded = done && !execution.cancelled ? execution.taskCount - failed : 0;
    const start = iso(execution.createTime);
    const end = iso(execution.completeAt);
    const completed: JsonObject = !done
      ? { type: 'Completed', state: RECONCILING, lastTransitionTime: start }
      : execution.cancelled
        ? {
            type: 'Completed',
            state: FAILED,
            message: `Execution ${execution.id} was cancelled.`,
            lastTransitionTime: end,
            executionReason: 'CANCELLED',
          }
        : failed > 0
          ? {
              type: 'Completed',
              state: FAILED,
              message: `Execution ${execution.id} has failed to complete, ${succeeded}/${execution.taskCount} tasks were a success.`,
              lastTransitionTime: end,
              executionReason: 'NON_ZERO_EXIT_CODE',
            }
          : {
              type: 'Completed',
              state: SUCCEEDED,
              message: `Execution ${execution.id} has completed successfully.`,
              lastTransitionTime: end,
            };
    const project = execution.job.split('/')[1]!;
    const out: JsonObject = {
      name: execution.name,
      uid: createHash('sha1').update(execution.name).digest('hex').slice(0, 32),
      creator: execution.creator,
      generation: '1',
      labels: clone(execution.labels),
      createTime: start,
      startTime: start,
      updateTime: done ? end : start,
      launchStage: 'GA',
      job: execution.job.split('/').pop()!,
      parallelism: execution.parallelism,
      taskCount: execution.taskCount,
      template: clone(execution.template),
      reconciling: !done,
      conditions: [
        { type: 'ResourcesAvailable', state: SUCCEEDED, lastTransitionTime: start },
        { type: 'Started', state: SUCCEEDED, lastTransitionTime: start },
        completed,
      ],
      observedGeneration: '1',
      runningCount: done ? 0 : execution.taskCount,
      succeededCount: succeeded,
      failedCount: failed,
      cancelledCount: execution.cancelled ? execution.taskCount : 0,
      retriedCount: done
        ? execution.outcomes.filter((o) => o.exitCode !== 0).length *
          Number((execution.template.maxRetries as number) ?? 0)
        : 0,
      logUri: `https://console.cloud.google.com/logs/viewer?project=${project}&advancedFilter=${encodeURIComponent(
        `resource.type="cloud_run_job"\nlabels."run.googleapis.com/execution_name"="${execution.id}"`,
      )}`,
      etag: `"${execution.id}"`,
    };
    if (done) out.completionTime = end;
    return out;
  }

  private taskResources(execution: ExecutionRecord): JsonObject[] {
    const done = execution.completed;
    return execution.outcomes.map((outcome, index) => {
      const id = `${execution.id}-task${index}`;
      const failed = done && !execution.cancelled && outcome.exitCode !== 0;
      const message =
        outcome.message ??
        (outcome.exitCode === 0 ? '' : `The container exited with an exit code of ${outcome.exitCode}.`);
      const task: JsonObject = {
        name: `${execution.name}/tasks/${id}`,
        uid: createHash('sha1').update(id).digest('hex').slice(0, 32),
        generation: '1',
        createTime: iso(execution.createTime),
        startTime: iso(execution.createTime),
        job: execution.job.split('/').pop()!,
        execution: execution.id,
        containers: clone((execution.template.containers as Json) ?? []),
        maxRetries: (execution.template.maxRetries as number) ?? 0,
        index,
        retried: failed ? Number((execution.template.maxRetries as number) ?? 0) : 0,
        reconciling: !done,
        conditions: [
          !done
            ? { type: 'Completed', state: RECONCILING }
            : execution.cancelled
              ? {
                  type: 'Completed',
                  state: FAILED,
                  message: 'Task was cancelled.',
                  executionReason: 'CANCELLED',
                }
              : failed
                ? {
                    type: 'Completed',
                    state: FAILED,
                    message: `Task ${id} failed with message: ${message}`,
                    executionReason: 'NON_ZERO_EXIT_CODE',
                  }
                : { type: 'Completed', state: SUCCEEDED, message: 'Task completed successfully.' },
        ],
        etag: `"${id}"`,
      };
      if (done && !execution.cancelled) {
        task.completionTime = iso(execution.completeAt);
        task.lastAttemptResult = failed
          ? { status: { code: 2, message }, exitCode: outcome.exitCode }
          : { status: { code: 0 }, exitCode: 0 };
      }
      return task;
    });
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Pure checks shared by services and jobs
// ---------------------------------------------------------------------------------------------------------------

function parseName(name: string, collection: string): { project: string; location: string; id: string } {
  const m = new RegExp(`^projects/([^/]+)/locations/([^/]+)/${collection}/([^/]+)$`).exec(name);
  if (!m) throw new Error(`not a ${collection} name: ${name}`);
  return { project: m[1]!, location: m[2]!, id: m[3]! };
}

/** The current spec with the masked top-level fields taken from the body. */
function maskedUpdate(current: JsonObject, body: JsonObject, fields: string[]): JsonObject {
  const out = clone(current);
  for (const field of fields) {
    if (field === '*') return clone(body);
    if (body[field] === undefined) delete out[field];
    else out[field] = clone(body[field]);
  }
  return out;
}

function stripIdentity(spec: JsonObject): JsonObject {
  const out = clone(spec);
  delete out.name;
  delete out.etag;
  return out;
}

/** Default image behaviour: `:bad` fails to start, `:missing` is not found, `:hang` never settles. */
export function defaultImageOutcome(image: string): ImageOutcome {
  if (image.includes(':missing')) {
    return { kind: 'fail', reason: 'CONTAINER_MISSING', message: `Image '${image}' not found.` };
  }
  if (image.includes(':bad')) return { kind: 'fail', message: CONTAINER_FAILED_MESSAGE };
  if (image.includes(':hang')) return { kind: 'hang' };
  return { kind: 'ready' };
}

function defaultTaskOutcome(task: JsonObject): TaskOutcome {
  const image = String(((task.containers as JsonObject[] | undefined) ?? [])[0]?.image ?? '');
  return image.includes(':fail') || image.includes(':bad') ? { exitCode: 1 } : { exitCode: 0 };
}

/** Parses a Kubernetes quantity of memory into bytes, as Cloud Run reads `limits.memory`. */
function memoryBytes(q: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?)(Ki|Mi|Gi|Ti|k|M|G|T)?$/.exec(q);
  if (!m) return undefined;
  const unit: Record<string, number> = {
    Ki: 2 ** 10,
    Mi: 2 ** 20,
    Gi: 2 ** 30,
    Ti: 2 ** 40,
    k: 1e3,
    M: 1e6,
    G: 1e9,
    T: 1e12,
  };
  return Number(m[1]) * (m[2] ? unit[m[2]]! : 1);
}

function cpuCores(q: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?)(m)?$/.exec(q);
  if (!m) return undefined;
  return m[2] ? Number(m[1]) / 1000 : Number(m[1]);
}

/** Cloud Run's limits on a revision or task template (https://cloud.google.com/run/docs/configuring/services/memory-limits, …/cpu). */
function validateTemplate(template: JsonObject, where: string, maxTimeoutSeconds: number): void {
  const containers = (template.containers as JsonObject[] | undefined) ?? [];
  if (containers.length === 0) throw invalid(`${where}.containers`, 'At least one container is required.');
  const names = new Set<string>();
  containers.forEach((c, i) => {
    const at = `${where}.containers[${i}]`;
    if (typeof c.image !== 'string' || c.image === '')
      throw invalid(`${at}.image`, 'Container image is required.');
    if (c.name) {
      if (names.has(String(c.name)))
        throw invalid(`${at}.name`, `Duplicate container name '${String(c.name)}'.`);
      names.add(String(c.name));
    }
    const envNames = new Set<string>();
    for (const [j, env] of ((c.env as JsonObject[] | undefined) ?? []).entries()) {
      const name = String(env.name ?? '');
      if (name === '' || name.includes('='))
        throw invalid(`${at}.env[${j}].name`, `Invalid environment variable name '${name}'.`);
      if (RESERVED_ENV.has(name)) {
        throw invalid(
          `${at}.env[${j}].name`,
          `The following reserved env names were provided: ${name}. These values are automatically set by the system.`,
        );
      }
      if (envNames.has(name))
        throw invalid(`${at}.env[${j}].name`, `Environment variable '${name}' is set more than once.`);
      envNames.add(name);
    }
    const limits = ((c.resources as JsonObject | undefined)?.limits as JsonObject | undefined) ?? {};
    const cpu = limits.cpu === undefined ? 1 : cpuCores(String(limits.cpu));
    const memory = limits.memory === undefined ? 512 * 2 ** 20 : memoryBytes(String(limits.memory));
    if (cpu === undefined || !(cpu >= 0.08 && (cpu < 1 || [1, 2, 4, 6, 8].includes(cpu)))) {
      throw invalid(
        `${at}.resources.limits.cpu`,
        `Invalid value specified for cpu: '${String(limits.cpu)}'. Allowed values are 0.08 to 1 (fractional), 1, 2, 4, 6 or 8.`,
      );
    }
    if (memory === undefined || memory < 128 * 2 ** 20 || memory > 32 * 2 ** 30) {
      throw invalid(
        `${at}.resources.limits.memory`,
        `Invalid value specified for memory: '${String(limits.memory)}'. Memory must be between 128Mi and 32Gi.`,
      );
    }
    const needs =
      memory > 24 * 2 ** 30
        ? 8
        : memory > 16 * 2 ** 30
          ? 6
          : memory > 8 * 2 ** 30
            ? 4
            : memory > 4 * 2 ** 30
              ? 2
              : 0;
    if (cpu < needs) {
      throw invalid(
        `${at}.resources.limits.memory`,
        `Invalid value specified for memory. For ${cpu} CPU, memory must be at most ${cpu >= 1 ? `${cpu * 4}Gi` : '4Gi'}; ${limits.memory} requires at least ${needs} CPU.`,
      );
    }
    const minMemory = cpu >= 8 ? 4 * 2 ** 30 : cpu >= 6 ? 4 * 2 ** 30 : cpu >= 4 ? 2 * 2 ** 30 : 0;
    if (memory < minMemory) {
      throw invalid(
        `${at}.resources.limits.memory`,
        `Invalid value specified for memory. For ${cpu} CPU, memory must be at least ${minMemory / 2 ** 30}Gi.`,
      );
    }
    if (cpu < 1 && memory > 512 * 2 ** 20) {
      throw invalid(
        `${at}.resources.limits.memory`,
        `Invalid value specified for memory. For less than 1 CPU, memory must be at most 512Mi.`,
      );
    }
    if (
      cpu < 1 &&
      typeof template.maxInstanceRequestConcurrency === 'number' &&
      template.maxInstanceRequestConcurrency > 1
    ) {
      throw invalid(
        `${where}.max_instance_request_concurrency`,
        'Concurrency must be 1 when CPU is less than 1.',
      );
    }
  });
  const concurrency = template.maxInstanceRequestConcurrency;
  if (typeof concurrency === 'number' && (concurrency < 0 || concurrency > 1000)) {
    throw invalid(`${where}.max_instance_request_concurrency`, 'Concurrency must be between 1 and 1000.');
  }
  const scaling = template.scaling;
  if (isObject(scaling)) {
    const min = typeof scaling.minInstanceCount === 'number' ? scaling.minInstanceCount : 0;
    const max = typeof scaling.maxInstanceCount === 'number' ? scaling.maxInstanceCount : 0;
    if (max > 0 && min > max) {
      throw invalid(
        `${where}.scaling.min_instance_count`,
        `min_instance_count (${min}) must be less than or equal to max_instance_count (${max}).`,
      );
    }
    if (max > 1000)
      throw invalid(
        `${where}.scaling.max_instance_count`,
        'max_instance_count must be at most 1000 (the default quota).',
      );
  }
  const timeout = seconds(template.timeout as Json | undefined);
  if (
    template.timeout !== undefined &&
    (timeout === undefined || timeout < 1 || timeout > maxTimeoutSeconds)
  ) {
    throw invalid(
      `${where}.timeout`,
      `Timeout must be between 1s and ${maxTimeoutSeconds}s, got ${String(template.timeout)}.`,
    );
  }
  const vpc = template.vpcAccess;
  if (
    isObject(vpc) &&
    vpc.connector &&
    Array.isArray(vpc.networkInterfaces) &&
    vpc.networkInterfaces.length > 0
  ) {
    throw invalid(
      `${where}.vpc_access`,
      'Set either a VPC connector or network interfaces (Direct VPC egress), not both.',
    );
  }
}
