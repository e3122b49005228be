import { loadCatalog } from '../../src/catalog/load-catalog.js';
import { estimate } from '../../src/estimate/estimate.js';
import { resolveRegions } from '../../src/estimate/regions.js';
import { FARGATE_SPOT_WARNING } from '../../src/platforms/fargate-pricing.js';
import type { EstimateReport, Platform, Workload } from '../../src/types.js';
import { cloudRunService, container, ecsTask, kube, schedule } from '../platforms/make-workload.js';

const catalog = loadCatalog();

// web: 0.5 vCPU / 1 GiB × 1; api: 0.25 vCPU / 512 MiB × 2
const web = kube({ name: 'web', containers: [container({ cpu: 0.5, memoryMiB: 1024 })] });
const api = kube({
  name: 'api',
  replicas: { min: 2, max: 2 },
  containers: [container({ cpu: 0.25, memoryMiB: 512 })],
});

function total(report: EstimateReport, platform: Platform) {
  return report.totals.find((t) => t.platform === platform);
}

describe('estimate', () => {
  const report = estimate([web, api], {}, catalog);

  it('reports the fields of EstimateReport with the default regions', () => {
    expect(report.hoursPerMonth).toBe(730);
    expect(report.catalogDate).toBe('2026-10-02');
    expect(report.regions).toEqual({ aws: 'us-east-1', gcp: 'us-central1' });
    expect(report.errors).toEqual([]);
    expect(report.workloads.map((w) => [w.kind, w.name, w.replicas, w.perReplica])).toEqual([
      ['Deployment', 'web', { min: 1, max: 1 }, { vcpu: 0.5, memoryMiB: 1024 }],
      ['Deployment', 'api', { min: 2, max: 2 }, { vcpu: 0.25, memoryMiB: 512 }],
    ]);
    expect(report.workloads[0]?.estimates.map((e) => e.platform)).toEqual([
      'ecs-fargate',
      'ecs-fargate-spot',
      'eks-fargate',
      'app-runner',
      'gke-autopilot',
      'gke-autopilot-spot',
      'cloud-run',
    ]);
  });

  it.each<[Platform, number | null, number, number]>([
    // web 0.5/1 GB 18.02005 + api 2 × 0.25/0.5 GB (0.0123425 × 730 × 2) 18.02005
    ['ecs-fargate', 36.0401, 0, 0],
    ['ecs-fargate-spot', null, 0, 2],
    // web 0.5/2 GB 21.2649 + api 2 × 0.25/1 GB (0.014565 × 730 × 2) 21.2649 + EKS fee 0.10 × 730 = 73
    ['eks-fargate', 115.5298, 73, 0],
    // web 1 GB × 0.007 provisioned + 0.5 vCPU × 0.064 active = 0.039 × 730 = 28.47;
    // api 2 × (0.5 × 0.007 + 0.25 × 0.064) × 730 = 28.47
    ['app-runner', 56.94, 0, 0],
    // web 19.835925 + api 2 × 9.9179625 + GKE fee 73
    ['gke-autopilot', 112.67185, 73, 0],
    // web 5.932491 + api 2 × (0.25 × 0.0133 + 0.5 × 0.0014767) × 730 = 5.932491 + 73
    ['gke-autopilot-spot', 84.864982, 73, 0],
    // web (0.5 × 0.000018 + 1 × 0.000002) × 2,628,000 = 28.908; api 2 × (0.0000045 + 0.000001) × 2,628,000 = 28.908
    ['cloud-run', 57.816, 0, 0],
  ])('totals %s with cluster fees once', (platform, monthly, fee, unpriced) => {
    const t = total(report, platform);
    expect(t?.region).toBe(
      platform.startsWith('gke') || platform.startsWith('cloud') ? 'us-central1' : 'us-east-1',
    );
    expect(t?.clusterFeeUSD).toBeCloseTo(fee, 9);
    expect(t?.unpriced).toBe(unpriced);
    if (monthly === null) expect(t?.monthlyUSD).toBeNull();
    else expect(t?.monthlyUSD).toBeCloseTo(monthly, 9);
  });

  it('never puts the cluster fee into a workload estimate', () => {
    const eks = report.workloads[0]?.estimates.find((e) => e.platform === 'eks-fargate');
    expect(eks?.monthlyUSD).toBeCloseTo(21.2649, 9);
  });

  it('names the cheapest platform that priced every workload', () => {
    expect(report.cheapest).toBe('ecs-fargate');
  });

  it('states its assumptions: 730 h, regions, cluster fees, free tier, unconfirmed prices', () => {
    expect(report.assumptions[0]).toMatch(/^Monthly cost = 730 hours/);
    expect(report.assumptions).toContain(
      "Regions: AWS us-east-1, Google Cloud us-central1 (defaults); a Cloud Run spec's own location is used for its Cloud Run estimate.",
    );
    expect(report.assumptions).toContain(
      'EKS cluster fee: $0.10 per cluster-hour = $73.00 a month, once per report (standard support; extended support is $0.60 per hour).',
    );
    expect(report.assumptions).toContain(
      'GKE cluster fee: $0.10 per cluster-hour = $73.00 a month, once per report; the free-tier credit ($74.40 a month per billing account, one zonal or Autopilot cluster) is not applied (pass the free-tier option to apply it).',
    );
    expect(report.assumptions.some((a) => a.includes('bursting clusters is UNCONFIRMED'))).toBe(true);
    expect(report.assumptions).toContain(
      'Unconfirmed prices, not estimated (run refresh-prices): fargate us-east-1 spot-gb; fargate us-east-1 spot-vcpu; gke-autopilot us-central1 ephemeral-gib; gke-autopilot us-central1 spot-ephemeral-gib.',
    );
    expect(report.assumptions.at(-1)).toBe('Price catalog dated 2026-10-02.');
  });

  it('carries the Spot warning on the Spot estimates', () => {
    expect(report.workloads[0]?.estimates.find((e) => e.platform === 'ecs-fargate-spot')?.warnings).toEqual([
      FARGATE_SPOT_WARNING,
    ]);
  });

  it('applies the GKE free-tier credit and the Cloud Run free tier only when asked', () => {
    const free = estimate([web, api], { freeTier: true }, catalog);
    expect(total(free, 'gke-autopilot')?.clusterFeeUSD).toBe(0); // $73 − $74.40 credit, not below 0
    expect(total(free, 'gke-autopilot')?.monthlyUSD).toBeCloseTo(39.67185, 9);
    expect(total(free, 'eks-fargate')?.clusterFeeUSD).toBeCloseTo(73, 9); // EKS has no credit
    // Cloud Run instance-based free tier 240,000 vCPU-s and 450,000 GiB-s at Tier 1 prices:
    // web uses 0.5 × 2,628,000 = 1,314,000 vCPU-s (240,000 free = $4.32) and 2,628,000 GiB-s (450,000 free = $0.90)
    expect(total(free, 'cloud-run')?.monthlyUSD).toBeCloseTo(57.816 - 4.32 - 0.9, 9);
    expect(free.assumptions).toContain(
      'Cloud Run free tier applied once for the whole report (it is per billing account), valued at Tier 1 prices.',
    );
  });

  it('prices one requested region and its counterpart, saying so', () => {
    const seoul = estimate([web], { region: 'ap-northeast-2' }, catalog);
    expect(seoul.regions).toEqual({ aws: 'ap-northeast-2', gcp: 'asia-northeast3' });
    expect(total(seoul, 'ecs-fargate')?.monthlyUSD).toBeCloseTo(20.7247, 9); // the Seoul example
    expect(total(seoul, 'gke-autopilot')).toMatchObject({ monthlyUSD: null, unpriced: 1, clusterFeeUSD: 73 });
    expect(seoul.assumptions[1]).toBe(
      'Region ap-northeast-2 requested; Google Cloud platforms priced in its counterpart asia-northeast3 (us-east-1↔us-central1, us-west-2→us-central1, eu-west-1↔europe-west1, ap-northeast-1↔asia-northeast1, ap-northeast-2↔asia-northeast3).',
    );
    expect(seoul.cheapest).toBe('ecs-fargate');
  });

  it.each([
    ['us-east-1', { aws: 'us-east-1', gcp: 'us-central1' }],
    ['us-west-2', { aws: 'us-west-2', gcp: 'us-central1' }],
    ['eu-west-1', { aws: 'eu-west-1', gcp: 'europe-west1' }],
    ['ap-northeast-1', { aws: 'ap-northeast-1', gcp: 'asia-northeast1' }],
    ['asia-northeast1', { aws: 'ap-northeast-1', gcp: 'asia-northeast1' }],
    ['europe-west1', { aws: 'eu-west-1', gcp: 'europe-west1' }],
    ['us-central1', { aws: 'us-east-1', gcp: 'us-central1' }],
    ['asia-northeast3', { aws: 'ap-northeast-2', gcp: 'asia-northeast3' }],
  ])('maps %s to the pair %o', (region, pair) => {
    const { aws, gcp } = resolveRegions(catalog, region);
    expect({ aws, gcp }).toEqual(pair);
  });

  it('throws one clear line for an unknown region', () => {
    expect(() => estimate([web], { region: 'mars-1' }, catalog)).toThrow(
      new Error(
        'unknown region "mars-1": use one of us-east-1, us-west-2, eu-west-1, ap-northeast-1, ap-northeast-2, us-central1, europe-west1, asia-northeast1, asia-northeast3',
      ),
    );
  });

  it('throws one clear line for an unknown platform', () => {
    expect(() => estimate([web], { platforms: ['heroku' as Platform] }, catalog)).toThrow(
      new Error(
        'unknown platform "heroku": use one of ecs-fargate, ecs-fargate-spot, eks-fargate, app-runner, gke-autopilot, gke-autopilot-spot, cloud-run, cloud-run-jobs',
      ),
    );
  });

  it('validates options even with no workloads', () => {
    expect(() => estimate([], { region: 'mars-1' })).toThrow(/^unknown region "mars-1"/);
    expect(estimate([], {})).toMatchObject({ workloads: [], totals: [], cheapest: null });
  });

  it('prices only the selected platforms', () => {
    const only = estimate([web, api], { platforms: ['gke-autopilot', 'cloud-run'] }, catalog);
    expect(only.totals.map((t) => t.platform)).toEqual(['gke-autopilot', 'cloud-run']);
    expect(only.cheapest).toBe('cloud-run'); // 57.816 < 112.67185
  });

  it('warns when no selected platform runs a workload', () => {
    const only = estimate(
      [kube({ kind: 'CronJob', schedule: schedule(30, 60) })],
      { platforms: ['cloud-run'] },
      catalog,
    );
    expect(only.workloads[0]?.estimates).toEqual([]);
    expect(only.workloads[0]?.warnings).toEqual(['none of the selected platforms runs a CronJob']);
    expect(only.cheapest).toBeNull();
  });

  it("uses a Cloud Run spec's own location when no region is given", () => {
    const svc = cloudRunService([{ cpu: 1, memoryMiB: 512 }], { region: 'asia-northeast3', minInstances: 1 });
    const own = estimate([svc], {}, catalog);
    const cloudRun = own.workloads[0]?.estimates.find((e) => e.platform === 'cloud-run');
    expect(cloudRun?.region).toBe('asia-northeast3');
    expect(cloudRun?.monthlyUSD).toBeCloseTo(13.797, 9); // Tier 2 idle min-instance
    expect(own.workloads[0]?.estimates.find((e) => e.platform === 'gke-autopilot')?.region).toBe(
      'us-central1',
    );
    // a requested region wins over the spec's location
    expect(
      estimate([svc], { region: 'us-east-1' }, catalog).workloads[0]?.estimates.find(
        (e) => e.platform === 'cloud-run',
      )?.region,
    ).toBe('us-central1');
  });

  it('falls back, with a warning, when a Cloud Run location is a placeholder', () => {
    const svc = cloudRunService([{ cpu: 1, memoryMiB: 512 }], { region: 'REGION' });
    const r = estimate([svc], {}, catalog);
    expect(r.workloads[0]?.estimates.find((e) => e.platform === 'cloud-run')?.region).toBe('us-central1');
    expect(r.workloads[0]?.warnings).toEqual([
      'Cloud Run location "REGION" is not in the price catalog: priced in us-central1',
    ]);
  });

  it('has no cheapest platform when none priced every workload', () => {
    const gpu = kube({ containers: [container({ cpu: 1, memoryMiB: 2048, gpu: 1 })] });
    expect(estimate([gpu], {}, catalog).cheapest).toBeNull();
  });

  it('does not call a platform cheapest when it could not run one of the workloads', () => {
    // a DaemonSet runs on Kubernetes platforms only, and EKS Fargate cannot run it: only Autopilot covers both
    const r = estimate([web, kube({ name: 'agent', kind: 'DaemonSet' })], {}, catalog);
    expect(total(r, 'eks-fargate')?.unpriced).toBe(1);
    expect(r.cheapest).toBe('gke-autopilot-spot');
  });

  it('prices a mixed report: ECS task, CronJob, Windows task', () => {
    const r = estimate(
      [
        ecsTask(1, 2048),
        kube({ name: 'tick', kind: 'CronJob', schedule: schedule(43800, 10) }),
        ecsTask(1, 2048, { operatingSystemFamily: 'WINDOWS_SERVER_2022_CORE' }, { name: 'win' }),
      ],
      {},
      catalog,
    );
    // ecs-fargate: 36.0401 + 9.010025 (every-minute CronJob ≈ always on) + 115.0334
    expect(total(r, 'ecs-fargate')?.monthlyUSD).toBeCloseTo(36.0401 + 9.010025 + 115.0334, 9);
    expect(r.cheapest).toBe('ecs-fargate');
    expect(r.assumptions).toContain('CronJob tick: 43800 runs a month, 10 s each');
  });

  it('passes extraction errors through', () => {
    const errors = [{ file: 'bad.yaml', line: 3, message: 'not YAML' }];
    expect(estimate({ workloads: [web], errors }, {}, catalog).errors).toEqual(errors);
  });

  it('states the usage inputs it used', () => {
    const r = estimate(
      [cloudRunService([{ cpu: 1, memoryMiB: 512 }])],
      { usage: { requestsPerMonth: 1_000_000, requestSeconds: 0.2 } },
      catalog,
    );
    expect(r.assumptions).toContain('Usage inputs: 1,000,000 requests a month, 0.2 s each.');
  });

  it('uses the shipped catalog by default', () => {
    const w: Workload = ecsTask(0.5, 1024);
    expect(
      estimate([w], { region: 'us-east-1', platforms: ['ecs-fargate'] }).totals[0]?.monthlyUSD,
    ).toBeCloseTo(18.02005, 9);
  });

  it('keeps one frozen copy of equal sizes, cost lines and warnings across the report', () => {
    const twin = kube({ name: 'web-twin', containers: [container({ cpu: 0.5, memoryMiB: 1024 })] });
    const r = estimate([web, twin, api], {}, catalog);
    const [a, b, c] = r.workloads.map((w) => w.estimates);
    expect(a?.map((e) => e.platform)).toEqual(b?.map((e) => e.platform));
    a?.forEach((e, i) => {
      const twinEstimate = b?.[i];
      expect(twinEstimate).toEqual(e);
      expect(twinEstimate?.lines).toBe(e.lines);
      expect(twinEstimate?.warnings).toBe(e.warnings);
      expect(twinEstimate?.billedPerReplica).toBe(e.billedPerReplica);
      expect(Object.isFrozen(e.lines) && Object.isFrozen(e.warnings)).toBe(true);
      expect(Object.isFrozen(e.billedPerReplica)).toBe(true);
      // A different workload keeps its own lines.
      expect(c?.[i]?.lines).not.toBe(e.lines);
    });
    // Every estimate has the same fields in the same order, whichever platform built it.
    const mixed = estimate(
      [
        web,
        kube({ name: 'nightly', kind: 'CronJob', schedule: schedule(30, 60) }),
        ecsTask(0.5, 1024),
        cloudRunService([{ cpu: 1, memoryMiB: 512 }]),
      ],
      {},
      catalog,
    );
    const platforms = new Set(mixed.workloads.flatMap((w) => w.estimates.map((e) => e.platform)));
    expect(platforms.size).toBe(8);
    const keys = new Set(mixed.workloads.flatMap((w) => w.estimates.map((e) => Object.keys(e).join())));
    expect([...keys]).toEqual(['platform,region,billedPerReplica,monthlyUSD,monthlyUSDMax,lines,warnings']);
  });
});
