// Just enough of the GraphQL language (https://spec.graphql.org/October2021/) to read the mutations Slipway sends:
// one operation, fields with aliases and arguments, variables, object/list/scalar/enum literals, and inline
// fragments. Not a validator: a stand-in answers what it understands and reports the rest as an error.

/** A field in a selection set. */
export interface GraphqlField {
  /** The key in the response: the alias when there is one. */
  key: string;
  name: string;
  /** Arguments with variables already substituted. */
  args: Record<string, unknown>;
  /** Sub-selection, inline fragments flattened in. Empty for leaf fields. */
  selection: GraphqlField[];
  /** 1-based position of the field name, as GraphQL errors report it. */
  location: { line: number; column: number };
}

/** A parsed operation. */
export interface GraphqlOperation {
  kind: 'query' | 'mutation' | 'subscription';
  name: string | undefined;
  selection: GraphqlField[];
}

/** A syntax problem, reported by the stand-in as GitHub reports parse errors. */
export class GraphqlSyntaxError extends Error {
  /** @param location where the parser stopped */
  constructor(
    message: string,
    readonly location: { line: number; column: number },
  ) {
    super(message);
    this.name = 'GraphqlSyntaxError';
  }
}

interface Token {
  kind: 'punct' | 'name' | 'string' | 'number' | 'eof';
  value: string;
  line: number;
  column: number;
}

/** Parses the first operation of a document, substituting `variables`. */
export function parseOperation(document: string, variables: Record<string, unknown> = {}): GraphqlOperation {
  const parser = new Parser(tokenize(document), variables);
  return parser.operation();
}

class Parser {
  private index = 0;

  constructor(
    private readonly tokens: Token[],
    private readonly variables: Record<string, unknown>,
  ) {}

  operation(): GraphqlOperation {
    let kind: GraphqlOperation['kind'] = 'query';
    let name: string | undefined;
    const first = this.peek();
    if (first.kind === 'name' && ['query', 'mutation', 'subscription'].includes(first.value)) {
      kind = this.next().value as GraphqlOperation['kind'];
      if (this.peek().kind === 'name') name = this.next().value;
      if (this.isPunct('(')) this.skipBalanced('(', ')');
      while (this.isPunct('@')) this.directive();
    }
    return { kind, name, selection: this.selectionSet() };
  }

  private selectionSet(): GraphqlField[] {
    this.expectPunct('{');
    const fields: GraphqlField[] = [];
    while (!this.isPunct('}')) {
      if (this.isPunct('...')) {
        this.next();
        if (this.peek().kind === 'name' && this.peek().value === 'on') {
          this.next();
          this.expectName();
        }
        fields.push(...this.selectionSet());
        continue;
      }
      fields.push(this.field());
    }
    this.expectPunct('}');
    return fields;
  }

  private field(): GraphqlField {
    const first = this.expectName();
    let name = first.value;
    const key = first.value;
    let location = { line: first.line, column: first.column };
    if (this.isPunct(':')) {
      this.next();
      const real = this.expectName();
      name = real.value;
      location = { line: real.line, column: real.column };
    }
    const args: Record<string, unknown> = {};
    if (this.isPunct('(')) {
      this.next();
      while (!this.isPunct(')')) {
        const argName = this.expectName().value;
        this.expectPunct(':');
        args[argName] = this.value();
      }
      this.expectPunct(')');
    }
    while (this.isPunct('@')) this.directive();
    const selection = this.isPunct('{') ? this.selectionSet() : [];
    return { key, name, args, selection, location };
  }

  private value(): unknown {
    const token = this.next();
    if (token.kind === 'punct' && token.value === '$') {
      const name = this.expectName().value;
      return this.variables[name];
    }
    if (token.kind === 'punct' && token.value === '{') {
      const object: Record<string, unknown> = {};
      while (!this.isPunct('}')) {
        const name = this.expectName().value;
        this.expectPunct(':');
        object[name] = this.value();
      }
      this.next();
      return object;
    }
    if (token.kind === 'punct' && token.value === '[') {
      const list: unknown[] = [];
      while (!this.isPunct(']')) list.push(this.value());
      this.next();
      return list;
    }
    if (token.kind === 'string') return token.value;
    if (token.kind === 'number') return Number(token.value);
    if (token.kind === 'name') {
      if (token.value === 'true') return true;
      if (token.value === 'false') return false;
      if (token.value === 'null') return null;
      return token.value; // enum value
    }
    throw new GraphqlSyntaxError(`Parse error on "${token.value}" (${token.kind})`, token);
  }

  private directive(): void {
    this.next();
    this.expectName();
    if (this.isPunct('(')) this.skipBalanced('(', ')');
  }

  private skipBalanced(open: string, close: string): void {
    let depth = 0;
    do {
      const token = this.next();
      if (token.kind === 'eof') throw new GraphqlSyntaxError(`Parse error on end of input`, token);
      if (token.kind === 'punct' && token.value === open) depth += 1;
      if (token.kind === 'punct' && token.value === close) depth -= 1;
    } while (depth > 0);
  }

  private peek(): Token {
    return this.tokens[this.index] ?? this.tokens[this.tokens.length - 1]!;
  }

  private next(): Token {
    const token = this.peek();
    if (this.index < this.tokens.length - 1) this.index += 1;
    return token;
  }

  private isPunct(value: string): boolean {
    const token = this.peek();
    return token.kind === 'punct' && token.value === value;
  }

  private expectPunct(value: string): Token {
    const token = this.next();
    if (token.kind !== 'punct' || token.value !== value) {
      throw new GraphqlSyntaxError(
        `Parse error on "${token.value || token.kind}", expected "${value}"`,
        token,
      );
    }
    return token;
  }

  private expectName(): Token {
    const token = this.next();
    if (token.kind !== 'name')
      throw new GraphqlSyntaxError(`Parse error on "${token.value || token.kind}", expected a name`, token);
    return token;
  }
}

function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let line = 1;
  let lineStart = 0;
  let i = 0;
  const at = (start: number) => ({ line, column: start - lineStart + 1 });
  while (i < source.length) {
    const ch = source[i]!;
    if (ch === '\n') {
      line += 1;
      i += 1;
      lineStart = i;
      continue;
    }
    // Commas are insignificant in GraphQL, like white space.
    if (ch === ' ' || ch === '\t' || ch === '\r' || ch === ',' || ch === '\ufeff') {
      i += 1;
      continue;
    }
    if (ch === '#') {
      while (i < source.length && source[i] !== '\n') i += 1;
      continue;
    }
    if (source.startsWith('...', i)) {
      tokens.push({ kind: 'punct', value: '...', ...at(i) });
      i += 3;
      continue;
    }
    if ('{}()[]:$!=@|&'.includes(ch)) {
      tokens.push({ kind: 'punct', value: ch, ...at(i) });
      i += 1;
      continue;
    }
    if (source.startsWith('"""', i)) {
      const end = source.indexOf('"""', i + 3);
      if (end < 0) throw new GraphqlSyntaxError('Unterminated block string', at(i));
      tokens.push({ kind: 'string', value: source.slice(i + 3, end), ...at(i) });
      i = end + 3;
      continue;
    }
    if (ch === '"') {
      const start = i;
      let j = i + 1;
      while (j < source.length && source[j] !== '"') j += source[j] === '\\' ? 2 : 1;
      if (j >= source.length) throw new GraphqlSyntaxError('Unterminated string', at(start));
      tokens.push({ kind: 'string', value: JSON.parse(source.slice(start, j + 1)) as string, ...at(start) });
      i = j + 1;
      continue;
    }
    const name = /^[_A-Za-z][_0-9A-Za-z]*/.exec(source.slice(i));
    if (name !== null) {
      tokens.push({ kind: 'name', value: name[0], ...at(i) });
      i += name[0].length;
      continue;
    }
    const number = /^-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/.exec(source.slice(i));
    if (number !== null) {
      tokens.push({ kind: 'number', value: number[0], ...at(i) });
      i += number[0].length;
      continue;
    }
    throw new GraphqlSyntaxError(`Unexpected character "${ch}"`, at(i));
  }
  tokens.push({ kind: 'eof', value: '', line, column: i - lineStart + 1 });
  return tokens;
}
