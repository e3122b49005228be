import type { Catalog } from '../catalog/catalog-types.js';
import type { Estimate, Workload } from '../types.js';
import { priceOnAutopilot } from './gke-autopilot-pricing.js';
import type { PlatformOptions } from './platform-options.js';

/** GKE Autopilot, general-purpose, on-demand (the cluster fee is added once per report, in the totals). */
export function estimateOnGkeAutopilot(
  workload: Workload,
  region: string,
  catalog: Catalog,
  opts: PlatformOptions,
): Estimate {
  return priceOnAutopilot(workload, region, catalog, opts, false);
}
