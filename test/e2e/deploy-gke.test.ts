// deploy-gke end to end: the bundled action (actions/deploy-gke/dist) run by the harness as the runner runs it,
// against a GKE cluster of stand-ins: the workflow's federated credentials (an external_account file, as
// google-github-actions/auth writes it) exchanged for access tokens by google-auth-library, clusters.get over REST,
// and a Kubernetes API over HTTPS that accepts only live tokens Google issued; one simulated clock.
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { REPO_ROOT } from '../harness/action-manifest.js';
import { runAction } from '../harness/run-action.js';
import type { ActionRun } from '../harness/run-action.js';
import { startGkeCluster } from '../stand-ins/kube-cluster.js';
import type { GkeTestCluster } from '../stand-ins/kube-cluster.js';
import { actionsOf, appliedOf, errorsOf, fixtureWorkspace, warningsOf } from '../stand-ins/kube-workspace.js';
import type { Workspace } from '../stand-ins/kube-workspace.js';
import type { KubeObject } from '../stand-ins/kube.js';

const ACTION = join(REPO_ROOT, 'actions', 'deploy-gke');
const TIMEOUT = 60_000;

function deployment(cluster: GkeTestCluster, name = 'web'): KubeObject {
  const found = cluster.kube.object('apps', 'deployments', 'default', name);
  if (found === undefined) throw new Error(`deployment default/${name} does not exist`);
  return found;
}

function podSpec(object: KubeObject): Record<string, unknown> {
  return ((object.spec as { template: { spec: Record<string, unknown> } }).template.spec ?? {}) as Record<
    string,
    unknown
  >;
}

function fails(run: ActionRun): string {
  return (
    errorsOf(run).find((m) => m.startsWith('deploy-gke:')) ??
    `(no failure annotation; exit ${run.exitCode})\n${run.log}`
  );
}

function deployWith(
  cluster: GkeTestCluster,
  ws: Workspace,
  inputs: Record<string, string>,
  env: Record<string, string> = {},
): Promise<ActionRun> {
  return runAction(ACTION, {
    inputs: { cluster: cluster.name, location: cluster.location, 'poll-interval': '1s', ...inputs },
    env: { ...cluster.env, ...env },
    workspace: ws.dir,
    secrets: [cluster.subjectToken],
    timeoutMs: TIMEOUT,
  });
}

describe('deploy-gke: a release on Autopilot', () => {
  let cluster: GkeTestCluster;
  let ws: Workspace;
  let first: ActionRun;
  beforeAll(async () => {
    cluster = await startGkeCluster({ autopilot: true });
    ws = await fixtureWorkspace();
    cluster.kube.setImageBehaviour('us-docker.pkg.dev/slipway-test/apps/web:9.9.9', { kind: 'pull-error' });
    await ws.write('app/shop.yaml', await readFile(join(ws.dir, 'kustomize', 'deployment.yaml'), 'utf8'));
    first = await deployWith(cluster, ws, {
      manifests: 'app',
      images: 'web=us-docker.pkg.dev/slipway-test/apps/web:1.0.0',
    });
  }, TIMEOUT);
  afterAll(async () => {
    await cluster.stop();
    await ws.remove();
  });

  it('exchanges the federated token, reads the cluster, and deploys with Google access tokens', () => {
    expect(first.exitCode).toBe(0);
    expect(actionsOf(first)).toMatchObject({
      'Deployment/web': 'created',
      'Deployment/shop': 'created',
      'CronJob/cleanup': 'created',
    });
    expect(cluster.gke.calls('sts.token').map((c) => c.status)).toEqual([200]);
    expect(cluster.gke.calls('container.clusters.get').map((c) => [c.path, c.status])).toEqual([
      ['/v1/projects/slipway-test/locations/us-central1/clusters/production', 200],
    ]);
    const issued = cluster.gke.issuedTokens.map((t) => t.token);
    expect(new Set(cluster.kube.callers.map((c) => c.token))).toEqual(new Set(issued));
    for (const token of issued) expect(first.masked).toContain(token);
    expect(first.summary).toContain('GKE cluster `production` (slipway-test, us-central1, public endpoint)');
  });

  it('substitutes NAME=IMAGE in the Deployment and in the CronJob', () => {
    expect(podSpec(deployment(cluster)).containers).toEqual([
      expect.objectContaining({ image: 'us-docker.pkg.dev/slipway-test/apps/web:1.0.0' }),
    ]);
    const cron = cluster.kube.object('batch', 'cronjobs', 'default', 'cleanup') as KubeObject;
    expect(JSON.stringify(cron.spec)).toContain('"image":"us-docker.pkg.dev/slipway-test/apps/web:1.0.0"');
    expect(JSON.parse(first.outputs.images ?? '[]')).toEqual([
      'ghcr.io/acme/shop:2.0',
      'us-docker.pkg.dev/slipway-test/apps/web:1.0.0',
    ]);
  });

  it('warns about containers without requests, and reports what Autopilot set', () => {
    expect(warningsOf(first)).toContainEqual(
      expect.stringMatching(
        /^deployment\/default\/shop container shop: no CPU or memory requests\. GKE Autopilot sets \(and bills\) 500m CPU/,
      ),
    );
    expect(warningsOf(first)).toContainEqual(
      expect.stringContaining(
        'Kubernetes API: autopilot-default-resources-mutator:Autopilot updated Deployment default/shop',
      ),
    );
    const pod = cluster.kube
      .objects('', 'pods', 'default')
      .find((p) => (p.metadata as { name: string }).name.startsWith('shop-'));
    expect(
      (pod?.metadata as { annotations: Record<string, string> }).annotations[
        'autopilot.gke.io/resource-adjustment'
      ],
    ).toContain('"cpu":"500m"');
  });

  it(
    'updates, then re-runs unchanged',
    async () => {
      const update = await deployWith(cluster, ws, {
        manifests: 'app',
        images: 'web=us-docker.pkg.dev/slipway-test/apps/web:1.1.0',
      });
      expect(update.exitCode).toBe(0);
      expect(actionsOf(update)).toMatchObject({
        'Deployment/web': 'configured',
        'Deployment/shop': 'unchanged',
      });
      const again = await deployWith(cluster, ws, {
        manifests: 'app',
        images: 'web=us-docker.pkg.dev/slipway-test/apps/web:1.1.0',
      });
      expect(again.exitCode).toBe(0);
      expect(appliedOf(again).every((a) => !a.changed)).toBe(true);
    },
    TIMEOUT,
  );

  it(
    'fails with ImagePullBackOff, and rolls back to the previous revision',
    async () => {
      const run = await deployWith(cluster, ws, {
        manifests: 'app',
        images: 'web=us-docker.pkg.dev/slipway-test/apps/web:9.9.9',
        rollback: 'true',
      });
      expect(run.exitCode).toBe(1);
      const failure = fails(run);
      expect(failure).toContain('deployment "web" exceeded its progress deadline');
      expect(failure).toContain(
        'ImagePullBackOff: Back-off pulling image "us-docker.pkg.dev/slipway-test/apps/web:9.9.9"',
      );
      expect(failure).toMatch(/rolled back deployment\/default\/web to revision 2/);
      expect(podSpec(deployment(cluster)).containers).toEqual([
        expect.objectContaining({ image: 'us-docker.pkg.dev/slipway-test/apps/web:1.1.0' }),
      ]);
    },
    TIMEOUT,
  );
});

describe('deploy-gke: Spot', () => {
  it(
    'spot: true selects Spot nodes and tolerates their taint',
    async () => {
      const cluster = await startGkeCluster({
        kube: {
          nodes: [
            { name: 'default-pool-1' },
            {
              name: 'spot-pool-1',
              labels: { 'cloud.google.com/gke-spot': 'true' },
              taints: [{ key: 'cloud.google.com/gke-spot', value: 'true', effect: 'NoSchedule' }],
            },
          ],
        },
      });
      const ws = await fixtureWorkspace();
      try {
        const run = await deployWith(cluster, ws, { manifests: 'app/web.yaml', spot: 'true' });
        expect(run.exitCode).toBe(0);
        expect(podSpec(deployment(cluster))).toMatchObject({
          nodeSelector: { 'cloud.google.com/gke-spot': 'true' },
          tolerations: [
            { key: 'cloud.google.com/gke-spot', operator: 'Equal', value: 'true', effect: 'NoSchedule' },
          ],
        });
        const nodes = cluster.kube
          .objects('', 'pods', 'default')
          .map((p) => (p.spec as { nodeName: string }).nodeName);
        expect(new Set(nodes)).toEqual(new Set(['spot-pool-1']));
        // Standard cluster: no Autopilot request warnings.
        expect(warningsOf(run)).toEqual([]);
      } finally {
        await cluster.stop();
        await ws.remove();
      }
    },
    TIMEOUT,
  );

  it(
    'without spot the same pods cannot use the tainted Spot pool, and the scheduler says so',
    async () => {
      const cluster = await startGkeCluster({
        kube: {
          nodes: [
            {
              name: 'spot-pool-1',
              labels: { 'cloud.google.com/gke-spot': 'true' },
              taints: [{ key: 'cloud.google.com/gke-spot', value: 'true', effect: 'NoSchedule' }],
            },
          ],
        },
      });
      const ws = await fixtureWorkspace();
      try {
        await ws.write(
          'web.yaml',
          (await readFile(join(ws.dir, 'app', 'web.yaml'), 'utf8')).replace(
            '  replicas: 2\n',
            '  replicas: 2\n  progressDeadlineSeconds: 120\n',
          ),
        );
        const run = await deployWith(cluster, ws, { manifests: 'web.yaml' });
        expect(run.exitCode).toBe(1);
        expect(fails(run)).toContain(
          'unschedulable: 0/1 nodes are available: 1 node(s) had untolerated taint {cloud.google.com/gke-spot: true}',
        );
      } finally {
        await cluster.stop();
        await ws.remove();
      }
    },
    TIMEOUT,
  );
});

describe('deploy-gke: a wait longer than an access token', () => {
  it(
    'renews the Google access token before it expires while a rollout takes 50 simulated minutes',
    async () => {
      const cluster = await startGkeCluster({
        tokenLifetimeSeconds: 20 * 60,
        kube: { timing: { pullMs: 50 * 60_000 } },
      });
      const ws = await fixtureWorkspace();
      try {
        await ws.write(
          'slow.yaml',
          (await readFile(join(ws.dir, 'app', 'web.yaml'), 'utf8')).replace(
            '  replicas: 2\n',
            '  replicas: 2\n  progressDeadlineSeconds: 7200\n',
          ),
        );
        const started = cluster.kube.now();
        const run = await deployWith(cluster, ws, {
          manifests: 'slow.yaml',
          timeout: '2h',
          'poll-interval': '30s',
        });
        expect(run.exitCode).toBe(0);
        expect(cluster.kube.now() - started).toBeGreaterThan(50 * 60_000);
        expect(cluster.gke.calls('sts.token').length).toBeGreaterThanOrEqual(4);
        expect(new Set(cluster.kube.callers.map((c) => c.token)).size).toBeGreaterThanOrEqual(4);
        expect(cluster.kube.journal.filter((e) => e.status === 401)).toEqual([]);
        expect(run.log).toMatch(/Renewed the Google access token \(token 4,/);
      } finally {
        await cluster.stop();
        await ws.remove();
      }
    },
    TIMEOUT,
  );
});

describe('deploy-gke: endpoints and lookups', () => {
  it(
    'endpoint: dns connects to the DNS-based endpoint, trusting public roots (here NODE_EXTRA_CA_CERTS) instead of the cluster CA',
    async () => {
      const cluster = await startGkeCluster({
        cluster: { publicEndpointEnabled: false, privateEndpoint: '10.0.0.2' },
      });
      const ws = await fixtureWorkspace();
      const caFile = join(ws.dir, 'public-roots.pem');
      await writeFile(caFile, cluster.kube.caPem);
      cluster.gke.addCluster({
        project: cluster.project,
        location: cluster.location,
        name: cluster.name,
        endpoint: '203.0.113.10',
        caData: Buffer.from('not the CA of the DNS endpoint').toString('base64'),
        publicEndpointEnabled: false,
        privateEndpoint: '10.0.0.2',
        dnsEndpoint: cluster.kube.serverUrl.replace('https://127.0.0.1', 'localhost'),
      });
      try {
        const run = await deployWith(
          cluster,
          ws,
          { manifests: 'app/config-list.json' },
          { NODE_EXTRA_CA_CERTS: caFile },
        );
        expect(run.exitCode).toBe(0);
        expect(run.log).toMatch(/dns endpoint https:\/\/localhost:\d+/);
        expect(actionsOf(run)).toEqual({
          'ServiceAccount/web': 'created',
          'ConfigMap/web-config': 'created',
        });
        const publicOnly = await deployWith(cluster, ws, {
          manifests: 'app/config-list.json',
          endpoint: 'public',
        });
        expect(publicOnly.exitCode).toBe(1);
        expect(fails(publicOnly)).toBe(
          'deploy-gke: the public endpoint of cluster production is disabled: use endpoint: dns (or private from inside its VPC)',
        );
      } finally {
        await cluster.stop();
        await ws.remove();
      }
    },
    TIMEOUT,
  );

  it(
    'needs no project lookup when the project comes from the cluster name (no GOOGLE_CLOUD_PROJECT)',
    async () => {
      const cluster = await startGkeCluster();
      const ws = await fixtureWorkspace();
      try {
        const { GOOGLE_CLOUD_PROJECT: _project, ...env } = cluster.env;
        const run = await runAction(ACTION, {
          inputs: {
            cluster: `projects/${cluster.project}/locations/${cluster.location}/clusters/${cluster.name}`,
            manifests: 'app/config-list.json',
          },
          env,
          workspace: ws.dir,
          secrets: [cluster.subjectToken],
          timeoutMs: TIMEOUT,
        });
        expect(run.exitCode).toBe(0);
        expect(run.log).not.toContain('cloudresourcemanager');
      } finally {
        await cluster.stop();
        await ws.remove();
      }
    },
    TIMEOUT,
  );

  it.each<{ name: string; inputs: Record<string, string>; message: string }>([
    {
      name: "a cluster that does not exist: Google's NOT_FOUND",
      inputs: { cluster: 'projects/slipway-test/locations/europe-west1/clusters/staging', location: '' },
      message:
        'deploy-gke: NOT_FOUND: Not found: projects/slipway-test/locations/europe-west1/clusters/staging. (HTTP 404)',
    },
    {
      name: 'a bare name without location',
      inputs: { location: '' },
      message: 'deploy-gke: input `location`: is required when cluster is a bare name',
    },
    {
      name: 'an unknown endpoint mode',
      inputs: { endpoint: 'Public' },
      message:
        'deploy-gke: input `endpoint`: must be one of `auto`, `public`, `private`, `dns`, got "Public" (values are case-sensitive: did you mean `public`?)',
    },
  ])(
    '$name',
    async ({ inputs, message }) => {
      const cluster = await startGkeCluster();
      const ws = await fixtureWorkspace();
      try {
        const run = await deployWith(cluster, ws, { manifests: 'app', ...inputs });
        expect(run.exitCode).toBe(1);
        expect(errorsOf(run)).toEqual([message]);
        expect(cluster.kube.journal).toEqual([]);
      } finally {
        await cluster.stop();
        await ws.remove();
      }
    },
    TIMEOUT,
  );

  it(
    'an unknown API group stops the deploy before anything is applied',
    async () => {
      const cluster = await startGkeCluster();
      const ws = await fixtureWorkspace();
      try {
        const run = await deployWith(cluster, ws, { manifests: 'app\nbad/unknown-group.yaml' });
        expect(run.exitCode).toBe(1);
        expect(run.annotations).toContainEqual(
          expect.objectContaining({ level: 'error', file: 'bad/unknown-group.yaml', line: 1 }),
        );
        expect(cluster.kube.journal.filter((e) => e.method !== 'GET')).toEqual([]);
      } finally {
        await cluster.stop();
        await ws.remove();
      }
    },
    TIMEOUT,
  );
});
