import { loadCatalog } from '../../src/catalog/load-catalog.js';
import { estimate } from '../../src/estimate/estimate.js';
import { diffReports, primaryPlatformOf } from '../../src/report/cost-diff.js';
import { cloudRunService, container, ecsTask, kube } from '../platforms/make-workload.js';

const catalog = loadCatalog();
const web = (replicas: number) =>
  kube({
    name: 'web',
    namespace: 'shop',
    replicas: { min: replicas, max: replicas },
    containers: [container({ cpu: 0.5, memoryMiB: 1024 })],
  });

describe('primaryPlatformOf', () => {
  it.each([
    ['TaskDefinition', 'ecs-fargate'],
    ['Service', 'cloud-run'],
    ['CloudRunJob', 'cloud-run-jobs'],
    ['Deployment', 'gke-autopilot'],
    ['CronJob', 'gke-autopilot'],
  ] as const)('%s → %s', (kind, platform) => {
    expect(primaryPlatformOf(kind, 'gke-autopilot')).toBe(platform);
  });
});

describe('diffReports', () => {
  const base = estimate([web(1)], {}, catalog);
  const head = estimate([web(2), ecsTask(1, 2048)], {}, catalog);
  const diff = diffReports(base, head);

  it("builds the headline on each workload's own platform, with the Kubernetes cluster fee", () => {
    // before: web × 1 on gke-autopilot 19.835925 + GKE fee 73 = 92.835925
    // after: web × 2 39.67185 + 73 + the task on ecs-fargate 36.0401 = 148.71195
    expect(diff.headline.kind).toBe('increase');
    expect(diff.headline.beforeUSD).toBeCloseTo(92.835925, 9);
    expect(diff.headline.afterUSD).toBeCloseTo(148.71195, 9);
    expect(diff.headline.differenceUSD).toBeCloseTo(55.876025, 9);
    expect(diff.headline.percent).toBeCloseTo((55.876025 / 92.835925) * 100, 9);
    expect(diff.headline.unpriced).toBe(0);
    expect(diff.kubernetesPlatform).toBe('gke-autopilot');
  });

  it('matches workloads by kind, namespace, name and file', () => {
    expect(
      diff.workloads.map((w) => [w.kind, w.namespace, w.name, w.file, w.status, w.primaryPlatform]),
    ).toEqual([
      ['Deployment', 'shop', 'web', 'k8s/app.yaml', 'changed', 'gke-autopilot'],
      ['TaskDefinition', null, 'task', 'ecs/task.json', 'added', 'ecs-fargate'],
    ]);
    const w = diff.workloads[0];
    expect(w?.beforeUSD).toBeCloseTo(19.835925, 9);
    expect(w?.afterUSD).toBeCloseTo(39.67185, 9);
    expect(w?.percent).toBeCloseTo(100, 9);
    const added = diff.workloads[1];
    expect([added?.beforeUSD, added?.percent]).toEqual([0, null]);
  });

  it('compares each platform, null where a side is unpriced', () => {
    const spot = diff.platforms.find((p) => p.platform === 'ecs-fargate-spot');
    expect(spot).toMatchObject({
      beforeUSD: null,
      afterUSD: null,
      differenceUSD: null,
      percent: null,
      unpriced: 2,
    });
    const fargate = diff.platforms.find((p) => p.platform === 'ecs-fargate');
    // before 18.02005; after 2 × 18.02005 + 36.0401 = 72.0802; difference 54.06015
    expect(fargate?.differenceUSD).toBeCloseTo(54.06015, 9);
    expect(diff.cheapest).toEqual({ before: 'ecs-fargate', after: 'ecs-fargate' });
  });

  it('reports no change, removals and a chosen Kubernetes platform', () => {
    const same = diffReports(base, estimate([web(1)], {}, catalog));
    expect(same.headline).toMatchObject({ kind: 'none', differenceUSD: 0, percent: 0 });
    expect(same.workloads[0]?.status).toBe('unchanged');

    const removed = diffReports(head, base, { kubernetesPlatform: 'eks-fargate' });
    expect(removed.headline.kind).toBe('decrease');
    // before: web × 2 on eks-fargate 2 × 21.2649 + 73 + task 36.0401 = 151.5699; after: 21.2649 + 73 = 94.2649
    expect(removed.headline.beforeUSD).toBeCloseTo(151.5699, 9);
    expect(removed.headline.afterUSD).toBeCloseTo(94.2649, 9);
    expect(removed.workloads.find((w) => w.kind === 'TaskDefinition')?.status).toBe('removed');
  });

  it('has no percentage when there was nothing before', () => {
    const fresh = diffReports(
      estimate([], {}, catalog),
      estimate([cloudRunService([{ cpu: 1, memoryMiB: 512 }], { minInstances: 1 })], {}, catalog),
    );
    expect(fresh.headline).toMatchObject({ kind: 'increase', beforeUSD: 0, percent: null });
    expect(fresh.headline.afterUSD).toBeCloseTo(9.855, 9); // one idle request-based min-instance
  });

  it('counts workloads it could not price on their own platform', () => {
    const seoul = diffReports(
      estimate([], { region: 'ap-northeast-2' }, catalog),
      estimate([web(1)], { region: 'ap-northeast-2' }, catalog),
    );
    expect(seoul.headline.unpriced).toBe(1);
    expect(seoul.headline.afterUSD).toBeCloseTo(73, 9); // only the cluster fee is known
  });
});
