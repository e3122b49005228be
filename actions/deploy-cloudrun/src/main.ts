/**
 * deploy-cloudrun: Cloud Run services and jobs through the Cloud Run Admin API v2.
 * inputs → context (project, commit, credentials, service YAML) → observe + plan every region (read only) → report
 * the plans (`dry-run` validates them with Cloud Run and stops) → apply every region in parallel → outputs and job
 * summary. Everything before the first cloud call runs without loading a Google library.
 */
import { readFileSync } from 'node:fs';
import { envInputSource, group, log } from '@slipway/core';
import type { InputSource } from '@slipway/core';
import type { Cloud } from './apply.js';
import { resolveContext } from './context.js';
import type { RunContext } from './context.js';
import { readInputs } from './inputs.js';
import type { Inputs } from './inputs.js';
import { dryRunSummary, outputsOf, planLines, resultSummary, specText, writeReport } from './report.js';
import { buildRequests, generatedSuffix } from './requests.js';
import { loadServiceYaml } from './spec-source.js';

/** Everything impure the action uses; tests replace parts of it. */
export interface Deps {
  inputs: InputSource;
  env: Record<string, string | undefined>;
  readFile(path: string): string;
  random(): number;
  /** Loads the cloud side (the only path to Google's libraries). */
  openCloud(inputs: Inputs, ctx: RunContext): Promise<Cloud>;
}

/** The real runner environment. */
export function defaultDeps(): Deps {
  return {
    inputs: envInputSource,
    env: process.env,
    readFile: (path) => readFileSync(path, 'utf8'),
    random: Math.random,
    openCloud: async (inputs, ctx) => (await import('./apply.js')).openCloud(inputs, ctx),
  };
}

/** Runs the action. Throws (to `runAction`) on bad inputs, a plan that cannot be met, or a failed region. */
export async function main(deps: Deps = defaultDeps()): Promise<void> {
  const inputs = readInputs(deps.inputs);
  const ctx = resolveContext(inputs, deps.env, deps.readFile);
  const yaml =
    inputs.target.kind === 'service' && inputs.target.serviceYaml !== undefined
      ? loadServiceYaml(inputs.target.serviceYaml, ctx.workspace, deps.readFile)
      : undefined;
  const requests = buildRequests(inputs, ctx, yaml, generatedSuffix(ctx.sha, deps.random));
  const name = requests.kind === 'service' ? requests.requests[0]!.service : requests.requests[0]!.job;

  const cloud = await deps.openCloud(inputs, ctx);
  try {
    const plans = await group('Plan', async () => {
      const planned = await cloud.plan(requests);
      for (const plan of planned.plans) for (const line of planLines(plan)) log.info(line);
      return planned;
    });
    if (inputs.dryRun) {
      await group('Dry run: the spec of each region', async () => {
        for (const plan of plans.plans) log.info(`${plan.request.region}:\n${specText(plan)}`);
        await cloud.validate(plans);
        log.info('Cloud Run accepted the spec (validate only); nothing was changed.');
      });
      await writeReport({ changed: plans.plans.some((p) => p.action !== 'none') }, dryRunSummary(plans));
      return;
    }
    const outcomes = await group('Deploy', () => cloud.apply(plans));
    await writeReport(outputsOf(outcomes), resultSummary(plans.kind, name, outcomes));
    const failed = outcomes.filter((o) => !o.ok);
    if (failed.length > 0) throw new Error(failed.map((o) => (o.ok ? '' : o.error)).join('; '));
  } finally {
    await cloud.close();
  }
}
