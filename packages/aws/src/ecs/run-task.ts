/**
 * One-off tasks (database migrations, batch jobs): RunTask, wait until the task STOPPED, and read the exit code of
 * the container that matters. RunTask's `failures` are turned into a readable error instead of `[null]`.
 */
import type { ContainerDefinition, Failure, RunTaskRequest, Task } from '@aws-sdk/client-ecs';
import { TimeoutError, formatDuration, pollRollout } from '@slipway/core';
import type { RolloutObserver, RolloutSnapshot } from '@slipway/core';
import type { EcsApi } from './api.js';
import { toStoppedTask } from './diagnose.js';
import type { StoppedTask } from './diagnose.js';

/** RunTask placed no task; `failures` says why. */
export class RunTaskFailedError extends Error {
  constructor(readonly failures: Failure[]) {
    const reasons = failures.map(
      (f) =>
        `${f.reason ?? 'unknown reason'}${f.detail ? ` (${f.detail})` : ''}${f.arn ? ` [${f.arn}]` : ''}`,
    );
    super(`RunTask started no task: ${reasons.length > 0 ? reasons.join('; ') : 'ECS gave no reason'}`);
    this.name = 'RunTaskFailedError';
  }
}

/** The one-off task did not stop before the deadline; it goes on in ECS. */
export class TaskTimeoutError extends Error {
  constructor(
    readonly taskArn: string,
    readonly timeoutMs: number,
    readonly lastStatus: string | undefined,
  ) {
    super(
      `task ${taskArn} did not stop within ${formatDuration(timeoutMs)}${lastStatus ? ` (last status ${lastStatus})` : ''}; it goes on in ECS`,
    );
    this.name = 'TaskTimeoutError';
  }
}

/** Starts exactly one task; throws {@link RunTaskFailedError} when ECS placed none. */
export async function startOneOffTask(api: EcsApi, request: RunTaskRequest): Promise<Task> {
  const { tasks, failures } = await api.runTask({ ...request, count: 1 });
  const task = tasks[0];
  if (task?.taskArn === undefined) throw new RunTaskFailedError(failures);
  return task;
}

/** Observes one task until it is STOPPED. */
export class TaskObserver implements RolloutObserver {
  /** The task as last described. */
  task: Task | undefined;

  constructor(
    private readonly api: EcsApi,
    private readonly cluster: string,
    private readonly taskArn: string,
  ) {}

  async observe(): Promise<RolloutSnapshot> {
    const [task] = await this.api.describeTasks(this.cluster, [this.taskArn]);
    if (task === undefined) throw new Error(`task ${this.taskArn} is no longer known to ECS`);
    this.task = task;
    const id = this.taskArn.split('/').pop() ?? this.taskArn;
    const status = task.lastStatus ?? 'UNKNOWN';
    return {
      done: status === 'STOPPED',
      failed: false,
      summary: `task ${id}: ${status}`,
      reasons: [],
      events: [],
    };
  }
}

/** How the task ended. */
export interface OneOffTaskResult {
  task: Task;
  /** The container whose exit code counts (see {@link decisiveContainer}). */
  container: string;
  /** Undefined when the container never ran (the image could not be pulled, for example). */
  exitCode: number | undefined;
  report: StoppedTask;
}

/**
 * The container whose exit code is the task's: `preferred` when the task has it; else the first essential
 * container that exited non-zero or never ran; else the first essential container.
 */
export function decisiveContainer(
  task: Task,
  definitions: ContainerDefinition[],
  preferred?: string,
): string {
  const containers = task.containers ?? [];
  if (preferred !== undefined && containers.some((c) => c.name === preferred)) return preferred;
  const essential = containers.filter((c) => definitions.find((d) => d.name === c.name)?.essential !== false);
  const bad = essential.find((c) => c.exitCode !== 0);
  return (bad ?? essential[0] ?? containers[0])?.name ?? '';
}

/** Waits until the task stops; throws {@link TaskTimeoutError} naming the task when the deadline passes. */
export async function waitForTask(
  api: EcsApi,
  options: {
    region: string;
    cluster: string;
    taskArn: string;
    containers?: ContainerDefinition[];
    container?: string;
    timeoutMs: number;
    pollIntervalMs: number;
    onProgress?: (summary: string) => void;
    onError?: (error: unknown) => void;
    sleep?: (ms: number) => Promise<void>;
    now?: () => number;
  },
): Promise<OneOffTaskResult> {
  const observer = new TaskObserver(api, options.cluster, options.taskArn);
  try {
    await pollRollout(observer, {
      timeoutMs: options.timeoutMs,
      initialIntervalMs: Math.min(2000, options.pollIntervalMs),
      maxIntervalMs: options.pollIntervalMs,
      onProgress: (line, kind) => {
        if (kind === 'summary') options.onProgress?.(line);
      },
      ...(options.onError === undefined ? {} : { onError: options.onError }),
      ...(options.sleep === undefined ? {} : { sleep: options.sleep }),
      ...(options.now === undefined ? {} : { now: options.now }),
    });
  } catch (error) {
    if (error instanceof TimeoutError) {
      throw new TaskTimeoutError(options.taskArn, options.timeoutMs, observer.task?.lastStatus);
    }
    throw error;
  }
  const task = observer.task as Task;
  const containers = options.containers ?? [];
  const container = decisiveContainer(task, containers, options.container);
  const exitCode = task.containers?.find((c) => c.name === container)?.exitCode;
  return {
    task,
    container,
    exitCode,
    report: toStoppedTask(task, options.region, options.cluster, containers),
  };
}
