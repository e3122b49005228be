import { asRecord, str, type ParsedPrice, type ParseResult } from './parsed-price.js';
import { PRICE_SOURCES } from './sources.js';

const SPOT_UNITS: Readonly<Record<string, string>> = { 'vCPU-Hours': 'spot-vcpu', 'GB-Hours': 'spot-gb' };

/**
 * Reads the Fargate Spot feed (`fargate-spot-prices.json`): records with `attributes["aws:region"]`, `unit`
 * (`vCPU-Hours` / `GB-Hours`) and `price.USD`, under a `prices` array (or as a bare array). The feed carries no
 * date, so `read` is `today`.
 */
export function parseFargateSpotFeed(feed: unknown, today: string): ParseResult {
  const root = asRecord(feed);
  const records: unknown[] = Array.isArray(feed) ? feed : Array.isArray(root?.prices) ? root.prices : [];
  const prices: ParsedPrice[] = [];
  const skipped: string[] = [];
  if (records.length === 0) skipped.push('no price records in the Fargate Spot feed');
  for (const raw of records) {
    const record = asRecord(raw);
    const region = str(asRecord(record?.attributes)?.['aws:region']);
    const unit = str(record?.unit);
    const text = str(asRecord(record?.price)?.USD);
    const usd = Number(text);
    const item = SPOT_UNITS[unit];
    if (!region || !item || text === '' || !Number.isFinite(usd)) {
      skipped.push(`Fargate Spot record ${JSON.stringify(raw)}: no region, known unit or price`);
      continue;
    }
    prices.push({
      family: 'fargate',
      region,
      item,
      usd,
      source: `${PRICE_SOURCES.fargateSpotFeed} (${region} ${unit})`,
      read: today,
    });
  }
  return { prices, skipped };
}
