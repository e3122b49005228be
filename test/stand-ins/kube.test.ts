// The Kubernetes API stand-in, driven by the official client (@kubernetes/client-node 2.x) over HTTPS with the
// test CA: discovery, bearer auth, server-side apply with field managers and conflicts, Status errors, dry runs,
// LIST/WATCH, pod logs, faults, and the controller simulation on the simulated clock.
import { request } from 'node:https';
import {
  AppsV1Api,
  CoreV1Api,
  KubeConfig,
  KubernetesObjectApi,
  PatchStrategy,
  Watch,
} from '@kubernetes/client-node';
import type { KubernetesObject } from '@kubernetes/client-node';
import { Clock } from './clock.js';
import { KubeStandIn } from './kube.js';
import type { KubeObject } from './kube.js';

const TOKEN = 'stand-in-admin-token-0000000000';

function webDeployment(
  image: string,
  extra: Record<string, unknown> = {},
): KubernetesObject & Record<string, unknown> {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'default' },
    spec: {
      replicas: 2,
      selector: { matchLabels: { app: 'web' } },
      template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image }] } },
      ...extra,
    },
  };
}

/** A raw HTTPS request with the test CA: what the typed client cannot send (JSON patch, bad bodies). */
function raw(
  kube: KubeStandIn,
  method: string,
  path: string,
  body?: string,
  headers: Record<string, string> = {},
  token: string | null = TOKEN,
): Promise<{ status: number; body: string; headers: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const req = request(
      `${kube.serverUrl}${path}`,
      {
        method,
        ca: kube.caPem,
        headers: { ...(token === null ? {} : { authorization: `Bearer ${token}` }), ...headers },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8').on('data', (c: string) => (text += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text, headers: res.headers }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** KubernetesObjectApi's discovery lookup (protected in its typings, used by every call it makes). */
function resourceOf(api: KubernetesObjectApi, apiVersion: string, kind: string): Promise<unknown> {
  return (api as unknown as { resource(apiVersion: string, kind: string): Promise<unknown> }).resource(
    apiVersion,
    kind,
  );
}

function apiError(e: unknown): { code: number; body: Record<string, unknown> } {
  const err = e as { code?: number; body?: unknown };
  return {
    code: err.code ?? 0,
    body: (typeof err.body === 'string' ? JSON.parse(err.body) : err.body) as Record<string, unknown>,
  };
}

describe('KubeStandIn', () => {
  const clock = new Clock(Date.UTC(2030, 0, 1));
  const kube = new KubeStandIn({ clock, tokens: { [TOKEN]: 'admin' } });
  let objects: KubernetesObjectApi;
  let core: CoreV1Api;
  let apps: AppsV1Api;
  let kc: KubeConfig;
  beforeAll(async () => {
    await kube.start();
    kc = new KubeConfig();
    kc.loadFromString(kube.kubeconfig({ token: TOKEN }));
    objects = KubernetesObjectApi.makeApiClient(kc);
    core = kc.makeApiClient(CoreV1Api);
    apps = kc.makeApiClient(AppsV1Api);
  });
  afterAll(() => kube.stop());

  describe('discovery and auth', () => {
    it.each([
      { apiVersion: 'apps/v1', kind: 'Deployment', plural: 'deployments', namespaced: true },
      { apiVersion: 'batch/v1', kind: 'CronJob', plural: 'cronjobs', namespaced: true },
      { apiVersion: 'v1', kind: 'Namespace', plural: 'namespaces', namespaced: false },
      {
        apiVersion: 'gateway.networking.k8s.io/v1',
        kind: 'HTTPRoute',
        plural: 'httproutes',
        namespaced: true,
      },
      {
        apiVersion: 'apiextensions.k8s.io/v1',
        kind: 'CustomResourceDefinition',
        plural: 'customresourcedefinitions',
        namespaced: false,
      },
    ])('discovery resolves $apiVersion $kind', async ({ apiVersion, kind, plural, namespaced }) => {
      const resource = await resourceOf(objects, apiVersion, kind);
      expect(resource).toMatchObject({ name: plural, namespaced, kind });
    });

    it('lists the groups at /apis and the core version at /api', async () => {
      const groups = JSON.parse((await raw(kube, 'GET', '/apis')).body) as {
        kind: string;
        groups: Array<{ name: string; preferredVersion: { groupVersion: string } }>;
      };
      expect(groups.kind).toBe('APIGroupList');
      expect(groups.groups.map((g) => g.preferredVersion.groupVersion)).toEqual(
        expect.arrayContaining([
          'apps/v1',
          'batch/v1',
          'gateway.networking.k8s.io/v1',
          'apiextensions.k8s.io/v1',
        ]),
      );
      expect(JSON.parse((await raw(kube, 'GET', '/api')).body)).toMatchObject({
        kind: 'APIVersions',
        versions: ['v1'],
      });
    });

    it.each([
      { path: '/apis/monitoring.coreos.com/v1', status: 404 },
      { path: '/apis/apps/v2', status: 404 },
      { path: '/apis/apps/v1/namespaces/default/widgets/x', status: 404 },
    ])('unknown group, version or resource $path: $status Status', async ({ path, status }) => {
      const res = await raw(kube, 'GET', path);
      expect(res.status).toBe(status);
      expect(JSON.parse(res.body)).toMatchObject({
        kind: 'Status',
        status: 'Failure',
        reason: 'NotFound',
        code: status,
      });
    });

    it.each([
      { name: 'no token', token: null },
      { name: 'an unknown token', token: 'not-a-known-token' },
    ])('answers 401 Unauthorized for $name', async ({ token }) => {
      const res = await raw(kube, 'GET', '/apis/apps/v1', undefined, {}, token);
      expect(res.status).toBe(401);
      expect(JSON.parse(res.body)).toMatchObject({ kind: 'Status', reason: 'Unauthorized', code: 401 });
    });

    it('serves HTTPS with a certificate only the test CA vouches for', async () => {
      const untrusted = new Promise((resolve, reject) => {
        request(`${kube.serverUrl}/version`, { headers: { authorization: `Bearer ${TOKEN}` } }, resolve)
          .on('error', reject)
          .end();
      });
      await expect(untrusted).rejects.toMatchObject({ code: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' });
      expect((await raw(kube, 'GET', '/version')).status).toBe(200);
    });
  });

  describe('server-side apply', () => {
    afterEach(() => kube.clearFaults());

    it('creates, keeps an unchanged apply a no-op, and bumps the generation on a template change', async () => {
      const created = (await objects.patch(
        webDeployment('nginx:1.27'),
        undefined,
        undefined,
        'slipway',
        undefined,
        PatchStrategy.ServerSideApply,
      )) as KubeObject;
      const meta = created.metadata as {
        generation: number;
        resourceVersion: string;
        managedFields: Array<{ manager: string; operation: string }>;
      };
      expect(meta.generation).toBe(1);
      expect(meta.managedFields.map((m) => [m.manager, m.operation])).toEqual([['slipway', 'Apply']]);
      // The controllers write status in between; an apply of the same configuration writes nothing.
      const live = kube.object('apps', 'deployments', 'default', 'web') as KubeObject;
      const again = (await objects.patch(
        webDeployment('nginx:1.27'),
        undefined,
        undefined,
        'slipway',
        undefined,
        PatchStrategy.ServerSideApply,
      )) as KubeObject;
      expect((again.metadata as { resourceVersion: string }).resourceVersion).toBe(
        (live.metadata as { resourceVersion: string }).resourceVersion,
      );
      const changed = (await objects.patch(
        webDeployment('nginx:1.28'),
        undefined,
        undefined,
        'slipway',
        undefined,
        PatchStrategy.ServerSideApply,
      )) as KubeObject;
      expect((changed.metadata as { generation: number }).generation).toBe(2);
    });

    it('answers 409 with FieldManagerConflict causes for a field another manager owns, and moves it with force', async () => {
      kube.seed(
        {
          apiVersion: 'v1',
          kind: 'ConfigMap',
          metadata: { name: 'settings', namespace: 'default' },
          data: { mode: 'a', owner: 'ops' },
        },
        'kubectl-edit',
      );
      const config = {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: 'settings', namespace: 'default' },
        data: { mode: 'b' },
      };
      const refused = await objects
        .patch(config, undefined, undefined, 'slipway', undefined, PatchStrategy.ServerSideApply)
        .catch(apiError);
      expect(refused).toEqual({
        code: 409,
        body: expect.objectContaining({
          reason: 'Conflict',
          message: 'Apply failed with 1 conflict: conflict with "kubectl-edit" using v1: .data.mode',
          details: {
            causes: [
              {
                reason: 'FieldManagerConflict',
                message: 'conflict with "kubectl-edit" using v1',
                field: '.data.mode',
              },
            ],
          },
        }),
      });
      const forced = (await objects.patch(
        config,
        undefined,
        undefined,
        'slipway',
        true,
        PatchStrategy.ServerSideApply,
      )) as KubeObject;
      expect(forced.data).toEqual({ mode: 'b', owner: 'ops' });
      const managers = (
        forced.metadata as { managedFields: Array<{ manager: string; fieldsV1: Record<string, unknown> }> }
      ).managedFields;
      expect(managers.find((m) => m.manager === 'kubectl-edit')?.fieldsV1).toEqual({
        'f:data': { 'f:owner': {} },
      });
      // The same value is shared ownership, not a conflict.
      await expect(
        objects.patch(
          { ...config, data: { owner: 'ops' } },
          undefined,
          undefined,
          'other',
          undefined,
          PatchStrategy.ServerSideApply,
        ),
      ).resolves.toBeDefined();
    });

    it('removes a field the manager applied before and no longer applies', async () => {
      const base = {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: 'shrinking', namespace: 'default' },
      };
      await objects.patch(
        { ...base, data: { a: '1', b: '2' } },
        undefined,
        undefined,
        'slipway',
        undefined,
        PatchStrategy.ServerSideApply,
      );
      const after = (await objects.patch(
        { ...base, data: { a: '1' } },
        undefined,
        undefined,
        'slipway',
        undefined,
        PatchStrategy.ServerSideApply,
      )) as KubeObject;
      expect(after.data).toEqual({ a: '1' });
    });

    it.each([
      {
        name: 'a Deployment without a selector',
        object: {
          ...webDeployment('nginx:1'),
          spec: {
            template: {
              metadata: { labels: { app: 'web' } },
              spec: { containers: [{ name: 'web', image: 'nginx:1' }] },
            },
          },
        },
        cause: { reason: 'FieldValueRequired', field: 'spec.selector' },
      },
      {
        name: 'a container without an image',
        object: webDeployment(''),
        cause: { reason: 'FieldValueRequired', field: 'spec.template.spec.containers[0].image' },
      },
      {
        name: 'a selector that does not match the template',
        object: {
          ...webDeployment('nginx:1'),
          spec: { ...(webDeployment('nginx:1').spec as object), selector: { matchLabels: { app: 'api' } } },
        },
        cause: { reason: 'FieldValueInvalid', field: 'spec.template.metadata.labels' },
      },
    ])('answers 422 Invalid with causes for $name', async ({ object, cause }) => {
      const named = { ...object, metadata: { name: 'invalid-web', namespace: 'default' } };
      const err = await objects
        .patch(named, undefined, undefined, 'slipway', undefined, PatchStrategy.ServerSideApply)
        .catch(apiError);
      expect(err).toMatchObject({
        code: 422,
        body: {
          kind: 'Status',
          reason: 'Invalid',
          details: { kind: 'Deployment', name: 'invalid-web', causes: [expect.objectContaining(cause)] },
        },
      });
    });

    it('answers 404 for a namespace that does not exist, and for a missing object', async () => {
      const inMissing = { ...webDeployment('nginx:1'), metadata: { name: 'web', namespace: 'nowhere' } };
      expect(
        await objects
          .patch(inMissing, undefined, undefined, 'slipway', undefined, PatchStrategy.ServerSideApply)
          .catch(apiError),
      ).toMatchObject({
        code: 404,
        body: { reason: 'NotFound', message: 'namespaces "nowhere" not found' },
      });
      expect(
        await objects
          .read({
            apiVersion: 'apps/v1',
            kind: 'Deployment',
            metadata: { name: 'ghost', namespace: 'default' },
          })
          .catch(apiError),
      ).toMatchObject({
        code: 404,
        body: {
          reason: 'NotFound',
          message: 'deployments.apps "ghost" not found',
          details: { name: 'ghost', group: 'apps', kind: 'deployments' },
        },
      });
    });

    it('dryRun=All answers the result and stores nothing', async () => {
      const dry = (await objects.patch(
        { ...webDeployment('nginx:9'), metadata: { name: 'dry', namespace: 'default' } },
        undefined,
        'All',
        'slipway',
        undefined,
        PatchStrategy.ServerSideApply,
      )) as KubeObject;
      expect((dry.spec as { replicas: number }).replicas).toBe(2);
      expect(kube.object('apps', 'deployments', 'default', 'dry')).toBeUndefined();
    });

    it('keeps fields the typed models do not know, sent as raw apply YAML', async () => {
      const yaml =
        'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: raw\n  namespace: default\ndata:\n  key: value\nfutureField: {kept: true}\n';
      const res = await raw(
        kube,
        'PATCH',
        '/api/v1/namespaces/default/configmaps/raw?fieldManager=slipway',
        yaml,
        { 'content-type': 'application/apply-patch+yaml' },
      );
      expect(res.status).toBe(201);
      expect(kube.object('', 'configmaps', 'default', 'raw')?.futureField).toEqual({ kept: true });
    });

    it.each([
      {
        name: 'without fieldManager',
        path: '/api/v1/namespaces/default/configmaps/x',
        type: 'application/apply-patch+yaml',
        status: 422,
      },
      {
        name: 'with an unknown patch type',
        path: '/api/v1/namespaces/default/configmaps/raw',
        type: 'text/plain',
        status: 415,
      },
      {
        name: 'with dryRun other than All',
        path: '/api/v1/namespaces/default/configmaps/x?fieldManager=a&dryRun=Some',
        type: 'application/apply-patch+yaml',
        status: 400,
      },
    ])('refuses a PATCH $name ($status)', async ({ path, type, status }) => {
      const res = await raw(kube, 'PATCH', path, 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n', {
        'content-type': type,
      });
      expect(res.status).toBe(status);
      expect(JSON.parse(res.body)).toMatchObject({ kind: 'Status', code: status });
    });

    it('applies a JSON patch, and a failed test operation is a 422', async () => {
      const ok = await raw(
        kube,
        'PATCH',
        '/api/v1/namespaces/default/configmaps/raw',
        JSON.stringify([{ op: 'replace', path: '/data/key', value: 'patched' }]),
        { 'content-type': 'application/json-patch+json' },
      );
      expect(ok.status).toBe(200);
      expect(kube.object('', 'configmaps', 'default', 'raw')?.data).toEqual({ key: 'patched' });
      const failed = await raw(
        kube,
        'PATCH',
        '/api/v1/namespaces/default/configmaps/raw',
        JSON.stringify([{ op: 'test', path: '/data/key', value: 'other' }]),
        { 'content-type': 'application/json-patch+json' },
      );
      expect(failed.status).toBe(422);
    });

    it.each([
      { fault: { kind: 'throttle' as const, times: 1 }, status: 429, reason: 'TooManyRequests' },
      { fault: { kind: 'http' as const, status: 503, times: 1 }, status: 503, reason: 'ServiceUnavailable' },
    ])('plays $reason as a Status ($status)', async ({ fault, status, reason }) => {
      kube.inject('get deployments.apps', fault);
      const res = await raw(kube, 'GET', '/apis/apps/v1/namespaces/default/deployments/web');
      expect(res.status).toBe(status);
      expect(JSON.parse(res.body)).toMatchObject({ kind: 'Status', reason, code: status });
      expect((await raw(kube, 'GET', '/apis/apps/v1/namespaces/default/deployments/web')).status).toBe(200);
    });
  });

  describe('controllers on the simulated clock', () => {
    const read = async (name: string) =>
      (await apps.readNamespacedDeployment({ name, namespace: 'default' })) as unknown as KubeObject;

    it('moves a Deployment through a ReplicaSet to ready pods', async () => {
      await objects.patch(
        {
          ...webDeployment('ghcr.io/acme/api:1'),
          metadata: { name: 'api', namespace: 'default' },
          spec: {
            ...(webDeployment('x').spec as object),
            replicas: 3,
            selector: { matchLabels: { app: 'api' } },
            template: {
              metadata: { labels: { app: 'api' } },
              spec: { containers: [{ name: 'api', image: 'ghcr.io/acme/api:1' }] },
            },
          },
        },
        undefined,
        undefined,
        'slipway',
        undefined,
        PatchStrategy.ServerSideApply,
      );
      expect((await read('api')).status).toMatchObject({
        observedGeneration: 1,
        updatedReplicas: 3,
        readyReplicas: 0,
      });
      const pods = await core.listNamespacedPod({ namespace: 'default', labelSelector: 'app=api' });
      expect(pods.items).toHaveLength(3);
      expect(pods.items[0]?.status?.containerStatuses?.[0]?.state?.waiting?.reason).toBe('ContainerCreating');
      clock.advance(3_500);
      const done = await read('api');
      expect(done.status).toMatchObject({ updatedReplicas: 3, readyReplicas: 3, availableReplicas: 3 });
      expect(
        (done.status as { conditions: Array<{ type: string; reason: string }> }).conditions,
      ).toContainEqual(expect.objectContaining({ type: 'Progressing', reason: 'NewReplicaSetAvailable' }));
      const events = await core.listNamespacedEvent({
        namespace: 'default',
        fieldSelector: `involvedObject.name=${pods.items[0]?.metadata?.name ?? ''}`,
      });
      expect(events.items.map((e) => e.reason)).toEqual([
        'Scheduled',
        'Pulling',
        'Pulled',
        'Created',
        'Started',
      ]);
    });

    it('ends a bad image in ImagePullBackOff, then ProgressDeadlineExceeded', async () => {
      kube.setImageBehaviour('ghcr.io/acme/api:missing', { kind: 'pull-error' });
      const spec = (webDeployment('x').spec ?? {}) as Record<string, unknown>;
      await objects.patch(
        {
          apiVersion: 'apps/v1',
          kind: 'Deployment',
          metadata: { name: 'api', namespace: 'default' },
          spec: {
            ...spec,
            replicas: 3,
            selector: { matchLabels: { app: 'api' } },
            template: {
              metadata: { labels: { app: 'api' } },
              spec: { containers: [{ name: 'api', image: 'ghcr.io/acme/api:missing' }] },
            },
          },
        },
        undefined,
        undefined,
        'slipway',
        undefined,
        PatchStrategy.ServerSideApply,
      );
      clock.advance(4_500);
      const pods = await core.listNamespacedPod({ namespace: 'default', labelSelector: 'app=api' });
      const waiting = pods.items
        .map((p) => p.status?.containerStatuses?.[0]?.state?.waiting?.reason)
        .filter((r) => r !== undefined);
      expect(waiting).toContain('ImagePullBackOff');
      expect((await read('api')).status).toMatchObject({ updatedReplicas: 1, readyReplicas: 3 });
      clock.advance(601_000);
      const conditions = ((await read('api')).status as { conditions: Array<Record<string, string>> })
        .conditions;
      expect(conditions).toContainEqual(
        expect.objectContaining({ type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded' }),
      );
    });

    it('serves the last log lines of a crashing container, with CrashLoopBackOff and the previous exit', async () => {
      kube.setImageBehaviour('ghcr.io/acme/crash:1', { kind: 'crash', logs: ['one', 'two', 'panic: boom'] });
      await core.createNamespacedPod({
        namespace: 'default',
        body: {
          apiVersion: 'v1',
          kind: 'Pod',
          metadata: { name: 'crasher' },
          spec: { containers: [{ name: 'main', image: 'ghcr.io/acme/crash:1' }] },
        },
      });
      clock.advance(5_000);
      const pod = await core.readNamespacedPod({ name: 'crasher', namespace: 'default' });
      expect(pod.status?.containerStatuses?.[0]?.state?.waiting?.reason).toBe('CrashLoopBackOff');
      expect(pod.status?.containerStatuses?.[0]?.lastState?.terminated).toMatchObject({
        exitCode: 1,
        reason: 'Error',
      });
      expect(
        await core.readNamespacedPodLog({
          name: 'crasher',
          namespace: 'default',
          tailLines: 2,
          previous: true,
        }),
      ).toBe('two\npanic: boom\n');
    });

    it("explains an unschedulable pod with the scheduler's message", async () => {
      await core.createNamespacedPod({
        namespace: 'default',
        body: {
          apiVersion: 'v1',
          kind: 'Pod',
          metadata: { name: 'picky' },
          spec: { nodeSelector: { disk: 'nvme' }, containers: [{ name: 'main', image: 'nginx:1' }] },
        },
      });
      const pod = await core.readNamespacedPod({ name: 'picky', namespace: 'default' });
      expect(pod.status?.conditions?.[0]).toMatchObject({
        type: 'PodScheduled',
        status: 'False',
        reason: 'Unschedulable',
        message:
          "0/2 nodes are available: 2 node(s) didn't match Pod's node affinity/selector. preemption: 0/2 nodes are available: 2 Preemption is not helpful for scheduling.",
      });
    });

    it('pages a LIST with limit and continue', async () => {
      const first = await core.listNamespacedPod({ namespace: 'default', limit: 2 });
      expect(first.items).toHaveLength(2);
      const next = await core.listNamespacedPod({
        namespace: 'default',
        limit: 100,
        _continue: first.metadata?._continue ?? '',
      });
      const all = await core.listNamespacedPod({ namespace: 'default' });
      expect([...first.items, ...next.items].map((p) => p.metadata?.name)).toEqual(
        all.items.map((p) => p.metadata?.name),
      );
    });

    it('streams WATCH events from a resourceVersion, moving the clock to the next change', async () => {
      await objects.patch(
        {
          ...webDeployment('ghcr.io/acme/watched:1'),
          metadata: { name: 'watched', namespace: 'default' },
          spec: {
            ...(webDeployment('x').spec as object),
            selector: { matchLabels: { app: 'watched' } },
            template: {
              metadata: { labels: { app: 'watched' } },
              spec: { containers: [{ name: 'w', image: 'ghcr.io/acme/watched:1' }] },
            },
          },
        },
        undefined,
        undefined,
        'slipway',
        undefined,
        PatchStrategy.ServerSideApply,
      );
      const rv = (await read('watched')).metadata?.resourceVersion as string;
      const before = clock.now();
      const seen: Array<[string, string]> = [];
      await new Promise<void>((resolve, reject) => {
        void new Watch(kc).watch(
          '/apis/apps/v1/namespaces/default/deployments',
          { fieldSelector: 'metadata.name=watched', resourceVersion: rv, timeoutSeconds: 30 },
          (phase, obj: KubeObject) =>
            seen.push([
              phase,
              String((obj.status as { readyReplicas?: number } | undefined)?.readyReplicas ?? 0),
            ]),
          (err: unknown) => (err === null || err === undefined ? resolve() : reject(err as Error)),
        );
      });
      expect(seen.length).toBeGreaterThan(0);
      expect(seen.every(([phase]) => phase === 'MODIFIED')).toBe(true);
      // Nothing moved the clock but the watch: it jumped to the pull finishing (2 s), not to its timeout.
      expect(clock.now() - before).toBeGreaterThanOrEqual(2_000);
      expect(clock.now() - before).toBeLessThan(30_000);
    });

    it('rolls a StatefulSet out pod by pod and a DaemonSet onto every node', async () => {
      await objects.patch(
        {
          apiVersion: 'apps/v1',
          kind: 'StatefulSet',
          metadata: { name: 'db', namespace: 'default' },
          spec: {
            replicas: 2,
            serviceName: 'db',
            selector: { matchLabels: { app: 'db' } },
            template: {
              metadata: { labels: { app: 'db' } },
              spec: { containers: [{ name: 'db', image: 'postgres:17' }] },
            },
          },
        },
        undefined,
        undefined,
        'slipway',
        undefined,
        PatchStrategy.ServerSideApply,
      );
      await objects.patch(
        {
          apiVersion: 'apps/v1',
          kind: 'DaemonSet',
          metadata: { name: 'agent', namespace: 'default' },
          spec: {
            selector: { matchLabels: { app: 'agent' } },
            template: {
              metadata: { labels: { app: 'agent' } },
              spec: { containers: [{ name: 'agent', image: 'agent:1' }] },
            },
          },
        },
        undefined,
        undefined,
        'slipway',
        undefined,
        PatchStrategy.ServerSideApply,
      );
      expect(
        (await core.listNamespacedPod({ namespace: 'default', labelSelector: 'app=db' })).items.map(
          (p) => p.metadata?.name,
        ),
      ).toEqual(['db-0']);
      for (let i = 0; i < 4; i++) {
        clock.advance(3_100);
        await apps.readNamespacedStatefulSet({ name: 'db', namespace: 'default' });
      }
      const sts = await apps.readNamespacedStatefulSet({ name: 'db', namespace: 'default' });
      expect(sts.status).toMatchObject({ readyReplicas: 2, updatedReplicas: 2 });
      expect(sts.status?.currentRevision).toBe(sts.status?.updateRevision);
      const ds = await apps.readNamespacedDaemonSet({ name: 'agent', namespace: 'default' });
      expect(ds.status).toMatchObject({
        desiredNumberScheduled: 2,
        updatedNumberScheduled: 2,
        numberAvailable: 2,
      });
    });
  });

  describe('custom resources', () => {
    it('registers the kinds of a CustomResourceDefinition and marks it Established', async () => {
      const crd = {
        apiVersion: 'apiextensions.k8s.io/v1',
        kind: 'CustomResourceDefinition',
        metadata: { name: 'gadgets.acme.example.com' },
        spec: {
          group: 'acme.example.com',
          scope: 'Namespaced',
          names: { kind: 'Gadget', plural: 'gadgets' },
          versions: [{ name: 'v1alpha1', served: true, storage: true }],
        },
      };
      const yaml = JSON.stringify(crd);
      const res = await raw(
        kube,
        'PATCH',
        '/apis/apiextensions.k8s.io/v1/customresourcedefinitions/gadgets.acme.example.com?fieldManager=slipway',
        yaml,
        { 'content-type': 'application/apply-patch+yaml' },
      );
      expect(res.status).toBe(201);
      expect(
        (JSON.parse(res.body) as { status: { conditions: Array<{ type: string; status: string }> } }).status
          .conditions,
      ).toContainEqual(expect.objectContaining({ type: 'Established', status: 'True' }));
      expect(await resourceOf(objects, 'acme.example.com/v1alpha1', 'Gadget')).toMatchObject({
        name: 'gadgets',
        namespaced: true,
      });
      const gadget = (await objects.patch(
        {
          apiVersion: 'acme.example.com/v1alpha1',
          kind: 'Gadget',
          metadata: { name: 'g1', namespace: 'default' },
          spec: { any: ['thing'] },
        } as KubernetesObject,
        undefined,
        undefined,
        'slipway',
        undefined,
        PatchStrategy.ServerSideApply,
      )) as KubeObject;
      expect(gadget.spec).toEqual({ any: ['thing'] });
    });
  });
});

describe('KubeStandIn in Autopilot mode', () => {
  it('defaults missing requests on pods, notes it in an annotation, and warns in the apply answer', async () => {
    const kube = new KubeStandIn({ autopilot: true, tokens: { [TOKEN]: 'admin' } });
    await kube.start();
    try {
      const res = await raw(
        kube,
        'PATCH',
        '/apis/apps/v1/namespaces/default/deployments/web?fieldManager=slipway',
        JSON.stringify(webDeployment('nginx:1')),
        { 'content-type': 'application/apply-patch+yaml' },
      );
      expect(res.status).toBe(201);
      expect(String(res.headers.warning)).toContain(
        'autopilot-default-resources-mutator:Autopilot updated Deployment default/web',
      );
      const pod = kube.objects('', 'pods', 'default')[0] as KubeObject;
      const annotation =
        (pod.metadata as { annotations: Record<string, string> }).annotations[
          'autopilot.gke.io/resource-adjustment'
        ] ?? '';
      expect(JSON.parse(annotation)).toMatchObject({
        output: { containers: [{ name: 'web', requests: { cpu: '500m', memory: '2Gi' } }] },
        modified: true,
      });
    } finally {
      await kube.stop();
    }
  });
});
