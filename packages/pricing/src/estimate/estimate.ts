import type { Catalog } from '../catalog/catalog-types.js';
import { loadCatalog } from '../catalog/load-catalog.js';
import { cloudRunTier, price } from '../catalog/lookup.js';
import { newFreeTierPool } from '../platforms/free-tier.js';
import type { PlatformOptions } from '../platforms/platform-options.js';
import {
  CLUSTER_FEES,
  ESTIMATORS,
  isPlatform,
  PLATFORM_CLOUD,
  PLATFORMS,
  platformsFor,
} from '../platforms/registry.js';
import { HOURS_PER_MONTH } from '../platforms/workload-facts.js';
import type {
  EstimateOptions,
  EstimateReport,
  ExtractResult,
  Platform,
  ReportWorkload,
  SpecError,
  Workload,
} from '../types.js';
import { buildAssumptions } from './assumptions.js';
import { resolveRegions, type ResolvedRegions } from './regions.js';
import { SharedValues } from './shared-values.js';

/** Throws one line for a platform name that is not one of Slipway's. */
function checkPlatforms(platforms: readonly string[] | undefined): void {
  for (const platform of platforms ?? []) {
    if (!isPlatform(platform))
      throw new Error(`unknown platform "${platform}": use one of ${PLATFORMS.join(', ')}`);
  }
}

function regionFor(
  platform: Platform,
  workload: Workload,
  regions: ResolvedRegions,
  catalog: Catalog,
  warnings: string[],
): string {
  if (PLATFORM_CLOUD[platform] === 'aws') return regions.aws;
  const own = workload.cloudRun?.region ?? null;
  if (
    (platform === 'cloud-run' || platform === 'cloud-run-jobs') &&
    regions.requested === null &&
    own !== null
  ) {
    if (cloudRunTier(catalog, own) !== null) return own;
    const warning = `Cloud Run location "${own}" is not in the price catalog: priced in ${regions.gcp}`;
    if (!warnings.includes(warning)) warnings.push(warning);
  }
  return regions.gcp;
}

function clusterFee(
  platform: Platform,
  regions: ResolvedRegions,
  catalog: Catalog,
  opts: EstimateOptions,
): number {
  const fee = CLUSTER_FEES[platform];
  if (!fee) return 0;
  const region = fee.family === 'eks' ? regions.aws : regions.gcp;
  const monthly = (price(catalog, fee.family, region, fee.item).usd ?? 0) * HOURS_PER_MONTH;
  if (fee.family !== 'gke' || !opts.freeTier) return monthly;
  const credit = price(catalog, 'gke', region, 'free-tier-credit').usd ?? 0;
  return Math.max(0, monthly - credit);
}

function totalsFor(
  reportWorkloads: ReportWorkload[],
  regions: ResolvedRegions,
  catalog: Catalog,
  opts: EstimateOptions,
): EstimateReport['totals'] {
  // One pass over every estimate, then one total per platform in the catalogue's platform order.
  const sums = new Map<Platform, { usd: number; priced: number; count: number; regions: Set<string> }>();
  for (const workload of reportWorkloads) {
    for (const e of workload.estimates) {
      let sum = sums.get(e.platform);
      if (sum === undefined)
        sums.set(e.platform, (sum = { usd: 0, priced: 0, count: 0, regions: new Set() }));
      sum.count++;
      sum.regions.add(e.region);
      if (e.monthlyUSD !== null) {
        sum.usd += e.monthlyUSD;
        sum.priced++;
      }
    }
  }
  const totals: EstimateReport['totals'] = [];
  for (const platform of PLATFORMS) {
    const sum = sums.get(platform);
    if (sum === undefined) continue;
    const fee = clusterFee(platform, regions, catalog, opts);
    totals.push({
      platform,
      region: [...sum.regions].join(', '),
      monthlyUSD: sum.priced > 0 ? sum.usd + fee : null,
      clusterFeeUSD: fee,
      unpriced: sum.count - sum.priced,
    });
  }
  return totals;
}

/** The platform with the lowest total among those that priced every workload of the report, else `null`. */
export function cheapestPlatform(report: Pick<EstimateReport, 'workloads' | 'totals'>): Platform | null {
  let best: { platform: Platform; usd: number } | null = null;
  for (const total of report.totals) {
    if (total.monthlyUSD === null || total.unpriced > 0) continue;
    const coversAll = report.workloads.every((w) => w.estimates.some((e) => e.platform === total.platform));
    if (!coversAll) continue;
    if (best === null || total.monthlyUSD < best.usd)
      best = { platform: total.platform, usd: total.monthlyUSD };
  }
  return best?.platform ?? null;
}

/**
 * Prices workloads on every platform that can run them (or those in `opts.platforms`) and adds them up per
 * platform, with cluster fees once per Kubernetes platform. Throws one line for an unknown region or platform.
 * Accepts extraction's result directly, so its spec errors travel into the report.
 */
export function estimate(
  input: Workload[] | Pick<ExtractResult, 'workloads' | 'errors'>,
  opts: EstimateOptions = {},
  catalog: Catalog = loadCatalog(),
): EstimateReport {
  const workloads = Array.isArray(input) ? input : input.workloads;
  const errors: SpecError[] = Array.isArray(input) ? [] : [...input.errors];
  checkPlatforms(opts.platforms);
  const regions = resolveRegions(catalog, opts.region);
  const unconfirmed = new Set<string>();
  const platformOptions: PlatformOptions = {
    ...opts,
    unconfirmed,
    ...(opts.freeTier ? { cloudRunFreeTier: newFreeTierPool(catalog) } : {}),
  };
  const used = new Set<Platform>();
  const shared = new SharedValues();
  const reportWorkloads = workloads.map((workload): ReportWorkload => {
    const warnings = [...workload.warnings];
    const selected = opts.platforms;
    const all = platformsFor(workload);
    const platforms = selected ? all.filter((p) => selected.includes(p)) : all;
    if (platforms.length === 0) warnings.push(`none of the selected platforms runs a ${workload.kind}`);
    const estimates = platforms.map((platform) => {
      used.add(platform);
      const region = regionFor(platform, workload, regions, catalog, warnings);
      const e = ESTIMATORS[platform](workload, region, catalog, platformOptions);
      e.billedPerReplica = shared.size(e.billedPerReplica);
      e.lines = shared.list(e.lines);
      e.warnings = shared.list(e.warnings);
      return e;
    });
    return {
      source: workload.source,
      kind: workload.kind,
      name: workload.name,
      namespace: workload.namespace,
      replicas: workload.replicas,
      perReplica: workload.perReplica,
      estimates,
      warnings,
    };
  });
  const totals = totalsFor(reportWorkloads, regions, catalog, opts);
  return {
    hoursPerMonth: HOURS_PER_MONTH,
    catalogDate: catalog.date,
    regions: { aws: regions.aws, gcp: regions.gcp },
    workloads: reportWorkloads,
    totals,
    cheapest: cheapestPlatform({ workloads: reportWorkloads, totals }),
    assumptions: buildAssumptions({
      catalog,
      opts,
      regionsAssumption: regions.assumption,
      regions,
      platforms: used,
      workloads,
      unconfirmed,
    }),
    errors,
  };
}
