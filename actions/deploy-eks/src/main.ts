/**
 * deploy-eks: inputs → manifests (read and checked locally) → cluster (DescribeCluster and a token, or a
 * kubeconfig) → plan, server-side validation, apply → rollout, diagnosis, rollback → outputs and job summary.
 * Every input is validated before the Kubernetes and AWS clients are loaded.
 */
import { envInputSource, mask } from '@slipway/core';
import type { InputSource } from '@slipway/core';
import { readInputs } from './inputs.js';

/** What the action reads from the runner besides its inputs. */
export interface RunContext {
  /** GITHUB_WORKSPACE: manifest paths are relative to it. */
  workspace: string;
  /** RUNNER_TEMP: where a kubeconfig is written. */
  tempDir: string;
  commit: string | undefined;
  runUrl: string | undefined;
  /** PATH, to find kustomize. */
  path: string | undefined;
}

/** Everything impure the action uses; tests replace parts of it. */
export interface Deps {
  inputs: InputSource;
  context(): RunContext;
}

/** The runner's context from its environment variables. */
export function runContext(env: NodeJS.ProcessEnv = process.env): RunContext {
  const server = env.GITHUB_SERVER_URL ?? 'https://github.com';
  const runUrl =
    env.GITHUB_REPOSITORY !== undefined && env.GITHUB_RUN_ID !== undefined
      ? `${server}/${env.GITHUB_REPOSITORY}/actions/runs/${env.GITHUB_RUN_ID}`
      : undefined;
  return {
    workspace: env.GITHUB_WORKSPACE ?? process.cwd(),
    tempDir: env.RUNNER_TEMP ?? env.TMPDIR ?? '/tmp',
    commit: env.GITHUB_SHA,
    runUrl,
    path: env.PATH,
  };
}

/** The real runner environment. */
export function defaultDeps(): Deps {
  return { inputs: envInputSource, context: () => runContext() };
}

/** Runs the action. Throws (to `runAction`) on bad inputs or manifests, a refused apply, or a failed rollout. */
export async function main(deps: Deps = defaultDeps()): Promise<void> {
  // Masked before anything else reads it, so no later message can print it.
  mask(deps.inputs('kubeconfig'));
  const inputs = readInputs(deps.inputs);
  const { run } = await import('./run.js');
  await run(inputs, deps.context());
}
