import data from '../../data/catalog.json' with { type: 'json' };
import type { Allowance, Catalog, CloudRunTier, PriceEntry, PriceFamily } from './catalog-types.js';

/** Every family the catalog must carry, in display order. */
export const PRICE_FAMILIES: readonly PriceFamily[] = [
  'fargate',
  'eks',
  'app-runner',
  'gke',
  'gke-autopilot',
  'cloud-run',
];

const STATUSES = new Set(['ok', 'secondary', 'unconfirmed']);
const DATE = /^\d{4}-\d{2}-\d{2}$/;

function fail(path: string, expected: string): never {
  throw new Error(`invalid price catalog: ${path} must be ${expected}`);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function record(value: unknown, path: string): Record<string, unknown> {
  if (!isRecord(value)) fail(path, 'an object');
  return value;
}

function text(value: unknown, path: string): string {
  if (typeof value !== 'string' || value.length === 0) fail(path, 'a non-empty string');
  return value;
}

function date(value: unknown, path: string): string {
  if (typeof value !== 'string' || !DATE.test(value)) fail(path, 'a date YYYY-MM-DD');
  return value;
}

function optionalNote(value: unknown, path: string): { note?: string } {
  if (value === undefined) return {};
  return { note: text(value, path) };
}

function readEntry(value: unknown, path: string): PriceEntry {
  const raw = record(value, path);
  const status = raw.status;
  if (typeof status !== 'string' || !STATUSES.has(status))
    fail(`${path}.status`, 'ok, secondary or unconfirmed');
  const usd = raw.usd;
  if (usd === null) {
    // A missing figure must say so; a number marked unconfirmed would be a guess presented as a price.
    if (status !== 'unconfirmed') fail(`${path}.usd`, 'a number unless status is unconfirmed');
  } else if (typeof usd !== 'number' || !Number.isFinite(usd) || usd < 0) {
    fail(`${path}.usd`, 'a non-negative number or null');
  } else if (status === 'unconfirmed') {
    fail(`${path}.usd`, 'null when status is unconfirmed');
  }
  return {
    usd,
    unit: text(raw.unit, `${path}.unit`),
    status: status as PriceEntry['status'],
    source: text(raw.source, `${path}.source`),
    read: date(raw.read, `${path}.read`),
    ...optionalNote(raw.note, `${path}.note`),
  };
}

function readAllowance(value: unknown, path: string): Allowance {
  const raw = record(value, path);
  const amount = raw.amount;
  if (typeof amount !== 'number' || !Number.isFinite(amount) || amount < 0)
    fail(`${path}.amount`, 'a non-negative number');
  if (raw.status !== 'ok' && raw.status !== 'secondary') fail(`${path}.status`, 'ok or secondary');
  return {
    amount,
    unit: text(raw.unit, `${path}.unit`),
    status: raw.status,
    source: text(raw.source, `${path}.source`),
    read: date(raw.read, `${path}.read`),
    ...optionalNote(raw.note, `${path}.note`),
  };
}

function readTiers(value: unknown, path: string, prices: Catalog['prices']): Catalog['cloudRunTiers'] {
  const raw = record(value, path);
  if (raw.status !== 'ok' && raw.status !== 'secondary') fail(`${path}.status`, 'ok or secondary');
  const regions: Record<string, CloudRunTier> = {};
  for (const [region, tier] of Object.entries(record(raw.regions, `${path}.regions`))) {
    if (tier !== 'tier1' && tier !== 'tier2') fail(`${path}.regions.${region}`, 'tier1 or tier2');
    if (!prices['cloud-run'][tier]) fail(`prices.cloud-run.${tier}`, `present (region ${region} is in it)`);
    regions[region] = tier;
  }
  return {
    status: raw.status,
    source: text(raw.source, `${path}.source`),
    read: date(raw.read, `${path}.read`),
    ...optionalNote(raw.note, `${path}.note`),
    regions,
  };
}

/**
 * Checks a catalog's shape and returns it typed; with no argument, the catalog shipped in `data/catalog.json`.
 * Throws an Error naming the first bad path, e.g. `prices.fargate.us-east-1.x86-vcpu.usd`.
 */
export function loadCatalog(json: unknown = data): Catalog {
  const root = record(json, 'the catalog');
  const catalogDate = date(root.date, 'date');
  if (root.hoursPerMonth !== 730) fail('hoursPerMonth', '730');
  const rawPrices = record(root.prices, 'prices');
  const prices = {} as Catalog['prices'];
  for (const family of PRICE_FAMILIES) {
    const regions: Record<string, Record<string, PriceEntry>> = {};
    for (const [region, items] of Object.entries(record(rawPrices[family], `prices.${family}`))) {
      const entries: Record<string, PriceEntry> = {};
      for (const [item, entry] of Object.entries(record(items, `prices.${family}.${region}`))) {
        entries[item] = readEntry(entry, `prices.${family}.${region}.${item}`);
      }
      regions[region] = entries;
    }
    prices[family] = regions;
  }
  for (const family of Object.keys(rawPrices)) {
    if (!(PRICE_FAMILIES as readonly string[]).includes(family))
      fail(`prices.${family}`, `one of ${PRICE_FAMILIES.join(', ')}`);
  }
  const allowances: Catalog['allowances'] = {};
  for (const [family, items] of Object.entries(record(root.allowances, 'allowances'))) {
    allowances[family] = {};
    for (const [item, value] of Object.entries(record(items, `allowances.${family}`))) {
      allowances[family][item] = readAllowance(value, `allowances.${family}.${item}`);
    }
  }
  return {
    date: catalogDate,
    hoursPerMonth: 730,
    prices,
    cloudRunTiers: readTiers(root.cloudRunTiers, 'cloudRunTiers', prices),
    allowances,
  };
}

/** The catalog as the JSON text `data/catalog.json` holds (two-space indent, final newline), for `refresh-prices` to write. */
export function serializeCatalog(catalog: Catalog): string {
  return `${JSON.stringify(catalog, null, 2)}\n`;
}
