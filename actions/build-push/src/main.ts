/**
 * build-push: from a Dockerfile to digest-pinned images in ECR, Artifact Registry or any OCI registry.
 * inputs → observe (build files, engine) → plan (pure) → report plan (`dry-run` stops here) → apply (log in,
 * set up repositories, build, push by digest, tag) → outputs and job summary.
 */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { envInputSource, mask } from '@slipway/core';
import type { InputSource } from '@slipway/core';
import type { ApplyDeps, BuildResult } from './apply.js';
import { WORK_DIR_PREFIX } from './auth-file.js';
import { readRunContext } from './context.js';
import type { RunContext } from './context.js';
import type { Exec } from './exec.js';
import { readInputs } from './inputs.js';
import { observe } from './observe.js';
import { planBuild } from './plan.js';
import type { Plan } from './plan.js';
import { reportOutcome, reportPlan } from './report.js';
import type { Inputs } from './inputs.js';

/** Everything impure the action uses; tests replace parts of it. */
export interface Deps {
  inputs: InputSource;
  context(): RunContext;
  /** The exec seam, loaded on first use (after the inputs are valid). */
  exec(): Promise<Exec>;
  /** Runs the plan; loads the engine runner and, only when needed, the cloud SDKs. */
  apply(plan: Plan, inputs: Inputs, ctx: RunContext, exec: Exec): Promise<BuildResult>;
  now(): Date;
  /** A random suffix for the work directory. */
  suffix(): string;
}

/** The real runner environment. */
export function defaultDeps(): Deps {
  return {
    inputs: envInputSource,
    context: () => readRunContext(),
    exec: async () => (await import('./exec.js')).actionsExec,
    apply: async (plan, inputs, ctx, exec) => {
      const { applyBuild, defaultApplyDeps } = await import('./apply.js');
      const deps: ApplyDeps = defaultApplyDeps(exec);
      return applyBuild(plan, inputs, ctx, deps);
    },
    now: () => new Date(),
    suffix: () => randomBytes(4).toString('hex'),
  };
}

/** Runs the action. Throws (to `runAction`) on bad inputs and on any failed step. */
export async function main(deps: Deps = defaultDeps()): Promise<void> {
  const inputs = readInputs(deps.inputs);
  mask(inputs.password);
  for (const value of Object.values(inputs.secrets)) mask(value);
  const ctx = deps.context();
  const observed = await observe(inputs, ctx, () => deps.exec());
  const workDir = join(ctx.runnerTemp, `${WORK_DIR_PREFIX}${ctx.runId}-${deps.suffix()}`);
  const plan = planBuild(inputs, ctx, observed, { workDir, now: deps.now() });
  await reportPlan(plan);
  if (inputs.dryRun) {
    await reportOutcome(plan, undefined, true);
    return;
  }
  const result = await deps.apply(plan, inputs, ctx, await deps.exec());
  await reportOutcome(plan, result, false);
}
