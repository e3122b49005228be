// The stand-in base on its own: clock, journal, fault bookkeeping and lifecycle, over plain fetch.
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { StandIn } from './base.js';
import type { Fault, StandInRequest, StandInResponse } from './base.js';
import { Clock } from './clock.js';

/** A tiny protocol: the operation is the path, the answer echoes the body. */
class EchoStandIn extends StandIn {
  constructor(clock?: Clock) {
    super(clock === undefined ? {} : { clock });
  }
  protected identify(request: StandInRequest): string {
    return request.path.slice(1);
  }
  protected handle(request: StandInRequest): StandInResponse {
    if (request.path === '/boom') throw new Error('handler bug');
    return { status: 200, body: { echo: request.body ?? null, query: request.query } };
  }
  protected throttleResponse(
    _request: StandInRequest,
    _operation: string,
    variant?: string,
  ): StandInResponse {
    return { status: 429, body: { throttled: variant ?? 'default' } };
  }
  protected serverErrorResponse(
    _r: StandInRequest,
    _o: string,
    status: number,
    message?: string,
  ): StandInResponse {
    return { status, body: { failed: status, message: message ?? null } };
  }
}

describe('Clock', () => {
  it.each([
    { start: Date.UTC(2030, 0, 1), steps: [60_000, 5_000], expected: Date.UTC(2030, 0, 1, 0, 1, 5) },
    { start: Date.UTC(2024, 5, 1), steps: [-1_000], expected: Date.UTC(2024, 4, 31, 23, 59, 59) },
  ])('a frozen clock moves only by advance (from $start)', ({ start, steps, expected }) => {
    const clock = new Clock(start);
    for (const step of steps) clock.advance(step);
    expect(clock.now()).toBe(expected);
    expect(clock.date().toISOString()).toBe(new Date(expected).toISOString());
  });

  it('follows real time with an offset, and resumes from a frozen instant', () => {
    const clock = new Clock();
    clock.advance(3_600_000);
    expect(clock.now() - Date.now()).toBeGreaterThanOrEqual(3_599_000);
    clock.freeze(Date.UTC(2031, 0, 1));
    clock.resume();
    expect(Math.abs(clock.now() - Date.UTC(2031, 0, 1))).toBeLessThan(1_000);
  });
});

describe('StandIn', () => {
  const shared = new Clock(Date.UTC(2030, 0, 1));
  const echo = new EchoStandIn(shared);
  let url: string;
  beforeAll(async () => {
    url = await echo.start();
  });
  afterAll(() => echo.stop());
  afterEach(() => {
    echo.clearFaults();
    echo.clearJournal();
  });

  it('binds 127.0.0.1 on a free port and journals method, path, query, parsed JSON body and status', async () => {
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const response = await fetch(`${url}/things?a=1&a=2&b=x`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"n":1}',
    });
    expect(await response.json()).toEqual({ echo: { n: 1 }, query: { a: ['1', '2'], b: 'x' } });
    expect(response.headers.get('date')).toBe(new Date(Date.UTC(2030, 0, 1)).toUTCString());
    expect(echo.calls('things')).toEqual([
      expect.objectContaining({
        time: Date.UTC(2030, 0, 1),
        method: 'POST',
        path: '/things',
        query: { a: ['1', '2'], b: 'x' },
        body: { n: 1 },
        status: 200,
      }),
    ]);
  });

  it.each<{ fault: Fault; status: number; body: unknown }>([
    { fault: { kind: 'throttle', times: 2 }, status: 429, body: { throttled: 'default' } },
    { fault: { kind: 'throttle', times: 2, variant: 'v' }, status: 429, body: { throttled: 'v' } },
    { fault: { kind: 'http', status: 502, times: 2 }, status: 502, body: { failed: 502, message: null } },
  ])('plays $fault.kind exactly `times` times, then answers normally', async ({ fault, status, body }) => {
    echo.inject('op', fault);
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) {
      const response = await fetch(`${url}/op`);
      statuses.push(response.status);
      if (i === 0) expect(await response.json()).toEqual(body);
      else await response.arrayBuffer();
    }
    expect(statuses).toEqual([status, status, 200]);
    expect(echo.calls('op').map((entry) => entry.fault)).toEqual([fault.kind, fault.kind, undefined]);
  });

  it('plays faults of one operation in the order injected and leaves other operations alone', async () => {
    echo.inject('op', { kind: 'http', status: 500, times: 1 });
    echo.inject('op', { kind: 'throttle', times: 1 });
    const other = await fetch(`${url}/other`);
    const first = await fetch(`${url}/op`);
    const second = await fetch(`${url}/op`);
    expect([other.status, first.status, second.status]).toEqual([200, 500, 429]);
  });

  it('turns a handler bug into a 500 in the service shape', async () => {
    const response = await fetch(`${url}/boom`);
    expect(response.status).toBe(500);
    expect(await response.json()).toEqual({ failed: 500, message: 'stand-in handler failed: handler bug' });
  });

  it('resets the connection without answering', async () => {
    echo.inject('op', { kind: 'reset', times: 1 });
    const error = await fetch(`${url}/op`).then(
      () => undefined,
      (e: unknown) => e as { cause?: { code?: string } },
    );
    expect(error?.cause?.code).toBe('UND_ERR_SOCKET');
    expect(echo.calls('op')).toEqual([expect.objectContaining({ fault: 'reset', status: undefined })]);
  });

  it.each<{ fault: Fault }>([
    { fault: { kind: 'throttle', times: 0 } },
    { fault: { kind: 'reset', times: -1 } },
    { fault: { kind: 'latency', ms: 5, times: 0 } },
  ])('refuses a fault that would never play: $fault', ({ fault }) => {
    expect(() => echo.inject('op', fault)).toThrow(/times > 0/);
  });

  it('refuses to start twice and reports its URL only once started', async () => {
    await expect(echo.start()).rejects.toThrow(/already started/);
    expect(() => new EchoStandIn().url).toThrow(/not started/);
    await expect(new EchoStandIn().stop()).resolves.toBeUndefined();
  });
});
