import type { PriceFamily } from '../catalog/catalog-types.js';

/**
 * A price read from a machine-readable source, already in the catalog's unit for its item. `region` is a region;
 * for Cloud Run it may also be a tier key (`tier1`, `tier2`); `*` means every region of the family.
 */
export interface ParsedPrice {
  family: PriceFamily;
  region: string;
  item: string;
  usd: number;
  source: string;
  read: string;
  note?: string;
}

/** What a parser returns: the prices it understood, and the records it skipped with the reason. */
export interface ParseResult {
  prices: ParsedPrice[];
  skipped: string[];
}

/** Narrow an unknown to a plain object. */
export function asRecord(value: unknown): Record<string, unknown> | null {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : null;
}

/** A string field, or `''`. */
export function str(value: unknown): string {
  return typeof value === 'string' ? value : '';
}
