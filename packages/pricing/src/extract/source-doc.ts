/**
 * One document read from a spec file, and typed readers over its plain value that name the field when the
 * value has the wrong shape.
 */
import { formatPath } from './format.js';

/** A field's place in a document: keys and list indexes from the document's root. */
export type Path = readonly (string | number)[];

/** A plain-data mapping from a spec. */
export type Obj = Record<string, unknown>;

/** One document (or one item of a `kind: List`) of a spec file. */
export interface SourceDoc {
  file: string;
  /** The document as plain data (what `JSON.parse` or `yaml`'s `toJS` gives). */
  value: unknown;
  /** 1-based line where the document's content (its first key) starts. */
  line: number;
  /** 1-based line of the field at `path`, or of its closest ancestor that exists. */
  lineOf(path: Path): number;
  /** 1-based lines of each item of the list at `path` (empty when there is no list there). */
  itemLines(path: Path): number[];
}

/** A field whose value a spec cannot have; becomes a SpecError at the field's line. */
export class FieldError extends Error {
  constructor(
    readonly path: Path,
    readonly detail: string,
  ) {
    super(`${formatPath(path)}: ${detail}`);
    this.name = 'FieldError';
  }
}

/** Whether `value` is a mapping (not a list, not null). */
export function isObj(value: unknown): value is Obj {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `parent[key]` as a mapping; `undefined` when absent or null. @throws FieldError when it is something else. */
export function readObj(parent: Obj | undefined, key: string, path: Path): Obj | undefined {
  const value = parent?.[key];
  if (value === undefined || value === null) return undefined;
  if (!isObj(value)) throw new FieldError([...path, key], `expected a mapping, found ${describe(value)}`);
  return value;
}

/** `parent[key]` as a list; `undefined` when absent or null. @throws FieldError when it is something else. */
export function readList(parent: Obj | undefined, key: string, path: Path): unknown[] | undefined {
  const value = parent?.[key];
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value))
    throw new FieldError([...path, key], `expected a list, found ${describe(value)}`);
  return value;
}

/** `parent[key]` as a string; `undefined` when absent or null. @throws FieldError when it is something else. */
export function readString(parent: Obj | undefined, key: string, path: Path): string | undefined {
  const value = parent?.[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string')
    throw new FieldError([...path, key], `expected a string, found ${describe(value)}`);
  return value;
}

/**
 * `parent[key]` as a whole number ≥ `min`; `undefined` when absent or null. `numericStrings`: also accept
 * `"3"` (annotations and ECS fields are strings). @throws FieldError otherwise.
 */
export function readInt(
  parent: Obj | undefined,
  key: string,
  path: Path,
  min = 0,
  numericStrings = false,
): number | undefined {
  const value = parent?.[key];
  if (value === undefined || value === null) return undefined;
  const number =
    typeof value === 'number'
      ? value
      : numericStrings && typeof value === 'string'
        ? Number(value.trim())
        : NaN;
  if (typeof value === 'string' && value.trim() === '') {
    throw new FieldError([...path, key], `expected a whole number, found ""`);
  }
  if (!Number.isInteger(number) || number < min) {
    throw new FieldError([...path, key], `expected a whole number ≥ ${min}, found ${describe(value)}`);
  }
  return number;
}

/** A short description of a value for a message: `"abc"`, `12`, `a list`, `a mapping`. */
export function describe(value: unknown): string {
  if (Array.isArray(value)) return 'a list';
  if (isObj(value)) return 'a mapping';
  if (typeof value === 'string') return JSON.stringify(value);
  return String(value);
}
