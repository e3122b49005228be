/**
 * Proto3 sameness for Cloud Run resources. The client library fills every field with its default when it reads
 * (`''`, `0`, `false`, `[]`, `null`, `*_UNSPECIFIED`), and adds oneof markers (`values: 'value'`); proto3 itself
 * cannot tell a default from an unset field. Pruning both sides of a comparison to the fields that carry a value
 * makes "what is live" and "what we would send" comparable.
 */
import type { Job, Service } from './types.js';

/** Oneof names the v2 protos declare; the library adds them as keys naming the member that is set. */
const ONEOF_NAMES = new Set([
  'reasons',
  'retries',
  '_gpuZonalRedundancyDisabled',
  'values',
  'volumeType',
  'probeType',
  'sourceType',
  'binauthzMethod',
  '_manualInstanceCount',
  'createExecution',
  'buildType',
]);

/** Fields with presence that Slipway sets: zero is a value there (`maxRetries: 0` is not "3 by default"). */
const PRESENT = new Set(['maxRetries']);

/** Maps whose entries keep empty values (a label may be empty). */
const MAPS = new Set(['labels', 'annotations', 'limits', 'nodeSelector']);

/** A plain object of any realm (structuredClone and test sandboxes make objects of another realm). */
function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  if (Object.prototype.toString.call(v) !== '[object Object]') return false;
  const proto = Object.getPrototypeOf(v) as object | null;
  return proto === null || Object.getPrototypeOf(proto) === null;
}

function isDefault(v: unknown): boolean {
  return (
    v === undefined ||
    v === null ||
    v === '' ||
    v === 0 ||
    v === false ||
    (typeof v === 'string' && /_UNSPECIFIED$/.test(v))
  );
}

/**
 * A deep copy without default-valued fields, empty lists, empty objects or oneof markers; a oneof member that the
 * marker says is set is kept even at its default (`maxRetries: 0` is not "unset"). Durations' `seconds` become
 * strings, as the library reads them. Values that are not plain data (bytes) are kept as they are.
 */
export function prune<T>(value: T): T {
  return pruneValue(value, undefined) as T;
}

function pruneValue(v: unknown, key: string | undefined): unknown {
  if (Array.isArray(v)) {
    const items = v
      .map((item) => pruneValue(item, undefined))
      .map((item) => (item === undefined ? {} : item));
    return items.length === 0 ? undefined : items;
  }
  if (isPlainObject(v)) {
    if (key !== undefined && MAPS.has(key)) {
      const entries = Object.entries(v).filter(([, x]) => x !== undefined && x !== null);
      return entries.length === 0 ? undefined : Object.fromEntries(entries.map(([k, x]) => [k, String(x)]));
    }
    const set = new Set(
      Object.entries(v)
        .filter(([k, x]) => ONEOF_NAMES.has(k) && typeof x === 'string')
        .map(([, x]) => x as string),
    );
    for (const k of PRESENT) if (typeof v[k] === 'number') set.add(k);
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) {
      if (ONEOF_NAMES.has(k) && typeof x === 'string') continue;
      if (k === 'seconds' && typeof x === 'number') {
        if (x !== 0) out[k] = String(x);
        continue;
      }
      if (k === 'seconds' && x === '0') continue;
      const pruned = pruneValue(x, k);
      if (pruned === undefined || (isDefault(pruned) && !set.has(k))) {
        if (set.has(k) && x !== undefined && x !== null) out[k] = x;
        continue;
      }
      out[k] = pruned;
    }
    return Object.keys(out).length === 0 ? undefined : out;
  }
  return isDefault(v) ? undefined : v;
}

/** A deep copy of plain data. */
export function clone<T>(value: T): T {
  return structuredClone(value);
}

/** JSON with object keys sorted: equal for equal data whatever the key order. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value) ?? null);
}

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (isPlainObject(v)) {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v).sort()) out[k] = sortKeys(v[k]);
    return out;
  }
  if (ArrayBuffer.isView(v)) return Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('base64');
  return v;
}

/** Whether two resources (or parts) are the same in proto3's eyes. */
export function sameSpec(a: unknown, b: unknown): boolean {
  return canonicalJson(prune(a)) === canonicalJson(prune(b));
}

/** Output-only fields that services and jobs share (the v2 API's common resource fields). */
const COMMON_OUTPUT_ONLY = [
  'uid',
  'generation',
  'createTime',
  'updateTime',
  'deleteTime',
  'expireTime',
  'creator',
  'lastModifier',
  'observedGeneration',
  'terminalCondition',
  'conditions',
  'reconciling',
  'satisfiesPzs',
  'etag',
];

const SERVICE_OUTPUT_ONLY = [
  ...COMMON_OUTPUT_ONLY,
  'latestReadyRevision',
  'latestCreatedRevision',
  'trafficStatuses',
  'uri',
  'urls',
  'buildConfig',
];

const JOB_OUTPUT_ONLY = [
  ...COMMON_OUTPUT_ONLY,
  'executionCount',
  'latestCreatedExecution',
  'startExecutionToken',
  'runExecutionToken',
];

function withoutContainerOutput<T extends { containers?: Array<Record<string, unknown>> }>(
  template: T | undefined,
): void {
  for (const c of template?.containers ?? []) delete c.buildInfo;
}

/** The settable part of a service (pruned): what a spec is compared on. Keeps `name`. */
export function settableService(service: Service): Service {
  const out = prune(clone(service)) ?? {};
  for (const key of SERVICE_OUTPUT_ONLY) delete out[key];
  withoutContainerOutput(out.template);
  return out;
}

/** The settable part of a job (pruned). Keeps `name`. */
export function settableJob(job: Job): Job {
  const out = prune(clone(job)) ?? {};
  for (const key of JOB_OUTPUT_ONLY) delete out[key];
  withoutContainerOutput(out.template?.template);
  return out;
}
