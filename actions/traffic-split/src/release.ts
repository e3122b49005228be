/**
 * The release algorithm over a {@link TrafficRouter}: read where traffic is, move it step by step, bake, run the
 * gates, and go back to stable the moment anything goes wrong. The state lives on the platform: each call reads
 * it first, so `start` in one job and `promote` in the next continue where the last stopped.
 *
 * Invariants:
 * - every write is one call with weights summing to 100;
 * - unless `start` asked for a pause, the release never ends with traffic split: it ends promoted (100 % on the
 *   candidate) or rolled back (100 % on stable), and a failure after the first write always rolls back.
 */
import { TrafficTargetError, weightsFor } from '@slipway/core';
import type { RouteState, TrafficRouter, Weights } from '@slipway/core';
import { runGates } from './gates.js';
import type { Gate, GateVerdict } from './gates.js';
import type { Control, Strategy } from './inputs.js';

/** What to do. */
export interface ReleasePlan {
  control: Control;
  strategy: Strategy;
  /** Candidate percentages, ascending, ending at 100. */
  steps: number[];
  intervalMs: number;
  timeoutMs: number;
}

/** One line of the timeline. */
export interface TimelineEntry {
  /** ms since the release started. */
  atMs: number;
  kind: 'observed' | 'weights' | 'preview' | 'bake' | 'gates' | 'rollback' | 'paused' | 'promoted';
  weights: Weights;
  verdicts?: GateVerdict[];
  note?: string;
}

/** The end of a release. */
export type ReleaseResult = 'promoted' | 'rolled-back' | 'paused';

/** What a release did. */
export interface ReleaseOutcome {
  result: ReleaseResult;
  stable: string | undefined;
  candidate: string;
  weights: Weights;
  timeline: TimelineEntry[];
  /** Why it rolled back, when it did because something failed (not for `abort`). */
  failure?: ReleaseFailure;
}

/** Why traffic went back to stable. */
export interface ReleaseFailure {
  reason: 'gate' | 'error' | 'timeout' | 'cancelled';
  message: string;
  verdicts?: GateVerdict[];
}

/** The release failed; traffic is back on stable (or the message says where it is). */
export class ReleaseFailedError extends Error {
  constructor(
    message: string,
    readonly outcome: ReleaseOutcome,
  ) {
    super(message);
    this.name = 'ReleaseFailedError';
  }
}

/** The release could not put traffic back on stable: the message says where it is. */
export class RollbackFailedError extends Error {
  constructor(
    message: string,
    readonly outcome: ReleaseOutcome,
  ) {
    super(message);
    this.name = 'RollbackFailedError';
  }
}

/** Everything impure the release uses. */
export interface ReleaseDeps {
  now(): number;
  /** Waits, or rejects with the signal's reason when it aborts. */
  sleep(ms: number, signal: AbortSignal): Promise<void>;
  info(line: string): void;
  warning(line: string): void;
  /** Told of the route as first read, before anything is written (for the post step's state). */
  onObserved?(state: RouteState): void;
  /** Aborts when the workflow is cancelled. */
  signal: AbortSignal;
}

class Cancelled extends Error {
  constructor(readonly why: string) {
    super(why);
    this.name = 'Cancelled';
  }
}

class DeadlineExceeded extends Error {
  constructor(ms: number) {
    super(`the release took longer than its timeout of ${Math.round(ms / 1000)} s`);
    this.name = 'DeadlineExceeded';
  }
}

function show(weights: Weights): string {
  return `stable ${weights.stable} % / candidate ${weights.candidate} %`;
}

/** Runs `plan` on `router` with `gates`; resolves with the outcome, or rejects with a Release*Error. */
export async function release(
  router: TrafficRouter,
  plan: ReleasePlan,
  gates: Gate[],
  deps: ReleaseDeps,
): Promise<ReleaseOutcome> {
  const started = deps.now();
  const deadline = started + plan.timeoutMs;
  const timeline: TimelineEntry[] = [];
  const record = (entry: Omit<TimelineEntry, 'atMs'>) =>
    timeline.push({ atMs: deps.now() - started, ...entry });

  let state = await router.read();
  record({ kind: 'observed', weights: state.weights, note: state.route });
  deps.onObserved?.(state);
  deps.info(
    `${state.route}: ${show(state.weights)} (stable ${state.stable ?? 'unknown'}, candidate ${state.candidate})`,
  );
  const outcome = (result: ReleaseResult, failure?: ReleaseFailure): ReleaseOutcome => ({
    result,
    stable: state.stable,
    candidate: state.candidate,
    weights: state.weights,
    timeline,
    ...(failure === undefined ? {} : { failure }),
  });

  if (state.stable === undefined && state.weights.candidate === 100) {
    if (plan.control === 'abort')
      throw new TrafficTargetError(
        'stable',
        `the candidate ${state.candidate} already serves all traffic and no other version does: name the version to return to with stable`,
      );
    deps.info(`The candidate ${state.candidate} already serves 100 %: nothing to do.`);
    record({ kind: 'promoted', weights: state.weights, note: 'already promoted' });
    return outcome('promoted');
  }
  if (state.stable === undefined)
    throw new TrafficTargetError(
      'stable',
      `cannot tell which version is stable on ${state.route}: name it with stable`,
    );

  const write = async (weights: Weights, kind: 'weights' | 'rollback', note?: string) => {
    await router.write(weights, state);
    state = { ...state, weights };
    record({ kind, weights, ...(note === undefined ? {} : { note }) });
    deps.info(`${kind === 'rollback' ? 'Rolled back' : 'Traffic'}: ${show(weights)}`);
  };

  if (plan.control === 'abort') {
    if (state.weights.candidate === 0) {
      deps.info(`All traffic is already on the stable version ${state.stable}.`);
    } else {
      await write(weightsFor(0), 'rollback', 'abort');
    }
    return outcome('rolled-back');
  }

  const checkDeadline = () => {
    if (deps.signal.aborted) throw new Cancelled(String(deps.signal.reason ?? 'cancelled'));
    if (deps.now() > deadline) throw new DeadlineExceeded(plan.timeoutMs);
  };
  const bake = async (weights: Weights) => {
    if (plan.intervalMs <= 0) return;
    const left = deadline - deps.now();
    record({ kind: 'bake', weights, note: `${Math.round(plan.intervalMs / 1000)} s` });
    deps.info(`Baking ${Math.round(plan.intervalMs / 1000)} s at ${show(weights)}`);
    if (left < plan.intervalMs) {
      await deps.sleep(Math.max(0, left), deps.signal).catch(rethrowCancel);
      throw new DeadlineExceeded(plan.timeoutMs);
    }
    await deps.sleep(plan.intervalMs, deps.signal).catch(rethrowCancel);
  };
  const gate = async (weights: Weights): Promise<GateVerdict[]> => {
    checkDeadline();
    const verdicts = await runGates(gates, {
      weights,
      stable: state.stable,
      candidate: state.candidate,
      candidateUrl: state.candidateUrl,
      signal: deps.signal,
    });
    checkDeadline();
    record({ kind: 'gates', weights, verdicts });
    for (const v of verdicts) deps.info(`  ${v.passed ? 'pass' : 'FAIL'} ${v.gate}: ${v.evidence}`);
    const failed = verdicts.filter((v) => !v.passed);
    if (failed.length > 0) throw new GateFailed(weights, failed, verdicts);
    return verdicts;
  };

  const from = state.weights.candidate;
  try {
    if (plan.strategy === 'blue-green') {
      if (from === 0) {
        await preview();
        deps.info(`Testing the candidate at 0 % through its own route`);
        await gate(state.weights);
        if (plan.control === 'start') return paused();
      } else if (plan.control === 'start') {
        deps.info(`The candidate already has ${from} %: start has nothing to move.`);
        await gate(state.weights);
        return paused();
      }
      checkDeadline();
      await write(weightsFor(100), 'weights', 'switch');
      await bake(state.weights);
      await gate(state.weights);
    } else {
      await preview();
      const remaining = plan.steps.filter((s) => s > from);
      const todo = plan.control === 'start' ? remaining.slice(0, 1).filter((s) => s < 100) : remaining;
      if (plan.control === 'start' && todo.length === 0) {
        deps.info(`The candidate already has ${from} %: start has nothing to move; checking the gates.`);
        await gate(state.weights);
        return paused();
      }
      for (const step of todo) {
        checkDeadline();
        await write(weightsFor(step), 'weights', `step ${plan.steps.indexOf(step) + 1}/${plan.steps.length}`);
        await bake(state.weights);
        await gate(state.weights);
      }
      if (plan.control === 'start') return paused();
    }
    record({ kind: 'promoted', weights: state.weights });
    deps.info(`Promoted: the candidate ${state.candidate} serves 100 %.`);
    return outcome('promoted');
  } catch (error) {
    const failure = failureOf(error);
    deps.warning(`Rolling back: ${failure.message}`);
    if (state.weights.candidate > 0) {
      try {
        await write(weightsFor(0), 'rollback', failure.reason);
      } catch (rollbackError) {
        const e = rollbackError as { name?: string; message?: string };
        throw new RollbackFailedError(
          `${failure.message}; and putting traffic back on stable failed (${e.name ?? 'Error'}: ${e.message ?? String(rollbackError)}): ${show(state.weights)} on ${state.route}`,
          outcome('paused', failure),
        );
      }
    } else {
      record({
        kind: 'rollback',
        weights: state.weights,
        note: `${failure.reason} (stable kept all traffic)`,
      });
    }
    const result = outcome('rolled-back', failure);
    throw new ReleaseFailedError(`${failure.message}; traffic is back on ${state.stable}`, result);
  }

  async function preview(): Promise<void> {
    if (router.preview === undefined) return;
    const url = await router.preview(state);
    if (url !== undefined) state = { ...state, candidateUrl: url };
    record({ kind: 'preview', weights: state.weights, ...(url === undefined ? {} : { note: url }) });
    deps.info(`The candidate answers on its own at ${url ?? 'its preview route'}`);
  }
  function paused(): ReleaseOutcome {
    record({ kind: 'paused', weights: state.weights });
    deps.info(`Paused at ${show(state.weights)}: continue with action promote, or abort.`);
    return outcome('paused');
  }
}

function rethrowCancel(error: unknown): never {
  throw new Cancelled(String((error as { message?: string }).message ?? error));
}

class GateFailed extends Error {
  constructor(
    readonly weights: Weights,
    readonly failed: GateVerdict[],
    readonly verdicts: GateVerdict[],
  ) {
    super(
      `gate ${failed.map((v) => `${v.gate} failed at ${weights.candidate} %: ${v.evidence}`).join('; gate ')}`,
    );
    this.name = 'GateFailed';
  }
}

function failureOf(error: unknown): ReleaseFailure {
  if (error instanceof GateFailed)
    return { reason: 'gate', message: error.message, verdicts: error.verdicts };
  if (error instanceof DeadlineExceeded) return { reason: 'timeout', message: error.message };
  if (error instanceof Cancelled)
    return { reason: 'cancelled', message: `the workflow was cancelled (${error.why})` };
  const e = error as { name?: string; message?: string };
  return { reason: 'error', message: `${e.name ?? 'Error'}: ${e.message ?? String(error)}` };
}
