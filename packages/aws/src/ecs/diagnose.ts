/**
 * Explaining a failed deployment with what ECS knows: the latest service events, and the stopped tasks of the
 * deployment with their `stoppedReason`, each container's exit code and reason, and a link to its logs.
 */
import type { ContainerDefinition, Task } from '@aws-sdk/client-ecs';
import type { EcsApi } from './api.js';
import { containerLogUrl, taskConsoleUrl } from './links.js';

/** One container of a stopped task. */
export interface StoppedContainer {
  name: string;
  exitCode?: number;
  reason?: string;
  logUrl?: string;
}

/** One stopped task, as a failure report shows it. */
export interface StoppedTask {
  taskArn: string;
  taskId: string;
  stoppedReason?: string;
  stopCode?: string;
  stoppedAt?: Date;
  containers: StoppedContainer[];
  consoleUrl: string;
}

/** Turns a described task into a {@link StoppedTask}; container definitions give the log links. */
export function toStoppedTask(
  task: Task,
  region: string,
  cluster: string,
  containers: ContainerDefinition[] = [],
): StoppedTask {
  const taskArn = task.taskArn ?? '';
  const taskId = taskArn.split('/').pop() ?? taskArn;
  return {
    taskArn,
    taskId,
    ...(task.stoppedReason === undefined ? {} : { stoppedReason: task.stoppedReason }),
    ...(task.stopCode === undefined ? {} : { stopCode: task.stopCode }),
    ...(task.stoppedAt === undefined ? {} : { stoppedAt: task.stoppedAt }),
    containers: (task.containers ?? []).map((c) => {
      const logUrl = containerLogUrl(
        region,
        containers.find((d) => d.name === c.name),
        taskArn,
      );
      return {
        name: c.name ?? '',
        ...(c.exitCode === undefined ? {} : { exitCode: c.exitCode }),
        ...(c.reason === undefined ? {} : { reason: c.reason }),
        ...(logUrl === undefined ? {} : { logUrl }),
      };
    }),
    consoleUrl: taskConsoleUrl(region, cluster, taskArn),
  };
}

/**
 * The most recent stopped tasks that a deployment started (ECS sets a service task's `startedBy` to its
 * deployment id), newest first. ListTasks keeps stopped tasks for about an hour.
 */
export async function stoppedTasksOf(
  api: EcsApi,
  options: {
    region: string;
    cluster: string;
    service: string;
    deploymentId: string;
    containers?: ContainerDefinition[];
    limit?: number;
  },
): Promise<StoppedTask[]> {
  const arns = await api.listTasks(options.cluster, {
    serviceName: options.service,
    desiredStatus: 'STOPPED',
  });
  const tasks = await api.describeTasks(options.cluster, arns.slice(0, 100));
  const own = tasks
    .filter((task) => task.startedBy === options.deploymentId)
    .sort((a, b) => (b.stoppedAt?.getTime() ?? 0) - (a.stoppedAt?.getTime() ?? 0));
  // Tasks the scheduler or a user stopped say nothing about the failure; show them only when nothing else stopped.
  const failed = own.filter((task) => !BYSTANDER_STOP_CODES.has(task.stopCode ?? ''));
  return (failed.length > 0 ? failed : own)
    .slice(0, options.limit ?? 5)
    .map((task) => toStoppedTask(task, options.region, options.cluster, options.containers));
}

const BYSTANDER_STOP_CODES = new Set(['ServiceSchedulerInitiated', 'UserInitiated']);

/** One container in a few words: `app exit 1, OutOfMemoryError: ...`; `exit none` when it never ran. */
export function describeContainer(container: StoppedContainer, taskReason?: string): string {
  const exit = `exit ${container.exitCode ?? 'none'}`;
  // A container's reason often repeats the task's stoppedReason; say it once.
  const reason =
    container.reason !== undefined && container.reason !== taskReason ? `, ${container.reason}` : '';
  return `${container.name} ${exit}${reason}`;
}

/** One line about one stopped task: its stoppedReason, then each container's exit code and reason. */
export function describeStoppedTask(task: StoppedTask): string {
  const reason = task.stoppedReason ?? task.stopCode ?? 'stopped';
  const containers = task.containers.map((c) => describeContainer(c, task.stoppedReason));
  return `task ${task.taskId} stopped: ${reason}${containers.length > 0 ? ` (containers: ${containers.join('; ')})` : ''}`;
}

/**
 * Stopped tasks in one line, tasks that stopped for the same reason grouped:
 * `tasks 33ef77fab52b, 46b9cc43b98b stopped: CannotPullContainerError: ... (containers: app exit none)`.
 */
export function summariseStoppedTasks(tasks: StoppedTask[]): string {
  const groups = new Map<string, string[]>();
  for (const task of tasks) {
    const reason = task.stoppedReason ?? task.stopCode ?? 'stopped';
    const containers = task.containers.map((c) => describeContainer(c, task.stoppedReason));
    const key = `${reason}${containers.length > 0 ? ` (containers: ${containers.join('; ')})` : ''}`;
    groups.set(key, [...(groups.get(key) ?? []), task.taskId.slice(0, 12)]);
  }
  return [...groups.entries()]
    .map(([key, ids]) => `${ids.length === 1 ? 'task' : 'tasks'} ${ids.join(', ')} stopped: ${key}`)
    .join('; ');
}
