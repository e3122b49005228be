/**
 * The price catalog's data model: list prices kept as data, each with where and when it was read.
 * `data/catalog.json` is the stored instance; `loadCatalog` checks it against these types.
 */

/** How far a figure can be trusted: `ok` = stated on the official page; `secondary` = an official price file as quoted by others; `unconfirmed` = no figure (`usd: null`). */
export type PriceStatus = 'ok' | 'secondary' | 'unconfirmed';

/** The groups of prices the catalog holds; each belongs to one cloud. */
export type PriceFamily = 'fargate' | 'eks' | 'gke' | 'gke-autopilot' | 'cloud-run' | 'app-runner';

/** The two clouds Slipway prices. */
export type Cloud = 'aws' | 'gcp';

/** One list price. `usd` is `null` exactly when `status` is `unconfirmed`: the catalog never guesses. */
export interface PriceEntry {
  usd: number | null;
  /** What one `usd` buys, e.g. `vCPU-hour`, `GiB-second`, `million-requests`, `cluster-hour`. */
  unit: string;
  status: PriceStatus;
  /** A URL, or a price-file reference such as `AWS Price List AmazonECS APN2-Fargate-vCPU-Hours:perCPU`. */
  source: string;
  /** When the figure was read, `YYYY-MM-DD`. */
  read: string;
  note?: string;
}

/** A free allowance (an amount, not a price), e.g. Cloud Run's 180,000 free vCPU-seconds a month. */
export interface Allowance {
  amount: number;
  unit: string;
  status: Exclude<PriceStatus, 'unconfirmed'>;
  source: string;
  read: string;
  note?: string;
}

/** Cloud Run prices by tier; which tier a region is in is data too. */
export type CloudRunTier = 'tier1' | 'tier2';

/** The whole catalog. `prices[family][region][item]`; Cloud Run is keyed by tier instead of region. */
export interface Catalog {
  /** The newest `read` date among the entries, `YYYY-MM-DD`. */
  date: string;
  hoursPerMonth: 730;
  prices: Record<PriceFamily, Record<string, Record<string, PriceEntry>>>;
  cloudRunTiers: {
    status: Exclude<PriceStatus, 'unconfirmed'>;
    source: string;
    read: string;
    note?: string;
    regions: Record<string, CloudRunTier>;
  };
  allowances: Record<string, Record<string, Allowance>>;
}
