// @slipway/pricing: resource extraction (files → workloads) and pricing (workloads → estimates, reports,
// comments). Pure: no I/O, no clock.
export type * from './types.js';

export type {
  Allowance,
  Catalog,
  Cloud,
  CloudRunTier,
  PriceEntry,
  PriceFamily,
  PriceStatus,
} from './catalog/catalog-types.js';
export { loadCatalog, serializeCatalog, PRICE_FAMILIES } from './catalog/load-catalog.js';
export {
  allowance,
  cloudOfRegion,
  cloudRunTier,
  coveredRegions,
  FAMILY_CLOUD,
  isKnownRegion,
  price,
  unknownRegionError,
} from './catalog/lookup.js';

export type { FreeTierPool, PlatformEstimator, PlatformOptions } from './platforms/platform-options.js';
export {
  CLUSTER_FEES,
  ESTIMATORS,
  isPlatform,
  PLATFORM_CLOUD,
  PLATFORMS,
  platformsFor,
} from './platforms/registry.js';
export {
  FARGATE_SIZES,
  isFargateSize,
  roundUpToFargateSize,
  type FargateSize,
} from './platforms/fargate-sizes.js';
export { FARGATE_SPOT_WARNING } from './platforms/fargate-pricing.js';
export { APP_RUNNER_LEGACY_WARNING } from './platforms/app-runner.js';
export { estimateOnEcsFargate } from './platforms/ecs-fargate.js';
export { estimateOnEcsFargateSpot } from './platforms/ecs-fargate-spot.js';
export { estimateOnEksFargate } from './platforms/eks-fargate.js';
export { estimateOnGkeAutopilot } from './platforms/gke-autopilot.js';
export { estimateOnGkeAutopilotSpot } from './platforms/gke-autopilot-spot.js';
export { estimateOnCloudRun } from './platforms/cloud-run.js';
export { estimateOnCloudRunJobs } from './platforms/cloud-run-jobs.js';
export { estimateOnAppRunner } from './platforms/app-runner.js';

export { cheapestPlatform, estimate } from './estimate/estimate.js';
export {
  COUNTERPART_REGIONS,
  DEFAULT_REGIONS,
  resolveRegions,
  type ResolvedRegions,
} from './estimate/regions.js';

export {
  DEFAULT_KUBERNETES_PLATFORM,
  diffReports,
  primaryPlatformOf,
  type ChangeKind,
  type CostDiff,
  type DiffOptions,
  type MoneyChange,
  type PlatformDiff,
  type WorkloadDiff,
} from './report/cost-diff.js';

export { renderTable } from './render/table.js';
export { COMMENT_MARKER, renderMarkdownComment, type CommentOptions } from './render/markdown-comment.js';
export { formatPercent, formatSignedUSD, formatUSD } from './render/format.js';

export { PRICE_SOURCES, awsOfferUrl, awsRegionIndexUrl, gcpSkusUrl } from './refresh/sources.js';
export { parseAwsOffer } from './refresh/aws-offer.js';
export { parseFargateSpotFeed } from './refresh/fargate-spot-feed.js';
export { parseBillingCatalogSkus } from './refresh/gcp-skus.js';
export { refreshCatalog, type RefreshResult, type RefreshSources } from './refresh/refresh-catalog.js';
export type { ParsedPrice, ParseResult } from './refresh/parsed-price.js';

export * from './extract/index.js';
