import {
  findJsonItemOffsets,
  findJsonSyntaxError,
  findJsonValueOffset,
  lineLocator,
} from '../../src/extract/json-scan.js';

// V8's JSON.parse message carries "at position N" on Node 20 and 24 for most errors (Node 24 adds "(line L column
// C)"), but not for every error; the scanner finds the same place on any Node.
function v8Position(text: string): number | null {
  try {
    JSON.parse(text);
    return null;
  } catch (error) {
    const match = /at position (\d+)/.exec((error as Error).message);
    return match === null ? null : Number(match[1]);
  }
}

describe('findJsonSyntaxError', () => {
  it.each<[string, string, number, string]>([
    ['missing colon', '{\n  "a": 1,\n  "b" 2\n}', 3, "expected ':'"],
    ['trailing comma', '{\n  "a": 1,\n}\n', 3, 'double-quoted property name'],
    ['unterminated object', '{\n  "a": 1,\n', 3, 'unexpected end of input'],
    ['bad literal', '{\n  "a": tru\n}', 2, 'unexpected `tru`'],
    ['single quotes', "{\n\n  'a': 1\n}", 3, "unexpected `'a'`"],
    ['empty text', '', 1, 'unexpected end of input'],
    ['text after the value', '{}\n{}', 2, 'unexpected text after the JSON value'],
    ['missing comma in an array', '[\n  1\n  2\n]', 3, "expected ',' or ']'"],
    ['control character in a string', '{"a": "x\ty"}', 1, 'control character'],
  ])('%s: line %p', (_name, text, line, message) => {
    const problem = findJsonSyntaxError(text);
    expect(problem).not.toBeNull();
    expect(lineLocator(text)(problem?.offset ?? -1)).toBe(line);
    expect(problem?.message).toContain(message);
    const v8 = v8Position(text);
    if (v8 !== null) expect(lineLocator(text)(v8)).toBe(line);
  });

  it('finds nothing wrong in valid JSON', () => {
    expect(findJsonSyntaxError('{"a": [1, -2.5e3, true, null, "\\u00e9\\n"], "b": {}}')).toBeNull();
  });
});

describe('findJsonValueOffset and findJsonItemOffsets', () => {
  const text = '{\n  "a": {"b": [10, {"c": 3}]},\n  "items": [\n    {"x": 1},\n\n    {"y": 2}\n  ]\n}';
  const line = lineLocator(text);

  it.each<[Array<string | number>, number | null]>([
    [['a'], 2],
    [['a', 'b', 1, 'c'], 2],
    [['items', 1], 6],
    [['items', 1, 'y'], 6],
    [['nope'], null],
    [['a', 'b', 5], null],
  ])('%p is on line %p', (path, expected) => {
    const offset = findJsonValueOffset(text, path);
    expect(offset === null ? null : line(offset)).toBe(expected);
  });

  it('lists where each item starts', () => {
    // Items on lines 4 and 6.
    expect(findJsonItemOffsets(text, ['items']).map(line)).toEqual([4, 6]);
    expect(findJsonItemOffsets(text, ['a'])).toEqual([]);
  });
});
