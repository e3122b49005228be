// The release algorithm over an in-memory route: which weights are written, in which order, and where traffic is
// at the end, for every action and strategy and for gate failures, API errors, timeouts and cancellation. The
// platforms themselves are tested against their stand-ins (test/e2e/traffic-split-*.test.ts).
import { describe, expect, it } from '@jest/globals';
import type { RouteState, TrafficRouter, Weights } from '@slipway/core';
import { TrafficTargetError } from '@slipway/core';
import type { Gate, GateVerdict } from '../../actions/traffic-split/src/gates.js';
import { ReleaseFailedError, RollbackFailedError, release } from '../../actions/traffic-split/src/release.js';
import type { ReleaseDeps, ReleasePlan } from '../../actions/traffic-split/src/release.js';

class MemoryRoute implements TrafficRouter {
  readonly platform = 'cloudrun' as const;
  readonly granularity = 'percent' as const;
  readonly writes: Weights[] = [];
  previews = 0;
  failWriteAt: number | undefined;
  failAllWritesAfter: number | undefined;
  #attempts = 0;
  readonly stable: string | undefined;
  constructor(
    public weights: Weights,
    stable: string | null = 'blue',
  ) {
    this.stable = stable ?? undefined;
  }
  read(): Promise<RouteState> {
    return Promise.resolve({
      stable: this.stable,
      candidate: 'green',
      weights: { ...this.weights },
      route: 'memory route',
    });
  }
  write(weights: Weights): Promise<void> {
    this.#attempts += 1;
    const n = this.#attempts;
    if (n === this.failWriteAt || (this.failAllWritesAfter !== undefined && n > this.failAllWritesAfter))
      return Promise.reject(Object.assign(new Error('internal error'), { name: 'InternalFailure' }));
    expect(weights.stable + weights.candidate).toBe(100);
    this.writes.push(weights);
    this.weights = weights;
    return Promise.resolve();
  }
  preview(): Promise<string | undefined> {
    this.previews += 1;
    return Promise.resolve('https://candidate---svc.a.run.app');
  }
}

class ScriptedGate implements Gate {
  readonly name = 'probe';
  readonly seen: number[] = [];
  constructor(private readonly failAt: number | undefined = undefined) {}
  check(context: { weights: Weights }): Promise<GateVerdict> {
    this.seen.push(context.weights.candidate);
    const passed = context.weights.candidate !== this.failAt;
    return Promise.resolve({ gate: this.name, passed, evidence: passed ? '20/20 ok' : '6/20 succeeded' });
  }
}

function deps(over: Partial<ReleaseDeps> = {}): ReleaseDeps & { clock: { t: number }; lines: string[] } {
  const clock = { t: 0 };
  const lines: string[] = [];
  return {
    clock,
    lines,
    now: () => clock.t,
    sleep: (ms) => {
      clock.t += ms;
      return Promise.resolve();
    },
    info: (l) => lines.push(l),
    warning: (l) => lines.push(`WARN ${l}`),
    signal: new AbortController().signal,
    ...over,
  };
}

const canary = (control: ReleasePlan['control'], steps = [5, 25, 50, 100]): ReleasePlan => ({
  control,
  strategy: 'canary',
  steps,
  intervalMs: 60_000,
  timeoutMs: 3_600_000,
});
const blueGreen = (control: ReleasePlan['control']): ReleasePlan => ({
  control,
  strategy: 'blue-green',
  steps: [100],
  intervalMs: 60_000,
  timeoutMs: 3_600_000,
});
const c = (writes: Weights[]) => writes.map((w) => w.candidate);

describe('canary', () => {
  it('run: every step in one write each, gates after each bake, promoted', async () => {
    const route = new MemoryRoute({ stable: 100, candidate: 0 });
    const gate = new ScriptedGate();
    const d = deps();
    const out = await release(route, canary('run'), [gate], d);
    expect(c(route.writes)).toEqual([5, 25, 50, 100]);
    expect(gate.seen).toEqual([5, 25, 50, 100]);
    expect(out.result).toBe('promoted');
    expect(out.weights).toEqual({ stable: 0, candidate: 100 });
    expect(d.clock.t).toBe(4 * 60_000);
    expect(out.timeline.map((e) => e.kind)).toEqual([
      'observed',
      'preview',
      ...Array(4).fill(['weights', 'bake', 'gates']).flat(),
      'promoted',
    ]);
  });

  it('a gate failing at 25 % rolls back to 100 % stable with the evidence in the error', async () => {
    const route = new MemoryRoute({ stable: 100, candidate: 0 });
    const error = await release(route, canary('run'), [new ScriptedGate(25)], deps()).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ReleaseFailedError);
    expect((error as Error).message).toBe(
      'gate probe failed at 25 %: 6/20 succeeded; traffic is back on blue',
    );
    expect(c(route.writes)).toEqual([5, 25, 0]);
    const outcome = (error as ReleaseFailedError).outcome;
    expect(outcome.result).toBe('rolled-back');
    expect(outcome.failure?.reason).toBe('gate');
    expect(outcome.timeline.at(-1)).toMatchObject({
      kind: 'rollback',
      weights: { stable: 100, candidate: 0 },
    });
  });

  it('start moves to the first step only and pauses; promote continues from there', async () => {
    const route = new MemoryRoute({ stable: 100, candidate: 0 });
    const started = await release(route, canary('start'), [new ScriptedGate()], deps());
    expect(started.result).toBe('paused');
    expect(c(route.writes)).toEqual([5]);
    const promoted = await release(route, canary('promote'), [new ScriptedGate()], deps());
    expect(promoted.result).toBe('promoted');
    expect(c(route.writes)).toEqual([5, 25, 50, 100]);
  });

  it('promote from a weight between steps continues with the steps above it', async () => {
    const route = new MemoryRoute({ stable: 70, candidate: 30 });
    await release(route, canary('promote'), [new ScriptedGate()], deps());
    expect(c(route.writes)).toEqual([50, 100]);
  });

  it('abort returns all traffic to stable in one write; on stable already it writes nothing', async () => {
    const route = new MemoryRoute({ stable: 75, candidate: 25 });
    expect((await release(route, canary('abort'), [], deps())).result).toBe('rolled-back');
    expect(route.writes).toEqual([{ stable: 100, candidate: 0 }]);
    expect((await release(route, canary('abort'), [], deps())).result).toBe('rolled-back');
    expect(route.writes).toHaveLength(1);
  });

  it('a candidate that already serves 100 % is promoted without writes or gates', async () => {
    const route = new MemoryRoute({ stable: 0, candidate: 100 }, null);
    const gate = new ScriptedGate();
    expect((await release(route, canary('run'), [gate], deps())).result).toBe('promoted');
    expect(route.writes).toEqual([]);
    expect(gate.seen).toEqual([]);
  });

  it('abort with no stable known names the stable input', async () => {
    const route = new MemoryRoute({ stable: 0, candidate: 100 }, null);
    const error = await release(route, canary('abort'), [], deps()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TrafficTargetError);
    expect((error as TrafficTargetError).input).toBe('stable');
  });

  it('an API error in the middle of a step leaves traffic on stable', async () => {
    const route = new MemoryRoute({ stable: 100, candidate: 0 });
    route.failWriteAt = 3;
    const error = await release(route, canary('run'), [new ScriptedGate()], deps()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ReleaseFailedError);
    expect((error as Error).message).toMatch(/^InternalFailure: internal error; traffic is back on blue$/);
    expect(c(route.writes)).toEqual([5, 25, 0]);
    expect(route.weights).toEqual({ stable: 100, candidate: 0 });
  });

  it('when the rollback itself fails, the error says where traffic is', async () => {
    const route = new MemoryRoute({ stable: 100, candidate: 0 });
    route.failAllWritesAfter = 2;
    const error = await release(route, canary('run'), [new ScriptedGate()], deps()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RollbackFailedError);
    expect((error as Error).message).toMatch(
      /putting traffic back on stable failed .*stable 75 % \/ candidate 25 %/,
    );
  });

  it('a timeout during a bake rolls back', async () => {
    const route = new MemoryRoute({ stable: 100, candidate: 0 });
    const plan = { ...canary('run'), timeoutMs: 150_000 };
    const error = await release(route, plan, [new ScriptedGate()], deps()).catch((e: unknown) => e);
    expect((error as ReleaseFailedError).outcome.failure?.reason).toBe('timeout');
    expect(c(route.writes)).toEqual([5, 25, 50, 0]);
  });

  it('cancellation during a bake rolls back at once', async () => {
    const route = new MemoryRoute({ stable: 100, candidate: 0 });
    const controller = new AbortController();
    const d = deps({
      signal: controller.signal,
      sleep: (_ms, signal) => {
        if (route.weights.candidate === 25) controller.abort(new Error('SIGINT'));
        return signal.aborted ? Promise.reject(signal.reason as Error) : Promise.resolve();
      },
    });
    const error = await release(route, canary('run'), [new ScriptedGate()], d).catch((e: unknown) => e);
    expect((error as ReleaseFailedError).outcome.failure).toMatchObject({ reason: 'cancelled' });
    expect(c(route.writes)).toEqual([5, 25, 0]);
  });
});

describe('blue-green', () => {
  it('run: preview and gates at 0 %, one switch, gates at 100 %', async () => {
    const route = new MemoryRoute({ stable: 100, candidate: 0 });
    const gate = new ScriptedGate();
    const out = await release(route, blueGreen('run'), [gate], deps());
    expect(route.previews).toBe(1);
    expect(gate.seen).toEqual([0, 100]);
    expect(c(route.writes)).toEqual([100]);
    expect(out.result).toBe('promoted');
  });

  it('a failing candidate at 0 % never gets traffic', async () => {
    const route = new MemoryRoute({ stable: 100, candidate: 0 });
    const error = await release(route, blueGreen('run'), [new ScriptedGate(0)], deps()).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ReleaseFailedError);
    expect(route.writes).toEqual([]);
  });

  it('a failure after the switch switches back', async () => {
    const route = new MemoryRoute({ stable: 100, candidate: 0 });
    await release(route, blueGreen('run'), [new ScriptedGate(100)], deps()).catch(() => undefined);
    expect(c(route.writes)).toEqual([100, 0]);
  });

  it('start tests at 0 % and pauses; promote switches', async () => {
    const route = new MemoryRoute({ stable: 100, candidate: 0 });
    expect((await release(route, blueGreen('start'), [new ScriptedGate()], deps())).result).toBe('paused');
    expect(route.writes).toEqual([]);
    expect((await release(route, blueGreen('promote'), [new ScriptedGate()], deps())).result).toBe(
      'promoted',
    );
    expect(c(route.writes)).toEqual([100]);
  });
});
