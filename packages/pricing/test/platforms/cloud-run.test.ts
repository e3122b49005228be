import { loadCatalog } from '../../src/catalog/load-catalog.js';
import { cloudRunInstanceShape } from '../../src/platforms/cloud-run-shape.js';
import { estimateOnCloudRun } from '../../src/platforms/cloud-run.js';
import { estimateOnCloudRunJobs } from '../../src/platforms/cloud-run-jobs.js';
import { newFreeTierPool } from '../../src/platforms/free-tier.js';
import type { Workload } from '../../src/types.js';
import { cloudRunService, container, kube, schedule } from './make-workload.js';

const catalog = loadCatalog();
const MONTH_S = 730 * 3600; // 2,628,000 s
const usage = { requestsPerMonth: 1_000_000, requestSeconds: 0.2 };

describe('cloudRunInstanceShape', () => {
  it.each<[string, Array<{ cpu: number | null; memoryMiB: number | null }>, number, number, string[]]>([
    ['fractional CPU up to 1 is kept', [{ cpu: 0.5, memoryMiB: 256 }], 0.5, 256, []],
    [
      'the multi-container sample: 1.5 vCPU / 768 MiB → 2 vCPU',
      [
        { cpu: 0.5, memoryMiB: 256 },
        { cpu: 1, memoryMiB: 512 },
      ],
      2,
      768,
      [
        '1.5 vCPU / 0.75 GiB is not a valid Cloud Run instance size (above 1 vCPU Cloud Run takes 2, 4, 6 or 8): billed as 2 vCPU / 0.75 GiB',
      ],
    ],
    [
      '3 vCPU → 4, memory raised to its 2 GiB minimum',
      [{ cpu: 3, memoryMiB: 1024 }],
      4,
      2048,
      ['3 vCPU / 1 GiB is not a valid Cloud Run instance size: billed as 4 vCPU / 2 GiB'],
    ],
    [
      "memory above 1 vCPU's 4 GiB raises the CPU to 2",
      [{ cpu: 1, memoryMiB: 6144 }],
      2,
      6144,
      ['1 vCPU / 6 GiB is not a valid Cloud Run instance size: billed as 2 vCPU / 6 GiB'],
    ],
    [
      'no limits: the default 1 vCPU / 512 MiB',
      [{ cpu: null, memoryMiB: null }],
      1,
      512,
      ["no CPU or memory stated for a container: assumed Cloud Run's default 1 vCPU / 512 MiB (UNCONFIRMED)"],
    ],
  ])('%s', (_name, limits, vcpu, memoryMiB, warnings) => {
    const shape = cloudRunInstanceShape(cloudRunService(limits));
    expect({
      vcpu: shape.vcpu,
      memoryMiB: shape.memoryMiB,
      warnings: shape.warnings,
      rejected: shape.rejected,
    }).toEqual({
      vcpu,
      memoryMiB,
      warnings,
      rejected: null,
    });
  });

  it.each([
    [9, 1024],
    [8, 40 * 1024],
  ])('cannot run %f vCPU / %i MiB', (cpu, memoryMiB) => {
    expect(cloudRunInstanceShape(cloudRunService([{ cpu, memoryMiB }])).rejected).toMatch(
      /exceeds Cloud Run's largest instance \(8 vCPU \/ 32 GiB\)/,
    );
  });

  it('sizes a Kubernetes pod by its requests, raising memory to the 128 MiB minimum', () => {
    const shape = cloudRunInstanceShape(kube({ containers: [container({ cpu: 0.1, memoryMiB: 64 })] }));
    expect([shape.vcpu, shape.memoryMiB]).toEqual([0.1, 128]);
  });
});

describe('cloud-run (services)', () => {
  it.each<[string, Workload, string, object, number | null]>([
    // instance-based, 1 min-instance, 1 vCPU / 512 MiB: (1 × 0.000018 + 0.5 × 0.000002) × 2,628,000 = 49.932
    [
      'instance-based, one min-instance',
      cloudRunService([{ cpu: 1, memoryMiB: 512 }], { billing: 'instance', minInstances: 1 }),
      'us-central1',
      {},
      49.932,
    ],
    // request-based, one idle min-instance: (1 × 0.0000025 idle + 0.5 × 0.0000025) × 2,628,000 = 9.855
    [
      'request-based idle min-instance',
      cloudRunService([{ cpu: 1, memoryMiB: 512 }], { minInstances: 1 }),
      'us-central1',
      {},
      9.855,
    ],
    // Tier 2 idle: (1 × 0.0000035 + 0.5 × 0.0000035) × 2,628,000 = 13.797
    [
      'Tier 2 idle min-instance',
      cloudRunService([{ cpu: 1, memoryMiB: 512 }], { minInstances: 1 }),
      'asia-northeast3',
      {},
      13.797,
    ],
    // usage: 1M requests × 0.2 s ÷ 80 = 2,500 s; 2,500 × 0.000024 = 0.06; 1,250 GiB-s × 0.0000025 = 0.003125; 1M × $0.40/M = 0.40
    [
      'request-based with usage',
      cloudRunService([{ cpu: 1, memoryMiB: 512 }], { concurrency: 80 }),
      'us-central1',
      { usage },
      0.463125,
    ],
    // Tier 2: 2,500 × 0.0000336 = 0.084; 1,250 × 0.0000035 = 0.004375; 0.40 → 0.488375
    [
      'Tier 2 with usage',
      cloudRunService([{ cpu: 1, memoryMiB: 512 }], { concurrency: 80 }),
      'asia-northeast3',
      { usage },
      0.488375,
    ],
    // the free tier covers it all: −2,500 vCPU-s, −1,250 GiB-s, −1M requests at Tier 1 prices → 0
    [
      'request-based with usage and the free tier',
      cloudRunService([{ cpu: 1, memoryMiB: 512 }], { concurrency: 80 }),
      'us-central1',
      { usage, freeTier: true },
      0,
    ],
    // instance-based, scales to zero, with usage: 2,500 s × (0.000018 + 0.5 × 0.000002) = 0.0475
    [
      'instance-based at zero with usage',
      cloudRunService([{ cpu: 1, memoryMiB: 512 }], { billing: 'instance', concurrency: 80 }),
      'us-central1',
      { usage },
      0.0475,
    ],
    // a Deployment of 2 × 0.1 vCPU / 64 MiB → 0.1 / 128 MiB always on: (0.1 × 0.000018 + 0.125 × 0.000002) × 2,628,000 × 2 = 10.7748
    [
      'a Kubernetes Deployment compared instance-based',
      kube({ replicas: { min: 2, max: 4 }, containers: [container({ cpu: 0.1, memoryMiB: 64 })] }),
      'us-central1',
      {},
      10.7748,
    ],
    [
      'instance-based in Tier 2 (unconfirmed)',
      cloudRunService([{ cpu: 1, memoryMiB: 512 }], { billing: 'instance', minInstances: 1 }),
      'asia-northeast3',
      {},
      null,
    ],
  ])('%s', (_name, workload, region, opts, monthly) => {
    const e = estimateOnCloudRun(workload, region, catalog, opts);
    expect(e.platform).toBe('cloud-run');
    if (monthly === null) expect(e.monthlyUSD).toBeNull();
    else expect(e.monthlyUSD).toBeCloseTo(monthly, 9);
  });

  it('prices a Kubernetes workload at its maximum replicas too', () => {
    const e = estimateOnCloudRun(
      kube({ replicas: { min: 2, max: 4 }, containers: [container({ cpu: 0.1, memoryMiB: 64 })] }),
      'us-central1',
      catalog,
      {},
    );
    expect(e.monthlyUSDMax).toBeCloseTo(0.00000205 * MONTH_S * 4, 9); // 21.5496
  });

  it('says request-based traffic needs usage inputs', () => {
    const e = estimateOnCloudRun(
      cloudRunService([
        { cpu: 0.5, memoryMiB: 256 },
        { cpu: 1, memoryMiB: 512 },
      ]),
      'us-central1',
      catalog,
      {},
    );
    expect(e.monthlyUSD).toBe(0);
    expect(e.billedPerReplica).toEqual({ vcpu: 2, memoryMiB: 768 });
    expect(e.warnings).toContain(
      'request-based billing: traffic is priced only with usage inputs (requests a month, seconds per request); only idle min-instances are priced',
    );
  });

  it('assumes a concurrency of 80 when the spec states none, and says so', () => {
    const e = estimateOnCloudRun(cloudRunService([{ cpu: 1, memoryMiB: 512 }]), 'us-central1', catalog, {
      usage,
    });
    expect(e.monthlyUSD).toBeCloseTo(0.463125, 9);
    expect(e.warnings).toContain(
      "concurrency not stated: assumed 80 requests per instance (Cloud Run's default, UNCONFIRMED)",
    );
  });

  it('gives null with a warning for an unconfirmed Tier 2 instance price', () => {
    const unconfirmed = new Set<string>();
    const e = estimateOnCloudRun(
      kube({ containers: [container({ cpu: 1, memoryMiB: 512 })] }),
      'asia-northeast3',
      catalog,
      { unconfirmed },
    );
    expect(e.monthlyUSD).toBeNull();
    expect(e.warnings).toEqual([
      'Cloud Run instance-based (tier2) price unconfirmed in asia-northeast3 (instance-vcpu, instance-gib): not estimated; run refresh-prices',
    ]);
    expect([...unconfirmed]).toEqual([
      'cloud-run asia-northeast3 instance-vcpu',
      'cloud-run asia-northeast3 instance-gib',
    ]);
  });

  it('shares one free tier across the services of a report', () => {
    // 200,000 vCPU-s of traffic per service (8M requests × 2 s ÷ 80 at 1 vCPU): the first uses the 180,000 free,
    // the second gets none. First: 20,000 × 0.000024 = 0.48 + GiB-s 100,000 all free + 6M paid requests × 0.4/M = 2.4
    const pool = newFreeTierPool(catalog);
    const big = { requestsPerMonth: 8_000_000, requestSeconds: 2 };
    const service = cloudRunService([{ cpu: 1, memoryMiB: 512 }], { concurrency: 80 });
    const first = estimateOnCloudRun(service, 'us-central1', catalog, {
      usage: big,
      freeTier: true,
      cloudRunFreeTier: pool,
    });
    const second = estimateOnCloudRun(service, 'us-central1', catalog, {
      usage: big,
      freeTier: true,
      cloudRunFreeTier: pool,
    });
    expect(first.monthlyUSD).toBeCloseTo(0.48 + 2.4, 9);
    // second: GiB-s 100,000 of the 260,000 left are free; vCPU 200,000 × 0.000024 = 4.8; requests 8M × 0.4/M = 3.2
    expect(second.monthlyUSD).toBeCloseTo(4.8 + 3.2, 9);
    expect(pool.requestVcpuSeconds).toBe(0);
    expect(pool.requestGibSeconds).toBe(160000);
  });

  it('throws for a region that is in no Cloud Run tier', () => {
    expect(() =>
      estimateOnCloudRun(cloudRunService([{ cpu: 1, memoryMiB: 512 }]), 'mars-1', catalog, {}),
    ).toThrow(/^unknown region "mars-1" for cloud-run: use one of /);
  });
});

describe('cloud-run-jobs', () => {
  const job = (
    cpu: number | null,
    memoryMiB: number | null,
    runs: number,
    seconds: number,
    tasks = 1,
  ): Workload =>
    cloudRunService(
      [{ cpu, memoryMiB }],
      { billing: 'instance' },
      { kind: 'CloudRunJob', schedule: schedule(runs, seconds, tasks) },
    );

  it.each<[string, Workload, string, object, number | null]>([
    // 100 runs × 2 tasks × 30.04 s rounded up to 30.1 s = 6,020 s × (1 × 0.000018 + 0.5 × 0.000002) = 0.11438
    ['100 ms rounding per task', job(1, 512, 100, 30.04, 2), 'us-central1', {}, 0.11438],
    // the instance-based free tier (240,000 vCPU-s, 450,000 GiB-s) covers 6,020 s entirely
    ['free tier', job(1, 512, 100, 30.04, 2), 'us-central1', { freeTier: true }, 0],
    // a Kubernetes CronJob every minute, 10 s, no requests → 1 vCPU / 512 MiB default: 438,000 s × 0.000019 = 8.322
    [
      'a Kubernetes CronJob',
      kube({ kind: 'CronJob', schedule: schedule(43800, 10) }),
      'us-central1',
      {},
      8.322,
    ],
    ['Tier 2 (unconfirmed)', job(1, 512, 100, 30, 1), 'asia-northeast3', {}, null],
  ])('%s', (_name, workload, region, opts, monthly) => {
    const e = estimateOnCloudRunJobs(workload, region, catalog, opts);
    expect(e.platform).toBe('cloud-run-jobs');
    expect(e.monthlyUSDMax).toBeNull();
    if (monthly === null) expect(e.monthlyUSD).toBeNull();
    else expect(e.monthlyUSD).toBeCloseTo(monthly, 9);
  });

  it('explains the run arithmetic', () => {
    const e = estimateOnCloudRunJobs(job(1, 512, 100, 30.04, 2), 'us-central1', catalog, {});
    expect(e.lines).toEqual([
      'instance size: 1 vCPU / 0.5 GiB',
      'billing: instance-based (tier1)',
      'vCPU: 1 vCPU × $0.000018/vCPU-second × 100 runs × 2 tasks × 30.1 s = $0.11',
      'memory: 0.5 GiB × $0.000002/GiB-second × 100 runs × 2 tasks × 30.1 s = $0.01',
    ]);
  });
});
