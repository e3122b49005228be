import type { PriceFamily } from '../catalog/catalog-types.js';
import { asRecord, str, type ParsedPrice, type ParseResult } from './parsed-price.js';

/** Usage-type prefixes and their regions (pricing reference §7, plus regionCode when the product states it). */
export const AWS_USAGE_PREFIXES: Readonly<Record<string, string>> = {
  USE1: 'us-east-1',
  USE2: 'us-east-2',
  USW1: 'us-west-1',
  USW2: 'us-west-2',
  EU: 'eu-west-1',
  EUW2: 'eu-west-2',
  EUW3: 'eu-west-3',
  EUC1: 'eu-central-1',
  APN1: 'ap-northeast-1',
  APN2: 'ap-northeast-2',
  APN3: 'ap-northeast-3',
  APS1: 'ap-southeast-1',
  APS2: 'ap-southeast-2',
  APS3: 'ap-south-1',
};

const OFFER_FAMILY: Readonly<Record<string, PriceFamily>> = {
  AmazonECS: 'fargate',
  AmazonEKS: 'eks',
  AWSAppRunner: 'app-runner',
};

/**
 * Usage types (after the region prefix) and the catalog items they fill. The Fargate Spot and Windows licence
 * names, and the EKS cluster-hour name, were not confirmed from a real file: they match the documented patterns.
 */
const USAGE_ITEMS: ReadonlyArray<{ family: PriceFamily; pattern: RegExp; item: string }> = [
  { family: 'fargate', pattern: /^Fargate-vCPU-Hours:perCPU$/i, item: 'x86-vcpu' },
  { family: 'fargate', pattern: /^Fargate-GB-Hours$/i, item: 'x86-gb' },
  { family: 'fargate', pattern: /^Fargate-ARM-vCPU-Hours:perCPU$/i, item: 'arm-vcpu' },
  { family: 'fargate', pattern: /^Fargate-ARM-GB-Hours$/i, item: 'arm-gb' },
  { family: 'fargate', pattern: /^Fargate-EphemeralStorage-GB-Hours$/i, item: 'ephemeral-gb' },
  { family: 'fargate', pattern: /^Fargate-Windows-vCPU-Hours:perCPU$/i, item: 'windows-vcpu' },
  { family: 'fargate', pattern: /^Fargate-Windows-GB-Hours$/i, item: 'windows-gb' },
  {
    family: 'fargate',
    pattern: /^Fargate-Windows-(OS|License)-Hours:perCPU$/i,
    item: 'windows-license-vcpu',
  },
  { family: 'fargate', pattern: /^SpotUsage:Fargate-vCPU-Hours:perCPU$/i, item: 'spot-vcpu' },
  { family: 'fargate', pattern: /^SpotUsage:Fargate-GB-Hours$/i, item: 'spot-gb' },
  { family: 'eks', pattern: /^AmazonEKS-Hours:perCluster$/i, item: 'cluster-standard' },
  { family: 'app-runner', pattern: /^AppRunner-vCPU-hours$/i, item: 'active-vcpu' },
  { family: 'app-runner', pattern: /^AppRunner-GB-hours$/i, item: 'active-gb' },
  { family: 'app-runner', pattern: /^AppRunner-Provisioned-GB-hours$/i, item: 'provisioned-gb' },
];

/** Splits `APN2-Fargate-GB-Hours` into its region and the rest; a type without a known prefix keeps its whole name. */
function splitUsageType(usageType: string): { region: string | null; rest: string } {
  const dash = usageType.indexOf('-');
  const prefix = dash > 0 ? usageType.slice(0, dash) : '';
  const region = AWS_USAGE_PREFIXES[prefix];
  return region ? { region, rest: usageType.slice(dash + 1) } : { region: null, rest: usageType };
}

/** The on-demand USD price of a SKU: its first price dimension starting at 0. */
function onDemandUSD(terms: Record<string, unknown> | null, sku: string): number | null {
  const offers = asRecord(asRecord(terms?.OnDemand)?.[sku]);
  for (const offer of Object.values(offers ?? {})) {
    const dimensions = Object.values(asRecord(asRecord(offer)?.priceDimensions) ?? {}).map(asRecord);
    const first =
      dimensions.find((d) => d && (d.beginRange === undefined || d.beginRange === '0')) ?? dimensions[0];
    const usd = Number(str(asRecord(first?.pricePerUnit)?.USD));
    if (str(asRecord(first?.pricePerUnit)?.USD) !== '' && Number.isFinite(usd)) return usd;
  }
  return null;
}

/**
 * Reads an AWS Price List bulk offer file (AmazonECS, AmazonEKS or AWSAppRunner; `products` + `terms.OnDemand`)
 * into catalog prices, matched by usage type; the region comes from `regionCode`, else the usage-type prefix.
 * `read` is the file's publicationDate, else `today`.
 */
export function parseAwsOffer(offer: unknown, today: string): ParseResult {
  const root = asRecord(offer);
  const offerCode = str(root?.offerCode);
  const family = OFFER_FAMILY[offerCode];
  if (!root || !family)
    return {
      prices: [],
      skipped: [`not an AmazonECS, AmazonEKS or AWSAppRunner offer file (offerCode "${offerCode}")`],
    };
  const read = /^\d{4}-\d{2}-\d{2}/.exec(str(root.publicationDate))?.[0] ?? today;
  const terms = asRecord(root.terms);
  const prices: ParsedPrice[] = [];
  const skipped: string[] = [];
  for (const [sku, product] of Object.entries(asRecord(root.products) ?? {})) {
    const attributes = asRecord(asRecord(product)?.attributes);
    const usageType = str(attributes?.usagetype);
    const { region: prefixRegion, rest } = splitUsageType(usageType);
    const match = USAGE_ITEMS.find((u) => u.family === family && u.pattern.test(rest));
    if (!match) continue;
    const region = str(attributes?.regionCode) || prefixRegion;
    const usd = onDemandUSD(terms, sku);
    if (!region || usd === null) {
      skipped.push(`${offerCode} ${usageType} (SKU ${sku}): ${region ? 'no on-demand price' : 'no region'}`);
      continue;
    }
    prices.push({
      family,
      region,
      item: match.item,
      usd,
      source: `AWS Price List ${offerCode} ${usageType} (SKU ${sku})`,
      read,
    });
  }
  return { prices, skipped };
}
