import { readFileSync } from 'node:fs';
import { loadCatalog, serializeCatalog } from '../../src/catalog/load-catalog.js';
import type { PriceEntry } from '../../src/catalog/catalog-types.js';

const raw = (): Record<string, unknown> =>
  JSON.parse(readFileSync(new URL('../../data/catalog.json', import.meta.url), 'utf8')) as Record<
    string,
    unknown
  >;

function allEntries(): Array<[string, PriceEntry]> {
  const catalog = loadCatalog();
  return Object.entries(catalog.prices).flatMap(([family, byRegion]) =>
    Object.entries(byRegion).flatMap(([region, items]) =>
      Object.entries(items).map(([item, entry]): [string, PriceEntry] => [
        `${family} ${region} ${item}`,
        entry,
      ]),
    ),
  );
}

describe('loadCatalog (the shipped data/catalog.json)', () => {
  it('reads the shipped catalog: 730 h, dated by its newest read', () => {
    const catalog = loadCatalog();
    expect(catalog.hoursPerMonth).toBe(730);
    const newest = allEntries()
      .map(([, e]) => e.read)
      .sort()
      .at(-1);
    expect(catalog.date).toBe(newest);
    expect(catalog.date).toBe('2026-10-02');
  });

  it('never holds a number for an unconfirmed price, nor null for a confirmed one', () => {
    for (const [key, entry] of allEntries()) {
      expect([key, entry.usd === null]).toEqual([key, entry.status === 'unconfirmed']);
      expect([key, entry.source.length > 0 && /^\d{4}-\d{2}-\d{2}$/.test(entry.read)]).toEqual([key, true]);
    }
  });

  it.each([
    ['fargate', 'us-east-1', 'x86-vcpu', 0.04048, 'vCPU-hour'],
    ['fargate', 'us-east-1', 'x86-gb', 0.004445, 'GB-hour'],
    ['fargate', 'ap-northeast-2', 'x86-vcpu', 0.04656, 'vCPU-hour'],
    ['fargate', 'ap-northeast-2', 'x86-gb', 0.00511, 'GB-hour'],
    ['fargate', 'ap-northeast-2', 'arm-vcpu', 0.03725, 'vCPU-hour'],
    ['fargate', 'ap-northeast-1', 'x86-vcpu', 0.05056, 'vCPU-hour'],
    ['fargate', 'ap-northeast-1', 'ephemeral-gb', 0.000133, 'GB-hour'],
    ['fargate', 'eu-west-1', 'arm-gb', 0.00356, 'GB-hour'],
    ['fargate', 'us-east-1', 'windows-license-vcpu', 0.046, 'vCPU-hour'],
    ['eks', 'ap-northeast-2', 'cluster-standard', 0.1, 'cluster-hour'],
    ['eks', 'us-east-1', 'cluster-extended', 0.6, 'cluster-hour'],
    ['gke', 'asia-northeast3', 'free-tier-credit', 74.4, 'billing-account-month'],
    ['gke-autopilot', 'us-central1', 'gib', 0.0049225, 'GiB-hour'],
    ['gke-autopilot', 'us-central1', 'spot-vcpu', 0.0133, 'vCPU-hour'],
    ['cloud-run', 'tier1', 'request-vcpu', 0.000024, 'vCPU-second'],
    ['cloud-run', 'tier2', 'request-gib', 0.0000035, 'GiB-second'],
    ['cloud-run', 'tier1', 'instance-vcpu', 0.000018, 'vCPU-second'],
    ['cloud-run', 'tier1', 'requests', 0.4, 'million-requests'],
    ['app-runner', 'us-east-1', 'active-vcpu', 0.064, 'vCPU-hour'],
    ['app-runner', 'ap-northeast-1', 'provisioned-gb', 0.009, 'GB-hour'],
  ] as const)('holds %s %s %s = %f per %s', (family, region, item, usd, unit) => {
    const entry = loadCatalog().prices[family][region]?.[item];
    expect(entry?.usd).toBe(usd);
    expect(entry?.unit).toBe(unit);
  });

  it.each([
    ['fargate', 'us-west-2', 'x86-vcpu'],
    ['fargate', 'us-east-1', 'spot-vcpu'],
    ['fargate', 'ap-northeast-2', 'spot-gb'],
    ['fargate', 'ap-northeast-2', 'ephemeral-gb'],
    ['fargate', 'eu-west-1', 'windows-vcpu'],
    ['gke-autopilot', 'us-central1', 'ephemeral-gib'],
    ['gke-autopilot', 'europe-west1', 'vcpu'],
    ['gke-autopilot', 'asia-northeast1', 'gib'],
    ['gke-autopilot', 'asia-northeast3', 'vcpu'],
    ['cloud-run', 'tier2', 'instance-vcpu'],
    ['cloud-run', 'tier2', 'instance-gib'],
    ['app-runner', 'ap-northeast-2', 'active-vcpu'],
    ['app-runner', 'ap-northeast-1', 'active-vcpu'],
  ] as const)('marks %s %s %s unconfirmed, with no figure and a note', (family, region, item) => {
    const entry = loadCatalog().prices[family][region]?.[item];
    expect(entry).toMatchObject({ usd: null, status: 'unconfirmed' });
    expect(entry?.note).toEqual(expect.any(String));
  });

  it('keeps the seed Seoul correction and the App Runner Seoul caveat in the notes', () => {
    const catalog = loadCatalog();
    expect(catalog.prices.fargate['ap-northeast-2']?.['x86-vcpu']?.source).toBe(
      'AWS Price List AmazonECS APN2-Fargate-vCPU-Hours:perCPU',
    );
    expect(catalog.prices['app-runner']['ap-northeast-2']?.['active-vcpu']?.note).toMatch(
      /probably not offered in Seoul/,
    );
    expect(catalog.prices.fargate['ap-northeast-1']?.['x86-vcpu']?.read).toBe('2026-09-06');
    expect(catalog.prices['app-runner']['us-east-1']?.['provisioned-gb']?.read).toBe('2026-06-27');
  });

  it('holds Cloud Run tier membership as data', () => {
    const tiers = loadCatalog().cloudRunTiers.regions;
    expect([
      tiers['us-central1'],
      tiers['europe-west1'],
      tiers['asia-northeast1'],
      tiers['asia-northeast3'],
    ]).toEqual(['tier1', 'tier1', 'tier1', 'tier2']);
  });

  it('holds the Cloud Run free tier as allowances', () => {
    const free = loadCatalog().allowances['cloud-run'];
    expect(free?.['request-vcpu-seconds']?.amount).toBe(180000);
    expect(free?.['request-gib-seconds']?.amount).toBe(360000);
    expect(free?.requests?.amount).toBe(2000000);
    expect(free?.['instance-vcpu-seconds']?.amount).toBe(240000);
    expect(free?.['instance-gib-seconds']?.amount).toBe(450000);
  });

  it('round-trips through serializeCatalog', () => {
    const catalog = loadCatalog();
    expect(loadCatalog(JSON.parse(serializeCatalog(catalog)))).toEqual(catalog);
    expect(serializeCatalog(catalog).endsWith('}\n')).toBe(true);
  });
});

describe('loadCatalog (invalid catalogs)', () => {
  type Mutate = (c: any) => void; // eslint-disable-line @typescript-eslint/no-explicit-any
  it.each<[string, Mutate, string]>([
    ['a non-object', () => undefined, 'invalid price catalog: the catalog must be an object'],
    ['a bad date', (c) => (c.date = '2026-1-2'), 'invalid price catalog: date must be a date YYYY-MM-DD'],
    ['a 720-hour month', (c) => (c.hoursPerMonth = 720), 'invalid price catalog: hoursPerMonth must be 730'],
    ['a missing family', (c) => delete c.prices.eks, 'invalid price catalog: prices.eks must be an object'],
    [
      'an unknown family',
      (c) => (c.prices.lambda = {}),
      'invalid price catalog: prices.lambda must be one of fargate, eks, app-runner, gke, gke-autopilot, cloud-run',
    ],
    [
      'a price as text',
      (c) => (c.prices.fargate['us-east-1']['x86-vcpu'].usd = '0.04'),
      'invalid price catalog: prices.fargate.us-east-1.x86-vcpu.usd must be a non-negative number or null',
    ],
    [
      'a null price marked ok',
      (c) => (c.prices.fargate['us-east-1']['x86-vcpu'].usd = null),
      'invalid price catalog: prices.fargate.us-east-1.x86-vcpu.usd must be a number unless status is unconfirmed',
    ],
    [
      'a guessed unconfirmed price',
      (c) => (c.prices.fargate['us-west-2']['x86-vcpu'].usd = 0.04),
      'invalid price catalog: prices.fargate.us-west-2.x86-vcpu.usd must be null when status is unconfirmed',
    ],
    [
      'an unknown status',
      (c) => (c.prices.gke['us-central1'].cluster.status = 'guess'),
      'invalid price catalog: prices.gke.us-central1.cluster.status must be ok, secondary or unconfirmed',
    ],
    [
      'a missing source',
      (c) => delete c.prices.gke['us-central1'].cluster.source,
      'invalid price catalog: prices.gke.us-central1.cluster.source must be a non-empty string',
    ],
    [
      'a bad read date',
      (c) => (c.prices.gke['us-central1'].cluster.read = 'yesterday'),
      'invalid price catalog: prices.gke.us-central1.cluster.read must be a date YYYY-MM-DD',
    ],
    [
      'an unknown tier',
      (c) => (c.cloudRunTiers.regions['us-central1'] = 'tier3'),
      'invalid price catalog: cloudRunTiers.regions.us-central1 must be tier1 or tier2',
    ],
    [
      'a negative allowance',
      (c) => (c.allowances['cloud-run'].requests.amount = -1),
      'invalid price catalog: allowances.cloud-run.requests.amount must be a non-negative number',
    ],
  ])('rejects %s, naming the path', (_name, mutate, message) => {
    const data = raw();
    const input = _name === 'a non-object' ? 'catalog' : data;
    mutate(data);
    expect(() => loadCatalog(input)).toThrow(message);
  });
});
