// Workflow commands are parsed and unescaped the way the runner does, so annotations and masks in a test
// mean what they would mean on GitHub.
import {
  collectCommands,
  parseWorkflowCommand,
  unescapeData,
  unescapeProperty,
} from './workflow-commands.js';

describe('parseWorkflowCommand', () => {
  it.each([
    ['::error::boom', { command: 'error', properties: {}, message: 'boom' }],
    ['::ERROR::upper-case command', { command: 'error', properties: {}, message: 'upper-case command' }],
    [
      '::warning file=a.ts,line=3,col=7::msg',
      { command: 'warning', properties: { file: 'a.ts', line: '3', col: '7' }, message: 'msg' },
    ],
    [
      '::error title=A%3A B%2C C,file=x%25y::100%25 done%0Anext',
      { command: 'error', properties: { title: 'A: B, C', file: 'x%y' }, message: '100% done\nnext' },
    ],
    ['::add-mask::s3cr3t', { command: 'add-mask', properties: {}, message: 's3cr3t' }],
    [
      '  ::notice::leading spaces are trimmed',
      { command: 'notice', properties: {}, message: 'leading spaces are trimmed' },
    ],
    ['::group::Phase 1', { command: 'group', properties: {}, message: 'Phase 1' }],
  ])('parses %j', (line, expected) => {
    expect(parseWorkflowCommand(line)).toEqual(expected);
  });

  it.each([['plain text'], [':error:x'], ['::error'], ['::::x']])('ignores %j', (line) => {
    expect(parseWorkflowCommand(line)).toBeUndefined();
  });
});

describe('unescaping', () => {
  it.each([
    ['a%25b', 'a%b'],
    ['a%0Db%0Ac', 'a\rb\nc'],
    ['%250A stays literal', '%0A stays literal'],
    ['%3A and %2C are not message escapes', '%3A and %2C are not message escapes'],
    ['lower-case %0a is not an escape', 'lower-case %0a is not an escape'],
  ])('message %j → %j', (escaped, plain) => {
    expect(unescapeData(escaped)).toBe(plain);
  });

  it.each([
    ['a%3Ab%2Cc', 'a:b,c'],
    ['x%25y%0A', 'x%y\n'],
    ['%253A', '%3A'],
  ])('property %j → %j', (escaped, plain) => {
    expect(unescapeProperty(escaped)).toBe(plain);
  });
});

describe('collectCommands', () => {
  it('collects annotations of every level with numeric positions', () => {
    const { annotations } = collectCommands([
      '::error file=src/a.ts,line=3,endLine=5,col=2,endColumn=9,title=T::bad',
      '::warning::careful',
      '::notice::fyi',
      '::debug::details',
      '::group::not an annotation',
    ]);
    expect(annotations).toEqual([
      {
        level: 'error',
        message: 'bad',
        file: 'src/a.ts',
        line: 3,
        endLine: 5,
        col: 2,
        endColumn: 9,
        title: 'T',
      },
      { level: 'warning', message: 'careful' },
      { level: 'notice', message: 'fyi' },
      { level: 'debug', message: 'details' },
    ]);
  });

  it('collects masks and the lines that registered them', () => {
    const summary = collectCommands(['hello', '::add-mask::abc123', 'world', '::add-mask::multi%0Aline']);
    expect({ masked: summary.masked, lines: [...summary.maskLines] }).toEqual({
      masked: ['abc123', 'multi\nline'],
      lines: [1, 3],
    });
  });

  it('ignores commands between ::stop-commands:: and the resume token', () => {
    const { annotations, masked } = collectCommands([
      '::stop-commands::pause-1',
      '::error::not a command now',
      '::add-mask::not-a-mask',
      '::pause-1::',
      '::error::a command again',
    ]);
    expect({ annotations, masked }).toEqual({
      annotations: [{ level: 'error', message: 'a command again' }],
      masked: [],
    });
  });
});
