import type { Catalog } from '../catalog/catalog-types.js';
import type { Estimate, Workload } from '../types.js';
import { flat, formatSize } from './cost-line.js';
import { FARGATE_INCLUDED_EPHEMERAL_GB, priceFargateBill, type FargateBill } from './fargate-pricing.js';
import { roundUpToFargateSize, type FargateSize } from './fargate-sizes.js';
import type { PlatformOptions } from './platform-options.js';
import { ephemeralRequestMiB, isWindows, MIB_PER_GIB } from './workload-facts.js';

/** The size a workload asks Fargate for: an ECS task definition's task size, else its per-replica requests. */
export function requestedFargateSize(workload: Workload): FargateSize {
  return {
    vcpu: workload.ecs?.taskCpu ?? workload.perReplica.vcpu,
    memoryMiB: workload.ecs?.taskMemoryMiB ?? workload.perReplica.memoryMiB,
  };
}

/**
 * Works out an ECS-on-Fargate bill: the task size (or a pod's requests, rounded up to the nearest valid Fargate
 * size, at least 0.25 vCPU / 0.5 GB; Windows at least 1 vCPU), the rates by architecture and OS, and storage above
 * the included 20 GB.
 */
export function ecsFargateBill(workload: Workload, spot: boolean): FargateBill {
  const platform = spot ? 'ecs-fargate-spot' : 'ecs-fargate';
  const windows = isWindows(workload);
  const variant = windows ? 'windows' : workload.ecs?.cpuArchitecture === 'ARM64' ? 'arm' : 'x86';
  const requested = requestedFargateSize(workload);
  const size = roundUpToFargateSize(requested.vcpu, requested.memoryMiB, windows ? 1 : 0);
  const lines: string[] = [];
  const warnings: string[] = [];
  let rejected: string | null = null;

  if (workload.ecs) {
    if (workload.ecs.launchType !== 'FARGATE') {
      warnings.push(
        `${workload.ecs.launchType} launch type: compared on Fargate at ${size ? formatSize(size, 'GB') : 'no valid size'}; the EC2 instance cost is not estimated`,
      );
    } else if (size && (size.vcpu !== requested.vcpu || size.memoryMiB !== requested.memoryMiB)) {
      warnings.push(
        flat`task size ${formatSize(requested, 'GB')} is not a valid Fargate size: billed as ${formatSize(size, 'GB')}`,
      );
    }
    if (size)
      lines.push(
        flat`task size: ${formatSize(size, 'GB')}${windows ? ' (Windows)' : variant === 'arm' ? ' (ARM64)' : ''}`,
      );
  } else if (size) {
    lines.push(
      flat`task size: requests ${formatSize(requested, 'GB')} rounded up to the Fargate size ${formatSize(size, 'GB')}`,
    );
  }
  if (size === null)
    rejected = `${formatSize(requested, 'GB')} exceeds the largest Fargate size (16 vCPU / 120 GB)`;
  else if (spot && variant !== 'x86')
    rejected = `Fargate Spot for ${windows ? 'Windows' : 'ARM64'} tasks is not in the price catalog`;

  const ephemeralMiB = ephemeralRequestMiB(workload);
  const ephemeralGB = ephemeralMiB === null ? 0 : Math.ceil(ephemeralMiB / MIB_PER_GIB - 1e-9);
  const ephemeralExtraGB = Math.max(0, ephemeralGB - FARGATE_INCLUDED_EPHEMERAL_GB);
  if (ephemeralExtraGB > 0) lines.push(flat`ephemeral storage: ${ephemeralGB} GB, of which 20 GB included`);

  return {
    platform,
    size,
    requested,
    variant,
    spot,
    ephemeralExtraGB,
    noun: 'task',
    lines,
    warnings,
    rejected,
  };
}

/** ECS on Fargate, on-demand. */
export function estimateOnEcsFargate(
  workload: Workload,
  region: string,
  catalog: Catalog,
  opts: PlatformOptions,
): Estimate {
  return priceFargateBill(workload, region, catalog, opts, ecsFargateBill(workload, false));
}
