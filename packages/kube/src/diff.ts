/**
 * A line diff of two objects as YAML, for `dry-run: true`: what the apply would change, with server-managed
 * fields (managedFields, resourceVersion, status...) left out so only meaningful changes show.
 */
import { stringify } from 'yaml';
import { TRACE_ANNOTATIONS } from './decorate.js';
import { cloneJson, isRecord } from './types.js';
import type { KubeObject } from './types.js';

const SERVER_METADATA = [
  'managedFields',
  'resourceVersion',
  'generation',
  'uid',
  'creationTimestamp',
  'selfLink',
];
const CONTROLLER_ANNOTATIONS = [
  'deployment.kubernetes.io/revision',
  'kubectl.kubernetes.io/last-applied-configuration',
];

/** An object without server bookkeeping, status or the per-run trace annotations: what a user means by "the same". */
export function comparable(object: KubeObject): KubeObject {
  const copy = cloneJson(object);
  delete copy.status;
  const metadata = { ...copy.metadata };
  for (const k of SERVER_METADATA) delete metadata[k];
  if (isRecord(metadata.annotations)) {
    const annotations = { ...metadata.annotations };
    for (const k of [...TRACE_ANNOTATIONS, ...CONTROLLER_ANNOTATIONS]) delete annotations[k];
    if (Object.keys(annotations).length === 0) delete metadata.annotations;
    else metadata.annotations = annotations;
  }
  copy.metadata = metadata;
  return copy;
}

function sorted(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sorted);
  if (isRecord(value)) {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(value).sort()) out[k] = sorted(value[k]);
    return out;
  }
  return value;
}

/** The object as YAML with keys sorted, so two versions line up. */
export function canonicalYaml(object: KubeObject): string {
  return stringify(sorted(comparable(object)), { lineWidth: 0 });
}

/** True when two versions of an object differ in anything but bookkeeping. */
export function sameObject(a: KubeObject, b: KubeObject): boolean {
  return canonicalYaml(a) === canonicalYaml(b);
}

/** A unified diff of two texts with `context` lines around each change; '' when they are equal. */
export function unifiedDiff(before: string, after: string, labels: [string, string], context = 3): string {
  const a = before === '' ? [] : before.replace(/\n$/, '').split('\n');
  const b = after === '' ? [] : after.replace(/\n$/, '').split('\n');
  // Longest common subsequence table, from the end, so the walk below reads forward.
  const lcs: number[][] = Array.from({ length: a.length + 1 }, () => new Array<number>(b.length + 1).fill(0));
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) {
      lcs[i]![j] =
        a[i] === b[j] ? (lcs[i + 1]![j + 1] ?? 0) + 1 : Math.max(lcs[i + 1]![j] ?? 0, lcs[i]![j + 1] ?? 0);
    }
  }
  const ops: Array<{ op: ' ' | '-' | '+'; line: string }> = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (i < a.length && j < b.length && a[i] === b[j]) {
      ops.push({ op: ' ', line: a[i] as string });
      i++;
      j++;
    } else if (j < b.length && (i >= a.length || (lcs[i]![j + 1] ?? 0) > (lcs[i + 1]![j] ?? 0))) {
      ops.push({ op: '+', line: b[j] as string });
      j++;
    } else {
      ops.push({ op: '-', line: a[i] as string });
      i++;
    }
  }
  if (ops.every((o) => o.op === ' ')) return '';
  const keep = ops.map(() => false);
  ops.forEach((o, k) => {
    if (o.op === ' ') return;
    for (let c = Math.max(0, k - context); c <= Math.min(ops.length - 1, k + context); c++) keep[c] = true;
  });
  const out = [`--- ${labels[0]}`, `+++ ${labels[1]}`];
  let gap = true;
  ops.forEach((o, k) => {
    if (!keep[k]) {
      gap = true;
      return;
    }
    if (gap) out.push('@@');
    gap = false;
    out.push(`${o.op}${o.line}`);
  });
  return `${out.join('\n')}\n`;
}

/** The diff an apply makes to an object (from nothing when it is new). */
export function objectDiff(before: KubeObject | undefined, after: KubeObject, label: string): string {
  return unifiedDiff(before === undefined ? '' : canonicalYaml(before), canonicalYaml(after), [
    before === undefined ? '/dev/null' : `${label} (live)`,
    `${label} (after apply)`,
  ]);
}
