/**
 * Spec file text → documents with line numbers, or the syntax error with its line.
 *
 * YAML is read by two libraries, each for what it does best. js-yaml reads a valid stream several times faster
 * than `yaml` (measured: ~18,000 vs ~3,500 Deployment documents a second here), so it reads every file first,
 * noting the line each document starts on. `yaml`'s parseAllDocuments with a LineCounter keeps every node's
 * position: it is used when a line inside a document is asked for (an error in a field, a `kind: List` item),
 * and for any stream js-yaml refuses — then a document with syntax errors yields one SpecError (its first
 * error) and is dropped, and the other documents of the stream are still read. JSON goes through JSON.parse; a
 * syntax error's line comes from json-scan.ts, so it is the same on every Node version.
 */
import jsyaml from 'js-yaml';
import { isAlias, isMap, isScalar, isSeq, LineCounter, parseAllDocuments } from 'yaml';
import type { Document } from 'yaml';
import type { SpecError } from '../types.js';
import { findJsonItemOffsets, findJsonSyntaxError, findJsonValueOffset, lineLocator } from './json-scan.js';
import type { Path, SourceDoc } from './source-doc.js';

/** The documents of one file, and its syntax errors. */
export interface FileDocuments {
  docs: SourceDoc[];
  errors: SpecError[];
}

/** Reads a spec file: JSON when the name ends in `.json` (or the text is a JSON object), else YAML. */
export function readDocuments(file: string, text: string): FileDocuments {
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  if (file.toLowerCase().endsWith('.json')) return readJson(file, text);
  if (text.trimStart().startsWith('{')) {
    // YAML is (nearly) a superset of JSON, but JSON.parse is much faster and gives the same value.
    try {
      return { docs: [jsonDoc(file, text, JSON.parse(text))], errors: [] };
    } catch {
      // Not JSON after all: a YAML flow mapping, or broken. YAML decides.
    }
  }
  return readYaml(file, text);
}

function readJson(file: string, text: string): FileDocuments {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    const problem = findJsonSyntaxError(text) ?? { offset: text.length, message: (error as Error).message };
    const line = lineLocator(text)(problem.offset);
    return { docs: [], errors: [{ file, line, message: `JSON syntax error: ${problem.message}` }] };
  }
  return { docs: [jsonDoc(file, text, value)], errors: [] };
}

function jsonDoc(file: string, text: string, value: unknown): SourceDoc {
  let locate: ((offset: number) => number) | undefined;
  const lineAt = (offset: number): number => (locate ??= lineLocator(text))(offset);
  const start = text.length - text.trimStart().length;
  return {
    file,
    value,
    line: lineAt(start),
    lineOf(path) {
      for (let n = path.length; n > 0; n--) {
        const offset = findJsonValueOffset(text, path.slice(0, n));
        if (offset !== null) return lineAt(offset);
      }
      return lineAt(start);
    },
    itemLines(path) {
      return findJsonItemOffsets(text, path).map(lineAt);
    },
  };
}

/**
 * YAML 1.2's core schema (what `yaml` reads by default) plus merge keys (`<<`), which manifests use with anchors.
 * js-yaml's default schema would also turn timestamps into Dates, which `yaml` leaves as strings.
 */
// js-yaml exports its built-in types as `types`; @types/js-yaml does not declare it.
const { merge } = (jsyaml as unknown as { types: { merge: jsyaml.Type } }).types;
const SCHEMA = jsyaml.CORE_SCHEMA.extend({ implicit: [merge] });

/**
 * An anchor (`&name`) anywhere in the text. js-yaml expands aliases without a limit, so a stream with anchors
 * goes to `yaml`, which caps alias expansion (an "alias bomb" is refused, not expanded).
 */
const ANCHOR = /(?:^|[\s[{,:-])&[\w.-]/m;

/** A valid stream's documents and the line each starts on; `null` when js-yaml refuses the text. */
export function loadYamlStream(text: string): Array<{ value: unknown; line: number }> | null {
  // Most streams have no `&` at all: a plain search rules that out without running the pattern over the text.
  if (text.includes('&') && ANCHOR.test(text)) return null;
  const values: unknown[] = [];
  const lines: number[] = [];
  let seen = -1;
  try {
    jsyaml.loadAll(text, (value) => values.push(value), {
      schema: SCHEMA,
      // The first node opened in each document is its root: the document starts on that node's line.
      // (`documents` is on js-yaml's state object; @types/js-yaml leaves it out.)
      listener(event, state) {
        const { documents, line } = state as unknown as { documents: unknown[]; line: number };
        if (event === 'open' && documents.length !== seen) {
          seen = documents.length;
          lines.push(line + 1);
        }
      },
    });
  } catch {
    return null;
  }
  return values.map((value, i) => ({ value: value === undefined ? null : value, line: lines[i] ?? 1 }));
}

function readYaml(file: string, text: string): FileDocuments {
  const stream = loadYamlStream(text);
  if (stream === null) return readYamlFully(file, text);
  // Positions inside a document are needed only for errors and list items: parse with positions on demand.
  let full: { docs: Document[]; lineCounter: LineCounter } | undefined;
  const fullDoc = (index: number): { doc: Document | undefined; lineCounter: LineCounter } => {
    if (full === undefined) {
      const lineCounter = new LineCounter();
      full = { docs: parseAllDocuments(text, { lineCounter, merge: true }) as Document[], lineCounter };
    }
    return { doc: full.docs[index], lineCounter: full.lineCounter };
  };
  const docs: SourceDoc[] = [];
  stream.forEach(({ value, line }, index) => {
    if (value === null) return;
    docs.push({
      file,
      value,
      line,
      lineOf: (path) => {
        const { doc, lineCounter } = fullDoc(index);
        return doc === undefined ? line : astLine(doc, lineCounter, path, line);
      },
      itemLines: (path) => {
        const { doc, lineCounter } = fullDoc(index);
        return doc === undefined ? [] : astItemLines(doc, lineCounter, path);
      },
    });
  });
  return { docs, errors: [] };
}

function readYamlFully(file: string, text: string): FileDocuments {
  const lineCounter = new LineCounter();
  const docs: SourceDoc[] = [];
  const errors: SpecError[] = [];
  for (const doc of parseAllDocuments(text, { lineCounter, merge: true })) {
    const problem = doc.errors[0];
    if (problem !== undefined) {
      const pos = problem.linePos?.[0] ?? lineCounter.linePos(problem.pos[0]);
      // The message repeats the position and a code excerpt after its first line; keep the first sentence.
      const what = (problem.message.split('\n')[0] as string).replace(/ at line \d+, column \d+:?$/, '');
      errors.push({ file, line: pos.line, message: `YAML syntax error: ${what} (column ${pos.col})` });
      continue;
    }
    if (doc.contents === null) continue;
    const line = lineCounter.linePos(doc.contents.range?.[0] ?? 0).line;
    let value: unknown;
    try {
      value = doc.toJS({ maxAliasCount: 100 });
    } catch (error) {
      errors.push({ file, line, message: `YAML: ${(error as Error).message}` });
      continue;
    }
    // An empty document with a comment, or an explicit `null`: nothing, as the fast reader also has it.
    if (value === null) continue;
    docs.push({
      file,
      value,
      line,
      lineOf: (path) => astLine(doc, lineCounter, path, line),
      itemLines: (path) => astItemLines(doc, lineCounter, path),
    });
  }
  return { docs, errors };
}

// Walks the parsed node tree along `path`: the line of the last key or item found.
function astNode(doc: Document, path: Path, onStep: (offset: number) => void): unknown {
  let node: unknown = doc.contents;
  for (const key of path) {
    if (isAlias(node)) node = node.resolve(doc);
    if (isMap(node)) {
      const pair = node.items.find((p) => (isScalar(p.key) ? String(p.key.value) : p.key) === key);
      if (pair === undefined || !isScalar(pair.key)) return undefined;
      onStep(pair.key.range?.[0] ?? 0);
      node = pair.value;
    } else if (isSeq(node) && typeof key === 'number') {
      const item = node.items[key] as { range?: [number, number, number] } | undefined;
      if (item === undefined || item === null) return undefined;
      onStep(item.range?.[0] ?? 0);
      node = item;
    } else {
      return undefined;
    }
  }
  return isAlias(node) ? node.resolve(doc) : node;
}

function astLine(doc: Document, lineCounter: LineCounter, path: Path, fallback: number): number {
  let offset = -1;
  astNode(doc, path, (o) => (offset = o));
  return offset === -1 ? fallback : lineCounter.linePos(offset).line;
}

function astItemLines(doc: Document, lineCounter: LineCounter, path: Path): number[] {
  const node = astNode(doc, path, () => undefined);
  if (!isSeq(node)) return [];
  return node.items.map((item) => lineCounter.linePos((item as { range?: number[] }).range?.[0] ?? 0).line);
}
