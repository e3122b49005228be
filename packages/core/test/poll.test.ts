import { jest } from '@jest/globals';
import { isDeadlineExceeded, isRetryable } from '../src/errors.js';
import { TimeoutError, pollRollout } from '../src/poll.js';
import type { PollOptions, RolloutObserver, RolloutSnapshot } from '../src/poll.js';

function snap(summary: string, extra: Partial<RolloutSnapshot> = {}): RolloutSnapshot {
  return { done: false, failed: false, summary, reasons: [], events: [], ...extra };
}

/** An observer that replays a script: each step is a snapshot or an error to throw; the last step repeats. */
function scripted(
  steps: Array<RolloutSnapshot | Error>,
  onObserve?: () => void,
): RolloutObserver & { calls: number } {
  const observer = {
    calls: 0,
    async observe() {
      const step = steps[Math.min(observer.calls, steps.length - 1)]!;
      observer.calls++;
      onObserve?.();
      if (step instanceof Error) throw step;
      return step;
    },
  };
  return observer;
}

function clock(start = 0) {
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

const throttled = () =>
  Object.assign(new Error('Rate exceeded'), {
    name: 'ThrottlingException',
    $metadata: { httpStatusCode: 400 },
  });

function options(c: ReturnType<typeof clock>, extra: Partial<PollOptions> = {}): PollOptions {
  return {
    timeoutMs: 600_000,
    sleep: c.sleep,
    now: c.now,
    onSnapshot: () => undefined,
    onError: () => undefined,
    ...extra,
  };
}

describe('pollRollout', () => {
  it('returns at once when the first snapshot is done', async () => {
    const c = clock();
    const done = snap('3/3 running', { done: true });
    await expect(pollRollout(scripted([done]), options(c))).resolves.toBe(done);
    expect(c.state.sleeps).toEqual([]);
  });

  it('sends every event and each new summary to onProgress, telling them apart', async () => {
    const c = clock();
    const lines: string[] = [];
    const steps = [
      snap('1/3', { events: ['pulled image'] }),
      snap('1/3'),
      snap('2/3', { events: ['started task a', 'started task b'] }),
      snap('3/3', { done: true }),
    ];
    await pollRollout(
      scripted(steps),
      options(c, { onSnapshot: undefined, onProgress: (line, kind) => lines.push(`${kind}: ${line}`) }),
    );
    expect(lines).toEqual([
      'event: pulled image',
      'summary: 1/3',
      'event: started task a',
      'event: started task b',
      'summary: 2/3',
      'summary: 3/3',
    ]);
  });

  it('returns a failed snapshot instead of throwing', async () => {
    const c = clock();
    const failed = snap('circuit breaker tripped', { failed: true, reasons: ['essential container exited'] });
    await expect(pollRollout(scripted([snap('starting'), failed]), options(c))).resolves.toBe(failed);
    expect(c.state.sleeps).toEqual([2000]);
  });

  it('grows the interval by the backoff while nothing changes, up to the maximum', async () => {
    const c = clock();
    const steps = [
      ...Array.from({ length: 8 }, () => snap('1/3 running')),
      snap('3/3 running', { done: true }),
    ];
    const observer = scripted(steps);
    await pollRollout(observer, options(c));
    expect(c.state.sleeps).toEqual([2000, 3000, 4500, 6750, 10125, 15000, 15000, 15000]);
    expect(observer.calls).toBe(9);
  });

  it('resets the interval when the summary changes', async () => {
    const c = clock();
    const steps = ['0/3', '0/3', '0/3', '1/3', '1/3', '2/3', '2/3', '2/3'].map((s) => snap(s));
    await pollRollout(scripted([...steps, snap('3/3', { done: true })]), options(c));
    expect(c.state.sleeps).toEqual([2000, 3000, 4500, 2000, 3000, 2000, 3000, 4500]);
  });

  it.each<[string, Partial<PollOptions>, number[]]>([
    [
      'a custom initial interval and backoff',
      { initialIntervalMs: 1000, backoff: 2, maxIntervalMs: 5000 },
      [1000, 2000, 4000, 5000, 5000],
    ],
    ['no backoff', { initialIntervalMs: 500, backoff: 1 }, [500, 500, 500, 500, 500]],
  ])('honours %s', async (_label, extra, sleeps) => {
    const c = clock();
    const steps = [...Array.from({ length: 5 }, () => snap('waiting')), snap('ok', { done: true })];
    await pollRollout(scripted(steps), options(c, extra));
    expect(c.state.sleeps).toEqual(sleeps);
  });

  it('throws TimeoutError carrying the last snapshot at the deadline, never sleeping past it', async () => {
    const c = clock(1_000);
    const observer = scripted([snap('1/3 running', { reasons: ['pulling image'] })]);
    const error = await pollRollout(observer, options(c, { timeoutMs: 10_000 })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TimeoutError);
    const timeout = error as TimeoutError;
    expect(timeout.message).toBe('the rollout did not finish within 10s; last status: 1/3 running');
    expect(timeout.last).toEqual(snap('1/3 running', { reasons: ['pulling image'] }));
    expect(timeout.name).toBe('TimeoutError');
    expect(isDeadlineExceeded(timeout)).toBe(true);
    expect(isRetryable(timeout)).toBe(false);
    // 2000 + 3000 + 4500 = 9500, then only the 500 left; the last look happens at the deadline.
    expect(c.state.sleeps).toEqual([2000, 3000, 4500, 500]);
    expect(c.state.t).toBe(11_000);
    expect(observer.calls).toBe(5);
  });

  it('counts time spent observing against the deadline', async () => {
    const c = clock();
    const observer = scripted([snap('slow')], () => {
      c.state.t += 4000;
    });
    await expect(pollRollout(observer, options(c, { timeoutMs: 10_000 }))).rejects.toThrow(TimeoutError);
    // observe 4000, sleep 2000 (6000), observe (10000): the deadline has come.
    expect(c.state.sleeps).toEqual([2000]);
    expect(observer.calls).toBe(2);
  });

  it('sees completion at the deadline itself', async () => {
    const c = clock();
    const steps = [snap('a'), snap('a'), snap('ok', { done: true })];
    await expect(pollRollout(scripted(steps), options(c, { timeoutMs: 2500 }))).resolves.toEqual(
      snap('ok', { done: true }),
    );
    expect(c.state.sleeps).toEqual([2000, 500]);
  });

  it('retries retryable errors from observe() on the next tick', async () => {
    const c = clock();
    const errors: unknown[] = [];
    const seen: string[] = [];
    const observer = scripted([snap('starting'), throttled(), throttled(), snap('ok', { done: true })]);
    const result = await pollRollout(
      observer,
      options(c, { onError: (e) => errors.push(e), onSnapshot: (s) => seen.push(s.summary) }),
    );
    expect(result.done).toBe(true);
    expect(errors).toHaveLength(2);
    expect(seen).toEqual(['starting', 'ok']);
    expect(c.state.sleeps).toEqual([2000, 3000, 4500]);
  });

  it('rethrows a non-retryable error from observe() at once', async () => {
    const c = clock();
    const denied = Object.assign(new Error('not authorized'), {
      name: 'AccessDeniedException',
      $metadata: { httpStatusCode: 403 },
    });
    await expect(pollRollout(scripted([snap('a'), denied]), options(c))).rejects.toBe(denied);
    expect(c.state.sleeps).toEqual([2000]);
  });

  it('uses a custom isRetryable', async () => {
    const c = clock();
    const flaky = new Error('flaky');
    const result = await pollRollout(
      scripted([flaky, snap('ok', { done: true })]),
      options(c, { isRetryable: (e) => e === flaky }),
    );
    expect(result.summary).toBe('ok');
  });

  it('times out with the last snapshot and the last error as its cause when observe() keeps failing', async () => {
    const c = clock();
    const last = throttled();
    const observer = scripted([snap('1/2'), last]);
    const error = (await pollRollout(observer, options(c, { timeoutMs: 5000 })).catch(
      (e: unknown) => e,
    )) as TimeoutError;
    expect(error).toBeInstanceOf(TimeoutError);
    expect(error.last).toEqual(snap('1/2'));
    expect(error.cause).toBe(last);
  });

  it('times out without a snapshot when none was ever seen', async () => {
    const c = clock();
    const error = (await pollRollout(scripted([throttled()]), options(c, { timeoutMs: 1000 })).catch(
      (e: unknown) => e,
    )) as TimeoutError;
    expect(error.last).toBeUndefined();
    expect(error.message).toBe('the rollout did not finish within 1s');
  });

  it('logs new events and changed summaries by default', async () => {
    const c = clock();
    const out: string[] = [];
    const spy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      out.push(String(chunk).trimEnd());
      return true;
    });
    try {
      const steps = [
        snap('0/2', { events: ['task a started'] }),
        snap('0/2'),
        snap('2/2', { done: true, events: ['task b started'] }),
      ];
      await pollRollout(scripted(steps), { timeoutMs: 60_000, sleep: c.sleep, now: c.now });
    } finally {
      spy.mockRestore();
    }
    expect(out).toEqual(['task a started', '0/2', 'task b started', '2/2']);
  });
});
