import { describeDiagnosis, diagnose, selectorString } from '../src/diagnose.js';
import type { KubeClient } from '../src/client.js';
import type { KubeObject } from '../src/types.js';
import type { KubeStandIn } from '../../../test/stand-ins/kube.js';
import type { Clock } from '../../../test/stand-ins/clock.js';
import { startCluster } from './cluster.js';

function deployment(
  name: string,
  image: string,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: 'default' },
    spec: {
      replicas: 2,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: { containers: [{ name: 'main', image }], ...extra },
      },
    },
  };
}

describe('diagnose', () => {
  let kube: KubeStandIn;
  let client: KubeClient;
  let clock: Clock;
  beforeAll(async () => {
    ({ kube, client, clock } = await startCluster({ autopilot: true }));
    kube.setImageBehaviour('img:pull', { kind: 'pull-error' });
    kube.setImageBehaviour('img:crash', { kind: 'crash', logs: ['starting', 'fatal: no DATABASE_URL'] });
    kube.setImageBehaviour('img:oom', { kind: 'oom' });
  });
  afterAll(async () => {
    client.close();
    await kube.stop();
  });

  const deployAndWait = async (object: Record<string, unknown>): Promise<KubeObject> => {
    const name = String((object.metadata as { name: string }).name);
    await client.request({
      method: 'PATCH',
      path: `/apis/apps/v1/namespaces/default/deployments/${name}`,
      query: { fieldManager: 't' },
      contentType: 'application/apply-patch+yaml',
      body: object,
    });
    clock.advance(20_000);
    return client.request<KubeObject>({
      method: 'GET',
      path: `/apis/apps/v1/namespaces/default/deployments/${name}`,
    });
  };

  it.each([
    {
      name: 'pull',
      image: 'img:pull',
      extra: {},
      problem: 'pods pull-',
      detail: 'container main: ImagePullBackOff: Back-off pulling image "img:pull"',
    },
    {
      name: 'crash',
      image: 'img:crash',
      extra: {},
      problem: 'pods crash-',
      detail: 'container main exited with code 1 (Error, 1 restarts)',
    },
    {
      name: 'oom',
      image: 'img:oom',
      extra: {},
      problem: 'pods oom-',
      detail: 'container main was OOMKilled (exit code 137',
    },
    {
      name: 'picky',
      image: 'img:ok',
      extra: { nodeSelector: { gpu: 'a100' } },
      problem: 'pods picky-',
      detail: "unschedulable: 0/2 nodes are available: 2 node(s) didn't match Pod's node affinity/selector.",
    },
  ])('explains $name', async ({ name, image, extra, problem, detail }) => {
    const d = await diagnose(client, await deployAndWait(deployment(name, image, extra)));
    expect(d.problems).toContainEqual(expect.stringContaining(detail));
    expect(d.problems.every((p) => p.startsWith(problem)) ? [] : d.problems).toEqual([]);
    expect(d.events.length).toBeGreaterThan(0);
  });

  it('keeps the last log lines of a crashing container', async () => {
    const d = await diagnose(client, await deployAndWait(deployment('crash', 'img:crash')));
    expect(d.logs).toEqual([
      {
        pod: expect.stringMatching(/^crash-/),
        container: 'main',
        lines: ['starting', 'fatal: no DATABASE_URL'],
      },
    ]);
    expect(describeDiagnosis(d).join('\n')).toContain('last log lines of crash-');
  });

  it('reports what Autopilot set for containers without requests', async () => {
    const d = await diagnose(client, await deployAndWait(deployment('unsized', 'img:pull')));
    expect(d.adjustments).toEqual([
      'Autopilot set the resources of container main: requests cpu=500m, ephemeral-storage=1Gi, memory=2Gi',
    ]);
  });

  it('looks only at the newest revision of a Deployment', async () => {
    await deployAndWait(deployment('rev', 'img:ok'));
    const broken = await deployAndWait(deployment('rev', 'img:pull'));
    const d = await diagnose(client, broken);
    // The old pods still run fine; only the new ones are looked at.
    expect(d.problems).toEqual([expect.stringMatching(/^pod rev-\w+-\w+: container main: ImagePullBackOff/)]);
  });
});

describe('selectorString', () => {
  it.each([
    { selector: { matchLabels: { app: 'web', tier: 'fe' } }, text: 'app=web,tier=fe' },
    {
      selector: {
        matchExpressions: [
          { key: 'env', operator: 'In', values: ['a', 'b'] },
          { key: 'x', operator: 'DoesNotExist' },
        ],
      },
      text: 'env in (a,b),!x',
    },
    { selector: {}, text: undefined },
  ])('$text', ({ selector, text }) => {
    expect(selectorString(selector)).toBe(text);
  });
});
