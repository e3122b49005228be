// Server-side apply with field managers, and the other PATCH flavours.
// References: https://kubernetes.io/docs/reference/using-api/server-side-apply/ (field management, conflicts,
// merge strategy, `force`), its managedFields format (FieldsV1: `f:<field>`, `k:<key object>` for items of
// associative lists, `.` for an item itself), RFC 7386 (merge patch) and RFC 6902 (JSON patch).
import { KubeApiError } from './kube-status.js';
import type { StatusCause } from './kube-status.js';

/** A Kubernetes object as JSON. */
export type KubeObject = Record<string, unknown> & {
  apiVersion?: string;
  kind?: string;
  metadata?: Record<string, unknown>;
};

/** A set of owned fields: a tree whose keys are FieldsV1 path elements; a leaf has no children. */
export type FieldSet = Map<string, FieldSet>;

/** One entry of `metadata.managedFields`. */
export interface ManagedFieldsEntry {
  manager: string;
  operation: 'Apply' | 'Update';
  apiVersion: string;
  time: string;
  fieldsType: 'FieldsV1';
  fieldsV1: Record<string, unknown>;
  subresource?: string;
}

type Json = Record<string, unknown>;

/** True for a plain JSON object. */
export function isRecord(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Deep copy of JSON data. */
export function clone<T>(value: T): T {
  return value === undefined ? value : (JSON.parse(JSON.stringify(value)) as T);
}

/** Deep equality of JSON data (object key order ignored). */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b))
    return a.length === b.length && a.every((x, i) => deepEqual(x, b[i]));
  if (isRecord(a) && isRecord(b)) {
    const ka = Object.keys(a).filter((k) => a[k] !== undefined);
    const kb = Object.keys(b).filter((k) => b[k] !== undefined);
    return ka.length === kb.length && ka.every((k) => deepEqual(a[k], b[k]));
  }
  return false;
}

// Associative lists of the built-in types: items merge by these keys instead of the list being replaced whole
// (the `x-kubernetes-list-type: map` lists of the OpenAPI schema).
const LIST_KEYS: Record<string, string[]> = {
  containers: ['name'],
  initContainers: ['name'],
  ephemeralContainers: ['name'],
  env: ['name'],
  volumes: ['name'],
  volumeMounts: ['mountPath'],
  volumeDevices: ['devicePath'],
  imagePullSecrets: ['name'],
  hostAliases: ['ip'],
  conditions: ['type'],
  topologySpreadConstraints: ['topologyKey', 'whenUnsatisfiable'],
};

/** The key fields of an associative list, or undefined when the list is atomic. */
function listKeys(field: string, items: unknown[]): string[] | undefined {
  if (!items.every(isRecord)) return undefined;
  if (field === 'ports') {
    if (items.every((i) => 'containerPort' in i)) return ['containerPort', 'protocol'];
    if (items.every((i) => 'port' in i)) return ['port', 'protocol'];
    return undefined;
  }
  return LIST_KEYS[field];
}

function itemKey(item: Json, keys: string[]): string {
  const key: Json = {};
  for (const k of keys) key[k] = item[k] ?? (k === 'protocol' ? 'TCP' : undefined);
  return `k:${JSON.stringify(key)}`;
}

const IGNORED_TOP = new Set(['apiVersion', 'kind', 'status']);
const TRACKED_METADATA = new Set(['labels', 'annotations', 'finalizers', 'ownerReferences']);

/** The fields set in `value`, as a FieldSet. `top` drops identity, status and system metadata. */
export function fieldsOf(value: Json, top = true): FieldSet {
  const set: FieldSet = new Map();
  for (const [key, child] of Object.entries(value)) {
    if (child === undefined) continue;
    if (top && IGNORED_TOP.has(key)) continue;
    if (top && key === 'metadata') {
      if (!isRecord(child)) continue;
      const meta: FieldSet = new Map();
      for (const [mk, mv] of Object.entries(child)) {
        if (!TRACKED_METADATA.has(mk) || mv === undefined) continue;
        meta.set(`f:${mk}`, isRecord(mv) ? fieldsOf(mv, false) : new Map());
      }
      if (meta.size > 0) set.set('f:metadata', meta);
      continue;
    }
    const path = `f:${key}`;
    if (isRecord(child)) set.set(path, fieldsOf(child, false));
    else if (Array.isArray(child)) {
      const keys = listKeys(key, child);
      if (keys === undefined) set.set(path, new Map());
      else {
        const items: FieldSet = new Map();
        for (const item of child as Json[]) {
          const itemSet = fieldsOf(item, false);
          itemSet.set('.', new Map());
          items.set(itemKey(item, keys), itemSet);
        }
        set.set(path, items);
      }
    } else set.set(path, new Map());
  }
  return set;
}

/** FieldSet → the `fieldsV1` JSON of managedFields. */
export function toFieldsV1(set: FieldSet): Json {
  const out: Json = {};
  for (const [key, child] of set) out[key] = toFieldsV1(child);
  return out;
}

/** `fieldsV1` JSON → FieldSet. */
export function fromFieldsV1(json: unknown): FieldSet {
  const set: FieldSet = new Map();
  if (!isRecord(json)) return set;
  for (const [key, child] of Object.entries(json)) set.set(key, fromFieldsV1(child));
  return set;
}

function union(a: FieldSet, b: FieldSet): FieldSet {
  const out: FieldSet = new Map();
  for (const [k, v] of a) out.set(k, v);
  for (const [k, v] of b) out.set(k, out.has(k) ? union(out.get(k) as FieldSet, v) : v);
  return out;
}

/** Paths in `a` not in `b`; a whole subtree when its root is missing from `b`. */
function difference(a: FieldSet, b: FieldSet): FieldSet {
  const out: FieldSet = new Map();
  for (const [k, v] of a) {
    const other = b.get(k);
    if (other === undefined) out.set(k, v);
    else if (v.size > 0) {
      const d = difference(v, other);
      if (d.size > 0) out.set(k, d);
    }
  }
  return out;
}

/** Every leaf path of a set. */
function leaves(set: FieldSet, prefix: string[] = []): string[][] {
  const out: string[][] = [];
  for (const [k, v] of set) {
    if (v.size === 0) out.push([...prefix, k]);
    else out.push(...leaves(v, [...prefix, k]));
  }
  return out;
}

function has(set: FieldSet, path: string[]): boolean {
  let current: FieldSet | undefined = set;
  for (const p of path) {
    current = current?.get(p);
    if (current === undefined) return false;
  }
  return true;
}

function removePath(set: FieldSet, path: string[]): void {
  const [head, ...rest] = path;
  if (head === undefined) return;
  if (rest.length === 0) {
    set.delete(head);
    return;
  }
  const child = set.get(head);
  if (child === undefined) return;
  removePath(child, rest);
  if (child.size === 0) set.delete(head);
}

function findItem(items: unknown[], key: string): Json | undefined {
  const wanted = JSON.parse(key.slice(2)) as Json;
  return items.find(
    (item): item is Json =>
      isRecord(item) &&
      Object.entries(wanted).every(([k, v]) =>
        deepEqual(item[k] ?? (k === 'protocol' ? 'TCP' : undefined), v),
      ),
  );
}

/** The value at a FieldsV1 path, or undefined. */
function valueAt(object: unknown, path: string[]): unknown {
  let current: unknown = object;
  for (const p of path) {
    if (p === '.') continue;
    if (p.startsWith('f:')) current = isRecord(current) ? current[p.slice(2)] : undefined;
    else if (p.startsWith('k:')) current = Array.isArray(current) ? findItem(current, p) : undefined;
    else return undefined;
  }
  return current;
}

/** A path in the `.spec.template.spec.containers[name="web"].image` form of conflict messages. */
function describePath(path: string[]): string {
  let text = '';
  for (const p of path) {
    if (p === '.') continue;
    if (p.startsWith('f:')) text += `.${p.slice(2)}`;
    else if (p.startsWith('k:')) {
      const key = JSON.parse(p.slice(2)) as Json;
      text += `[${Object.entries(key)
        .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
        .join(',')}]`;
    }
  }
  return text;
}

function mergeValue(live: unknown, config: unknown, field: string): unknown {
  if (isRecord(live) && isRecord(config)) {
    const out: Json = { ...live };
    for (const [k, v] of Object.entries(config)) out[k] = mergeValue(live[k], v, k);
    return out;
  }
  if (Array.isArray(live) && Array.isArray(config)) {
    const keys = listKeys(field, config);
    if (keys !== undefined && listKeys(field, live) !== undefined) {
      const liveItems = live as Json[];
      const merged: unknown[] = [];
      const used = new Set<Json>();
      for (const item of config as Json[]) {
        const match = liveItems.find((l) => itemKey(l, keys) === itemKey(item, keys));
        if (match !== undefined) used.add(match);
        merged.push(match === undefined ? clone(item) : mergeValue(match, item, field));
      }
      for (const l of liveItems) if (!used.has(l)) merged.push(l);
      return merged;
    }
  }
  return clone(config);
}

function removeFields(value: unknown, set: FieldSet): void {
  if (isRecord(value)) {
    for (const [k, child] of set) {
      if (!k.startsWith('f:')) continue;
      const name = k.slice(2);
      if (child.size === 0) delete value[name];
      else removeFields(value[name], child);
    }
  } else if (Array.isArray(value)) {
    for (const [k, child] of set) {
      if (!k.startsWith('k:')) continue;
      const item = findItem(value, k);
      if (item === undefined) continue;
      if (child.has('.')) value.splice(value.indexOf(item), 1);
      else removeFields(item, child);
    }
  }
}

function managedEntries(object: KubeObject | undefined): ManagedFieldsEntry[] {
  const entries = object?.metadata?.managedFields;
  return Array.isArray(entries) ? (entries as ManagedFieldsEntry[]) : [];
}

/** What an apply produced. */
export interface ApplyOutcome {
  object: KubeObject;
  /** Content other than managedFields changed (or the object is new). */
  changed: boolean;
}

/**
 * Server-side apply of `config` by `manager` onto `live` (undefined: the object is created).
 * Conflicts (another manager owns a field the config sets to a different value) throw a 409 with one
 * `FieldManagerConflict` cause per field, unless `force` moves those fields to `manager`. Fields `manager`
 * applied before and no longer sets are removed when nobody else owns them.
 * The result has no server-set metadata (uid, resourceVersion...): the caller adds those.
 */
export function serverSideApply(
  live: KubeObject | undefined,
  config: KubeObject,
  manager: string,
  opts: { force: boolean; now: Date; apiVersion: string },
): ApplyOutcome {
  const entries = managedEntries(live).map((e) => ({ ...e, set: fromFieldsV1(e.fieldsV1) }));
  const self = entries.find((e) => e.manager === manager && e.operation === 'Apply');
  const previous = self?.set ?? new Map();
  const applied = fieldsOf(config);

  const conflicts: StatusCause[] = [];
  const base = live === undefined ? {} : clone(live);
  for (const other of entries) {
    if (other === self) continue;
    for (const path of leaves(applied)) {
      if (path[path.length - 1] === '.' || !has(other.set, path)) continue;
      if (deepEqual(valueAt(base, path), valueAt(config, path))) continue;
      if (opts.force) removePath(other.set, path);
      else
        conflicts.push({
          reason: 'FieldManagerConflict',
          message: `conflict with "${other.manager}"${other.operation === 'Update' ? ` using ${other.apiVersion}` : ''}`,
          field: describePath(path),
        });
    }
  }
  if (conflicts.length > 0) {
    const detail = conflicts.map((c) => `- ${c.message}: ${c.field}`).join('\n');
    throw new KubeApiError(
      409,
      'Conflict',
      `Apply failed with ${conflicts.length} conflict${conflicts.length === 1 ? '' : 's'}: ${conflicts.length === 1 ? `${conflicts[0]?.message}: ${conflicts[0]?.field}` : `\n${detail}`}`,
      { causes: conflicts },
    );
  }

  const merged = mergeValue(base, config, '') as KubeObject;
  const othersOwn = entries
    .filter((e) => e !== self)
    .reduce<FieldSet>((acc, e) => union(acc, e.set), new Map());
  removeFields(merged, difference(difference(previous, applied), othersOwn));

  const time = opts.now.toISOString().replace(/\.\d{3}Z$/, 'Z');
  const next: ManagedFieldsEntry[] = [];
  let selfWritten = false;
  for (const e of entries) {
    if (e === self) {
      next.push({
        ...stripSet(e),
        fieldsV1: toFieldsV1(applied),
        time: sameSet(previous, applied) ? e.time : time,
      });
      selfWritten = true;
    } else if (e.set.size > 0) next.push({ ...stripSet(e), fieldsV1: toFieldsV1(e.set) });
  }
  if (!selfWritten) {
    next.push({
      manager,
      operation: 'Apply',
      apiVersion: opts.apiVersion,
      time,
      fieldsType: 'FieldsV1',
      fieldsV1: toFieldsV1(applied),
    });
  }
  const metadata = { ...(merged.metadata ?? {}) };
  delete metadata.managedFields;
  const changed = live === undefined || !sameContent(live, { ...merged, metadata });
  merged.metadata = { ...metadata, managedFields: next };
  return { object: merged, changed };
}

function stripSet(e: ManagedFieldsEntry & { set: FieldSet }): ManagedFieldsEntry {
  const { set: _set, ...rest } = e;
  return rest;
}

function sameSet(a: FieldSet, b: FieldSet): boolean {
  return deepEqual(toFieldsV1(a), toFieldsV1(b));
}

/** Equal apart from managedFields and server bookkeeping. */
export function sameContent(a: KubeObject, b: KubeObject): boolean {
  const strip = (o: KubeObject): KubeObject => {
    const metadata = { ...(o.metadata ?? {}) };
    for (const k of ['managedFields', 'resourceVersion', 'generation', 'uid', 'creationTimestamp'])
      delete metadata[k];
    return { ...o, metadata };
  };
  return deepEqual(strip(a), strip(b));
}

/**
 * Field ownership after a non-apply write (create, update, merge or JSON patch) by `manager`: it takes the fields
 * whose values it added or changed, and other managers lose them.
 */
export function recordUpdate(
  before: KubeObject | undefined,
  after: KubeObject,
  manager: string,
  now: Date,
  apiVersion: string,
): void {
  const entries = managedEntries(before).map((e) => ({ ...e, set: fromFieldsV1(e.fieldsV1) }));
  const touched = new Map<string, FieldSet>();
  const all = fieldsOf(after);
  const changedPaths = leaves(all).filter(
    (path) => path[path.length - 1] === '.' || !deepEqual(valueAt(before ?? {}, path), valueAt(after, path)),
  );
  if (changedPaths.length === 0 && before !== undefined) {
    (after.metadata ??= {}).managedFields = managedEntries(before);
    return;
  }
  const mine: FieldSet = new Map();
  for (const path of changedPaths) {
    if (path[path.length - 1] === '.' && before !== undefined && valueAt(before, path) !== undefined)
      continue;
    let node = mine;
    for (const p of path) {
      if (!node.has(p)) node.set(p, new Map());
      node = node.get(p) as FieldSet;
    }
  }
  touched.set(manager, mine);
  const time = now.toISOString().replace(/\.\d{3}Z$/, 'Z');
  const next: ManagedFieldsEntry[] = [];
  let found = false;
  for (const e of entries) {
    const isSelf = e.manager === manager && e.operation === 'Update';
    let set = e.set;
    for (const path of leaves(mine)) if (!isSelf) removePath(set, path);
    if (isSelf) {
      set = union(set, mine);
      found = true;
      next.push({ ...stripSet(e), time, fieldsV1: toFieldsV1(set) });
    } else if (set.size > 0) next.push({ ...stripSet(e), fieldsV1: toFieldsV1(set) });
  }
  if (!found && mine.size > 0) {
    next.push({
      manager,
      operation: 'Update',
      apiVersion,
      time,
      fieldsType: 'FieldsV1',
      fieldsV1: toFieldsV1(mine),
    });
  }
  (after.metadata ??= {}).managedFields = next;
}

/** RFC 7386 JSON merge patch. */
export function mergePatch(target: unknown, patch: unknown): unknown {
  if (!isRecord(patch)) return clone(patch);
  const out: Json = isRecord(target) ? { ...target } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = mergePatch(out[k], v);
  }
  return out;
}

function pointer(path: string): string[] {
  if (path === '') return [];
  if (!path.startsWith('/'))
    throw new KubeApiError(422, 'Invalid', `invalid JSON pointer ${JSON.stringify(path)}`);
  return path
    .slice(1)
    .split('/')
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/** RFC 6902 JSON patch (add, remove, replace, test). A failed `test` or a missing path is a 422, as the API answers. */
export function jsonPatch(target: unknown, ops: unknown): unknown {
  if (!Array.isArray(ops))
    throw new KubeApiError(400, 'BadRequest', 'json patch must be a list of operations');
  let doc = clone(target);
  for (const raw of ops) {
    const op = raw as { op?: string; path?: string; value?: unknown };
    const parts = pointer(op.path ?? '');
    if (parts.length === 0) {
      if (op.op === 'test') {
        if (!deepEqual(doc, op.value)) throw new KubeApiError(422, 'Invalid', 'the test operation failed');
        continue;
      }
      doc = clone(op.value);
      continue;
    }
    const last = parts[parts.length - 1] as string;
    let parent: unknown = doc;
    for (const p of parts.slice(0, -1)) {
      parent = Array.isArray(parent) ? parent[Number(p)] : isRecord(parent) ? parent[p] : undefined;
      if (parent === undefined) throw new KubeApiError(422, 'Invalid', `doc is missing path: "${op.path}"`);
    }
    const current = Array.isArray(parent)
      ? parent[last === '-' ? parent.length : Number(last)]
      : isRecord(parent)
        ? parent[last]
        : undefined;
    switch (op.op) {
      case 'test':
        if (!deepEqual(current, op.value))
          throw new KubeApiError(
            422,
            'Invalid',
            `the test operation failed: ${op.path} is not ${JSON.stringify(op.value)}`,
          );
        break;
      case 'remove':
        if (current === undefined)
          throw new KubeApiError(422, 'Invalid', `doc is missing path: "${op.path}"`);
        if (Array.isArray(parent)) parent.splice(Number(last), 1);
        else delete (parent as Json)[last];
        break;
      case 'add':
        if (Array.isArray(parent))
          parent.splice(last === '-' ? parent.length : Number(last), 0, clone(op.value));
        else (parent as Json)[last] = clone(op.value);
        break;
      case 'replace':
        if (current === undefined)
          throw new KubeApiError(422, 'Invalid', `doc is missing path: "${op.path}"`);
        if (Array.isArray(parent)) parent[Number(last)] = clone(op.value);
        else (parent as Json)[last] = clone(op.value);
        break;
      default:
        throw new KubeApiError(
          400,
          'BadRequest',
          `unsupported json patch operation ${JSON.stringify(op.op)}`,
        );
    }
  }
  return doc;
}
