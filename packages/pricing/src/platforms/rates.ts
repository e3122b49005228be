import type { Catalog, PriceFamily } from '../catalog/catalog-types.js';
import { flat } from './cost-line.js';
import { price } from '../catalog/lookup.js';
import type { PlatformOptions } from './platform-options.js';

/**
 * A price's figure, or `null` when the catalog marks it unconfirmed; an unconfirmed price is recorded in
 * `opts.unconfirmed` so the report can list every figure it could not use.
 */
export function rate(
  catalog: Catalog,
  family: PriceFamily,
  region: string,
  item: string,
  opts: PlatformOptions,
): number | null {
  const entry = price(catalog, family, region, item);
  if (entry.usd === null) opts.unconfirmed?.add(flat`${family} ${region} ${item}`);
  return entry.usd;
}

/** The warning for prices that stop an estimate: which ones, and how to settle them. */
export function unconfirmedWarning(label: string, region: string, items: string[]): string {
  const list = items.length === 1 ? (items[0] as string) : items.join(', ');
  return flat`${label} price unconfirmed in ${region} (${list}): not estimated; run refresh-prices`;
}
