import { loadCatalog } from '../../src/catalog/load-catalog.js';
import {
  cloudOfRegion,
  cloudRunTier,
  coveredRegions,
  isKnownRegion,
  price,
} from '../../src/catalog/lookup.js';

const catalog = loadCatalog();

describe('catalog lookups', () => {
  it('covers the required regions of each cloud', () => {
    expect(coveredRegions(catalog, 'aws')).toEqual([
      'us-east-1',
      'us-west-2',
      'eu-west-1',
      'ap-northeast-1',
      'ap-northeast-2',
    ]);
    expect(coveredRegions(catalog, 'gcp')).toEqual([
      'us-central1',
      'europe-west1',
      'asia-northeast1',
      'asia-northeast3',
    ]);
  });

  it.each([
    ['us-east-1', 'aws', true],
    ['us-east-1', 'gcp', false],
    ['asia-northeast3', 'gcp', true],
    ['mars-1', 'aws', false],
  ] as const)('isKnownRegion(%s, %s) = %s', (region, cloud, known) => {
    expect(isKnownRegion(catalog, region, cloud)).toBe(known);
  });

  it.each([
    ['ap-northeast-2', 'aws'],
    ['europe-west1', 'gcp'],
    ['us-east4', null],
  ] as const)('cloudOfRegion(%s) = %s', (region, cloud) => {
    expect(cloudOfRegion(catalog, region)).toBe(cloud);
  });

  it('maps Cloud Run regions to their tier for price lookups', () => {
    expect(cloudRunTier(catalog, 'us-east4')).toBe('tier1');
    expect(cloudRunTier(catalog, 'mars-1')).toBeNull();
    expect(price(catalog, 'cloud-run', 'asia-northeast3', 'request-vcpu').usd).toBe(0.0000336);
    expect(price(catalog, 'cloud-run', 'us-central1', 'request-vcpu').usd).toBe(0.000024);
    expect(price(catalog, 'cloud-run', 'tier2', 'idle-vcpu').usd).toBe(0.0000035);
  });

  it.each([
    [
      'fargate',
      'mars-1',
      'unknown region "mars-1" for fargate: use one of us-east-1, us-west-2, eu-west-1, ap-northeast-1, ap-northeast-2',
    ],
    [
      'gke-autopilot',
      'us-east-1',
      'unknown region "us-east-1" for gke-autopilot: use one of us-central1, europe-west1, asia-northeast1, asia-northeast3',
    ],
  ] as const)('names the covered regions for an unknown %s region', (family, region, message) => {
    expect(() => price(catalog, family, region, 'x86-vcpu')).toThrow(message);
  });

  it('lists the Cloud Run regions for an unknown Cloud Run region', () => {
    expect(() => price(catalog, 'cloud-run', 'mars-1', 'requests')).toThrow(
      /^unknown region "mars-1" for cloud-run: use one of .*asia-northeast3.*us-central1/,
    );
  });

  it('fails loudly on an item the catalog lacks', () => {
    expect(() => price(catalog, 'fargate', 'us-east-1', 'gpu')).toThrow(
      'price catalog has no fargate us-east-1 gpu',
    );
  });
});
