/**
 * Typed, strict readers for action inputs. Every reader records problems instead of throwing, so that one run
 * reports every bad input at once; {@link InputReader.done} (called by {@link readInputs}) throws them together.
 */
import { formatDuration, parseDuration } from './duration.js';
import { parseKeyValueLines } from './inputs-map.js';
import { parseStructured } from './inputs-structured.js';

/** One invalid input and what is wrong with it (without the `input \`name\`:` prefix). */
export interface InputProblem {
  input: string;
  message: string;
}

/**
 * Every problem found in an action's inputs. The message has one line per problem, each naming its input
 * (`input \`region\`: must be one of …`); with a single problem the message is that line.
 */
export class InputError extends Error {
  readonly problems: ReadonlyArray<InputProblem>;

  constructor(problems: ReadonlyArray<InputProblem>) {
    super(problems.map((p) => `input \`${p.input}\`: ${p.message}`).join('\n'));
    this.name = 'InputError';
    this.problems = Object.freeze(problems.map((p) => ({ input: p.input, message: p.message })));
  }
}

/** Where raw input values come from: `undefined` or `''` (or only whitespace) means "not set". */
export type InputSource = (name: string) => string | undefined;

/**
 * Reads inputs from the environment as the runner sets them: `INPUT_` + the name with spaces turned into `_`
 * and upper-cased; hyphens are kept (`aws-region` → `INPUT_AWS-REGION`). Reads at call time, never at import.
 */
export const envInputSource: InputSource = (name) =>
  process.env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`];

const REQUIRED = 'is required but was not set';
const SHOWN_LENGTH = 60;

/** A value quoted for an error message, shortened so that one line stays one line. */
function shown(value: string): string {
  const cut = value.length > SHOWN_LENGTH ? `${value.slice(0, SHOWN_LENGTH - 1)}…` : value;
  return JSON.stringify(cut);
}

function withoutStatefulFlags(re: RegExp): RegExp {
  return re.global || re.sticky ? new RegExp(re.source, re.flags.replace(/[gy]/g, '')) : re;
}

const INTEGER = /^[+-]?\d+$/;
const DECIMAL = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;
const TRUE_VALUES = ['true', 'True', 'TRUE'];
const FALSE_VALUES = ['false', 'False', 'FALSE'];

/**
 * Strict, typed readers over an {@link InputSource}.
 *
 * A reader that finds a problem records it and returns a stand-in (the default, `''`, `0`, `false`, the first
 * allowed value, `[]`, `{}` or `undefined`), so the caller can keep reading; call {@link done} (or use
 * {@link readInputs}) before trusting any value. Readers of typed values (boolean, integer, number, duration,
 * enum) treat an input without a default as required, since no value would be right.
 */
export class InputReader {
  readonly #source: InputSource;
  readonly #problems: InputProblem[] = [];

  /** @param source where values come from; the runner's environment by default. */
  constructor(source: InputSource = envInputSource) {
    this.#source = source;
  }

  /** The problems recorded so far. */
  get problems(): ReadonlyArray<InputProblem> {
    return [...this.#problems];
  }

  /** The raw value, or `undefined` when it is not set (absent, empty or only whitespace). */
  #raw(name: string): string | undefined {
    const value = this.#source(name);
    return value === undefined || value.trim() === '' ? undefined : value;
  }

  /** The trimmed value; when absent, records a problem if it is required. */
  #trimmed(name: string, required: boolean): string | undefined {
    const raw = this.#raw(name);
    if (raw === undefined && required) this.fail(name, REQUIRED);
    return raw?.trim();
  }

  /**
   * A trimmed string; the default (or `''`) when absent and not required. `pattern` must match the whole
   * trimmed value as written (anchor it); `hint` explains the expected form in the error.
   */
  string(
    name: string,
    opts: { required?: boolean; default?: string; pattern?: RegExp; hint?: string } = {},
  ): string {
    const value = this.#trimmed(name, opts.required === true);
    if (value === undefined) return opts.default ?? '';
    if (opts.pattern && !withoutStatefulFlags(opts.pattern).test(value)) {
      this.fail(
        name,
        `must match ${String(opts.pattern)}${opts.hint ? ` (${opts.hint})` : ''}, got ${shown(value)}`,
      );
    }
    return value;
  }

  /** A trimmed string, or `undefined` when not set. */
  optionalString(name: string): string | undefined {
    return this.#raw(name)?.trim();
  }

  /**
   * A boolean written as YAML 1.2 core schema allows, like `@actions/core`'s `getBooleanInput`: `true`, `True`,
   * `TRUE`, `false`, `False`, `FALSE`; nothing else (no `yes`, `1`, `on`).
   */
  boolean(name: string, opts: { default?: boolean; required?: boolean } = {}): boolean {
    const value = this.#trimmed(name, opts.required === true || opts.default === undefined);
    if (value === undefined) return opts.default ?? false;
    if (TRUE_VALUES.includes(value)) return true;
    if (FALSE_VALUES.includes(value)) return false;
    this.fail(name, `must be true or false (also True, TRUE, False, FALSE), got ${shown(value)}`);
    return opts.default ?? false;
  }

  /** A whole number in decimal (`-3`, `+7`, `42`); rejects `1.5`, `1e3`, `0x10`, `7x`. */
  integer(
    name: string,
    opts: { default?: number; min?: number; max?: number; required?: boolean } = {},
  ): number {
    const value = this.#trimmed(name, opts.required === true || opts.default === undefined);
    if (value === undefined) return opts.default ?? 0;
    const n = Number(value);
    if (!INTEGER.test(value) || !Number.isSafeInteger(n)) {
      this.fail(name, `must be a whole number, got ${shown(value)}`);
      return opts.default ?? 0;
    }
    this.#checkRange(name, n, opts.min, opts.max, String);
    return n;
  }

  /** A finite decimal number (`0.5`, `-2`, `1e3`); rejects `Infinity`, `NaN`, `0x10`, `1,5`. */
  number(
    name: string,
    opts: { default?: number; min?: number; max?: number; required?: boolean } = {},
  ): number {
    const value = this.#trimmed(name, opts.required === true || opts.default === undefined);
    if (value === undefined) return opts.default ?? 0;
    const n = Number(value);
    if (!DECIMAL.test(value) || !Number.isFinite(n)) {
      this.fail(name, `must be a number, got ${shown(value)}`);
      return opts.default ?? 0;
    }
    this.#checkRange(name, n, opts.min, opts.max, String);
    return n;
  }

  /**
   * A duration in milliseconds, written `90s`, `10m`, `1h30m`, `1h`, `500ms` or `2h5m10s` (units h, m, s, ms,
   * largest first). A bare number is rejected because its unit would be a guess. `default`, `min` and `max` are
   * written the same way; a malformed one is a programming error and throws at once.
   */
  duration(
    name: string,
    opts: { default?: string; min?: string; max?: string; required?: boolean } = {},
  ): number {
    const fallback = opts.default === undefined ? undefined : durationOption('default', opts.default);
    const min = opts.min === undefined ? undefined : durationOption('min', opts.min);
    const max = opts.max === undefined ? undefined : durationOption('max', opts.max);
    const value = this.#trimmed(name, opts.required === true || fallback === undefined);
    if (value === undefined) return fallback ?? 0;
    const ms = parseDuration(value);
    if (ms === undefined) {
      this.fail(
        name,
        /^\d+(?:\.\d+)?$/.test(value)
          ? `a bare number has no unit: write ${value}s (or 10m, 1h30m, 500ms)`
          : `must be a duration such as 90s, 10m, 1h30m or 500ms, got ${shown(value)}`,
      );
      return fallback ?? 0;
    }
    this.#checkRange(name, ms, min, max, formatDuration);
    return ms;
  }

  /** One of `values`, compared case-sensitively; the error lists the allowed values. */
  enum<T extends string>(
    name: string,
    values: readonly T[],
    opts: { default?: T; required?: boolean } = {},
  ): T {
    const fallback = opts.default ?? values[0]!;
    const value = this.#trimmed(name, opts.required === true || opts.default === undefined);
    if (value === undefined) return fallback;
    if ((values as readonly string[]).includes(value)) return value as T;
    const allowed = values.map((v) => `\`${v}\``).join(', ');
    const near = values.find((v) => v.toLowerCase() === value.toLowerCase());
    const suggestion = near === undefined ? '' : ` (values are case-sensitive: did you mean \`${near}\`?)`;
    this.fail(name, `must be one of ${allowed}, got ${shown(value)}${suggestion}`);
    return fallback;
  }

  /**
   * Entries separated by newlines or commas, each trimmed; empty entries and lines starting with `#` are dropped.
   * `unique` makes a repeated entry an error; `required` makes an empty list one.
   */
  list(name: string, opts: { required?: boolean; unique?: boolean } = {}): string[] {
    const raw = this.#raw(name);
    const items =
      raw === undefined
        ? []
        : raw
            .split(/\r\n|\r|\n/)
            .filter((line) => !line.trimStart().startsWith('#'))
            .flatMap((line) => line.split(','))
            .map((item) => item.trim())
            .filter((item) => item !== '');
    if (items.length === 0) {
      if (opts.required) this.fail(name, raw === undefined ? REQUIRED : 'is required but lists no entries');
      return items;
    }
    if (opts.unique) {
      const seen = new Set<string>();
      const repeated = new Set<string>();
      for (const item of items) (seen.has(item) ? repeated : seen).add(item);
      if (repeated.size > 0) this.fail(name, `lists ${[...repeated].map(shown).join(', ')} more than once`);
    }
    return items;
  }

  /**
   * `KEY=VALUE` entries, one per line, split at the first `=`; values may hold commas, `=`, JSON and multi-line
   * PEM blocks. The exact grammar is documented in `inputs-map.ts`: lines that are indented, or inside an
   * unfinished PEM block or JSON value, continue the previous value; any other line without a valid `KEY=` is an
   * error naming its line number, as is a repeated key.
   */
  map(name: string, opts: { required?: boolean } = {}): Record<string, string> {
    const raw = this.#raw(name);
    if (raw === undefined) {
      if (opts.required) this.fail(name, REQUIRED);
      return {};
    }
    const result = parseKeyValueLines(raw);
    if (!result.ok) {
      this.fail(name, result.errors.join('; '));
      return {};
    }
    return result.value;
  }

  /**
   * A YAML (default; YAML is a superset of JSON) or strict JSON document; `undefined` when not set. Errors name
   * the input, line and column, never the text.
   */
  structured<T = unknown>(
    name: string,
    opts: { required?: boolean; format?: 'yaml' | 'json' } = {},
  ): T | undefined {
    const raw = this.#raw(name);
    if (raw === undefined) {
      if (opts.required) this.fail(name, REQUIRED);
      return undefined;
    }
    const result = parseStructured(raw, opts.format ?? 'yaml');
    if (!result.ok) {
      this.fail(name, result.message);
      return undefined;
    }
    return result.value as T;
  }

  /** Records a problem, for checks that span several inputs ("`min` must not exceed `max`"). */
  fail(name: string, message: string): void {
    this.#problems.push({ input: name, message });
  }

  /** Throws one {@link InputError} holding every recorded problem, if there is any. */
  done(): void {
    if (this.#problems.length > 0) throw new InputError(this.#problems);
  }

  #checkRange(
    name: string,
    n: number,
    min: number | undefined,
    max: number | undefined,
    show: (n: number) => string,
  ) {
    if (min !== undefined && n < min) this.fail(name, `must be at least ${show(min)}, got ${show(n)}`);
    else if (max !== undefined && n > max) this.fail(name, `must be at most ${show(max)}, got ${show(n)}`);
  }
}

function durationOption(option: string, text: string): number {
  const ms = parseDuration(text);
  if (ms === undefined)
    throw new TypeError(`duration ${option} ${JSON.stringify(text)} is not a duration such as 10m`);
  return ms;
}

/**
 * Builds an action's inputs with one {@link InputReader}, then throws one {@link InputError} naming every bad
 * input. If `build` itself throws after problems were recorded (say, by using a stand-in value), the recorded
 * problems win, since that throw is most likely their consequence; an `InputError` thrown by `build` is merged.
 */
export function readInputs<T>(build: (r: InputReader) => T, source?: InputSource): T {
  const reader = new InputReader(source);
  let value: T;
  try {
    value = build(reader);
  } catch (e) {
    if (e instanceof InputError) {
      for (const p of e.problems) reader.fail(p.input, p.message);
    } else if (reader.problems.length === 0) {
      throw e;
    }
    reader.done();
    throw e;
  }
  reader.done();
  return value;
}
