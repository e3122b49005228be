/**
 * `slipway refresh-prices`: rebuild the price catalog from the providers' machine-readable price files — the AWS
 * Price List offer files, the Fargate Spot feed and the Google Cloud Billing Catalog — downloaded with `fetch`,
 * or read from a directory of recorded files (`--from-dir`). Only prices the catalog already holds are updated;
 * every change is printed.
 */
import { existsSync } from 'node:fs';
import { readFile, readdir, rename, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import {
  PRICE_SOURCES,
  awsOfferUrl,
  coveredRegions,
  gcpSkusUrl,
  loadCatalog,
  refreshCatalog,
  serializeCatalog,
} from '@slipway/pricing';
import type { Catalog, RefreshSources } from '@slipway/pricing';
import { UsageError } from './args.js';
import type { RefreshPricesCommand } from './args.js';

/** What refresh-prices needs from its surroundings. */
export interface RefreshIo {
  stdout(text: string): void;
  stderr(text: string): void;
  cwd: string;
  /** Downloads; global `fetch` by default. */
  fetch?: typeof fetch;
  /** Today, `YYYY-MM-DD`: the `read` date of figures whose source carries none. */
  today?: string;
  /** An API key for the Billing Catalog (`SLIPWAY_GCP_API_KEY` or `GOOGLE_API_KEY`). */
  gcpApiKey?: string | undefined;
}

/** Where the catalog lives in a Slipway checkout, relative to the repository root. */
export const CATALOG_PATH = join('packages', 'pricing', 'data', 'catalog.json');

/** The catalog file of the Slipway checkout that contains `cwd`, if any. */
export function findCatalogFile(cwd: string): string | undefined {
  let dir = resolve(cwd);
  while (true) {
    const candidate = join(dir, CATALOG_PATH);
    if (existsSync(candidate)) return candidate;
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

/** Sorts recorded price files by their shape: AWS offer files, Billing Catalog SKU pages, the Fargate Spot feed. */
export function classifySources(
  documents: Array<{ file: string; json: unknown }>,
): RefreshSources & { unknown: string[] } {
  const out: Required<Pick<RefreshSources, 'awsOffers' | 'gcpSkuPages'>> &
    RefreshSources & { unknown: string[] } = {
    awsOffers: [],
    gcpSkuPages: [],
    unknown: [],
  };
  for (const { file, json } of documents) {
    const record =
      typeof json === 'object' && json !== null && !Array.isArray(json)
        ? (json as Record<string, unknown>)
        : undefined;
    if (record && typeof record.offerCode === 'string') out.awsOffers.push(json);
    else if (record && Array.isArray(record.skus)) out.gcpSkuPages.push(json);
    else if (Array.isArray(json) || (record && Array.isArray(record.prices))) out.fargateSpot = json;
    else out.unknown.push(file);
  }
  return out;
}

async function readRecorded(dir: string): Promise<Array<{ file: string; json: unknown }>> {
  let names: string[];
  try {
    names = (await readdir(dir, { recursive: true })).filter((n) => n.endsWith('.json')).sort();
  } catch {
    throw new UsageError(`--from-dir: cannot read directory ${dir}`);
  }
  if (names.length === 0) throw new UsageError(`--from-dir: no .json price files in ${dir}`);
  return Promise.all(
    names.map(async (name) => {
      const file = join(dir, name);
      try {
        return { file, json: JSON.parse(await readFile(file, 'utf8')) as unknown };
      } catch (e) {
        throw new Error(`${file}: not valid JSON (${e instanceof Error ? e.message : String(e)})`, {
          cause: e,
        });
      }
    }),
  );
}

async function getJson(fetcher: typeof fetch, url: string, label = url): Promise<unknown> {
  let response: Response;
  try {
    response = await fetcher(url, { headers: { accept: 'application/json' } });
  } catch (e) {
    const cause = e instanceof Error && e.cause instanceof Error ? `: ${e.cause.message}` : '';
    throw new Error(`could not fetch ${label} (${e instanceof Error ? e.message : String(e)}${cause})`, {
      cause: e,
    });
  }
  if (!response.ok) throw new Error(`could not fetch ${label}: HTTP ${response.status}`);
  return response.json();
}

/** Pages of one Billing Catalog service's SKUs. */
async function gcpPages(fetcher: typeof fetch, serviceId: string, key: string): Promise<unknown[]> {
  const pages: unknown[] = [];
  let token: string | undefined;
  do {
    const url = `${gcpSkusUrl(serviceId, token)}&key=${encodeURIComponent(key)}`;
    const page = await getJson(fetcher, url, gcpSkusUrl(serviceId, token));
    pages.push(page);
    const next = (page as { nextPageToken?: unknown }).nextPageToken;
    token = typeof next === 'string' && next !== '' ? next : undefined;
  } while (token !== undefined);
  return pages;
}

/** Downloads every source; the Billing Catalog only with an API key. */
async function download(catalog: Catalog, io: RefreshIo): Promise<RefreshSources> {
  const fetcher = io.fetch ?? fetch;
  const regions = coveredRegions(catalog, 'aws');
  const awsOffers: unknown[] = [];
  for (const service of PRICE_SOURCES.awsServices) {
    for (const region of regions) {
      io.stderr(`fetching ${awsOfferUrl(service, region)}\n`);
      awsOffers.push(await getJson(fetcher, awsOfferUrl(service, region)));
    }
  }
  io.stderr(`fetching ${PRICE_SOURCES.fargateSpotFeed}\n`);
  const fargateSpot = await getJson(fetcher, PRICE_SOURCES.fargateSpotFeed);
  const sources: RefreshSources = { awsOffers, fargateSpot };
  if (!io.gcpApiKey) {
    io.stderr('slipway: no SLIPWAY_GCP_API_KEY: Google Cloud prices are left as they are\n');
    return sources;
  }
  const services = (await getJson(
    fetcher,
    `${PRICE_SOURCES.gcpServices}?key=${encodeURIComponent(io.gcpApiKey)}`,
    PRICE_SOURCES.gcpServices,
  )) as { services?: Array<{ serviceId?: string; displayName?: string }> };
  const cloudRun = services.services?.find((s) => s.displayName === 'Cloud Run')?.serviceId;
  const ids = [PRICE_SOURCES.gcpServiceIds.kubernetesEngine, ...(cloudRun ? [cloudRun] : [])];
  const gcpSkuPages: unknown[] = [];
  for (const id of ids) gcpSkuPages.push(...(await gcpPages(fetcher, id, io.gcpApiKey)));
  return { ...sources, gcpSkuPages };
}

/** Runs `slipway refresh-prices` and resolves with the exit code. */
export async function runRefreshPrices(cmd: RefreshPricesCommand, io: RefreshIo): Promise<number> {
  const out = cmd.out !== undefined ? resolve(io.cwd, cmd.out) : findCatalogFile(io.cwd);
  if (out === undefined) {
    throw new UsageError(
      `not inside a Slipway checkout (no ${CATALOG_PATH} above ${io.cwd}): pass --out FILE`,
    );
  }
  const current = existsSync(out)
    ? loadCatalog(JSON.parse(await readFile(out, 'utf8')) as unknown)
    : loadCatalog();
  let sources: RefreshSources;
  if (cmd.fromDir !== undefined) {
    const classified = classifySources(await readRecorded(resolve(io.cwd, cmd.fromDir)));
    for (const file of classified.unknown)
      io.stderr(`slipway: ${file}: not a price file Slipway reads, skipped\n`);
    sources = classified;
  } else {
    sources = await download(current, io);
  }
  const today = io.today ?? new Date().toISOString().slice(0, 10);
  const { catalog, changes } = refreshCatalog(current, sources, { today });
  // Write beside the target, then rename: a reader never sees half a catalog.
  const temp = `${out}.${process.pid}.tmp`;
  await writeFile(temp, serializeCatalog(catalog));
  await rename(temp, out);
  io.stdout(
    [
      ...changes.map((c) => `- ${c}`),
      `${changes.length === 0 ? 'No price changed' : `${changes.length} line(s) above`}; catalog dated ${catalog.date} written to ${out}`,
      '',
    ].join('\n'),
  );
  return 0;
}
