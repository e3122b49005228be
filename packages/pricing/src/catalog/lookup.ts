import type { Allowance, Catalog, Cloud, CloudRunTier, PriceEntry, PriceFamily } from './catalog-types.js';

/** Which cloud each price family belongs to. */
export const FAMILY_CLOUD: Readonly<Record<PriceFamily, Cloud>> = {
  fargate: 'aws',
  eks: 'aws',
  'app-runner': 'aws',
  gke: 'gcp',
  'gke-autopilot': 'gcp',
  'cloud-run': 'gcp',
};

/**
 * The regions a cloud is priced in: every region that has an entry in one of its families. Cloud Run is keyed by
 * tier, so it adds no region here (its tier map covers more regions than the rest of the catalog).
 */
export function coveredRegions(catalog: Catalog, cloud: Cloud): string[] {
  const regions: string[] = [];
  for (const [family, byRegion] of Object.entries(catalog.prices) as Array<
    [PriceFamily, Catalog['prices'][PriceFamily]]
  >) {
    if (FAMILY_CLOUD[family] !== cloud || family === 'cloud-run') continue;
    for (const region of Object.keys(byRegion)) if (!regions.includes(region)) regions.push(region);
  }
  return regions;
}

/** Whether the catalog prices `region` for `cloud` (or, without a cloud, for either). */
export function isKnownRegion(catalog: Catalog, region: string, cloud?: Cloud): boolean {
  const clouds: Cloud[] = cloud ? [cloud] : ['aws', 'gcp'];
  return clouds.some((c) => coveredRegions(catalog, c).includes(region));
}

/** The cloud a covered region belongs to, or `null`. */
export function cloudOfRegion(catalog: Catalog, region: string): Cloud | null {
  if (isKnownRegion(catalog, region, 'aws')) return 'aws';
  if (isKnownRegion(catalog, region, 'gcp')) return 'gcp';
  return null;
}

/** Cloud Run's price tier for a region, or `null` when the tier map does not list it. */
export function cloudRunTier(catalog: Catalog, region: string): CloudRunTier | null {
  return catalog.cloudRunTiers.regions[region] ?? null;
}

/** The error for a region the catalog does not cover: one line listing the covered regions. */
export function unknownRegionError(catalog: Catalog, region: string, family?: PriceFamily): Error {
  const covered =
    family === 'cloud-run'
      ? Object.keys(catalog.cloudRunTiers.regions)
      : family
        ? Object.keys(catalog.prices[family])
        : [...coveredRegions(catalog, 'aws'), ...coveredRegions(catalog, 'gcp')];
  const where = family ? ` for ${family}` : '';
  return new Error(`unknown region "${region}"${where}: use one of ${covered.join(', ')}`);
}

/**
 * One price. Cloud Run accepts a region (mapped to its tier) or a tier key. Throws on a region the family does not
 * cover (listing the covered ones) and on an item the catalog lacks (a programming error, not user input).
 */
export function price(catalog: Catalog, family: PriceFamily, region: string, item: string): PriceEntry {
  const key =
    family === 'cloud-run' && !catalog.prices['cloud-run'][region] ? cloudRunTier(catalog, region) : region;
  const byItem = key === null ? undefined : catalog.prices[family][key];
  if (!byItem) throw unknownRegionError(catalog, region, family);
  const entry = byItem[item];
  if (!entry) throw new Error(`price catalog has no ${family} ${region} ${item}`);
  return entry;
}

/** A free allowance, e.g. `allowance(catalog, 'cloud-run', 'requests')`. */
export function allowance(catalog: Catalog, family: string, item: string): Allowance {
  const found = catalog.allowances[family]?.[item];
  if (!found) throw new Error(`price catalog has no ${family} allowance ${item}`);
  return found;
}
