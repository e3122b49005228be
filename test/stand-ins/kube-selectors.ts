// Label and field selectors of LIST and WATCH requests.
// Reference: https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#label-selectors and
// https://kubernetes.io/docs/concepts/overview/working-with-objects/field-selectors/
import { badRequest } from './kube-status.js';

/** A parsed selector: true when an object matches. */
export type Matcher = (object: Record<string, unknown>) => boolean;

type Requirement =
  | { op: 'exists' | 'not-exists'; key: string }
  | { op: '=' | '!='; key: string; value: string }
  | { op: 'in' | 'notin'; key: string; values: string[] };

/** Splits at commas that are not inside parentheses (`env in (a,b),tier=web`). */
function splitTerms(text: string): string[] {
  const terms: string[] = [];
  let depth = 0;
  let current = '';
  for (const char of text) {
    if (char === '(') depth += 1;
    if (char === ')') depth -= 1;
    if (char === ',' && depth === 0) {
      terms.push(current);
      current = '';
    } else current += char;
  }
  terms.push(current);
  return terms.map((t) => t.trim()).filter((t) => t !== '');
}

function parseRequirement(term: string, kind: 'label' | 'field'): Requirement {
  const set = /^([^\s!=]+)\s+(in|notin)\s+\(([^)]*)\)$/.exec(term);
  if (set && kind === 'label') {
    const values = (set[3] ?? '').split(',').map((v) => v.trim());
    return { op: set[2] as 'in' | 'notin', key: set[1] ?? '', values };
  }
  const cmp = /^([^\s!=]+)\s*(==|=|!=)\s*(.*)$/.exec(term);
  if (cmp) return { op: cmp[2] === '!=' ? '!=' : '=', key: cmp[1] ?? '', value: (cmp[3] ?? '').trim() };
  if (kind === 'label' && /^![^\s!=()]+$/.test(term)) return { op: 'not-exists', key: term.slice(1) };
  if (kind === 'label' && /^[^\s!=()]+$/.test(term)) return { op: 'exists', key: term };
  throw badRequest(`unable to parse requirement: ${kind} selector "${term}"`);
}

function test(req: Requirement, value: string | undefined): boolean {
  switch (req.op) {
    case 'exists':
      return value !== undefined;
    case 'not-exists':
      return value === undefined;
    case '=':
      return value === req.value;
    case '!=':
      return value !== req.value;
    case 'in':
      return value !== undefined && req.values.includes(value);
    case 'notin':
      return value === undefined || !req.values.includes(value);
  }
}

/** Parses a label selector (`app=web,tier in (a,b),!canary`); undefined or empty matches everything. */
export function labelSelector(text: string | undefined): Matcher {
  if (text === undefined || text.trim() === '') return () => true;
  const reqs = splitTerms(text).map((t) => parseRequirement(t, 'label'));
  return (object) => {
    const metadata = (object.metadata ?? {}) as { labels?: Record<string, string> };
    const labels = metadata.labels ?? {};
    return reqs.every((r) => test(r, labels[r.key]));
  };
}

function fieldValue(object: Record<string, unknown>, path: string): string | undefined {
  let current: unknown = object;
  for (const part of path.split('.')) {
    if (typeof current !== 'object' || current === null) return undefined;
    current = (current as Record<string, unknown>)[part];
  }
  if (current === undefined || current === null) return '';
  return typeof current === 'object' ? JSON.stringify(current) : String(current);
}

/**
 * Parses a field selector (`metadata.name=web,involvedObject.kind=Pod`). Any dotted path is accepted: the real
 * server limits the fields per resource, which a client that only uses documented ones never notices.
 */
export function fieldSelector(text: string | undefined): Matcher {
  if (text === undefined || text.trim() === '') return () => true;
  const reqs = splitTerms(text).map((t) => parseRequirement(t, 'field'));
  return (object) => reqs.every((r) => test(r, fieldValue(object, r.key)));
}

/** A `matchLabels` / `matchExpressions` label selector object as a matcher over a labels map. */
export function selectorMatches(
  selector: { matchLabels?: Record<string, string>; matchExpressions?: unknown[] } | undefined,
  labels: Record<string, string> | undefined,
): boolean {
  if (selector === undefined) return false;
  const have = labels ?? {};
  for (const [key, value] of Object.entries(selector.matchLabels ?? {}))
    if (have[key] !== value) return false;
  for (const raw of selector.matchExpressions ?? []) {
    const e = raw as { key: string; operator: string; values?: string[] };
    const value = have[e.key];
    const values = e.values ?? [];
    const ok =
      e.operator === 'In'
        ? value !== undefined && values.includes(value)
        : e.operator === 'NotIn'
          ? value === undefined || !values.includes(value)
          : e.operator === 'Exists'
            ? value !== undefined
            : value === undefined;
    if (!ok) return false;
  }
  return true;
}
