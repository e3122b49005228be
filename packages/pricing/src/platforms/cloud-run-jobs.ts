import type { Catalog } from '../catalog/catalog-types.js';
import type { Estimate, Workload } from '../types.js';
import { tierOf } from './cloud-run.js';
import { cloudRunInstanceShape } from './cloud-run-shape.js';
import { costPart, flat, sumParts } from './cost-line.js';
import { newFreeTierPool, takeFromPool } from './free-tier.js';
import { estimateOf, type PlatformOptions } from './platform-options.js';
import { rate, unconfirmedWarning } from './rates.js';
import { billedTime, formatCount } from './usage-time.js';
import { GPU_WARNING, hasGpu, MIB_PER_GIB } from './workload-facts.js';

/** Cloud Run rounds each task's billed time up to the next 100 ms. */
export const CLOUD_RUN_ROUND_SECONDS = 0.1;

/**
 * Cloud Run jobs (always instance-based): runs a month × tasks per run × seconds per task (rounded up to 100 ms)
 * × (vCPU × rate + GiB × rate), at the region tier's instance-based rates; the instance-based free tier only with
 * `freeTier`, at Tier 1 prices.
 */
export function estimateOnCloudRunJobs(
  workload: Workload,
  region: string,
  catalog: Catalog,
  opts: PlatformOptions,
): Estimate {
  const tier = tierOf(catalog, region);
  const shape = cloudRunInstanceShape(workload);
  const warnings = [...shape.warnings];
  const billed = { vcpu: shape.vcpu, memoryMiB: shape.memoryMiB };
  const unpriced = (why: readonly string[]): Estimate =>
    estimateOf('cloud-run-jobs', region, billed, null, null, shape.lines, why);
  if (hasGpu(workload)) return unpriced([...warnings, GPU_WARNING]);
  if (shape.rejected) return unpriced([...warnings, shape.rejected]);
  const cpuRate = rate(catalog, 'cloud-run', region, 'instance-vcpu', opts);
  const memoryRate = rate(catalog, 'cloud-run', region, 'instance-gib', opts);
  if (cpuRate === null || memoryRate === null) {
    const missing = [
      cpuRate === null ? 'instance-vcpu' : null,
      memoryRate === null ? 'instance-gib' : null,
    ].filter((x) => x !== null);
    warnings.push(unconfirmedWarning(`Cloud Run jobs (${tier})`, region, missing));
    return unpriced(warnings);
  }
  const time = billedTime(workload, 'task', 0, CLOUD_RUN_ROUND_SECONDS);
  const seconds = time.hours * 3600;
  const gib = shape.memoryMiB / MIB_PER_GIB;
  const parts = [
    costPart('vCPU', shape.vcpu, 'vCPU', cpuRate, 'vCPU-second', seconds, time.label),
    costPart('memory', gib, 'GiB', memoryRate, 'GiB-second', seconds, time.label),
  ];
  if (opts.freeTier) {
    const pool = opts.cloudRunFreeTier ?? newFreeTierPool(catalog);
    const tier1 = {
      cpu: rate(catalog, 'cloud-run', 'tier1', 'instance-vcpu', opts) ?? 0,
      memory: rate(catalog, 'cloud-run', 'tier1', 'instance-gib', opts) ?? 0,
    };
    const freeCpu = takeFromPool(pool, 'instanceVcpuSeconds', shape.vcpu * seconds);
    const freeMemory = takeFromPool(pool, 'instanceGibSeconds', gib * seconds);
    if (freeCpu > 0)
      parts.push({
        usd: -freeCpu * tier1.cpu,
        line: `free tier: −${formatCount(freeCpu)} vCPU-seconds at Tier 1 prices = −$${(freeCpu * tier1.cpu).toFixed(2)}`,
      });
    if (freeMemory > 0)
      parts.push({
        usd: -freeMemory * tier1.memory,
        line: `free tier: −${formatCount(freeMemory)} GiB-seconds at Tier 1 prices = −$${(freeMemory * tier1.memory).toFixed(2)}`,
      });
  }
  return estimateOf(
    'cloud-run-jobs',
    region,
    billed,
    sumParts(parts),
    null,
    [...shape.lines, flat`billing: instance-based (${tier})`, ...parts.map((p) => p.line)],
    warnings,
  );
}
