/**
 * The post step: the runner runs it even when the job was cancelled or main was killed. When main read a stable
 * version but never settled (promoted, rolled back, or paused by `start`), traffic may be split: put it back on
 * stable, from what the platform says now.
 */
import { getState } from '@actions/core';
import { log, weightsFor } from '@slipway/core';
import { readInputs } from './inputs.js';
import { SETTLED_STATE, STABLE_STATE } from './state.js';

/** Runs the post step. */
export async function post(): Promise<void> {
  const stable = getState(STABLE_STATE);
  if (stable === '' || getState(SETTLED_STATE) === 'true') return;
  const inputs = readInputs();
  const { openRouter } = await import('./platforms.js');
  const { router, label } = await openRouter(inputs, process.env, stable);
  try {
    const state = await router.read();
    if (state.weights.candidate === 0) {
      log.info(`${label.replace(/`/g, '')}: all traffic is on the stable version ${stable}.`);
      return;
    }
    log.warning(
      `The release did not finish (cancelled or killed): ${state.weights.candidate} % on the candidate ${state.candidate}; putting all traffic back on ${stable}`,
    );
    await router.write(weightsFor(0), state);
    log.info(`Rolled back: stable ${stable} 100 %, candidate ${state.candidate} 0 %`);
    const file = process.env.GITHUB_STEP_SUMMARY;
    if (file) {
      const { appendFileSync } = await import('node:fs');
      appendFileSync(
        file,
        `## traffic-split: ↩️ rolled back by the post step\n\nThe release was interrupted at ${state.weights.stable} % / ${state.weights.candidate} %; all traffic is back on \`${stable}\`.\n`,
      );
    }
  } finally {
    await router.close?.();
  }
}
