import type { PriceFamily } from '../catalog/catalog-types.js';
import { asRecord, str, type ParsedPrice, type ParseResult } from './parsed-price.js';

/** What a SKU's price is per: a resource and a time, as its `usageUnit` says. */
interface UsageUnit {
  /** Multiply by this to get the price per GiB (memory) or per vCPU (CPU) or per request. */
  sizeFactor: number;
  time: 'hour' | 'second' | 'none';
}

/**
 * Reads a Billing Catalog `usageUnit` (`h`, `s`, `GiBy.h`, `GiBy.s`, `MiBy.h`, `count`…). Prices per mCPU are
 * recognised from `usageUnitDescription` or the unit mentioning mCPU / milli (the fixtures in the wild disagree on
 * which Autopilot uses, so both are read). `null` for a unit this parser does not convert.
 */
function readUsageUnit(expression: Record<string, unknown> | null): UsageUnit | null {
  const unit = str(expression?.usageUnit);
  const description = str(expression?.usageUnitDescription);
  const milli = /mcpu|milli/i.test(`${unit} ${description}`) ? 1000 : 1;
  const match = /^(?:(GiBy|MiBy)\.)?(h|s|mo)$/.exec(unit.replace(/^m?CPU\./i, ''));
  if (match) {
    if (match[2] === 'mo') return null;
    const size = match[1] === 'MiBy' ? 1024 : 1;
    return { sizeFactor: size * milli, time: match[2] === 'h' ? 'hour' : 'second' };
  }
  if (/^(count|\{?requests?\}?)$/i.test(unit)) return { sizeFactor: 1, time: 'none' };
  return null;
}

/** The first non-zero tier's unit price (`units + nanos / 1e9`): free tiers come first at 0. */
function firstPaidRate(expression: Record<string, unknown> | null): number | null {
  const tiers = (Array.isArray(expression?.tieredRates) ? expression.tieredRates : [])
    .map(asRecord)
    .filter((t): t is Record<string, unknown> => t !== null)
    .sort((a, b) => Number(a.startUsageAmount ?? 0) - Number(b.startUsageAmount ?? 0));
  for (const tier of tiers) {
    const unitPrice = asRecord(tier.unitPrice);
    const usd = Number(unitPrice?.units ?? 0) + Number(unitPrice?.nanos ?? 0) / 1e9;
    if (Number.isFinite(usd) && usd > 0) return usd;
  }
  return null;
}

/** SKU descriptions and the catalog items they fill; `time` is the time unit of the catalog item. */
const SKU_ITEMS: ReadonlyArray<{
  pattern: RegExp;
  family: PriceFamily;
  item: (m: RegExpExecArray) => string;
  region: (m: RegExpExecArray, serviceRegion: string) => string;
  time: 'hour' | 'second' | 'million';
}> = [
  {
    pattern: /^Autopilot (Spot )?Pod (mCPU|Memory|Ephemeral Storage) Requests \((.+)\)$/,
    family: 'gke-autopilot',
    item: (m) =>
      `${m[1] ? 'spot-' : ''}${m[2] === 'mCPU' ? 'vcpu' : m[2] === 'Memory' ? 'gib' : 'ephemeral-gib'}`,
    region: (m) => m[3] ?? '',
    time: 'hour',
  },
  {
    pattern: /^Autopilot Kubernetes Clusters$/,
    family: 'gke',
    item: () => 'cluster',
    region: (_m, serviceRegion) => (serviceRegion === '' || serviceRegion === 'global' ? '*' : serviceRegion),
    time: 'hour',
  },
  {
    pattern: /^Services (CPU|Memory)( Tier 2)? \(Request-based billing\)(?: in (.+))?$/,
    family: 'cloud-run',
    item: (m) => (m[1] === 'CPU' ? 'request-vcpu' : 'request-gib'),
    region: (m) => m[3] ?? (m[2] ? 'tier2' : 'tier1'),
    time: 'second',
  },
  {
    pattern: /^Services (CPU|Memory) \(Instance-based billing\) in (.+)$/,
    family: 'cloud-run',
    item: (m) => (m[1] === 'CPU' ? 'instance-vcpu' : 'instance-gib'),
    region: (m) => m[2] ?? '',
    time: 'second',
  },
  { pattern: /^Requests$/, family: 'cloud-run', item: () => 'requests', region: () => '*', time: 'million' },
];

/**
 * Reads pages of Google Cloud Billing Catalog SKUs (`{ skus: [...] }`) into catalog prices: Autopilot pod
 * requests (on-demand and Spot), the Autopilot cluster fee and Cloud Run's service prices, as Infracost and the
 * autopilot-cost-calculator name them. Commitment SKUs are skipped. Prices are converted to the catalog's units
 * (Autopilot per vCPU- or GiB-hour, Cloud Run per vCPU- or GiB-second, requests per million). `read` is `today`.
 */
export function parseBillingCatalogSkus(pages: unknown[], today: string): ParseResult {
  const prices: ParsedPrice[] = [];
  const skipped: string[] = [];
  for (const page of pages) {
    const skus = asRecord(page)?.skus;
    for (const raw of Array.isArray(skus) ? skus : []) {
      const sku = asRecord(raw);
      const description = str(sku?.description);
      const usageType = str(asRecord(sku?.category)?.usageType);
      const rule = SKU_ITEMS.map((r) => ({ r, m: r.pattern.exec(description) })).find((x) => x.m !== null);
      if (!rule || !rule.m) continue;
      if (usageType !== '' && usageType !== 'OnDemand' && usageType !== 'Preemptible') continue;
      const expression = asRecord(
        asRecord(Array.isArray(sku?.pricingInfo) ? sku.pricingInfo[0] : null)?.pricingExpression,
      );
      const unit = readUsageUnit(expression);
      const perUnit = firstPaidRate(expression);
      const id = str(sku?.skuId) || '?';
      if (unit === null || perUnit === null) {
        skipped.push(
          `SKU ${id} "${description}": ${unit === null ? `unit "${str(expression?.usageUnit)}" not understood` : 'no paid rate'}`,
        );
        continue;
      }
      const serviceRegions = Array.isArray(sku?.serviceRegions) ? sku.serviceRegions.map(str) : [];
      const region = rule.r.region(rule.m, serviceRegions[0] ?? '');
      let usd = perUnit * unit.sizeFactor;
      if (rule.r.time === 'hour' && unit.time === 'second') usd *= 3600;
      if (rule.r.time === 'second' && unit.time === 'hour') usd /= 3600;
      if (rule.r.time === 'million') usd *= 1_000_000;
      if ((rule.r.time === 'million') !== (unit.time === 'none')) {
        skipped.push(
          `SKU ${id} "${description}": unit "${str(expression?.usageUnit)}" does not fit ${rule.r.family}`,
        );
        continue;
      }
      const note =
        unit.sizeFactor !== 1
          ? `Converted from the SKU's unit "${str(expression?.usageUnit)}" (×${unit.sizeFactor}).`
          : undefined;
      prices.push({
        family: rule.r.family,
        region,
        item: rule.r.item(rule.m),
        usd,
        source: `Cloud Billing Catalog SKU ${id} "${description}"`,
        read: today,
        ...(note ? { note } : {}),
      });
    }
  }
  return { prices, skipped };
}
