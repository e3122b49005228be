// The Inputs/Outputs tables in every actions/<name>/README.md are generated from action.yml by
// scripts/docs.mjs; this test runs the generator in check mode over the repository and asserts no drift,
// then proves on a scratch copy that drift is detected, fixed, and that hand-written prose survives.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { REPO_ROOT } from '../harness/action-manifest.js';
import { shippedActions } from './actions-under-test.js';

interface DocsResult {
  actions: string[];
  drifted: string[];
  written: string[];
}
interface DocsModule {
  generateDocs(options?: { root?: string; check?: boolean }): Promise<DocsResult>;
}

const DOCS_SCRIPT = join(REPO_ROOT, 'scripts', 'docs.mjs');
// A plain-JS script has no types; the local interface states the contract this test relies on.
const { generateDocs } = (await import(pathToFileURL(DOCS_SCRIPT).href)) as DocsModule;

const MANIFEST = `name: Demo
description: A demo action.
inputs:
  aws-region:
    description: Region to use.
    required: true
  greeting:
    description: Word | with a pipe.
    default: hello
outputs:
  message:
    description: The greeting.
runs:
  using: node24
  main: dist/index.js
`;

describe('README tables match action.yml', () => {
  it('the repository has no drift (run `npm run docs` to fix)', async () => {
    const result = await generateDocs({ check: true });
    expect(result.drifted).toEqual([]);
    expect(result.written).toEqual([]);
    expect(result.actions).toEqual(shippedActions().map((a) => `actions/${a.name}`));
  });
});

describe('the docs generator', () => {
  let root: string;
  let readme: string;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'slipway-docs-'));
    mkdirSync(join(root, 'actions', 'demo'), { recursive: true });
    writeFileSync(join(root, 'actions', 'demo', 'action.yml'), MANIFEST);
    readme = join(root, 'actions', 'demo', 'README.md');
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('reports a missing README in check mode and writes nothing', async () => {
    const result = await generateDocs({ root, check: true });
    expect(result.drifted).toEqual(['actions/demo/README.md']);
    expect(() => readFileSync(readme)).toThrow();
  });

  it('creates a skeleton with title, description and both tables, then reports no drift', async () => {
    expect((await generateDocs({ root })).written).toEqual(['actions/demo/README.md']);
    const text = readFileSync(readme, 'utf8');
    expect(text).toMatch(/^# Demo\n\nA demo action\.\n/);
    expect(text).toMatch(/<!-- slipway:inputs -->[\s\S]*`aws-region` *\| yes *\| *\| Region to use\./);
    expect(text).toMatch(/`greeting` *\| no *\| `hello` *\| Word \\\| with a pipe\./);
    expect(text).toMatch(
      /<!-- slipway:outputs -->[\s\S]*`message` *\| The greeting\.[\s\S]*<!-- \/slipway:outputs -->/,
    );
    expect(await generateDocs({ root, check: true })).toMatchObject({ drifted: [], written: [] });
  });

  it('detects a stale table, rewrites only between markers and keeps the prose', async () => {
    await generateDocs({ root });
    const prose = '\n## Usage\n\nHand-written text that must survive.\n';
    const stale = readFileSync(readme, 'utf8').replace('Region to use.', 'Old text.') + prose;
    writeFileSync(readme, stale);
    expect((await generateDocs({ root, check: true })).drifted).toEqual(['actions/demo/README.md']);
    expect(readFileSync(readme, 'utf8')).toBe(stale);
    await generateDocs({ root });
    const fixed = readFileSync(readme, 'utf8');
    expect(fixed).toContain('Region to use.');
    expect(fixed).not.toContain('Old text.');
    expect(fixed).toContain('Hand-written text that must survive.');
  });

  it('appends marked sections to a README that has none', async () => {
    writeFileSync(readme, '# Demo\n\nWritten by hand.\n');
    await generateDocs({ root });
    const text = readFileSync(readme, 'utf8');
    expect(text.indexOf('Written by hand.')).toBeLessThan(text.indexOf('<!-- slipway:inputs -->'));
    expect(text).toContain('<!-- /slipway:outputs -->');
  });

  it('refuses a README with an unpaired marker', async () => {
    writeFileSync(readme, '# Demo\n\n<!-- slipway:inputs -->\n');
    await expect(generateDocs({ root, check: true })).rejects.toThrow(/exactly one <!-- slipway:inputs -->/);
  });

  it.each([
    ['--check on drift', 1, ['--check'], /docs drift[\s\S]*actions\/demo\/README\.md/],
    ['write', 0, [], /updated[\s\S]*actions\/demo\/README\.md/],
  ])('CLI %s exits %i', (_label, code, args, pattern) => {
    const r = spawnSync(process.execPath, [DOCS_SCRIPT, ...args, '--root', root], { encoding: 'utf8' });
    expect(r.status).toBe(code);
    expect(r.stdout + r.stderr).toMatch(pattern);
  });
});
