import { loadCatalog } from '../../src/catalog/load-catalog.js';
import { estimateOnEksFargate } from '../../src/platforms/eks-fargate.js';
import type { Workload } from '../../src/types.js';
import { container, ecsTask, kube, schedule } from './make-workload.js';

const catalog = loadCatalog();

describe('eks-fargate (the EKS pod-size rule)', () => {
  it.each<[string, Workload, { vcpu: number; memoryMiB: number }, number]>([
    // cassandra: 500m / 1Gi + 256 MiB = 1280 MiB → 0.5 vCPU / 2 GB; 0.5 × 0.04048 + 2 × 0.004445 = 0.02913 × 730 × 3 = 63.7947
    [
      'cassandra 500m / 1Gi × 3',
      kube({
        kind: 'StatefulSet',
        replicas: { min: 3, max: 3 },
        containers: [container({ cpu: 0.5, memoryMiB: 1024 })],
      }),
      { vcpu: 0.5, memoryMiB: 2048 },
      63.7947,
    ],
    // mysql: 0.6 vCPU / 1124 MiB (+256 = 1380) → 1 vCPU / 2 GB; 0.04048 + 0.00889 = 0.04937 × 730 × 3 = 108.1203
    [
      'mysql 0.6 vCPU / 1124 MiB × 3',
      kube({
        kind: 'StatefulSet',
        replicas: { min: 3, max: 3 },
        containers: [
          container({ name: 'init-mysql', role: 'init' }),
          container({ name: 'clone-mysql', role: 'init' }),
          container({ name: 'mysql', cpu: 0.5, memoryMiB: 1024 }),
          container({ name: 'xtrabackup', cpu: 0.1, memoryMiB: 100 }),
        ],
      }),
      { vcpu: 1, memoryMiB: 2048 },
      108.1203,
    ],
    // 1 vCPU + 8 GB → 8.25 GB → 2 vCPU / 9 GB: 2 × 0.04048 + 9 × 0.004445 = 0.120965 × 730 = 88.30445
    [
      '1 vCPU + 8 GB',
      kube({ containers: [container({ cpu: 1, memoryMiB: 8192 })] }),
      { vcpu: 2, memoryMiB: 9216 },
      88.30445,
    ],
    // nothing requested → 0.25 vCPU / 0.5 GB: 0.0123425 × 730 = 9.010025
    ['nothing requested', kube(), { vcpu: 0.25, memoryMiB: 512 }, 9.010025],
    // guestbook: 100m / 100Mi + 256 = 356 MiB → 0.25 / 0.5 GB
    [
      'guestbook 100m / 100Mi',
      kube({ containers: [container({ cpu: 0.1, memoryMiB: 100 })] }),
      { vcpu: 0.25, memoryMiB: 512 },
      9.010025,
    ],
    // an init container larger than the app: max(init 1 vCPU / 1 GiB, app 0.25 / 256) + 256 → 1 vCPU / 2 GB = 0.04937 × 730 = 36.0401
    [
      'a larger init container',
      kube({
        containers: [
          container({ role: 'init', cpu: 1, memoryMiB: 1024 }),
          container({ cpu: 0.25, memoryMiB: 256 }),
        ],
      }),
      { vcpu: 1, memoryMiB: 2048 },
      36.0401,
    ],
    // an ECS task compared on EKS: 1 vCPU / 2 GB + 256 MiB → 1 vCPU / 3 GB: 0.04048 + 3 × 0.004445 = 0.053815 × 730 = 39.28495
    ['an ECS task', ecsTask(1, 2048), { vcpu: 1, memoryMiB: 3072 }, 39.28495],
  ])('%s', (_name, workload, billed, monthly) => {
    const e = estimateOnEksFargate(workload, 'us-east-1', catalog, {});
    expect(e.platform).toBe('eks-fargate');
    expect(e.billedPerReplica).toEqual(billed);
    expect(e.monthlyUSD).toBeCloseTo(monthly, 9);
  });

  it('states the rule in its lines', () => {
    const e = estimateOnEksFargate(
      kube({ containers: [container({ cpu: 0.5, memoryMiB: 1024 })] }),
      'us-east-1',
      catalog,
      {},
    );
    expect(e.lines[0]).toBe(
      'pod size: requests 0.5 vCPU / 1 GB + 256 MiB for kubelet, kube-proxy and containerd, rounded up to 0.5 vCPU / 2 GB',
    );
  });

  it('bills requested ephemeral storage as requests + 10% + 5 GiB above the included 20 GB', () => {
    // 20 GiB × 1.1 + 5 = 27 GB provisioned, 7 GB billed × 0.000111 = 0.000777 $/h;
    // + 0.25 vCPU / 0.5 GB 0.0123425 = 0.0131195 × 730 = 9.577235
    const e = estimateOnEksFargate(
      kube({ containers: [container({ ephemeralMiB: 20 * 1024 })] }),
      'us-east-1',
      catalog,
      {},
    );
    expect(e.monthlyUSD).toBeCloseTo(9.577235, 9);
  });

  it('prices an ARM64 task at x86 rates, saying so', () => {
    const e = estimateOnEksFargate(ecsTask(1, 2048, { cpuArchitecture: 'ARM64' }), 'us-east-1', catalog, {});
    expect(e.monthlyUSD).toBeCloseTo(39.28495, 9);
    expect(e.warnings).toEqual(['EKS pods on Fargate run Linux/x86 only: priced at x86 rates']);
  });

  it.each<[string, Workload, string]>([
    [
      'a DaemonSet',
      kube({ kind: 'DaemonSet' }),
      'EKS Fargate does not run DaemonSets (each Fargate pod is its own node)',
    ],
    [
      'a Windows task',
      ecsTask(1, 2048, { operatingSystemFamily: 'WINDOWS_SERVER_2022_CORE' }),
      'EKS pods on Fargate run Linux/x86 only',
    ],
    [
      'more than 175 GiB of storage',
      kube({ containers: [container({ ephemeralMiB: 200 * 1024 })] }),
      'ephemeral storage 200 GiB exceeds the EKS Fargate maximum of 175 GiB',
    ],
  ])('cannot run %s', (_name, workload, warning) => {
    const e = estimateOnEksFargate(workload, 'us-east-1', catalog, {});
    expect(e.monthlyUSD).toBeNull();
    expect(e.warnings).toContain(warning);
  });

  it('bills batch pods with the one-minute minimum', () => {
    // every minute, 10 s each → 730 h at 0.25 / 0.5 GB = 9.010025
    expect(
      estimateOnEksFargate(kube({ kind: 'CronJob', schedule: schedule(43800, 10) }), 'us-east-1', catalog, {})
        .monthlyUSD,
    ).toBeCloseTo(9.010025, 9);
  });
});
