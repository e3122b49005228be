#!/usr/bin/env node
// Bundles every action (actions/<name>/src/index.ts, and src/post.ts when present) with @vercel/ncc into
// actions/<name>/dist/, minified, without source maps, with the third-party licences beside it.
// `--cli` bundles the `slipway` command into packages/cli/dist/ (not committed; `npm ci` runs it via `prepare`).
// `--only <name>` builds one action.
//
// Tree-shaking: ncc runs webpack with `optimization.sideEffects`, which drops unused modules only from
// packages that declare `"sideEffects": false`. @actions/core 3 is ESM and free of import-time side effects but
// does not declare it, so every bundle would evaluate its OIDC client and undici (~100 ms of start-up) even
// though only getInput/setOutput/setFailed are used. We declare the hint for the packages listed below for the
// duration of the build and restore their package.json afterwards. See docs/adr/0002-bundling.md.
import { createRequire } from 'node:module';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** ESM packages verified to have no import-time side effects (module bodies only declare). */
export const SIDE_EFFECT_FREE = ['@actions/core', '@actions/http-client', '@actions/exec', '@actions/io'];

/** Applies the sideEffects hint to the installed copies; returns a function that restores them. */
function declareSideEffectFree() {
  const restore = [];
  for (const name of SIDE_EFFECT_FREE) {
    const file = join(root, 'node_modules', name, 'package.json');
    if (!existsSync(file)) continue;
    const text = readFileSync(file, 'utf8');
    const pkg = JSON.parse(text);
    if (pkg.sideEffects === false) continue;
    writeFileSync(file, JSON.stringify({ ...pkg, sideEffects: false }, null, 2));
    restore.push(() => writeFileSync(file, text));
  }
  return () => restore.forEach((fn) => fn());
}

/** Minifies one ES module chunk (compress + mangle), deterministically. */
function minifyChunk(source) {
  const { minifySync } = require('@swc/core');
  return minifySync(source, { module: true, compress: true, mangle: true, format: { comments: false } }).code;
}

/** Bundles one entry file into outDir/<outName>. */
async function bundle(entry, outDir, outName) {
  const ncc = require('@vercel/ncc');
  const { code, assets } = await ncc(entry, {
    minify: true,
    sourceMap: false,
    quiet: true,
    target: 'es2022',
    license: 'licenses.txt',
    cache: false,
  });
  writeFileSync(join(outDir, outName), code);
  for (const [name, asset] of Object.entries(assets)) {
    const file = join(outDir, name);
    // A second entry (post.js) in the same dist/ must not write its split chunks over the first one's: chunk
    // names are module ids, and the same id can hold different code in the two bundles.
    if (outName !== 'index.js' && name.endsWith('.js') && existsSync(file))
      throw new Error(
        `${outName} splits off ${name}, which index.js also has: bundle one entry (main saves isPost) instead`,
      );
    mkdirSync(dirname(file), { recursive: true });
    // ncc minifies the entry chunk only; the chunks that `import()` splits off are minified here, with SWC.
    writeFileSync(file, name.endsWith('.js') ? minifyChunk(String(asset.source)) : asset.source);
  }
}

/** The actions that have sources to bundle. */
export function listActions() {
  const dir = join(root, 'actions');
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(join(dir, d.name, 'src', 'index.ts')))
    .map((d) => d.name)
    .sort();
}

async function buildAction(name) {
  const src = join(root, 'actions', name, 'src');
  const dist = join(root, 'actions', name, 'dist');
  rmSync(dist, { recursive: true, force: true });
  mkdirSync(dist, { recursive: true });
  await bundle(join(src, 'index.ts'), dist, 'index.js');
  if (existsSync(join(src, 'post.ts'))) await bundle(join(src, 'post.ts'), dist, 'post.js');
  console.log(`built ${relative(root, dist)}`);
}

async function buildCli() {
  const dist = join(root, 'packages', 'cli', 'dist');
  rmSync(dist, { recursive: true, force: true });
  mkdirSync(dist, { recursive: true });
  await bundle(join(root, 'packages', 'cli', 'src', 'main.ts'), dist, 'slipway.js');
  console.log(`built ${relative(root, dist)}`);
}

async function main() {
  const args = process.argv.slice(2);
  const only = args.includes('--only') ? args[args.indexOf('--only') + 1] : undefined;
  const restore = declareSideEffectFree();
  try {
    if (args.includes('--cli')) {
      if (existsSync(join(root, 'packages', 'cli', 'src', 'main.ts'))) await buildCli();
      return;
    }
    const names = only ? [only] : listActions();
    for (const name of names) await buildAction(name);
    if (!only && existsSync(join(root, 'packages', 'cli', 'src', 'main.ts'))) await buildCli();
  } finally {
    restore();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().catch((e) => {
    console.error(`build: ${e instanceof Error ? e.message : String(e)}`);
    process.exit(1);
  });
}
