import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InputError } from '@slipway/core';
import { deploy, prepareManifests } from '../src/deploy.js';
import type { DeployReporter, DeploySettings } from '../src/deploy.js';
import { Discovery } from '../src/discovery.js';
import { ManifestsInvalidError } from '../src/errors.js';
import { parseImageOverrides } from '../src/images.js';
import type { KubeClient } from '../src/client.js';
import type { SourceLocation } from '../src/types.js';
import type { KubeStandIn } from '../../../test/stand-ins/kube.js';
import { startCluster } from './cluster.js';

const FIXTURES = join(import.meta.dirname, '..', '..', '..', 'test', 'fixtures', 'deploy-kube');

/** A reporter that records what a run would print and annotate. */
function recorder() {
  const lines: string[] = [];
  const annotations: Array<{ level: string; message: string; where?: SourceLocation }> = [];
  const reporter: DeployReporter = {
    info: (m) => lines.push(m),
    warning: (message, where) => annotations.push({ level: 'warning', message, ...(where ? { where } : {}) }),
    error: (message, where) => annotations.push({ level: 'error', message, ...(where ? { where } : {}) }),
    group: (title, fn) => {
      lines.push(`[${title}]`);
      return fn();
    },
  };
  return { reporter, lines, annotations };
}

describe('prepareManifests and deploy', () => {
  let kube: KubeStandIn;
  let client: KubeClient;
  let ws: string;
  const settings = (overrides: Partial<DeploySettings>): DeploySettings => ({
    manifests: ['app'],
    workspace: ws,
    images: [],
    namespace: 'default',
    platform: { name: 'Kubernetes' },
    dryRun: false,
    wait: true,
    timeoutMs: 600_000,
    pollIntervalMs: 1_000,
    rollback: false,
    forceConflicts: false,
    ...overrides,
  });
  beforeAll(async () => {
    ({ kube, client } = await startCluster());
    ws = await mkdtemp(join(tmpdir(), 'slipway-deploy-unit-'));
    await cp(FIXTURES, ws, { recursive: true });
  });
  afterAll(async () => {
    client.close();
    await kube.stop();
    await rm(ws, { recursive: true, force: true });
  });

  it('reports every broken manifest at its file and line, then throws ManifestsInvalidError', async () => {
    const r = recorder();
    const error = await prepareManifests(
      settings({ manifests: ['app', 'bad/syntax-line-10.yaml', 'bad/no-kind-line-5.yaml'] }),
      r.reporter,
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ManifestsInvalidError);
    expect(r.annotations.map((a) => [a.level, a.where?.file, a.where?.line])).toEqual([
      ['error', 'bad/syntax-line-10.yaml', 10],
      ['error', 'bad/no-kind-line-5.yaml', 5],
    ]);
    expect(kube.journal).toEqual([]);
  });

  it('names the manifests input for a path that finds nothing', async () => {
    await expect(
      prepareManifests(settings({ manifests: ['nope/*.yaml'] }), recorder().reporter),
    ).rejects.toEqual(
      new InputError([{ input: 'manifests', message: 'nope/*.yaml matches no .yaml, .yml or .json file' }]),
    );
  });

  it('substitutes images and warns about an entry that matches nothing', async () => {
    const r = recorder();
    const { overrides } = parseImageOverrides(['ghcr.io/acme/web:5', 'ghcr.io/acme/none:1']);
    const prepared = await prepareManifests(settings({ images: overrides }), r.reporter);
    expect(prepared.replacements.map((x) => x.object)).toEqual(['cronjob/cleanup', 'deployment/web']);
    expect(r.annotations).toEqual([
      {
        level: 'warning',
        message:
          'images: ghcr.io/acme/none:1 matched no container in the manifests (looked for ghcr.io/acme/none)',
      },
    ]);
  });

  it('dry-runs a deploy whose namespace the deploy itself creates, skipping what cannot be checked yet', async () => {
    await writeFile(
      join(ws, 'ns.yaml'),
      'apiVersion: v1\nkind: Namespace\nmetadata: {name: fresh}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: c, namespace: fresh}\ndata: {a: b}\n',
    );
    const r = recorder();
    const s = settings({ manifests: ['ns.yaml'], dryRun: true });
    const report = await deploy(
      client,
      new Discovery(client),
      await prepareManifests(s, r.reporter),
      s,
      r.reporter,
    );
    expect(report.outcome).toBe('dry-run');
    expect(report.applied.map((a) => [a.ref.kind, a.action])).toEqual([['Namespace', 'created']]);
    expect(report.skipped.map((x) => x.ref.name)).toEqual(['c']);
    expect(kube.object('', 'namespaces', undefined, 'fresh')).toBeUndefined();
  });

  it('reports what was applied before a refusal half-way through the apply', async () => {
    const r = recorder();
    const reporter = {
      ...r.reporter,
      // The refusal comes only with the real apply: the server-side dry run before it passed.
      group: <T>(title: string, fn: () => Promise<T>) => {
        if (title === 'Apply') kube.inject('apply configmaps', { kind: 'http', status: 403, times: 1 });
        return r.reporter.group(title, fn);
      },
    };
    const s = settings({ manifests: ['app/config-list.json'], namespace: 'half' });
    kube.seed({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'half' } });
    const report = await deploy(
      client,
      new Discovery(client),
      await prepareManifests(s, reporter),
      s,
      reporter,
    );
    expect(report.outcome).toBe('failed');
    expect(report.applied.map((a) => `${a.ref.kind}/${a.action}`)).toEqual(['ServiceAccount/created']);
    expect(report.failure).toMatch(
      /^the API server refused configmap\/half\/web-config \(app\/config-list\.json:5\): Forbidden: .*; 1 object\(s\) before it were applied$/,
    );
    expect(r.annotations).toContainEqual(
      expect.objectContaining({ level: 'error', where: { file: 'app/config-list.json', line: 5 } }),
    );
  });

  it('does not wait with wait: false', async () => {
    const r = recorder();
    const s = settings({ manifests: ['app/web.yaml'], wait: false });
    const report = await deploy(
      client,
      new Discovery(client),
      await prepareManifests(s, r.reporter),
      s,
      r.reporter,
    );
    expect(report.rollouts).toEqual([
      { ref: expect.objectContaining({ name: 'web' }), state: 'not waited', message: 'wait: false' },
    ]);
    expect(r.lines).not.toContain('[Rollout]');
  });
});
