// Acceptance tests of the runner-faithful harness. The fixture action (test/fixtures/fixture-action) is bundled
// once with ncc, as real actions are, and run through runAction; small script actions written here pin down
// the environment, post-step and timeout behaviour byte for byte.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildFixtureAction, removeBuiltFixture } from './build-fixture.js';
import { FAKE_GITHUB_TOKEN, runAction } from './run-action.js';
import type { ActionRun } from './run-action.js';

const TOKEN = 'tok-Secret-4f9a8b7c6d5e';
let fixture: string;
let scratch: string;

beforeAll(async () => {
  fixture = await buildFixtureAction();
  scratch = mkdtempSync(join(tmpdir(), 'slipway-harness-test-'));
}, 180_000);

afterAll(async () => {
  if (fixture) await removeBuiltFixture(fixture);
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

/** Writes a tiny node24 action whose bundle is `script` (plain ESM), for behaviour the fixture does not show. */
function scriptAction(name: string, manifestExtra: string, script: string, post = false): string {
  const dir = join(scratch, name);
  mkdirSync(join(dir, 'dist'), { recursive: true });
  writeFileSync(
    join(dir, 'action.yml'),
    `name: ${name}\ndescription: test\n${manifestExtra}runs:\n  using: node24\n  main: dist/index.js\n` +
      (post ? '  post: dist/index.js\n' : ''),
  );
  writeFileSync(join(dir, 'dist', 'package.json'), '{"type":"module"}\n');
  writeFileSync(join(dir, 'dist', 'index.js'), script);
  return dir;
}

// Prints its environment and cwd as one JSON line; in main it also writes GITHUB_ENV, GITHUB_PATH and state.
const ENV_DUMP = `
import { appendFileSync } from 'node:fs';
const post = process.env.STATE_phase !== undefined;
console.log('DUMP ' + JSON.stringify({ post, cwd: process.cwd(), env: process.env }));
if (!post) {
  appendFileSync(process.env.GITHUB_ENV, 'FROM_MAIN=yes\\n');
  appendFileSync(process.env.GITHUB_PATH, '/opt/from-main\\n');
  appendFileSync(process.env.GITHUB_STATE, 'phase=main\\n');
}
`;
const ENV_INPUTS = `inputs:\n  aws-region:\n    description: r\n  log level:\n    description: l\n    default: info\n  empty:\n    description: e\n`;

interface Dump {
  post: boolean;
  cwd: string;
  env: Record<string, string>;
}
function dumps(log: string): Dump[] {
  return log
    .split('\n')
    .filter((l) => l.startsWith('DUMP '))
    .map((l) => JSON.parse(l.slice(5)) as Dump);
}

describe('runAction with the fixture action', () => {
  let ok: ActionRun;
  beforeAll(async () => {
    ok = await runAction(fixture, { inputs: { 'aws-region': 'eu-west-1', token: TOKEN } });
  }, 60_000);

  it('succeeds', () => {
    expect({ exitCode: ok.exitCode, errors: ok.annotations.filter((a) => a.level === 'error') }).toEqual({
      exitCode: 0,
      errors: [],
    });
  });

  it('applies action.yml defaults and passes the hyphenated input as INPUT_AWS-REGION', () => {
    expect(JSON.parse(ok.outputs.json ?? '')).toEqual({
      greeting: 'hello',
      region: 'eu-west-1',
      hasToken: true,
    });
  });

  it('parses a multi-line heredoc output and a JSON output from GITHUB_OUTPUT', () => {
    expect(Object.keys(ok.outputs).sort()).toEqual(['json', 'message']);
    expect(ok.outputs.message).toBe('hello, eu-west-1!\nsecond line\nthird: a=b<<c');
  });

  it('parses an annotation with file, lines, column and title, undoing the runner escaping', () => {
    expect(ok.annotations.filter((a) => a.level === 'warning')).toEqual([
      {
        level: 'warning',
        message: 'fixture warning: line one\nline two, with 100% of: punctuation',
        file: 'action.yml',
        line: 3,
        endLine: 4,
        col: 5,
        title: 'Fixture: title, with comma',
      },
    ]);
  });

  it('records masks, the summary and saved state', () => {
    expect(ok.masked).toContain(TOKEN);
    expect(ok.summary).toMatch(/## Fixture action[\s\S]*\| aws-region \| eu-west-1 \|/);
    expect(ok.state).toEqual({ phase: 'main-done', region: 'eu-west-1' });
    expect(ok.leaks).toEqual([]);
  });

  it('hands saved state to the post step as STATE_* (post: auto)', () => {
    expect(ok.post?.exitCode).toBe(0);
    expect(ok.post?.log).toContain('post: cleaning up after main-done in eu-west-1');
    expect(ok.post?.annotations).toEqual([{ level: 'notice', message: 'post ran for eu-west-1' }]);
    expect(ok.post?.summary).toContain('post step for eu-west-1, greeting hello');
  });

  it('throws when a masked value leaks into the log', async () => {
    await expect(
      runAction(fixture, { inputs: { 'aws-region': 'eu-west-1', token: TOKEN, leak: 'true' }, post: false }),
    ).rejects.toThrow(
      new RegExp(
        `secret leak in fixture-action[\\s\\S]*secret to… \\(${TOKEN.length} chars\\) in log \\(line \\d+\\)`,
      ),
    );
  });

  it('reports the leak instead of throwing only when allowLeaks is set', async () => {
    const run = await runAction(fixture, {
      inputs: { 'aws-region': 'eu-west-1', token: TOKEN, leak: 'true' },
      post: false,
      allowLeaks: true,
    });
    expect(run.leaks).toEqual([
      { where: 'log', line: expect.any(Number), secret: `to… (${TOKEN.length} chars)` },
    ]);
    expect(run.log.split('\n')[run.leaks[0]!.line - 1]).toBe(`debug: token=${TOKEN}`);
  });

  it('throws when a declared secret appears in an output, masked or not', async () => {
    await expect(
      runAction(fixture, { inputs: { 'aws-region': 'eu-west-1' }, secrets: ['eu-west-1'], post: false }),
    ).rejects.toThrow(/in output 'message'[\s\S]*in output 'json'/);
  });

  it('fails the step with one ::error:: line naming a missing required input', async () => {
    const run = await runAction(fixture, { inputs: { greeting: 'hi' }, post: false });
    const errorLines = run.log.split('\n').filter((l) => l.startsWith('::error'));
    expect({ exitCode: run.exitCode, errorLines }).toEqual({
      exitCode: 1,
      errorLines: ['::error::fixture-action: input `aws-region`: is required but was not set'],
    });
    expect(run.annotations).toEqual([
      { level: 'error', message: 'fixture-action: input `aws-region`: is required but was not set' },
    ]);
    expect(run.post).toBeUndefined();
  });

  it.each([
    [
      'greting',
      /Unexpected input\(s\) 'greting', valid inputs are \['greeting', 'aws-region', 'token', 'leak'\]/,
    ],
    ['aws_region', /Unexpected input\(s\) 'aws_region'/],
  ])('refuses the unknown input %s', async (name, message) => {
    await expect(runAction(fixture, { inputs: { 'aws-region': 'eu-west-1', [name]: 'x' } })).rejects.toThrow(
      message,
    );
  });
});

describe('runAction environment', () => {
  const PARENT_ONLY = 'SLIPWAY_HARNESS_PARENT_ONLY';
  let action: string;
  beforeAll(() => {
    action = scriptAction('env-dump', ENV_INPUTS, ENV_DUMP, true);
  });
  afterEach(() => {
    delete process.env[PARENT_ONLY];
  });

  it('builds the child environment from scratch with the runner’s variables', async () => {
    process.env[PARENT_ONLY] = 'must-not-leak';
    const run = await runAction(action, {
      inputs: { 'aws-region': 'us-east-1', empty: '' },
      repository: 'acme/shop',
      sha: 'f'.repeat(40),
      ref: 'refs/tags/v1.2.3',
      eventName: 'pull_request',
      event: { number: 7 },
      post: false,
    });
    const [main] = dumps(run.log);
    const env = main!.env;
    expect(env[PARENT_ONLY]).toBeUndefined();
    expect(env.RUNNER_DEBUG).toBeUndefined();
    expect(
      Object.keys(env)
        .filter((k) => !/^(GITHUB_|RUNNER_|INPUT_)/.test(k))
        .sort(),
    ).toEqual(['CI', 'HOME', 'PATH'].filter((k) => k !== 'HOME' || process.env.HOME !== undefined));
    expect(env).toMatchObject({
      CI: 'true',
      GITHUB_ACTIONS: 'true',
      GITHUB_REPOSITORY: 'acme/shop',
      GITHUB_REPOSITORY_OWNER: 'acme',
      GITHUB_SHA: 'f'.repeat(40),
      GITHUB_REF: 'refs/tags/v1.2.3',
      GITHUB_REF_NAME: 'v1.2.3',
      GITHUB_EVENT_NAME: 'pull_request',
      GITHUB_SERVER_URL: 'https://github.com',
      GITHUB_API_URL: 'https://api.github.com',
      GITHUB_RUN_ID: expect.stringMatching(/^\d+$/),
      GITHUB_RUN_ATTEMPT: '1',
      RUNNER_OS: 'Linux',
      RUNNER_TEMP: expect.any(String),
      'INPUT_AWS-REGION': 'us-east-1',
      INPUT_LOG_LEVEL: 'info',
      INPUT_EMPTY: '',
    });
    for (const file of [
      'GITHUB_OUTPUT',
      'GITHUB_ENV',
      'GITHUB_STATE',
      'GITHUB_PATH',
      'GITHUB_STEP_SUMMARY',
    ]) {
      expect(env[file]).toEqual(expect.stringContaining(tmpdir()));
    }
    expect(main!.cwd).toBe(env.GITHUB_WORKSPACE);
  });

  it('lets opts.env override GITHUB_API_URL and add variables', async () => {
    const run = await runAction(action, {
      env: { GITHUB_API_URL: 'http://127.0.0.1:9999', RUNNER_DEBUG: '1' },
      post: false,
    });
    expect(dumps(run.log)[0]!.env).toMatchObject({
      GITHUB_API_URL: 'http://127.0.0.1:9999',
      RUNNER_DEBUG: '1',
    });
  });

  it('uses the given workspace as cwd and GITHUB_WORKSPACE, and writes the event payload', async () => {
    const workspace = mkdtempSync(join(scratch, 'ws-'));
    const reader = scriptAction(
      'event-reader',
      '',
      `import { readFileSync } from 'node:fs';\nconsole.log('EVENT ' + readFileSync(process.env.GITHUB_EVENT_PATH, 'utf8'));\nconsole.log('CWD ' + process.cwd());\n`,
    );
    const run = await runAction(reader, { workspace, event: { pull_request: { number: 42 } } });
    expect(run.log.split('\n')).toEqual([`EVENT {"pull_request":{"number":42}}`, `CWD ${workspace}`]);
  });

  it('runs the post step with STATE_*, main’s GITHUB_ENV and GITHUB_PATH, and opts.state on top', async () => {
    const run = await runAction(action, { post: true, state: { extra: 'given' } });
    const post = dumps(run.post?.log ?? '')[0];
    expect(run.state).toEqual({ phase: 'main' });
    expect(post?.post).toBe(true);
    expect(post?.env).toMatchObject({ STATE_phase: 'main', STATE_extra: 'given', FROM_MAIN: 'yes' });
    expect(post?.env.PATH?.split(':')[0]).toBe('/opt/from-main');
    expect(run.env).toEqual({ FROM_MAIN: 'yes' });
    expect(run.path).toEqual(['/opt/from-main']);
  });

  it.each([
    [false, undefined],
    ['auto' as const, 0],
  ])('post: %s on an action that saved state → post exit %s', async (post, exit) => {
    const run = await runAction(action, { post });
    expect(run.post?.exitCode).toBe(exit);
  });

  it.each([
    [{ GITHUB_OUTPUT: '/tmp/x' }, /may not set GITHUB_OUTPUT/],
    [{ 'INPUT_AWS-REGION': 'x' }, /may not set INPUT_AWS-REGION/],
    [{ STATE_phase: 'x' }, /may not set STATE_phase/],
  ])('refuses opts.env %j', async (env, message) => {
    await expect(runAction(action, { env })).rejects.toThrow(message);
  });
});

describe('runAction defaults with expressions', () => {
  const TOKEN_INPUT = 'inputs:\n  token:\n    description: t\n    default: ${{ github.token }}\n';
  const PRINT_TOKEN_LENGTH = `console.log('LEN ' + process.env.INPUT_TOKEN.length + ' ' + process.env.INPUT_TOKEN.startsWith('ghs_'));\n`;

  it('substitutes ${{ github.token }} with GITHUB_TOKEN from opts.env, or a fake', async () => {
    const action = scriptAction('token-default', TOKEN_INPUT, PRINT_TOKEN_LENGTH);
    expect((await runAction(action)).log).toBe(`LEN ${FAKE_GITHUB_TOKEN.length} true`);
    expect((await runAction(action, { env: { GITHUB_TOKEN: 'abc12345' } })).log).toBe('LEN 8 false');
  });

  it('treats the github.token default as a secret', async () => {
    const action = scriptAction('token-printer', TOKEN_INPUT, `console.log(process.env.INPUT_TOKEN);\n`);
    await expect(runAction(action)).rejects.toThrow(/secret leak in token-printer/);
  });

  it('refuses any other expression in a default', async () => {
    const action = scriptAction(
      'other-expression',
      'inputs:\n  ref:\n    description: r\n    default: ${{ github.ref }}\n',
      '',
    );
    await expect(runAction(action)).rejects.toThrow(
      /input 'ref': default expression \$\{\{ github\.ref \}\} is not supported/,
    );
  });
});

describe('runAction process handling', () => {
  it('kills a step that outlives timeoutMs and rejects with a clear message', async () => {
    const action = scriptAction('sleeper', '', `console.log('started');\nsetInterval(() => {}, 1000);\n`);
    const started = Date.now();
    await expect(runAction(action, { timeoutMs: 500 })).rejects.toThrow(
      /sleeper main did not finish within 500 ms and was killed; last log lines:\nstarted/,
    );
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('interleaves stdout and stderr line by line in arrival order', async () => {
    const action = scriptAction(
      'interleave',
      '',
      // Pauses between writes: the two pipes are read independently, so only time orders them (on the runner too).
      `const w = (s, t) => new Promise((r) => s.write(t, () => setTimeout(r, 100)));\n` +
        `await w(process.stdout, 'one\\n');\nawait w(process.stderr, 'two\\n');\nawait w(process.stdout, 'three\\n');\n` +
        `process.exitCode = 3;\n`,
    );
    const run = await runAction(action);
    expect({ exitCode: run.exitCode, log: run.log, stdout: run.stdout, stderr: run.stderr }).toEqual({
      exitCode: 3,
      log: 'one\ntwo\nthree',
      stdout: 'one\nthree\n',
      stderr: 'two\n',
    });
  });

  it('says to build first when the bundle is missing', async () => {
    const action = scriptAction('unbuilt', '', '');
    rmSync(join(action, 'dist', 'index.js'));
    await expect(runAction(action)).rejects.toThrow(
      /runs\.main dist\/index\.js does not exist; run `npm run build`/,
    );
  });
});
