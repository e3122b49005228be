import { jest } from '@jest/globals';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SummaryBuilder, annotate, escapeMarkdownCell, group, log, mask, setOutputs } from '../src/report.js';

let dir: string;
let stdout: string[];
let spy: ReturnType<typeof jest.spyOn>;
const savedEnv = { output: process.env.GITHUB_OUTPUT, summary: process.env.GITHUB_STEP_SUMMARY };

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'slipway-core-report-'));
  stdout = [];
  spy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stdout.push(
      ...String(chunk)
        .split('\n')
        .filter((l) => l !== ''),
    );
    return true;
  });
});

afterEach(() => {
  spy.mockRestore();
  rmSync(dir, { recursive: true, force: true });
  for (const [key, value] of [
    ['GITHUB_OUTPUT', savedEnv.output],
    ['GITHUB_STEP_SUMMARY', savedEnv.summary],
  ] as const) {
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
});

/** Reads the `name<<delimiter` blocks @actions/core writes to GITHUB_OUTPUT. */
function readOutputs(file: string): Record<string, string> {
  const text = readFileSync(file, 'utf8');
  const result: Record<string, string> = {};
  const re = /^(.+?)<<(ghadelimiter_[0-9a-f-]+)\n([\s\S]*?)\n\2$/gm;
  for (const m of text.matchAll(re)) result[m[1]!] = m[3]!;
  return result;
}

describe('setOutputs', () => {
  it('writes strings, numbers, booleans and JSON, and skips undefined and null', () => {
    const file = join(dir, 'output');
    writeFileSync(file, '');
    process.env.GITHUB_OUTPUT = file;
    setOutputs({
      image: 'docker.io/library/nginx:1.27',
      replicas: 3,
      'dry-run': false,
      plan: { service: 'web', weights: [90, 10] },
      list: ['a', 'b'],
      empty: '',
      skipped: undefined,
      nothing: null,
      multiline: 'a\nb',
    });
    expect(readOutputs(file)).toEqual({
      image: 'docker.io/library/nginx:1.27',
      replicas: '3',
      'dry-run': 'false',
      plan: '{"service":"web","weights":[90,10]}',
      list: '["a","b"]',
      empty: '',
      multiline: 'a\nb',
    });
  });
});

describe('mask', () => {
  it.each<[string, string | undefined, string[]]>([
    ['undefined', undefined, []],
    ['empty', '', []],
    ['whitespace', '  \n ', []],
    ['one line', 'hunter2secret', ['::add-mask::hunter2secret']],
    [
      'a PEM key, line by line',
      '-----BEGIN KEY-----\nQUJDREVG\n}\n-----END KEY-----',
      [
        '::add-mask::-----BEGIN KEY-----%0AQUJDREVG%0A}%0A-----END KEY-----',
        '::add-mask::-----BEGIN KEY-----',
        '::add-mask::QUJDREVG',
        '::add-mask::-----END KEY-----',
      ],
    ],
    [
      'CRLF and repeated lines',
      'abcd\r\nabcd\r\n  efgh  ',
      ['::add-mask::abcd%0D%0Aabcd%0D%0A  efgh  ', '::add-mask::abcd', '::add-mask::efgh'],
    ],
  ])('%s', (_label, secret, expected) => {
    mask(secret);
    expect(stdout).toEqual(expected);
  });
});

describe('annotate', () => {
  it.each<[Parameters<typeof annotate>[0], string, Parameters<typeof annotate>[2], string]>([
    ['error', 'bad input', undefined, '::error::bad input'],
    ['warning', 'careful', {}, '::warning::careful'],
    ['notice', 'fyi', { title: 'Cost' }, '::notice title=Cost::fyi'],
    [
      'error',
      'unknown key',
      { file: 'deploy/task.json', line: 3, endLine: 4, col: 7, title: 'Task definition' },
      '::error title=Task definition,file=deploy/task.json,line=3,endLine=4,col=7::unknown key',
    ],
    ['warning', 'a\nb', { file: 'x.yml', line: 1 }, '::warning file=x.yml,line=1::a%0Ab'],
  ])('%s %j at %j', (level, message, where, expected) => {
    annotate(level, message, where);
    expect(stdout).toEqual([expected]);
  });
});

describe('group and log', () => {
  it('wraps work in a group and returns its result', async () => {
    const result = await group('Plan', async () => {
      log.info('inside');
      return 42;
    });
    expect(result).toBe(42);
    expect(stdout).toEqual(['::group::Plan', 'inside', '::endgroup::']);
  });

  it('closes the group when the work throws', async () => {
    await expect(group('Apply', async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(stdout).toEqual(['::group::Apply', '::endgroup::']);
  });

  it.each<[keyof typeof log, string]>([
    ['info', 'hello'],
    ['debug', '::debug::hello'],
    ['warning', '::warning::hello'],
  ])('log.%s', (level, expected) => {
    log[level]('hello');
    expect(stdout).toEqual([expected]);
  });
});

describe('escapeMarkdownCell', () => {
  it.each([
    ['plain', 'plain'],
    ['a|b', 'a\\|b'],
    ['a||b', 'a\\|\\|b'],
    ['line 1\nline 2', 'line 1<br>line 2'],
    ['crlf\r\nend', 'crlf<br>end'],
    ['', ''],
  ])('%j -> %j', (input, expected) => {
    expect(escapeMarkdownCell(input)).toBe(expected);
  });
});

describe('SummaryBuilder', () => {
  it('renders a table with escaping and a details block exactly', () => {
    const s = new SummaryBuilder()
      .heading('Deploy plan')
      .paragraph('Service **web** in `eu-west-1`.')
      .table(
        ['Resource', 'Change', 'Monthly cost'],
        [['task-def|web', 'revision 7\u2192 8', '$12.40'], ['env CONFIG', 'a\nb', 3], ['short row']],
        { align: ['left', 'center', 'right'] },
      )
      .details('Full <plan> & "JSON"', '```json\n{"a":1}\n```');
    expect(s.toMarkdown()).toBe(
      [
        '## Deploy plan',
        '',
        'Service **web** in `eu-west-1`.',
        '',
        '| Resource | Change | Monthly cost |',
        '| :--- | :---: | ---: |',
        '| task-def\\|web | revision 7\u2192 8 | $12.40 |',
        '| env CONFIG | a<br>b | 3 |',
        '| short row |  |  |',
        '',
        '<details><summary>Full &lt;plan&gt; &amp; &quot;JSON&quot;</summary>',
        '',
        '```json',
        '{"a":1}',
        '```',
        '',
        '</details>',
        '',
      ].join('\n'),
    );
  });

  it.each<[string, (s: SummaryBuilder) => SummaryBuilder, string]>([
    ['nothing', (s) => s, ''],
    ['heading levels', (s) => s.heading('One', 1).heading('Four', 4), '# One\n\n#### Four\n'],
    ['a heading on one line', (s) => s.heading('a\nb'), '## a b\n'],
    [
      'a table without alignment',
      (s) => s.table(['a', 'b'], [[1, 2]]),
      '| a | b |\n| --- | --- |\n| 1 | 2 |\n',
    ],
    ['a header-only table', (s) => s.table(['a'], []), '| a |\n| --- |\n'],
    ['code', (s) => s.code('npm test\n', 'sh'), '```sh\nnpm test\n```\n'],
    ['code holding a fence', (s) => s.code('```\nx\n```'), '````\n```\nx\n```\n````\n'],
    ['a list', (s) => s.list(['one', 'two\nlines']), '- one\n- two\n  lines\n'],
    ['an empty list', (s) => s.list([]), ''],
    ['raw', (s) => s.raw('<!-- slipway -->'), '<!-- slipway -->\n'],
  ])('%s', (_label, build, expected) => {
    expect(build(new SummaryBuilder()).toMarkdown()).toBe(expected);
  });

  it.each([
    ['docs', 'https://example.com/a b', '[docs](https://example.com/a%20b)'],
    ['a [bracketed] name', 'https://x.io/(1)', '[a \\[bracketed\\] name](https://x.io/%281%29)'],
    ['back\\slash', 'https://x.io/<y>', '[back\\\\slash](https://x.io/%3Cy%3E)'],
  ])('link(%j, %j) -> %s', (text, href, expected) => {
    expect(new SummaryBuilder().link(text, href)).toBe(expected);
  });

  it('rejects a table without columns or with a row too long', () => {
    expect(() => new SummaryBuilder().table([], [])).toThrow('the header has no columns');
    expect(() => new SummaryBuilder().table(['a'], [[1, 2]])).toThrow('row 1 has 2 cells for 1 columns');
  });

  it('appends to GITHUB_STEP_SUMMARY, read when writing', async () => {
    const file = join(dir, 'summary.md');
    writeFileSync(file, 'before\n');
    process.env.GITHUB_STEP_SUMMARY = file;
    await new SummaryBuilder().heading('First').write();
    await new SummaryBuilder().paragraph('Second').write();
    expect(readFileSync(file, 'utf8')).toBe('before\n## First\n\nSecond\n\n');
  });

  it('writes to an explicit file', async () => {
    const file = join(dir, 'explicit.md');
    await new SummaryBuilder().paragraph('x').write(file);
    expect(readFileSync(file, 'utf8')).toBe('x\n\n');
  });

  it('does nothing without GITHUB_STEP_SUMMARY', async () => {
    delete process.env.GITHUB_STEP_SUMMARY;
    await expect(new SummaryBuilder().heading('x').write()).resolves.toBeUndefined();
    expect(stdout).toEqual([]);
  });
});
