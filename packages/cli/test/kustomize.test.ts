import type { JsonReport } from '../src/estimate-command.js';
import { detectKustomize, parseKustomization } from '../src/kustomize.js';
import { runIn } from './run-cli.js';
import { deployment, hpa } from './specs.js';
import { removeTemp, writeTempFiles } from './temp-files.js';

describe('parseKustomization', () => {
  it.each([
    [
      'plain resources with a namespace',
      'resources:\n  - deploy.yaml\n  - ../base\nnamespace: shop\ncommonLabels:\n  a: b\n',
      {
        resources: [
          { path: 'k/deploy.yaml', line: 2 },
          { path: 'base', line: 3 },
        ],
        namespace: 'shop',
        features: [],
      },
    ],
    [
      'patches and replicas, each at its line',
      'resources:\n- deploy.yaml\npatches:\n  - path: p.yaml\nreplicas:\n  - name: web\n    count: 3\n',
      {
        resources: [{ path: 'k/deploy.yaml', line: 2 }],
        namespace: null,
        features: [
          { name: '`patches`', line: 3 },
          { name: '`replicas`', line: 5 },
        ],
      },
    ],
    [
      'a remote base',
      'resources:\n  - "github.com/example/app//k8s?ref=v1.2.0"\n',
      {
        resources: [],
        namespace: null,
        features: [{ name: 'remote resource `github.com/example/app//k8s?ref=v1.2.0`', line: 2 }],
      },
    ],
  ])('%s', (_name, text, expected) => {
    expect(parseKustomization('k/kustomization.yaml', text)).toEqual({
      file: 'k/kustomization.yaml',
      dir: 'k',
      ...expected,
    });
  });
});

describe('detectKustomize', () => {
  let bin: string;
  afterEach(() => removeTemp(bin));

  it.each([
    [
      'kustomize',
      { 'kustomize*': '#!/bin/sh\necho "built $1 $2"\n', 'kubectl*': '#!/bin/sh\nexit 3\n' },
      'built build /x/y\n',
    ],
    ['kubectl', { 'kubectl*': '#!/bin/sh\necho "kubectl $1 $2"\n' }, 'kubectl kustomize /x/y\n'],
  ])('prefers %s', async (name, files, output) => {
    bin = await writeTempFiles(files);
    const runner = await detectKustomize(bin);
    expect(runner?.name).toBe(name);
    expect(await runner!.build('/x/y')).toBe(output);
  });

  it('finds nothing on an empty PATH, and ignores files that are not executable', async () => {
    bin = await writeTempFiles({ kustomize: '#!/bin/sh\n' });
    expect(await detectKustomize('')).toBeUndefined();
    expect(await detectKustomize(bin)).toBeUndefined();
  });

  it('reports the first line of a failing build', async () => {
    bin = await writeTempFiles({
      'kustomize*': '#!/bin/sh\necho "Error: accumulating resources" >&2\necho more >&2\nexit 1\n',
    });
    const runner = await detectKustomize(bin);
    await expect(runner!.build('/x')).rejects.toThrow(/^Error: accumulating resources$/);
  });
});

describe('slipway estimate on kustomizations', () => {
  const SPECS = {
    'base/kustomization.yaml': 'resources:\n  - deploy.yaml\n  - hpa.yaml\nnamespace: shop\n',
    'base/deploy.yaml': deployment('web', '500m', '1Gi'),
    'base/hpa.yaml': hpa('web', 2, 4),
    'overlays/prod/kustomization.yaml':
      'resources:\n  - ../../base\nreplicas:\n  - name: web\n    count: 5\n',
  };

  it('prices a plain kustomization itself: each workload keeps its file and line, and takes its namespace', async () => {
    const dir = await writeTempFiles(SPECS);
    try {
      const run = await runIn(dir, ['estimate', '--json', 'base']);
      expect(run.code).toBe(0);
      const report = JSON.parse(run.stdout) as JsonReport;
      expect(
        report.workloads.map((w) => [w.name, w.namespace, w.source.file, w.source.line, w.replicas]),
      ).toEqual([['web', 'shop', 'base/deploy.yaml', 1, { min: 2, max: 4 }]]);
    } finally {
      await removeTemp(dir);
    }
  });

  it('refuses an overlay that needs kustomize when none is installed, naming file, line and feature', async () => {
    const dir = await writeTempFiles(SPECS);
    try {
      const run = await runIn(dir, ['estimate', 'overlays']);
      expect(run.code).toBe(1);
      expect(run.stderr).toMatch(
        /^overlays\/prod\/kustomization\.yaml:3: `replicas` needs kustomize to apply/,
      );
    } finally {
      await removeTemp(dir);
    }
  });

  it('builds an overlay with the kustomize on PATH and prices its output', async () => {
    const rendered = deployment('web', '500m', '1Gi', 5).replace('name: web', 'name: web\n  namespace: shop');
    const dir = await writeTempFiles({
      ...SPECS,
      'bin/kustomize*': `#!/bin/sh\ncat <<'YAML'\n${rendered}YAML\n`,
    });
    try {
      const run = await runIn(dir, ['estimate', '--json', 'base', 'overlays'], { path: `${dir}/bin` });
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
      const report = JSON.parse(run.stdout) as JsonReport;
      // The base is priced through the overlay that includes it, not twice.
      expect(report.workloads.map((w) => [w.name, w.source.file, w.replicas.min])).toEqual([
        ['web', 'overlays/prod (kustomize build)', 5],
      ]);
    } finally {
      await removeTemp(dir);
    }
  });
});
