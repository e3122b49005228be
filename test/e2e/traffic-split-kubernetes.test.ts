// traffic-split on Kubernetes, end to end: the bundled action (run by the harness as the runner runs it) moves the
// backend weights of a Gateway API HTTPRoute, or switches a Service's selector, on the Kubernetes API stand-in
// (HTTPS with its own CA, bearer tokens, resourceVersion conflicts), reached through a kubeconfig given as input.
// The gates probe a candidate app the test can make fail at a given weight. Every PATCH of the HTTPRoute in the
// stand-in's journal is checked to give weights that sum to 100 %.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from '../harness/action-manifest.js';
import { errorMessages, runAction } from '../harness/run-action.js';
import type { ActionRun, RunActionOptions } from '../harness/run-action.js';
import { CandidateApp } from '../stand-ins/candidate-app.js';
import { KubeStandIn } from '../stand-ins/kube.js';
import type { KubeObject } from '../stand-ins/kube.js';

const SPLIT = join(REPO_ROOT, 'actions', 'traffic-split');
const TIMEOUT = 60_000;
const TOKEN = 'traffic-split-ci-token';
const ROUTES = 'patch httproutes.gateway.networking.k8s.io';

const kube = new KubeStandIn({ tokens: { [TOKEN]: 'ci' } });
const app = new CandidateApp({ version: 'green' });
let kubeconfig: string;

beforeAll(async () => {
  await Promise.all([kube.start(), app.start()]);
  kubeconfig = kube.kubeconfig({ token: TOKEN });
});
afterAll(() => Promise.all([kube.stop(), app.stop()]));

function service(ns: string, name: string, selector: Record<string, string>): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, namespace: ns },
    spec: { selector, ports: [{ name: 'http', port: 8080 }] },
  };
}

function pod(ns: string, name: string, labels: Record<string, string>): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: ns, labels },
    spec: { containers: [{ name: 'app', image: 'registry.example.com/web:2' }] },
  };
}

/** A namespace (writes into a namespace that does not exist are refused, as on a cluster). */
function namespace(ns: string): void {
  kube.seed({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
}

/** A namespace with Services web-blue and web-green and an HTTPRoute `web` sending everything to blue. */
function seedRoute(ns: string): void {
  namespace(ns);
  kube.seed(service(ns, 'web-blue', { app: 'web', slot: 'blue' }));
  kube.seed(service(ns, 'web-green', { app: 'web', slot: 'green' }));
  kube.seed({
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'HTTPRoute',
    metadata: { name: 'web', namespace: ns },
    spec: {
      parentRefs: [{ name: 'public', namespace: 'gateway' }],
      hostnames: ['web.example.com'],
      rules: [
        {
          matches: [{ path: { type: 'PathPrefix', value: '/' } }],
          backendRefs: [{ name: 'web-blue', port: 8080 }],
        },
      ],
    },
  });
}

/** Percent per backend Service of the route's first rule. */
function weights(ns: string): Record<string, number> {
  const route = kube.object('gateway.networking.k8s.io', 'httproutes', ns, 'web') as {
    spec: { rules: Array<{ backendRefs: Array<{ name: string; weight?: number }> }> };
  };
  const refs = route.spec.rules[0]!.backendRefs;
  const total = refs.reduce((n, r) => n + (r.weight ?? 1), 0);
  return Object.fromEntries(
    refs.filter((r) => (r.weight ?? 1) > 0).map((r) => [r.name, Math.round(((r.weight ?? 1) * 100) / total)]),
  );
}

/** The green weight of every PATCH of the route in `ns` since `mark`, checking each sums to 100. */
function patchedGreen(ns: string, mark: number): number[] {
  return kube.journal
    .slice(mark)
    .filter((e) => e.operation === ROUTES && e.status === 200 && e.path.includes(`/namespaces/${ns}/`))
    .map((e) => {
      const body = e.body as {
        spec: { rules: Array<{ backendRefs: Array<{ name: string; weight?: number }> }> };
      };
      const refs = body.spec.rules[0]!.backendRefs;
      expect(refs.reduce((n, r) => n + (r.weight ?? 1), 0)).toBe(100);
      return refs.find((r) => r.name === 'web-green')?.weight ?? 0;
    });
}

function split(
  ns: string,
  inputs: Record<string, string>,
  opts: Partial<RunActionOptions> = {},
): Promise<ActionRun> {
  return runAction(SPLIT, {
    inputs: {
      platform: 'kubernetes',
      kubeconfig,
      namespace: ns,
      'http-route': 'web',
      candidate: 'web-green',
      'probe-url': `${app.url}/healthz`,
      'probe-requests': '10',
      interval: '50ms',
      ...inputs,
    },
    secrets: [TOKEN],
    ...opts,
  });
}

function fail(result: ActionRun): never {
  throw new Error(`the action failed:\n${result.log}\n${result.post?.log ?? ''}`);
}

describe('HTTPRoute weights', () => {
  it(
    'a canary promotes to 100 %, one merge patch per step, the token never in the log',
    async () => {
      app.heal();
      seedRoute('canary');
      const mark = kube.journal.length;
      const result = await split('canary', { steps: '5,25,50' });
      if (result.exitCode !== 0) fail(result);
      expect(result.outputs).toEqual({
        stable: 'web-blue',
        candidate: 'web-green',
        weights: '{"stable":0,"candidate":100}',
        result: 'promoted',
      });
      expect(patchedGreen('canary', mark)).toEqual([5, 25, 50, 100]);
      expect(weights('canary')).toEqual({ 'web-green': 100 });
      expect(result.summary).toContain('line [0, 5, 25, 50, 100]');
      expect(result.log).not.toContain(TOKEN);
    },
    TIMEOUT,
  );

  it(
    'a candidate that starts failing at 25 % is rolled back to 100 % stable with the failing gate in the error',
    async () => {
      app.heal();
      seedRoute('failing');
      app.at(() => (weights('failing')['web-green'] ?? 0) >= 25, { failRatio: 0.5 });
      const mark = kube.journal.length;
      const result = await split('failing', { steps: '5,25,50' });
      expect(result.exitCode).toBe(1);
      const errors = errorMessages(result);
      expect(errors).toHaveLength(1);
      expect(errors[0]).toMatch(
        /gate http-probe failed at 25 %: GET http:\/\/127\.0\.0\.1:\d+\/healthz: success 50\.0 % < 99 % .*5× HTTP 503.*; traffic is back on web-blue/,
      );
      expect(patchedGreen('failing', mark)).toEqual([5, 25, 0]);
      expect(weights('failing')).toEqual({ 'web-blue': 100 });
      expect(result.outputs.result).toBe('rolled-back');
      app.heal();
    },
    TIMEOUT,
  );

  it(
    'start, then promote in a second run; abort in a third namespace',
    async () => {
      app.heal();
      seedRoute('manual');
      const started = await split('manual', { action: 'start', steps: '10,50' });
      if (started.exitCode !== 0) fail(started);
      expect(started.outputs.result).toBe('paused');
      expect(weights('manual')).toEqual({ 'web-blue': 90, 'web-green': 10 });
      const promoted = await split('manual', { action: 'promote', steps: '10,50' });
      if (promoted.exitCode !== 0) fail(promoted);
      expect(weights('manual')).toEqual({ 'web-green': 100 });

      seedRoute('aborted');
      await split('aborted', { action: 'start', steps: '30,60' });
      expect(weights('aborted')).toEqual({ 'web-blue': 70, 'web-green': 30 });
      const aborted = await split('aborted', { action: 'abort', 'probe-url': '' });
      if (aborted.exitCode !== 0) fail(aborted);
      expect(aborted.outputs.result).toBe('rolled-back');
      expect(weights('aborted')).toEqual({ 'web-blue': 100 });
    },
    TIMEOUT,
  );

  it(
    'a run killed during a bake is put back on stable by its post step',
    async () => {
      app.heal();
      seedRoute('killed');
      const result = await split(
        'killed',
        { steps: '20,60', interval: '1m' },
        { cancel: { when: () => weights('killed')['web-green'] === 20, signal: 'SIGKILL' }, post: true },
      );
      expect(result.exitCode).toBe(137);
      expect(result.post?.exitCode).toBe(0);
      expect(result.post?.log).toContain('putting all traffic back on web-blue');
      expect(weights('killed')).toEqual({ 'web-blue': 100 });
    },
    TIMEOUT,
  );

  it(
    'throttling and a conflicting writer are retried; the release promotes',
    async () => {
      app.heal();
      seedRoute('contended');
      kube.inject(ROUTES, { kind: 'throttle', times: 1 });
      const result = await split('contended', { steps: '50' });
      if (result.exitCode !== 0) fail(result);
      expect(kube.journal.filter((e) => e.operation === ROUTES && e.status === 429)).toHaveLength(1);
      expect(weights('contended')).toEqual({ 'web-green': 100 });
    },
    TIMEOUT,
  );

  it(
    'an API error in the middle of a step leaves traffic on stable',
    async () => {
      app.heal();
      seedRoute('broken');
      app.at(() => {
        if (weights('broken')['web-green'] !== 10) return false;
        kube.inject(ROUTES, { kind: 'http', status: 403, times: 1 });
        return true;
      }, {});
      const result = await split('broken', { steps: '10,50' });
      expect(result.exitCode).toBe(1);
      expect(errorMessages(result).join('\n')).toMatch(/.*; traffic is back on web-blue/);
      expect(weights('broken')).toEqual({ 'web-blue': 100 });
    },
    TIMEOUT,
  );

  it(
    'a candidate Service that does not exist: one line naming candidate, nothing patched',
    async () => {
      seedRoute('missing');
      const mark = kube.journal.length;
      const result = await split('missing', { candidate: 'web-purple' });
      expect(result.exitCode).toBe(1);
      const errors = errorMessages(result);
      expect(errors).toHaveLength(1);
      expect(errors[0]).toMatch(/candidate.*web-purple/);
      expect(patchedGreen('missing', mark)).toEqual([]);
    },
    TIMEOUT,
  );
});

it(
  'reads the cluster from the file KUBECONFIG names, as deploy-eks and deploy-gke write it',
  async () => {
    app.heal();
    seedRoute('fromfile');
    const dir = await mkdtemp(join(tmpdir(), 'traffic-split-kubeconfig-'));
    try {
      const file = join(dir, 'kubeconfig');
      await writeFile(file, kubeconfig, { mode: 0o600 });
      const result = await split(
        'fromfile',
        { kubeconfig: '', action: 'start', steps: '10,50' },
        { env: { KUBECONFIG: file } },
      );
      if (result.exitCode !== 0) fail(result);
      expect(weights('fromfile')).toEqual({ 'web-blue': 90, 'web-green': 10 });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  },
  TIMEOUT,
);

describe('Service selector (blue/green)', () => {
  it(
    'tests the candidate through the preview Service, then switches the live selector in one patch',
    async () => {
      app.heal();
      namespace('bg');
      kube.seed(service('bg', 'web', { app: 'web', slot: 'blue' }));
      kube.seed(service('bg', 'web-preview', { app: 'web', slot: 'blue' }));
      kube.seed(pod('bg', 'web-green-1', { app: 'web', slot: 'green' }));
      kube.seed(pod('bg', 'web-blue-1', { app: 'web', slot: 'blue' }));
      const result = await split('bg', {
        'http-route': '',
        service: 'web',
        'preview-service': 'web-preview',
        strategy: 'blue-green',
        candidate: 'slot=green',
      });
      if (result.exitCode !== 0) fail(result);
      const selector = (name: string) =>
        (kube.object('', 'services', 'bg', name) as { spec: { selector: Record<string, string> } }).spec
          .selector;
      expect(selector('web')).toEqual({ app: 'web', slot: 'green' });
      expect(selector('web-preview')).toEqual({ app: 'web', slot: 'green' });
      expect(result.outputs).toMatchObject({
        stable: 'slot=blue',
        candidate: 'slot=green',
        result: 'promoted',
      });
      expect(
        kube.journal.filter((e) => e.operation === 'patch services' && e.path.endsWith('/web')),
      ).toHaveLength(1);
    },
    TIMEOUT,
  );

  it(
    'a candidate failing after the switch is switched back',
    async () => {
      app.heal();
      namespace('bg2');
      kube.seed(service('bg2', 'web', { app: 'web', slot: 'blue' }));
      kube.seed(pod('bg2', 'web-green-1', { app: 'web', slot: 'green' }));
      app.at(
        () =>
          (kube.object('', 'services', 'bg2', 'web') as { spec: { selector: Record<string, string> } }).spec
            .selector.slot === 'green',
        { failRatio: 1 },
      );
      const result = await split('bg2', {
        'http-route': '',
        service: 'web',
        strategy: 'blue-green',
        candidate: 'slot=green',
      });
      expect(result.exitCode).toBe(1);
      expect(errorMessages(result).join('\n')).toMatch(
        /gate http-probe failed at 100 %.*traffic is back on slot=blue/,
      );
      expect(
        (kube.object('', 'services', 'bg2', 'web') as { spec: { selector: Record<string, string> } }).spec
          .selector,
      ).toEqual({ app: 'web', slot: 'blue' });
      app.heal();
    },
    TIMEOUT,
  );
});
