import { describeError, isRetryable } from '@slipway/core';
import { KubeClient, parseWarnings } from '../src/client.js';
import { KubeApiError } from '../src/errors.js';
import type { KubeStandIn } from '../../../test/stand-ins/kube.js';
import type { Clock } from '../../../test/stand-ins/clock.js';
import { startCluster, TOKEN } from './cluster.js';

describe('KubeClient against the API stand-in', () => {
  let kube: KubeStandIn;
  let client: KubeClient;
  let clock: Clock;
  const warnings: string[] = [];
  beforeAll(async () => {
    ({ kube, client, clock } = await startCluster(
      { autopilot: true },
      { onWarning: (w) => warnings.push(w) },
    ));
  });
  afterAll(async () => {
    client.close();
    await kube.stop();
  });
  afterEach(() => kube.clearFaults());

  it('sends JSON and parses the answer', async () => {
    const ns = await client.request<{ metadata: { name: string } }>({
      method: 'GET',
      path: '/api/v1/namespaces/default',
    });
    expect(ns.metadata.name).toBe('default');
  });

  it('turns a Status answer into a KubeApiError that core describes and does not retry', async () => {
    const error = await client
      .request({ method: 'GET', path: '/apis/apps/v1/namespaces/default/deployments/ghost' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KubeApiError);
    expect(error).toMatchObject({ statusCode: 404, reason: 'NotFound' });
    expect(describeError(error)).toBe('NotFound: deployments.apps "ghost" not found (HTTP 404)');
    expect(isRetryable(error)).toBe(false);
  });

  it('lists the causes of a 422', async () => {
    const error = (await client
      .request({
        method: 'PATCH',
        path: '/apis/apps/v1/namespaces/default/deployments/bad',
        query: { fieldManager: 't' },
        contentType: 'application/apply-patch+yaml',
        body: {
          apiVersion: 'apps/v1',
          kind: 'Deployment',
          metadata: { name: 'bad' },
          spec: { template: { spec: { containers: [{ name: 'c', image: 'x:1' }] } } },
        },
      })
      .catch((e: unknown) => e)) as KubeApiError;
    expect(error.statusCode).toBe(422);
    expect(error.causes).toEqual(['spec.selector: Required value']);
  });

  it.each([
    { fault: { kind: 'throttle' as const, times: 2 } },
    { fault: { kind: 'http' as const, status: 503, times: 2 } },
    { fault: { kind: 'reset' as const, times: 1 } },
  ])('retries a GET after $fault.kind', async ({ fault }) => {
    kube.inject('get namespaces', fault);
    kube.clearJournal();
    await expect(
      client.request({ method: 'GET', path: '/api/v1/namespaces/default' }),
    ).resolves.toBeDefined();
    expect(kube.calls('get namespaces').length).toBe(fault.times + 1);
  });

  it('does not repeat a POST', async () => {
    kube.inject('create configmaps', { kind: 'http', status: 503, times: 1 });
    await expect(
      client.request({
        method: 'POST',
        path: '/api/v1/namespaces/default/configmaps',
        body: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'once' } },
      }),
    ).rejects.toMatchObject({ statusCode: 503 });
  });

  it('renews its token once after a 401', async () => {
    let current = 'stale-token';
    let invalidated = 0;
    const renewing = new KubeClient({
      connection: {
        contextName: 'x',
        server: kube.serverUrl,
        tls: { ca: kube.caPem, insecureSkipVerify: false },
        credentials: {
          kind: 'token',
          provider: {
            get: () => Promise.resolve(current),
            invalidate: () => {
              invalidated += 1;
              current = TOKEN;
            },
          },
        },
      },
    });
    try {
      await expect(
        renewing.request({ method: 'GET', path: '/api/v1/namespaces/default' }),
      ).resolves.toBeDefined();
      expect(invalidated).toBe(1);
    } finally {
      renewing.close();
    }
  });

  it('reports each distinct API warning once', async () => {
    const body = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'warned' },
      spec: {
        selector: { matchLabels: { a: 'b' } },
        template: { metadata: { labels: { a: 'b' } }, spec: { containers: [{ name: 'c', image: 'x:1' }] } },
      },
    };
    for (const image of ['x:1', 'x:2']) {
      (body.spec.template.spec.containers[0] as { image: string }).image = image;
      await client.request({
        method: 'PATCH',
        path: '/apis/apps/v1/namespaces/default/deployments/warned',
        query: { fieldManager: 't' },
        contentType: 'application/apply-patch+yaml',
        body,
      });
    }
    expect(warnings).toEqual([expect.stringContaining('Autopilot updated Deployment default/warned')]);
  });

  it('learns the server clock from Date headers', async () => {
    clock.freeze(Date.now() + 3 * 3_600_000);
    await client.request({ method: 'GET', path: '/version' });
    expect(Math.round(client.clock.offset / 3_600_000)).toBe(3);
  });

  it('streams watch events until the server ends the watch', async () => {
    const list = await client.request<{ metadata: { resourceVersion: string } }>({
      method: 'GET',
      path: '/api/v1/namespaces/default/configmaps',
    });
    await client.request({
      method: 'POST',
      path: '/api/v1/namespaces/default/configmaps',
      body: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'watched' } },
    });
    const events: string[] = [];
    await client.watch(
      '/api/v1/namespaces/default/configmaps',
      { resourceVersion: list.metadata.resourceVersion, timeoutSeconds: 1 },
      (e) => events.push(`${e.type} ${String((e.object.metadata as { name: string }).name)}`),
    );
    expect(events).toEqual(['ADDED watched']);
  });
});

describe('parseWarnings', () => {
  it.each([
    { header: undefined, warnings: [] },
    { header: '299 - "one"', warnings: ['one'] },
    {
      header: '299 - "one, with comma", 299 - "two \\"quoted\\""',
      warnings: ['one, with comma', 'two "quoted"'],
    },
  ])('$header', ({ header, warnings }) => {
    expect(parseWarnings(header)).toEqual(warnings);
  });
});
