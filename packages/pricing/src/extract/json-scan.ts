/**
 * Positions in JSON text, through Microsoft's jsonc-parser (the parser behind VS Code's JSON support), in strict
 * JSON mode: the place where text first breaks the grammar, and where a value or list item starts. `JSON.parse`
 * reads the values; its error messages carry a position on some Node versions and errors only, so lines come
 * from here and are the same on every Node.
 */
import { findNodeAtLocation, parseTree, printParseErrorCode } from 'jsonc-parser';
import type { Node, ParseError } from 'jsonc-parser';
import type { Path } from './source-doc.js';

/** Where JSON text breaks the grammar, and what is wrong there. */
export interface JsonSyntaxProblem {
  offset: number;
  message: string;
}

const STRICT = { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false };

/** jsonc-parser's error codes, as a reader of the file would say them. */
const MESSAGES: Record<string, string> = {
  InvalidSymbol: 'unexpected character',
  InvalidNumberFormat: 'invalid number',
  PropertyNameExpected: 'expected a double-quoted property name',
  ValueExpected: 'expected a value',
  ColonExpected: "expected ':' after a property name",
  CommaExpected: "expected ',' or ']'",
  CloseBraceExpected: "expected ',' or '}'",
  CloseBracketExpected: "expected ',' or ']'",
  EndOfFileExpected: 'unexpected text after the JSON value',
  InvalidCommentToken: 'comments are not allowed in JSON',
  UnexpectedEndOfComment: 'unexpected end of comment',
  UnexpectedEndOfString: 'unterminated string',
  UnexpectedEndOfNumber: 'unexpected end of number',
  InvalidUnicode: 'invalid \\u escape',
  InvalidEscapeCharacter: 'invalid escape character',
  InvalidCharacter: 'control character in a string',
};

function describe(error: ParseError, text: string): string {
  if (error.offset >= text.length) return 'unexpected end of input';
  const name = printParseErrorCode(error.error);
  if (name === 'InvalidSymbol') {
    const token = text.slice(error.offset, error.offset + Math.max(1, Math.min(error.length, 20)));
    return `unexpected \`${token}\``;
  }
  return MESSAGES[name] ?? name;
}

function tree(text: string): { root: Node | undefined; errors: ParseError[] } {
  const errors: ParseError[] = [];
  const root = parseTree(text, errors, STRICT);
  return { root, errors };
}

/**
 * Where JSON text first breaks the grammar, with a short description; `null` when it is valid JSON.
 */
export function findJsonSyntaxError(text: string): JsonSyntaxProblem | null {
  if (text.trim() === '') return { offset: text.length, message: 'unexpected end of input' };
  const { errors } = tree(text);
  const first = errors.reduce<ParseError | undefined>(
    (a, e) => (a === undefined || e.offset < a.offset ? e : a),
    undefined,
  );
  return first === undefined ? null : { offset: first.offset, message: describe(first, text) };
}

/** The offset where the value at `path` starts in valid JSON `text`, or `null` when there is no such value. */
export function findJsonValueOffset(text: string, path: Path): number | null {
  const { root } = tree(text);
  const node = root === undefined ? undefined : findNodeAtLocation(root, [...path]);
  return node === undefined ? null : node.offset;
}

/** The offsets where each item of the array at `path` starts in valid JSON `text` (empty when it is no array). */
export function findJsonItemOffsets(text: string, path: Path): number[] {
  const { root } = tree(text);
  const node = root === undefined ? undefined : findNodeAtLocation(root, [...path]);
  return node?.type === 'array' ? (node.children ?? []).map((child) => child.offset) : [];
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
