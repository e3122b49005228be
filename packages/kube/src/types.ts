/**
 * The shapes @slipway/kube works with: Kubernetes objects as plain JSON (never the generated model classes, which
 * drop fields they do not know) and where each manifest came from.
 */

/** Object metadata; only the fields Slipway reads or writes are typed. */
export interface ObjectMeta {
  name?: string;
  namespace?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  [key: string]: unknown;
}

/** A Kubernetes object as JSON. */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: ObjectMeta;
  [key: string]: unknown;
}

/** A file and 1-based line, for error messages and annotations. */
export interface SourceLocation {
  file: string;
  line: number;
}

/** One object read from the manifests, with where it was written. */
export interface Manifest {
  object: KubeObject;
  source: SourceLocation;
}

/** What names one object in the cluster. */
export interface ObjectRef {
  apiVersion: string;
  kind: string;
  namespace?: string;
  name: string;
}

/** `kind/name` or `kind/namespace/name`, lower-case kind, as the log and the summary show objects. */
export function describeRef(ref: ObjectRef): string {
  const kind = ref.kind.toLowerCase();
  return ref.namespace === undefined ? `${kind}/${ref.name}` : `${kind}/${ref.namespace}/${ref.name}`;
}

/** The reference of an object. */
export function refOf(object: KubeObject): ObjectRef {
  return {
    apiVersion: object.apiVersion,
    kind: object.kind,
    ...(object.metadata.namespace === undefined ? {} : { namespace: object.metadata.namespace }),
    name: String(object.metadata.name),
  };
}

/** True for a plain JSON object (not an array, not null). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A deep copy of JSON data. */
export function cloneJson<T>(value: T): T {
  return structuredClone(value);
}
