import type { Workload } from '../types.js';
import { flat, formatSize } from './cost-line.js';

/** Cloud Run's CPU choices above 1 vCPU and the memory each allows, in MiB (pricing reference §4). */
export const CLOUD_RUN_CPU_ROWS: ReadonlyArray<{ vcpu: number; minMiB: number; maxMiB: number }> = [
  { vcpu: 1, minMiB: 128, maxMiB: 4096 },
  { vcpu: 2, minMiB: 128, maxMiB: 8192 },
  { vcpu: 4, minMiB: 2048, maxMiB: 16384 },
  { vcpu: 6, minMiB: 4096, maxMiB: 24576 },
  { vcpu: 8, minMiB: 4096, maxMiB: 32768 },
];

/** The service default size assumed when a container states none (UNCONFIRMED in the pricing reference). */
export const CLOUD_RUN_DEFAULT = { vcpu: 1, memoryMiB: 512 } as const;

/** An instance as Cloud Run bills it. */
export interface CloudRunShape {
  vcpu: number;
  memoryMiB: number;
  lines: string[];
  warnings: string[];
  rejected: string | null;
}

/** What the workload asks per instance: a Cloud Run spec's limits (summed), else the per-replica requests. */
function requestedInstance(workload: Workload): { vcpu: number; memoryMiB: number; defaulted: boolean } {
  if (workload.origin === 'cloud-run') {
    let vcpu = 0;
    let memoryMiB = 0;
    let defaulted = false;
    for (const c of workload.containers) {
      if (c.role === 'init') continue;
      const cpu = c.limits.cpu ?? c.cpu;
      const memory = c.limits.memoryMiB ?? c.memoryMiB;
      if (cpu === null || memory === null) defaulted = true;
      vcpu += cpu ?? CLOUD_RUN_DEFAULT.vcpu;
      memoryMiB += memory ?? CLOUD_RUN_DEFAULT.memoryMiB;
    }
    if (workload.containers.length === 0) return { ...CLOUD_RUN_DEFAULT, defaulted: true };
    return { vcpu, memoryMiB, defaulted };
  }
  const { vcpu, memoryMiB } = workload.perReplica;
  return {
    vcpu: vcpu > 0 ? vcpu : CLOUD_RUN_DEFAULT.vcpu,
    memoryMiB: memoryMiB > 0 ? memoryMiB : CLOUD_RUN_DEFAULT.memoryMiB,
    defaulted: vcpu <= 0 || memoryMiB <= 0,
  };
}

/**
 * The billed instance size: up to 1 vCPU, fractions are kept; above 1 vCPU the CPU is rounded up to the next of
 * 2, 4, 6 or 8; memory above the CPU's range raises the CPU, memory below it is raised. A multi-container instance
 * needs at least 1 vCPU in total. Above 8 vCPU / 32 GiB the instance cannot run.
 */
export function cloudRunInstanceShape(workload: Workload): CloudRunShape {
  const requested = requestedInstance(workload);
  const lines: string[] = [];
  const warnings: string[] = [];
  if (requested.defaulted) {
    warnings.push(
      "no CPU or memory stated for a container: assumed Cloud Run's default 1 vCPU / 512 MiB (UNCONFIRMED)",
    );
  }
  let vcpu = requested.vcpu;
  const multiContainer =
    workload.origin === 'cloud-run' && workload.containers.filter((c) => c.role !== 'init').length > 1;
  if (multiContainer && vcpu < 1) vcpu = 1;
  let row = CLOUD_RUN_CPU_ROWS.findIndex((r) => r.vcpu >= vcpu);
  while (
    row >= 0 &&
    row < CLOUD_RUN_CPU_ROWS.length &&
    requested.memoryMiB > (CLOUD_RUN_CPU_ROWS[row]?.maxMiB ?? 0)
  )
    row += 1;
  const chosen = row >= 0 ? CLOUD_RUN_CPU_ROWS[row] : undefined;
  if (!chosen) {
    return {
      vcpu: requested.vcpu,
      memoryMiB: requested.memoryMiB,
      lines,
      warnings,
      rejected: `${formatSize(requested, 'GiB')} exceeds Cloud Run's largest instance (8 vCPU / 32 GiB)`,
    };
  }
  if (vcpu > 1 || chosen.vcpu > 1) vcpu = chosen.vcpu;
  const memoryMiB = Math.max(requested.memoryMiB, chosen.minMiB);
  if (vcpu !== requested.vcpu || memoryMiB !== requested.memoryMiB) {
    const why =
      requested.vcpu > 1 && !Number.isInteger(requested.vcpu)
        ? ' (above 1 vCPU Cloud Run takes 2, 4, 6 or 8)'
        : '';
    warnings.push(
      flat`${formatSize(requested, 'GiB')} is not a valid Cloud Run instance size${why}: billed as ${formatSize({ vcpu, memoryMiB }, 'GiB')}`,
    );
  }
  lines.push(flat`instance size: ${formatSize({ vcpu, memoryMiB }, 'GiB')}`);
  return { vcpu, memoryMiB, lines, warnings, rejected: null };
}
