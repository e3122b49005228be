import { InputError, InputReader, envInputSource, readInputs } from '../src/inputs.js';
import type { InputSource } from '../src/inputs.js';

function from(values: Record<string, string>): InputSource {
  return (name) => values[name];
}

/** Runs one reader over a single input named `x`, returning its value and the problems recorded. */
function read<T>(raw: string | undefined, fn: (r: InputReader) => T) {
  const r = new InputReader((name) => (name === 'x' ? raw : undefined));
  const value = fn(r);
  return { value, problems: r.problems.map((p) => `input \`${p.input}\`: ${p.message}`) };
}

function expectOk<T>(raw: string | undefined, fn: (r: InputReader) => T, expected: T): void {
  const { value, problems } = read(raw, fn);
  expect(problems).toEqual([]);
  expect(value).toEqual(expected);
}

function expectProblem<T>(raw: string | undefined, fn: (r: InputReader) => T, message: string): void {
  const { problems } = read(raw, fn);
  expect(problems).toEqual([`input \`x\`: ${message}`]);
}

describe('envInputSource', () => {
  const saved = { ...process.env };
  afterEach(() => {
    for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k];
  });

  it.each([
    ['aws-region', 'INPUT_AWS-REGION'],
    ['dry run', 'INPUT_DRY_RUN'],
    ['Image', 'INPUT_IMAGE'],
    ['task_definition', 'INPUT_TASK_DEFINITION'],
  ])('reads %s from %s at call time', (name, variable) => {
    expect(envInputSource(name)).toBeUndefined();
    process.env[variable] = 'value';
    expect(envInputSource(name)).toBe('value');
  });
});

describe('InputReader.string', () => {
  it.each<[string | undefined, Parameters<InputReader['string']>[1], string]>([
    ['  us-east-1 \n', {}, 'us-east-1'],
    [undefined, {}, ''],
    ['', { default: 'fallback' }, 'fallback'],
    ['   ', { default: 'fallback' }, 'fallback'],
    ['given', { default: 'fallback' }, 'given'],
    ['eu-west-1', { pattern: /^[a-z]{2}-[a-z]+-\d$/ }, 'eu-west-1'],
    ['eu-west-1', { pattern: /^[a-z]{2}-[a-z]+-\d$/g }, 'eu-west-1'],
  ])('%j with %j -> %j', (raw, opts, expected) => {
    expectOk(raw, (r) => r.string('x', opts), expected);
    // A global pattern must not carry state from one read to the next.
    expectOk(raw, (r) => r.string('x', opts), expected);
  });

  it.each<[string | undefined, Parameters<InputReader['string']>[1], string]>([
    [undefined, { required: true }, 'is required but was not set'],
    ['  ', { required: true, default: 'd' }, 'is required but was not set'],
    ['EU', { pattern: /^[a-z]+$/ }, 'must match /^[a-z]+$/, got "EU"'],
    [
      'EU',
      { pattern: /^[a-z]+$/, hint: 'a region such as eu-west-1' },
      'must match /^[a-z]+$/ (a region such as eu-west-1), got "EU"',
    ],
    ['y'.repeat(100), { pattern: /^x$/ }, `must match /^x$/, got "${'y'.repeat(59)}…"`],
  ])('%j with %j is a problem', (raw, opts, message) => {
    expectProblem(raw, (r) => r.string('x', opts), message);
  });
});

describe('InputReader.optionalString', () => {
  it.each<[string | undefined, string | undefined]>([
    [undefined, undefined],
    ['', undefined],
    [' \n ', undefined],
    [' v ', 'v'],
  ])('%j -> %j', (raw, expected) => {
    expectOk(raw, (r) => r.optionalString('x'), expected);
  });
});

describe('InputReader.boolean', () => {
  it.each<[string | undefined, Parameters<InputReader['boolean']>[1], boolean]>([
    ['true', {}, true],
    ['True', {}, true],
    ['TRUE', {}, true],
    ['false', {}, false],
    ['False', {}, false],
    [' FALSE\n', {}, false],
    [undefined, { default: true }, true],
    ['', { default: false }, false],
    ['false', { default: true }, false],
  ])('%j with %j -> %s', (raw, opts, expected) => {
    expectOk(raw, (r) => r.boolean('x', opts), expected);
  });

  it.each<[string | undefined, Parameters<InputReader['boolean']>[1], string]>([
    ...['yes', 'no', '1', '0', 'on', 'tRUE', 'y'].map((v): [string, object, string] => [
      v,
      { default: false },
      `must be true or false (also True, TRUE, False, FALSE), got "${v}"`,
    ]),
    [undefined, {}, 'is required but was not set'],
    [undefined, { default: true, required: true }, 'is required but was not set'],
  ])('%j with %j is a problem', (raw, opts, message) => {
    expectProblem(raw, (r) => r.boolean('x', opts), message);
  });
});

describe('InputReader.integer', () => {
  it.each<[string | undefined, Parameters<InputReader['integer']>[1], number]>([
    ['7', {}, 7],
    [' 7 ', {}, 7],
    ['-3', {}, -3],
    ['+4', {}, 4],
    ['0', { min: 0 }, 0],
    ['10', { min: 1, max: 10 }, 10],
    [undefined, { default: 3 }, 3],
    ['', { default: 3 }, 3],
  ])('%j with %j -> %d', (raw, opts, expected) => {
    expectOk(raw, (r) => r.integer('x', opts), expected);
  });

  it.each<[string | undefined, Parameters<InputReader['integer']>[1], string]>([
    ['1.5', {}, 'must be a whole number, got "1.5"'],
    ['1e3', {}, 'must be a whole number, got "1e3"'],
    [' 7x', {}, 'must be a whole number, got "7x"'],
    ['0x10', {}, 'must be a whole number, got "0x10"'],
    ['99999999999999999999', {}, 'must be a whole number, got "99999999999999999999"'],
    ['', {}, 'is required but was not set'],
    [undefined, { required: true, default: 1 }, 'is required but was not set'],
    ['0', { min: 1 }, 'must be at least 1, got 0'],
    ['11', { max: 10 }, 'must be at most 10, got 11'],
  ])('%j with %j is a problem', (raw, opts, message) => {
    expectProblem(raw, (r) => r.integer('x', opts), message);
  });
});

describe('InputReader.number', () => {
  it.each<[string, Parameters<InputReader['number']>[1], number]>([
    ['0.5', {}, 0.5],
    ['-2', {}, -2],
    ['.25', {}, 0.25],
    ['1e3', {}, 1000],
    ['3.', {}, 3],
    ['1', { min: 0, max: 1 }, 1],
  ])('%j with %j -> %d', (raw, opts, expected) => {
    expectOk(raw, (r) => r.number('x', opts), expected);
  });

  it.each<[string, Parameters<InputReader['number']>[1], string]>([
    ['Infinity', {}, 'must be a number, got "Infinity"'],
    ['NaN', {}, 'must be a number, got "NaN"'],
    ['1,5', {}, 'must be a number, got "1,5"'],
    ['0x10', {}, 'must be a number, got "0x10"'],
    ['1e999', {}, 'must be a number, got "1e999"'],
    ['-0.1', { min: 0 }, 'must be at least 0, got -0.1'],
    ['1.01', { max: 1 }, 'must be at most 1, got 1.01'],
  ])('%j with %j is a problem', (raw, opts, message) => {
    expectProblem(raw, (r) => r.number('x', opts), message);
  });
});

describe('InputReader.duration', () => {
  it.each<[string | undefined, Parameters<InputReader['duration']>[1], number]>([
    ['90s', {}, 90_000],
    ['10m', {}, 600_000],
    ['1h30m', {}, 5_400_000],
    ['1h', {}, 3_600_000],
    ['500ms', {}, 500],
    ['2h5m10s', {}, 7_510_000],
    ['1m500ms', {}, 60_500],
    ['0s', {}, 0],
    [undefined, { default: '15m' }, 900_000],
    ['30s', { min: '10s', max: '1h' }, 30_000],
  ])('%j with %j -> %d ms', (raw, opts, expected) => {
    expectOk(raw, (r) => r.duration('x', opts), expected);
  });

  it.each<[string | undefined, Parameters<InputReader['duration']>[1], string]>([
    ['90', {}, 'a bare number has no unit: write 90s (or 10m, 1h30m, 500ms)'],
    ['1.5', {}, 'a bare number has no unit: write 1.5s (or 10m, 1h30m, 500ms)'],
    ['10 m', {}, 'must be a duration such as 90s, 10m, 1h30m or 500ms, got "10 m"'],
    ['30m1h', {}, 'must be a duration such as 90s, 10m, 1h30m or 500ms, got "30m1h"'],
    ['10M', {}, 'must be a duration such as 90s, 10m, 1h30m or 500ms, got "10M"'],
    ['1d', {}, 'must be a duration such as 90s, 10m, 1h30m or 500ms, got "1d"'],
    ['-5s', {}, 'must be a duration such as 90s, 10m, 1h30m or 500ms, got "-5s"'],
    [undefined, {}, 'is required but was not set'],
    ['5s', { min: '10s' }, 'must be at least 10s, got 5s'],
    ['2h', { max: '1h30m' }, 'must be at most 1h30m, got 2h'],
  ])('%j with %j is a problem', (raw, opts, message) => {
    expectProblem(raw, (r) => r.duration('x', opts), message);
  });

  it('throws at once for a malformed default, which is a programming error', () => {
    expect(() => read('1m', (r) => r.duration('x', { default: '10' }))).toThrow(
      'duration default "10" is not a duration such as 10m',
    );
  });
});

describe('InputReader.enum', () => {
  const platforms = ['ecs', 'cloud-run', 'kubernetes'] as const;

  it.each<[string | undefined, Parameters<InputReader['enum']>[2], string]>([
    ['ecs', {}, 'ecs'],
    [' cloud-run ', {}, 'cloud-run'],
    [undefined, { default: 'kubernetes' }, 'kubernetes'],
  ])('%j with %j -> %s', (raw, opts, expected) => {
    expectOk(raw, (r) => r.enum('x', platforms, opts as { default?: (typeof platforms)[number] }), expected);
  });

  it.each<[string | undefined, string]>([
    [
      'ECS',
      'must be one of `ecs`, `cloud-run`, `kubernetes`, got "ECS" (values are case-sensitive: did you mean `ecs`?)',
    ],
    ['lambda', 'must be one of `ecs`, `cloud-run`, `kubernetes`, got "lambda"'],
    [undefined, 'is required but was not set'],
  ])('%j is a problem', (raw, message) => {
    expectProblem(raw, (r) => r.enum('x', platforms), message);
  });

  it('returns a value of the union type', () => {
    const value: 'a' | 'b' = new InputReader(from({ x: 'b' })).enum('x', ['a', 'b'] as const);
    expect(value).toBe('b');
  });
});

describe('InputReader.list', () => {
  it.each<[string | undefined, Parameters<InputReader['list']>[1], string[]]>([
    ['a,b,c', {}, ['a', 'b', 'c']],
    ['a\nb\nc', {}, ['a', 'b', 'c']],
    [' a , b \n\n c,\n', {}, ['a', 'b', 'c']],
    ['a\r\nb', {}, ['a', 'b']],
    ['# tags to push\nlatest\n  # indented comment\nv1', {}, ['latest', 'v1']],
    ['a,,b', {}, ['a', 'b']],
    [undefined, {}, []],
    ['a,b,a', {}, ['a', 'b', 'a']],
    ['a,b', { unique: true }, ['a', 'b']],
  ])('%j with %j -> %j', (raw, opts, expected) => {
    expectOk(raw, (r) => r.list('x', opts), expected);
  });

  it.each<[string | undefined, Parameters<InputReader['list']>[1], string]>([
    [undefined, { required: true }, 'is required but was not set'],
    [', ,\n# only a comment', { required: true }, 'is required but lists no entries'],
    ['a,b,a,b,a', { unique: true }, 'lists "a", "b" more than once'],
  ])('%j with %j is a problem', (raw, opts, message) => {
    expectProblem(raw, (r) => r.list('x', opts), message);
  });
});

describe('InputReader.map', () => {
  const pem = [
    '-----BEGIN CERTIFICATE-----',
    'MIIBszCCAVmgAwIBAgIUSm9lIFRlc3QgQ2VydGlmaWNhdGUwCgYIKoZIzj0EAwIw',
    'ZW5naW5lZXJpbmc9dGVzdA==',
    'QUJD=',
    '-----END CERTIFICATE-----',
  ].join('\n');
  const chain = `${pem}\n${pem.replace('QUJD=', 'REVG')}`;
  const rsa = [
    '-----BEGIN RSA PRIVATE KEY-----',
    'Proc-Type: 4,ENCRYPTED',
    'DEK-Info: AES-128-CBC,ABC',
    '',
    'QUJDREVG=',
    '-----END RSA PRIVATE KEY-----',
  ].join('\n');

  it.each<[string, string | undefined, Record<string, string>]>([
    ['one pair', 'A=1', { A: '1' }],
    ['several pairs', 'A=1\nB=two\nC=', { A: '1', B: 'two', C: '' }],
    [
      'values keep commas (deploy-cloudrun #495)',
      'EMAILS=a <a@x.io>,b <b@x.io>\nVAR2=test',
      { EMAILS: 'a <a@x.io>,b <b@x.io>', VAR2: 'test' },
    ],
    ['values keep =', 'Q=a=b==c', { Q: 'a=b==c' }],
    ['JSON values (deploy-cloudrun #541)', 'MY_JSON={"a":1,"b":[1,2]}', { MY_JSON: '{"a":1,"b":[1,2]}' }],
    ['JSON with spaces and commas', 'MY_JSON={"a": 1, "b": 2}', { MY_JSON: '{"a": 1, "b": 2}' }],
    [
      'multi-line JSON, closing brace unindented',
      'CFG={\n  "a": 1,\n  "b": [1, 2]\n}\nNEXT=1',
      { CFG: '{\n  "a": 1,\n  "b": [1, 2]\n}', NEXT: '1' },
    ],
    [
      'a PEM block substituted unindented (deploy-cloudrun #554)',
      `DEBUG=False\nGH_APP_PRIVATE_KEY=${pem}\nAFTER=1`,
      { DEBUG: 'False', GH_APP_PRIVATE_KEY: pem, AFTER: '1' },
    ],
    ['a PEM block starting on the next line', `CERT=\n${pem}`, { CERT: pem }],
    ['a certificate chain', `CHAIN=${chain}\nX=y`, { CHAIN: chain, X: 'y' }],
    ['a PEM block with headers and a blank line', `KEY=${rsa}`, { KEY: rsa }],
    ['a quoted PEM block', `KEY="${pem}"`, { KEY: pem }],
    [
      'indented continuation lines are dedented',
      'MSG=first\n  second\n    third\nB=2',
      { MSG: 'first\nsecond\n  third', B: '2' },
    ],
    ['a value only on indented lines', 'SCRIPT=\n  echo a\n  echo b', { SCRIPT: 'echo a\necho b' }],
    ['blank lines between entries are dropped', '\nA=1\n\n\nB=2\n\n', { A: '1', B: '2' }],
    ['blank lines inside an indented value are kept', 'T=a\n  b\n\n  c', { T: 'a\nb\n\nc' }],
    ['comments', '# the environment\nA=1\n# B=2', { A: '1' }],
    ['CRLF line ends', 'A=1\r\nB=2\r\n', { A: '1', B: '2' }],
    ['keys with dots, dashes and underscores', '_A=1\nb.c-d_e=2', { _A: '1', 'b.c-d_e': '2' }],
    ['spaces around =', 'A = 1', { A: '1' }],
    ['matching quotes are removed', 'A="a,b"\nB=\'False\'', { A: 'a,b', B: 'False' }],
    [
      'quotes that do not wrap the whole value stay',
      'A="a" and "b"\nB="half',
      { A: '"a" and "b"', B: '"half' },
    ],
    ['a __proto__ key is an ordinary key', '__proto__=x', { ['__proto__']: 'x' }],
    ['absent', undefined, {}],
  ])('%s', (_label, raw, expected) => {
    const { value, problems } = read(raw, (r) => r.map('x'));
    expect(problems).toEqual([]);
    expect(value).toEqual(expected);
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    expect(Object.keys(value)).toEqual(Object.keys(expected));
  });

  it.each<[string, string | undefined, { required?: boolean }, string]>([
    ['required and absent', undefined, { required: true }, 'is required but was not set'],
    ['a first line without =', 'JUST_A_KEY\nA=1', {}, "line 1: has no '=' (expected KEY=VALUE)"],
    [
      'a later line without =',
      'A=1\nFORGOT_EQUALS\nB=2',
      {},
      "line 2: has no '=' (expected KEY=VALUE; indent a line to continue the previous value)",
    ],
    [
      'a key that is not a name',
      'A=1\n\n9LIVES=cat',
      {},
      'line 3: not a KEY=VALUE line (a key starts with a letter or _ and holds only letters, digits, _ . -)',
    ],
    ['a duplicate key', 'A=1\nB=2\nA=3', {}, 'line 3: duplicate key `A` (first set on line 1)'],
    [
      'several errors at once',
      'NOPE\nA=1\nA=2',
      {},
      "line 1: has no '=' (expected KEY=VALUE); line 3: duplicate key `A` (first set on line 2)",
    ],
  ])('%s is a problem naming the line', (_label, raw, opts, message) => {
    const { value, problems } = read(raw, (r) => r.map('x', opts));
    expect(problems).toEqual([`input \`x\`: ${message}`]);
    expect(value).toEqual({});
  });

  it('never echoes a bad line, which may be part of a secret', () => {
    const { problems } = read('A=1\nsupersecretvalue', (r) => r.map('x'));
    expect(problems.join()).not.toContain('supersecret');
  });
});

describe('InputReader.structured', () => {
  it.each<[string, string | undefined, 'yaml' | 'json' | undefined, unknown]>([
    ['YAML mapping', 'a: 1\nb: [x, y]\n', undefined, { a: 1, b: ['x', 'y'] }],
    ['YAML list', '- name: web\n  port: 80\n', 'yaml', [{ name: 'web', port: 80 }]],
    ['JSON through YAML', '{"a": {"b": [1, 2]}}', 'yaml', { a: { b: [1, 2] } }],
    ['strict JSON', '{"a": true}', 'json', { a: true }],
    ['YAML keeps strings that look like numbers when quoted', 'v: "1.10"', undefined, { v: '1.10' }],
    ['absent', undefined, undefined, undefined],
  ])('%s', (_label, raw, format, expected) => {
    expectOk(raw, (r) => r.structured('x', format ? { format } : {}), expected);
  });

  it.each<[string, string | undefined, 'yaml' | 'json' | undefined, string]>([
    ['required and absent', undefined, undefined, 'is required but was not set'],
    [
      'an unclosed YAML flow sequence',
      'a: 1\nb: [1, 2\nc: 3',
      'yaml',
      'line 3, column 1: invalid YAML: Flow sequence in block collection must be sufficiently indented and end with a ]',
    ],
    ['a duplicate YAML key', 'a: 1\na: 2', 'yaml', 'line 2, column 1: invalid YAML: Map keys must be unique'],
    [
      'a reserved YAML character',
      'x: @bad',
      'yaml',
      'line 1, column 4: invalid YAML: Plain value cannot start with reserved character @',
    ],
  ])('%s is a problem naming the line', (_label, raw, format, message) => {
    expectProblem(raw, (r) => r.structured('x', { required: true, ...(format ? { format } : {}) }), message);
  });

  it('reports the line of invalid JSON without echoing the text', () => {
    const { problems } = read('{"a": 1,\n "secret": }', (r) => r.structured('x', { format: 'json' }));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^input `x`: line 2, column \d+: invalid JSON: /);
    expect(problems[0]).not.toContain('secret');
  });

  it('rejects YAML when JSON is asked for', () => {
    const { problems } = read('a: 1', (r) => r.structured('x', { format: 'json' }));
    expect(problems[0]).toMatch(/^input `x`: line 1, column 1: invalid JSON: /);
  });
});

describe('fail, done and InputError', () => {
  it('done() does nothing without problems', () => {
    const r = new InputReader(from({}));
    expect(() => r.done()).not.toThrow();
  });

  it('records a cross-field problem', () => {
    const r = new InputReader(from({ min: '5', max: '3' }));
    const min = r.integer('min');
    const max = r.integer('max');
    if (min > max) r.fail('max', 'must not be less than `min`');
    expect(() => r.done()).toThrow(
      new InputError([{ input: 'max', message: 'must not be less than `min`' }]),
    );
  });

  it('an InputError with one problem has that line as its message', () => {
    const e = new InputError([{ input: 'region', message: 'must be one of `a`, `b`' }]);
    expect(e.message).toBe('input `region`: must be one of `a`, `b`');
    expect(e.name).toBe('InputError');
    expect(e).toBeInstanceOf(Error);
  });

  it('an InputError has one line per problem and frozen problems', () => {
    const e = new InputError([
      { input: 'a', message: 'x' },
      { input: 'b', message: 'y' },
    ]);
    expect(e.message).toBe('input `a`: x\ninput `b`: y');
    expect(Object.isFrozen(e.problems)).toBe(true);
  });
});

describe('readInputs', () => {
  it('returns what build returns when every input is valid', () => {
    const inputs = readInputs(
      (r) => ({
        region: r.string('region', { required: true }),
        dryRun: r.boolean('dry-run', { default: false }),
        timeout: r.duration('timeout', { default: '10m' }),
      }),
      from({ region: 'eu-west-1', 'dry-run': 'true' }),
    );
    expect(inputs).toEqual({ region: 'eu-west-1', dryRun: true, timeout: 600_000 });
  });

  it('collects every bad input into one InputError naming each', () => {
    let thrown: unknown;
    try {
      readInputs(
        (r) => ({
          region: r.string('region', { required: true }),
          dryRun: r.boolean('dry-run'),
          timeout: r.duration('timeout'),
          platform: r.enum('platform', ['ecs', 'cloud-run']),
          replicas: r.integer('replicas', { min: 1 }),
          env: r.map('env'),
        }),
        from({ 'dry-run': 'yes', timeout: '600', platform: 'ECS', replicas: '0', env: 'A=1\nB' }),
      );
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(InputError);
    const e = thrown as InputError;
    expect(e.problems.map((p) => p.input)).toEqual([
      'region',
      'dry-run',
      'timeout',
      'platform',
      'replicas',
      'env',
    ]);
    expect(e.message.split('\n')).toEqual([
      'input `region`: is required but was not set',
      'input `dry-run`: must be true or false (also True, TRUE, False, FALSE), got "yes"',
      'input `timeout`: a bare number has no unit: write 600s (or 10m, 1h30m, 500ms)',
      'input `platform`: must be one of `ecs`, `cloud-run`, got "ECS" (values are case-sensitive: did you mean `ecs`?)',
      'input `replicas`: must be at least 1, got 0',
      "input `env`: line 2: has no '=' (expected KEY=VALUE; indent a line to continue the previous value)",
    ]);
  });

  it('reads the environment by default', () => {
    process.env['INPUT_SLIPWAY-TEST-NAME'] = ' from env ';
    try {
      expect(readInputs((r) => r.string('slipway-test-name'))).toBe('from env');
    } finally {
      delete process.env['INPUT_SLIPWAY-TEST-NAME'];
    }
  });

  it('lets recorded problems win over an error that build throws because of them', () => {
    const build = (r: InputReader) => {
      const n = r.integer('n');
      if (n === 0) throw new Error('cannot divide by zero');
      return 1 / n;
    };
    expect(() => readInputs(build, from({ n: 'zero' }))).toThrow(
      new InputError([{ input: 'n', message: 'must be a whole number, got "zero"' }]),
    );
  });

  it('merges an InputError thrown by build', () => {
    const build = (r: InputReader) => {
      r.string('a', { required: true });
      throw new InputError([{ input: 'b', message: 'conflicts with `a`' }]);
    };
    expect(() => readInputs(build, from({}))).toThrow(
      'input `a`: is required but was not set\ninput `b`: conflicts with `a`',
    );
  });

  it('rethrows an unrelated error from build when no input is wrong', () => {
    const bug = new RangeError('bug');
    expect(() =>
      readInputs(() => {
        throw bug;
      }, from({})),
    ).toThrow(bug);
  });
});
