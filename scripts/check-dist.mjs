#!/usr/bin/env node
// Rebuilds every action and fails when a committed dist/ differs from its source: modified, new or deleted
// files alike (git status --porcelain over actions/*/dist, not a diff of index.js alone).
import { execFileSync, spawnSync } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const build = spawnSync(process.execPath, ['scripts/build.mjs'], { cwd: root, stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);

// `:(glob)…/**`: a plain `actions/*/dist` pathspec is a wildcard that has to match a whole path, so it matches no
// file inside those folders and would pass whatever they hold.
const DIST = ':(glob)actions/*/dist/**';
const status = execFileSync('git', ['status', '--porcelain', '--untracked-files=all', '--', DIST], {
  cwd: root,
  encoding: 'utf8',
});
if (status.trim()) {
  console.error('check-dist: actions/*/dist does not match the sources. Run `npm run build` and commit:');
  console.error(status);
  spawnSync('git', ['--no-pager', 'diff', '--stat', '--', DIST], {
    cwd: root,
    stdio: 'inherit',
  });
  process.exit(1);
}
console.log('check-dist: every actions/*/dist matches its source');
