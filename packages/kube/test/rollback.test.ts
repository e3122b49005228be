import { previousTemplate, rollbackDeployment } from '../src/rollback.js';
import type { KubeClient } from '../src/client.js';
import type { KubeObject } from '../src/types.js';
import type { KubeStandIn } from '../../../test/stand-ins/kube.js';
import type { Clock } from '../../../test/stand-ins/clock.js';
import { startCluster } from './cluster.js';

const rs = (revision: number, image: string, owner = 'uid-1'): KubeObject => ({
  apiVersion: 'apps/v1',
  kind: 'ReplicaSet',
  metadata: {
    name: `web-${revision}`,
    annotations: { 'deployment.kubernetes.io/revision': String(revision) },
    ownerReferences: [{ uid: owner }],
  },
  spec: {
    template: {
      metadata: { labels: { app: 'web', 'pod-template-hash': `h${revision}` } },
      spec: { containers: [{ name: 'web', image }] },
    },
  },
});
const deployment = (revision: number): KubeObject => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: {
    name: 'web',
    uid: 'uid-1',
    annotations: { 'deployment.kubernetes.io/revision': String(revision) },
  },
});

describe('previousTemplate', () => {
  it.each([
    { current: 3, sets: [rs(1, 'a'), rs(2, 'b'), rs(3, 'c')], image: 'b', revision: 2 },
    { current: 3, sets: [rs(1, 'a'), rs(3, 'c')], image: 'a', revision: 1 },
    { current: 2, sets: [rs(1, 'a', 'someone-else'), rs(2, 'b')], image: undefined, revision: undefined },
    { current: 1, sets: [rs(1, 'a')], image: undefined, revision: undefined },
  ])('revision $current of $sets.length sets → $image', ({ current, sets, image, revision }) => {
    const prev = previousTemplate(deployment(current), sets);
    expect(prev?.revision).toBe(revision);
    expect(
      (prev?.template.spec as { containers: Array<{ image: string }> } | undefined)?.containers[0]?.image,
    ).toBe(image);
    if (prev !== undefined) expect(prev.template.metadata).toEqual({ labels: { app: 'web' } });
  });
});

describe('rollbackDeployment', () => {
  let kube: KubeStandIn;
  let client: KubeClient;
  let clock: Clock;
  beforeAll(async () => {
    ({ kube, client, clock } = await startCluster());
  });
  afterAll(async () => {
    client.close();
    await kube.stop();
  });

  const apply = async (image: string): Promise<KubeObject> => {
    const body: KubeObject = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', namespace: 'default' },
      spec: {
        selector: { matchLabels: { app: 'web' } },
        template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image }] } },
      },
    };
    await client.request({
      method: 'PATCH',
      path: '/apis/apps/v1/namespaces/default/deployments/web',
      query: { fieldManager: 'slipway' },
      contentType: 'application/apply-patch+yaml',
      body,
    });
    clock.advance(10_000);
    await client.request({ method: 'GET', path: '/version' });
    return body;
  };

  it('has nothing to roll back to on the first revision', async () => {
    expect(await rollbackDeployment(client, await apply('web:1'))).toEqual({
      rolledBack: false,
      reason: 'no previous revision to roll back to (current revision 1)',
    });
  });

  it('puts the previous template back, as a new revision, as field manager slipway', async () => {
    const applied = await apply('web:2');
    expect(await rollbackDeployment(client, applied)).toEqual({
      rolledBack: true,
      fromRevision: 2,
      toRevision: 1,
      images: ['web:1'],
    });
    clock.advance(10_000);
    const live = await client.request<KubeObject>({
      method: 'GET',
      path: '/apis/apps/v1/namespaces/default/deployments/web',
    });
    expect(
      (live.spec as { template: { spec: { containers: Array<{ image: string }> } } }).template.spec
        .containers[0]?.image,
    ).toBe('web:1');
    expect(live.metadata.annotations?.['deployment.kubernetes.io/revision']).toBe('3');
    expect((live.metadata.managedFields as Array<{ manager: string }>).map((m) => m.manager)).toEqual([
      'slipway',
    ]);
  });
});
