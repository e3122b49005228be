import type { ContainerSpec, Workload } from '../types.js';
import { flat, formatSize } from './cost-line.js';
import { MIB_PER_GIB, podTotal } from './workload-facts.js';

/** Autopilot's general-purpose limits and steps (classic, non-bursting clusters). */
export const AUTOPILOT_RULES = {
  defaultVcpu: 0.5,
  defaultMemoryMiB: 2048,
  defaultEphemeralMiB: 1024,
  daemonSetVcpu: 0.05,
  daemonSetMemoryMiB: 100,
  daemonSetEphemeralMiB: 100,
  minVcpu: 0.25,
  minMemoryMiB: 512,
  vcpuStep: 0.25,
  /** GiB of memory per vCPU: at least 1, at most 6.5. */
  minGibPerVcpu: 1,
  maxGibPerVcpu: 6.5,
  maxVcpu: 30,
  maxMemoryGiB: 110,
} as const;

/** A pod as Autopilot bills it. */
export interface AutopilotShape {
  vcpu: number;
  memoryMiB: number;
  ephemeralMiB: number;
  /** What Autopilot changed, in words, for the cost lines. */
  lines: string[];
  /** Why Autopilot would reject the pod (above the maximums), else `null`. */
  rejected: string | null;
}

function roundUpToStep(value: number, step: number): number {
  return Math.ceil(value / step - 1e-9) * step;
}

/** The containers Autopilot sees: an ECS task becomes one container of the task size. */
function autopilotContainers(workload: Workload): ContainerSpec[] {
  if (workload.ecs) {
    const { vcpu, memoryMiB } = workload.perReplica;
    return [
      {
        name: workload.name,
        role: 'app',
        cpu: workload.ecs.taskCpu ?? (vcpu > 0 ? vcpu : null),
        memoryMiB: workload.ecs.taskMemoryMiB ?? (memoryMiB > 0 ? memoryMiB : null),
        ephemeralMiB: workload.ecs.ephemeralGiB === null ? null : workload.ecs.ephemeralGiB * MIB_PER_GIB,
        gpu: 0,
        limits: { cpu: null, memoryMiB: null },
      },
    ];
  }
  return workload.containers;
}

/**
 * Applies Autopilot's request rules to a pod: per-container defaults (0.5 vCPU / 2 GiB / 1 GiB ephemeral;
 * DaemonSet containers 50m / 100 MiB / 100 MiB; when only one of CPU or memory is set, the other is set to the
 * nearest value within the 1:1–1:6.5 ratio), then per pod: minimums 250m / 512 MiB, CPU rounded up to 0.25 vCPU,
 * the smaller resource raised into the ratio, and the general-purpose maximums (30 vCPU / 110 GiB) checked.
 */
export function autopilotPodShape(workload: Workload): AutopilotShape {
  const r = AUTOPILOT_RULES;
  const daemon = workload.kind === 'DaemonSet';
  const containers = autopilotContainers(workload);
  const defaulted = containers.map((c) => {
    let cpu = c.cpu;
    let memoryMiB = c.memoryMiB;
    if (cpu === null && memoryMiB === null) {
      cpu = daemon ? r.daemonSetVcpu : r.defaultVcpu;
      memoryMiB = daemon ? r.daemonSetMemoryMiB : r.defaultMemoryMiB;
    } else if (cpu === null) {
      cpu = (memoryMiB ?? 0) / MIB_PER_GIB / r.maxGibPerVcpu;
    } else if (memoryMiB === null) {
      memoryMiB = cpu * r.minGibPerVcpu * MIB_PER_GIB;
    }
    const ephemeralMiB = c.ephemeralMiB ?? (daemon ? r.daemonSetEphemeralMiB : r.defaultEphemeralMiB);
    // Only what podTotal reads: copying every container field would be garbage for each of two estimators.
    return { role: c.role, cpu, memoryMiB, ephemeralMiB };
  });
  const requested = {
    vcpu: podTotal(defaulted, (c) => c.cpu) ?? 0,
    memoryMiB: podTotal(defaulted, (c) => c.memoryMiB) ?? 0,
  };
  const ephemeralMiB = podTotal(defaulted, (c) => c.ephemeralMiB) ?? 0;

  let vcpu = roundUpToStep(Math.max(requested.vcpu, r.minVcpu), r.vcpuStep);
  let memoryMiB = Math.max(requested.memoryMiB, r.minMemoryMiB);
  if (memoryMiB > vcpu * r.maxGibPerVcpu * MIB_PER_GIB) {
    vcpu = roundUpToStep(memoryMiB / MIB_PER_GIB / r.maxGibPerVcpu, r.vcpuStep);
  }
  if (memoryMiB < vcpu * r.minGibPerVcpu * MIB_PER_GIB) memoryMiB = vcpu * r.minGibPerVcpu * MIB_PER_GIB;

  const lines = [
    flat`pod size: requests with Autopilot defaults ${formatSize(requested, 'GiB')} → billed ${formatSize({ vcpu, memoryMiB }, 'GiB')} (minimum 250m / 512 MiB, 250m steps, 1:1–1:6.5 vCPU:GiB)`,
  ];
  let rejected: string | null = null;
  if (vcpu > r.maxVcpu || memoryMiB > r.maxMemoryGiB * MIB_PER_GIB) {
    rejected = `${formatSize({ vcpu, memoryMiB }, 'GiB')} exceeds Autopilot's general-purpose maximum (30 vCPU / 110 GiB): the pod would be rejected`;
  }
  return { vcpu, memoryMiB, ephemeralMiB, lines, rejected };
}
