import { TrafficTargetError } from '@slipway/core';
import type { RouteState, TrafficRouter } from '@slipway/core';
import type { KubeStandIn } from '../../../test/stand-ins/kube.js';
import type { KubeClient } from '../src/client.js';
import {
  createHttpRouteRouter,
  createServiceSelectorRouter,
  formatLabels,
  parseLabels,
} from '../src/traffic.js';
import type { KubeObject } from '../src/types.js';
import { startCluster } from './cluster.js';

const GATEWAY = 'gateway.networking.k8s.io';
const PATCH_ROUTE = `patch httproutes.${GATEWAY}`;

type Ref = { name: string; port?: number; weight?: number; [key: string]: unknown };
type Rule = { backendRefs?: Ref[]; [key: string]: unknown };

const service = (
  name: string,
  selector: Record<string, string> = { app: name },
  port = 8080,
): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name, namespace: 'default' },
  spec: { selector, ports: [{ name: 'http', port }] },
});
const pod = (name: string, labels: Record<string, string>): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: 'default', labels },
  spec: { containers: [{ name: 'app', image: 'registry.example/app:1' }] },
});
const httpRoute = (rules: Rule[]): KubeObject => ({
  apiVersion: `${GATEWAY}/v1`,
  kind: 'HTTPRoute',
  metadata: { name: 'web', namespace: 'default' },
  spec: { parentRefs: [{ name: 'gw' }], hostnames: ['web.example'], rules },
});
/** One rule sending `/` to these backends. */
const rule = (...backendRefs: Ref[]): Rule => ({
  matches: [{ path: { type: 'PathPrefix', value: '/' } }],
  backendRefs,
});

function rulesIn(kube: KubeStandIn): Rule[] {
  const route = kube.object(GATEWAY, 'httproutes', 'default', 'web');
  return ((route?.spec as { rules?: Rule[] } | undefined)?.rules ?? []) as Rule[];
}

async function targetError(promise: Promise<unknown>): Promise<TrafficTargetError> {
  try {
    await promise;
  } catch (e) {
    if (e instanceof TrafficTargetError) return e;
    throw e;
  }
  throw new Error('expected a TrafficTargetError');
}

function targetErrorSync(fn: () => unknown): TrafficTargetError {
  try {
    fn();
  } catch (e) {
    if (e instanceof TrafficTargetError) return e;
    throw e;
  }
  throw new Error('expected a TrafficTargetError');
}

let kube: KubeStandIn;
let client: KubeClient;
beforeEach(async () => {
  ({ kube, client } = await startCluster());
  kube.seed(service('web'));
  kube.seed(service('web-v2'));
});
afterEach(async () => {
  client.close();
  await kube.stop();
});

describe('createHttpRouteRouter: read', () => {
  const router = (stable?: string) =>
    createHttpRouteRouter(client, { namespace: 'default', route: 'web', candidate: 'web-v2', stable });

  it('infers the stable from a route that sends only to it', async () => {
    kube.seed(httpRoute([rule({ name: 'web', port: 8080 })]));
    const r = router();
    expect(r.platform).toBe('kubernetes');
    expect(r.granularity).toBe('percent');
    await expect(r.read()).resolves.toEqual({
      stable: 'web',
      candidate: 'web-v2',
      weights: { stable: 100, candidate: 0 },
      route: 'HTTPRoute default/web rule 1',
    });
  });

  it.each([
    { refs: [{ name: 'web' }, { name: 'web-v2' }], weights: { stable: 50, candidate: 50 } },
    { refs: [{ name: 'web', weight: 1 }, { name: 'web-v2' }], weights: { stable: 50, candidate: 50 } },
    {
      refs: [
        { name: 'web', weight: 3 },
        { name: 'web-v2', weight: 1 },
      ],
      weights: { stable: 75, candidate: 25 },
    },
    {
      refs: [
        { name: 'web', weight: 90 },
        { name: 'web-v2', weight: 10 },
      ],
      weights: { stable: 90, candidate: 10 },
    },
    {
      refs: [
        { name: 'web', weight: 1 },
        { name: 'web-v2', weight: 2 },
      ],
      weights: { stable: 33, candidate: 67 },
    },
    { refs: [{ name: 'web', weight: 0 }, { name: 'web-v2' }], weights: { stable: 0, candidate: 100 } },
    { refs: [{ name: 'web' }, { name: 'web-v2', weight: 0 }], weights: { stable: 100, candidate: 0 } },
    // A sliver is still traffic: never rounded away to 0 or 100.
    {
      refs: [
        { name: 'web', weight: 1000 },
        { name: 'web-v2', weight: 1 },
      ],
      weights: { stable: 99, candidate: 1 },
    },
    {
      refs: [
        { name: 'web', weight: 1 },
        { name: 'web-v2', weight: 1000 },
      ],
      weights: { stable: 1, candidate: 99 },
    },
    // The same Service twice (two ports): its weights add up.
    {
      refs: [
        { name: 'web', port: 8080, weight: 1 },
        { name: 'web', port: 9090, weight: 1 },
        { name: 'web-v2', weight: 2 },
      ],
      weights: { stable: 50, candidate: 50 },
    },
  ])('normalises relative weights $refs → $weights', async ({ refs, weights }) => {
    kube.seed(httpRoute([rule(...refs.map((r) => ({ port: 8080, ...r })))]));
    const state = await router().read();
    expect(state.weights).toEqual(weights);
    expect(state.stable).toBe('web');
  });

  it('reads a route the candidate serves alone as 0/100 with no stable', async () => {
    kube.seed(httpRoute([rule({ name: 'web-v2', port: 8080 })]));
    await expect(router().read()).resolves.toMatchObject({
      stable: undefined,
      weights: { stable: 0, candidate: 100 },
    });
  });

  it('looks only at the rules that send to the stable or the candidate', async () => {
    kube.seed(service('static'));
    kube.seed(
      httpRoute([
        {
          matches: [{ path: { type: 'PathPrefix', value: '/static' } }],
          backendRefs: [{ name: 'static', port: 8080 }],
        },
        {
          name: 'api',
          ...rule({ name: 'web', port: 8080, weight: 4 }, { name: 'web-v2', port: 8080, weight: 1 }),
        },
        rule({ name: 'web', port: 8080, weight: 80 }, { name: 'web-v2', port: 8080, weight: 20 }),
      ]),
    );
    await expect(router().read()).resolves.toEqual({
      stable: 'web',
      candidate: 'web-v2',
      weights: { stable: 80, candidate: 20 },
      route: 'HTTPRoute default/web rules 2 (api), 3',
    });
  });

  it.each<{ what: string; setup: () => unknown; stable?: string; input: string; message: RegExp }>([
    {
      what: 'a missing route',
      setup: () => undefined,
      input: 'route',
      message: /HTTPRoute default\/web does not exist/,
    },
    {
      what: 'a missing candidate Service',
      setup: async () => {
        kube.seed(httpRoute([rule({ name: 'web', port: 8080 })]));
        await client.request({ method: 'DELETE', path: '/api/v1/namespaces/default/services/web-v2' });
      },
      input: 'candidate',
      message: /candidate Service default\/web-v2 does not exist/,
    },
    {
      what: 'a third backend when the stable is inferred',
      setup: () => {
        kube.seed(service('web-v3'));
        kube.seed(
          httpRoute([
            rule({ name: 'web', port: 8080 }, { name: 'web-v2', port: 8080 }, { name: 'web-v3', port: 8080 }),
          ]),
        );
      },
      input: 'stable',
      message: /sends to Service web, Service web-v3 besides the candidate Service web-v2: name the stable/,
    },
    {
      what: 'a third backend beside a named stable',
      setup: () => {
        kube.seed(service('web-v3'));
        kube.seed(httpRoute([rule({ name: 'web', port: 8080 }, { name: 'web-v3', port: 8080 })]));
      },
      stable: 'web',
      input: 'stable',
      message: /also sends to Service web-v3/,
    },
    {
      what: 'a backend of another kind',
      setup: () =>
        void kube.seed(
          httpRoute([
            rule(
              { name: 'web-v2', port: 8080 },
              { group: 'multicluster.x-k8s.io', kind: 'ServiceImport', name: 'web', port: 8080 },
            ),
          ]),
        ),
      input: 'stable',
      message: /ServiceImport web, which is not a Service/,
    },
    {
      what: 'several backends and no stable named',
      setup: () => {
        kube.seed(service('api'));
        kube.seed(
          httpRoute([
            {
              matches: [{ path: { type: 'PathPrefix', value: '/api' } }],
              backendRefs: [{ name: 'api', port: 8080 }],
            },
            rule({ name: 'web', port: 8080 }),
          ]),
        );
      },
      input: 'stable',
      message: /sends to Service api, Service web: name the stable Service/,
    },
    {
      what: 'a named stable that the route does not use',
      setup: () => void kube.seed(httpRoute([rule({ name: 'web', port: 8080 })])),
      stable: 'blue',
      input: 'stable',
      message: /no rule that sends to the stable Service blue or the candidate Service web-v2/,
    },
    {
      what: 'a stable that is the candidate',
      setup: () => void kube.seed(httpRoute([rule({ name: 'web-v2', port: 8080 })])),
      stable: 'web-v2',
      input: 'stable',
      message: /the stable Service is the candidate Service web-v2/,
    },
    {
      what: 'rules that split differently',
      setup: () =>
        void kube.seed(
          httpRoute([
            rule({ name: 'web', port: 8080, weight: 90 }, { name: 'web-v2', port: 8080, weight: 10 }),
            rule({ name: 'web', port: 8080, weight: 50 }, { name: 'web-v2', port: 8080, weight: 50 }),
          ]),
        ),
      input: 'route',
      message: /rule 1 sends 10% to the candidate, rule 2 50%/,
    },
    {
      what: 'a rule whose weights are all 0',
      setup: () =>
        void kube.seed(
          httpRoute([
            rule({ name: 'web', port: 8080, weight: 0 }, { name: 'web-v2', port: 8080, weight: 0 }),
          ]),
        ),
      input: 'route',
      message: /rule 1 of HTTPRoute default\/web has no backend with a weight above 0/,
    },
    {
      what: 'a candidate Service without the stable port',
      setup: () => void kube.seed(httpRoute([rule({ name: 'web', port: 9090 })])),
      input: 'candidate',
      message: /has no port 9090/,
    },
  ])('refuses $what, naming the input $input', async ({ setup, stable, input, message }) => {
    await setup();
    const error = await targetError(router(stable).read());
    expect(error.input).toBe(input);
    expect(error.message).toMatch(message);
  });
});

describe('createHttpRouteRouter: write', () => {
  const router = () =>
    createHttpRouteRouter(client, { namespace: 'default', route: 'web', candidate: 'web-v2', stable: 'web' });
  const headerFilter = {
    type: 'RequestHeaderModifier',
    requestHeaderModifier: { set: [{ name: 'x-env', value: 'prod' }] },
  };
  const seedRoute = () => {
    kube.seed(service('static'));
    kube.seed(
      httpRoute([
        {
          name: 'api',
          matches: [{ path: { type: 'PathPrefix', value: '/api' } }],
          filters: [headerFilter],
          timeouts: { request: '10s' },
          backendRefs: [{ group: '', kind: 'Service', name: 'web', port: 8080, filters: [headerFilter] }],
        },
        {
          matches: [{ path: { type: 'PathPrefix', value: '/static' } }],
          backendRefs: [{ name: 'static', port: 80 }],
        },
        rule({ name: 'web', port: 8080 }),
      ]),
    );
  };
  const patches = () => kube.calls(PATCH_ROUTE);

  it('writes 5% then 100% in one merge patch each, keeping every other rule and field', async () => {
    seedRoute();
    const r = router();
    const state = await r.read();
    expect(state.weights).toEqual({ stable: 100, candidate: 0 });
    kube.clearJournal();

    await r.write({ stable: 95, candidate: 5 }, state);
    expect(kube.journal.map((e) => e.operation)).toEqual([PATCH_ROUTE]);
    const [api, statics, root] = rulesIn(kube);
    expect(api).toEqual({
      name: 'api',
      matches: [{ path: { type: 'PathPrefix', value: '/api' } }],
      filters: [headerFilter],
      timeouts: { request: '10s' },
      backendRefs: [
        { group: '', kind: 'Service', name: 'web', port: 8080, filters: [headerFilter], weight: 95 },
        { group: '', kind: 'Service', name: 'web-v2', port: 8080, weight: 5 },
      ],
    });
    expect(statics).toEqual({
      matches: [{ path: { type: 'PathPrefix', value: '/static' } }],
      backendRefs: [{ name: 'static', port: 80 }],
    });
    expect(root?.backendRefs).toEqual([
      { name: 'web', port: 8080, weight: 95 },
      { name: 'web-v2', port: 8080, weight: 5 },
    ]);
    await expect(r.read()).resolves.toMatchObject({ stable: 'web', weights: { stable: 95, candidate: 5 } });

    await r.write({ stable: 0, candidate: 100 }, state);
    expect(rulesIn(kube)[2]?.backendRefs).toEqual([
      { name: 'web', port: 8080, weight: 0 },
      { name: 'web-v2', port: 8080, weight: 100 },
    ]);
    await expect(r.read()).resolves.toMatchObject({ stable: 'web', weights: { stable: 0, candidate: 100 } });

    const route = kube.object(GATEWAY, 'httproutes', 'default', 'web');
    expect(route?.spec).toMatchObject({ parentRefs: [{ name: 'gw' }], hostnames: ['web.example'] });
    for (const entry of patches()) {
      expect(entry.headers['content-type']).toBe('application/merge-patch+json');
      const body = entry.body as { metadata: { resourceVersion?: string }; spec: { rules: Rule[] } };
      expect(body.metadata.resourceVersion).toMatch(/^\d+$/);
      for (const index of [0, 2]) {
        const refs = body.spec.rules[index]?.backendRefs ?? [];
        expect(refs.reduce((sum, ref) => sum + (ref.weight ?? 1), 0)).toBe(100);
      }
    }
    expect(patches().map((e) => e.status)).toEqual([200, 200]);
  });

  it('rolls back to the stable', async () => {
    kube.seed(
      httpRoute([rule({ name: 'web', port: 8080, weight: 50 }, { name: 'web-v2', port: 8080, weight: 50 })]),
    );
    const r = router();
    await r.write({ stable: 100, candidate: 0 }, await r.read());
    expect(rulesIn(kube)[0]?.backendRefs).toEqual([
      { name: 'web', port: 8080, weight: 100 },
      { name: 'web-v2', port: 8080, weight: 0 },
    ]);
  });

  it('re-reads and retries after a 409 Conflict, keeping the other change', async () => {
    seedRoute();
    const r = router();
    const state = await r.read();
    // Someone else changes the route between our read and our write.
    await client.request({
      method: 'PATCH',
      path: `/apis/${GATEWAY}/v1/namespaces/default/httproutes/web`,
      contentType: 'application/merge-patch+json',
      body: { spec: { hostnames: ['web.example', 'www.example'] } },
    });
    kube.clearJournal();
    await r.write({ stable: 90, candidate: 10 }, state);
    expect(kube.journal.map((e) => `${e.operation} ${e.status}`)).toEqual([
      `${PATCH_ROUTE} 409`,
      `get httproutes.${GATEWAY} 200`,
      `${PATCH_ROUTE} 200`,
    ]);
    const route = kube.object(GATEWAY, 'httproutes', 'default', 'web');
    expect((route?.spec as { hostnames: string[] }).hostnames).toEqual(['web.example', 'www.example']);
    expect(rulesIn(kube)[2]?.backendRefs?.map((ref) => ref.weight)).toEqual([90, 10]);
  });

  it('gives up after repeated conflicts with the API error', async () => {
    seedRoute();
    const r = router();
    const state = await r.read();
    let bumps = 0;
    // A GET of the route is followed by a change from elsewhere, every time.
    const original = client.request.bind(client);
    const racing = Object.create(client) as KubeClient;
    racing.request = async <T>(req: Parameters<KubeClient['request']>[0]): Promise<T> => {
      const answer = await original<T>(req);
      if (req.method === 'GET' && req.path.includes('/httproutes/')) {
        bumps += 1;
        await original({
          method: 'PATCH',
          path: req.path,
          contentType: 'application/merge-patch+json',
          body: { metadata: { annotations: { bump: String(bumps) } } },
        });
      }
      return answer;
    };
    const raced = createHttpRouteRouter(racing, {
      namespace: 'default',
      route: 'web',
      candidate: 'web-v2',
      stable: 'web',
    });
    const seen = await raced.read();
    expect(seen).toEqual(state);
    await expect(raced.write({ stable: 50, candidate: 50 }, seen)).rejects.toMatchObject({
      statusCode: 409,
      reason: 'Conflict',
    });
    expect(kube.calls(PATCH_ROUTE).filter((e) => e.status === 409)).toHaveLength(5);
    await expect(r.read()).resolves.toMatchObject({ weights: { stable: 100, candidate: 0 } });
  });

  it.each([
    { fault: { kind: 'throttle' as const, times: 2 }, status: 429 },
    { fault: { kind: 'http' as const, status: 503, times: 2 }, status: 503 },
    { fault: { kind: 'http' as const, status: 500, times: 1 }, status: 500 },
  ])('retries a write after $status', async ({ fault, status }) => {
    seedRoute();
    const r = router();
    const state = await r.read();
    kube.inject(PATCH_ROUTE, fault);
    kube.clearJournal();
    await r.write({ stable: 80, candidate: 20 }, state);
    expect(patches().map((e) => e.status)).toEqual([...Array<number>(fault.times).fill(status), 200]);
    if (status === 429) expect(patches()[0]?.fault).toBe('throttle');
    expect(rulesIn(kube)[2]?.backendRefs?.map((ref) => ref.weight)).toEqual([80, 20]);
  });

  it('retries a read after throttling', async () => {
    seedRoute();
    kube.inject(`get httproutes.${GATEWAY}`, { kind: 'throttle', times: 2 });
    await expect(router().read()).resolves.toMatchObject({ weights: { stable: 100, candidate: 0 } });
    expect(kube.calls(`get httproutes.${GATEWAY}`).map((e) => e.status)).toEqual([429, 429, 200]);
  });

  it('refuses weights that do not add up to 100', async () => {
    seedRoute();
    const r = router();
    await expect(r.write({ stable: 50, candidate: 40 }, await r.read())).rejects.toThrow(RangeError);
  });

  it('names the route when it is deleted before the write', async () => {
    seedRoute();
    const r = router();
    const state = await r.read();
    await client.request({ method: 'DELETE', path: `/apis/${GATEWAY}/v1/namespaces/default/httproutes/web` });
    const error = await targetError(r.write({ stable: 50, candidate: 50 }, state));
    expect(error.input).toBe('route');
  });

  it('the stand-in refuses a strategic merge patch of an HTTPRoute, as a real cluster does', async () => {
    seedRoute();
    await expect(
      client.request({
        method: 'PATCH',
        path: `/apis/${GATEWAY}/v1/namespaces/default/httproutes/web`,
        contentType: 'application/strategic-merge-patch+json',
        body: { spec: { hostnames: ['x.example'] } },
      }),
    ).rejects.toMatchObject({ statusCode: 415, reason: 'UnsupportedMediaType' });
  });
});

describe('createServiceSelectorRouter', () => {
  const seedBlueGreen = () => {
    kube.seed(service('live', { app: 'shop', slot: 'blue' }));
    kube.seed(service('preview', { app: 'shop', slot: 'blue' }));
    kube.seed(pod('shop-blue', { app: 'shop', slot: 'blue' }));
    kube.seed(pod('shop-green', { app: 'shop', slot: 'green' }));
  };
  const router = (
    extra: { stable?: string; previewService?: string; candidate?: string } = {},
  ): TrafficRouter =>
    createServiceSelectorRouter(client, {
      namespace: 'default',
      service: 'live',
      candidate: 'slot=green',
      ...extra,
    });
  const selectorOf = (name: string) =>
    (kube.object('', 'services', 'default', name)?.spec as { selector: Record<string, string> }).selector;

  it('reads the stable from the selector and switches in one merge patch each way', async () => {
    seedBlueGreen();
    const r = router();
    expect(r.granularity).toBe('switch');
    expect(r.preview).toBeUndefined();
    const state = await r.read();
    expect(state).toEqual<RouteState>({
      stable: 'slot=blue',
      candidate: 'slot=green',
      weights: { stable: 100, candidate: 0 },
      route: 'Service default/live selector app=shop,slot=blue',
    });
    expect(kube.calls('list pods')[0]?.query).toMatchObject({ labelSelector: 'app=shop,slot=green' });

    kube.clearJournal();
    await r.write({ stable: 0, candidate: 100 }, state);
    expect(kube.journal.map((e) => e.operation)).toEqual(['patch services']);
    expect(kube.journal[0]?.headers['content-type']).toBe('application/merge-patch+json');
    expect(kube.journal[0]?.body).toEqual({ spec: { selector: { slot: 'green' } } });
    expect(selectorOf('live')).toEqual({ app: 'shop', slot: 'green' });
    await expect(r.read()).resolves.toMatchObject({
      stable: undefined,
      weights: { stable: 0, candidate: 100 },
    });

    await r.write({ stable: 100, candidate: 0 }, state);
    expect(selectorOf('live')).toEqual({ app: 'shop', slot: 'blue' });
    // Other fields of the Service are untouched.
    expect(kube.object('', 'services', 'default', 'live')?.spec).toMatchObject({ ports: [{ port: 8080 }] });
  });

  it('knows a named stable while the candidate is live', async () => {
    seedBlueGreen();
    const r = router({ stable: 'slot=blue' });
    await r.write({ stable: 0, candidate: 100 }, await r.read());
    const state = await r.read();
    expect(state).toMatchObject({ stable: 'slot=blue', weights: { stable: 0, candidate: 100 } });
    await r.write({ stable: 100, candidate: 0 }, state);
    expect(selectorOf('live').slot).toBe('blue');
  });

  it('switches several labels at once', async () => {
    kube.seed(service('live', { app: 'shop', version: 'v1', track: 'stable' }));
    kube.seed(pod('shop-v2', { app: 'shop', version: 'v2', track: 'canary' }));
    const r = router({ candidate: 'version=v2,track=canary' });
    const state = await r.read();
    expect(state.stable).toBe('version=v1,track=stable');
    await r.write({ stable: 0, candidate: 100 }, state);
    expect(selectorOf('live')).toEqual({ app: 'shop', version: 'v2', track: 'canary' });
  });

  it.each([
    { stable: 50, candidate: 50 },
    { stable: 95, candidate: 5 },
  ])('refuses a partial split $stable/$candidate with a RangeError', async (weights) => {
    seedBlueGreen();
    const r = router();
    await expect(r.write(weights, await r.read())).rejects.toThrow(RangeError);
    expect(kube.calls('patch services')).toHaveLength(0);
  });

  it('points the preview Service at the candidate in one merge patch', async () => {
    seedBlueGreen();
    const r = router({ previewService: 'preview' });
    const state = await r.read();
    kube.clearJournal();
    await expect(r.preview?.(state)).resolves.toBeUndefined();
    expect(kube.journal.map((e) => e.operation)).toEqual(['patch services']);
    expect(kube.journal[0]?.path).toBe('/api/v1/namespaces/default/services/preview');
    expect(selectorOf('preview')).toEqual({ app: 'shop', slot: 'green' });
    expect(selectorOf('live')).toEqual({ app: 'shop', slot: 'blue' });
  });

  it.each<{
    what: string;
    setup: () => void;
    opts?: { stable?: string; previewService?: string };
    input: string;
    message: RegExp;
  }>([
    {
      what: 'a missing Service',
      setup: () => undefined,
      input: 'service',
      message: /Service default\/live does not exist/,
    },
    {
      what: 'no pod with the candidate labels',
      setup: () => {
        kube.seed(service('live', { app: 'shop', slot: 'blue' }));
        kube.seed(pod('shop-blue', { app: 'shop', slot: 'blue' }));
        kube.seed(pod('other-green', { app: 'other', slot: 'green' }));
      },
      input: 'candidate',
      message: /no pod matches app=shop,slot=green in namespace default/,
    },
    {
      what: 'a selector without the candidate key',
      setup: () => void kube.seed(service('live', { app: 'shop' })),
      input: 'candidate',
      message: /does not select on slot/,
    },
    {
      what: 'a selector that is neither stable nor candidate',
      setup: () => {
        kube.seed(service('live', { app: 'shop', slot: 'red' }));
        kube.seed(pod('shop-green', { app: 'shop', slot: 'green' }));
      },
      opts: { stable: 'slot=blue' },
      input: 'stable',
      message: /selects slot=red: neither the stable \(slot=blue\) nor the candidate \(slot=green\)/,
    },
    {
      what: 'a Service without a selector',
      setup: () => void kube.seed({ ...service('live'), spec: { ports: [{ port: 80 }] } }),
      input: 'service',
      message: /has no selector/,
    },
  ])('refuses $what, naming the input $input', async ({ setup, opts, input, message }) => {
    setup();
    const error = await targetError(router(opts).read());
    expect(error.input).toBe(input);
    expect(error.message).toMatch(message);
  });

  it('names the preview Service when it does not exist', async () => {
    kube.seed(service('live', { app: 'shop', slot: 'blue' }));
    kube.seed(pod('shop-green', { app: 'shop', slot: 'green' }));
    const r = router({ previewService: 'missing' });
    const error = await targetError(r.read().then((state) => r.preview?.(state)));
    expect(error.input).toBe('preview-service');
  });

  it('needs the stable labels to switch back when the candidate was already live', async () => {
    kube.seed(service('live', { app: 'shop', slot: 'green' }));
    kube.seed(pod('shop-green', { app: 'shop', slot: 'green' }));
    const r = router();
    const error = await targetError(r.read().then((state) => r.write({ stable: 100, candidate: 0 }, state)));
    expect(error.input).toBe('stable');
  });

  it.each([
    { opts: { candidate: 'green' }, input: 'candidate' },
    { opts: { candidate: 'slot=green,slot=blue' }, input: 'candidate' },
    { opts: { candidate: 'slot=-bad' }, input: 'candidate' },
    { opts: { stable: 'track=blue' }, input: 'stable' },
    { opts: { stable: 'slot=green' }, input: 'stable' },
  ])('refuses labels $opts at construction, naming $input', ({ opts, input }) => {
    expect(targetErrorSync(() => router(opts)).input).toBe(input);
  });
});

describe('parseLabels / formatLabels', () => {
  it.each([
    ['slot=green', { slot: 'green' }],
    ['version=v2,track=x', { version: 'v2', track: 'x' }],
    [' app.kubernetes.io/version = 1.2 ', { 'app.kubernetes.io/version': '1.2' }],
    ['tier==web', { tier: 'web' }],
  ])('%s', (text, labels) => {
    expect(parseLabels(text, 'candidate')).toEqual(labels);
    expect(parseLabels(formatLabels(labels), 'candidate')).toEqual(labels);
  });
});
