import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { collectSpecs, expandPaths } from '../src/collect.js';
import { GitError, changedFiles, gitTree, resolveCommit } from '../src/git.js';
import { createTempRepo } from './git-repo.js';
import type { TempRepo } from './git-repo.js';
import { deployment, hpa, taskDefinition } from './specs.js';
import { removeTemp } from './temp-files.js';

let repo: TempRepo;
let base: string;
let head: string;

beforeAll(async () => {
  repo = await createTempRepo();
  base = await repo.commit(
    {
      'deploy/web.yaml': deployment('web', '250m'),
      'deploy/hpa.yaml': hpa('web', 2, 4),
      'deploy/old.yaml': deployment('old'),
      'ecs/api.json': taskDefinition('api'),
      'docs/readme.md': '# hi',
      'base/kustomization.yaml': 'resources:\n  - deploy.yaml\n',
      'base/deploy.yaml': deployment('shop'),
    },
    'base',
  );
  repo.git('checkout', '--quiet', '-b', 'feature');
  head = await repo.commit(
    {
      'deploy/web.yaml': deployment('web', '1'),
      'deploy/old.yaml': null,
      'deploy/new.yaml': deployment('new'),
      'docs/readme.md': '# changed',
    },
    'head',
  );
});
afterAll(() => removeTemp(repo.dir));

describe('gitTree', () => {
  it('reads files as they were at the revision, not as they are now', async () => {
    const tree = await gitTree('main', repo.dir);
    expect(tree.commit).toBe(base);
    expect(await tree.read('deploy/web.yaml')).toBe(deployment('web', '250m'));
    expect(await tree.stat('deploy/new.yaml')).toBeUndefined();
    expect(await tree.stat('deploy/old.yaml')).toBe('file');
    expect(await tree.stat('deploy')).toBe('dir');
  });

  it('lists directories and globs like the working tree', async () => {
    const tree = await gitTree(base, repo.dir);
    expect(await tree.list('.')).toEqual([
      { name: 'base', type: 'dir' },
      { name: 'deploy', type: 'dir' },
      { name: 'docs', type: 'dir' },
      { name: 'ecs', type: 'dir' },
    ]);
    expect(await tree.glob(['**/*.yaml', '!base/**'])).toEqual([
      'deploy/hpa.yaml',
      'deploy/old.yaml',
      'deploy/web.yaml',
    ]);
  });

  it('reads many files in one go, each with its own text', async () => {
    const tree = await gitTree(base, repo.dir);
    const texts = await Promise.all(
      ['deploy/web.yaml', 'ecs/api.json', 'deploy/hpa.yaml'].map((p) => tree.read(p)),
    );
    expect(texts).toEqual([deployment('web', '250m'), taskDefinition('api'), hpa('web', 2, 4)]);
  });

  it('feeds the same collection as the working tree, kustomizations included', async () => {
    const tree = await gitTree('main', repo.dir);
    const result = await collectSpecs(tree, await expandPaths(tree, ['.']));
    expect(result.files.map((f) => f.path)).toEqual([
      'base/deploy.yaml',
      'deploy/hpa.yaml',
      'deploy/old.yaml',
      'deploy/web.yaml',
      'ecs/api.json',
    ]);
  });

  it('gives paths relative to a subdirectory, and reaches above it with ../', async () => {
    const tree = await gitTree('main', join(repo.dir, 'deploy'));
    expect(await tree.glob(['*.yaml'])).toEqual(['hpa.yaml', 'old.yaml', 'web.yaml']);
    expect(await tree.read('../ecs/api.json')).toBe(taskDefinition('api'));
    expect((await tree.list('..')).map((e) => e.name)).toEqual(['base', 'deploy', 'docs', 'ecs']);
  });

  it('writes the revision out for tools that read files themselves', async () => {
    const tree = await gitTree('main', repo.dir);
    try {
      const dir = await tree.materialize('deploy');
      const { readFile } = await import('node:fs/promises');
      expect(await readFile(join(dir, 'web.yaml'), 'utf8')).toBe(deployment('web', '250m'));
    } finally {
      await tree.dispose();
    }
  });

  it.each([['no-such-branch'], ['--output=/tmp/x'], ['main:deploy/web.yaml']])(
    'refuses %s with one line',
    async (ref) => {
      await expect(gitTree(ref, repo.dir)).rejects.toThrow(GitError);
      await expect(resolveCommit(ref, repo.dir)).rejects.toThrow(
        /^(unknown git revision|not a git revision)/,
      );
    },
  );

  it('says so outside a repository', async () => {
    const outside = join(repo.dir, '..', `not-a-repo-${process.pid}`);
    await mkdir(outside, { recursive: true });
    try {
      await expect(gitTree('HEAD', outside)).rejects.toThrow(GitError);
    } finally {
      await removeTemp(outside);
    }
  });
});

describe('changedFiles', () => {
  it('lists what the branch changed since it left main: added, modified and deleted', async () => {
    expect(await changedFiles('main', 'HEAD', repo.dir)).toEqual([
      'deploy/new.yaml',
      'deploy/old.yaml',
      'deploy/web.yaml',
      'docs/readme.md',
    ]);
  });

  it('ignores what main did after the branch left it (three-dot diff)', async () => {
    repo.git('checkout', '--quiet', 'main');
    try {
      await repo.commit({ 'ecs/api.json': taskDefinition('api', '512', '1024') }, 'main moves on');
    } finally {
      repo.git('checkout', '--quiet', 'feature');
    }
    expect(await changedFiles('main', head, repo.dir)).not.toContain('ecs/api.json');
  });

  it('is relative to the directory it runs in', async () => {
    expect(await changedFiles(base, head, join(repo.dir, 'deploy'))).toEqual(
      ['new.yaml', 'old.yaml', 'web.yaml', '../docs/readme.md'].sort(),
    );
  });
});
