import { collectSpecs, expandPaths } from '../src/collect.js';
import { workingTree } from '../src/file-tree.js';
import type { KustomizeRunner } from '../src/kustomize.js';
import { deployment, hpa, taskDefinition, WORKFLOW } from './specs.js';
import { removeTemp, writeTempFiles } from './temp-files.js';

const REPO = {
  'k8s/web.yaml': deployment('web'),
  'k8s/web-hpa.yml': hpa('web', 2, 5),
  'k8s/README.md': '# not a spec',
  'k8s/nested/worker.yaml': deployment('worker'),
  'ecs/api.json': taskDefinition('api'),
  'package.json': '{"name":"x","version":"1.0.0"}',
  'tsconfig.json': '{"compilerOptions":{}}',
  '.github/workflows/ci.yml': WORKFLOW,
  'ci/pipeline.yml': WORKFLOW,
  'action.yml': 'name: x\nruns:\n  using: node24\n  main: dist/index.js\n',
  'config/settings.yaml': 'logLevel: debug\nfeatures: [a, b]\n',
  'node_modules/pkg/deploy.yaml': deployment('vendored'),
  'broken/bad.yaml': 'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: [unclosed\n',
  'base/kustomization.yaml':
    'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - deploy.yaml\n  - hpa.yaml\nnamespace: shop\ncommonLabels:\n  team: shop\n',
  'base/deploy.yaml': deployment('shop', '500m', '1Gi'),
  'base/hpa.yaml': hpa('shop', 3, 6),
  'base/unlisted.yaml': deployment('not-listed'),
  'overlays/prod/kustomization.yaml': 'resources:\n  - ../../base\npatches:\n  - path: replicas.yaml\n',
  'overlays/prod/replicas.yaml':
    'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: shop\nspec:\n  replicas: 9\n',
};

let root: string;
beforeAll(async () => {
  root = await writeTempFiles(REPO);
});
afterAll(() => removeTemp(root));

describe('expandPaths', () => {
  it.each([
    [
      ['k8s'],
      { explicit: [], found: ['k8s/nested/worker.yaml', 'k8s/web-hpa.yml', 'k8s/web.yaml'], missing: [] },
    ],
    [['k8s/web.yaml', './k8s/web.yaml'], { explicit: ['k8s/web.yaml'], found: [], missing: [] }],
    [['k8s/**/*.yaml'], { explicit: [], found: ['k8s/nested/worker.yaml', 'k8s/web.yaml'], missing: [] }],
    [['k8s', '!k8s/nested/**'], { explicit: [], found: ['k8s/web-hpa.yml', 'k8s/web.yaml'], missing: [] }],
    [['nope', 'k8s/web.yaml'], { explicit: ['k8s/web.yaml'], found: [], missing: ['nope'] }],
    [['**/*.json'], { explicit: [], found: ['ecs/api.json', 'package.json', 'tsconfig.json'], missing: [] }],
  ])('%j', async (args, expected) => {
    expect(await expandPaths(workingTree(root), args)).toEqual(expected);
  });

  it('never walks into node_modules', async () => {
    const { found } = await expandPaths(workingTree(root), ['.']);
    expect(found.filter((p) => p.includes('node_modules'))).toEqual([]);
    expect(found).toContain('ecs/api.json');
  });
});

async function collect(args: string[], kustomize?: KustomizeRunner) {
  const tree = workingTree(root);
  return collectSpecs(tree, await expandPaths(tree, args), { kustomize });
}

describe('collectSpecs', () => {
  it('keeps specs (broken ones too) and skips workflows, tool configuration and non-spec YAML', async () => {
    const result = await collect(['.']);
    expect(result.files.map((f) => f.path)).toEqual([
      'base/deploy.yaml',
      'base/hpa.yaml',
      'broken/bad.yaml',
      'ecs/api.json',
      'k8s/nested/worker.yaml',
      'k8s/web-hpa.yml',
      'k8s/web.yaml',
    ]);
    expect(result.skipped).toEqual([
      { path: '.github/workflows/ci.yml', reason: 'name' },
      { path: 'action.yml', reason: 'name' },
      { path: 'ci/pipeline.yml', reason: 'workflow' },
      { path: 'config/settings.yaml', reason: 'no-spec-content' },
      { path: 'package.json', reason: 'name' },
      { path: 'tsconfig.json', reason: 'name' },
    ]);
    // Without kustomize, the overlay with patches is refused with its file and line; its patch is not priced.
    expect(result.errors).toEqual([
      {
        file: 'overlays/prod/kustomization.yaml',
        line: 3,
        message: expect.stringMatching(
          /^`patches` needs kustomize to apply, .*kustomize build overlays\/prod/,
        ),
      },
    ]);
  });

  it('reads the texts of the files it keeps', async () => {
    const result = await collect(['ecs/api.json']);
    expect(result.files).toEqual([{ path: 'ecs/api.json', text: REPO['ecs/api.json'] }]);
  });

  it('prices a kustomization through its resources only: unlisted files beside it are left out', async () => {
    const result = await collect(['base']);
    expect(result.files.map((f) => f.path)).toEqual(['base/deploy.yaml', 'base/hpa.yaml']);
    expect(result.errors).toEqual([]);
  });

  it("records the kustomization's namespace for each of its resources", async () => {
    const result = await collect(['base']);
    expect(result.namespaces).toEqual({ 'base/deploy.yaml': 'shop', 'base/hpa.yaml': 'shop' });
  });

  it('prices a file named explicitly even inside a kustomization directory', async () => {
    const result = await collect(['base/unlisted.yaml']);
    expect(result.files.map((f) => f.path)).toEqual(['base/unlisted.yaml']);
  });

  it('builds a kustomization with kustomize when it needs it, and prices its bases only through it', async () => {
    const built: string[] = [];
    const runner: KustomizeRunner = {
      name: 'fake-kustomize',
      build: (dir) => {
        built.push(dir);
        return Promise.resolve(deployment('shop', '500m', '1Gi', 9));
      },
    };
    const result = await collect(['base', 'overlays'], runner);
    expect(built).toEqual([`${root}/overlays/prod`]);
    expect(result.files).toEqual([
      { path: 'overlays/prod (kustomize build)', text: deployment('shop', '500m', '1Gi', 9) },
    ]);
    expect(result.errors).toEqual([]);
  });

  it('reports a kustomize failure as an error on the kustomization', async () => {
    const runner: KustomizeRunner = {
      name: 'kustomize',
      build: () => Promise.reject(new Error('accumulating resources: boom')),
    };
    const result = await collect(['overlays'], runner);
    expect(result.errors).toEqual([
      {
        file: 'overlays/prod/kustomization.yaml',
        line: 1,
        message: 'kustomize kustomize failed: accumulating resources: boom',
      },
    ]);
  });

  it('with alsoIn, adds the spec files of those directories (an HPA next to a changed Deployment)', async () => {
    const tree = workingTree(root);
    const result = await collectSpecs(tree, { explicit: [], found: ['k8s/web.yaml'] }, { alsoIn: ['k8s'] });
    expect(result.files.map((f) => f.path)).toEqual(['k8s/web-hpa.yml', 'k8s/web.yaml']);
  });

  it('with alsoIn, keeps only what the filter accepts', async () => {
    const tree = workingTree(root);
    const filter = (p: string) => p.endsWith('.yaml');
    const result = await collectSpecs(tree, { explicit: [], found: [] }, { alsoIn: ['k8s'], filter });
    expect(result.files.map((f) => f.path)).toEqual(['k8s/web.yaml']);
  });

  it('with alsoIn, a changed file inside a kustomization directory brings the whole kustomization', async () => {
    const tree = workingTree(root);
    const result = await collectSpecs(
      tree,
      { explicit: [], found: ['base/deploy.yaml'] },
      { alsoIn: ['base'] },
    );
    expect(result.files.map((f) => f.path)).toEqual(['base/deploy.yaml', 'base/hpa.yaml']);
  });
});

describe('kustomization problems', () => {
  it.each([
    [
      'a resource that does not exist',
      {
        'k/kustomization.yaml': 'resources:\n  - deploy.yaml\n  - missing.yaml\n',
        'k/deploy.yaml': deployment('a'),
      },
      { file: 'k/kustomization.yaml', line: 3, message: 'resource `missing.yaml` does not exist' },
    ],
    [
      'a directory without a kustomization',
      { 'k/kustomization.yaml': 'resources:\n  - sub\n', 'k/sub/deploy.yaml': deployment('a') },
      {
        file: 'k/kustomization.yaml',
        line: 2,
        message: 'resource `sub` is a directory without a kustomization file',
      },
    ],
    [
      'a remote base',
      { 'k/kustomization.yaml': 'resources:\n  - https://github.com/example/app//deploy?ref=v1\n' },
      {
        file: 'k/kustomization.yaml',
        line: 2,
        message: expect.stringContaining(
          'remote resource `https://github.com/example/app//deploy?ref=v1` needs kustomize',
        ),
      },
    ],
    [
      'a replicas override',
      {
        'k/kustomization.yaml': 'resources: [deploy.yaml]\nreplicas:\n  - name: a\n    count: 4\n',
        'k/deploy.yaml': deployment('a'),
      },
      {
        file: 'k/kustomization.yaml',
        line: 2,
        message: expect.stringContaining('`replicas` needs kustomize'),
      },
    ],
    [
      'invalid YAML',
      { 'k/kustomization.yaml': 'resources:\n  - a.yaml\n - b.yaml\n' },
      { file: 'k/kustomization.yaml', line: 3, message: expect.stringContaining('YAML syntax error') },
    ],
    [
      'a cycle',
      { 'k/kustomization.yaml': 'resources: [../j]\n', 'j/kustomization.yaml': 'resources: [../k]\n' },
      { file: 'k/kustomization.yaml', line: 1, message: 'kustomizations include each other: k → j → k' },
    ],
  ])('%s', async (_name, files, expected) => {
    const dir = await writeTempFiles(files);
    try {
      const tree = workingTree(dir);
      const result = await collectSpecs(tree, await expandPaths(tree, ['k']));
      expect(result.errors).toEqual([expected]);
      expect(result.files).toEqual([]);
    } finally {
      await removeTemp(dir);
    }
  });
});
