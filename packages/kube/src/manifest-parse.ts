/**
 * Parsing manifest text: multi-document YAML (JSON is YAML too) and `kind: List`, each object with the file and
 * line it starts at. YAML 1.1, as kubectl reads it (sigs.k8s.io/yaml): `defaultMode: 0644` is octal and `yes` is a
 * boolean. Every problem is collected, not thrown, so one run reports all of them.
 */
import { LineCounter, isMap, isSeq, parseAllDocuments } from 'yaml';
import type { Node } from 'yaml';
import { ManifestError } from './errors.js';
import { isRecord } from './types.js';
import type { KubeObject, Manifest, SourceLocation } from './types.js';

/** What one file (or one kustomize build) held. */
export interface ParsedManifests {
  manifests: Manifest[];
  errors: ManifestError[];
}

const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

function lineOf(node: Node | null | undefined, counter: LineCounter, fallback: number): number {
  const start = node?.range?.[0];
  return start === undefined ? fallback : counter.linePos(start).line;
}

/** The problem with one object, or undefined when it has what an apply needs. */
export function objectProblem(value: unknown): string | undefined {
  if (!isRecord(value)) return 'a manifest must be a mapping with apiVersion, kind and metadata';
  const kind = value.kind;
  const apiVersion = value.apiVersion;
  if (typeof kind !== 'string' || kind.trim() === '') return 'object has no kind';
  if (typeof apiVersion !== 'string' || apiVersion.trim() === '') return `${kind} has no apiVersion`;
  if (!/^([a-z0-9.-]+\/)?v[0-9]+((alpha|beta)[0-9]+)?$/.test(apiVersion)) {
    return `${kind} has an invalid apiVersion ${JSON.stringify(apiVersion)} (expected group/version such as apps/v1, or v1)`;
  }
  const metadata = value.metadata;
  if (!isRecord(metadata)) return `${kind} has no metadata`;
  const name = metadata.name;
  if (typeof name !== 'string' || name === '') {
    return metadata.generateName !== undefined
      ? `${kind} uses metadata.generateName, which server-side apply cannot use: give it a metadata.name`
      : `${kind} has no metadata.name`;
  }
  if (name.length > 253 || !DNS_SUBDOMAIN.test(name)) {
    return `${kind} name ${JSON.stringify(name)} is not a valid name (lower-case letters, digits, '-' and '.')`;
  }
  if (
    metadata.namespace !== undefined &&
    (typeof metadata.namespace !== 'string' || !/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(metadata.namespace))
  ) {
    return `${kind} ${name} has an invalid metadata.namespace ${JSON.stringify(metadata.namespace)}`;
  }
  return undefined;
}

/**
 * Parses every document of `text` (from `file`). Empty documents are skipped; a `kind: List` (or any `*List`
 * with `items`) contributes its items, each located at its own line.
 */
export function parseManifests(text: string, file: string, lineOffset = 0): ParsedManifests {
  const counter = new LineCounter();
  const manifests: Manifest[] = [];
  const errors: ManifestError[] = [];
  const at = (line: number): SourceLocation => ({ file, line: line + lineOffset });
  const docs = parseAllDocuments(text, {
    lineCounter: counter,
    version: '1.1',
    merge: true,
    prettyErrors: false,
  });
  for (const doc of Array.isArray(docs) ? docs : [docs]) {
    const first = doc.errors[0];
    if (first !== undefined) {
      // One error per document: the ones after the first are mostly its echoes.
      const line = first.linePos?.[0].line ?? counter.linePos(first.pos[0]).line;
      errors.push(
        new ManifestError(
          at(line),
          `YAML syntax error: ${first.message.split('\n')[0]?.replace(/ at line \d+, column \d+:?$/, '')}`,
        ),
      );
      continue;
    }
    if (doc.contents === null) continue;
    const docLine = lineOf(doc.contents, counter, 1);
    let value: unknown;
    try {
      value = doc.toJS({ maxAliasCount: 1000 });
    } catch (e) {
      errors.push(
        new ManifestError(at(docLine), `YAML error: ${e instanceof Error ? e.message : String(e)}`),
      );
      continue;
    }
    if (value === null || value === undefined) continue;
    const kind = isRecord(value) ? value.kind : undefined;
    if (isRecord(value) && typeof kind === 'string' && kind.endsWith('List') && Array.isArray(value.items)) {
      const itemsNode = isMap(doc.contents) ? doc.contents.get('items', true) : undefined;
      const itemNodes = isSeq(itemsNode) ? itemsNode.items : [];
      value.items.forEach((item, i) => {
        const line = lineOf(itemNodes[i] as Node | undefined, counter, docLine);
        const problem = objectProblem(item);
        if (problem !== undefined)
          errors.push(new ManifestError(at(line), `${kind} item ${i + 1}: ${problem}`));
        else manifests.push({ object: item as KubeObject, source: at(line) });
      });
      continue;
    }
    const problem = objectProblem(value);
    if (problem !== undefined) errors.push(new ManifestError(at(docLine), problem));
    else manifests.push({ object: value as KubeObject, source: at(docLine) });
  }
  return { manifests, errors };
}
