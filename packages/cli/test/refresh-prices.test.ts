import { readFile, readdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PRICE_SOURCES, awsOfferUrl, coveredRegions, loadCatalog } from '@slipway/pricing';
import { CATALOG_PATH, classifySources, findCatalogFile } from '../src/refresh-prices-command.js';
import { runIn } from './run-cli.js';
import { removeTemp, writeTempFiles } from './temp-files.js';

const REPO_ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '..', '..', '..');
const FIXTURES = join(REPO_ROOT, 'packages', 'pricing', 'test', 'fixtures', 'refresh');

async function fixture(name: string): Promise<unknown> {
  return JSON.parse(await readFile(join(FIXTURES, name), 'utf8')) as unknown;
}

/** The Fargate Spot vCPU price the recorded feed gives for us-east-1. */
async function recordedSpotVcpu(): Promise<number> {
  const feed = (await fixture('fargate-spot-prices.json')) as {
    prices: Array<{ unit: string; price: { USD: string }; attributes: Record<string, string> }>;
  };
  const record = feed.prices.find(
    (p) => p.unit === 'vCPU-Hours' && p.attributes['aws:region'] === 'us-east-1',
  );
  return Number(record!.price.USD);
}

let out: string;
beforeEach(async () => {
  out = await writeTempFiles({});
});
afterEach(() => removeTemp(out));

describe('slipway refresh-prices --from-dir', () => {
  it('rebuilds the catalog from recorded price files and lists what changed', async () => {
    const target = join(out, 'catalog.json');
    const run = await runIn(out, ['refresh-prices', '--from-dir', FIXTURES, '--out', target]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const written = loadCatalog(JSON.parse(await readFile(target, 'utf8')));
    const spot = await recordedSpotVcpu();
    expect(written.prices.fargate['us-east-1']?.['spot-vcpu']).toMatchObject({ usd: spot, status: 'ok' });
    expect(run.stdout).toContain(`- fargate us-east-1 spot-vcpu: unconfirmed → $${spot} (ok)`);
    expect(run.stdout).toMatch(
      new RegExp(`catalog dated ${written.date} written to ${target.replace(/[.]/g, '\\.')}\\n$`),
    );
    // Only the catalog is left behind: no temporary file.
    expect(await readdir(out)).toEqual(['catalog.json']);
  });

  it('refreshes an existing catalog file in place, starting from what it holds', async () => {
    const target = join(out, 'catalog.json');
    await runIn(out, ['refresh-prices', '--from-dir', FIXTURES, '--out', target]);
    const second = await runIn(out, ['refresh-prices', '--from-dir', FIXTURES, '--out', target]);
    expect(second.code).toBe(0);
    expect(second.stdout).not.toContain('spot-vcpu: unconfirmed');
  });

  it('names recorded files it does not recognise', async () => {
    const dir = await writeTempFiles({
      'spot.json': await readFile(join(FIXTURES, 'fargate-spot-prices.json'), 'utf8'),
      'other.json': '{"hello":1}',
    });
    try {
      const run = await runIn(out, ['refresh-prices', '--from-dir', dir, '--out', join(out, 'c.json')]);
      expect(run.code).toBe(0);
      expect(run.stderr).toBe(
        `slipway: ${join(dir, 'other.json')}: not a price file Slipway reads, skipped\n`,
      );
    } finally {
      await removeTemp(dir);
    }
  });

  it.each([
    [['--from-dir', 'does-not-exist'], /^slipway: --from-dir: cannot read directory /],
    [['--from-dir', '.'], /^slipway: --from-dir: no \.json price files in /],
  ])('%j exits 2 with one line', async (args, message) => {
    const run = await runIn(out, ['refresh-prices', ...args, '--out', join(out, 'c.json')]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
    expect(run.stderr.trimEnd().split('\n')).toHaveLength(1);
  });

  it('needs --out outside a Slipway checkout', async () => {
    const run = await runIn(out, ['refresh-prices', '--from-dir', FIXTURES]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^slipway: not inside a Slipway checkout .*: pass --out FILE\n$/);
  });
});

describe('slipway refresh-prices (download)', () => {
  const emptyEks = {
    offerCode: 'AmazonEKS',
    publicationDate: '2026-11-20T00:00:00Z',
    products: {},
    terms: {},
  };

  async function fakeFetch(requested: string[]): Promise<typeof fetch> {
    const byService: Record<string, unknown> = {
      AmazonECS: await fixture('amazonecs-offer.json'),
      AWSAppRunner: await fixture('awsapprunner-offer.json'),
      AmazonEKS: emptyEks,
    };
    const spot = await fixture('fargate-spot-prices.json');
    return (input) => {
      const url = String(input);
      requested.push(url);
      const service = /\/aws\/([^/]+)\/current\//.exec(url)?.[1];
      const body = url === PRICE_SOURCES.fargateSpotFeed ? spot : service ? byService[service] : undefined;
      return Promise.resolve(
        body === undefined ? new Response('not found', { status: 404 }) : Response.json(body),
      );
    };
  }

  it('fetches every AWS offer file of the catalog regions and the Spot feed, and skips Google without a key', async () => {
    const requested: string[] = [];
    const target = join(out, 'catalog.json');
    const run = await runIn(out, ['refresh-prices', '--out', target], {
      fetch: await fakeFetch(requested),
      today: '2026-11-30',
    });
    expect(run.code).toBe(0);
    const regions = coveredRegions(loadCatalog(), 'aws');
    const expected = PRICE_SOURCES.awsServices.flatMap((s) => regions.map((r) => awsOfferUrl(s, r)));
    expect(requested).toEqual([...expected, PRICE_SOURCES.fargateSpotFeed]);
    expect(run.stderr).toContain('no SLIPWAY_GCP_API_KEY: Google Cloud prices are left as they are');
    const written = loadCatalog(JSON.parse(await readFile(target, 'utf8')));
    expect(written.prices.fargate['us-east-1']?.['spot-vcpu']?.usd).toBe(await recordedSpotVcpu());
  });

  it('fails with one line, writing nothing, when a download fails', async () => {
    const failing: typeof fetch = () =>
      Promise.reject(new TypeError('fetch failed', { cause: new Error('getaddrinfo ENOTFOUND') }));
    const run = await runIn(out, ['refresh-prices', '--out', join(out, 'catalog.json')], { fetch: failing });
    expect(run.code).toBe(1);
    expect(run.stderr.trimEnd().split('\n').at(-1)).toMatch(
      /^slipway: could not fetch https:\/\/pricing\.us-east-1\.amazonaws\.com\/.* \(fetch failed: getaddrinfo ENOTFOUND\)$/,
    );
    expect(await readdir(out)).toEqual([]);
  });
});

describe('catalog location and recorded files', () => {
  it('finds the catalog of the checkout from any folder inside it', () => {
    expect(findCatalogFile(join(REPO_ROOT, 'packages', 'cli', 'src'))).toBe(join(REPO_ROOT, CATALOG_PATH));
  });

  it('sorts recorded files by shape', async () => {
    const docs = await Promise.all(
      ['amazonecs-offer.json', 'billing-catalog-skus.json', 'fargate-spot-prices.json'].map(async (f) => ({
        file: f,
        json: await fixture(f),
      })),
    );
    const sorted = classifySources([...docs, { file: 'x.json', json: { nope: true } }]);
    expect(sorted.awsOffers).toHaveLength(1);
    expect(sorted.gcpSkuPages).toHaveLength(1);
    expect(sorted.fargateSpot).toBe(docs[2]!.json);
    expect(sorted.unknown).toEqual(['x.json']);
  });
});
