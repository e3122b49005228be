import type { Catalog } from '../catalog/catalog-types.js';
import { cloudOfRegion, unknownRegionError } from '../catalog/lookup.js';

/** The regions used when none is given. */
export const DEFAULT_REGIONS = { aws: 'us-east-1', gcp: 'us-central1' } as const;

/**
 * When one region is given, the other cloud is priced in its nearest counterpart (us-west-2 has no Google Cloud
 * region of its own in the catalog, so it maps to us-central1).
 */
export const COUNTERPART_REGIONS: Readonly<Record<string, string>> = {
  'us-east-1': 'us-central1',
  'us-west-2': 'us-central1',
  'eu-west-1': 'europe-west1',
  'ap-northeast-1': 'asia-northeast1',
  'ap-northeast-2': 'asia-northeast3',
  'us-central1': 'us-east-1',
  'europe-west1': 'eu-west-1',
  'asia-northeast1': 'ap-northeast-1',
  'asia-northeast3': 'ap-northeast-2',
};

/** The pair of regions a report prices in, and the sentence that says why. */
export interface ResolvedRegions {
  aws: string;
  gcp: string;
  requested: string | null;
  assumption: string;
}

/** The counterpart table as a sentence. */
export function describeCounterparts(): string {
  return 'us-east-1↔us-central1, us-west-2→us-central1, eu-west-1↔europe-west1, ap-northeast-1↔asia-northeast1, ap-northeast-2↔asia-northeast3';
}

/**
 * The AWS and Google Cloud regions for a run: the defaults, or the requested region for its own cloud and its
 * counterpart for the other. Throws one line naming the covered regions when the region is unknown.
 */
export function resolveRegions(catalog: Catalog, region?: string): ResolvedRegions {
  if (region === undefined || region === '') {
    return {
      ...DEFAULT_REGIONS,
      requested: null,
      assumption: `Regions: AWS ${DEFAULT_REGIONS.aws}, Google Cloud ${DEFAULT_REGIONS.gcp} (defaults); a Cloud Run spec's own location is used for its Cloud Run estimate.`,
    };
  }
  const cloud = cloudOfRegion(catalog, region);
  if (cloud === null) throw unknownRegionError(catalog, region);
  const other = cloud === 'aws' ? 'gcp' : 'aws';
  const counterpart = COUNTERPART_REGIONS[region] ?? DEFAULT_REGIONS[other];
  const regions = cloud === 'aws' ? { aws: region, gcp: counterpart } : { aws: counterpart, gcp: region };
  const otherName = other === 'aws' ? 'AWS' : 'Google Cloud';
  return {
    ...regions,
    requested: region,
    assumption: `Region ${region} requested; ${otherName} platforms priced in its counterpart ${counterpart} (${describeCounterparts()}).`,
  };
}
