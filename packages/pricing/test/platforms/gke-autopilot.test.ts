import { loadCatalog } from '../../src/catalog/load-catalog.js';
import { autopilotPodShape } from '../../src/platforms/autopilot-shape.js';
import { estimateOnGkeAutopilot } from '../../src/platforms/gke-autopilot.js';
import { estimateOnGkeAutopilotSpot } from '../../src/platforms/gke-autopilot-spot.js';
import type { Workload } from '../../src/types.js';
import { container, ecsTask, kube, schedule } from './make-workload.js';

const catalog = loadCatalog();
const pod = (cpu: number | null, memoryMiB: number | null, partial: Partial<Workload> = {}): Workload =>
  kube({ containers: [container({ cpu, memoryMiB })], ...partial });

describe('autopilotPodShape (classic, non-bursting)', () => {
  it.each<[string, Workload, number, number]>([
    ['no requests: 0.5 vCPU / 2 GiB defaults', pod(null, null), 0.5, 2048],
    ['below the minimums: 100m / 100 MiB → 250m / 512 MiB', pod(0.1, 100), 0.25, 512],
    ['CPU rounded up to 250m steps: 0.3 → 0.5', pod(0.3, 1024), 0.5, 1024],
    ['CPU only: memory set to 1 GiB per vCPU', pod(2, null), 2, 2048],
    ['memory only: CPU set to GiB ÷ 6.5', pod(null, 13 * 1024), 2, 13 * 1024],
    ['too little memory: raised to 1 GiB per vCPU', pod(4, 1024), 4, 4096],
    ['too much memory: CPU raised to GiB ÷ 6.5 = 0.615 → 0.75', pod(0.25, 4096), 0.75, 4096],
    [
      'DaemonSet defaults 50m / 100 MiB, then the pod minimums',
      pod(null, null, { kind: 'DaemonSet' }),
      0.25,
      512,
    ],
    [
      // mysql: init containers take the 0.5 / 2 GiB defaults; max(init, app 0.6 / 1124) = 0.6 / 2048 → 0.75 / 2 GiB
      'mysql with resource-less init containers',
      kube({
        containers: [
          container({ role: 'init' }),
          container({ role: 'init' }),
          container({ cpu: 0.5, memoryMiB: 1024 }),
          container({ cpu: 0.1, memoryMiB: 100 }),
        ],
      }),
      0.75,
      2048,
    ],
    ['an ECS task becomes one container of the task size', ecsTask(1, 2048), 1, 2048],
  ])('%s', (_name, workload, vcpu, memoryMiB) => {
    const shape = autopilotPodShape(workload);
    expect({ vcpu: shape.vcpu, memoryMiB: shape.memoryMiB, rejected: shape.rejected }).toEqual({
      vcpu,
      memoryMiB,
      rejected: null,
    });
  });

  it('defaults ephemeral storage to 1 GiB per container (100 MiB for DaemonSets)', () => {
    expect(autopilotPodShape(kube({ containers: [container(), container()] })).ephemeralMiB).toBe(2048);
    expect(autopilotPodShape(pod(null, null, { kind: 'DaemonSet' })).ephemeralMiB).toBe(100);
  });

  it.each([
    [32, 64 * 1024],
    [8, 120 * 1024],
  ])('rejects %f vCPU / %i MiB (above 30 vCPU / 110 GiB)', (vcpu, memoryMiB) => {
    expect(autopilotPodShape(pod(vcpu, memoryMiB)).rejected).toMatch(
      /exceeds Autopilot's general-purpose maximum \(30 vCPU \/ 110 GiB\)/,
    );
  });
});

describe('gke-autopilot', () => {
  it('prices the seed example: 0.5 vCPU / 1 GiB in us-central1 = $0.652 a day', () => {
    // 0.5 × 0.0445 + 1 × 0.0049225 = 0.0271725 $/h; × 24 = 0.65214 a day; × 730 = 19.835925 a month
    const e = estimateOnGkeAutopilot(pod(0.5, 1024), 'us-central1', catalog, {});
    expect(e.monthlyUSD).toBeCloseTo(19.835925, 9);
    expect(((e.monthlyUSD ?? 0) / 730) * 24).toBeCloseTo(0.65214, 9);
  });

  it.each<[string, Workload, number]>([
    // 0.5 × 0.0445 + 2 × 0.0049225 = 0.032095 × 730 = 23.42935
    ['defaults 0.5 / 2 GiB', pod(null, null), 23.42935],
    // 0.25 × 0.0445 + 0.5 × 0.0049225 = 0.01358625 × 730 = 9.9179625
    ['minimums 0.25 / 0.5 GiB', pod(0.1, 100), 9.9179625],
    // 2 × 0.0445 + 2 × 0.0049225 = 0.098845 × 730 = 72.15685
    ['CPU only', pod(2, null), 72.15685],
    // 2 × 0.0445 + 13 × 0.0049225 = 0.1529925 × 730 = 111.684525
    ['memory only', pod(null, 13 * 1024), 111.684525],
    // 0.75 × 0.0445 + 4 × 0.0049225 = 0.053065 × 730 = 38.73745
    ['ratio raises CPU', pod(0.25, 4096), 38.73745],
    // 4 × 0.0445 + 4 × 0.0049225 = 0.19769 × 730 = 144.3137
    ['ratio raises memory', pod(4, 1024), 144.3137],
    // 1 × 0.0445 + 2 × 0.0049225 = 0.054345 × 730 = 39.67185
    ['an ECS task 1 vCPU / 2 GB', ecsTask(1, 2048), 39.67185],
    // 3 replicas of 0.75 / 2 GiB: (0.033375 + 0.009845) × 730 × 3 = 94.6518
    ['three replicas', pod(0.6, 2048, { replicas: { min: 3, max: 3 } }), 94.6518],
  ])('%s', (_name, workload, monthly) => {
    expect(estimateOnGkeAutopilot(workload, 'us-central1', catalog, {}).monthlyUSD).toBeCloseTo(monthly, 9);
  });

  it('leaves ephemeral storage out while its price is unconfirmed, and says so', () => {
    const unconfirmed = new Set<string>();
    const e = estimateOnGkeAutopilot(pod(0.5, 1024), 'us-central1', catalog, { unconfirmed });
    expect(e.warnings).toEqual([
      'GKE Autopilot ephemeral storage price unconfirmed in us-central1 (ephemeral-gib): not estimated; run refresh-prices: 1 GiB per pod left out',
    ]);
    expect([...unconfirmed]).toEqual(['gke-autopilot us-central1 ephemeral-gib']);
  });

  it.each(['asia-northeast3', 'europe-west1', 'asia-northeast1'])(
    'gives null with a warning in %s (no confirmed price)',
    (region) => {
      const e = estimateOnGkeAutopilot(pod(0.5, 1024), region, catalog, {});
      expect(e.monthlyUSD).toBeNull();
      expect(e.warnings).toEqual([
        `GKE Autopilot price unconfirmed in ${region} (vcpu, gib): not estimated; run refresh-prices`,
      ]);
    },
  );

  it('rejects a pod above the maximums with null and a warning', () => {
    const e = estimateOnGkeAutopilot(pod(32, 64 * 1024), 'us-central1', catalog, {});
    expect(e.monthlyUSD).toBeNull();
    expect(e.warnings).toEqual([
      "32 vCPU / 64 GiB exceeds Autopilot's general-purpose maximum (30 vCPU / 110 GiB): the pod would be rejected",
    ]);
  });

  it('bills batch pods per second with no minimum', () => {
    // every minute, 10 s each: 43,800 × 10 s = 121.666… h × 0.032095 (defaults) = 3.904891666…
    const e = estimateOnGkeAutopilot(
      kube({ kind: 'CronJob', schedule: schedule(43800, 10) }),
      'us-central1',
      catalog,
      {},
    );
    expect(e.monthlyUSD).toBeCloseTo((43800 * 10 * 0.032095) / 3600, 9);
    expect(e.monthlyUSD).toBeCloseTo(3.904891666, 6);
  });

  it('prices the maximum replicas separately', () => {
    const e = estimateOnGkeAutopilot(
      pod(0.5, 1024, { replicas: { min: 2, max: 4 } }),
      'us-central1',
      catalog,
      {},
    );
    expect(e.monthlyUSD).toBeCloseTo(39.67185, 9); // 19.835925 × 2
    expect(e.monthlyUSDMax).toBeCloseTo(79.3437, 9); // × 4
  });
});

describe('gke-autopilot-spot', () => {
  it('uses the Spot rates', () => {
    // 0.5 × 0.0133 + 1 × 0.0014767 = 0.0081267 × 730 = 5.932491
    const e = estimateOnGkeAutopilotSpot(pod(0.5, 1024), 'us-central1', catalog, {});
    expect(e.platform).toBe('gke-autopilot-spot');
    expect(e.monthlyUSD).toBeCloseTo(5.932491, 9);
  });

  it('gives null in Seoul', () => {
    const e = estimateOnGkeAutopilotSpot(pod(0.5, 1024), 'asia-northeast3', catalog, {});
    expect(e.monthlyUSD).toBeNull();
    expect(e.warnings).toEqual([
      'GKE Autopilot Spot price unconfirmed in asia-northeast3 (spot-vcpu, spot-gib): not estimated; run refresh-prices',
    ]);
  });
});
