import { isDeadlineExceeded } from '../src/errors.js';
import { backoffDelay, retry, sleep } from '../src/retry.js';
import type { RetryOptions } from '../src/retry.js';

const throttled = () =>
  Object.assign(new Error('Rate exceeded'), {
    name: 'ThrottlingException',
    $metadata: { httpStatusCode: 400 },
  });

/** A fake clock that sleeping advances, and a log of every sleep. */
function clock(start = 1_000_000) {
  const state = { t: start, sleeps: [] as number[] };
  return {
    state,
    now: () => state.t,
    sleep: async (ms: number) => {
      state.sleeps.push(ms);
      state.t += ms;
    },
  };
}

/** A function failing with the given errors in turn, then returning 'ok'. */
function failing(errors: unknown[]) {
  const attempts: number[] = [];
  const fn = async (attempt: number) => {
    attempts.push(attempt);
    if (attempts.length <= errors.length) throw errors[attempts.length - 1];
    return 'ok';
  };
  return { fn, attempts };
}

describe('backoffDelay', () => {
  it.each<[number, Parameters<typeof backoffDelay>[1], number]>([
    [1, { random: () => 1 }, 200],
    [2, { random: () => 1 }, 400],
    [3, { random: () => 1 }, 800],
    [7, { random: () => 1 }, 12_800],
    [8, { random: () => 1 }, 20_000],
    [50, { random: () => 1 }, 20_000],
    [2000, { random: () => 1 }, 20_000],
    [1, { random: () => 0 }, 0],
    [1, { random: () => 0.5 }, 100],
    [1, { random: () => 0.3 }, 60],
    [3, { random: () => 0.25, baseDelayMs: 1000, maxDelayMs: 3000 }, 750],
    [4, { random: () => 0.5, baseDelayMs: 1000, maxDelayMs: 3000 }, 1500],
    [0, { random: () => 1 }, 200],
  ])('attempt %d with %j -> %d ms', (attempt, opts, expected) => {
    expect(backoffDelay(attempt, opts)).toBe(expected);
  });

  it('stays within [0, cap] with the real random source', () => {
    for (let i = 0; i < 200; i++) {
      const d = backoffDelay(3);
      expect(d).toBeGreaterThanOrEqual(0);
      expect(d).toBeLessThanOrEqual(800);
    }
  });
});

describe('retry', () => {
  it('returns the first success without sleeping', async () => {
    const c = clock();
    const { fn, attempts } = failing([]);
    await expect(retry(fn, { sleep: c.sleep, now: c.now })).resolves.toBe('ok');
    expect(attempts).toEqual([1]);
    expect(c.state.sleeps).toEqual([]);
  });

  it('retries retryable errors with full-jitter exponential delays', async () => {
    const c = clock();
    const { fn, attempts } = failing([
      throttled(),
      { status: 503 },
      Object.assign(new Error('x'), { code: 'ECONNRESET' }),
    ]);
    const retried: Array<[number, number]> = [];
    const result = await retry(fn, {
      sleep: c.sleep,
      now: c.now,
      random: () => 0.5,
      onRetry: (_e, attempt, delay) => retried.push([attempt, delay]),
    });
    expect(result).toBe('ok');
    expect(attempts).toEqual([1, 2, 3, 4]);
    expect(c.state.sleeps).toEqual([100, 200, 400]);
    expect(retried).toEqual([
      [1, 100],
      [2, 200],
      [3, 400],
    ]);
  });

  it('stops after maxAttempts (6 by default) and rethrows the last error unchanged', async () => {
    const c = clock();
    const errors = Array.from({ length: 10 }, throttled);
    const { fn, attempts } = failing(errors);
    const outcome = retry(fn, { sleep: c.sleep, now: c.now, random: () => 1 });
    await expect(outcome).rejects.toBe(errors[5]);
    expect(attempts).toEqual([1, 2, 3, 4, 5, 6]);
    expect(c.state.sleeps).toEqual([200, 400, 800, 1600, 3200]);
  });

  it.each<[string, RetryOptions, number[]]>([
    ['maxAttempts 1', { maxAttempts: 1 }, []],
    ['maxAttempts 3', { maxAttempts: 3 }, [200, 400]],
    ['a capped delay', { maxAttempts: 5, baseDelayMs: 1000, maxDelayMs: 3000 }, [1000, 2000, 3000, 3000]],
  ])('honours %s', async (_label, opts, sleeps) => {
    const c = clock();
    const { fn, attempts } = failing(Array.from({ length: 10 }, throttled));
    await expect(retry(fn, { sleep: c.sleep, now: c.now, random: () => 1, ...opts })).rejects.toThrow(
      'Rate exceeded',
    );
    expect(attempts).toHaveLength(sleeps.length + 1);
    expect(c.state.sleeps).toEqual(sleeps);
  });

  it.each<[string, unknown]>([
    [
      'a client error',
      Object.assign(new Error('Cluster not found'), {
        name: 'ClientException',
        $metadata: { httpStatusCode: 400 },
      }),
    ],
    ['a 404', { status: 404, message: 'Not Found' }],
    ['a plain Error', new Error('bug')],
    ['a string', 'nope'],
  ])('rethrows %s at once', async (_label, error) => {
    const c = clock();
    const { fn, attempts } = failing([error]);
    await expect(retry(fn, { sleep: c.sleep, now: c.now })).rejects.toBe(error);
    expect(attempts).toEqual([1]);
    expect(c.state.sleeps).toEqual([]);
  });

  it('waits as long as the server asks (retryAfterMs), capped at maxDelayMs, never less than the backoff', async () => {
    const c = clock();
    const asks = (ms: number) => Object.assign(throttled(), { retryAfterMs: ms });
    const { fn } = failing([asks(3_000), asks(1), asks(90_000)]);
    await expect(retry(fn, { ...c, random: () => 1 })).resolves.toBe('ok');
    expect(c.state.sleeps).toEqual([3_000, 400, 20_000]);
  });

  it('uses a custom isRetryable', async () => {
    const c = clock();
    const { fn, attempts } = failing(['again', 'again']);
    await expect(
      retry(fn, { sleep: c.sleep, now: c.now, random: () => 0, isRetryable: (e) => e === 'again' }),
    ).resolves.toBe('ok');
    expect(attempts).toEqual([1, 2, 3]);
    expect(c.state.sleeps).toEqual([0, 0]);
  });

  it('neither sleeps nor starts an attempt past the deadline', async () => {
    const c = clock(1000);
    const errors = Array.from({ length: 10 }, throttled);
    const { fn, attempts } = failing(errors);
    // Delays 200, 400, 800: 1000+200+400 = 1600, and 1600+800 would pass 2000.
    await expect(retry(fn, { sleep: c.sleep, now: c.now, random: () => 1, deadline: 2000 })).rejects.toBe(
      errors[2],
    );
    expect(attempts).toEqual([1, 2, 3]);
    expect(c.state.sleeps).toEqual([200, 400]);
    expect(c.state.t).toBeLessThan(2000);
  });

  it('counts time spent inside attempts against the deadline', async () => {
    const c = clock(0);
    const attempts: number[] = [];
    const fn = async (attempt: number) => {
      attempts.push(attempt);
      c.state.t += 900;
      throw throttled();
    };
    await expect(retry(fn, { sleep: c.sleep, now: c.now, random: () => 1, deadline: 2000 })).rejects.toThrow(
      'Rate exceeded',
    );
    // 900 + 200 = 1100, then 1100 + 900 = 2000, and 2000 + 400 passes the deadline.
    expect(attempts).toEqual([1, 2]);
    expect(c.state.sleeps).toEqual([200]);
  });

  it('does not start at all when the deadline has passed', async () => {
    const c = clock(5000);
    const { fn, attempts } = failing([]);
    const error = await retry(fn, { now: c.now, sleep: c.sleep, deadline: 5000 }).catch((e: unknown) => e);
    expect(attempts).toEqual([]);
    expect(error).toBeInstanceOf(Error);
    expect(isDeadlineExceeded(error)).toBe(true);
  });

  it.each([0, -1, 1.5, Number.NaN])('rejects maxAttempts %d', async (maxAttempts) => {
    await expect(retry(async () => 1, { maxAttempts })).rejects.toThrow(RangeError);
  });

  it('works with the real clock and sleep', async () => {
    const { fn, attempts } = failing([throttled()]);
    await expect(retry(fn, { baseDelayMs: 1 })).resolves.toBe('ok');
    expect(attempts).toEqual([1, 2]);
  });
});

describe('sleep', () => {
  it('waits at least the given time', async () => {
    const start = Date.now();
    await sleep(20);
    expect(Date.now() - start).toBeGreaterThanOrEqual(15);
  });
});
