import {
  COMMIT_ANNOTATION,
  MANAGED_BY_LABEL,
  RUN_URL_ANNOTATION,
  containersWithoutRequests,
  decorate,
} from '../src/decorate.js';
import type { KubeObject, Manifest } from '../src/types.js';

const at = (object: KubeObject): Manifest => ({ object, source: { file: 'm.yaml', line: 1 } });
const deploy = (kind = 'Deployment', resources?: object): KubeObject => ({
  apiVersion: 'apps/v1',
  kind,
  metadata: { name: 'web', labels: { app: 'web' } },
  spec: {
    template: {
      spec: {
        containers: [{ name: 'web', image: 'x:1', ...(resources === undefined ? {} : { resources }) }],
      },
    },
  },
});
const namespaced = (o: KubeObject) => o.kind !== 'Namespace';

describe('decorate', () => {
  it.each([
    { object: deploy(), namespace: 'shop' },
    { object: { ...deploy(), metadata: { name: 'web', namespace: 'own' } }, namespace: 'own' },
    {
      object: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop', namespace: 'stray' } },
      namespace: undefined,
    },
  ])('namespaces $object.kind $object.metadata.name into $namespace', ({ object, namespace }) => {
    const [m] = decorate([at(object)], { namespace: 'shop', namespaced });
    expect(m?.object.metadata.namespace).toBe(namespace);
  });

  it('labels and annotates the deploy, keeping what the manifest had', () => {
    const [m] = decorate([at(deploy())], {
      namespace: 'd',
      namespaced,
      commit: 'abc',
      runUrl: 'https://github.com/o/r/actions/runs/1',
    });
    expect(m?.object.metadata.labels).toEqual({ app: 'web', [MANAGED_BY_LABEL]: 'slipway' });
    expect(m?.object.metadata.annotations).toEqual({
      [COMMIT_ANNOTATION]: 'abc',
      [RUN_URL_ANNOTATION]: 'https://github.com/o/r/actions/runs/1',
    });
  });

  it.each([
    {
      platform: 'gke' as const,
      kind: 'Deployment',
      expected: {
        nodeSelector: { 'cloud.google.com/gke-spot': 'true' },
        tolerations: [
          { key: 'cloud.google.com/gke-spot', operator: 'Equal', value: 'true', effect: 'NoSchedule' },
        ],
      },
    },
    {
      platform: 'eks' as const,
      kind: 'Deployment',
      expected: { nodeSelector: { 'karpenter.sh/capacity-type': 'spot' } },
    },
    { platform: 'gke' as const, kind: 'DaemonSet', expected: {} },
  ])('spot on $platform for a $kind', ({ platform, kind, expected }) => {
    const [m] = decorate([at(deploy(kind))], { namespace: 'd', namespaced, spot: platform });
    const spec = (m?.object.spec as { template: { spec: Record<string, unknown> } }).template.spec;
    expect({ nodeSelector: spec.nodeSelector, tolerations: spec.tolerations }).toEqual({
      nodeSelector: undefined,
      tolerations: undefined,
      ...expected,
    });
  });

  it('does not add a Spot toleration twice', () => {
    const object = deploy();
    (object.spec as { template: { spec: Record<string, unknown> } }).template.spec.tolerations = [
      { key: 'cloud.google.com/gke-spot', operator: 'Exists', effect: 'NoSchedule' },
    ];
    const [m] = decorate([at(object)], { namespace: 'd', namespaced, spot: 'gke' });
    expect(
      (m?.object.spec as { template: { spec: { tolerations: unknown[] } } }).template.spec.tolerations,
    ).toHaveLength(1);
  });
});

describe('containersWithoutRequests', () => {
  it.each([
    { resources: undefined, missing: true },
    { resources: { limits: { cpu: '1' } }, missing: true },
    { resources: { requests: { memory: '1Gi' } }, missing: false },
    { resources: { requests: { cpu: '100m' } }, missing: false },
  ])('resources $resources → missing $missing', ({ resources, missing }) => {
    expect(containersWithoutRequests([at(deploy('Deployment', resources))])).toEqual(
      missing ? ['deployment/web container web'] : [],
    );
  });
});
