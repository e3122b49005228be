/**
 * One region's job deploy: observe, plan, write (with the same one-time retry on an etag conflict as services),
 * wait for the job to be ready, then optionally start an execution with overrides and follow it to the end,
 * collecting the failed tasks' messages.
 */
import { TimeoutError, pollRollout } from '@slipway/core';
import type { OperationStart, RunApi } from './client.js';
import { isAlreadyExists, isConflict } from './errors.js';
import { executionConsoleUrl, jobConsoleUrl } from './links.js';
import { ExecutionObserver, OperationObserver, conditionOf, taskCounts } from './observe.js';
import { jobName, planJob } from './plan.js';
import type { JobDeployRequest, JobPlan } from './plan.js';
import { pollSettings } from './deploy-service.js';
import type { DeployHooks } from './deploy-service.js';
import type { Task } from './types.js';

/** An execution as the action reports it. */
export interface ExecutionResult {
  /** Full name. */
  name: string;
  /** Short name (`report-x7k2p`). */
  id: string;
  state: 'succeeded' | 'failed' | 'started';
  tasks: number;
  succeeded: number;
  failed: number;
  cancelled: number;
  running: number;
  /** Messages of the failed tasks (`task 1: The container exited with an exit code of 3.`). */
  failures: string[];
  logsUrl: string | undefined;
  consoleUrl: string;
}

/** The outcome of one region's job deploy. */
export interface JobResult {
  region: string;
  name: string;
  job: string;
  action: 'created' | 'updated' | 'unchanged';
  execution: ExecutionResult | undefined;
  consoleUrl: string;
}

/** A job update that did not become ready, or an execution that did not succeed (the result is attached). */
export class JobFailedError extends Error {
  readonly region: string;
  readonly result: JobResult | undefined;

  constructor(region: string, message: string, result?: JobResult) {
    super(`${region}: ${message}`);
    this.name = 'JobFailedError';
    this.region = region;
    this.result = result;
  }
}

/** Reads the job and plans. */
export async function planJobDeploy(api: RunApi, request: JobDeployRequest): Promise<JobPlan> {
  return planJob(request, await api.getJob(jobName(request.project, request.region, request.job)));
}

/** Sends the plan with `validateOnly` (for `dry-run`). */
export async function validateJobPlan(api: RunApi, plan: JobPlan): Promise<void> {
  if (plan.action === 'create') await api.createJob(plan.name, plan.desired, { validateOnly: true });
  else if (plan.action === 'update') await api.updateJob(plan.desired, { validateOnly: true });
}

const MAX_FAILURES = 10;

function failureOf(task: Task): string | undefined {
  const result = task.lastAttemptResult;
  const completed = conditionOf(task, 'Completed');
  const failed =
    (result?.exitCode ?? 0) !== 0 ||
    (result?.status?.code ?? 0) !== 0 ||
    completed?.state === 'CONDITION_FAILED';
  if (!failed) return undefined;
  const message =
    result?.status?.message || completed?.message || `exit code ${result?.exitCode ?? 'unknown'}`;
  // Index 0 is proto3's default, which pruning leaves out.
  return `task ${task.index ?? 0}: ${message}`;
}

async function wait(
  what: string,
  observer: OperationObserver | ExecutionObserver,
  hooks: DeployHooks,
  label: string,
) {
  try {
    return await pollRollout(observer, pollSettings(hooks, label, what));
  } catch (e) {
    if (e instanceof TimeoutError)
      throw new JobFailedError(label.replace(/: $/, ''), `${what}: ${e.message}`);
    throw e;
  }
}

/**
 * Applies a job plan, then runs an execution when asked. A failed execution throws a {@link JobFailedError} whose
 * result carries the execution's name, task counts and the failed tasks' messages.
 */
export async function applyJobPlan(api: RunApi, plan: JobPlan, hooks: DeployHooks): Promise<JobResult> {
  const { region, project, job } = plan.request;
  const label = `${region}: `;
  let current = plan;
  let op: OperationStart | undefined;
  for (let attempt = 1; ; attempt++) {
    try {
      if (current.action === 'create') op = await api.createJob(current.name, current.desired);
      else if (current.action === 'update') op = await api.updateJob(current.desired);
      break;
    } catch (e) {
      const retryable = isConflict(e) || (current.action === 'create' && isAlreadyExists(e));
      if (attempt > 1 || !retryable) throw e;
      hooks.log(`${label}the job changed since it was read: reading it again and retrying once`);
      current = await planJobDeploy(api, current.request);
    }
  }
  if (op !== undefined) {
    hooks.log(`${label}${current.action === 'create' ? 'creating' : 'updating'} job ${job}`);
    const done = await wait(
      `job ${job}`,
      new OperationObserver(api, op.name, `${label}job ${job}`),
      hooks,
      label,
    );
    if (done.failed) throw new JobFailedError(region, `job ${job} is not ready: ${done.reasons.join('; ')}`);
  }
  const result: JobResult = {
    region,
    name: current.name,
    job,
    action: current.action === 'create' ? 'created' : current.action === 'update' ? 'updated' : 'unchanged',
    execution: undefined,
    consoleUrl: jobConsoleUrl(project, region, job),
  };
  if (!current.request.execute) return result;

  const started = await api.runJob(current.name, current.request.overrides);
  const id = started.execution.split('/').pop()!;
  hooks.log(`${label}started execution ${id}`);
  const execution: ExecutionResult = {
    name: started.execution,
    id,
    state: 'started',
    tasks: 0,
    succeeded: 0,
    failed: 0,
    cancelled: 0,
    running: 0,
    failures: [],
    logsUrl: undefined,
    consoleUrl: executionConsoleUrl(project, region, id),
  };
  result.execution = execution;
  if (!current.request.wait) {
    const first = await api.getExecution(started.execution);
    Object.assign(execution, counts(first), { logsUrl: first.logUri });
    return result;
  }
  const observer = new ExecutionObserver(api, started.execution, label);
  const end = await wait(`execution ${id}`, observer, hooks, label);
  Object.assign(execution, counts(observer.execution ?? {}), { logsUrl: observer.execution?.logUri });
  if (!end.failed) {
    execution.state = 'succeeded';
    return result;
  }
  execution.state = 'failed';
  const tasks = await api.listTasks(started.execution);
  const failures = tasks.map(failureOf).filter((f): f is string => f !== undefined);
  execution.failures = failures.slice(0, MAX_FAILURES);
  if (failures.length > MAX_FAILURES)
    execution.failures.push(`and ${failures.length - MAX_FAILURES} more failed tasks`);
  const detail = execution.failures.length > 0 ? execution.failures.join('; ') : end.reasons.join('; ');
  throw new JobFailedError(
    region,
    `execution ${id} failed (${execution.failed} of ${execution.tasks} tasks): ${detail}`,
    result,
  );
}

function counts(e: Parameters<typeof taskCounts>[0]) {
  const c = taskCounts(e);
  return {
    tasks: c.tasks,
    succeeded: c.succeeded,
    failed: c.failed,
    cancelled: c.cancelled,
    running: c.running,
  };
}
