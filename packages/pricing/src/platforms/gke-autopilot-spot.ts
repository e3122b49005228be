import type { Catalog } from '../catalog/catalog-types.js';
import type { Estimate, Workload } from '../types.js';
import { priceOnAutopilot } from './gke-autopilot-pricing.js';
import type { PlatformOptions } from './platform-options.js';

/** GKE Autopilot Spot pods: the same sizing at Spot rates (which change at most once every 30 days). */
export function estimateOnGkeAutopilotSpot(
  workload: Workload,
  region: string,
  catalog: Catalog,
  opts: PlatformOptions,
): Estimate {
  return priceOnAutopilot(workload, region, catalog, opts, true);
}
