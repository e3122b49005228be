import { describe, expect, it } from '@jest/globals';
import {
  applyJobSettings,
  applyServiceSettings,
  ingressContainerIndex,
  secretFilesProblem,
  secretVolumeName,
} from '../../src/run/index.js';
import type { Service, ServiceSettings } from '../../src/run/index.js';

function settings(over: Partial<ServiceSettings> = {}): ServiceSettings {
  return {
    env: {},
    secretEnv: {},
    secretFiles: {},
    envMode: 'merge',
    labels: {},
    serviceLabels: {},
    ...over,
  };
}

const LIVE: Service = {
  labels: { team: 'web' },
  template: {
    containers: [
      {
        image: 'app:1',
        env: [
          { name: 'A', value: '1' },
          { name: 'TOKEN', valueSource: { secretKeyRef: { secret: 'token', version: '2' } } },
        ],
        resources: { limits: { cpu: '1000m', memory: '512Mi' }, cpuIdle: true },
        volumeMounts: [{ name: 'secret-etc-config', mountPath: '/etc/config' }],
      },
    ],
    volumes: [
      {
        name: 'secret-etc-config',
        secret: { secret: 'config', items: [{ path: 'app.json', version: 'latest' }] },
      },
    ],
  },
};

describe('applyServiceSettings', () => {
  it('changes nothing when nothing is given', () => {
    expect(applyServiceSettings(LIVE, settings())).toEqual(LIVE);
  });

  it.each([
    [
      'merges env: updates, adds, keeps',
      settings({ env: { A: '2', B: 'x,y=z' } }),
      [
        { name: 'A', value: '2' },
        { name: 'TOKEN', valueSource: { secretKeyRef: { secret: 'token', version: '2' } } },
        { name: 'B', value: 'x,y=z' },
      ],
    ],
    [
      'replaces env with exactly what is given',
      settings({ env: { B: '{"k":[1,2]}' }, envMode: 'replace' }),
      [{ name: 'B', value: '{"k":[1,2]}' }],
    ],
    [
      'turns a plain variable into a secret',
      settings({ secretEnv: { A: { secret: 'projects/p/secrets/a', version: '3' } } }),
      [
        { name: 'A', valueSource: { secretKeyRef: { secret: 'projects/p/secrets/a', version: '3' } } },
        { name: 'TOKEN', valueSource: { secretKeyRef: { secret: 'token', version: '2' } } },
      ],
    ],
  ])('%s', (_what, s, env) => {
    expect(applyServiceSettings(LIVE, s).template!.containers![0]!.env).toEqual(env);
  });

  it('mounts secrets as files, one volume per directory, and replaces a mount at the same directory', () => {
    const out = applyServiceSettings(
      LIVE,
      settings({
        secretFiles: {
          '/etc/config/app.json': { secret: 'config-v2', version: '4' },
          '/secrets/api/key': { secret: 'api', version: 'latest' },
          '/secrets/api/old-key': { secret: 'api', version: '1' },
        },
      }),
    );
    expect(out.template!.containers![0]!.volumeMounts).toEqual([
      { name: 'secret-etc-config', mountPath: '/etc/config' },
      { name: 'secret-secrets-api', mountPath: '/secrets/api' },
    ]);
    expect(out.template!.volumes).toEqual([
      {
        name: 'secret-etc-config',
        secret: { secret: 'config-v2', items: [{ path: 'app.json', version: '4' }] },
      },
      {
        name: 'secret-secrets-api',
        secret: {
          secret: 'api',
          items: [
            { path: 'key', version: 'latest' },
            { path: 'old-key', version: '1' },
          ],
        },
      },
    ]);
  });

  it('drops secret mounts not given with replace', () => {
    const out = applyServiceSettings(LIVE, settings({ envMode: 'replace' }));
    expect([out.template!.containers![0]!.volumeMounts, out.template!.volumes]).toEqual([[], []]);
  });

  it.each([
    [
      'keeps billing when only memory changes',
      LIVE,
      settings({ memory: '1Gi' }),
      { limits: { cpu: '1000m', memory: '1Gi' }, cpuIdle: true },
    ],
    [
      'sets instance-based billing',
      LIVE,
      settings({ billing: 'instance' }),
      { limits: { cpu: '1000m', memory: '512Mi' }, cpuIdle: false },
    ],
    [
      'keeps request-based billing, explicitly, when a first resources block is written',
      { template: { containers: [{ image: 'x' }] } },
      settings({ cpu: '2' }),
      { limits: { cpu: '2' }, cpuIdle: true },
    ],
    [
      'keeps instance-based billing on a CPU change',
      { template: { containers: [{ image: 'x', resources: { limits: { cpu: '1' } } }] } },
      settings({ cpu: '2' }),
      { limits: { cpu: '2' } },
    ],
  ])('%s', (_what, base, s, resources) => {
    expect(applyServiceSettings(base, s).template!.containers![0]!.resources).toEqual(resources);
  });

  it('sets scaling, concurrency, timeout, account, port, ingress and labels', () => {
    const out = applyServiceSettings(
      LIVE,
      settings({
        minInstances: 1,
        maxInstances: 10,
        concurrency: 40,
        timeoutSeconds: 900,
        serviceAccount: 'run@p.iam.gserviceaccount.com',
        port: 3000,
        ingress: 'internal-and-cloud-load-balancing',
        labels: { 'managed-by': 'slipway' },
        serviceLabels: { 'commit-sha': 'abc' },
      }),
    );
    expect(out.template).toMatchObject({
      scaling: { minInstanceCount: 1, maxInstanceCount: 10 },
      maxInstanceRequestConcurrency: 40,
      timeout: { seconds: '900' },
      serviceAccount: 'run@p.iam.gserviceaccount.com',
      labels: { 'managed-by': 'slipway' },
    });
    expect(out.template!.containers![0]!.ports).toEqual([{ name: 'http1', containerPort: 3000 }]);
    expect(out.ingress).toBe('INGRESS_TRAFFIC_INTERNAL_LOAD_BALANCER');
    expect(out.labels).toEqual({ team: 'web', 'managed-by': 'slipway', 'commit-sha': 'abc' });
  });

  it.each([
    [
      'a connector replaces Direct VPC',
      { networkInterfaces: [{ network: 'n' }] },
      { connector: 'c', egress: 'all-traffic' as const },
      { connector: 'c', egress: 'ALL_TRAFFIC' },
    ],
    [
      'Direct VPC replaces a connector',
      { connector: 'c' },
      { network: 'n', subnet: 's', networkTags: ['t'] },
      { networkInterfaces: [{ network: 'n', subnetwork: 's', tags: ['t'] }] },
    ],
    [
      'egress alone keeps the rest',
      { connector: 'c', egress: 'ALL_TRAFFIC' as const },
      { egress: 'private-ranges-only' as const },
      { connector: 'c', egress: 'PRIVATE_RANGES_ONLY' },
    ],
  ])('%s', (_what, vpcAccess, vpc, expected) => {
    const base: Service = { template: { containers: [{ image: 'x' }], vpcAccess } };
    expect(applyServiceSettings(base, settings({ vpc })).template!.vpcAccess).toEqual(expected);
  });

  it('sets the image of the container that serves, among sidecars', () => {
    const base: Service = {
      template: {
        containers: [
          { name: 'proxy', image: 'envoy' },
          { name: 'app', image: 'app:1', ports: [{ containerPort: 8080 }] },
        ],
      },
    };
    const out = applyServiceSettings(base, settings({ image: 'app:2' }));
    expect(out.template!.containers!.map((c) => c.image)).toEqual(['envoy', 'app:2']);
    expect(ingressContainerIndex(base.template!.containers!)).toBe(1);
  });

  it('does not touch its input', () => {
    const copy = structuredClone(LIVE);
    applyServiceSettings(LIVE, settings({ image: 'b', env: { Z: '1' }, cpu: '2' }));
    expect(LIVE).toEqual(copy);
  });
});

describe('applyJobSettings', () => {
  it('sets tasks, parallelism, retries (zero included), timeout and labels', () => {
    const job = applyJobSettings(
      { template: { template: { containers: [{ image: 'batch:1' }], maxRetries: 3 } } },
      {
        ...settings({ image: 'batch:2', labels: { 'managed-by': 'slipway' } }),
        tasks: 5,
        parallelism: 2,
        maxRetries: 0,
        taskTimeoutSeconds: 3600,
      },
    );
    expect(job).toEqual({
      labels: { 'managed-by': 'slipway' },
      template: {
        labels: { 'managed-by': 'slipway' },
        taskCount: 5,
        parallelism: 2,
        template: { containers: [{ image: 'batch:2' }], maxRetries: 0, timeout: { seconds: '3600' } },
      },
    });
  });
});

describe('secret files', () => {
  it.each([
    [{ '/a/b': { secret: 's', version: '1' }, '/a/c': { secret: 's', version: '2' } }, undefined],
    [
      { '/a/b': { secret: 's', version: '1' }, '/a/c': { secret: 't', version: '1' } },
      '/a would hold two secrets (s and t): Cloud Run mounts one secret per directory',
    ],
    [
      { 'relative/file': { secret: 's', version: '1' } },
      'relative/file: a mounted secret is an absolute file path such as /secrets/api-key',
    ],
    [{ '/file': { secret: 's', version: '1' } }, '/file: mount secrets in a directory, not at /'],
  ])('%j → %s', (files, problem) => {
    expect(secretFilesProblem(files)).toBe(problem);
  });

  it('names volumes after their directory, within 63 characters', () => {
    expect(secretVolumeName('/etc/secrets')).toBe('secret-etc-secrets');
    const long = secretVolumeName(`/${'x'.repeat(80)}`);
    expect(long).toHaveLength(63);
    expect(long).toMatch(/^secret-x+-[0-9a-f]{8}$/);
  });
});
