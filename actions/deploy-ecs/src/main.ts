/**
 * deploy-ecs: inputs → read the task definition file → (load the SDK) observe → plan → report (dry-run stops
 * here) → apply → outputs and job summary. Every input, and the file, is checked before the SDK is loaded and
 * before anything is registered.
 */
import { appendFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { isAbsolute, relative, resolve } from 'node:path';
import { InputError, SummaryBuilder, annotate, describeError, envInputSource, log } from '@slipway/core';
import type { InputProblem, InputSource } from '@slipway/core';
import {
  DeployFailedError,
  DeployPlanError,
  TaskDefinitionFileError,
  applyDeployPlan,
  emptyResult,
  loadCodeDeployApi,
  loadEcsApi,
  observeDeployment,
  planDeployment,
  preflightProblems,
  readTaskDefinitionDocument,
} from '@slipway/aws/ecs';
import type {
  CodeDeployApi,
  CodeDeployApiOptions,
  DeployPlan,
  DeployRequest,
  DeployResult,
  DeploySource,
  EcsApi,
  EcsApiOptions,
} from '@slipway/aws/ecs';
import { readInputs } from './inputs.js';
import type { Inputs } from './inputs.js';
import { logPlan, summaryOf, writeOutputs } from './report.js';

/** Everything impure the action uses; tests replace parts of it. */
export interface Deps {
  inputs: InputSource;
  env: Record<string, string | undefined>;
  readFile(path: string): Promise<string>;
  ecs(options: EcsApiOptions): Promise<EcsApi>;
  codeDeploy(options: CodeDeployApiOptions): Promise<CodeDeployApi>;
  /** Registers a handler for SIGINT/SIGTERM (a cancelled job); returns a function that removes it. */
  onInterrupt(handler: (signal: string) => void): () => void;
  /** Appends to the job summary at once (for interruptions, when there is no time for async work). */
  appendSummarySync(markdown: string): void;
  exit(code: number): void;
}

/** The runner's environment. */
export function defaultDeps(): Deps {
  return {
    inputs: envInputSource,
    env: process.env,
    readFile: (path) => readFile(path, 'utf8'),
    ecs: loadEcsApi,
    codeDeploy: loadCodeDeployApi,
    onInterrupt(handler) {
      const signals = ['SIGINT', 'SIGTERM'] as const;
      const listeners = signals.map((signal) => {
        const listener = () => handler(signal);
        process.once(signal, listener);
        return [signal, listener] as const;
      });
      return () => {
        for (const [signal, listener] of listeners) process.off(signal, listener);
      };
    },
    appendSummarySync(markdown) {
      const file = process.env.GITHUB_STEP_SUMMARY;
      if (file) appendFileSync(file, `${markdown}\n`, 'utf8');
    },
    exit: (code) => process.exit(code),
  };
}

async function readSource(inputs: Inputs, deps: Deps): Promise<DeploySource> {
  const source = inputs.taskDefinition;
  if (source.kind !== 'file') return source;
  const workspace = deps.env.GITHUB_WORKSPACE ?? process.cwd();
  const path = isAbsolute(source.path) ? source.path : resolve(workspace, source.path);
  let text: string;
  try {
    text = await deps.readFile(path);
  } catch (error) {
    const code = (error as { code?: string }).code;
    throw new InputError([
      {
        input: 'task-definition',
        message:
          code === 'ENOENT'
            ? `file ${source.path} does not exist in the workspace`
            : `cannot read ${source.path}: ${describeError(error)}`,
      },
    ]);
  }
  try {
    return { kind: 'file', path: source.path, document: readTaskDefinitionDocument(text, source.path) };
  } catch (error) {
    if (error instanceof TaskDefinitionFileError) {
      annotate('error', error.problem, {
        file: relative(workspace, path) || source.path,
        line: error.line,
        col: error.column,
        title: 'deploy-ecs: task definition',
      });
      throw new InputError([{ input: 'task-definition', message: error.message }]);
    }
    throw error;
  }
}

function toRequest(inputs: Inputs, region: string, source: DeploySource): DeployRequest {
  return {
    mode: inputs.mode,
    region,
    cluster: inputs.cluster,
    service: inputs.service,
    source,
    render: {
      images: inputs.images,
      imageInputs: inputs.imageInputs,
      imageWithoutContainer: inputs.imageWithoutContainer,
      container: inputs.container,
      environment: inputs.environment,
      secrets: inputs.secrets,
      environmentMode: inputs.environmentMode,
      cpu: inputs.cpu,
      memory: inputs.memory,
      taskRoleArn: inputs.taskRoleArn,
      executionRoleArn: inputs.executionRoleArn,
      logGroup: inputs.logGroup,
      logStreamPrefix: inputs.logStreamPrefix,
    },
    tags: inputs.tags,
    settings: {
      desiredCount: inputs.desiredCount,
      launchType: inputs.launchType,
      capacityProviderStrategy: inputs.capacityProviderStrategy,
      platformVersion: inputs.platformVersion,
      subnets: inputs.subnets,
      securityGroups: inputs.securityGroups,
      assignPublicIp: inputs.assignPublicIp,
      serviceConnect: inputs.serviceConnect,
      loadBalancers: inputs.loadBalancers,
      enableExecuteCommand: inputs.enableExecuteCommand,
      circuitBreaker: inputs.circuitBreaker,
      rollback: inputs.rollback,
      strategy: inputs.deploymentStrategy,
      bakeTimeInMinutes: inputs.bakeTimeMinutes,
      trafficShiftPercent: inputs.trafficShiftPercent,
      trafficShiftIntervalMinutes: inputs.trafficShiftIntervalMinutes,
      alarms: inputs.alarms,
      forceNewDeployment: inputs.forceNewDeployment,
    },
    run: {
      command: inputs.command,
      overrides: inputs.taskOverrides,
      beforeDeploy: inputs.runTaskBeforeDeploy,
    },
    codeDeploy: {
      application: inputs.codedeployApplication,
      deploymentGroup: inputs.codedeployDeploymentGroup,
      deploymentConfig: inputs.codedeployDeploymentConfig,
    },
    wait: inputs.wait,
    timeoutMs: inputs.timeoutMs,
    pollIntervalMs: inputs.pollIntervalMs,
  };
}

/** Turns plan problems into one InputError, annotating those that point at a line of the file. */
function asInputError(error: DeployPlanError, source: DeploySource, workspace: string): InputError {
  const problems: InputProblem[] = error.problems.map((p) => ({ input: p.input, message: p.message }));
  if (source.kind === 'file') {
    for (const p of error.problems) {
      if (p.line !== undefined) {
        annotate('error', p.message, {
          file: relative(workspace, resolve(workspace, source.path)),
          line: p.line,
          title: 'deploy-ecs',
        });
      }
    }
  }
  return new InputError(problems);
}

function onRetry(operation: string, error: unknown, attempt: number, delayMs: number): void {
  log.info(`${operation} failed (${describeError(error)}); attempt ${attempt + 1} in ${delayMs} ms`);
}

/** Runs deploy-ecs. */
export async function main(deps: Deps = defaultDeps()): Promise<void> {
  const inputs = readInputs(deps.inputs);
  const region = inputs.region ?? deps.env.AWS_REGION ?? deps.env.AWS_DEFAULT_REGION;
  if (region === undefined || region === '') {
    throw new InputError([
      {
        input: 'aws-region',
        message: 'is required when AWS_REGION is not set (aws-actions/configure-aws-credentials sets it)',
      },
    ]);
  }
  const source = await readSource(inputs, deps);
  const request = toRequest(inputs, region, source);
  const workspace = deps.env.GITHUB_WORKSPACE ?? process.cwd();

  const preflight = preflightProblems(request);
  if (preflight.length > 0) throw asInputError(new DeployPlanError(preflight), source, workspace);

  // The SDK is loaded only now, after every input and the file proved valid.
  const api = await deps.ecs({ region, onRetry });
  let plan: DeployPlan;
  try {
    const observed = await observeDeployment(request, api);
    plan = planDeployment(request, observed);
  } catch (error) {
    if (error instanceof DeployPlanError) throw asInputError(error, source, workspace);
    throw error;
  }
  await logPlan(plan, inputs.dryRun);

  const result = emptyResult(plan);
  if (inputs.dryRun) {
    writeOutputs(plan, result);
    await new SummaryBuilder().raw(summaryOf(plan, result, { dryRun: true })).write();
    log.info('Dry run: nothing was registered or changed.');
    return;
  }

  const stop = deps.onInterrupt((signal) => interrupted(signal, plan, result, deps));
  try {
    await applyDeployPlan(
      plan,
      api,
      {
        info: (message) => log.info(message),
        warning: (message) => log.warning(message),
        event: (message) => log.info(`  event: ${message}`),
        progress: (summary) => log.info(summary),
        codeDeploy: () => deps.codeDeploy({ region, onRetry }),
      },
      result,
    );
  } catch (error) {
    writeOutputs(plan, result);
    const message = error instanceof DeployFailedError ? error.message : describeError(error);
    await new SummaryBuilder().raw(summaryOf(plan, result, { error: message, dryRun: false })).write();
    throw error;
  } finally {
    stop();
  }
  writeOutputs(plan, result);
  await new SummaryBuilder().raw(summaryOf(plan, result, { dryRun: false })).write();
}

/** A cancelled job: say what goes on in ECS, set the outputs known so far, and leave. */
function interrupted(signal: string, plan: DeployPlan, result: DeployResult, deps: Deps): void {
  const what =
    result.deploymentId !== undefined
      ? `deployment ${result.deploymentId}`
      : result.taskArn !== undefined
        ? `task ${result.taskArn}`
        : 'the deploy';
  const message = `interrupted (${signal}) while waiting for ${what}; it goes on in ECS: ${result.consoleUrl ?? plan.consoleUrl ?? ''}`;
  log.warning(message);
  try {
    writeOutputs(plan, { ...result, rolloutState: result.rolloutState ?? 'IN_PROGRESS' });
    deps.appendSummarySync(summaryOf(plan, result, { error: message, dryRun: false }));
  } finally {
    deps.exit(signal === 'SIGINT' ? 130 : 143);
  }
}
