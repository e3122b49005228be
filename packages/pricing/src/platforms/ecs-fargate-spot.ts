import type { Catalog } from '../catalog/catalog-types.js';
import type { Estimate, Workload } from '../types.js';
import { ecsFargateBill } from './ecs-fargate.js';
import { priceFargateBill } from './fargate-pricing.js';
import type { PlatformOptions } from './platform-options.js';

/**
 * ECS on Fargate Spot: the on-demand sizing at the region's Spot rates (Linux/x86 only). The catalog holds no
 * confirmed Spot figure until refresh-prices reads the live feed, so this is usually `null` with a warning.
 */
export function estimateOnEcsFargateSpot(
  workload: Workload,
  region: string,
  catalog: Catalog,
  opts: PlatformOptions,
): Estimate {
  return priceFargateBill(workload, region, catalog, opts, ecsFargateBill(workload, true));
}
