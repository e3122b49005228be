import { extractWorkloads, KUSTOMIZATION_FILE_NAMES } from '../../src/extract/index.js';
import { extractText, fixture } from './helpers.js';

const HELM = 'Helm template: render it first (`helm template …`)';

describe('Helm templates', () => {
  it('refuses a template at the line of its first action (helm-deployment.yaml)', () => {
    // Line 4: `  name: {{ include "app.fullname" . }}`.
    expect(extractWorkloads([fixture('helm-deployment.yaml')])).toEqual({
      workloads: [],
      errors: [{ file: 'fixtures/helm-deployment.yaml', line: 4, message: HELM }],
      skipped: 0,
      kustomizations: [],
    });
  });

  it('refuses a file under templates/ next to a Chart.yaml, even without actions', () => {
    const result = extractWorkloads([
      { path: 'chart/Chart.yaml', text: 'apiVersion: v2\nname: app\nversion: 1.0.0\n' },
      {
        path: 'chart/templates/pod.yaml',
        text: 'apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec: {containers: [{name: c}]}\n',
      },
      {
        path: 'other/templates/pod.yaml',
        text: 'apiVersion: v1\nkind: Pod\nmetadata: {name: q}\nspec: {containers: [{name: c}]}\n',
      },
    ]);
    expect(result.errors).toEqual([{ file: 'chart/templates/pod.yaml', line: 1, message: HELM }]);
    expect(result.workloads.map((w) => w.name)).toEqual(['q']);
    expect(result.skipped).toBe(1); // Chart.yaml: no kind
  });

  it('refuses template actions that break the YAML', () => {
    const text = 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: {{ name }}\n  labels: [\n';
    expect(extractText(text).errors).toEqual([{ file: 'spec.yaml', line: 4, message: HELM }]);
  });

  it('reads YAML whose strings merely contain {{ (prometheus-rule.yaml)', () => {
    const result = extractWorkloads([fixture('prometheus-rule.yaml')]);
    expect(result.errors).toEqual([]);
    expect(result.skipped).toBe(1);
    expect(result.workloads.map((w) => [w.kind, w.name, w.source.line, w.perReplica])).toEqual([
      ['Pod', 'tiny', 13, { vcpu: 0.01, memoryMiB: 16 }],
    ]);
  });
});

describe('kustomizations', () => {
  it.each(KUSTOMIZATION_FILE_NAMES)(
    'records %s for the caller, with what it cannot resolve simply',
    (name) => {
      const { text } = fixture('kustomization-with-patches.yaml');
      const result = extractWorkloads([{ path: `overlays/prod/${name}`, text }]);
      expect(result).toEqual({
        workloads: [],
        errors: [],
        skipped: 0,
        kustomizations: [
          {
            path: `overlays/prod/${name}`,
            resources: ['../base', 'extra.yaml'],
            namespace: 'prod',
            unsupported: ['patches', 'images'],
          },
        ],
      });
    },
  );

  it('recognises kind: Kustomization under another name, but not Flux Kustomizations', () => {
    const result = extractWorkloads([
      {
        path: 'k.yaml',
        text: 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: [a.yaml]\nreplicas: [{name: web, count: 3}]\n',
      },
      {
        path: 'flux.yaml',
        text: 'apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata: {name: apps}\nspec: {path: ./apps}\n',
      },
    ]);
    expect(result.kustomizations).toEqual([
      { path: 'k.yaml', resources: ['a.yaml'], namespace: null, unsupported: ['replicas'] },
    ]);
    expect(result.skipped).toBe(1);
  });
});

describe('extractWorkloads', () => {
  it('counts documents without compute as skipped and prices nothing for them', () => {
    const text = [
      'apiVersion: v1\nkind: Namespace\nmetadata: {name: n}',
      'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata: {a: b}',
      'apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: s}',
      'apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {name: i}',
      'apiVersion: storage.k8s.io/v1\nkind: StorageClass\nmetadata: {name: fast}\nprovisioner: x',
      'apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata: {name: p}',
      'just a string',
      '- a list',
      'name: no kind here',
      '',
    ].join('\n---\n');
    expect(extractText(text)).toEqual({ workloads: [], errors: [], skipped: 9, kustomizations: [] });
  });

  it('reads every file even when some are broken, in file and document order', () => {
    const result = extractWorkloads([
      fixture('broken-line-7.yaml'),
      fixture('broken-task-def-line-4.json'),
      fixture('native-sidecars.yaml'),
    ]);
    expect(result.errors.map((e) => [e.file, e.line])).toEqual([
      ['fixtures/broken-line-7.yaml', 7],
      ['fixtures/broken-task-def-line-4.json', 4],
    ]);
    // The second document of broken-line-7.yaml (line 10) has no resources; native-sidecars.yaml starts on line 2.
    expect(result.workloads.map((w) => [w.source.file, w.source.line, w.name])).toEqual([
      ['fixtures/broken-line-7.yaml', 10, 'fine'],
      ['fixtures/native-sidecars.yaml', 2, 'sidecars'],
    ]);
  });

  it('reads a Kubernetes object written as JSON', () => {
    const text =
      '{"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "j"},\n "spec": {"replicas": 2, "template": {"spec": {"containers": [{"name": "c", "resources": {"limits": {"cpu": "1"}}}]}}}}';
    const result = extractText(text, 'd.json');
    expect(result.workloads.map((w) => [w.name, w.replicas, w.perReplica])).toEqual([
      ['j', { min: 2, max: 2 }, { vcpu: 1, memoryMiB: 0 }],
    ]);
  });

  it('reports a YAML alias bomb instead of expanding it', () => {
    const levels = ['a: &a [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 8; i++)
      levels.push(
        `${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(10)
          .fill(`*${String.fromCharCode(96 + i)}`)
          .join(', ')}]`,
      );
    const result = extractText(`${levels.join('\n')}\nkind: Pod\n`);
    expect(result.workloads).toEqual([]);
    expect(result.errors).toHaveLength(1);
    expect(result.errors[0]?.message).toMatch(/^YAML: .*alias/i);
  });

  it.each<[object, string]>([
    [{ runDurationSeconds: 0 }, 'runDurationSeconds must be a positive number of seconds, got 0'],
    [{ runDurationSeconds: Number.NaN }, 'runDurationSeconds must be a positive number of seconds, got NaN'],
    [{ runsPerMonth: -1 }, 'runsPerMonth must be a number ≥ 0, got -1'],
  ])('refuses the options %p', (options, message) => {
    expect(() => extractWorkloads([], options)).toThrow(new RangeError(message));
  });

  it('extracts thousands of generated documents through the fast reader', () => {
    const doc = (i: number): string =>
      `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: app-${i}\n  labels: {app: app-${i}}\nspec:\n  replicas: ${(i % 5) + 1}\n  template:\n    spec:\n      containers:\n        - name: main\n          image: example/app:${i}\n          ports: [{containerPort: 8080}]\n          resources:\n            requests: {cpu: ${(i % 8) + 1}00m, memory: ${(i % 4) + 1}Gi}\n`;
    const files = Array.from({ length: 20 }, (_, f) => ({
      path: `f${f}.yaml`,
      text: Array.from({ length: 250 }, (_, d) => doc(f * 250 + d)).join('---\n'),
    }));
    const result = extractWorkloads(files);
    expect(result.errors).toEqual([]);
    expect(result.workloads).toHaveLength(5000);
    // Document 4321: replicas 4321 % 5 + 1 = 2; cpu (4321 % 8 + 1) × 100m = 0.2; memory (4321 % 4 + 1) GiB = 2048 MiB;
    // it is document 4321 − 17 × 250 = 71 (from 0) of file 17; each takes 15 lines + a `---`, so it starts on line
    // 71 × 16 + 1 = 1137.
    expect(result.workloads[4321]).toMatchObject({
      name: 'app-4321',
      source: { file: 'f17.yaml', line: 1137 },
      replicas: { min: 2, max: 2 },
      perReplica: { vcpu: 0.2, memoryMiB: 2048 },
    });
  });
});
