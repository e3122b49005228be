import type { Catalog } from '../catalog/catalog-types.js';
import type { Estimate, Platform, Workload } from '../types.js';
import { costPart, formatQuantity, sumParts, type CostPart } from './cost-line.js';
import type { FargateSize } from './fargate-sizes.js';
import { estimateOf, type PlatformOptions } from './platform-options.js';
import { rate, unconfirmedWarning } from './rates.js';
import { billedTime } from './usage-time.js';
import { GPU_WARNING, hasGpu, MIB_PER_GIB } from './workload-facts.js';

/** Fargate bills Linux runs for at least one minute (Vantage's write-up of Fargate pricing). */
export const FARGATE_MINIMUM_SECONDS = 60;

/** Ephemeral storage included with every Fargate task or pod, in GB. */
export const FARGATE_INCLUDED_EPHEMERAL_GB = 20;

/** The exact warning of a Fargate Spot estimate without a confirmed price. */
export const FARGATE_SPOT_WARNING = 'Fargate Spot price unconfirmed: read the live feed (refresh-prices)';

/** What a Fargate platform rule worked out before pricing: the billed size and which rates apply. */
export interface FargateBill {
  platform: Extract<Platform, 'ecs-fargate' | 'ecs-fargate-spot' | 'eks-fargate'>;
  /** The billed size; `null` when no Fargate size fits (`requested` is reported instead). */
  size: FargateSize | null;
  requested: FargateSize;
  variant: 'x86' | 'arm' | 'windows';
  spot: boolean;
  /** Ephemeral storage billed above the included 20 GB, per task or pod. */
  ephemeralExtraGB: number;
  /** "task" or "pod", for the cost lines. */
  noun: string;
  lines: string[];
  warnings: string[];
  /** Why the workload cannot run here at all. */
  rejected: string | null;
}

function rateItems(bill: FargateBill): { cpu: string[]; memory: string } {
  if (bill.spot) return { cpu: ['spot-vcpu'], memory: 'spot-gb' };
  if (bill.variant === 'windows')
    return { cpu: ['windows-vcpu', 'windows-license-vcpu'], memory: 'windows-gb' };
  if (bill.variant === 'arm') return { cpu: ['arm-vcpu'], memory: 'arm-gb' };
  return { cpu: ['x86-vcpu'], memory: 'x86-gb' };
}

const CPU_LABELS: Record<string, string> = {
  'spot-vcpu': 'Spot vCPU',
  'windows-vcpu': 'Windows vCPU',
  'windows-license-vcpu': 'Windows OS licence',
  'arm-vcpu': 'ARM vCPU',
  'x86-vcpu': 'vCPU',
};

function nullEstimate(bill: FargateBill, region: string, warnings: string[]): Estimate {
  return estimateOf(bill.platform, region, bill.size ?? bill.requested, null, null, bill.lines, warnings);
}

/**
 * Prices a Fargate bill: replicas × 730 h × (vCPU × rate + GB × rate [+ GB above 20 × storage rate]), or, for batch,
 * runs × parallel tasks × max(60 s, duration). A missing compute price makes the estimate `null` with a warning;
 * a missing storage price leaves storage out, with a warning.
 */
export function priceFargateBill(
  workload: Workload,
  region: string,
  catalog: Catalog,
  opts: PlatformOptions,
  bill: FargateBill,
): Estimate {
  const warnings = [...bill.warnings];
  if (hasGpu(workload)) return nullEstimate(bill, region, [...warnings, GPU_WARNING]);
  if (bill.rejected !== null || bill.size === null) {
    return nullEstimate(bill, region, [...warnings, bill.rejected ?? 'no Fargate size fits this workload']);
  }
  const items = rateItems(bill);
  const cpuRates = items.cpu.map((item) => ({ item, usd: rate(catalog, 'fargate', region, item, opts) }));
  const memoryRate = rate(catalog, 'fargate', region, items.memory, opts);
  const missing = [
    ...cpuRates.filter((r) => r.usd === null).map((r) => r.item),
    ...(memoryRate === null ? [items.memory] : []),
  ];
  if (missing.length > 0) {
    const label = bill.spot ? null : bill.variant === 'windows' ? 'Fargate Windows' : 'Fargate';
    warnings.push(label === null ? FARGATE_SPOT_WARNING : unconfirmedWarning(label, region, missing));
    return nullEstimate(bill, region, warnings);
  }
  const vcpu = bill.size.vcpu;
  const gb = bill.size.memoryMiB / MIB_PER_GIB;
  const minimum = bill.variant === 'windows' ? 0 : FARGATE_MINIMUM_SECONDS;
  const time = billedTime(workload, bill.noun, minimum);
  let storageRate: number | null = null;
  if (bill.ephemeralExtraGB > 0) {
    storageRate = rate(catalog, 'fargate', region, 'ephemeral-gb', opts);
    if (storageRate === null) {
      warnings.push(
        `${unconfirmedWarning('Fargate ephemeral storage', region, ['ephemeral-gb'])}: ${formatQuantity(bill.ephemeralExtraGB)} GB above the included 20 GB left out`,
      );
    }
  }
  const partsFor = (hours: number, label: string): CostPart[] => {
    const parts = cpuRates.map((r) =>
      costPart(CPU_LABELS[r.item] ?? r.item, vcpu, 'vCPU', r.usd ?? 0, 'vCPU-hour', hours, label),
    );
    parts.push(costPart('memory', gb, 'GB', memoryRate ?? 0, 'GB-hour', hours, label));
    if (bill.ephemeralExtraGB > 0 && storageRate !== null) {
      parts.push(
        costPart(
          'ephemeral storage above 20 GB',
          bill.ephemeralExtraGB,
          'GB',
          storageRate,
          'GB-hour',
          hours,
          label,
        ),
      );
    }
    return parts;
  };
  const parts = partsFor(time.hours, time.label);
  const maxParts = time.max ? partsFor(time.max.hours, time.max.label) : null;
  return estimateOf(
    bill.platform,
    region,
    bill.size,
    sumParts(parts),
    maxParts ? sumParts(maxParts) : null,
    [...bill.lines, ...parts.map((p) => p.line)],
    warnings,
  );
}
