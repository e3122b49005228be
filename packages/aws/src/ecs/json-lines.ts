/**
 * Strict JSON (RFC 8259) parsing that remembers where each value starts, so that errors about a task definition
 * file can name the line: both syntax errors and later checks ("cpu 256 cannot have 4096 MiB" on line 5).
 * `JSON.parse` is used for the value; this scanner runs alongside it for positions, and alone to locate a
 * syntax error, since V8's messages do not always carry one.
 */

/** Where a value starts in the text, 1-based. */
export interface TextPosition {
  line: number;
  column: number;
}

/** A parsed document and the position of every value, by JSON path (`containerDefinitions.0.image`). */
export interface LocatedJson {
  value: unknown;
  positions: ReadonlyMap<string, TextPosition>;
}

/** A syntax error with its position and a short description (never the text itself, which may hold secrets). */
export class JsonSyntaxError extends Error {
  constructor(
    message: string,
    readonly position: TextPosition,
  ) {
    super(message);
    this.name = 'JsonSyntaxError';
  }
}

/** Parses strict JSON; throws {@link JsonSyntaxError} naming the line and column of the first problem. */
export function parseJsonWithPositions(text: string): LocatedJson {
  const scanner = new Scanner(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  scanner.document();
  return { value: JSON.parse(scanner.text) as unknown, positions: scanner.positions };
}

/** Joins path segments as {@link LocatedJson.positions} keys them. */
export function jsonPath(...segments: Array<string | number>): string {
  return segments.join('.');
}

class Scanner {
  readonly positions = new Map<string, TextPosition>();
  private index = 0;
  private line = 1;
  private lineStart = 0;

  constructor(readonly text: string) {}

  document(): void {
    this.whitespace();
    if (this.index >= this.text.length) this.fail('the file is empty: expected a JSON object');
    this.value('');
    this.whitespace();
    if (this.index < this.text.length)
      this.fail(`unexpected ${this.describe()} after the end of the JSON value`);
  }

  private position(): TextPosition {
    return { line: this.line, column: this.index - this.lineStart + 1 };
  }

  private fail(message: string): never {
    throw new JsonSyntaxError(message, this.position());
  }

  private describe(): string {
    const ch = this.text[this.index];
    if (ch === undefined) return 'end of file';
    if (ch === '\n' || ch === '\r') return 'line break';
    return `character ${JSON.stringify(ch)}`;
  }

  private whitespace(): void {
    for (;;) {
      const ch = this.text[this.index];
      if (ch === ' ' || ch === '\t' || ch === '\r') this.index++;
      else if (ch === '\n') {
        this.index++;
        this.line++;
        this.lineStart = this.index;
      } else if (ch === '/' && (this.text[this.index + 1] === '/' || this.text[this.index + 1] === '*')) {
        this.fail('comments are not allowed in JSON');
      } else return;
    }
  }

  private value(path: string): void {
    this.positions.set(path, this.position());
    const ch = this.text[this.index];
    if (ch === '{') this.object(path);
    else if (ch === '[') this.array(path);
    else if (ch === '"') this.string();
    else if (ch === '-' || (ch !== undefined && ch >= '0' && ch <= '9')) this.number();
    else if (this.text.startsWith('true', this.index)) this.index += 4;
    else if (this.text.startsWith('false', this.index)) this.index += 5;
    else if (this.text.startsWith('null', this.index)) this.index += 4;
    else if (ch === "'") this.fail('strings must use double quotes');
    else this.fail(`unexpected ${this.describe()}: expected a value`);
  }

  private object(path: string): void {
    this.index++;
    this.whitespace();
    if (this.text[this.index] === '}') {
      this.index++;
      return;
    }
    for (;;) {
      this.whitespace();
      if (this.text[this.index] === '}') this.fail('trailing comma before "}"');
      if (this.text[this.index] !== '"') {
        this.fail(`unexpected ${this.describe()}: expected a property name in double quotes`);
      }
      const key = this.string();
      this.whitespace();
      if (this.text[this.index] !== ':')
        this.fail(`unexpected ${this.describe()}: expected ":" after a property name`);
      this.index++;
      this.whitespace();
      this.value(path === '' ? key : `${path}.${key}`);
      this.whitespace();
      const next = this.text[this.index];
      if (next === ',') {
        this.index++;
        continue;
      }
      if (next === '}') {
        this.index++;
        return;
      }
      this.fail(`unexpected ${this.describe()}: expected "," or "}" after a property value`);
    }
  }

  private array(path: string): void {
    this.index++;
    this.whitespace();
    if (this.text[this.index] === ']') {
      this.index++;
      return;
    }
    for (let i = 0; ; i++) {
      this.whitespace();
      if (this.text[this.index] === ']') this.fail('trailing comma before "]"');
      this.value(path === '' ? String(i) : `${path}.${i}`);
      this.whitespace();
      const next = this.text[this.index];
      if (next === ',') {
        this.index++;
        continue;
      }
      if (next === ']') {
        this.index++;
        return;
      }
      this.fail(`unexpected ${this.describe()}: expected "," or "]" after an array element`);
    }
  }

  private string(): string {
    const start = this.index;
    this.index++;
    for (;;) {
      const ch = this.text[this.index];
      if (ch === undefined) this.fail('unterminated string');
      if (ch === '"') break;
      if (ch === '\n' || ch === '\r')
        this.fail('unterminated string: a line break inside a string must be written \\n');
      if (ch < ' ') this.fail('control character inside a string');
      if (ch === '\\') {
        const escape = this.text[this.index + 1];
        if (escape === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(this.text.slice(this.index + 2, this.index + 6))) {
            this.fail('invalid \\u escape in a string');
          }
          this.index += 6;
          continue;
        }
        if (escape === undefined || !'"\\/bfnrt'.includes(escape)) this.fail('invalid escape in a string');
        this.index += 2;
        continue;
      }
      this.index++;
    }
    this.index++;
    return JSON.parse(this.text.slice(start, this.index)) as string;
  }

  private number(): void {
    const match = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/.exec(this.text.slice(this.index));
    if (match === null) this.fail('invalid number');
    this.index += match[0].length;
  }
}
