import type { Catalog, PriceEntry } from '../catalog/catalog-types.js';
import { loadCatalog } from '../catalog/load-catalog.js';
import { parseAwsOffer } from './aws-offer.js';
import { parseFargateSpotFeed } from './fargate-spot-feed.js';
import { parseBillingCatalogSkus } from './gcp-skus.js';
import type { ParsedPrice } from './parsed-price.js';

/** What was fetched: any of the three kinds of source (JSON already parsed). */
export interface RefreshSources {
  /** AWS Price List offer files (AmazonECS, AmazonEKS, AWSAppRunner), one per service and region. */
  awsOffers?: unknown[];
  /** The Fargate Spot feed. */
  fargateSpot?: unknown;
  /** Billing Catalog SKU pages (Kubernetes Engine, Cloud Run). */
  gcpSkuPages?: unknown[];
}

/** The refreshed catalog and what changed, one line per change (plus what was skipped). */
export interface RefreshResult {
  catalog: Catalog;
  changes: string[];
}

function describe(entry: PriceEntry): string {
  return entry.usd === null ? entry.status : `$${entry.usd} (${entry.status})`;
}

/** The catalog keys a parsed price fills: Cloud Run regions map to their tier, `*` to every region of the family. */
function targets(catalog: Catalog, p: ParsedPrice): string[] {
  const byRegion = catalog.prices[p.family];
  if (p.region === '*') return Object.keys(byRegion);
  if (p.family === 'cloud-run' && !byRegion[p.region]) {
    const tier = catalog.cloudRunTiers.regions[p.region];
    return tier ? [tier] : [];
  }
  return byRegion[p.region] ? [p.region] : [];
}

/**
 * Merges prices read from the machine-readable sources into a catalog. Only entries the catalog already has are
 * updated (new regions and items are reported as skipped); each is set to the source's figure with
 * `status: "ok"`, the offer file or SKU as `source` and the publication date (or `today`) as `read`. When two
 * records fill the same entry with different figures (e.g. two regions of one Cloud Run tier), the first is kept and
 * the conflict reported. The catalog date becomes the newest `read`.
 */
export function refreshCatalog(
  current: Catalog,
  sources: RefreshSources,
  options: { today: string },
): RefreshResult {
  const { today } = options;
  const results = [
    ...(sources.awsOffers ?? []).map((offer) => parseAwsOffer(offer, today)),
    ...(sources.fargateSpot === undefined ? [] : [parseFargateSpotFeed(sources.fargateSpot, today)]),
    ...(sources.gcpSkuPages ? [parseBillingCatalogSkus(sources.gcpSkuPages, today)] : []),
  ];
  const next = structuredClone(current);
  const changes: string[] = [];
  const filled = new Map<string, ParsedPrice>();
  const notInCatalog = new Set<string>();
  for (const parsed of results.flatMap((r) => r.prices)) {
    const keys = targets(next, parsed);
    if (keys.length === 0 || !keys.every((k) => next.prices[parsed.family][k]?.[parsed.item])) {
      notInCatalog.add(`${parsed.family} ${parsed.region} ${parsed.item}`);
      continue;
    }
    for (const key of keys) {
      const id = `${parsed.family} ${key} ${parsed.item}`;
      const earlier = filled.get(id);
      if (earlier) {
        if (earlier.usd !== parsed.usd)
          changes.push(
            `conflict: ${id}: kept $${earlier.usd} (${earlier.source}), not $${parsed.usd} (${parsed.source})`,
          );
        continue;
      }
      filled.set(id, parsed);
      const old = next.prices[parsed.family][key]?.[parsed.item] as PriceEntry;
      const entry: PriceEntry = {
        usd: parsed.usd,
        unit: old.unit,
        status: 'ok',
        source: parsed.source,
        read: parsed.read,
        ...(parsed.note ? { note: parsed.note } : {}),
      };
      (next.prices[parsed.family][key] as Record<string, PriceEntry>)[parsed.item] = entry;
      if (old.usd !== entry.usd || old.status !== entry.status) {
        changes.push(`${id}: ${describe(old)} → ${describe(entry)} from ${entry.source}`);
      }
    }
  }
  if (notInCatalog.size > 0)
    changes.push(`skipped ${notInCatalog.size} price(s) for regions or items the catalog does not hold`);
  for (const skipped of results.flatMap((r) => r.skipped)) changes.push(`skipped: ${skipped}`);
  const reads = Object.values(next.prices).flatMap((byRegion) =>
    Object.values(byRegion).flatMap((items) => Object.values(items).map((e) => e.read)),
  );
  next.date = reads.reduce((newest, read) => (read > newest ? read : newest), '') || next.date;
  return { catalog: loadCatalog(next), changes };
}
