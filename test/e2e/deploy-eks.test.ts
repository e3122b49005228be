// deploy-eks end to end: the bundled action (actions/deploy-eks/dist) run by the harness as the runner runs it,
// against an EKS cluster of stand-ins: DescribeCluster over REST JSON with SigV4 checked, a Kubernetes API over
// HTTPS with a CA made for the run, whose bearer tokens are checked through STS as aws-iam-authenticator does,
// and one simulated clock that a rollout moves forward (watches jump to the next change).
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { REPO_ROOT } from '../harness/action-manifest.js';
import { runAction } from '../harness/run-action.js';
import type { ActionRun } from '../harness/run-action.js';
import { startEksCluster } from '../stand-ins/kube-cluster.js';
import type { EksTestCluster } from '../stand-ins/kube-cluster.js';
import { actionsOf, appliedOf, errorsOf, fixtureWorkspace, warningsOf } from '../stand-ins/kube-workspace.js';
import type { Workspace } from '../stand-ins/kube-workspace.js';
import type { KubeObject } from '../stand-ins/kube.js';

const ACTION = join(REPO_ROOT, 'actions', 'deploy-eks');
const TIMEOUT = 60_000;

function deployment(kube: EksTestCluster['kube'], name = 'web', namespace = 'default'): KubeObject {
  const found = kube.object('apps', 'deployments', namespace, name);
  if (found === undefined) throw new Error(`deployment ${namespace}/${name} does not exist`);
  return found;
}

function templateImages(object: KubeObject | undefined): string[] {
  const spec = (object?.spec ?? {}) as { template?: { spec?: { containers?: Array<{ image: string }> } } };
  return (spec.template?.spec?.containers ?? []).map((c) => c.image);
}

function applies(
  kube: EksTestCluster['kube'],
): Array<{ path: string; dryRun: boolean; fieldManager: unknown; contentType: unknown }> {
  return kube.journal
    .filter((e) => e.operation.startsWith('apply '))
    .map((e) => ({
      path: e.path,
      dryRun: e.query.dryRun === 'All',
      fieldManager: e.query.fieldManager,
      contentType: e.headers['content-type'],
    }));
}

function fails(run: ActionRun): string {
  return (
    errorsOf(run).find((m) => m.startsWith('deploy-eks:')) ??
    `(no failure annotation; exit ${run.exitCode})\n${run.log}`
  );
}

async function deployWith(
  cluster: EksTestCluster,
  ws: Workspace,
  inputs: Record<string, string>,
  env: Record<string, string> = {},
): Promise<ActionRun> {
  return runAction(ACTION, {
    inputs: { 'cluster-name': cluster.name, 'poll-interval': '1s', ...inputs },
    env: { ...cluster.env, ...env },
    workspace: ws.dir,
    timeoutMs: TIMEOUT,
  });
}

describe('deploy-eks: a release', () => {
  let cluster: EksTestCluster;
  let ws: Workspace;
  let first: ActionRun;
  beforeAll(async () => {
    cluster = await startEksCluster();
    ws = await fixtureWorkspace();
    first = await deployWith(cluster, ws, { manifests: 'app', images: 'ghcr.io/acme/web:2.0.0' });
  }, TIMEOUT);
  afterAll(async () => {
    await cluster.stop();
    await ws.remove();
  });

  it('creates every object and waits for the Deployment to roll out', () => {
    expect(first.exitCode).toBe(0);
    expect(actionsOf(first)).toEqual({
      'ServiceAccount/web': 'created',
      'ConfigMap/web-config': 'created',
      'Service/web': 'created',
      'Deployment/web': 'created',
      'CronJob/cleanup': 'created',
    });
    expect(JSON.parse(first.outputs.images ?? '[]')).toEqual(['ghcr.io/acme/web:2.0.0']);
    const status = deployment(cluster.kube).status as Record<string, unknown>;
    expect(status).toMatchObject({ updatedReplicas: 2, availableReplicas: 2 });
    expect(first.log).toContain('deployment/default/web: rolled out');
    expect(first.summary).toMatch(
      /\| Deployment \| default \| web \| created \| ✅ rolled out: 2 of 2 replicas available \| app\/web\.yaml:2 \|/,
    );
  });

  it('reaches the cluster through DescribeCluster and a token STS verifies, and applies as field manager slipway', () => {
    expect(cluster.eks.calls('DescribeCluster').map((c) => c.status)).toEqual([200]);
    expect(cluster.rejections).toEqual([]);
    expect(cluster.sts.calls('GetCallerIdentity').length).toBeGreaterThan(0);
    expect(
      cluster.sts
        .calls('GetCallerIdentity')
        .every((c) => c.status === 200 && c.headers['x-k8s-aws-id'] === cluster.name),
    ).toBe(true);
    expect(new Set(cluster.kube.callers.map((c) => c.user))).toEqual(
      new Set(['arn:aws:iam::123456789012:role/slipway-deploy']),
    );
    const writes = applies(cluster.kube).filter((a) => !a.dryRun);
    expect(writes).toHaveLength(5);
    expect(
      writes.every((a) => a.fieldManager === 'slipway' && a.contentType === 'application/apply-patch+yaml'),
    ).toBe(true);
    // Every object was checked with a server-side dry run before the first write.
    const firstWrite = cluster.kube.journal.findIndex(
      (e) => e.operation.startsWith('apply ') && e.query.dryRun === undefined,
    );
    const dryRuns = cluster.kube.journal.slice(0, firstWrite).filter((e) => e.query.dryRun === 'All');
    expect(dryRuns).toHaveLength(5);
  });

  it('substitutes the image in the CronJob, two templates deep, and traces the deploy', () => {
    const cron = cluster.kube.object('batch', 'cronjobs', 'default', 'cleanup') as KubeObject;
    const spec = cron.spec as {
      jobTemplate: { spec: { template: { spec: { containers: Array<{ image: string }> } } } };
    };
    expect(spec.jobTemplate.spec.template.spec.containers[0]?.image).toBe('ghcr.io/acme/web:2.0.0');
    const metadata = deployment(cluster.kube).metadata as {
      labels: Record<string, string>;
      annotations: Record<string, string>;
    };
    expect(metadata.labels['app.kubernetes.io/managed-by']).toBe('slipway');
    expect(metadata.annotations['slipway.dev/commit']).toBe('0123456789abcdef0123456789abcdef01234567');
    expect(metadata.annotations['slipway.dev/run-url']).toBe(
      'https://github.com/octo/repo/actions/runs/1000001',
    );
  });

  it(
    'updates the image: a new ReplicaSet revision rolls out',
    async () => {
      const run = await deployWith(cluster, ws, { manifests: 'app', images: 'ghcr.io/acme/web:2.1.0' });
      expect(run.exitCode).toBe(0);
      expect(actionsOf(run)).toMatchObject({
        'Deployment/web': 'configured',
        'CronJob/cleanup': 'configured',
        'Service/web': 'unchanged',
      });
      expect(templateImages(deployment(cluster.kube))).toEqual(['ghcr.io/acme/web:2.1.0']);
      const revisions = cluster.kube
        .objects('apps', 'replicasets', 'default')
        .map(
          (rs) =>
            (rs.metadata as { annotations: Record<string, string> }).annotations[
              'deployment.kubernetes.io/revision'
            ],
        );
      expect(revisions.sort()).toEqual(['1', '2']);
      expect(deployment(cluster.kube).status).toMatchObject({
        updatedReplicas: 2,
        availableReplicas: 2,
        replicas: 2,
      });
    },
    TIMEOUT,
  );

  it(
    're-runs without a change: nothing changed, no new revision',
    async () => {
      const before = deployment(cluster.kube);
      const run = await deployWith(cluster, ws, { manifests: 'app', images: 'ghcr.io/acme/web:2.1.0' });
      expect(run.exitCode).toBe(0);
      expect(appliedOf(run).map((a) => a.changed)).toEqual([false, false, false, false, false]);
      const after = deployment(cluster.kube);
      expect((after.metadata as { generation: number }).generation).toBe(
        (before.metadata as { generation: number }).generation,
      );
      expect(cluster.kube.objects('apps', 'replicasets', 'default')).toHaveLength(2);
      expect(run.summary).toContain('| Deployment | default | web | unchanged | ✅ rolled out');
    },
    TIMEOUT,
  );

  it(
    'dry-run: shows the diff the API server computes and changes nothing',
    async () => {
      const rv = (deployment(cluster.kube).metadata as { resourceVersion: string }).resourceVersion;
      cluster.kube.clearJournal();
      const run = await deployWith(cluster, ws, {
        manifests: 'app',
        images: 'ghcr.io/acme/web:3.0.0',
        'dry-run': 'true',
      });
      expect(run.exitCode).toBe(0);
      expect(actionsOf(run)).toMatchObject({ 'Deployment/web': 'configured', 'Service/web': 'unchanged' });
      expect(run.log).toContain(
        '-        - image: ghcr.io/acme/web:2.1.0\n+        - image: ghcr.io/acme/web:3.0.0',
      );
      expect(run.summary).toContain('<details><summary>Diff of deployment/default/web</summary>');
      expect(run.summary).toContain('dry run: nothing was changed');
      expect(applies(cluster.kube).every((a) => a.dryRun)).toBe(true);
      expect((deployment(cluster.kube).metadata as { resourceVersion: string }).resourceVersion).toBe(rv);
    },
    TIMEOUT,
  );

  it(
    'writes a kubeconfig for later steps: aws eks get-token by default, the masked token when asked',
    async () => {
      const temp = await mkdtemp(join(tmpdir(), 'slipway-runner-temp-'));
      try {
        const exec = await deployWith(
          cluster,
          ws,
          { manifests: 'app/config-list.json', 'write-kubeconfig': 'true' },
          { RUNNER_TEMP: temp },
        );
        const execConfig = parse(await readFile(exec.outputs['kubeconfig-path'] ?? '', 'utf8')) as {
          users: Array<{ user: { exec: { command: string; args: string[] } } }>;
          clusters: Array<{ cluster: Record<string, string> }>;
        };
        expect(execConfig.users[0]?.user.exec).toMatchObject({
          command: 'aws',
          args: [
            '--region',
            'us-east-1',
            'eks',
            'get-token',
            '--cluster-name',
            'production',
            '--output',
            'json',
          ],
        });
        expect(execConfig.clusters[0]?.cluster).toEqual({
          server: cluster.kube.serverUrl,
          'certificate-authority-data': cluster.kube.caData,
        });

        const withToken = await deployWith(
          cluster,
          ws,
          { manifests: 'app/config-list.json', 'write-kubeconfig': 'true', 'kubeconfig-token': 'true' },
          { RUNNER_TEMP: temp },
        );
        const tokenConfig = parse(await readFile(withToken.outputs['kubeconfig-path'] ?? '', 'utf8')) as {
          users: Array<{ user: { token: string } }>;
        };
        const token = tokenConfig.users[0]?.user.token ?? '';
        expect(token).toMatch(/^k8s-aws-v1\.[A-Za-z0-9_-]+$/);
        expect(withToken.masked).toContain(token);
        // The token in the file works: the stand-in accepts it.
        const { request } = await import('node:https');
        const status = await new Promise<number>((resolve, reject) => {
          request(
            `${cluster.kube.serverUrl}/version`,
            { ca: cluster.kube.caPem, headers: { authorization: `Bearer ${token}` } },
            (r) => {
              r.resume();
              resolve(r.statusCode ?? 0);
            },
          )
            .on('error', reject)
            .end();
        });
        expect(status).toBe(200);
      } finally {
        await rm(temp, { recursive: true, force: true });
      }
    },
    TIMEOUT,
  );
});

describe('deploy-eks: failed rollouts', () => {
  let cluster: EksTestCluster;
  let ws: Workspace;
  beforeAll(async () => {
    cluster = await startEksCluster();
    ws = await fixtureWorkspace();
    cluster.kube.setImageBehaviour('ghcr.io/acme/web:9.9.9', { kind: 'pull-error' });
    cluster.kube.setImageBehaviour('ghcr.io/acme/web:2.2.0', {
      kind: 'crash',
      logs: ['loading config', 'panic: LOG_LEVEL "verbose" is not a level', 'goroutine 1 [running]:'],
    });
  }, TIMEOUT);
  afterAll(async () => {
    await cluster.stop();
    await ws.remove();
  });

  it(
    'fails with ImagePullBackOff in the error when the image does not exist',
    async () => {
      expect(
        (await deployWith(cluster, ws, { manifests: 'app/web.yaml', images: 'ghcr.io/acme/web:2.0.0' }))
          .exitCode,
      ).toBe(0);
      const started = cluster.kube.now();
      const run = await deployWith(cluster, ws, {
        manifests: 'app/web.yaml',
        images: 'ghcr.io/acme/web:9.9.9',
      });
      expect(run.exitCode).toBe(1);
      const failure = fails(run);
      expect(failure).toContain('deployment/default/web: deployment "web" exceeded its progress deadline');
      expect(failure).toMatch(
        /container web: ImagePullBackOff: Back-off pulling image "ghcr\.io\/acme\/web:9\.9\.9"/,
      );
      // The progress deadline (600 s) passed on the simulated clock, not the real one.
      expect(cluster.kube.now() - started).toBeGreaterThanOrEqual(600_000);
      expect(run.summary).toContain('| Deployment | default | web | configured | ❌ failed');
      expect(run.summary).toContain('### Why');
      expect(run.summary).toMatch(/Warning events of deployment\/default\/web/);
      expect(templateImages(deployment(cluster.kube))).toEqual(['ghcr.io/acme/web:9.9.9']);
    },
    TIMEOUT,
  );

  it(
    'rolls a failed Deployment back to its previous revision with rollback: true, and still fails',
    async () => {
      expect(
        (await deployWith(cluster, ws, { manifests: 'app/web.yaml', images: 'ghcr.io/acme/web:2.0.1' }))
          .exitCode,
      ).toBe(0);
      const run = await deployWith(cluster, ws, {
        manifests: 'app/web.yaml',
        images: 'ghcr.io/acme/web:2.2.0',
        rollback: 'true',
      });
      expect(run.exitCode).toBe(1);
      const failure = fails(run);
      expect(failure).toMatch(/container web: CrashLoopBackOff/);
      expect(failure).toMatch(/rolled back deployment\/default\/web to revision \d+/);
      expect(templateImages(deployment(cluster.kube))).toEqual(['ghcr.io/acme/web:2.0.1']);
      expect(deployment(cluster.kube).status).toMatchObject({
        updatedReplicas: 2,
        availableReplicas: 2,
        replicas: 2,
      });
      expect(run.log).toContain('panic: LOG_LEVEL "verbose" is not a level');
      expect(run.summary).toContain('↩ rolled back to revision');
      expect(run.summary).toContain('Last log lines of');
    },
    TIMEOUT,
  );
});

describe('deploy-eks: platform awareness', () => {
  let cluster: EksTestCluster;
  let ws: Workspace;
  beforeAll(async () => {
    cluster = await startEksCluster({
      autoMode: true,
      kube: {
        nodes: [
          { name: 'on-demand-1', labels: { 'karpenter.sh/capacity-type': 'on-demand' } },
          { name: 'spot-1', labels: { 'karpenter.sh/capacity-type': 'spot' } },
        ],
      },
    });
    ws = await fixtureWorkspace();
  }, TIMEOUT);
  afterAll(async () => {
    await cluster.stop();
    await ws.remove();
  });

  it(
    'spot: true puts every pod template on Spot capacity, and Auto Mode warns about containers without requests',
    async () => {
      const run = await deployWith(cluster, ws, {
        manifests: 'app\nkustomize/deployment.yaml',
        spot: 'true',
        namespace: 'default',
      });
      expect(run.exitCode).toBe(0);
      const web = deployment(cluster.kube);
      expect(
        (web.spec as { template: { spec: { nodeSelector: Record<string, string> } } }).template.spec
          .nodeSelector,
      ).toEqual({ 'karpenter.sh/capacity-type': 'spot' });
      const pods = cluster.kube.objects('', 'pods', 'default');
      expect(pods.length).toBeGreaterThan(0);
      expect(new Set(pods.map((p) => (p.spec as { nodeName: string }).nodeName))).toEqual(
        new Set(['spot-1']),
      );
      const cron = cluster.kube.object('batch', 'cronjobs', 'default', 'cleanup') as KubeObject;
      expect(JSON.stringify(cron.spec)).toContain('"nodeSelector":{"karpenter.sh/capacity-type":"spot"}');
      expect(warningsOf(run)).toEqual([
        expect.stringMatching(
          /^deployment\/default\/shop container shop: no CPU or memory requests\. EKS Auto Mode picks/,
        ),
      ]);
    },
    TIMEOUT,
  );
});

describe('deploy-eks: a wait longer than a token', () => {
  it(
    'renews the EKS token before it expires while a slow rollout takes 40 simulated minutes',
    async () => {
      const cluster = await startEksCluster({ kube: { timing: { pullMs: 40 * 60_000 } } });
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
        expect(cluster.kube.now() - started).toBeGreaterThan(40 * 60_000);
        const tokens = new Set(cluster.kube.callers.map((c) => c.token));
        expect(tokens.size).toBeGreaterThanOrEqual(3);
        expect(cluster.rejections).toEqual([]);
        expect(cluster.kube.journal.filter((e) => e.status === 401)).toEqual([]);
        expect(run.log).toMatch(/Renewed the EKS token \(token 3,/);
        for (const token of tokens) expect(run.masked).toContain(token);
      } finally {
        await cluster.stop();
        await ws.remove();
      }
    },
    TIMEOUT,
  );
});

describe('deploy-eks: objects of every kind', () => {
  let cluster: EksTestCluster;
  let ws: Workspace;
  beforeAll(async () => {
    cluster = await startEksCluster();
    ws = await fixtureWorkspace();
  }, TIMEOUT);
  afterAll(async () => {
    await cluster.stop();
    await ws.remove();
  });

  it(
    'waits for a StatefulSet, a DaemonSet and a Job',
    async () => {
      const run = await deployWith(cluster, ws, { manifests: 'workloads' });
      expect(run.exitCode).toBe(0);
      for (const row of [
        '| DaemonSet | default | node-agent | created | ✅ rolled out',
        '| StatefulSet | default | queue | created | ✅ rolled out',
        '| Job | default | migrate | created | ✅ rolled out: completed (1 succeeded)',
      ]) {
        expect(run.summary).toContain(row);
      }
    },
    TIMEOUT,
  );

  it(
    'applies a CustomResourceDefinition, waits until it is Established, then its custom resource, without dropping fields',
    async () => {
      const run = await deployWith(cluster, ws, { manifests: 'crd' });
      expect(run.exitCode).toBe(0);
      expect(actionsOf(run)).toEqual({
        'CustomResourceDefinition/widgets.acme.example.com': 'created',
        'Widget/blue': 'created',
      });
      const crd = cluster.kube.object(
        'apiextensions.k8s.io',
        'customresourcedefinitions',
        undefined,
        'widgets.acme.example.com',
      ) as KubeObject;
      expect(JSON.stringify(crd.spec)).toContain('"x-kubernetes-preserve-unknown-fields":true');
      expect(cluster.kube.object('acme.example.com', 'widgets', 'default', 'blue')?.spec).toEqual({
        colour: 'blue',
        size: 3,
      });
    },
    TIMEOUT,
  );

  it(
    'renders a kustomization with kustomize from PATH, creating its namespace first',
    async () => {
      const bin = await mkdtemp(join(tmpdir(), 'slipway-fake-kustomize-'));
      try {
        const rendered = (await readFile(join(ws.dir, 'kustomize', 'deployment.yaml'), 'utf8')).replace(
          '  name: shop\n',
          '  name: shop\n  namespace: shop\n',
        );
        await writeFile(
          join(bin, 'kustomize'),
          `#!/bin/sh\n[ "$1" = build ] || { echo "usage: kustomize build DIR" >&2; exit 2; }\ncat <<'YAML'\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n---\n${rendered}YAML\n`,
        );
        await chmod(join(bin, 'kustomize'), 0o755);
        const run = await deployWith(
          cluster,
          ws,
          { manifests: 'kustomize' },
          { PATH: `${bin}:${process.env.PATH ?? ''}` },
        );
        expect(run.exitCode).toBe(0);
        expect(appliedOf(run).map((a) => [a.kind, a.namespace, a.name, a.action])).toEqual([
          ['Namespace', null, 'shop', 'created'],
          ['Deployment', 'shop', 'shop', 'created'],
        ]);
        expect(run.summary).toContain('kustomize (kustomize build)');
      } finally {
        await rm(bin, { recursive: true, force: true });
      }
    },
    TIMEOUT,
  );

  it(
    'stops at a field owned by another manager, naming it, and takes it over with force-conflicts',
    async () => {
      cluster.kube.seed(
        {
          apiVersion: 'v1',
          kind: 'ConfigMap',
          metadata: { name: 'web-config', namespace: 'default' },
          data: { LOG_LEVEL: 'debug' },
        },
        'kubectl-edit',
      );
      cluster.kube.clearJournal();
      const refused = await deployWith(cluster, ws, { manifests: 'app/config-list.json' });
      expect(refused.exitCode).toBe(1);
      expect(fails(refused)).toMatch(
        /configmap\/default\/web-config \(app\/config-list\.json:5\): Conflict: Apply failed with 1 conflict: conflict with "kubectl-edit" using v1: \.data\.LOG_LEVEL \(set force-conflicts: true/,
      );
      expect(fails(refused)).toContain('nothing was applied');
      expect(applies(cluster.kube).filter((a) => !a.dryRun)).toEqual([]);
      const forced = await deployWith(cluster, ws, {
        manifests: 'app/config-list.json',
        'force-conflicts': 'true',
      });
      expect(forced.exitCode).toBe(0);
      expect(cluster.kube.object('', 'configmaps', 'default', 'web-config')?.data).toEqual({
        LOG_LEVEL: 'info',
        FEATURE_FLAGS: 'search,checkout',
      });
    },
    TIMEOUT,
  );

  it(
    'deploys with a plain kubeconfig instead of a cluster name',
    async () => {
      cluster.kube.tokens.set('ci-static-token-0123456789', 'ci-deployer');
      cluster.kube.callers.length = 0;
      const describes = cluster.eks.calls('DescribeCluster').length;
      const run = await runAction(ACTION, {
        inputs: {
          kubeconfig: cluster.kube.kubeconfig({ token: 'ci-static-token-0123456789', namespace: 'team-a' }),
          manifests: 'app/config-list.json',
        },
        env: { AWS_EC2_METADATA_DISABLED: 'true' },
        workspace: ws.dir,
        secrets: ['ci-static-token-0123456789'],
        timeoutMs: TIMEOUT,
      });
      // team-a does not exist: the dry run names it, and nothing is applied.
      expect(run.exitCode).toBe(1);
      expect(fails(run)).toContain('namespaces "team-a" not found');
      cluster.kube.seed({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team-a' } });
      const ok = await runAction(ACTION, {
        inputs: {
          kubeconfig: cluster.kube.kubeconfig({ token: 'ci-static-token-0123456789', namespace: 'team-a' }),
          manifests: 'app/config-list.json',
        },
        workspace: ws.dir,
        secrets: ['ci-static-token-0123456789'],
        timeoutMs: TIMEOUT,
      });
      expect(ok.exitCode).toBe(0);
      expect(appliedOf(ok).map((a) => `${a.namespace}/${a.name}`)).toEqual([
        'team-a/web',
        'team-a/web-config',
      ]);
      expect(new Set(cluster.kube.callers.map((c) => c.user))).toEqual(new Set(['ci-deployer']));
      expect(cluster.eks.calls('DescribeCluster')).toHaveLength(describes);
    },
    TIMEOUT,
  );
});

describe('deploy-eks: bad input', () => {
  let cluster: EksTestCluster;
  let ws: Workspace;
  beforeAll(async () => {
    cluster = await startEksCluster();
    ws = await fixtureWorkspace();
  }, TIMEOUT);
  afterAll(async () => {
    await cluster.stop();
    await ws.remove();
  });
  beforeEach(() => {
    cluster.kube.clearJournal();
    cluster.eks.clearJournal();
  });

  it.each([
    {
      name: 'a YAML syntax error, at its file and line',
      manifests: 'app\nbad/syntax-line-10.yaml',
      annotation: {
        file: 'bad/syntax-line-10.yaml',
        line: 10,
        message: expect.stringContaining('YAML syntax error'),
      },
    },
    {
      name: 'an object without kind, at its line in a multi-document file',
      manifests: 'app\nbad/no-kind-line-5.yaml',
      annotation: { file: 'bad/no-kind-line-5.yaml', line: 5, message: 'object has no kind' },
    },
  ])(
    '$name: reported before the cluster is contacted',
    async ({ manifests, annotation }) => {
      const run = await deployWith(cluster, ws, { manifests });
      expect(run.exitCode).toBe(1);
      expect(run.annotations).toContainEqual(expect.objectContaining({ level: 'error', ...annotation }));
      expect(fails(run)).toContain('(nothing was applied)');
      expect(cluster.eks.journal).toEqual([]);
      expect(cluster.kube.journal).toEqual([]);
    },
    TIMEOUT,
  );

  it(
    'an unknown API group: found by discovery, and nothing is applied (nor dry-run)',
    async () => {
      const run = await deployWith(cluster, ws, { manifests: 'app\nbad/unknown-group.yaml' });
      expect(run.exitCode).toBe(1);
      expect(run.annotations).toContainEqual(
        expect.objectContaining({
          level: 'error',
          file: 'bad/unknown-group.yaml',
          line: 1,
          message:
            'ServiceMonitor web: unknown API group "monitoring.coreos.com": the cluster does not serve it (is its CustomResourceDefinition installed?)',
        }),
      );
      expect(cluster.kube.journal.filter((e) => e.method !== 'GET')).toEqual([]);
      expect(cluster.kube.objects('', 'configmaps', 'default')).toEqual([]);
    },
    TIMEOUT,
  );

  it(
    'an image that matches no container: a warning naming it, and the deploy goes on',
    async () => {
      const run = await deployWith(cluster, ws, {
        manifests: 'app/config-list.json',
        images: 'ghcr.io/acme/worker:5.0.0',
      });
      expect(run.exitCode).toBe(0);
      expect(warningsOf(run)).toEqual([
        'images: ghcr.io/acme/worker:5.0.0 matched no container in the manifests (looked for ghcr.io/acme/worker)',
      ]);
    },
    TIMEOUT,
  );

  it.each<{ inputs: Record<string, string>; message: unknown }>([
    {
      inputs: { 'cluster-name': '', manifests: 'app' },
      message: 'deploy-eks: input `cluster-name`: is required unless kubeconfig is set',
    },
    {
      inputs: { manifests: 'app', timeout: '10' },
      message: 'deploy-eks: input `timeout`: a bare number has no unit: write 10s (or 10m, 1h30m, 500ms)',
    },
    {
      inputs: { manifests: 'app', images: 'ghcr.io/acme/web' },
      message: expect.stringContaining('has neither a tag nor a digest'),
    },
    {
      inputs: { manifests: 'no/such/dir' },
      message: 'deploy-eks: input `manifests`: no/such/dir does not exist',
    },
  ])(
    'input problem: $message',
    async ({ inputs, message }) => {
      const run = await deployWith(cluster, ws, inputs);
      expect(run.exitCode).toBe(1);
      expect(errorsOf(run)).toEqual([message]);
      expect(cluster.eks.journal).toEqual([]);
    },
    TIMEOUT,
  );
});
