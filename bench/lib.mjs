// Helpers every benchmark under bench/ shares: medians, sizes, action.yml defaults as the runner applies them,
// the time from spawning an action to its first cloud call, and a fixed-width table.
import { spawn } from 'node:child_process';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { register } from 'node:module';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parse as parseYaml } from 'yaml';

/** The median of a list of numbers. */
export function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Bytes of every file below `dir`. */
export function dirBytes(dir) {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile())
    .reduce((n, d) => n + statSync(join(d.parentPath, d.name)).size, 0);
}

/** The INPUT_* variables the runner sets from action.yml defaults (`${{ github.token }}` → `token`; other expressions left out). */
export function actionDefaults(actionYml, token = 'ghs_bench') {
  const inputs = parseYaml(readFileSync(actionYml, 'utf8')).inputs ?? {};
  const env = {};
  for (const [name, spec] of Object.entries(inputs)) {
    const def = spec?.default;
    if (def === undefined || def === null) continue;
    const text = String(def);
    const value = text.includes('${{') ? (text.includes('github.token') ? token : undefined) : text;
    if (value !== undefined) env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] = value;
  }
  return env;
}

/** Spawns `argv` with `env`; its stdout and stderr gather in one `log`. */
export function spawnLogged(argv, env) {
  const child = spawn(argv[0], argv.slice(1), { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const run = { child, log: '' };
  child.stdout.on('data', (d) => (run.log += d));
  child.stderr.on('data', (d) => (run.log += d));
  return run;
}

/**
 * Runs `argv` until it exits. Resolves with its exit code, its log, the ms it ran and `exitedAt` (Date.now(), to
 * compare with a stand-in's journal); kills it and rejects past `timeoutMs`.
 */
export function runToExit(argv, env, timeoutMs = 60_000) {
  return new Promise((resolvePromise, reject) => {
    const t0 = performance.now();
    const run = spawnLogged(argv, env);
    const timer = setTimeout(() => {
      run.child.kill('SIGKILL');
      reject(new Error(`${argv.join(' ')} took over ${timeoutMs / 1000} s:\n${run.log.slice(-1500)}`));
    }, timeoutMs);
    run.child.on('error', reject);
    run.child.on('close', (code) => {
      clearTimeout(timer);
      resolvePromise({ code, log: run.log, ms: performance.now() - t0, exitedAt: Date.now() });
    });
  });
}

/** Spawns `argv` and resolves with the ms until its first request reaches `server` (then kills it). */
export function timeToFirstCall(argv, env, server, timeoutMs = 10_000) {
  return new Promise((resolvePromise, reject) => {
    const t0 = performance.now();
    const run = spawnLogged(argv, env);
    const timer = setTimeout(() => {
      run.child.kill('SIGKILL');
      reject(new Error(`no cloud call within ${timeoutMs / 1000} s:\n${run.log}`));
    }, timeoutMs);
    server.once('request', (_req, res) => {
      const ms = performance.now() - t0;
      clearTimeout(timer);
      res.destroy();
      run.child.kill('SIGKILL');
      resolvePromise(ms);
    });
    run.child.on('exit', (code) => {
      if (code !== null) {
        clearTimeout(timer);
        reject(new Error(`exited ${code} before its first cloud call:\n${run.log}`));
      }
    });
  });
}

/** Prints a table: the first column left-aligned, the others right-aligned. */
export function printTable(header, rows) {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => String(row[i]).length)));
  const line = (cells) =>
    cells.map((c, i) => (i === 0 ? String(c).padEnd(widths[i]) : String(c).padStart(widths[i]))).join('  ');
  console.log(line(header));
  for (const row of rows) console.log(line(row));
}

// Resolve `./x.js` to `./x.ts` next to a TypeScript importer, and compile TypeScript with swc.
const LOADER = `
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
let swc;
export function initialize(data) { swc = createRequire(data.root + '/package.json')('@swc/core'); }
export async function resolve(specifier, context, next) {
  if (context.parentURL?.endsWith('.ts') && /^\\.{1,2}\\//.test(specifier) && specifier.endsWith('.js')) {
    const url = new URL(specifier.slice(0, -3) + '.ts', context.parentURL);
    if (existsSync(fileURLToPath(url))) return { url: url.href, shortCircuit: true };
  }
  return next(specifier, context);
}
export async function load(url, context, next) {
  if (!url.endsWith('.ts')) return next(url, context);
  const { code } = swc.transformSync(readFileSync(fileURLToPath(url), 'utf8'), {
    filename: fileURLToPath(url),
    jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
    module: { type: 'es6' },
  });
  return { format: 'module', source: code, shortCircuit: true };
}`;

/**
 * Lets this process import the TypeScript stand-ins under test/ (compiled with swc, as the tests do): `./x.js`
 * next to a TypeScript importer resolves to `./x.ts`.
 */
export function registerTypeScript(root) {
  register(`data:text/javascript,${encodeURIComponent(LOADER)}`, { data: { root } });
}
