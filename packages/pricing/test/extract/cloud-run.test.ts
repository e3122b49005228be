import { extractWorkloads } from '../../src/extract/index.js';
import { extractText, fixture, only } from './helpers.js';

// A Cloud Run service with these revision annotations (YAML lines at 8 spaces) and containers (at 8 spaces).
function service(annotations: string, containers: string, serviceAnnotations = ''): string {
  return `apiVersion: serving.knative.dev/v1
kind: Service
metadata:
  name: svc
${serviceAnnotations}spec:
  template:
    metadata:
      annotations:
${annotations}    spec:
      containers:
${containers}`;
}
const oneContainer = (limits: string): string =>
  `        - image: app\n          ports: [{containerPort: 8080}]\n          resources:\n            limits: {${limits}}\n`;

describe('Cloud Run services', () => {
  it('reads scaling, billing, concurrency and region (cloud-run-service.yaml)', () => {
    const w = only(extractWorkloads([fixture('cloud-run-service.yaml')]));
    expect(w).toMatchObject({
      origin: 'cloud-run',
      kind: 'Service',
      apiVersion: 'serving.knative.dev/v1',
      name: 'api',
      replicas: { min: 2, max: 20 },
      perReplica: { vcpu: 2, memoryMiB: 2048 },
      schedule: null,
      ecs: null,
      cloudRun: {
        billing: 'instance',
        minInstances: 2,
        maxInstances: 20,
        concurrency: 40,
        region: 'asia-northeast3',
      },
      warnings: [],
    });
    expect(w.containers).toEqual([
      {
        name: '#0',
        role: 'app',
        cpu: 2,
        memoryMiB: 2048,
        ephemeralMiB: null,
        gpu: 0,
        limits: { cpu: 2, memoryMiB: 2048 },
      },
    ]);
  });

  it.each<[string, string, string, string, { min: number; max: number }, number | null]>([
    [
      'the newer run.googleapis.com annotations',
      '        run.googleapis.com/min-scale: "1"\n        run.googleapis.com/max-scale: "5"\n',
      '',
      '',
      { min: 1, max: 5 },
      5,
    ],
    [
      'numbers instead of strings',
      '        autoscaling.knative.dev/minScale: 3\n        autoscaling.knative.dev/maxScale: 4\n',
      '',
      '',
      { min: 3, max: 4 },
      4,
    ],
    [
      'a service-level minimum',
      '        autoscaling.knative.dev/maxScale: "10"\n',
      '  annotations:\n    run.googleapis.com/minScale: "2"\n',
      '',
      { min: 2, max: 10 },
      10,
    ],
    [
      'the revision wins over the service',
      '        autoscaling.knative.dev/minScale: "1"\n        autoscaling.knative.dev/maxScale: "10"\n',
      '  annotations:\n    run.googleapis.com/minScale: "4"\n',
      '',
      { min: 1, max: 10 },
      10,
    ],
  ])('reads %s', (_name, annotations, serviceAnnotations, _unused, replicas, maxInstances) => {
    const w = only(
      extractText(service(annotations, oneContainer('cpu: "1", memory: 512Mi'), serviceAnnotations)),
    );
    expect(w.replicas).toEqual(replicas);
    expect(w.cloudRun?.maxInstances).toBe(maxInstances);
    expect(w.cloudRun?.billing).toBe('request');
  });

  it('assumes the default size and max instances when unstated, and says they are unconfirmed', () => {
    const w = only(extractText(service('        {}\n', '        - image: app\n')));
    expect(w.perReplica).toEqual({ vcpu: 1, memoryMiB: 512 });
    expect(w.containers[0]).toMatchObject({ cpu: null, memoryMiB: null });
    expect(w.replicas).toEqual({ min: 0, max: 100 });
    expect(w.cloudRun).toMatchObject({
      minInstances: 0,
      maxInstances: null,
      billing: 'request',
      region: null,
    });
    expect(w.warnings).toEqual([
      "container `#0` states no CPU and memory limits: Cloud Run's default of 1 vCPU / 512 MiB assumed (UNCONFIRMED)",
      "max instances not set: Cloud Run's default of 100 assumed (UNCONFIRMED)",
    ]);
  });

  it.each<[string, string, string]>([
    ['too much CPU', 'cpu: "10", memory: 8Gi', '10 vCPU per instance: Cloud Run allows at most 8 vCPU'],
    [
      'a fraction above 1',
      'cpu: 1500m, memory: 1Gi',
      '1.5 vCPU per instance is unusual: above 1 vCPU Cloud Run needs a whole number of vCPU, so the billed size may differ (UNCONFIRMED)',
    ],
    [
      'a CPU Cloud Run does not offer',
      'cpu: "3", memory: 4Gi',
      '3 vCPU per instance: Cloud Run offers 1, 2, 4, 6 or 8 vCPU above 1',
    ],
    [
      'too little memory for 4 vCPU',
      'cpu: "4", memory: 1Gi',
      "1,024 MiB per instance is outside Cloud Run's 2,048–16,384 MiB for 4 vCPU",
    ],
    [
      'too much memory for 1 vCPU',
      'cpu: "1", memory: 8Gi',
      "8,192 MiB per instance is outside Cloud Run's 128–4,096 MiB for 1 vCPU",
    ],
  ])('warns about %s', (_name, limits, warning) => {
    const w = only(
      extractText(service('        autoscaling.knative.dev/maxScale: "3"\n', oneContainer(limits))),
    );
    expect(w.warnings).toEqual([warning]);
  });

  it('sums the containers of a multi-container instance and warns below 1 vCPU in all', () => {
    const containers = `${oneContainer('cpu: 250m, memory: 256Mi')}        - image: side\n          name: side\n          resources:\n            limits: {cpu: 250m, memory: 128Mi}\n`;
    const w = only(extractText(service('        autoscaling.knative.dev/maxScale: "3"\n', containers)));
    // 0.25 + 0.25 = 0.5 vCPU; 256 + 128 = 384 MiB.
    expect(w.perReplica).toEqual({ vcpu: 0.5, memoryMiB: 384 });
    expect(w.containers.map((c) => c.role)).toEqual(['app', 'sidecar']);
    expect(w.warnings).toEqual([
      '0.5 vCPU per instance (sum of 2 containers): a multi-container instance needs at least 1 vCPU in all',
    ]);
  });

  it('reports GPUs', () => {
    const w = only(
      extractText(
        service(
          '        autoscaling.knative.dev/maxScale: "1"\n',
          oneContainer('cpu: "4", memory: 16Gi, nvidia.com/gpu: "1"'),
        ),
      ),
    );
    expect(w.containers[0]?.gpu).toBe(1);
    expect(w.warnings).toEqual(['GPU requested: not priced as CPU (container `#0`: 1 × nvidia.com/gpu)']);
  });

  it('reports an annotation that is not a number at its line', () => {
    // Lines: 1 apiVersion, 2 kind, 3 metadata, 4 name, 5 spec, 6 template, 7 metadata, 8 annotations, 9 minScale.
    const result = extractText(
      service('        autoscaling.knative.dev/minScale: two\n', oneContainer('cpu: "1"')),
      'svc.yaml',
    );
    expect(result.errors).toEqual([
      {
        file: 'svc.yaml',
        line: 9,
        message:
          'Service `svc`: spec.template.metadata.annotations.autoscaling.knative.dev/minScale: expected a whole number ≥ 0, found "two"',
      },
    ]);
  });

  it('leaves Kubernetes Services alone', () => {
    const result = extractText(
      'apiVersion: v1\nkind: Service\nmetadata: {name: s}\nspec: {ports: [{port: 80}]}\n',
    );
    expect(result).toMatchObject({ workloads: [], errors: [], skipped: 1 });
  });
});

describe('Cloud Run jobs', () => {
  it('reads tasks, parallelism, annotations and region (cloud-run-job.yaml)', () => {
    const w = only(extractWorkloads([fixture('cloud-run-job.yaml')]));
    expect(w).toMatchObject({
      kind: 'CloudRunJob',
      apiVersion: 'run.googleapis.com/v1',
      name: 'nightly-export',
      replicas: { min: 1, max: 1 },
      perReplica: { vcpu: 2, memoryMiB: 4096 },
      cloudRun: {
        billing: 'instance',
        minInstances: 0,
        maxInstances: null,
        concurrency: null,
        region: 'europe-west1',
      },
      warnings: [],
    });
    // 30 executions (annotation) of 10 tasks, 4 at a time, 5 min each: 300 × 10 / 4 = 750 s with 4 tasks.
    expect(w.schedule).toEqual({
      runsPerMonth: 30,
      durationSeconds: 750,
      parallelism: 4,
      assumption:
        '30 runs a month (`slipway.dev/runs-per-month: 30`), 300 s each (`slipway.dev/run-duration: 5m`); 10 tasks, 4 at a time: 750 s a run',
    });
  });

  const job = (executionSpec: string, taskSpec = ''): string =>
    `apiVersion: run.googleapis.com/v1\nkind: Job\nmetadata: {name: j}\nspec:\n  template:\n    spec:\n${executionSpec}      template:\n        spec:\n${taskSpec}          containers: [{image: x, resources: {limits: {cpu: "1", memory: 512Mi}}}]\n`;

  it.each<
    [
      string,
      string,
      string,
      object | undefined,
      { runsPerMonth: number; durationSeconds: number; parallelism: number },
    ]
  >([
    [
      'defaults: one task, once a month, 60 s',
      '',
      '',
      undefined,
      { runsPerMonth: 1, durationSeconds: 60, parallelism: 1 },
    ],
    // Parallelism unset: all 6 tasks at once, 60 × 6 / 6 = 60 s.
    [
      'all tasks at once',
      '      taskCount: 6\n',
      '',
      undefined,
      { runsPerMonth: 1, durationSeconds: 60, parallelism: 6 },
    ],
    // Options: 8 runs of 45 s; 3 tasks 1 at a time = 45 × 3 / 1 = 135 s.
    [
      'options',
      '      taskCount: 3\n      parallelism: 1\n',
      '',
      { runsPerMonth: 8, runDurationSeconds: 45 },
      { runsPerMonth: 8, durationSeconds: 135, parallelism: 1 },
    ],
  ])('%s', (_name, executionSpec, taskSpec, options, schedule) => {
    const w = only(extractWorkloads([{ path: 'job.yaml', text: job(executionSpec, taskSpec) }], options));
    expect(w.schedule).toMatchObject(schedule);
    expect(w.cloudRun?.billing).toBe('instance');
  });

  it('warns when the run duration exceeds the task timeout', () => {
    const w = only(extractWorkloads([{ path: 'job.yaml', text: job('', '          timeoutSeconds: 30\n') }]));
    expect(w.warnings).toEqual(['run duration 60 s is above the task timeout of 30 s']);
  });
});
