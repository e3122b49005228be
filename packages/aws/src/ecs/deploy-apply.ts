/**
 * Carrying out a {@link DeployPlan}: register, run the one-off task, create or update the service (or start the
 * CodeDeploy deployment), follow the new deployment, and on failure explain it and roll back when ECS has not.
 * The result is filled in as the deploy goes, so that a failure still reports what happened.
 */
import { randomUUID } from 'node:crypto';
import type { Deployment, Service } from '@aws-sdk/client-ecs';
import { describeError } from '@slipway/core';
import type { EcsApi } from './api.js';
import { buildAppSpec, waitForCodeDeploy } from './codedeploy.js';
import type { CodeDeployApi } from './codedeploy.js';
import type { DeployPlan } from './deploy-plan.js';
import { describeStoppedTask, stoppedTasksOf, summariseStoppedTasks } from './diagnose.js';
import type { StoppedTask } from './diagnose.js';
import { taskConsoleUrl } from './links.js';
import { DeploymentTimeoutError, waitForDeployment } from './rollout.js';
import type { DeploymentOutcome } from './rollout.js';
import { TaskTimeoutError, startOneOffTask, waitForTask } from './run-task.js';

/** What the deploy did, filled in step by step. */
export interface DeployResult {
  taskDefinitionArn: string | undefined;
  /** True when a new revision was registered. */
  registered: boolean;
  serviceArn: string | undefined;
  /** `created`, `updated` or `unchanged`. */
  serviceAction: 'created' | 'updated' | 'unchanged' | undefined;
  deploymentId: string | undefined;
  /** COMPLETED, FAILED, IN_PROGRESS (not followed to the end) or ROLLED_BACK. */
  rolloutState: string | undefined;
  /** How the followed deployment ended (or why it was not followed). */
  outcome: DeploymentOutcome | 'TIMED_OUT' | 'NOT_WAITED' | 'NO_DEPLOYMENT' | undefined;
  /** Service events seen while following the deployment, oldest first. */
  events: string[];
  taskArn: string | undefined;
  exitCode: number | undefined;
  /** The one-off task's stop, when it ran to the end. */
  oneOff: { container: string; report: StoppedTask; purpose: 'run-task' | 'before-deploy' } | undefined;
  /** Why the deploy failed. */
  failure: { reasons: string[]; stoppedTasks: StoppedTask[] } | undefined;
  /** The task definition the service went back to, and who did it. */
  rolledBack:
    | {
        taskDefinition: string;
        by: 'ECS' | 'action';
        deploymentId: string | undefined;
        state: string | undefined;
      }
    | undefined;
  consoleUrl: string | undefined;
}

/** The deploy failed; `result` holds everything known, `message` says why in one line. */
export class DeployFailedError extends Error {
  constructor(
    message: string,
    readonly result: DeployResult,
  ) {
    super(message);
    this.name = 'DeployFailedError';
  }
}

/** Callbacks through which the deploy reports as it goes. */
export interface ApplyHooks {
  info(message: string): void;
  warning(message: string): void;
  /** A new service event, while following a deployment. */
  event?(message: string): void;
  /** A change of progress ("ecs-svc/… IN_PROGRESS: 1/2 running"). */
  progress?(summary: string): void;
  /** Called when the deploy starts waiting for a deployment or task (the result says which). */
  waiting?(result: DeployResult): void;
  /** Loads the CodeDeploy API, for services on the CODE_DEPLOY controller. */
  codeDeploy?(): Promise<CodeDeployApi>;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
}

/** An empty result for a plan. */
export function emptyResult(plan: DeployPlan): DeployResult {
  return {
    taskDefinitionArn: plan.taskDefinition.action === 'reuse' ? plan.taskDefinition.arn : undefined,
    registered: false,
    serviceArn: plan.serviceArn,
    serviceAction: undefined,
    deploymentId: undefined,
    rolloutState: undefined,
    outcome: undefined,
    events: [],
    taskArn: undefined,
    exitCode: undefined,
    oneOff: undefined,
    failure: undefined,
    rolledBack: undefined,
    consoleUrl: plan.consoleUrl,
  };
}

function label(arn: string | undefined): string {
  return arn?.split('/').pop() ?? '(unknown)';
}

function quote(text: string): string {
  return `"${text}"`;
}

function primaryOf(service: Service): Deployment | undefined {
  return (service.deployments ?? []).find((d) => d.status === 'PRIMARY');
}

/** Carries out the plan. Throws {@link DeployFailedError} (with the result filled in) when the deploy fails. */
export async function applyDeployPlan(
  plan: DeployPlan,
  api: EcsApi,
  hooks: ApplyHooks,
  result: DeployResult = emptyResult(plan),
): Promise<DeployResult> {
  if (plan.taskDefinition.action === 'register') {
    const registered = await api.registerTaskDefinition(plan.taskDefinition.request);
    result.taskDefinitionArn = registered.taskDefinitionArn;
    result.registered = true;
    hooks.info(`Registered ${label(registered.taskDefinitionArn)}.`);
  } else {
    result.taskDefinitionArn = plan.taskDefinition.arn;
    hooks.info(`Using ${label(plan.taskDefinition.arn)}: ${plan.taskDefinition.reason}; nothing registered.`);
  }
  const taskDefinitionArn = result.taskDefinitionArn ?? '';

  if (plan.oneOff !== undefined) {
    await runOneOff(plan, api, hooks, result, taskDefinitionArn);
    if (plan.mode === 'run-task') return result;
  }
  if (plan.codeDeploy !== undefined) return applyCodeDeploy(plan, api, hooks, result, taskDefinitionArn);

  const servicePlan = plan.servicePlan;
  if (servicePlan === undefined) return result;
  if (servicePlan.action === 'none') {
    result.serviceAction = 'unchanged';
    result.outcome = 'NO_DEPLOYMENT';
    result.rolloutState = plan.currentRolloutState;
    hooks.info(servicePlan.changes.join('; '));
    return result;
  }
  let service: Service;
  if (servicePlan.action === 'create') {
    service = await api.createService({
      ...servicePlan.request,
      taskDefinition: taskDefinitionArn,
      clientToken: randomUUID(),
    });
    result.serviceAction = 'created';
    hooks.info(`Created service ${service.serviceName} (${service.serviceArn}).`);
  } else {
    service = await api.updateService({ ...servicePlan.request, taskDefinition: taskDefinitionArn });
    result.serviceAction = 'updated';
    hooks.info(`Updated service ${service.serviceName}: ${servicePlan.changes.join('; ')}.`);
  }
  result.serviceArn = service.serviceArn;
  const deployment = primaryOf(service);
  if (servicePlan.action === 'update' && !servicePlan.newDeployment) {
    result.outcome = 'NO_DEPLOYMENT';
    result.rolloutState = deployment?.rolloutState;
    return result;
  }
  result.deploymentId = deployment?.id;
  result.rolloutState = deployment?.rolloutState ?? 'IN_PROGRESS';
  if (deployment?.id === undefined)
    throw new DeployFailedError('ECS answered without a PRIMARY deployment to follow', result);
  if (!plan.wait) {
    result.outcome = 'NOT_WAITED';
    hooks.info(`Not waiting (wait: false): deployment ${deployment.id} goes on in ECS: ${plan.consoleUrl}`);
    return result;
  }
  await follow(plan, api, hooks, result, deployment.id, plan.knownEventIds);
  return result;
}

/** Follows a deployment; on failure explains it, rolls back if needed and throws. */
async function follow(
  plan: DeployPlan,
  api: EcsApi,
  hooks: ApplyHooks,
  result: DeployResult,
  deploymentId: string,
  knownEventIds: string[],
): Promise<void> {
  const cluster = plan.cluster;
  const service = plan.service ?? '';
  hooks.waiting?.(result);
  hooks.info(`Following deployment ${deploymentId} (${plan.consoleUrl})`);
  let observer;
  try {
    observer = await waitForDeployment(
      api,
      { cluster, service, deploymentId, knownEventIds },
      {
        timeoutMs: plan.timeoutMs,
        pollIntervalMs: plan.pollIntervalMs,
        onEvent: (message) => {
          result.events.push(message);
          hooks.event?.(message);
        },
        onProgress: (summary) => hooks.progress?.(summary),
        onError: (error) => hooks.info(`Could not read the service (will retry): ${describeError(error)}`),
        ...(hooks.sleep === undefined ? {} : { sleep: hooks.sleep }),
        ...(hooks.now === undefined ? {} : { now: hooks.now }),
      },
    );
  } catch (error) {
    if (error instanceof DeploymentTimeoutError) {
      result.outcome = 'TIMED_OUT';
      result.rolloutState = 'IN_PROGRESS';
      throw new DeployFailedError(`${error.message}: follow it at ${plan.consoleUrl}`, result);
    }
    throw new DeployFailedError(
      `stopped following deployment ${deploymentId}: ${describeError(error)}; it goes on in ECS: ${plan.consoleUrl}`,
      result,
    );
  }
  result.outcome = observer.outcome;
  if (observer.outcome === 'COMPLETED') {
    result.rolloutState = 'COMPLETED';
    hooks.info(`Deployment ${deploymentId} COMPLETED.`);
    return;
  }

  const reasons: string[] = [];
  const deployment = observer.deployment;
  reasons.push(deployment?.rolloutStateReason ?? `deployment ${deploymentId} ${observer.outcome}`);
  result.rolloutState = deployment?.rolloutState ?? 'FAILED';
  const successor = observer.successor;
  if (observer.outcome === 'ROLLED_BACK' && successor !== undefined) {
    result.rolledBack = {
      taskDefinition: successor.taskDefinition ?? '',
      by: 'ECS',
      deploymentId: successor.id,
      state: successor.rolloutState,
    };
    result.rolloutState = 'ROLLED_BACK';
    reasons.push(`ECS rolled back to ${label(successor.taskDefinition)} (deployment ${successor.id})`);
  } else if (observer.outcome === 'REPLACED' && successor !== undefined) {
    reasons.push(
      `deployment ${successor.id} (${label(successor.taskDefinition)}) replaced it before it finished`,
    );
  }

  let stoppedTasks: StoppedTask[] = [];
  try {
    stoppedTasks = await stoppedTasksOf(api, {
      region: plan.region,
      cluster,
      service,
      deploymentId,
      containers: plan.containers,
    });
  } catch (error) {
    hooks.warning(`Could not read the stopped tasks of ${deploymentId}: ${describeError(error)}`);
  }
  result.failure = { reasons, stoppedTasks };

  const previous = plan.previousTaskDefinition;
  if (
    observer.outcome === 'FAILED' &&
    plan.rollback &&
    previous !== undefined &&
    previous !== result.taskDefinitionArn
  ) {
    hooks.warning(`ECS did not roll back ${deploymentId}; rolling back to ${label(previous)}.`);
    try {
      const rolled = await api.updateService({ cluster, service, taskDefinition: previous });
      const rollback = primaryOf(rolled);
      result.rolledBack = {
        taskDefinition: previous,
        by: 'action',
        deploymentId: rollback?.id,
        state: rollback?.rolloutState,
      };
      result.rolloutState = 'ROLLED_BACK';
      if (rollback?.id !== undefined) {
        const knownIds = observer.events.map((e) => e.id ?? '').concat(knownEventIds);
        const back = await waitForDeployment(
          api,
          { cluster, service, deploymentId: rollback.id, knownEventIds: knownIds },
          {
            timeoutMs: plan.timeoutMs,
            pollIntervalMs: plan.pollIntervalMs,
            onEvent: (message) => {
              result.events.push(message);
              hooks.event?.(message);
            },
            onProgress: (summary) => hooks.progress?.(summary),
            ...(hooks.sleep === undefined ? {} : { sleep: hooks.sleep }),
            ...(hooks.now === undefined ? {} : { now: hooks.now }),
          },
        );
        result.rolledBack.state = back.deployment?.rolloutState ?? back.outcome;
      }
      reasons.push(
        `rolled back to ${label(previous)} (deployment ${rollback?.id ?? 'unknown'}: ${result.rolledBack.state ?? 'started'})`,
      );
    } catch (error) {
      reasons.push(`the rollback to ${label(previous)} failed: ${describeError(error)}`);
    }
  }
  throw new DeployFailedError(deploymentFailureMessage(deploymentId, plan, result), result);
}

/** The one-line error of a failed deployment: reasons, stopped tasks, the latest events, the console link. */
export function deploymentFailureMessage(
  deploymentId: string,
  plan: DeployPlan,
  result: DeployResult,
): string {
  const reasons = (result.failure?.reasons ?? []).map((r) => r.replace(/\.$/, ''));
  const parts = [`deployment ${deploymentId} of ${plan.service} failed: ${reasons.join('; ')}`];
  const stopped = result.failure?.stoppedTasks ?? [];
  if (stopped.length > 0) {
    parts.push(summariseStoppedTasks(stopped));
    const log = stopped.flatMap((t) => t.containers).find((c) => c.logUrl !== undefined)?.logUrl;
    if (log !== undefined) parts.push(`logs: ${log}`);
  }
  const events = result.events.slice(-3);
  if (events.length > 0) parts.push(`latest events: ${events.map(quote).join(' ')}`);
  if (plan.consoleUrl !== undefined) parts.push(`console: ${plan.consoleUrl}`);
  return parts.join('. ');
}

async function runOneOff(
  plan: DeployPlan,
  api: EcsApi,
  hooks: ApplyHooks,
  result: DeployResult,
  taskDefinitionArn: string,
): Promise<void> {
  const oneOff = plan.oneOff;
  if (oneOff === undefined) return;
  const what = oneOff.purpose === 'before-deploy' ? 'the task before the deploy' : 'the one-off task';
  const task = await startOneOffTask(api, {
    ...oneOff.request,
    taskDefinition: taskDefinitionArn,
    clientToken: randomUUID(),
  });
  result.taskArn = task.taskArn;
  const url = taskConsoleUrl(plan.region, plan.cluster, task.taskArn ?? '');
  if (oneOff.purpose === 'run-task') result.consoleUrl = url;
  hooks.info(`Started ${what}: ${task.taskArn} (${url})`);
  if (!plan.wait && oneOff.purpose === 'run-task') {
    result.outcome = 'NOT_WAITED';
    return;
  }
  hooks.waiting?.(result);
  let ended;
  try {
    ended = await waitForTask(api, {
      region: plan.region,
      cluster: plan.cluster,
      taskArn: task.taskArn ?? '',
      containers: plan.containers,
      ...(oneOff.container === undefined ? {} : { container: oneOff.container }),
      timeoutMs: plan.timeoutMs,
      pollIntervalMs: plan.pollIntervalMs,
      onProgress: (summary) => hooks.progress?.(summary),
      onError: (error) => hooks.info(`Could not read the task (will retry): ${describeError(error)}`),
      ...(hooks.sleep === undefined ? {} : { sleep: hooks.sleep }),
      ...(hooks.now === undefined ? {} : { now: hooks.now }),
    });
  } catch (error) {
    if (error instanceof TaskTimeoutError) {
      throw new DeployFailedError(
        `${error.message}: ${url}${oneOff.purpose === 'before-deploy' ? '; the service was not updated' : ''}`,
        result,
      );
    }
    throw error;
  }
  result.exitCode = ended.exitCode;
  result.oneOff = { container: ended.container, report: ended.report, purpose: oneOff.purpose };
  if (ended.exitCode === 0) {
    hooks.info(`${what} ${ended.report.taskId} exited 0.`);
    return;
  }
  const container = ended.report.containers.find((c) => c.name === ended.container);
  const how = ended.exitCode === undefined ? 'never ran' : `exited ${ended.exitCode}`;
  const parts = [
    `${what} ${ended.report.taskId} ${how} (container ${ended.container}${container?.reason ? `: ${container.reason}` : ''})`,
  ];
  parts.push(describeStoppedTask(ended.report));
  if (container?.logUrl !== undefined) parts.push(`logs: ${container.logUrl}`);
  parts.push(`task: ${url}`);
  if (oneOff.purpose === 'before-deploy') parts.push('the service was not updated');
  result.failure = { reasons: [`${ended.container} ${how}`], stoppedTasks: [ended.report] };
  throw new DeployFailedError(parts.join('. '), result);
}

async function applyCodeDeploy(
  plan: DeployPlan,
  api: EcsApi,
  hooks: ApplyHooks,
  result: DeployResult,
  taskDefinitionArn: string,
): Promise<DeployResult> {
  const codeDeploy = plan.codeDeploy;
  if (codeDeploy === undefined || hooks.codeDeploy === undefined)
    throw new Error('applyCodeDeploy: no CodeDeploy plan or API');
  if (codeDeploy.desiredCount !== undefined) {
    await api.updateService({
      cluster: plan.cluster,
      service: plan.service,
      desiredCount: codeDeploy.desiredCount,
    });
    hooks.info(`Set the desired count of ${plan.service} to ${codeDeploy.desiredCount}.`);
  }
  const client = await hooks.codeDeploy();
  const appSpec = buildAppSpec({ taskDefinitionArn, ...codeDeploy });
  const id = await client.createDeployment({
    application: codeDeploy.application,
    deploymentGroup: codeDeploy.deploymentGroup,
    deploymentConfig: codeDeploy.deploymentConfig,
    appSpec,
    description: `deploy-ecs: ${label(taskDefinitionArn)} to ${plan.cluster}/${plan.service}`,
  });
  result.serviceAction = 'updated';
  result.deploymentId = id;
  result.rolloutState = 'IN_PROGRESS';
  const url = `https://${plan.region}.console.aws.amazon.com/codesuite/codedeploy/deployments/${id}?region=${plan.region}`;
  result.consoleUrl = url;
  hooks.info(`Started CodeDeploy deployment ${id} (${url})`);
  if (!plan.wait) {
    result.outcome = 'NOT_WAITED';
    return result;
  }
  hooks.waiting?.(result);
  const { snapshot } = await waitForCodeDeploy(client, id, {
    timeoutMs: plan.timeoutMs,
    pollIntervalMs: plan.pollIntervalMs,
    onProgress: (summary) => hooks.progress?.(summary),
    ...(hooks.sleep === undefined ? {} : { sleep: hooks.sleep }),
    ...(hooks.now === undefined ? {} : { now: hooks.now }),
  });
  if (snapshot.done) {
    result.outcome = 'COMPLETED';
    result.rolloutState = 'COMPLETED';
    return result;
  }
  result.outcome = 'FAILED';
  result.rolloutState = 'FAILED';
  result.failure = { reasons: snapshot.reasons, stoppedTasks: [] };
  throw new DeployFailedError(
    `CodeDeploy deployment ${id} of ${plan.service} failed: ${snapshot.reasons.map((r) => r.replace(/\.$/, '')).join('; ')}. Console: ${url}`,
    result,
  );
}
