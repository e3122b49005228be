/**
 * deploy-eks: inputs → manifests (read and checked locally) → cluster (DescribeCluster and a token, or a
 * kubeconfig) → plan, server-side validation, apply → rollout, diagnosis, rollback → outputs and job summary.
 * Every input is validated before the Kubernetes and AWS clients are loaded.
 */
import { envInputSource, mask } from '@slipway/core';
import type { InputSource } from '@slipway/core';
import { readInputs } from './inputs.js';

/** Everything impure the action uses; tests replace parts of it. */
export interface Deps {
  inputs: InputSource;
  /** The runner's environment variables (workspace, RUNNER_TEMP, commit, run, PATH). */
  env: NodeJS.ProcessEnv;
}

/** The real runner environment. */
export function defaultDeps(): Deps {
  return { inputs: envInputSource, env: process.env };
}

/** Runs the action. Throws (to `runAction`) on bad inputs or manifests, a refused apply, or a failed rollout. */
export async function main(deps: Deps = defaultDeps()): Promise<void> {
  // Masked before anything else reads it, so no later message can print it.
  mask(deps.inputs('kubeconfig'));
  const inputs = readInputs(deps.inputs);
  const { run } = await import('./run.js');
  await run(inputs, deps.env);
}
