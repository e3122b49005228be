import { extractWorkloads } from '../../src/extract/index.js';
import { fixture } from './helpers.js';

const target = (kind: string, name: string, namespace: string | null, replicas: string): string =>
  `apiVersion: apps/v1
kind: ${kind}
metadata:
  name: ${name}
${namespace === null ? '' : `  namespace: ${namespace}\n`}spec:
${replicas}  template:
    spec:
      containers: [{name: c, resources: {requests: {cpu: 100m, memory: 64Mi}}}]
`;

const hpa = (
  apiVersion: string,
  kind: string,
  name: string,
  namespace: string | null,
  range: string,
): string =>
  `apiVersion: ${apiVersion}
kind: HorizontalPodAutoscaler
metadata:
  name: ${name}-hpa
${namespace === null ? '' : `  namespace: ${namespace}\n`}spec:
  scaleTargetRef:
    apiVersion: apps/v1
    kind: ${kind}
    name: ${name}
${range}`;

describe('HorizontalPodAutoscalers', () => {
  it.each(['autoscaling/v1', 'autoscaling/v2', 'autoscaling/v2beta1', 'autoscaling/v2beta2'])(
    'sets the replica range from %s, found in another file',
    (apiVersion) => {
      const result = extractWorkloads([
        { path: 'a/deploy.yaml', text: target('Deployment', 'web', null, '  replicas: 1\n') },
        {
          path: 'b/hpa.yaml',
          text: hpa(apiVersion, 'Deployment', 'web', null, '  minReplicas: 2\n  maxReplicas: 7\n'),
        },
      ]);
      expect(result.errors).toEqual([]);
      expect(result.skipped).toBe(1);
      expect(result.workloads[0]?.replicas).toEqual({ min: 2, max: 7 });
      expect(result.workloads[0]?.warnings).toEqual([
        'replicas from HorizontalPodAutoscaler `web-hpa`: 2 to 7',
      ]);
    },
  );

  it.each<[string, string, string, string | null, string | null, string, { min: number; max: number }]>([
    [
      'minReplicas defaults to 1',
      'Deployment',
      'Deployment',
      null,
      null,
      '  maxReplicas: 5\n',
      { min: 1, max: 5 },
    ],
    [
      'a StatefulSet',
      'StatefulSet',
      'StatefulSet',
      null,
      null,
      '  minReplicas: 3\n  maxReplicas: 5\n',
      { min: 3, max: 5 },
    ],
    [
      'same namespace',
      'Deployment',
      'Deployment',
      'prod',
      'prod',
      '  minReplicas: 3\n  maxReplicas: 5\n',
      { min: 3, max: 5 },
    ],
    [
      'an HPA without a namespace matches any',
      'Deployment',
      'Deployment',
      'prod',
      null,
      '  minReplicas: 3\n  maxReplicas: 5\n',
      { min: 3, max: 5 },
    ],
    [
      'another namespace does not match',
      'Deployment',
      'Deployment',
      'prod',
      'dev',
      '  minReplicas: 3\n  maxReplicas: 5\n',
      { min: 4, max: 4 },
    ],
    [
      'another kind does not match',
      'Deployment',
      'StatefulSet',
      null,
      null,
      '  minReplicas: 3\n  maxReplicas: 5\n',
      { min: 4, max: 4 },
    ],
    [
      'scale to zero',
      'Deployment',
      'Deployment',
      null,
      null,
      '  minReplicas: 0\n  maxReplicas: 2\n',
      { min: 0, max: 2 },
    ],
  ])('%s', (_name, kind, targetKind, ns, hpaNs, range, replicas) => {
    const text = `${target(kind, 'app', ns, '  replicas: 4\n')}---\n${hpa('autoscaling/v2', targetKind, 'app', hpaNs, range)}`;
    const result = extractWorkloads([{ path: 'x.yaml', text }]);
    expect(result.errors).toEqual([]);
    expect(result.workloads[0]?.replicas).toEqual(replicas);
  });

  it('keeps replicas: 0, which turns the HPA off', () => {
    const text = `${target('Deployment', 'app', null, '  replicas: 0\n')}---\n${hpa('autoscaling/v2', 'Deployment', 'app', null, '  maxReplicas: 3\n')}`;
    const [w] = extractWorkloads([{ path: 'x.yaml', text }]).workloads;
    expect(w?.replicas).toEqual({ min: 0, max: 0 });
    expect(w?.warnings).toEqual([
      'replicas: 0 turns HorizontalPodAutoscaler `app-hpa` off: priced at 0 replicas',
    ]);
  });

  it('uses the first of two HPAs and says so', () => {
    const second = hpa(
      'autoscaling/v2',
      'Deployment',
      'app',
      null,
      '  minReplicas: 9\n  maxReplicas: 9\n',
    ).replace('app-hpa', 'other');
    const text = `${target('Deployment', 'app', null, '')}---\n${hpa('autoscaling/v2', 'Deployment', 'app', null, '  minReplicas: 2\n  maxReplicas: 3\n')}---\n${second}`;
    const [w] = extractWorkloads([{ path: 'x.yaml', text }]).workloads;
    expect(w?.replicas).toEqual({ min: 2, max: 3 });
    expect(w?.warnings[0]).toBe(
      'several HorizontalPodAutoscalers target it (`app-hpa`, `other`): using `app-hpa`',
    );
  });

  it.each<[string, string, number, string]>([
    // Lines: 1 apiVersion, 2 kind, 3 metadata, 4 name, 5 spec, 6–9 scaleTargetRef, 10 the range. A missing field
    // is reported at its closest ancestor (`spec`).
    [
      'no maxReplicas',
      '  minReplicas: 2\n',
      5,
      'HorizontalPodAutoscaler `app-hpa`: spec.maxReplicas: is required',
    ],
    [
      'min above max',
      '  minReplicas: 5\n  maxReplicas: 2\n',
      10,
      'HorizontalPodAutoscaler `app-hpa`: spec.minReplicas: 5 is above maxReplicas 2',
    ],
  ])('reports an HPA with %s', (_name, range, line, message) => {
    const result = extractWorkloads([
      { path: 'hpa.yaml', text: hpa('autoscaling/v2', 'Deployment', 'app', null, range) },
    ]);
    expect(result.errors).toEqual([{ file: 'hpa.yaml', line, message }]);
  });
});

describe('Argo Rollouts (rollout.yaml)', () => {
  const result = extractWorkloads([fixture('rollout.yaml')]);

  it('prices Rollouts like Deployments, with their HPA and workloadRef', () => {
    expect(result.errors).toEqual([]);
    expect(result.workloads.map((w) => [w.kind, w.apiVersion, w.name, w.replicas, w.perReplica])).toEqual([
      // Own template, replicas 5 overridden by the HPA (3 to 12).
      ['Deployment', 'argoproj.io/v1alpha1', 'web', { min: 3, max: 12 }, { vcpu: 0.3, memoryMiB: 256 }],
      // The template of Deployment `base` through workloadRef, its own replicas.
      ['Deployment', 'argoproj.io/v1alpha1', 'by-ref', { min: 3, max: 3 }, { vcpu: 0.75, memoryMiB: 1536 }],
      ['Deployment', 'apps/v1', 'base', { min: 0, max: 0 }, { vcpu: 0.75, memoryMiB: 1536 }],
    ]);
    expect(result.workloads[1]?.warnings).toEqual([
      'pod template from Deployment `base` (`workloadRef`)',
      'Argo Rollout: priced like a Deployment (extra pods during a canary or blue-green step not counted)',
    ]);
  });

  it('reports a workloadRef to a Deployment that is not there', () => {
    const text =
      'apiVersion: argoproj.io/v1alpha1\nkind: Rollout\nmetadata: {name: r}\nspec:\n  workloadRef: {kind: Deployment, name: gone}\n';
    expect(extractWorkloads([{ path: 'r.yaml', text }]).errors).toEqual([
      {
        file: 'r.yaml',
        line: 5,
        message: 'Rollout `r`: spec.workloadRef: Deployment `gone` is not among these files',
      },
    ]);
  });
});

describe('storage', () => {
  it('flags claim templates, claims and ephemeral volumes (gpu-and-storage.yaml)', () => {
    const result = extractWorkloads([fixture('gpu-and-storage.yaml')]);
    expect(result.skipped).toBe(1); // the PersistentVolumeClaim
    expect(result.workloads[0]?.warnings).toEqual([
      'GPU requested: not priced as CPU (container `cuda`: 2 × nvidia.com/gpu)',
      'storage not priced: 100Gi per replica (volumeClaimTemplates `checkpoints`)',
      'storage not priced: 1Ti (PersistentVolumeClaim `datasets`)',
      'storage not priced: 50Gi per replica (ephemeral volume `scratch`)',
    ]);
  });

  it('names a claim that is not among the files', () => {
    const text =
      'apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers: [{name: c}]\n  volumes: [{name: v, persistentVolumeClaim: {claimName: elsewhere}}]\n';
    expect(extractWorkloads([{ path: 'p.yaml', text }]).workloads[0]?.warnings).toEqual([
      'storage not priced: PersistentVolumeClaim `elsewhere` (not among these files)',
    ]);
  });
});

describe('lists', () => {
  it('unwraps a JSON kind: List, each item with its own line and error (list.json)', () => {
    const { path, text } = fixture('list.json');
    const result = extractWorkloads([{ path, text }]);
    // Item `one` starts on line 5: 250m and 512M = 512,000,000 / 1,048,576 = 488.28125 MiB, 2 replicas.
    expect(result.workloads.map((w) => [w.source.line, w.name, w.replicas.min, w.perReplica])).toEqual([
      [5, 'one', 2, { vcpu: 0.25, memoryMiB: 488.28125 }],
    ]);
    // Item `two` is written on one line (15) after `spec`.
    expect(result.errors).toEqual([
      {
        file: path,
        line: 15,
        message: expect.stringContaining(
          'Deployment `two`: spec.template.spec.containers[0].resources.requests.cpu: invalid quantity `lots`',
        ) as unknown,
      },
    ]);
  });

  it('unwraps a typed list whose items leave out their kind', () => {
    const text =
      'apiVersion: apps/v1\nkind: DeploymentList\nitems:\n  - metadata: {name: a}\n    spec:\n      template:\n        spec:\n          containers: [{name: c}]\n';
    const [w] = extractWorkloads([{ path: 'l.yaml', text }]).workloads;
    expect([w?.kind, w?.apiVersion, w?.name, w?.source.line]).toEqual(['Deployment', 'apps/v1', 'a', 4]);
  });
});
