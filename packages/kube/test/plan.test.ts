import { planDeploy } from '../src/plan.js';
import type { ResolvedManifest } from '../src/plan.js';
import type { KubeObject } from '../src/types.js';

const resource = (kind: string, namespaced = true) => ({
  group: '',
  version: 'v1',
  plural: `${kind.toLowerCase()}s`,
  kind,
  namespaced,
});
const r = (object: KubeObject, line = 1, namespaced = true): ResolvedManifest => ({
  manifest: { object, source: { file: 'm.yaml', line } },
  resource: resource(object.kind, namespaced),
  namespaced,
});
const deploy = (name: string, withRequests = true): KubeObject => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name },
  spec: {
    template: {
      spec: {
        containers: [
          {
            name,
            image: `ghcr.io/acme/${name}:1`,
            ...(withRequests ? { resources: { requests: { cpu: '100m' } } } : {}),
          },
        ],
      },
    },
  },
});

describe('planDeploy', () => {
  it('orders, namespaces and lists the workloads to wait for', () => {
    const plan = planDeploy(
      [
        r(deploy('web')),
        r({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' } }, 5, false),
        r({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'web' } }, 9),
      ],
      {
        namespace: 'shop',
        platform: { name: 'EKS' },
      },
    );
    expect(plan.objects.map((o) => [o.manifest.object.kind, o.manifest.object.metadata.namespace])).toEqual([
      ['Namespace', undefined],
      ['Service', 'shop'],
      ['Deployment', 'shop'],
    ]);
    expect(plan.workloads.map((w) => w.manifest.object.metadata.name)).toEqual(['web']);
    expect(plan.images).toEqual(['ghcr.io/acme/web:1']);
    expect(plan.objects.every((o) => o.resource !== undefined)).toBe(true);
  });

  it.each([
    {
      platform: { name: 'GKE Autopilot', requestsNote: 'Autopilot bills.' },
      warnings: ['deployment/d/api container api: no CPU or memory requests. Autopilot bills.'],
    },
    { platform: { name: 'GKE Standard' }, warnings: [] },
  ])(
    'warns about missing requests only where the platform sizes pods by them ($platform.name)',
    ({ platform, warnings }) => {
      expect(
        planDeploy([r(deploy('web')), r(deploy('api', false))], { namespace: 'd', platform }).warnings,
      ).toEqual(warnings);
    },
  );

  it('reports an object defined twice at the second place', () => {
    const plan = planDeploy([r(deploy('web'), 1), r(deploy('web'), 20)], {
      namespace: 'd',
      platform: { name: 'EKS' },
    });
    expect(plan.errors.map((e) => e.message)).toEqual([
      'm.yaml:20: deployment/d/web is also defined at m.yaml:1',
    ]);
  });
});
