import { jest } from '@jest/globals';
import { InputError } from '../src/inputs.js';
import { failureMessage, runAction, stackOf } from '../src/run.js';

function recorder(debugOn = false) {
  const failed: string[] = [];
  const debugged: string[] = [];
  return {
    failed,
    debugged,
    deps: {
      fail: (m: string) => failed.push(m),
      debug: (m: string) => debugged.push(m),
      isDebug: () => debugOn,
    },
  };
}

const threeProblems = new InputError([
  { input: 'region', message: 'is required but was not set' },
  { input: 'timeout', message: 'a bare number has no unit: write 90s (or 10m, 1h30m, 500ms)' },
  { input: 'platform', message: 'must be one of `ecs`, `cloud-run`, got "ECS"' },
]);

describe('runAction', () => {
  it.each<[string, unknown, string]>([
    ['an Error', new Error('cluster not found'), 'deploy-ecs: cluster not found'],
    ['a string', 'plain failure', 'deploy-ecs: plain failure'],
    ['an object', { message: 'from an object', code: 7 }, 'deploy-ecs: from an object'],
    ['an object without message', { code: 7 }, 'deploy-ecs: {"code":7}'],
    ['undefined', undefined, 'deploy-ecs: unknown error (undefined was thrown)'],
    ['null', null, 'deploy-ecs: unknown error (null was thrown)'],
    [
      'an AggregateError',
      new AggregateError([new Error('a'), new Error('b')], 'both failed'),
      'deploy-ecs: both failed: a; b',
    ],
    [
      'an AWS error',
      Object.assign(new Error('Rate exceeded'), {
        name: 'ThrottlingException',
        $metadata: { httpStatusCode: 400 },
      }),
      'deploy-ecs: ThrottlingException: Rate exceeded (HTTP 400)',
    ],
    [
      'an InputError with one problem',
      new InputError([{ input: 'region', message: 'is required but was not set' }]),
      'deploy-ecs: input `region`: is required but was not set',
    ],
    [
      'an InputError with 3 problems',
      threeProblems,
      [
        'deploy-ecs: 3 inputs are invalid',
        'input `region`: is required but was not set',
        'input `timeout`: a bare number has no unit: write 90s (or 10m, 1h30m, 500ms)',
        'input `platform`: must be one of `ecs`, `cloud-run`, got "ECS"',
      ].join('\n'),
    ],
  ])('fails once for %s', async (_label, thrown, expected) => {
    const r = recorder();
    await expect(
      runAction(
        'deploy-ecs',
        async () => {
          throw thrown;
        },
        r.deps,
      ),
    ).resolves.toBeUndefined();
    expect(r.failed).toEqual([expected]);
    expect(r.debugged).toEqual([]);
  });

  it('does not fail on success', async () => {
    const r = recorder(true);
    let ran = false;
    await runAction(
      'deploy-ecs',
      async () => {
        ran = true;
      },
      r.deps,
    );
    expect(ran).toBe(true);
    expect(r.failed).toEqual([]);
    expect(r.debugged).toEqual([]);
  });

  it('catches a synchronous throw from main', async () => {
    const r = recorder();
    const main = (() => {
      throw new Error('sync');
    }) as unknown as () => Promise<void>;
    await runAction('x', main, r.deps);
    expect(r.failed).toEqual(['x: sync']);
  });

  it('prints the stack, with causes, only when debug is on', async () => {
    const cause = new Error('inner cause');
    const r = recorder(true);
    await runAction(
      'x',
      async () => {
        throw new Error('outer', { cause });
      },
      r.deps,
    );
    expect(r.failed).toEqual(['x: outer (cause: inner cause)']);
    expect(r.debugged).toHaveLength(1);
    expect(r.debugged[0]).toMatch(/^Error: outer\n\s+at /);
    expect(r.debugged[0]).toContain('Caused by: Error: inner cause');
  });

  it('reports a non-Error value in debug without a stack', async () => {
    const r = recorder(true);
    await runAction(
      'x',
      async () => {
        throw 'just a string';
      },
      r.deps,
    );
    expect(r.debugged).toEqual(['thrown value is not an Error (string): just a string']);
  });

  it('never throws, even when reporting fails', async () => {
    const exitCode = process.exitCode;
    const stderr = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      await expect(
        runAction(
          'x',
          async () => {
            throw new Error('boom');
          },
          {
            fail: () => {
              throw new Error('stdout closed');
            },
            isDebug: () => {
              throw new Error('env broken');
            },
          },
        ),
      ).resolves.toBeUndefined();
      expect(process.exitCode).toBe(1);
      expect(stderr).toHaveBeenCalledWith('x: boom\n');
    } finally {
      stderr.mockRestore();
      process.exitCode = exitCode;
    }
  });

  describe('with the real @actions/core', () => {
    const saved = {
      debug: process.env.RUNNER_DEBUG,
      step: process.env.ACTIONS_STEP_DEBUG,
      exitCode: process.exitCode,
    };
    let out: string[];
    let spy: ReturnType<typeof jest.spyOn>;
    beforeEach(() => {
      out = [];
      delete process.env.RUNNER_DEBUG;
      delete process.env.ACTIONS_STEP_DEBUG;
      spy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
        out.push(String(chunk));
        return true;
      });
    });
    afterEach(() => {
      spy.mockRestore();
      process.exitCode = saved.exitCode;
      if (saved.debug === undefined) delete process.env.RUNNER_DEBUG;
      else process.env.RUNNER_DEBUG = saved.debug;
      if (saved.step === undefined) delete process.env.ACTIONS_STEP_DEBUG;
      else process.env.ACTIONS_STEP_DEBUG = saved.step;
    });

    it('sets failed once with an ::error:: command and exit code 1', async () => {
      await runAction('deploy-ecs', async () => {
        throw new Error('boom');
      });
      expect(out.filter((l) => l.startsWith('::error::'))).toEqual([`::error::deploy-ecs: boom${'\n'}`]);
      expect(out.some((l) => l.startsWith('::debug::'))).toBe(false);
      expect(process.exitCode).toBe(1);
    });

    it.each([
      ['RUNNER_DEBUG', '1'],
      ['ACTIONS_STEP_DEBUG', 'true'],
    ])('prints the stack to ::debug:: when %s=%s', async (variable, value) => {
      process.env[variable] = value;
      await runAction('deploy-ecs', async () => {
        throw new Error('boom');
      });
      expect(out.filter((l) => l.startsWith('::debug::Error: boom'))).toHaveLength(1);
    });

    it('leaves the exit code alone on success', async () => {
      process.exitCode = undefined;
      await runAction('deploy-ecs', async () => undefined);
      expect(process.exitCode).toBeUndefined();
      expect(out).toEqual([]);
    });
  });
});

describe('failureMessage and stackOf', () => {
  it('counts problems when one input has several', () => {
    const e = new InputError([
      { input: 'a', message: 'x' },
      { input: 'a', message: 'y' },
    ]);
    expect(failureMessage('act', e)).toBe('act: 2 problems in 1 input\ninput `a`: x\ninput `a`: y');
  });

  it('includes inner errors of an AggregateError', () => {
    const text = stackOf(new AggregateError([new Error('first'), 'second'], 'many'));
    expect(text).toMatch(/^AggregateError: many\n/);
    expect(text).toContain('[0] Error: first');
    expect(text).toContain('[1] thrown value is not an Error (string): second');
  });
});
