import type { Catalog } from '../catalog/catalog-types.js';
import type { Estimate, Workload } from '../types.js';
import { flat, formatQuantity, formatSize } from './cost-line.js';
import { requestedFargateSize } from './ecs-fargate.js';
import { FARGATE_INCLUDED_EPHEMERAL_GB, priceFargateBill, type FargateBill } from './fargate-pricing.js';
import { roundUpToFargateSize } from './fargate-sizes.js';
import type { PlatformOptions } from './platform-options.js';
import { ephemeralRequestMiB, isWindows, MIB_PER_GIB } from './workload-facts.js';

/** Memory EKS adds to every Fargate pod for kubelet, kube-proxy and containerd. */
export const EKS_FARGATE_OVERHEAD_MIB = 256;

/** The most ephemeral storage an EKS Fargate pod can request. */
export const EKS_FARGATE_MAX_EPHEMERAL_GIB = 175;

/**
 * Works out an EKS-on-Fargate bill by the EKS rule: the pod's requests (largest init container vs the sum of the
 * others, as `perReplica` holds them) + 256 MiB, rounded up to a Fargate size; nothing requested gives
 * 0.25 vCPU / 0.5 GB. Linux/x86 only. Requested ephemeral storage is provisioned as requests + 10% + 5 GiB.
 */
export function eksFargateBill(workload: Workload): FargateBill {
  const requested = requestedFargateSize(workload);
  const size = roundUpToFargateSize(requested.vcpu, requested.memoryMiB + EKS_FARGATE_OVERHEAD_MIB);
  const lines: string[] = [];
  const warnings: string[] = [];
  let rejected: string | null = null;
  if (size) {
    lines.push(
      flat`pod size: requests ${formatSize(requested, 'GB')} + 256 MiB for kubelet, kube-proxy and containerd, rounded up to ${formatSize(size, 'GB')}`,
    );
  } else {
    rejected = `${formatSize(requested, 'GB')} + 256 MiB exceeds the largest Fargate size (16 vCPU / 120 GB)`;
  }
  if (workload.kind === 'DaemonSet')
    rejected = 'EKS Fargate does not run DaemonSets (each Fargate pod is its own node)';
  if (isWindows(workload)) rejected = 'EKS pods on Fargate run Linux/x86 only';
  else if (workload.ecs?.cpuArchitecture === 'ARM64')
    warnings.push('EKS pods on Fargate run Linux/x86 only: priced at x86 rates');

  let ephemeralExtraGB = 0;
  const ephemeralMiB = ephemeralRequestMiB(workload);
  if (ephemeralMiB !== null && ephemeralMiB > 0) {
    const requestedGiB = ephemeralMiB / MIB_PER_GIB;
    if (requestedGiB > EKS_FARGATE_MAX_EPHEMERAL_GIB) {
      rejected = `ephemeral storage ${formatQuantity(requestedGiB)} GiB exceeds the EKS Fargate maximum of 175 GiB`;
    }
    const provisioned = Math.ceil(requestedGiB * 1.1 + 5 - 1e-9);
    ephemeralExtraGB = Math.max(0, provisioned - FARGATE_INCLUDED_EPHEMERAL_GB);
    lines.push(
      flat`ephemeral storage: ${formatQuantity(requestedGiB)} GiB requested + 10% + 5 GiB = ${provisioned} GB provisioned, 20 GB included`,
    );
  }
  return {
    platform: 'eks-fargate',
    size,
    requested,
    variant: 'x86',
    spot: false,
    ephemeralExtraGB,
    noun: 'pod',
    lines,
    warnings,
    rejected,
  };
}

/** EKS pods on Fargate (the cluster fee is added once per report, in the totals). */
export function estimateOnEksFargate(
  workload: Workload,
  region: string,
  catalog: Catalog,
  opts: PlatformOptions,
): Estimate {
  return priceFargateBill(workload, region, catalog, opts, eksFargateBill(workload));
}
