import type { Catalog } from '../catalog/catalog-types.js';
import type { Estimate, Workload } from '../types.js';
import { autopilotPodShape } from './autopilot-shape.js';
import { costPart, flat, formatQuantity, sumParts, type CostPart } from './cost-line.js';
import { estimateOf, type PlatformOptions } from './platform-options.js';
import { rate, unconfirmedWarning } from './rates.js';
import { billedTime } from './usage-time.js';
import { GPU_WARNING, hasGpu, MIB_PER_GIB } from './workload-facts.js';

/**
 * Prices a pod on GKE Autopilot (general-purpose, on-demand or Spot): replicas × 730 h × (vCPU × rate + GiB × rate
 * + ephemeral GiB × rate), per second with no minimum for batch. A missing compute price makes the estimate `null`;
 * a missing ephemeral-storage price leaves storage out with a warning.
 */
export function priceOnAutopilot(
  workload: Workload,
  region: string,
  catalog: Catalog,
  opts: PlatformOptions,
  spot: boolean,
): Estimate {
  const platform = spot ? 'gke-autopilot-spot' : 'gke-autopilot';
  const label = spot ? 'GKE Autopilot Spot' : 'GKE Autopilot';
  const shape = autopilotPodShape(workload);
  const billedPerReplica = { vcpu: shape.vcpu, memoryMiB: shape.memoryMiB };
  const result = (
    monthlyUSD: number | null,
    monthlyUSDMax: number | null,
    lines: string[],
    warnings: string[],
  ): Estimate => estimateOf(platform, region, billedPerReplica, monthlyUSD, monthlyUSDMax, lines, warnings);
  const warnings: string[] = [];
  if (hasGpu(workload)) return result(null, null, shape.lines, [...warnings, GPU_WARNING]);
  if (shape.rejected) return result(null, null, shape.lines, [...warnings, shape.rejected]);

  const items = spot ? ['spot-vcpu', 'spot-gib'] : ['vcpu', 'gib'];
  const [cpuRate, memoryRate] = items.map((item) => rate(catalog, 'gke-autopilot', region, item, opts));
  if (cpuRate === null || memoryRate === null || cpuRate === undefined || memoryRate === undefined) {
    const missing = items.filter((_, i) => [cpuRate, memoryRate][i] === null);
    return result(null, null, shape.lines, [...warnings, unconfirmedWarning(label, region, missing)]);
  }
  const storageItem = spot ? 'spot-ephemeral-gib' : 'ephemeral-gib';
  const storageRate =
    shape.ephemeralMiB > 0 ? rate(catalog, 'gke-autopilot', region, storageItem, opts) : null;
  const ephemeralGiB = shape.ephemeralMiB / MIB_PER_GIB;
  if (shape.ephemeralMiB > 0 && storageRate === null) {
    warnings.push(
      flat`${unconfirmedWarning(flat`${label} ephemeral storage`, region, [storageItem])}: ${formatQuantity(ephemeralGiB)} GiB per pod left out`,
    );
  }
  const time = billedTime(workload, 'pod');
  const partsFor = (hours: number, timeLabel: string): CostPart[] => {
    const parts = [
      costPart('vCPU', shape.vcpu, 'vCPU', cpuRate, 'vCPU-hour', hours, timeLabel),
      costPart('memory', shape.memoryMiB / MIB_PER_GIB, 'GiB', memoryRate, 'GiB-hour', hours, timeLabel),
    ];
    if (storageRate !== null)
      parts.push(
        costPart('ephemeral storage', ephemeralGiB, 'GiB', storageRate, 'GiB-hour', hours, timeLabel),
      );
    return parts;
  };
  const parts = partsFor(time.hours, time.label);
  const maxParts = time.max ? partsFor(time.max.hours, time.max.label) : null;
  return result(
    sumParts(parts),
    maxParts ? sumParts(maxParts) : null,
    [...shape.lines, ...parts.map((p) => p.line)],
    warnings,
  );
}
