import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { displayPath, findManifests } from '../src/manifest-files.js';

describe('findManifests', () => {
  let root: string;
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'slipway-manifest-files-'));
    for (const f of [
      'k8s/a.yaml',
      'k8s/b.yml',
      'k8s/c.json',
      'k8s/notes.md',
      'k8s/nested/d.yaml',
      'overlay/kustomization.yaml',
      'overlay/deploy.yaml',
      'single.yaml',
    ]) {
      await mkdir(join(root, f, '..'), { recursive: true });
      await writeFile(join(root, f), 'kind: x\n');
    }
    await mkdir(join(root, 'empty'));
  });
  afterAll(() => rm(root, { recursive: true, force: true }));

  const rel = (sources: Awaited<ReturnType<typeof findManifests>>['sources']) =>
    sources.map((s) =>
      s.kind === 'file' ? displayPath(s.path, root) : `kustomize:${displayPath(s.dir, root)}`,
    );

  it.each([
    { patterns: ['single.yaml'], found: ['single.yaml'] },
    { patterns: ['k8s'], found: ['k8s/a.yaml', 'k8s/b.yml', 'k8s/c.json'] },
    { patterns: ['k8s/**/*.yaml'], found: ['k8s/a.yaml', 'k8s/nested/d.yaml'] },
    { patterns: ['k8s/**', '!k8s/nested/**'], found: ['k8s/a.yaml', 'k8s/b.yml', 'k8s/c.json'] },
    { patterns: ['overlay'], found: ['kustomize:overlay'] },
    { patterns: ['single.yaml', 'k8s/*.yaml', 'single.yaml'], found: ['single.yaml', 'k8s/a.yaml'] },
  ])('$patterns → $found', async ({ patterns, found }) => {
    const result = await findManifests(patterns, root);
    expect(result.problems).toEqual([]);
    expect(rel(result.sources)).toEqual(found);
  });

  it.each([
    { pattern: 'missing.yaml', message: 'missing.yaml does not exist' },
    { pattern: 'empty', message: 'empty holds no .yaml, .yml or .json file' },
    { pattern: 'k8s/*.toml', message: 'k8s/*.toml matches no .yaml, .yml or .json file' },
  ])('reports $pattern', async ({ pattern, message }) => {
    expect((await findManifests([pattern], root)).problems).toEqual([{ pattern, message }]);
  });
});
