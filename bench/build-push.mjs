#!/usr/bin/env node
// build-push: the action's own overhead as a share of a small real build, and its cold start.
//
// A real registry (Debian's docker-registry on 127.0.0.1) and a busybox base image are set up once; then, in
// interleaved rounds, (a) the bundled action builds test/fixtures/build-push/app with Buildah and pushes it by
// digest and under one tag, and (b) the same engine commands run alone: `buildah bud`, `buildah push` to an OCI
// layout, `skopeo copy` by digest and then to the tag. The action's overhead is (a) − (b): Node start-up, input
// checks, planning, the registry login, digest checks, reading the layout, outputs and summary. The action's own
// figures (metadata output: build and push seconds) give a second view. Cold start: the bad-input path and a
// dry run (everything but the engine), against `node -e 0`.
//
// Usage: node scripts/with-node24.mjs bench/build-push.mjs [--rounds 5] [--n 15] [--json]
// Needs docker-registry, buildah and skopeo (.ci/apt-packages) and a built actions/build-push/dist.
import { spawn, spawnSync } from 'node:child_process';
import {
  chmodSync,
  copyFileSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { median } from './lib.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'actions', 'build-push', 'dist', 'index.js');
const args = process.argv.slice(2);
const ROUNDS = Number(args.includes('--rounds') ? args[args.indexOf('--rounds') + 1] : 5);
const N = Number(args.includes('--n') ? args[args.indexOf('--n') + 1] : 15);
const node = process.execPath;

function need(program) {
  const r = spawnSync(program, ['--version'], { stdio: 'ignore' });
  if (r.error || r.status !== 0) {
    console.error(`build-push bench: ${program} is not installed (see .ci/apt-packages)`);
    process.exit(1);
  }
}

function freePort() {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolvePort(port));
    });
  });
}

/** Runs a program to completion; throws with its output on failure; returns wall ms. */
function run(program, argv, env, label = program) {
  const t0 = performance.now();
  const r = spawnSync(program, argv, { env: { ...process.env, ...env }, encoding: 'utf8' });
  const ms = performance.now() - t0;
  if (r.status !== 0) throw new Error(`${label} exited ${r.status}:\n${r.stdout}${r.stderr}`);
  return { ms, stdout: r.stdout };
}

/** Parses a GITHUB_OUTPUT file (`name<<delimiter` blocks and `name=value` lines). */
function parseOutputs(text) {
  const out = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const heredoc = /^([^=<]+)<<(.+)$/.exec(lines[i]);
    if (heredoc) {
      const value = [];
      for (i++; i < lines.length && lines[i] !== heredoc[2]; i++) value.push(lines[i]);
      out[heredoc[1]] = value.join('\n');
    } else if (lines[i].includes('=')) {
      out[lines[i].slice(0, lines[i].indexOf('='))] = lines[i].slice(lines[i].indexOf('=') + 1);
    }
  }
  return out;
}

async function startRegistry(dir) {
  const port = await freePort();
  const config = join(dir, 'registry.yml');
  writeFileSync(
    config,
    `version: 0.1\nlog: { level: error, accesslog: { disabled: true } }\nstorage: { filesystem: { rootdirectory: ${JSON.stringify(join(dir, 'registry'))} } }\nhttp: { addr: "127.0.0.1:${port}" }\n`,
  );
  const child = spawn('docker-registry', ['serve', config], { stdio: 'ignore' });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 300; i++) {
    try {
      if ((await fetch(`${url}/v2/`)).ok) return { host: `127.0.0.1:${port}`, child };
    } catch {
      // Not up yet.
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  child.kill();
  throw new Error('docker-registry did not start');
}

function containersEnv(dir, host) {
  writeFileSync(
    join(dir, 'storage.conf'),
    `[storage]\ndriver = "vfs"\ngraphroot = "${join(dir, 'graph')}"\nrunroot = "${join(dir, 'run')}"\n`,
  );
  writeFileSync(
    join(dir, 'registries.conf'),
    `unqualified-search-registries = []\n[[registry]]\nlocation = "${host}"\ninsecure = true\n`,
  );
  return {
    CONTAINERS_STORAGE_CONF: join(dir, 'storage.conf'),
    CONTAINERS_REGISTRIES_CONF: join(dir, 'registries.conf'),
    BUILDAH_ISOLATION: 'chroot',
  };
}

function pushBase(dir, host, env) {
  const ctx = join(dir, 'base');
  mkdirSync(join(ctx, 'rootfs', 'bin'), { recursive: true });
  copyFileSync('/bin/busybox', join(ctx, 'rootfs', 'bin', 'busybox'));
  chmodSync(join(ctx, 'rootfs', 'bin', 'busybox'), 0o755);
  for (const applet of ['sh', 'test', 'echo', 'cat'])
    symlinkSync('busybox', join(ctx, 'rootfs', 'bin', applet));
  writeFileSync(join(ctx, 'Dockerfile'), 'FROM scratch\nCOPY rootfs/ /\n');
  const name = `${host}/base:1`;
  run('buildah', ['bud', '--quiet', '--tag', name, ctx], env);
  run('buildah', ['push', '--quiet', '--tls-verify=false', name, `docker://${name}`], env);
  return name;
}

function stepEnv(dir, ws, extra) {
  const files = {
    GITHUB_OUTPUT: join(dir, 'out'),
    GITHUB_STATE: join(dir, 'state'),
    GITHUB_STEP_SUMMARY: join(dir, 'sum'),
  };
  for (const f of Object.values(files)) writeFileSync(f, '');
  const temp = join(dir, 'runner-temp');
  mkdirSync(temp, { recursive: true });
  return {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '',
    GITHUB_WORKSPACE: ws,
    GITHUB_REF: 'refs/heads/main',
    GITHUB_SHA: '0123456789abcdef0123456789abcdef01234567',
    GITHUB_REPOSITORY: 'o/r',
    GITHUB_EVENT_NAME: 'push',
    RUNNER_TEMP: temp,
    ...files,
    ...extra,
  };
}

/** The action, end to end; returns wall ms and its own engine timings. */
function runAction(dir, ws, env, inputs) {
  const e = stepEnv(dir, ws, { ...env, ...inputs });
  const t0 = performance.now();
  const r = spawnSync(node, [dist], { env: e, cwd: ws, encoding: 'utf8' });
  const ms = performance.now() - t0;
  if (r.status !== 0) throw new Error(`build-push exited ${r.status}:\n${r.stdout}${r.stderr}`);
  const metadata = JSON.parse(parseOutputs(readFileSync(e.GITHUB_OUTPUT, 'utf8')).metadata ?? '{}');
  return { ms, engineMs: ((metadata.buildSeconds ?? 0) + (metadata.pushSeconds ?? 0)) * 1000 };
}

/** The same engine work without the action: build, OCI layout, push by digest, tag. */
function runEngineAlone(dir, ws, env, host, base, round) {
  const work = join(dir, `engine-${round}`);
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  const local = `localhost/bench-engine:${round}`;
  const layout = `oci:${join(work, 'layout')}:image`;
  const t0 = performance.now();
  run(
    'buildah',
    [
      'bud',
      '--file',
      join(ws, 'Dockerfile'),
      '--build-arg',
      `BASE=${base}`,
      '--secret',
      'id=token,env=BENCH_SECRET',
      '--tag',
      local,
      ws,
    ],
    { ...env, BENCH_SECRET: 'x' },
  );
  run('buildah', ['push', '--quiet', '--digestfile', join(work, 'digest'), local, layout], env);
  const digest = readFileSync(join(work, 'digest'), 'utf8').trim();
  const copy = (dest) =>
    run(
      'skopeo',
      ['copy', '--all', '--preserve-digests', '--retry-times', '3', '--dest-tls-verify=false', layout, dest],
      env,
    );
  copy(`docker://${host}/bench/engine@${digest}`);
  copy(`docker://${host}/bench/engine:sha-0123456`);
  return performance.now() - t0;
}

function coldStart(dir, ws, env, base, host) {
  const samples = { node: [], bad: [], dry: [] };
  for (let i = 0; i < N; i++) {
    let t0 = performance.now();
    spawnSync(node, ['-e', '0']);
    samples.node.push(performance.now() - t0);
    const bad = stepEnv(dir, ws, {});
    t0 = performance.now();
    const r = spawnSync(node, [dist], { env: bad, cwd: ws });
    samples.bad.push(performance.now() - t0);
    if (r.status !== 1) throw new Error('the bad-input path did not fail');
    const dry = stepEnv(dir, ws, {
      ...env,
      INPUT_IMAGES: `${host}/bench/dry`,
      INPUT_ENGINE: 'buildah',
      'INPUT_DRY-RUN': 'true',
      'INPUT_BUILD-ARGS': `BASE=${base}`,
    });
    t0 = performance.now();
    const d = spawnSync(node, [dist], { env: dry, cwd: ws });
    samples.dry.push(performance.now() - t0);
    if (d.status !== 0) throw new Error(`the dry run failed:\n${d.stdout}${d.stderr}`);
  }
  return { node: median(samples.node), bad: median(samples.bad), dry: median(samples.dry) };
}

async function main() {
  if (!existsSync(dist))
    throw new Error('actions/build-push/dist/index.js is missing: run `npm run build` first');
  for (const program of ['docker-registry', 'buildah', 'skopeo']) need(program);
  const dir = mkdtempSync(join(tmpdir(), 'slipway-bench-build-push-'));
  let registry;
  try {
    registry = await startRegistry(dir);
    const env = containersEnv(dir, registry.host);
    const base = pushBase(dir, registry.host, env);
    const ws = join(dir, 'ws');
    cpSync(join(root, 'test', 'fixtures', 'build-push', 'app'), ws, { recursive: true });
    const inputs = {
      INPUT_IMAGES: `${registry.host}/bench/action`,
      INPUT_ENGINE: 'buildah',
      'INPUT_AUTO-TAGS': 'sha',
      'INPUT_BUILD-ARGS': `BASE=${base}`,
      INPUT_SECRETS: 'token=x',
    };
    // Warm-up: the base image lands in the store for both, and the file cache is warm.
    runAction(dir, ws, env, inputs);
    runEngineAlone(dir, ws, env, registry.host, base, 0);

    const action = [];
    const own = [];
    const engine = [];
    for (let round = 1; round <= ROUNDS; round++) {
      const a = runAction(dir, ws, env, inputs);
      action.push(a.ms);
      own.push(a.ms - a.engineMs);
      engine.push(runEngineAlone(dir, ws, env, registry.host, base, round));
    }
    const cold = coldStart(dir, ws, env, base, registry.host);
    const result = {
      rounds: ROUNDS,
      node: process.version,
      actionMs: Math.round(median(action)),
      engineAloneMs: Math.round(median(engine)),
      overheadMs: Math.round(median(action) - median(engine)),
      overheadShare: Number(((median(action) - median(engine)) / median(action)).toFixed(3)),
      overheadByMetadataMs: Math.round(median(own)),
      coldStart: {
        nodeMs: Math.round(cold.node),
        badInputMs: Math.round(cold.bad),
        dryRunMs: Math.round(cold.dry),
        badInputXNode: Number((cold.bad / cold.node).toFixed(2)),
        dryRunXNode: Number((cold.dry / cold.node).toFixed(2)),
      },
    };
    if (args.includes('--json')) {
      console.log(JSON.stringify(result, null, 2));
      return;
    }
    console.log(`build-push overhead, Node ${process.version}, ${ROUNDS} interleaved rounds, medians`);
    console.log(`  action, end to end (build + push to a local registry)   ${result.actionMs} ms`);
    console.log(`  the same engine commands alone                          ${result.engineAloneMs} ms`);
    console.log(
      `  the action's own overhead                               ${result.overheadMs} ms (${(result.overheadShare * 100).toFixed(1)}% of the run)`,
    );
    console.log(
      `  outside the engine by the action's own timings          ${result.overheadByMetadataMs} ms`,
    );
    console.log(`cold start, n = ${N}, medians`);
    console.log(`  node -e 0                                               ${result.coldStart.nodeMs} ms`);
    console.log(
      `  bad input (no inputs)                                   ${result.coldStart.badInputMs} ms (${result.coldStart.badInputXNode}× node)`,
    );
    console.log(
      `  dry run (inputs, files, plan, report)                   ${result.coldStart.dryRunMs} ms (${result.coldStart.dryRunXNode}× node)`,
    );
  } finally {
    registry?.child.kill();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(`build-push bench: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
});
