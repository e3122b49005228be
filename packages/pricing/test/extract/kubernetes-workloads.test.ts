import { extractWorkloads } from '../../src/extract/index.js';
import { extractText, fixture, only } from './helpers.js';

// A Deployment whose first container has the given `resources` block (as YAML lines at 10 spaces) and replicas line.
function deployment(resources: string, extra = '', name = 'web'): string {
  return `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
spec:
${extra}  template:
    spec:
      containers:
        - name: c
          image: i
          resources:
${resources}`;
}

describe('Kubernetes container requests', () => {
  it.each<[string, string, { vcpu: number; memoryMiB: number }, [number | null, number | null], string]>([
    [
      'requests only',
      '            requests: {cpu: 100m, memory: 64Mi}\n',
      { vcpu: 0.1, memoryMiB: 64 },
      [null, null],
      '0.1 / 64',
    ],
    [
      'limits only: requests default to them',
      '            limits: {cpu: "2", memory: 1Gi}\n',
      { vcpu: 2, memoryMiB: 1024 },
      [2, 1024],
      '2 / 1024',
    ],
    [
      'request wins over limit',
      '            requests: {cpu: 250m}\n            limits: {cpu: 1, memory: 512M}\n',
      { vcpu: 0.25, memoryMiB: 488.28125 },
      [1, 488.28125],
      'memory from the limit: 512e6 / 2^20',
    ],
    [
      'YAML numbers',
      '            requests: {cpu: 0.5, memory: 134217728}\n',
      { vcpu: 0.5, memoryMiB: 128 },
      [null, null],
      '2^27 bytes = 128 MiB',
    ],
    ['nothing stated', '            {}\n', { vcpu: 0, memoryMiB: 0 }, [null, null], 'unstated counts 0'],
  ])('%s', (_name, resources, perReplica, limits) => {
    const w = only(extractText(deployment(resources)));
    expect(w.perReplica).toEqual(perReplica);
    expect([w.containers[0]?.limits.cpu, w.containers[0]?.limits.memoryMiB]).toEqual(limits);
  });

  it('keeps unstated requests as null on the container for platform defaults', () => {
    const w = only(extractText(deployment('            {}\n')));
    expect(w.containers[0]).toMatchObject({ cpu: null, memoryMiB: null, ephemeralMiB: null, gpu: 0 });
  });

  it('reads ephemeral storage', () => {
    const w = only(extractText(deployment('            requests: {ephemeral-storage: 2Gi}\n')));
    expect(w.containers[0]?.ephemeralMiB).toBe(2048);
  });

  it('warns about memory in milli-bytes', () => {
    const w = only(extractText(deployment('            requests: {memory: 512m}\n')));
    expect(w.warnings).toEqual([
      'container `c`: memory requests `512m` is 0.512 bytes (`m` is milli): did you mean `512Mi`?',
    ]);
  });

  it.each<[string, string, number, string]>([
    // The resources block starts on line 12 (`            requests: …`).
    [
      'an invalid quantity',
      '            requests: {cpu: lots}\n',
      12,
      'Deployment `web`: spec.template.spec.containers[0].resources.requests.cpu: invalid quantity `lots`',
    ],
    [
      'a negative quantity',
      '            requests:\n              memory: -1Gi\n',
      13,
      'Deployment `web`: spec.template.spec.containers[0].resources.requests.memory: `-1Gi` must not be negative',
    ],
    [
      'a request above its limit',
      '            limits: {cpu: 500m}\n            requests: {cpu: "1"}\n',
      13,
      'requests.cpu: request `1` is above its limit `500m`',
    ],
    [
      'a mapping where a quantity goes',
      '            requests:\n              cpu: {a: 1}\n',
      13,
      'requests.cpu: invalid quantity: expected a string or a number',
    ],
    // The error is on the field's key, `resources:` on line 11.
    [
      'resources as a list',
      '            - cpu\n',
      11,
      'containers[0].resources: expected a mapping, found a list',
    ],
  ])('reports %s as a SpecError at its line', (_name, resources, line, message) => {
    const result = extractText(deployment(resources), 'web.yaml');
    expect(result.workloads).toEqual([]);
    expect(result.errors).toEqual([
      { file: 'web.yaml', line, message: expect.stringContaining(message) as unknown },
    ]);
  });

  it('refuses a pod without containers, and an init container with another restartPolicy', () => {
    const noContainers = 'apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers: []\n';
    expect(extractText(noContainers).errors).toEqual([
      { file: 'spec.yaml', line: 5, message: 'Pod `p`: spec.containers: a pod needs at least one container' },
    ]);
    const badPolicy =
      'apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  initContainers:\n    - name: i\n      restartPolicy: OnFailure\n  containers: [{name: c}]\n';
    expect(extractText(badPolicy).errors).toEqual([
      {
        file: 'spec.yaml',
        line: 7,
        message:
          'Pod `p`: spec.initContainers[0].restartPolicy: must be `Always` (a sidecar) or unset, found "OnFailure"',
      },
    ]);
  });

  it('uses pod-level resources when the pod states them', () => {
    const text =
      'apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  resources:\n    requests: {cpu: "2"}\n    limits: {memory: 4Gi}\n  containers:\n    - {name: a, resources: {requests: {cpu: 500m, memory: 1Gi}}}\n';
    // Pod-level cpu request 2 replaces 0.5; pod-level memory limit 4Gi (no request) replaces 1 GiB.
    expect(only(extractText(text)).perReplica).toEqual({ vcpu: 2, memoryMiB: 4096 });
  });

  it('reports GPUs on the container, with a warning', () => {
    const w = only(extractWorkloads([fixture('gpu-and-storage.yaml')]));
    expect(w.containers[0]).toMatchObject({ name: 'cuda', cpu: 4, memoryMiB: 16384, gpu: 2 });
    expect(w.warnings).toContain('GPU requested: not priced as CPU (container `cuda`: 2 × nvidia.com/gpu)');
  });
});

describe('Kubernetes kinds and replicas', () => {
  const pod = (kind: string, apiVersion: string, spec: string): string =>
    `apiVersion: ${apiVersion}\nkind: ${kind}\nmetadata:\n  name: x\n  namespace: ns\nspec:\n${spec}`;
  const template =
    '  template:\n    spec:\n      containers: [{name: c, resources: {requests: {cpu: 100m, memory: 100Mi}}}]\n';

  it.each<[string, string, string, string, { min: number; max: number }, string[]]>([
    ['Deployment without replicas', 'Deployment', 'apps/v1', template, { min: 1, max: 1 }, []],
    [
      'Deployment with replicas: 0',
      'Deployment',
      'apps/v1',
      `  replicas: 0\n${template}`,
      { min: 0, max: 0 },
      [],
    ],
    ['StatefulSet', 'StatefulSet', 'apps/v1', `  replicas: 4\n${template}`, { min: 4, max: 4 }, []],
    ['ReplicaSet', 'ReplicaSet', 'apps/v1', `  replicas: 2\n${template}`, { min: 2, max: 2 }, []],
    [
      'DaemonSet',
      'DaemonSet',
      'apps/v1',
      template,
      { min: 1, max: 1 },
      ['DaemonSet: one pod per node; priced for 1 node (multiply by your node count)'],
    ],
    ['ReplicationController', 'ReplicaSet', 'v1', `  replicas: 3\n${template}`, { min: 3, max: 3 }, []],
    [
      'Pod',
      'Pod',
      'v1',
      '  containers: [{name: c, resources: {requests: {cpu: 100m, memory: 100Mi}}}]\n',
      { min: 1, max: 1 },
      [],
    ],
  ])('%s', (name, kind, apiVersion, spec, replicas, warnings) => {
    const written = name === 'ReplicationController' ? 'ReplicationController' : kind;
    const w = only(extractText(pod(written, apiVersion, spec)));
    expect(w).toMatchObject({
      kind,
      apiVersion,
      name: 'x',
      namespace: 'ns',
      origin: 'kubernetes',
      replicas,
      schedule: null,
    });
    expect(w.perReplica).toEqual({ vcpu: 0.1, memoryMiB: 100 });
    if (name === 'ReplicationController') warnings = ['ReplicationController: priced like a ReplicaSet'];
    expect(w.warnings).toEqual(warnings);
  });

  it('takes the name from generateName when there is no name', () => {
    const text =
      'apiVersion: batch/v1\nkind: Job\nmetadata: {generateName: pi-}\nspec:\n  template:\n    spec:\n      containers: [{name: c}]\n';
    expect(only(extractText(text)).name).toBe('pi-');
  });
});

describe('Jobs and CronJobs', () => {
  const job = (spec: string, annotations = ''): string =>
    `apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: j\n${annotations}spec:\n${spec}  template:\n    spec:\n      containers: [{name: c, resources: {requests: {cpu: 1, memory: 1Gi}}}]\n`;

  it.each<
    [
      string,
      string,
      string,
      object | undefined,
      { runsPerMonth: number; durationSeconds: number; parallelism: number },
      string,
    ]
  >([
    [
      'defaults',
      '',
      '',
      undefined,
      { runsPerMonth: 1, durationSeconds: 60, parallelism: 1 },
      '1 run a month (default; set the `slipway.dev/runs-per-month` annotation), 60 s each (default; set the `slipway.dev/run-duration` annotation)',
    ],
    // 6 completions, 2 at a time: 3 pod durations a run = 60 × 6 / 2 = 180 s with 2 pods.
    [
      'completions and parallelism',
      '  completions: 6\n  parallelism: 2\n',
      '',
      undefined,
      { runsPerMonth: 1, durationSeconds: 180, parallelism: 2 },
      '; 6 completions, 2 at a time: 180 s a run',
    ],
    // Work queue: parallelism 3 without completions → 3 pods, one pod duration.
    [
      'a work queue',
      '  parallelism: 3\n',
      '',
      undefined,
      { runsPerMonth: 1, durationSeconds: 60, parallelism: 3 },
      '3 completions, 3 at a time: 60 s a run',
    ],
    // Parallelism above completions: only 5 pods run: 60 × 5 / 5 = 60 s.
    [
      'parallelism above completions',
      '  completions: 5\n  parallelism: 10\n',
      '',
      undefined,
      { runsPerMonth: 1, durationSeconds: 60, parallelism: 5 },
      '5 completions, 5 at a time',
    ],
    // Options: 4 runs of 30 s.
    [
      'options',
      '',
      '',
      { runsPerMonth: 4, runDurationSeconds: 30 },
      { runsPerMonth: 4, durationSeconds: 30, parallelism: 1 },
      '4 runs a month (the runs-per-month option), 30 s each (the run-duration option)',
    ],
    // Annotations win over options: 30 runs of 2 m = 120 s.
    [
      'annotations over options',
      '',
      '  annotations: {slipway.dev/runs-per-month: "30", slipway.dev/run-duration: 2m}\n',
      { runsPerMonth: 4, runDurationSeconds: 30 },
      { runsPerMonth: 30, durationSeconds: 120, parallelism: 1 },
      '30 runs a month (`slipway.dev/runs-per-month: 30`), 120 s each (`slipway.dev/run-duration: 2m`)',
    ],
    [
      'suspended',
      '  suspend: true\n',
      '',
      undefined,
      { runsPerMonth: 0, durationSeconds: 60, parallelism: 1 },
      '0 runs a month (suspended)',
    ],
  ])('Job: %s', (_name, spec, annotations, options, schedule, assumption) => {
    const w = only(extractWorkloads([{ path: 'job.yaml', text: job(spec, annotations) }], options));
    expect(w.kind).toBe('Job');
    expect(w.replicas).toEqual({ min: 1, max: 1 });
    expect(w.schedule).toMatchObject(schedule);
    expect(w.schedule?.assumption).toContain(assumption);
  });

  it('prices a CronJob from its schedule, annotation and job parallelism (cronjob-business-hours.yaml)', () => {
    const w = only(extractWorkloads([fixture('cronjob-business-hours.yaml')]));
    expect(w).toMatchObject({
      kind: 'CronJob',
      apiVersion: 'batch/v1',
      name: 'report',
      perReplica: { vcpu: 1, memoryMiB: 1024 },
    });
    // 4 runs an hour × 9 hours (9–17) × 5/7 of days × 730/24 days = 131,400 / 168 = 782.142857…
    expect(w.schedule?.runsPerMonth).toBeCloseTo(131_400 / 168, 9);
    // 90 s per pod (annotation), 4 completions 2 at a time: 90 × 4 / 2 = 180 s a run with 2 pods.
    expect(w.schedule).toMatchObject({ durationSeconds: 180, parallelism: 2 });
    expect(w.schedule?.assumption).toBe(
      'schedule `*/15 9-17 * * 1-5`: 782.14 runs a month (730 h), 90 s each (`slipway.dev/run-duration: 90s`); 4 completions, 2 at a time: 180 s a run',
    );
  });

  it('reads the run duration from the job template too, and honours a suspended CronJob', () => {
    const text = `apiVersion: batch/v1
kind: CronJob
metadata: {name: c}
spec:
  schedule: "@hourly"
  suspend: true
  jobTemplate:
    metadata:
      annotations: {slipway.dev/run-duration: 5m}
    spec:
      template:
        spec:
          containers: [{name: c}]
`;
    const w = only(extractText(text));
    expect(w.schedule).toMatchObject({ runsPerMonth: 0, durationSeconds: 300 });
    expect(w.warnings).toEqual(['suspended (`suspend: true`): no runs until it is resumed']);
  });

  const cron = (metadata: string, schedule: string): string =>
    `apiVersion: batch/v1beta1\nkind: CronJob\nmetadata:\n  name: c\n${metadata}spec:\n${schedule}  jobTemplate:\n    spec:\n      template:\n        spec:\n          containers: [{name: c}]\n`;
  it.each<[string, string, number, string]>([
    // Line 6 is the schedule (after apiVersion, kind, metadata, name, spec).
    [
      'an invalid schedule',
      cron('', '  schedule: "61 * * * *"\n'),
      6,
      'CronJob `c`: spec.schedule: invalid schedule `61 * * * *`',
    ],
    // No schedule: the closest ancestor, `spec`, on line 5.
    ['a missing schedule', cron('', ''), 5, 'CronJob `c`: spec.schedule: is required'],
    // Line 5 holds the annotations mapping.
    [
      'an invalid run duration',
      cron('  annotations: {slipway.dev/run-duration: soon}\n', '  schedule: "@daily"\n'),
      5,
      'CronJob `c`: metadata.annotations.slipway.dev/run-duration: invalid duration `soon`',
    ],
  ])('reports %s at its line', (_name, text, line, message) => {
    expect(extractText(text).errors).toEqual([
      { file: 'spec.yaml', line, message: expect.stringContaining(message) as unknown },
    ]);
  });
});
