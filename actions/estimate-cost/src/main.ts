/**
 * estimate-cost: what a pull request's change to deploy specs will cost a month.
 * inputs → observe (changed spec files at head and base) → plan (pure: reports, diff, comment) → apply (the
 * pull-request comment) → outputs, JSON report and job summary.
 *
 * This module stays light: it checks every input, then loads the pricing code (estimate-change.ts, a chunk of
 * its own in the bundle), so a run with a bad input ends before the price catalog, the YAML readers or Octokit
 * are loaded.
 */
import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import type { KustomizeRunner } from '@slipway/cli';
import { InputError, envInputSource, mask } from '@slipway/core';
import type { InputSource } from '@slipway/core';
import type { CommentApi } from './comments.js';
import { readRunContext } from './context.js';
import type { RunContext } from './context.js';
import { githubComments } from './github-comments.js';
import type { CommentTarget } from './github-comments.js';
import { readInputs } from './inputs.js';
import type { Inputs } from './inputs.js';

/** Everything impure the action uses; tests replace parts of it. */
export interface Deps {
  inputs: InputSource;
  context(): RunContext;
  /** Opens the comment API of one pull request (loads Octokit). */
  comments(target: CommentTarget): Promise<CommentApi>;
  /** Finds kustomize; the one on PATH by default. */
  kustomize?(path: string | undefined): Promise<KustomizeRunner | undefined>;
}

/** The real runner environment. */
export function defaultDeps(): Deps {
  return { inputs: envInputSource, context: () => readRunContext(), comments: githubComments };
}

/** The folder `working-directory` names, which must exist in the workspace. */
function workingDirectory(ctx: RunContext, inputs: Inputs): string {
  const dir = resolve(ctx.workspace, inputs.workingDirectory);
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new InputError([
      {
        input: 'working-directory',
        message: `${inputs.workingDirectory} is not a directory in the workspace`,
      },
    ]);
  }
  return dir;
}

/** Runs the action. Throws (to `runAction`) on bad inputs, spec errors, or a cost rise past `fail-on-increase`. */
export async function main(deps: Deps = defaultDeps()): Promise<void> {
  const inputs = readInputs(deps.inputs);
  mask(inputs.githubToken);
  const ctx = deps.context();
  const cwd = workingDirectory(ctx, inputs);
  const { estimateChange } = await import('./estimate-change.js');
  await estimateChange(inputs, ctx, cwd, deps);
}
