import { readFileSync } from 'node:fs';
import { parseAwsOffer } from '../../src/refresh/aws-offer.js';
import { parseFargateSpotFeed } from '../../src/refresh/fargate-spot-feed.js';
import { parseBillingCatalogSkus } from '../../src/refresh/gcp-skus.js';
import { PRICE_SOURCES, awsOfferUrl, gcpSkusUrl } from '../../src/refresh/sources.js';

const fixture = (name: string): unknown =>
  JSON.parse(readFileSync(new URL(`../fixtures/refresh/${name}`, import.meta.url), 'utf8')) as unknown;
const TODAY = '2026-11-30';
const ecsSource = (usage: string, sku: string) => `AWS Price List AmazonECS ${usage} (SKU ${sku})`;

describe('parseAwsOffer', () => {
  it('reads the Fargate usage types of an AmazonECS offer file for two regions', () => {
    const { prices, skipped } = parseAwsOffer(fixture('amazonecs-offer.json'), TODAY);
    const read = '2026-11-20'; // the file's publicationDate
    expect(prices).toEqual([
      {
        family: 'fargate',
        region: 'us-east-1',
        item: 'x86-vcpu',
        usd: 0.04048,
        source: ecsSource('USE1-Fargate-vCPU-Hours:perCPU', 'TESTUSE1VCPU0001'),
        read,
      },
      {
        family: 'fargate',
        region: 'us-east-1',
        item: 'x86-gb',
        usd: 0.004445,
        source: ecsSource('USE1-Fargate-GB-Hours', 'TESTUSE1GBHR0002'),
        read,
      },
      {
        family: 'fargate',
        region: 'us-east-1',
        item: 'arm-vcpu',
        usd: 0.03238,
        source: ecsSource('USE1-Fargate-ARM-vCPU-Hours:perCPU', 'TESTUSE1ARMV0003'),
        read,
      },
      {
        family: 'fargate',
        region: 'ap-northeast-2',
        item: 'x86-vcpu',
        usd: 0.04656,
        source: ecsSource('APN2-Fargate-vCPU-Hours:perCPU', 'TESTAPN2VCPU0005'),
        read,
      },
      // no regionCode on this product: the APN2 prefix gives the region
      {
        family: 'fargate',
        region: 'ap-northeast-2',
        item: 'x86-gb',
        usd: 0.00511,
        source: ecsSource('APN2-Fargate-GB-Hours', 'TESTAPN2GBHR0006'),
        read,
      },
      {
        family: 'fargate',
        region: 'ap-northeast-2',
        item: 'ephemeral-gb',
        usd: 0.000123,
        source: ecsSource('APN2-Fargate-EphemeralStorage-GB-Hours', 'TESTAPN2EPHM0007'),
        read,
      },
      {
        family: 'fargate',
        region: 'ap-northeast-2',
        item: 'spot-vcpu',
        usd: 0.0123,
        source: ecsSource('APN2-SpotUsage:Fargate-vCPU-Hours:perCPU', 'TESTAPN2SPOT0008'),
        read,
      },
    ]);
    expect(skipped).toEqual([]);
  });

  it('reads an AWSAppRunner offer file', () => {
    const { prices } = parseAwsOffer(fixture('awsapprunner-offer.json'), TODAY);
    expect(prices.map((p) => [p.family, p.region, p.item, p.usd, p.read])).toEqual([
      ['app-runner', 'us-east-1', 'active-vcpu', 0.064, '2026-11-15'],
      ['app-runner', 'us-east-1', 'active-gb', 0.007, '2026-11-15'],
      ['app-runner', 'us-east-1', 'provisioned-gb', 0.007, '2026-11-15'],
      ['app-runner', 'ap-northeast-1', 'active-vcpu', 0.081, '2026-11-15'],
    ]);
    expect(prices[2]?.source).toBe(
      'AWS Price List AWSAppRunner USE1-AppRunner-Provisioned-GB-hours (SKU YYWUT3AQDJMRWWGA)',
    );
  });

  it('reads the EKS cluster fee and falls back to today without a publication date', () => {
    const offer = {
      offerCode: 'AmazonEKS',
      products: { S1: { sku: 'S1', attributes: { usagetype: 'EU-AmazonEKS-Hours:perCluster' } } },
      terms: {
        OnDemand: {
          S1: { 'S1.T': { priceDimensions: { 'S1.T.R': { pricePerUnit: { USD: '0.1000000000' } } } } },
        },
      },
    };
    expect(parseAwsOffer(offer, TODAY).prices).toEqual([
      {
        family: 'eks',
        region: 'eu-west-1',
        item: 'cluster-standard',
        usd: 0.1,
        source: 'AWS Price List AmazonEKS EU-AmazonEKS-Hours:perCluster (SKU S1)',
        read: TODAY,
      },
    ]);
  });

  it.each([
    [
      'another service',
      { offerCode: 'AmazonEC2', products: {} },
      'not an AmazonECS, AmazonEKS or AWSAppRunner offer file (offerCode "AmazonEC2")',
    ],
    ['not an object', 'nope', 'not an AmazonECS, AmazonEKS or AWSAppRunner offer file (offerCode "")'],
    [
      'a SKU without a price',
      {
        offerCode: 'AmazonECS',
        products: { S: { attributes: { usagetype: 'USE1-Fargate-GB-Hours' } } },
        terms: { OnDemand: {} },
      },
      'AmazonECS USE1-Fargate-GB-Hours (SKU S): no on-demand price',
    ],
  ])('skips %s, saying why', (_name, offer, reason) => {
    const result = parseAwsOffer(offer, TODAY);
    expect(result.prices).toEqual([]);
    expect(result.skipped).toEqual([reason]);
  });
});

describe('parseFargateSpotFeed', () => {
  it('reads vCPU and GB records per region, skipping what it does not know', () => {
    const { prices, skipped } = parseFargateSpotFeed(fixture('fargate-spot-prices.json'), TODAY);
    expect(prices.map((p) => [p.region, p.item, p.usd, p.read])).toEqual([
      ['us-east-1', 'spot-vcpu', 0.01234, TODAY],
      ['us-east-1', 'spot-gb', 0.00135, TODAY],
      ['eu-central-1', 'spot-vcpu', 0.013, TODAY],
    ]);
    expect(prices[0]?.source).toBe(
      'https://dftu77xade0tc.cloudfront.net/fargate-spot-prices.json (us-east-1 vCPU-Hours)',
    );
    expect(skipped).toHaveLength(1);
    expect(skipped[0]).toMatch(/^Fargate Spot record .*"Requests".*: no region, known unit or price$/);
  });

  it('accepts a bare array and reports an empty feed', () => {
    expect(
      parseFargateSpotFeed(
        [{ price: { USD: '0.01' }, unit: 'GB-Hours', attributes: { 'aws:region': 'us-west-2' } }],
        TODAY,
      ).prices,
    ).toHaveLength(1);
    expect(parseFargateSpotFeed({}, TODAY).skipped).toEqual(['no price records in the Fargate Spot feed']);
  });
});

describe('parseBillingCatalogSkus', () => {
  it('reads Autopilot and Cloud Run SKUs, converting units', () => {
    const { prices, skipped } = parseBillingCatalogSkus([fixture('billing-catalog-skus.json')], TODAY);
    expect(prices.map((p) => [p.family, p.region, p.item, p.usd])).toEqual([
      ['gke-autopilot', 'asia-northeast3', 'vcpu', expect.closeTo(0.057, 12)],
      ['gke-autopilot', 'asia-northeast3', 'gib', expect.closeTo(0.0063, 12)],
      // 0.000049 per mCPU-hour × 1000 = 0.049 per vCPU-hour
      ['gke-autopilot', 'europe-west1', 'vcpu', expect.closeTo(0.049, 12)],
      ['gke-autopilot', 'us-central1', 'ephemeral-gib', expect.closeTo(0.0000548, 12)],
      ['gke-autopilot', 'asia-northeast3', 'spot-vcpu', expect.closeTo(0.017, 12)],
      ['gke', '*', 'cluster', expect.closeTo(0.1, 12)],
      // the first paid tier (the free tier comes first at 0)
      ['cloud-run', 'asia-northeast3', 'instance-vcpu', expect.closeTo(0.0000252, 12)],
      ['cloud-run', 'asia-northeast3', 'instance-gib', expect.closeTo(0.0000028, 12)],
      ['cloud-run', 'tier2', 'request-vcpu', expect.closeTo(0.0000336, 12)],
      // $0.0000004 per request = $0.40 per million, from the tier that starts at 2,000,000
      ['cloud-run', '*', 'requests', expect.closeTo(0.4, 12)],
    ]);
    expect(prices[2]?.note).toBe('Converted from the SKU\'s unit "mCPU.h" (×1000).');
    expect(prices[0]?.source).toBe(
      'Cloud Billing Catalog SKU TEST-0001-A3CP "Autopilot Pod mCPU Requests (asia-northeast3)"',
    );
    expect(prices.every((p) => p.read === TODAY)).toBe(true);
    expect(skipped).toEqual([
      'SKU TEST-0005-EW1M "Autopilot Pod Memory Requests (europe-west1)": unit "GBy.mo" not understood',
    ]);
  });

  it('converts per-hour Cloud Run prices to per-second and MiB prices to GiB', () => {
    const sku = (description: string, usageUnit: string, nanos: number) => ({
      skuId: 'X',
      description,
      category: { usageType: 'OnDemand' },
      pricingInfo: [
        {
          pricingExpression: {
            usageUnit,
            tieredRates: [{ startUsageAmount: 0, unitPrice: { units: '0', nanos } }],
          },
        },
      ],
    });
    const { prices } = parseBillingCatalogSkus(
      [
        {
          skus: [
            sku('Services CPU (Instance-based billing) in us-central1', 'h', 64800000),
            sku('Autopilot Pod Memory Requests (asia-northeast1)', 'MiBy.h', 5000),
          ],
        },
      ],
      TODAY,
    );
    expect(prices.map((p) => p.usd)).toEqual([expect.closeTo(0.000018, 12), expect.closeTo(0.00512, 12)]); // 0.0648 / 3600; 0.000005 × 1024
  });
});

describe('PRICE_SOURCES', () => {
  it('names the machine-readable sources of the reference', () => {
    expect(PRICE_SOURCES.awsOfferIndex).toBe(
      'https://pricing.us-east-1.amazonaws.com/offers/v1.0/aws/index.json',
    );
    expect(PRICE_SOURCES.fargateSpotFeed).toBe(
      'https://dftu77xade0tc.cloudfront.net/fargate-spot-prices.json',
    );
    expect(PRICE_SOURCES.gcpServiceIds.kubernetesEngine).toBe('CCD8-9BF1-090E');
    expect(awsOfferUrl('AmazonECS', 'ap-northeast-2')).toBe(
      'https://pricing.us-east-1.amazonaws.com/offers/v1.0/aws/AmazonECS/current/ap-northeast-2/index.json',
    );
    expect(gcpSkusUrl('CCD8-9BF1-090E', 'a b')).toBe(
      'https://cloudbilling.googleapis.com/v1/services/CCD8-9BF1-090E/skus?currencyCode=USD&pageToken=a%20b',
    );
  });
});
