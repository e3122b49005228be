import type { ContainerSpec, Workload } from '../types.js';
import { flat } from './cost-line.js';

/** Mebibytes per gibibyte. Fargate's "GB" is also 1024 MiB (task definitions state MiB). */
export const MIB_PER_GIB = 1024;

/** Hours in the month every estimate uses (Infracost's convention). */
export const HOURS_PER_MONTH = 730;

const BATCH_KINDS = new Set(['Job', 'CronJob', 'CloudRunJob']);

/** Whether the workload runs to completion (priced per run) rather than all month. */
export function isBatch(workload: Workload): boolean {
  return BATCH_KINDS.has(workload.kind);
}

/** Whether an ECS task definition asks for a Windows operating system. */
export function isWindows(workload: Workload): boolean {
  return workload.ecs?.operatingSystemFamily.toUpperCase().startsWith('WINDOWS') ?? false;
}

/** Whether any container asks for a GPU (the catalog prices none). */
export function hasGpu(workload: Workload): boolean {
  return workload.containers.some((c) => c.gpu > 0);
}

/** The warning every platform gives a GPU workload. */
export const GPU_WARNING =
  'GPU requested: GPU pricing is not in the catalog, so this workload is not estimated';

/**
 * A pod's value for one resource, the Kubernetes way: the larger of the largest init container and the sum of the
 * containers that run together (app and sidecars). `null` when no container states it.
 */
export function podTotal<C extends Pick<ContainerSpec, 'role'>>(
  containers: readonly C[],
  pick: (c: C) => number | null,
): number | null {
  let init: number | null = null;
  let running: number | null = null;
  for (const container of containers) {
    const value = pick(container);
    if (value === null) continue;
    if (container.role === 'init') init = Math.max(init ?? 0, value);
    else running = (running ?? 0) + value;
  }
  if (init === null && running === null) return null;
  return Math.max(init ?? 0, running ?? 0);
}

/** Ephemeral storage the workload asks for per replica, in MiB, or `null` when unstated. */
export function ephemeralRequestMiB(workload: Workload): number | null {
  if (workload.ecs)
    return workload.ecs.ephemeralGiB === null ? null : workload.ecs.ephemeralGiB * MIB_PER_GIB;
  return podTotal(workload.containers, (c) => c.ephemeralMiB);
}

/** "2 tasks", "1 pod"… */
export function plural(count: number, noun: string): string {
  return flat`${count} ${noun}${count === 1 ? '' : 's'}`;
}
