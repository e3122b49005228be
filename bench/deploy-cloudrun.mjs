#!/usr/bin/env node
// deploy-cloudrun: what @google-cloud/run costs at start-up and in bytes, taken the naive way and Slipway's way,
// beside the floors; and the action's own bad-input path and time to its first cloud call. Prints figures.
//   naive            import { ServicesClient } from '@google-cloud/run'; new ServicesClient()
//   slipway's way    the generated client's own module, REST transport, an auth client passed in (no ADC search)
// Each target runs with GCE_METADATA_HOST pointing at a local server that counts requests: a metadata-server probe
// shows up there instead of waiting on 169.254.169.254.
// Usage: node scripts/with-node24.mjs bench/deploy-cloudrun.mjs [--n 15] [--json]
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { scenarios } from './scenarios.mjs';
import { dirBytes, median, runToExit, timeToFirstCall } from './lib.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'bench', '.out');
const require = createRequire(import.meta.url);
const args = process.argv.slice(2);
const N = Number(args.includes('--n') ? args[args.indexOf('--n') + 1] : 15);

/** Bundles a probe from source with ncc (minified, like the actions), once; returns its index.js. */
async function buildProbe(name, source) {
  const dir = join(out, name);
  // google-gax reads CommonJS's __dirname while loading, which an ES module bundle lacks (the action provides it
  // the same way before loading the library); the shim is imported first, so it is evaluated first.
  const shim = join(out, 'dirname-shim.mjs');
  writeFileSync(shim, 'globalThis.__dirname ??= process.cwd();\n');
  source = source.includes('@google-cloud/run') ? `import ${JSON.stringify(shim)};\n${source}` : source;
  const file = join(dir, 'index.js');
  if (existsSync(file)) return file;
  mkdirSync(dir, { recursive: true });
  const entry = join(root, 'bench', `.probe-${name}.mjs`);
  writeFileSync(entry, source);
  try {
    const ncc = require('@vercel/ncc');
    const { code, assets } = await ncc(entry, { minify: true, quiet: true, target: 'es2022', cache: false });
    writeFileSync(file, code);
    for (const [asset, { source: bytes }] of Object.entries(assets)) {
      mkdirSync(dirname(join(dir, asset)), { recursive: true });
      writeFileSync(join(dir, asset), bytes);
    }
  } finally {
    rmSync(entry, { force: true });
  }
  return file;
}

/** Runs a script until it exits (or, with `server`, until `server` sees its first request: lib's timeToFirstCall). */
async function time(argv, env, server, expectExit) {
  if (server) return timeToFirstCall(argv, env, server, 20_000);
  const { code, log, ms } = await runToExit(argv, env, 20_000);
  if (code !== expectExit && expectExit !== undefined)
    throw new Error(`${argv.join(' ')} exited ${code}, expected ${expectExit}:\n${log.slice(-600)}`);
  return ms;
}

function listen(handler) {
  const server = createServer(handler);
  return new Promise((r) => server.listen(0, '127.0.0.1', () => r(server)));
}

async function main() {
  mkdirSync(out, { recursive: true });
  const node = process.execPath;
  const probes = {
    // The same floor bench/cold-start.mjs builds (the naive way), so the two benchmarks compare alike.
    'core floor': await buildProbe(
      join('floor-core', 'dist'),
      "import * as core from '@actions/core';\nif (!core.getInput('x')) core.setFailed('x: input required');\n",
    ),
    'naive client: construct': await buildProbe(
      'cloudrun-naive',
      "import { ServicesClient } from '@google-cloud/run';\nnew ServicesClient();\nconsole.log('constructed');\n",
    ),
    "slipway's client: construct": await buildProbe(
      'cloudrun-slipway',
      "import { ServicesClient } from '@google-cloud/run/build/src/v2/services_client.js';\n" +
        "import { OAuth2Client } from 'google-auth-library';\n" +
        "new ServicesClient({ fallback: true, apiEndpoint: 'run.googleapis.com', authClient: new OAuth2Client() });\n" +
        "console.log('constructed');\n",
    ),
    "slipway's client: first call": await buildProbe(
      'cloudrun-slipway-call',
      "import { ServicesClient } from '@google-cloud/run/build/src/v2/services_client.js';\n" +
        "import { OAuth2Client } from 'google-auth-library';\n" +
        'const authClient = new OAuth2Client();\n' +
        "authClient.setCredentials({ access_token: 't', expiry_date: Date.now() + 3600e3 });\n" +
        'const url = new URL(process.env.BENCH_ENDPOINT);\n' +
        "await new ServicesClient({ fallback: true, apiEndpoint: url.hostname, port: Number(url.port), protocol: 'http', authClient })\n" +
        "  .getService({ name: 'projects/p/locations/l/services/s' }, { retry: null });\n",
    ),
  };
  const dist = join(root, 'actions', 'deploy-cloudrun', 'dist', 'index.js');
  if (!existsSync(dist))
    throw new Error(
      'actions/deploy-cloudrun/dist is missing: run node scripts/build.mjs --only deploy-cloudrun',
    );

  let metadataRequests = 0;
  const metadata = await listen((_req, res) => {
    metadataRequests += 1;
    res.writeHead(404).end();
  });
  const cloud = await listen(() => undefined);
  const endpoint = `http://127.0.0.1:${cloud.address().port}`;
  const work = mkdtempSync(join(tmpdir(), 'slipway-bench-cloudrun-'));
  const baseEnv = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '',
    GCE_METADATA_HOST: `127.0.0.1:${metadata.address().port}`,
    GITHUB_OUTPUT: join(work, 'out'),
    GITHUB_STEP_SUMMARY: join(work, 'sum'),
    RUNNER_TEMP: work,
  };
  const scenarioEnv = { ...baseEnv, ...scenarios['deploy-cloudrun'].env({ endpoint, work, root }) };
  const targets = [
    { name: 'node -e 0', argv: [node, '-e', '0'], env: baseEnv, exit: 0 },
    ...Object.entries(probes).map(([name, file]) => ({
      exit: name === 'core floor' ? 1 : 0,
      name,
      argv: [node, file],
      env: { ...baseEnv, BENCH_ENDPOINT: endpoint },
      size: dirBytes(dirname(file)),
      server: name === "slipway's client: first call" ? cloud : undefined,
    })),
    {
      name: 'deploy-cloudrun: bad input',
      argv: [node, dist],
      env: baseEnv,
      size: dirBytes(dirname(dist)),
      exit: 1,
    },
    { name: 'deploy-cloudrun: first cloud call', argv: [node, dist], env: scenarioEnv, server: cloud },
  ];

  const rows = [];
  const samples = new Map(targets.map((t) => [t.name, []]));
  const probesSeen = new Map(targets.map((t) => [t.name, 0]));
  for (let i = 0; i < N; i++) {
    for (const t of targets) {
      const before = metadataRequests;
      samples.get(t.name).push(await time(t.argv, t.env, t.server, t.exit));
      probesSeen.set(t.name, probesSeen.get(t.name) + (metadataRequests - before));
    }
  }
  metadata.close();
  cloud.close();
  rmSync(work, { recursive: true, force: true });
  const nodeMs = median(samples.get('node -e 0'));
  const coreMs = median(samples.get('core floor'));
  const naiveMs = median(samples.get('naive client: construct'));
  for (const t of targets) {
    const ms = median(samples.get(t.name));
    rows.push({
      target: t.name,
      medianMs: Number(ms.toFixed(1)),
      distMB: t.size === undefined ? null : Number((t.size / 1e6).toFixed(3)),
      xNode: Number((ms / nodeMs).toFixed(2)),
      xCoreFloor: Number((ms / coreMs).toFixed(2)),
      xNaiveClient: Number((ms / naiveMs).toFixed(2)),
      metadataRequestsPerRun: Number((probesSeen.get(t.name) / N).toFixed(1)),
    });
  }
  if (args.includes('--json')) {
    console.log(JSON.stringify({ n: N, node: process.version, rows }, null, 2));
    return;
  }
  console.log(
    `deploy-cloudrun and @google-cloud/run start-up, Node ${process.version}, n = ${N} interleaved, medians`,
  );
  const header = [
    'target',
    'ms',
    'dist MB',
    '× node -e 0',
    '× core floor',
    '× naive client',
    'metadata req/run',
  ];
  const table = rows.map((r) => [
    r.target,
    r.medianMs.toFixed(1),
    r.distMB === null ? '–' : r.distMB.toFixed(3),
    r.xNode.toFixed(2),
    r.xCoreFloor.toFixed(2),
    r.xNaiveClient.toFixed(2),
    r.metadataRequestsPerRun.toFixed(1),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...table.map((row) => row[i].length)));
  const line = (cells) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  console.log(line(header));
  for (const row of table) console.log(line(row));
}

main().catch((e) => {
  console.error(`deploy-cloudrun bench: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
});
