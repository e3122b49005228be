/**
 * A small JSON scanner for what `JSON.parse` does not give: where a syntax error is (its message differs between
 * Node versions and sometimes has no position at all), and where a value sits in the text (for the line of a
 * field in an error, and of each item of a `kind: List`). Only called on those paths, never for plain reading.
 */

/** A JSON syntax error at `offset` (0-based, into the text). */
export interface JsonSyntaxProblem {
  offset: number;
  message: string;
}

class JsonSyntaxError extends Error {
  constructor(
    readonly offset: number,
    message: string,
  ) {
    super(message);
  }
}

type Path = readonly (string | number)[];

const NUMBER = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y;

class JsonScanner {
  pos = 0;

  constructor(private readonly text: string) {}

  fail(message: string): never {
    throw new JsonSyntaxError(this.pos, message);
  }

  ws(): void {
    const t = this.text;
    for (;;) {
      const c = t.charCodeAt(this.pos);
      if (c === 32 || c === 9 || c === 10 || c === 13) this.pos++;
      else return;
    }
  }

  // Skips one value (and checks it), or, while `path` has keys left, stops at the value it names and returns true.
  value(path: Path, depth: number): boolean {
    this.ws();
    if (depth === path.length) return true;
    const c = this.text[this.pos];
    if (c === '{') return this.object(path, depth);
    if (c === '[') return this.array(path, depth);
    this.scalar();
    return false;
  }

  scalar(): void {
    const c = this.text[this.pos];
    if (c === '"') {
      this.string();
      return;
    }
    if (c === 't') return this.literal('true');
    if (c === 'f') return this.literal('false');
    if (c === 'n') return this.literal('null');
    if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) {
      NUMBER.lastIndex = this.pos;
      const m = NUMBER.exec(this.text);
      if (m === null) this.fail('invalid number');
      this.pos += m[0].length;
      return;
    }
    if (c === undefined) this.fail('unexpected end of input');
    this.fail(`unexpected character ${JSON.stringify(c)}`);
  }

  literal(word: string): void {
    for (let k = 0; k < word.length; k++, this.pos++) {
      if (this.text[this.pos] !== word[k]) {
        if (this.pos >= this.text.length) this.fail('unexpected end of input');
        this.fail(`unexpected character ${JSON.stringify(this.text[this.pos])} (expected \`${word}\`)`);
      }
    }
  }

  // Returns the string's value.
  string(): string {
    const start = this.pos;
    this.pos++;
    for (;;) {
      const c = this.text.charCodeAt(this.pos);
      if (Number.isNaN(c)) this.fail('unterminated string');
      if (c === 34) break;
      if (c < 32) this.fail('control character in a string');
      if (c === 92) {
        const e = this.text[this.pos + 1];
        if (e === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(this.text.slice(this.pos + 2, this.pos + 6))) {
            this.pos++;
            this.fail('invalid \\u escape');
          }
          this.pos += 6;
          continue;
        }
        if (e === undefined || !'"\\/bfnrt'.includes(e)) {
          this.pos++;
          this.fail('invalid escape');
        }
        this.pos += 2;
        continue;
      }
      this.pos++;
    }
    this.pos++;
    return JSON.parse(this.text.slice(start, this.pos)) as string;
  }

  object(path: Path, depth: number): boolean {
    this.pos++;
    this.ws();
    if (this.text[this.pos] === '}') {
      this.pos++;
      return false;
    }
    for (;;) {
      this.ws();
      if (this.text[this.pos] !== '"') {
        this.fail(
          this.pos >= this.text.length ? 'unexpected end of input' : 'expected a double-quoted property name',
        );
      }
      const key = this.string();
      this.ws();
      if (this.text[this.pos] !== ':') this.fail("expected ':' after a property name");
      this.pos++;
      if (key === path[depth]) return this.value(path, depth + 1);
      this.value(NO_PATH, 0);
      this.ws();
      const c = this.text[this.pos];
      if (c === '}') {
        this.pos++;
        return false;
      }
      if (c !== ',')
        this.fail(c === undefined ? 'unexpected end of input' : "expected ',' or '}' after a property");
      this.pos++;
    }
  }

  array(path: Path, depth: number): boolean {
    this.pos++;
    this.ws();
    if (this.text[this.pos] === ']') {
      this.pos++;
      return false;
    }
    for (let index = 0; ; index++) {
      if (index === path[depth]) return this.value(path, depth + 1);
      this.value(NO_PATH, 0);
      this.ws();
      const c = this.text[this.pos];
      if (c === ']') {
        this.pos++;
        return false;
      }
      if (c !== ',')
        this.fail(c === undefined ? 'unexpected end of input' : "expected ',' or ']' after an array element");
      this.pos++;
    }
  }
}

// A path no value matches: `value` then skips (and checks) the whole value.
const NO_PATH: Path = [Symbol('none') as unknown as string];

/**
 * Where JSON text first breaks the grammar, with a short description; `null` when it is valid JSON. Positions do
 * not depend on the Node version (unlike `JSON.parse` messages).
 */
export function findJsonSyntaxError(text: string): JsonSyntaxProblem | null {
  const scanner = new JsonScanner(text);
  try {
    scanner.value(NO_PATH, 0);
    scanner.ws();
    if (scanner.pos < text.length) scanner.fail('unexpected text after the JSON value');
    return null;
  } catch (error) {
    if (error instanceof JsonSyntaxError) return { offset: error.offset, message: error.message };
    // A value nested deeper than the stack allows: point at the start.
    return { offset: 0, message: error instanceof Error ? error.message : String(error) };
  }
}

/** The offset where the value at `path` starts in valid JSON `text`, or `null` when there is no such value. */
export function findJsonValueOffset(text: string, path: Path): number | null {
  const scanner = new JsonScanner(text);
  try {
    return scanner.value(path, 0) ? scanner.pos : null;
  } catch {
    return null;
  }
}

/** The offsets where each item of the array at `path` starts in valid JSON `text` (empty when it is no array). */
export function findJsonItemOffsets(text: string, path: Path): number[] {
  const scanner = new JsonScanner(text);
  const offsets: number[] = [];
  try {
    if (!scanner.value(path, 0) || text[scanner.pos] !== '[') return offsets;
    scanner.pos++;
    scanner.ws();
    if (text[scanner.pos] === ']') return offsets;
    for (;;) {
      scanner.ws();
      offsets.push(scanner.pos);
      scanner.value(NO_PATH, 0);
      scanner.ws();
      if (text[scanner.pos] !== ',') return offsets;
      scanner.pos++;
    }
  } catch {
    return offsets;
  }
}

/** A function from a 0-based offset in `text` to its 1-based line (binary search over line starts). */
export function lineLocator(text: string): (offset: number) => number {
  const starts = [0];
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return (offset) => {
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((starts[mid] as number) <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  };
}
