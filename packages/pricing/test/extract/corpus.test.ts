// Acceptance: every real-world file in ../shared/corpus/real-world (read in place, never copied into the project)
// yields the facts its README states, and is byte-for-byte the file the README lists.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { ExtractResult, Workload } from '../../src/types.js';
import { extractWorkloads } from '../../src/extract/index.js';
import { REPO_ROOT } from './helpers.js';

const CORPUS = resolve(REPO_ROOT, '../shared/corpus/real-world');

function corpusBytes(name: string): Buffer {
  if (!existsSync(CORPUS)) {
    throw new Error(
      `real-world corpus not found: looked for ${CORPUS} (../shared/corpus/real-world from the repository root)`,
    );
  }
  return readFileSync(join(CORPUS, name));
}

function extract(...names: string[]): ExtractResult {
  return extractWorkloads(names.map((name) => ({ path: name, text: corpusBytes(name).toString('utf8') })));
}

// Steady-state totals: replicas.min × per-replica size, summed.
function totals(workloads: Workload[]): { vcpu: number; memoryMiB: number } {
  return workloads.reduce(
    (sum, w) => ({
      vcpu: sum.vcpu + w.replicas.min * w.perReplica.vcpu,
      memoryMiB: sum.memoryMiB + w.replicas.min * w.perReplica.memoryMiB,
    }),
    { vcpu: 0, memoryMiB: 0 },
  );
}

const containerFacts = (w: Workload | undefined): unknown =>
  w?.containers.map((c) => [c.name, c.role, c.cpu, c.memoryMiB, c.limits.cpu, c.limits.memoryMiB]);

// README "Integrity": git blob ids (`git hash-object`) and sizes.
const INTEGRITY: Array<[string, number, string]> = [
  ['02-guestbook-all-in-one.yaml', 3366, 'a223dabe3a9b2644739ae080c24cae6a4f6ebcbd'],
  ['03-cassandra-statefulset.yaml', 2831, '536fd7fb5719188eb93464f8c723b063dc2537af'],
  ['05-mysql-statefulset.yaml', 5678, '3c2853e9453b025b11d5b6d6fc89c219a5dde9ce'],
  ['06-cronjob-v1beta1.yaml', 418, '9c607f4b352fab75380b91f3b8f6c4b4cd827cc6'],
  ['11-istio-bookinfo.yaml', 7975, '1ef7204e535ea6ff29d3981f6eba5f7b78a728eb'],
  ['12-istio-kind-list.yaml', 1248, '6142991d8785472c013cdeb06e4c5968e6020589'],
  ['14-podinfo-kustomize/kustomization.yaml', 125, 'f6a64bbfd5edefa203d3e639afc9cd2546c2778b'],
  ['14-podinfo-kustomize/deployment.yaml', 1713, 'dae5bfa202bea1c976a7d0a5f55746ddfe56a715'],
  ['14-podinfo-kustomize/hpa.yaml', 379, '9824ef1d254277b9f4acb618e489b5948815733e'],
  ['14-podinfo-kustomize/service.yaml', 271, '9450823d5a09afc116a37ee16da12f53a6f4836d'],
  ['16-firelens-newrelic-task-def.json', 1109, 'a1df1e48638235ae8bcb6dbc5b1bca862413ce76'],
  ['17-appmesh-firelens-colorteller-task-def.json', 3955, '74ce1f3644aa1820d8259527f36cf8920a089080'],
  ['20-nginx-ec2.json', 672, 'df4e786d914830b8e2d20eb227d7540e9194b7ec'],
  ['20-nginx-fargate.json', 708, '33dbf50c329db5e66d0de6dfc51400fa79c40e51'],
  ['22-cloud-run-multi-container-service.yaml', 3795, '5a66f7b7b54ac9e58c7d76fc74393c7abb9b6f4b'],
];

describe('real-world corpus', () => {
  it('is where the tests look for it', () => {
    expect({ corpus: CORPUS, exists: existsSync(CORPUS) }).toEqual({ corpus: CORPUS, exists: true });
  });

  it('holds exactly the files the README lists, and this test covers each of them', () => {
    const found: string[] = [];
    const walk = (dir: string, prefix: string): void => {
      for (const name of readdirSync(dir)) {
        if (prefix === '' && (name === 'README.md' || name === 'LICENSES')) continue;
        if (statSync(join(dir, name)).isDirectory()) walk(join(dir, name), `${prefix}${name}/`);
        else found.push(`${prefix}${name}`);
      }
    };
    if (!existsSync(CORPUS)) throw new Error(`real-world corpus not found: looked for ${CORPUS}`);
    walk(CORPUS, '');
    expect(found.sort()).toEqual(INTEGRITY.map(([name]) => name).sort());
  });

  it.each(INTEGRITY)('%s is unmodified (%p bytes, git blob %s)', (name, size, blobId) => {
    const bytes = corpusBytes(name);
    // git hash-object: sha1 over "blob <length>\0" followed by the bytes.
    const id = createHash('sha1').update(`blob ${bytes.length}\0`).update(bytes).digest('hex');
    expect([bytes.length, id]).toEqual([size, blobId]);
  });

  it('02-guestbook-all-in-one.yaml: 3 Deployments of 100m / 100Mi requests, Services skipped', () => {
    const result = extract('02-guestbook-all-in-one.yaml');
    expect(result.errors).toEqual([]);
    expect(result.skipped).toBe(3);
    expect(result.workloads.map((w) => [w.kind, w.name, w.source.line, w.replicas, w.perReplica])).toEqual([
      ['Deployment', 'redis-master', 18, { min: 1, max: 1 }, { vcpu: 0.1, memoryMiB: 100 }],
      ['Deployment', 'redis-replica', 62, { min: 2, max: 2 }, { vcpu: 0.1, memoryMiB: 100 }],
      ['Deployment', 'frontend', 117, { min: 3, max: 3 }, { vcpu: 0.1, memoryMiB: 100 }],
    ]);
    // Requests only: no limits.
    expect(result.workloads.map(containerFacts)).toEqual([
      [['master', 'app', 0.1, 100, null, null]],
      [['replica', 'app', 0.1, 100, null, null]],
      [['php-redis', 'app', 0.1, 100, null, null]],
    ]);
    // 1 + 2 + 3 = 6 pods × 0.1 vCPU / 100 MiB = 0.6 vCPU / 600 MiB.
    const total = totals(result.workloads);
    expect(total.vcpu).toBeCloseTo(0.6, 12);
    expect(total.memoryMiB).toBe(600);
  });

  it('03-cassandra-statefulset.yaml: 3 × 500m / 1Gi, StorageClass skipped, storage flagged', () => {
    const result = extract('03-cassandra-statefulset.yaml');
    expect(result.errors).toEqual([]);
    expect(result.skipped).toBe(1);
    const [w] = result.workloads;
    expect(result.workloads).toHaveLength(1);
    expect(w).toMatchObject({
      kind: 'StatefulSet',
      name: 'cassandra',
      replicas: { min: 3, max: 3 },
      perReplica: { vcpu: 0.5, memoryMiB: 1024 },
    });
    // Quoted "500m" requests = limits, 1Gi = 1024 MiB.
    expect(containerFacts(w)).toEqual([['cassandra', 'app', 0.5, 1024, 0.5, 1024]]);
    expect(w?.warnings).toEqual([
      'storage not priced: 1Gi per replica (volumeClaimTemplates `cassandra-data`)',
    ]);
    // 3 × 0.5 = 1.5 vCPU; 3 × 1024 = 3072 MiB (3 GiB).
    expect(totals(result.workloads)).toEqual({ vcpu: 1.5, memoryMiB: 3072 });
  });

  it('05-mysql-statefulset.yaml: init containers count 0, both app containers sum', () => {
    const result = extract('05-mysql-statefulset.yaml');
    expect(result.errors).toEqual([]);
    const [w] = result.workloads;
    expect(w).toMatchObject({ kind: 'StatefulSet', name: 'mysql', replicas: { min: 3, max: 3 } });
    expect(containerFacts(w)).toEqual([
      ['init-mysql', 'init', null, null, null, null],
      ['clone-mysql', 'init', null, null, null, null],
      ['mysql', 'app', 0.5, 1024, null, null],
      ['xtrabackup', 'app', 0.1, 100, null, null],
    ]);
    // Per pod: 0.5 + 0.1 = 0.6 vCPU; 1024 + 100 = 1124 MiB. Total × 3: 1.8 vCPU / 3372 MiB.
    expect(w?.perReplica).toEqual({ vcpu: 0.6, memoryMiB: 1124 });
    const total = totals(result.workloads);
    expect(total.vcpu).toBeCloseTo(1.8, 12);
    expect(total.memoryMiB).toBe(3372);
    expect(w?.warnings).toEqual(['storage not priced: 10Gi per replica (volumeClaimTemplates `data`)']);
  });

  it('06-cronjob-v1beta1.yaml: a batch/v1beta1 CronJob every minute, priced per run', () => {
    const result = extract('06-cronjob-v1beta1.yaml');
    expect(result.errors).toEqual([]);
    const [w] = result.workloads;
    expect(w).toMatchObject({
      kind: 'CronJob',
      apiVersion: 'batch/v1beta1',
      name: 'hello',
      replicas: { min: 1, max: 1 },
      perReplica: { vcpu: 0, memoryMiB: 0 },
    });
    expect(containerFacts(w)).toEqual([['hello', 'app', null, null, null, null]]);
    // 1440 runs a day × 730 / 24 days = 43,800 runs, 60 s each by default.
    expect(w?.schedule).toEqual({
      runsPerMonth: 43_800,
      durationSeconds: 60,
      parallelism: 1,
      assumption:
        'schedule `* * * * *`: 43,800 runs a month (730 h), 60 s each (default; set the `slipway.dev/run-duration` annotation)',
    });
  });

  it('11-istio-bookinfo.yaml: 6 Deployments without resources, 8 other documents, a trailing empty one', () => {
    const result = extract('11-istio-bookinfo.yaml');
    expect(result.errors).toEqual([]);
    expect(result.skipped).toBe(8); // 4 Services + 4 ServiceAccounts; the empty document is not a document
    expect(result.workloads.map((w) => [w.kind, w.name, w.replicas.min, w.perReplica])).toEqual(
      ['details-v1', 'ratings-v1', 'reviews-v1', 'reviews-v2', 'reviews-v3', 'productpage-v1'].map((name) => [
        'Deployment',
        name,
        1,
        { vcpu: 0, memoryMiB: 0 },
      ]),
    );
    expect(
      result.workloads.every(
        (w) =>
          w.containers.length === 1 && w.containers[0]?.cpu === null && w.containers[0]?.memoryMiB === null,
      ),
    ).toBe(true);
  });

  it('12-istio-kind-list.yaml: the List is unwrapped into 2 × 3 pods without requests', () => {
    const result = extract('12-istio-kind-list.yaml');
    expect(result.errors).toEqual([]);
    expect(
      result.workloads.map((w) => [
        w.kind,
        w.name,
        w.source.line,
        w.replicas,
        w.perReplica,
        containerFacts(w),
      ]),
    ).toEqual([
      [
        'Deployment',
        'hello-v1',
        4,
        { min: 3, max: 3 },
        { vcpu: 0, memoryMiB: 0 },
        [['hello', 'app', null, null, null, null]],
      ],
      [
        'Deployment',
        'hello-v2',
        31,
        { min: 3, max: 3 },
        { vcpu: 0, memoryMiB: 0 },
        [['hello', 'app', null, null, null, null]],
      ],
    ]);
  });

  it('14-podinfo-kustomize: the HPA sets 2 to 4 replicas of 100m / 64Mi', () => {
    const result = extract(
      '14-podinfo-kustomize/kustomization.yaml',
      '14-podinfo-kustomize/hpa.yaml',
      '14-podinfo-kustomize/deployment.yaml',
      '14-podinfo-kustomize/service.yaml',
    );
    expect(result.errors).toEqual([]);
    expect(result.kustomizations).toEqual([
      {
        path: '14-podinfo-kustomize/kustomization.yaml',
        resources: ['hpa.yaml', 'deployment.yaml', 'service.yaml'],
        namespace: null,
        unsupported: [],
      },
    ]);
    expect(result.skipped).toBe(2); // the HPA and the Service
    const [w] = result.workloads;
    expect(result.workloads).toHaveLength(1);
    // No `replicas` in the Deployment: the HPA's minReplicas (2), not 1.
    expect(w).toMatchObject({
      kind: 'Deployment',
      name: 'podinfo',
      replicas: { min: 2, max: 4 },
      perReplica: { vcpu: 0.1, memoryMiB: 64 },
    });
    expect(containerFacts(w)).toEqual([['podinfod', 'app', 0.1, 64, 2, 512]]);
    expect(w?.warnings).toEqual(['replicas from HorizontalPodAutoscaler `podinfo`: 2 to 4']);
    // Steady state 2 × (0.1, 64) = 0.2 vCPU / 128 MiB; at most 4 × = 0.4 vCPU / 256 MiB.
    expect(totals(result.workloads)).toEqual({ vcpu: 0.2, memoryMiB: 128 });
    expect([4 * (w?.perReplica.vcpu ?? 0), 4 * (w?.perReplica.memoryMiB ?? 0)]).toEqual([0.4, 256]);
  });

  it.each<[string, string, { vcpu: number; memoryMiB: number }, object, unknown[]]>([
    [
      '16-firelens-newrelic-task-def.json',
      'newrelic-firelens-example',
      // "1 vcpu" = 1024 units = 1 vCPU; "2 gb" = 2 × 1024 MiB. The containers do not add to the task size.
      { vcpu: 1, memoryMiB: 2048 },
      { taskCpu: 1, taskMemoryMiB: 2048, launchType: 'FARGATE', networkMode: 'awsvpc' },
      [
        ['log_router', 'app', null, null, null, null],
        ['webserver', 'app', 0.5, 1024, null, null], // cpu 512 / 1024; memoryReservation 1024
      ],
    ],
    [
      '17-appmesh-firelens-colorteller-task-def.json',
      'appmesh-firelens-colorteller-black',
      // "1024" units = 1 vCPU, "2048" MiB; three containers, still 1 vCPU / 2 GB.
      { vcpu: 1, memoryMiB: 2048 },
      { taskCpu: 1, taskMemoryMiB: 2048, launchType: 'FARGATE', networkMode: 'awsvpc' },
      [
        ['log_router', 'app', null, 50, null, null],
        ['app', 'app', null, null, null, null],
        ['envoy', 'app', null, null, null, null],
      ],
    ],
    [
      '20-nginx-ec2.json',
      'nginx',
      // No task size: the one container's "256" units = 0.25 vCPU and "256" MiB hard limit.
      { vcpu: 0.25, memoryMiB: 256 },
      { taskCpu: null, taskMemoryMiB: null, launchType: 'EC2', networkMode: 'bridge' },
      [['nginx', 'app', 0.25, 256, null, 256]],
    ],
    [
      '20-nginx-fargate.json',
      'nginx',
      // Task "256" units = 0.25 vCPU, "512" MiB = 0.5 GB.
      { vcpu: 0.25, memoryMiB: 512 },
      { taskCpu: 0.25, taskMemoryMiB: 512, launchType: 'FARGATE', networkMode: 'awsvpc' },
      [['nginx', 'app', 0.25, 256, null, 256]],
    ],
  ])('%s: task definition `%s`', (file, family, perReplica, ecs, containers) => {
    const result = extract(file);
    expect(result.errors).toEqual([]);
    const [w] = result.workloads;
    expect(result.workloads).toHaveLength(1);
    expect(w).toMatchObject({
      origin: 'ecs',
      kind: 'TaskDefinition',
      name: family,
      source: { file, line: 1 },
      replicas: { min: 1, max: 1 },
      perReplica,
      ecs: { ...ecs, cpuArchitecture: 'X86_64', operatingSystemFamily: 'LINUX', ephemeralGiB: null },
      warnings: [],
    });
    expect(containerFacts(w)).toEqual(containers);
  });

  it('22-cloud-run-multi-container-service.yaml: 1.5 vCPU / 768 MiB an instance, flagged, request-based', () => {
    const result = extract('22-cloud-run-multi-container-service.yaml');
    expect(result.errors).toEqual([]);
    const [w] = result.workloads;
    expect(w).toMatchObject({
      origin: 'cloud-run',
      kind: 'Service',
      name: 'MC_SERVICE_NAME',
      source: { line: 15 },
      // No min/max-scale annotations: min 0, Cloud Run's default max.
      replicas: { min: 0, max: 100 },
      // nginx 500m + hello 1000m = 1.5 vCPU; 256 + 512 = 768 MiB.
      perReplica: { vcpu: 1.5, memoryMiB: 768 },
      cloudRun: { billing: 'request', minInstances: 0, maxInstances: null, concurrency: null, region: null },
    });
    expect(containerFacts(w)).toEqual([
      ['nginx', 'app', 0.5, 256, 0.5, 256],
      ['hello', 'sidecar', 1, 512, 1, 512],
    ]);
    expect(w?.warnings).toEqual([
      '1.5 vCPU per instance (sum of 2 containers) is unusual: above 1 vCPU Cloud Run needs a whole number of vCPU, so the billed size may differ (UNCONFIRMED)',
      "max instances not set: Cloud Run's default of 100 assumed (UNCONFIRMED)",
      'label cloud.googleapis.com/location: `REGION` is not a Cloud Run region (a placeholder?): ignored',
    ]);
  });
});
