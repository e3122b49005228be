/**
 * The per-region deploy requests of a run: the inputs as `@slipway/gcp/run` takes them, the same for every region.
 * Slipway's own labels go here: `managed-by: slipway` on the resource and its revisions or executions, and the
 * commit (`commit-sha`) on the service or job only, so that a new commit alone makes no new revision.
 */
import { InputError } from '@slipway/core';
import type {
  ExecutionOverrides,
  JobDeployRequest,
  JobSettings,
  KnativeService,
  ServiceDeployRequest,
  ServiceSettings,
} from '@slipway/gcp/run';
import type { RunContext } from './context.js';
import type { CommonInputs, Inputs, JobInputs, ServiceInputs } from './inputs.js';

/** The requests of a run: services or a job, one per region. */
export type Requests =
  { kind: 'service'; requests: ServiceDeployRequest[] } | { kind: 'job'; requests: JobDeployRequest[] };

function labels(common: CommonInputs): Record<string, string> {
  return { 'managed-by': 'slipway', ...common.labels };
}

function containerSettings(common: CommonInputs) {
  return {
    image: common.image,
    command: common.command,
    args: common.args,
    env: common.env,
    secretEnv: common.secretEnv,
    secretFiles: common.secretFiles,
    envMode: common.envMode,
    cpu: common.cpu,
    memory: common.memory,
    serviceAccount: common.serviceAccount,
    vpc: common.vpc,
    labels: labels(common),
  };
}

/** A random revision suffix for a tagged revision that needs a name: the commit's first 7 digits and 3 letters. */
export function generatedSuffix(sha: string | undefined, random: () => number): string {
  const letters = Array.from(
    { length: 3 },
    () => 'abcdefghijklmnopqrstuvwxyz'[Math.floor(random() * 26)],
  ).join('');
  return sha === undefined ? `${letters}${Math.floor(random() * 1e4)}` : `${sha.slice(0, 7)}-${letters}`;
}

function serviceRequests(
  inputs: Inputs,
  target: ServiceInputs,
  ctx: RunContext,
  yaml: KnativeService | undefined,
  suffix: string,
): ServiceDeployRequest[] {
  const name = target.name ?? yaml?.name;
  if (name === undefined)
    throw new InputError([
      { input: 'service', message: 'is required: the service YAML has no metadata.name' },
    ]);
  if (target.name !== undefined && yaml?.name !== undefined && target.name !== yaml.name) {
    throw new InputError([
      {
        input: 'service',
        message: `${target.name} differs from metadata.name (${yaml.name}) in the service YAML`,
      },
    ]);
  }
  const settings: ServiceSettings = {
    ...containerSettings(inputs.common),
    port: target.port,
    concurrency: target.concurrency,
    minInstances: target.minInstances,
    maxInstances: target.maxInstances,
    billing: target.billing,
    timeoutSeconds: target.timeoutSeconds,
    ingress: target.ingress,
    serviceLabels: ctx.sha === undefined ? {} : { 'commit-sha': ctx.sha },
  };
  return inputs.regions.map((region) => ({
    project: ctx.project,
    region,
    service: name,
    settings,
    yaml: yaml?.service,
    noTraffic: target.noTraffic,
    tag: target.tag,
    revisionSuffix: target.revisionSuffix,
    generatedSuffix: suffix,
    allowUnauthenticated: target.allowUnauthenticated,
  }));
}

function jobRequests(inputs: Inputs, target: JobInputs, ctx: RunContext): JobDeployRequest[] {
  const settings: JobSettings = {
    ...containerSettings(inputs.common),
    labels: { ...labels(inputs.common) },
    tasks: target.tasks,
    parallelism: target.parallelism,
    maxRetries: target.maxRetries,
    taskTimeoutSeconds: target.taskTimeoutSeconds,
  };
  const jobLabels: Record<string, string> = ctx.sha === undefined ? {} : { 'commit-sha': ctx.sha };
  let overrides: ExecutionOverrides | undefined;
  if (target.execute) {
    const env = Object.entries(target.executionEnv).map(([name, value]) => ({ name, value }));
    const container = {
      ...(target.executionArgs === undefined ? {} : { args: target.executionArgs }),
      ...(env.length === 0 ? {} : { env }),
    };
    overrides = {
      ...(Object.keys(container).length === 0 ? {} : { containerOverrides: [container] }),
      ...(target.executionTasks === undefined ? {} : { taskCount: target.executionTasks }),
    };
  }
  return inputs.regions.map((region) => ({
    project: ctx.project,
    region,
    job: target.name,
    settings: { ...settings, labels: { ...settings.labels, ...jobLabels } },
    execute: target.execute,
    wait: target.wait,
    overrides,
  }));
}

/** The requests of a run. */
export function buildRequests(
  inputs: Inputs,
  ctx: RunContext,
  yaml: KnativeService | undefined,
  suffix: string,
): Requests {
  return inputs.target.kind === 'service'
    ? { kind: 'service', requests: serviceRequests(inputs, inputs.target, ctx, yaml, suffix) }
    : { kind: 'job', requests: jobRequests(inputs, inputs.target, ctx) };
}
