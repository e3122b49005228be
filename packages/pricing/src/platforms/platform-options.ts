import type { Catalog } from '../catalog/catalog-types.js';
import type { Estimate, EstimateOptions, Workload } from '../types.js';

/**
 * What is left of Cloud Run's monthly free tier. It is per billing account, so one report shares one pool and
 * each workload consumes from it in order.
 */
export interface FreeTierPool {
  requestVcpuSeconds: number;
  requestGibSeconds: number;
  requests: number;
  instanceVcpuSeconds: number;
  instanceGibSeconds: number;
}

/** Options a platform rule reads: the run's options plus the report-wide state it shares. */
export interface PlatformOptions extends EstimateOptions {
  /** Collects `family region item` keys of the unconfirmed prices met, for the report's assumptions. */
  unconfirmed?: Set<string>;
  /** The report's Cloud Run free-tier pool (with `freeTier`); a fresh pool per call when absent. */
  cloudRunFreeTier?: FreeTierPool;
}

/** One platform's rule: the monthly cost of one workload in one region. */
export type PlatformEstimator = (
  workload: Workload,
  region: string,
  catalog: Catalog,
  opts: PlatformOptions,
) => Estimate;

/**
 * An estimate, with its fields in the report's order. Every platform builds its estimates here, so all of them
 * share one shape: the report reads them in one pass (one shape is much faster to read than eight), and they keep
 * their fields in the object rather than in a second store, as objects built by spreads do.
 */
export function estimateOf(
  platform: Estimate['platform'],
  region: string,
  billedPerReplica: Estimate['billedPerReplica'],
  monthlyUSD: number | null,
  monthlyUSDMax: number | null,
  lines: readonly string[],
  warnings: readonly string[],
): Estimate {
  return { platform, region, billedPerReplica, monthlyUSD, monthlyUSDMax, lines, warnings };
}
