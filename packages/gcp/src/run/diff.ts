/**
 * The difference between a live resource and the one a deploy would send, as a list of changed paths, and both as
 * text for the log and the job summary. Environment variable values never appear: they are shown as `(hidden)`,
 * since workflows put credentials there despite Secret Manager.
 */
import { canonicalJson, clone, prune } from './normalize.js';

/** One changed field. */
export interface Change {
  /** Dotted path; list items that have a `name` are addressed by it: `template.containers[app].env[PORT]`. */
  path: string;
  kind: 'added' | 'removed' | 'changed';
  before?: unknown;
  after?: unknown;
}

const HIDDEN = '(hidden)';

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !ArrayBuffer.isView(v);
}

function named(list: unknown[]): boolean {
  const names = list.map((x) => (isObject(x) && typeof x.name === 'string' ? x.name : undefined));
  return names.every((n) => n !== undefined) && new Set(names).size === names.length;
}

function walk(before: unknown, after: unknown, path: string, out: Change[]): void {
  if (canonicalJson(before) === canonicalJson(after)) return;
  if (before === undefined) {
    out.push({ path, kind: 'added', after });
    return;
  }
  if (after === undefined) {
    out.push({ path, kind: 'removed', before });
    return;
  }
  if (isObject(before) && isObject(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
    for (const k of keys) walk(before[k], after[k], path === '' ? k : `${path}.${k}`, out);
    return;
  }
  if (Array.isArray(before) && Array.isArray(after) && named(before) && named(after)) {
    const byName = (list: unknown[]) => new Map(list.map((x) => [(x as { name: string }).name, x]));
    const b = byName(before);
    const a = byName(after);
    for (const name of [...new Set([...b.keys(), ...a.keys()])])
      walk(b.get(name), a.get(name), `${path}[${name}]`, out);
    return;
  }
  if (
    Array.isArray(before) &&
    Array.isArray(after) &&
    before.length === after.length &&
    [...before, ...after].every(isObject)
  ) {
    before.forEach((b, i) => walk(b, after[i], `${path}[${i}]`, out));
    return;
  }
  out.push({ path, kind: 'changed', before, after });
}

/** The changes from `before` to `after`, both pruned to the fields that carry a value. */
export function diffSpecs(before: unknown, after: unknown): Change[] {
  const out: Change[] = [];
  walk(prune(clone(before)) ?? undefined, prune(clone(after)) ?? undefined, '', out);
  return out;
}

/** Whether a path is an environment variable or its value. */
function isEnvPath(path: string): boolean {
  return /(?:^|\.)env\[[^\]]*\](?:\.value)?$/.test(path);
}

/** A copy of a resource with every environment variable's value replaced by `(hidden)`. */
export function hideEnvValues<T>(resource: T): T {
  const copy = clone(resource);
  const visit = (v: unknown, key: string | undefined): void => {
    if (Array.isArray(v)) {
      for (const item of v) {
        if (key === 'env' && isObject(item) && typeof item.value === 'string' && item.value !== '')
          item.value = HIDDEN;
        else visit(item, undefined);
      }
    } else if (isObject(v)) {
      for (const [k, x] of Object.entries(v)) visit(x, k);
    }
  };
  visit(copy, undefined);
  return copy;
}

function show(value: unknown, path: string): string {
  if (isEnvPath(path)) {
    if (typeof value === 'string') return HIDDEN;
    return JSON.stringify(hideEnvValues({ env: [value] }).env[0]);
  }
  if (Array.isArray(value) || isObject(value)) return JSON.stringify(hideEnvValues(value));
  return JSON.stringify(value);
}

/** One line per change: `+ path: value`, `- path: value`, `~ path: before → after`. */
export function renderChanges(changes: Change[]): string[] {
  return changes.map((c) => {
    if (c.kind === 'added') return `+ ${c.path}: ${show(c.after, c.path)}`;
    if (c.kind === 'removed') return `- ${c.path}: ${show(c.before, c.path)}`;
    return `~ ${c.path}: ${show(c.before, c.path)} → ${show(c.after, c.path)}`;
  });
}
