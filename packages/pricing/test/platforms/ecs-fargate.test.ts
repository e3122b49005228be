import { loadCatalog } from '../../src/catalog/load-catalog.js';
import type { Catalog } from '../../src/catalog/catalog-types.js';
import { estimateOnEcsFargate } from '../../src/platforms/ecs-fargate.js';
import { estimateOnEcsFargateSpot } from '../../src/platforms/ecs-fargate-spot.js';
import { FARGATE_SPOT_WARNING } from '../../src/platforms/fargate-pricing.js';
import type { Workload } from '../../src/types.js';
import { container, ecsTask, kube, schedule } from './make-workload.js';

const catalog = loadCatalog();

describe('ecs-fargate', () => {
  it.each<[string, Workload, string, number, { vcpu: number; memoryMiB: number }]>([
    // 0.5 vCPU × 0.04656 + 1 GB × 0.00511 = 0.02839 $/h × 730 = 20.7247 (the seed's Seoul example, corrected)
    ['Seoul 0.5 vCPU / 1 GB', ecsTask(0.5, 1024), 'ap-northeast-2', 20.7247, { vcpu: 0.5, memoryMiB: 1024 }],
    // 0.5 × 0.04048 + 1 × 0.004445 = 0.024685 $/h × 730 = 18.02005
    ['us-east-1 0.5 vCPU / 1 GB', ecsTask(0.5, 1024), 'us-east-1', 18.02005, { vcpu: 0.5, memoryMiB: 1024 }],
    // eu-west-1 has the us-east-1 rates: 18.02005
    ['eu-west-1 0.5 vCPU / 1 GB', ecsTask(0.5, 1024), 'eu-west-1', 18.02005, { vcpu: 0.5, memoryMiB: 1024 }],
    // Tokyo: 0.25 × 0.05056 + 0.5 × 0.00553 = 0.015405 × 730 = 11.24565
    [
      'Tokyo 0.25 vCPU / 0.5 GB',
      ecsTask(0.25, 512),
      'ap-northeast-1',
      11.24565,
      { vcpu: 0.25, memoryMiB: 512 },
    ],
    // ARM: 1 × 0.03238 + 2 × 0.00356 = 0.0395 × 730 = 28.835
    [
      'ARM64 1 vCPU / 2 GB',
      ecsTask(1, 2048, { cpuArchitecture: 'ARM64' }),
      'us-east-1',
      28.835,
      { vcpu: 1, memoryMiB: 2048 },
    ],
    // Windows: 1 × (0.09148 + 0.046 licence) + 2 × 0.01005 = 0.15758 × 730 = 115.0334
    [
      'Windows 1 vCPU / 2 GB',
      ecsTask(1, 2048, { operatingSystemFamily: 'WINDOWS_SERVER_2022_CORE' }),
      'us-east-1',
      115.0334,
      { vcpu: 1, memoryMiB: 2048 },
    ],
    // Windows needs 1 vCPU: 0.5 / 1 GB becomes 1 vCPU / 2 GB, the same 115.0334
    [
      'Windows raised to 1 vCPU',
      ecsTask(0.5, 1024, { operatingSystemFamily: 'WINDOWS_SERVER_2019_FULL' }),
      'us-east-1',
      115.0334,
      { vcpu: 1, memoryMiB: 2048 },
    ],
    // 30 GiB ephemeral: 10 GB above the 20 included × 0.000111 = 0.00111; + 1 × 0.04048 + 2 × 0.004445 = 0.05048 × 730 = 36.8504
    [
      'ephemeral 30 GiB',
      ecsTask(1, 2048, { ephemeralGiB: 30 }),
      'us-east-1',
      36.8504,
      { vcpu: 1, memoryMiB: 2048 },
    ],
    // a pod's requests 0.1 vCPU / 100 MiB round up to 0.25 / 0.5: 0.25 × 0.04048 + 0.5 × 0.004445 = 0.0123425 × 730 × 3 = 27.030075
    [
      'Kubernetes pod rounded up',
      kube({ containers: [container({ cpu: 0.1, memoryMiB: 100 })], replicas: { min: 3, max: 3 } }),
      'us-east-1',
      27.030075,
      { vcpu: 0.25, memoryMiB: 512 },
    ],
    // no requests at all: the smallest size, 0.0123425 × 730 = 9.010025
    ['pod without requests', kube(), 'us-east-1', 9.010025, { vcpu: 0.25, memoryMiB: 512 }],
    // an invalid task size 0.25 vCPU / 4 GB is billed as 0.5 / 4: 0.5 × 0.04048 + 4 × 0.004445 = 0.03802 × 730 = 27.7546
    ['invalid task size', ecsTask(0.25, 4096), 'us-east-1', 27.7546, { vcpu: 0.5, memoryMiB: 4096 }],
  ])('%s', (_name, workload, region, monthly, billed) => {
    const e = estimateOnEcsFargate(workload, region, catalog, {});
    expect(e.platform).toBe('ecs-fargate');
    expect(e.region).toBe(region);
    expect(e.monthlyUSD).toBeCloseTo(monthly, 9);
    expect(e.billedPerReplica).toEqual(billed);
  });

  it('keeps full precision: 0.25 vCPU in Tokyo is 11.24565, not rounded to cents', () => {
    expect(estimateOnEcsFargate(ecsTask(0.25, 512), 'ap-northeast-1', catalog, {}).monthlyUSD).toBeCloseTo(
      11.24565,
      12,
    );
  });

  it('prices the maximum replicas separately', () => {
    const e = estimateOnEcsFargate(
      ecsTask(0.5, 1024, {}, { replicas: { min: 2, max: 4 } }),
      'us-east-1',
      catalog,
      {},
    );
    expect(e.monthlyUSD).toBeCloseTo(36.0401, 9); // 18.02005 × 2
    expect(e.monthlyUSDMax).toBeCloseTo(72.0802, 9); // 18.02005 × 4
  });

  it('explains the figure in cost lines', () => {
    const e = estimateOnEcsFargate(ecsTask(0.5, 1024), 'ap-northeast-2', catalog, {});
    expect(e.lines).toEqual([
      'task size: 0.5 vCPU / 1 GB',
      'vCPU: 0.5 vCPU × $0.04656/vCPU-hour × 730 h × 1 task = $16.99',
      'memory: 1 GB × $0.00511/GB-hour × 730 h × 1 task = $3.73',
    ]);
  });

  it('compares an EC2 task definition on Fargate, saying the instance cost is not estimated', () => {
    // nginx_ec2.json: no task size, one container 256 CPU units / 256 MiB → 0.25 vCPU / 0.5 GB = 9.010025
    const e = estimateOnEcsFargate(
      ecsTask(
        null,
        null,
        { launchType: 'EC2', networkMode: 'bridge' },
        { perReplica: { vcpu: 0.25, memoryMiB: 256 } },
      ),
      'us-east-1',
      catalog,
      {},
    );
    expect(e.monthlyUSD).toBeCloseTo(9.010025, 9);
    expect(e.warnings).toEqual([
      'EC2 launch type: compared on Fargate at 0.25 vCPU / 0.5 GB; the EC2 instance cost is not estimated',
    ]);
  });

  it('warns when a stated task size is not a valid Fargate size', () => {
    expect(estimateOnEcsFargate(ecsTask(0.25, 4096), 'us-east-1', catalog, {}).warnings).toEqual([
      'task size 0.25 vCPU / 4 GB is not a valid Fargate size: billed as 0.5 vCPU / 4 GB',
    ]);
  });

  it.each<[string, Workload, string, string]>([
    [
      'us-west-2 (no figure)',
      ecsTask(0.5, 1024),
      'us-west-2',
      'Fargate price unconfirmed in us-west-2 (x86-vcpu, x86-gb): not estimated; run refresh-prices',
    ],
    [
      'Windows in Seoul',
      ecsTask(1, 2048, { operatingSystemFamily: 'WINDOWS_SERVER_2022_CORE' }),
      'ap-northeast-2',
      'Fargate Windows price unconfirmed in ap-northeast-2 (windows-vcpu, windows-license-vcpu, windows-gb): not estimated; run refresh-prices',
    ],
    [
      'above 16 vCPU',
      ecsTask(32, 65536),
      'us-east-1',
      '32 vCPU / 64 GB exceeds the largest Fargate size (16 vCPU / 120 GB)',
    ],
    [
      'a GPU',
      kube({ containers: [container({ cpu: 1, memoryMiB: 2048, gpu: 1 })] }),
      'us-east-1',
      'GPU requested: GPU pricing is not in the catalog, so this workload is not estimated',
    ],
  ])('gives null and a warning for %s', (_name, workload, region, warning) => {
    const unconfirmed = new Set<string>();
    const e = estimateOnEcsFargate(workload, region, catalog, { unconfirmed });
    expect(e.monthlyUSD).toBeNull();
    expect(e.monthlyUSDMax).toBeNull();
    expect(e.warnings).toContain(warning);
  });

  it('records the unconfirmed prices it met', () => {
    const unconfirmed = new Set<string>();
    estimateOnEcsFargate(ecsTask(0.5, 1024), 'us-west-2', catalog, { unconfirmed });
    expect([...unconfirmed]).toEqual(['fargate us-west-2 x86-vcpu', 'fargate us-west-2 x86-gb']);
  });

  it('prices compute but leaves out storage whose price is unconfirmed (Seoul ephemeral)', () => {
    // 1 × 0.04656 + 2 × 0.00511 = 0.05678 × 730 = 41.4494; the 10 GB above 20 GB are not priced
    const e = estimateOnEcsFargate(ecsTask(1, 2048, { ephemeralGiB: 30 }), 'ap-northeast-2', catalog, {});
    expect(e.monthlyUSD).toBeCloseTo(41.4494, 9);
    expect(e.warnings).toEqual([
      'Fargate ephemeral storage price unconfirmed in ap-northeast-2 (ephemeral-gb): not estimated; run refresh-prices: 10 GB above the included 20 GB left out',
    ]);
  });

  describe('batch runs (one-minute minimum)', () => {
    it.each<[string, Workload, number]>([
      // every minute for 730 h = 43,800 runs of 10 s, each billed 60 s → 730 h × 0.0123425 = 9.010025: always on
      ['a CronJob every minute', kube({ kind: 'CronJob', schedule: schedule(43800, 10) }), 9.010025],
      // one run of 30 min with 2 pods: 2 × 1800 s = 1 h × 0.0123425
      ['a Job of 30 min × 2 pods', kube({ kind: 'Job', schedule: schedule(1, 1800, 2) }), 0.0123425],
      // 100 runs of 90 s: 9,000 s = 2.5 h × 0.0123425 = 0.03085625
      ['runs longer than the minimum', kube({ kind: 'CronJob', schedule: schedule(100, 90) }), 0.03085625],
    ])('%s', (_name, workload, monthly) => {
      const e = estimateOnEcsFargate(workload, 'us-east-1', catalog, {});
      expect(e.monthlyUSD).toBeCloseTo(monthly, 9);
      expect(e.monthlyUSDMax).toBeNull();
    });
  });
});

describe('ecs-fargate-spot', () => {
  it('gives null with the Spot warning while the Spot price is unconfirmed', () => {
    const unconfirmed = new Set<string>();
    const e = estimateOnEcsFargateSpot(ecsTask(0.5, 1024), 'us-east-1', catalog, { unconfirmed });
    expect(e.platform).toBe('ecs-fargate-spot');
    expect(e.monthlyUSD).toBeNull();
    expect(e.warnings).toEqual([FARGATE_SPOT_WARNING]);
    expect(FARGATE_SPOT_WARNING).toBe('Fargate Spot price unconfirmed: read the live feed (refresh-prices)');
    expect([...unconfirmed]).toEqual(['fargate us-east-1 spot-vcpu', 'fargate us-east-1 spot-gb']);
  });

  it('prices at the Spot rates once the catalog holds them', () => {
    const withSpot: Catalog = structuredClone(catalog);
    const entry = { unit: 'vCPU-hour', status: 'ok' as const, source: 'test', read: '2026-11-30' };
    withSpot.prices.fargate['us-east-1']!['spot-vcpu'] = { ...entry, usd: 0.01 };
    withSpot.prices.fargate['us-east-1']!['spot-gb'] = { ...entry, unit: 'GB-hour', usd: 0.001 };
    // 0.5 × 0.01 + 1 × 0.001 = 0.006 × 730 = 4.38
    expect(estimateOnEcsFargateSpot(ecsTask(0.5, 1024), 'us-east-1', withSpot, {}).monthlyUSD).toBeCloseTo(
      4.38,
      9,
    );
  });

  it('does not price ARM64 tasks on Spot', () => {
    const e = estimateOnEcsFargateSpot(
      ecsTask(1, 2048, { cpuArchitecture: 'ARM64' }),
      'us-east-1',
      catalog,
      {},
    );
    expect(e.monthlyUSD).toBeNull();
    expect(e.warnings).toEqual(['Fargate Spot for ARM64 tasks is not in the price catalog']);
  });
});
