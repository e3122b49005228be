/**
 * traffic-split: inputs → open the platform's router → release (read, shift, bake, gate, roll back on failure)
 * → outputs and job summary. Every input is checked before any cloud library loads and before any traffic moves.
 *
 * Safety net: main saves which version is stable before the first write, and marks the release settled when it
 * ends where it meant to (promoted, rolled back, or paused by `start`). The post step — which the runner runs even
 * when the job is cancelled — restores stable when main never settled.
 */
import { appendFileSync } from 'node:fs';
import { saveState } from '@actions/core';
import { InputError, TrafficTargetError, log, mask } from '@slipway/core';
import type { TrafficRouter } from '@slipway/core';
import { AlarmGate, CommandGate, HttpProbeGate, spawnRunner } from './gates.js';
import type { AlarmSource, CommandRunner, Gate } from './gates.js';
import { readInputs } from './inputs.js';
import type { Inputs } from './inputs.js';
import { ReleaseFailedError, RollbackFailedError, release } from './release.js';
import type { ReleaseDeps, ReleaseOutcome } from './release.js';
import { summaryOf, writeOutputs } from './report.js';
import { SETTLED_STATE, STABLE_STATE } from './state.js';

/** Everything impure the action uses; tests replace parts of it. */
export interface Deps {
  inputs?: Parameters<typeof readInputs>[0];
  env: Record<string, string | undefined>;
  router(inputs: Inputs): Promise<{ router: TrafficRouter; label: string }>;
  alarms(inputs: Inputs): Promise<AlarmSource & { close?(): void }>;
  runCommand: CommandRunner;
  fetch: typeof fetch;
  now(): number;
  sleep(ms: number, signal: AbortSignal): Promise<void>;
  saveState(name: string, value: string): void;
  /** Registers a handler for SIGINT/SIGTERM (a cancelled job); returns a function that removes it. */
  onInterrupt(handler: (signal: string) => void): () => void;
  appendSummary(markdown: string): void;
}

/** The runner's environment. */
export function defaultDeps(): Deps {
  return {
    env: process.env,
    router: async (inputs) => (await import('./platforms.js')).openRouter(inputs, process.env),
    alarms: async (inputs) => (await import('./platforms.js')).openAlarms(inputs),
    runCommand: spawnRunner(),
    fetch,
    now: () => Date.now(),
    sleep: (ms, signal) =>
      new Promise((resolve, reject) => {
        if (signal.aborted) return reject(signal.reason as Error);
        const timer = setTimeout(() => {
          signal.removeEventListener('abort', onAbort);
          resolve();
        }, ms);
        const onAbort = () => {
          clearTimeout(timer);
          reject(signal.reason as Error);
        };
        signal.addEventListener('abort', onAbort, { once: true });
      }),
    saveState,
    onInterrupt(handler) {
      const signals = ['SIGINT', 'SIGTERM'] as const;
      const listeners = signals.map((signal) => {
        const listener = () => handler(signal);
        process.on(signal, listener);
        return [signal, listener] as const;
      });
      return () => {
        for (const [signal, listener] of listeners) process.off(signal, listener);
      };
    },
    appendSummary(markdown) {
      const file = process.env.GITHUB_STEP_SUMMARY;
      if (file) appendFileSync(file, `${markdown}\n`, 'utf8');
    },
  };
}

/** The gates; alarms are looked up once first, so that a name that does not exist fails before traffic moves. */
async function gatesOf(inputs: Inputs, deps: Deps, closers: Array<() => void>): Promise<Gate[]> {
  const gates: Gate[] = [];
  if (inputs.probe !== undefined) gates.push(new HttpProbeGate(inputs.probe, deps.fetch));
  if (inputs.alarms.length > 0) {
    const alarms = await deps.alarms(inputs);
    if (alarms.close !== undefined) closers.push(() => alarms.close?.());
    const states = await alarms.describe(inputs.alarms);
    log.info(`CloudWatch alarms: ${states.map((a) => `${a.name} ${a.state}`).join(', ')}`);
    gates.push(new AlarmGate(inputs.alarms, alarms));
  }
  if (inputs.checkCommand !== undefined) gates.push(new CommandGate(inputs.checkCommand, deps.runCommand));
  return gates;
}

/** Runs the action. */
export async function main(deps: Deps = defaultDeps()): Promise<void> {
  const inputs = readInputs(deps.inputs);
  for (const value of Object.values(inputs.probe?.headers ?? {})) mask(value);
  const { router, label } = await deps.router(inputs);
  const controller = new AbortController();
  const removeInterrupt = deps.onInterrupt((signal) => {
    log.warning(`Received ${signal}: the workflow was cancelled; putting traffic back on stable`);
    controller.abort(new Error(signal));
  });
  let outcome: ReleaseOutcome | undefined;
  const closers: Array<() => void> = [];
  try {
    const gates = await gatesOf(inputs, deps, closers);
    const releaseDeps: ReleaseDeps = {
      now: deps.now,
      sleep: deps.sleep,
      info: (line) => log.info(line),
      warning: (line) => log.warning(line),
      signal: controller.signal,
      onObserved: (state) => {
        if (state.stable !== undefined) deps.saveState(STABLE_STATE, state.stable);
      },
    };
    log.info(`traffic-split ${inputs.control} (${inputs.strategy}) on ${label.replace(/`/g, '')}`);
    outcome = await release(router, inputs, gates, releaseDeps);
    deps.saveState(SETTLED_STATE, 'true');
  } catch (error) {
    if (error instanceof ReleaseFailedError || error instanceof RollbackFailedError) outcome = error.outcome;
    // Rolled back: settled. A failed rollback is not: the post step tries again.
    if (error instanceof ReleaseFailedError) deps.saveState(SETTLED_STATE, 'true');
    if (error instanceof TrafficTargetError) {
      deps.saveState(SETTLED_STATE, 'true');
      // The routers name their own parameters; a few are spelled differently as inputs.
      const input = error.input === 'route' ? 'http-route' : error.input;
      throw new InputError([{ input, message: error.message }]);
    }
    throw error;
  } finally {
    removeInterrupt();
    if (outcome !== undefined) {
      writeOutputs(outcome);
      deps.appendSummary(summaryOf(inputs, outcome, label));
    }
    for (const close of closers) close();
    await router.close?.();
  }
}
