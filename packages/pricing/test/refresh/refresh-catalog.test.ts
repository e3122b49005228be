import { readFileSync } from 'node:fs';
import { loadCatalog } from '../../src/catalog/load-catalog.js';
import { estimate } from '../../src/estimate/estimate.js';
import { refreshCatalog } from '../../src/refresh/refresh-catalog.js';
import { container, kube } from '../platforms/make-workload.js';

const fixture = (name: string): unknown =>
  JSON.parse(readFileSync(new URL(`../fixtures/refresh/${name}`, import.meta.url), 'utf8')) as unknown;
const TODAY = '2026-11-30';

describe('refreshCatalog', () => {
  const current = loadCatalog();
  const before = structuredClone(current);
  const { catalog, changes } = refreshCatalog(
    current,
    {
      awsOffers: [fixture('amazonecs-offer.json'), fixture('awsapprunner-offer.json')],
      fargateSpot: fixture('fargate-spot-prices.json'),
      gcpSkuPages: [fixture('billing-catalog-skus.json')],
    },
    { today: TODAY },
  );

  it('fills previously unconfirmed prices and records each change', () => {
    expect(current.prices.fargate['ap-northeast-2']?.['spot-vcpu']?.usd).toBeNull();
    expect(catalog.prices.fargate['ap-northeast-2']?.['spot-vcpu']).toEqual({
      usd: 0.0123,
      unit: 'vCPU-hour',
      status: 'ok',
      source: 'AWS Price List AmazonECS APN2-SpotUsage:Fargate-vCPU-Hours:perCPU (SKU TESTAPN2SPOT0008)',
      read: '2026-11-20',
    });
    expect(changes).toContain(
      'fargate ap-northeast-2 spot-vcpu: unconfirmed → $0.0123 (ok) from AWS Price List AmazonECS APN2-SpotUsage:Fargate-vCPU-Hours:perCPU (SKU TESTAPN2SPOT0008)',
    );
    expect(changes).toContain(
      'fargate us-east-1 spot-vcpu: unconfirmed → $0.01234 (ok) from https://dftu77xade0tc.cloudfront.net/fargate-spot-prices.json (us-east-1 vCPU-Hours)',
    );
    expect(changes).toContain(
      'app-runner ap-northeast-1 active-vcpu: unconfirmed → $0.081 (ok) from AWS Price List AWSAppRunner APN1-AppRunner-vCPU-hours (SKU TESTAPN1ARVC0004)',
    );
    expect(catalog.prices['gke-autopilot']['asia-northeast3']?.vcpu).toMatchObject({
      status: 'ok',
      read: TODAY,
    });
    expect(catalog.prices['gke-autopilot']['asia-northeast3']?.vcpu?.usd).toBeCloseTo(0.057, 12);
    expect(catalog.prices['cloud-run'].tier2?.['instance-vcpu']?.usd).toBeCloseTo(0.0000252, 12);
  });

  it('confirms a secondary figure that the source repeats, as a status change', () => {
    expect(catalog.prices.fargate['us-east-1']?.['x86-vcpu']).toMatchObject({
      usd: 0.04048,
      status: 'ok',
      read: '2026-11-20',
    });
    expect(changes).toContain(
      'fargate us-east-1 x86-vcpu: $0.04048 (secondary) → $0.04048 (ok) from AWS Price List AmazonECS USE1-Fargate-vCPU-Hours:perCPU (SKU TESTUSE1VCPU0001)',
    );
  });

  it('updates same-figure ok prices silently but refreshes their source and date', () => {
    expect(changes.some((c) => c.startsWith('app-runner us-east-1 active-vcpu'))).toBe(false);
    expect(catalog.prices['app-runner']['us-east-1']?.['active-vcpu']).toMatchObject({
      usd: 0.064,
      read: '2026-11-15',
    });
  });

  it('applies a global SKU to every region or tier of its family', () => {
    for (const region of ['us-central1', 'europe-west1', 'asia-northeast1', 'asia-northeast3']) {
      expect(catalog.prices.gke[region]?.cluster).toMatchObject({ status: 'ok', read: TODAY });
    }
    expect(catalog.prices['cloud-run'].tier1?.requests?.source).toBe(
      'Cloud Billing Catalog SKU TEST-0012-REQS "Requests"',
    );
    expect(catalog.prices['cloud-run'].tier2?.requests?.status).toBe('ok');
  });

  it('reports what it skipped', () => {
    expect(changes).toContain('skipped 1 price(s) for regions or items the catalog does not hold'); // eu-central-1 Spot
    expect(changes).toContain(
      'skipped: SKU TEST-0005-EW1M "Autopilot Pod Memory Requests (europe-west1)": unit "GBy.mo" not understood',
    );
  });

  it('dates the catalog by its newest read and leaves the input untouched', () => {
    expect(catalog.date).toBe(TODAY);
    expect(current).toEqual(before);
  });

  it('keeps the first figure on a conflict and says so', () => {
    const spot = (usd: string) => ({
      price: { USD: usd },
      unit: 'vCPU-Hours',
      attributes: { 'aws:region': 'us-east-1' },
    });
    const result = refreshCatalog(
      current,
      { fargateSpot: { prices: [spot('0.011'), spot('0.012')] } },
      { today: TODAY },
    );
    expect(result.catalog.prices.fargate['us-east-1']?.['spot-vcpu']?.usd).toBe(0.011);
    expect(result.changes).toContain(
      'conflict: fargate us-east-1 spot-vcpu: kept $0.011 (https://dftu77xade0tc.cloudfront.net/fargate-spot-prices.json (us-east-1 vCPU-Hours)), not $0.012 (https://dftu77xade0tc.cloudfront.net/fargate-spot-prices.json (us-east-1 vCPU-Hours))',
    );
  });

  it('lets estimates use the refreshed prices', () => {
    const web = kube({ containers: [container({ cpu: 0.5, memoryMiB: 1024 })] });
    // Autopilot Seoul (illustrative fixture figures): 0.5 × 0.057 + 1 × 0.0063 = 0.0348 × 730 = 25.404
    const seoul = estimate([web], { region: 'asia-northeast3', platforms: ['gke-autopilot'] }, catalog);
    expect(seoul.totals[0]?.monthlyUSD).toBeCloseTo(25.404 + 73, 9);
    // Fargate Spot us-east-1 (illustrative feed): 0.5 × 0.01234 + 1 × 0.00135 = 0.00752 × 730 = 5.4896
    const spot = estimate([web], { platforms: ['ecs-fargate-spot'] }, catalog);
    expect(spot.totals[0]?.monthlyUSD).toBeCloseTo(5.4896, 9);
  });
});
