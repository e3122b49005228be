// Bundles the fixture action the way scripts/build.mjs bundles real ones (ncc, minified, ESM), into a
// scratch copy under test/.work so no dist is ever committed for it. Build once per test file.
import { spawn } from 'node:child_process';
import { cp, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join, relative } from 'node:path';
import { FIXTURE_ACTION_DIR, REPO_ROOT } from './action-manifest.js';

/** Where scratch builds go: inside the repo so workspace packages (@slipway/core) resolve, and git-ignored. */
export const WORK_DIR = join(REPO_ROOT, 'test', '.work');

function nccCli(): string {
  return createRequire(import.meta.url).resolve('@vercel/ncc/dist/ncc/cli.js');
}

function runNcc(args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [nccCli(), ...args], {
      cwd: REPO_ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0 ? resolve() : reject(new Error(`ncc ${args.join(' ')} exited ${code}:\n${output}`)),
    );
  });
}

/**
 * Copies test/fixtures/fixture-action (action.yml and src) into a fresh folder under test/.work and bundles
 * `src/index.ts` to `dist/index.js` (plus `dist/package.json` `{"type":"module"}`) with ncc: minified, no
 * source map, no build cache.
 * @returns the folder, ready for `runAction`; remove it with {@link removeBuiltFixture}.
 */
export async function buildFixtureAction(): Promise<string> {
  await mkdir(WORK_DIR, { recursive: true });
  const dir = await mkdtemp(join(WORK_DIR, 'fixture-action-'));
  try {
    await cp(join(FIXTURE_ACTION_DIR, 'action.yml'), join(dir, 'action.yml'));
    await cp(join(FIXTURE_ACTION_DIR, 'src'), join(dir, 'src'), { recursive: true });
    // An ES module package, as each real action is, so TypeScript (NodeNext) and ncc emit ESM.
    await writeFile(
      join(dir, 'package.json'),
      `${JSON.stringify({ private: true, type: 'module' }, null, 2)}\n`,
    );
    // ncc type-checks with the nearest tsconfig.json; the repo's includes every package, so an unrelated type
    // error elsewhere would break this build. This one covers only the fixture and what it imports.
    const base = relative(dir, join(REPO_ROOT, 'tsconfig.base.json'));
    const tsconfig = {
      extends: base,
      compilerOptions: { rootDir: relative(dir, REPO_ROOT), types: ['node'] },
      include: ['src/**/*.ts'],
    };
    await writeFile(join(dir, 'tsconfig.json'), `${JSON.stringify(tsconfig, null, 2)}\n`);
    await runNcc([
      'build',
      join(dir, 'src', 'index.ts'),
      '-o',
      join(dir, 'dist'),
      '-m',
      '-q',
      '-C',
      '--target',
      'es2022',
    ]);
  } catch (e) {
    // A failed build leaves nothing behind in test/.work.
    await removeBuiltFixture(dir);
    throw e;
  }
  return dir;
}

/** Removes a folder made by {@link buildFixtureAction}. */
export async function removeBuiltFixture(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
}
