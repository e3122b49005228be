#!/usr/bin/env node
// Cold start of every bundled action, as ratios to two floors measured in the same run:
//   node -e 0                      the runtime alone
//   core floor                     an ncc bundle that only imports @actions/core (built the naive way)
//   core + aws floor               an ncc bundle of @actions/core and one @aws-sdk client (constructed)
// For each action: the bad-input path (dist/index.js with no inputs: it must fail) and, where the action has a
// scenario in bench/scenarios.mjs, the time until its first cloud call reaches a local server.
// Samples are interleaved (one of each target per round) so drift on the machine hits every target alike.
// Usage: node scripts/with-node24.mjs bench/cold-start.mjs [--n 20] [--json]
import { spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { scenarios } from './scenarios.mjs';
import { actionDefaults, dirBytes, median, printTable, timeToFirstCall } from './lib.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'bench', '.out');
const require = createRequire(import.meta.url);
const args = process.argv.slice(2);
const N = Number(args.includes('--n') ? args[args.indexOf('--n') + 1] : 20);
const TIME = existsSync('/usr/bin/time') ? '/usr/bin/time' : null;

/** Builds a floor bundle from source text with ncc, the naive way (no tree-shaking hint). */
async function buildFloor(name, source) {
  const dir = join(out, name);
  const dist = join(dir, 'dist');
  if (existsSync(join(dist, 'index.js'))) return join(dist, 'index.js');
  mkdirSync(dist, { recursive: true });
  const entry = join(root, 'bench', `.floor-${name}.mjs`);
  writeFileSync(entry, source);
  try {
    const ncc = require('@vercel/ncc');
    const { code, assets } = await ncc(entry, { minify: true, quiet: true, target: 'es2022', cache: false });
    writeFileSync(join(dist, 'index.js'), code);
    for (const [file, asset] of Object.entries(assets)) writeFileSync(join(dist, file), asset.source);
  } finally {
    rmSync(entry, { force: true });
  }
  return join(dist, 'index.js');
}

/** Runs a command once; returns wall ms and peak RSS in MB (when GNU time is available). */
function runOnce(argv, env, expectExit) {
  const rssFile = join(out, 'rss.txt');
  const cmd = TIME ? [TIME, '-f', '%M', '-o', rssFile, ...argv] : argv;
  const t0 = performance.now();
  const r = spawnSync(cmd[0], cmd.slice(1), { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const ms = performance.now() - t0;
  if (expectExit !== undefined && r.status !== expectExit) {
    throw new Error(`${argv.join(' ')} exited ${r.status}, expected ${expectExit}:\n${r.stdout}${r.stderr}`);
  }
  const rss = TIME ? Number(readFileSync(rssFile, 'utf8').trim().split('\n').pop()) / 1024 : NaN;
  return { ms, rss };
}

const dirMB = (dir) => dirBytes(dir) / 1e6;

async function main() {
  mkdirSync(out, { recursive: true });
  const node = process.execPath;
  const baseEnv = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' };
  const coreFloor = await buildFloor(
    'floor-core',
    "import * as core from '@actions/core';\nif (!core.getInput('x')) core.setFailed('x: input required');\n",
  );
  const awsFloor = await buildFloor(
    'floor-core-aws',
    "import * as core from '@actions/core';\nimport { ECSClient } from '@aws-sdk/client-ecs';\n" +
      "new ECSClient({ region: 'us-east-1' });\nif (!core.getInput('x')) core.setFailed('x: input required');\n",
  );

  const server = createServer();
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const endpoint = `http://127.0.0.1:${server.address().port}`;
  const work = mkdtempSync(join(tmpdir(), 'slipway-bench-'));

  /** @type {Array<{name: string, group: string, size?: number, run: () => Promise<{ms:number, rss:number}>}>} */
  const targets = [
    { name: 'node -e 0', group: 'floor', run: async () => runOnce([node, '-e', '0'], baseEnv, 0) },
    {
      name: '@actions/core floor',
      group: 'floor',
      size: dirMB(dirname(coreFloor)),
      run: async () => runOnce([node, coreFloor], baseEnv, 1),
    },
    {
      name: '@actions/core + @aws-sdk floor',
      group: 'floor',
      size: dirMB(dirname(awsFloor)),
      run: async () => runOnce([node, awsFloor], baseEnv, 1),
    },
  ];
  const actionsDir = join(root, 'actions');
  for (const name of readdirSync(actionsDir).sort()) {
    const dist = join(actionsDir, name, 'dist', 'index.js');
    if (!existsSync(dist)) continue;
    const size = dirMB(dirname(dist));
    const badEnv = {
      ...baseEnv,
      RUNNER_TEMP: work,
      GITHUB_OUTPUT: join(work, 'out'),
      GITHUB_STEP_SUMMARY: join(work, 'sum'),
    };
    targets.push({
      name: `${name}: bad input`,
      group: name,
      size,
      run: async () => runOnce([node, dist], badEnv, 1),
    });
    const scenario = scenarios[name];
    if (scenario) {
      const env = {
        ...baseEnv,
        ...actionDefaults(join(actionsDir, name, 'action.yml')),
        ...scenario.env({ endpoint, work, root }),
      };
      targets.push({
        name: `${name}: first cloud call`,
        group: name,
        run: async () => ({ ms: await timeToFirstCall([node, dist], env, server), rss: NaN }),
      });
    }
  }

  const samples = new Map(targets.map((t) => [t.name, []]));
  for (let i = 0; i < N; i++) for (const t of targets) samples.get(t.name).push(await t.run());
  server.close();
  rmSync(work, { recursive: true, force: true });

  const med = (name, key) => median(samples.get(name).map((s) => s[key]));
  const nodeMs = med('node -e 0', 'ms');
  const coreMs = med('@actions/core floor', 'ms');
  const awsMs = med('@actions/core + @aws-sdk floor', 'ms');
  const rows = targets.map((t) => {
    const ms = med(t.name, 'ms');
    const rss = med(t.name, 'rss');
    return {
      target: t.name,
      medianMs: Number(ms.toFixed(1)),
      peakRssMB: Number.isNaN(rss) ? null : Number(rss.toFixed(1)),
      distMB: t.size === undefined ? null : Number(t.size.toFixed(3)),
      xNode: Number((ms / nodeMs).toFixed(2)),
      xCoreFloor: Number((ms / coreMs).toFixed(2)),
      xAwsFloor: Number((ms / awsMs).toFixed(2)),
    };
  });
  if (args.includes('--json')) {
    console.log(JSON.stringify({ n: N, node: process.version, rows }, null, 2));
    return;
  }
  console.log(
    `cold start, Node ${process.version}, n = ${N} interleaved, medians${TIME ? '' : ' (no /usr/bin/time: RSS not measured)'}`,
  );
  const header = [
    'target',
    'ms',
    'peak RSS MB',
    'dist MB',
    '× node -e 0',
    '× core floor',
    '× core+aws floor',
  ];
  const table = rows.map((r) => [
    r.target,
    r.medianMs.toFixed(1),
    r.peakRssMB === null ? '–' : r.peakRssMB.toFixed(1),
    r.distMB === null ? '–' : r.distMB.toFixed(3),
    r.xNode.toFixed(2),
    r.xCoreFloor.toFixed(2),
    r.xAwsFloor.toFixed(2),
  ]);
  printTable(header, table);
}

main().catch((e) => {
  console.error(`cold-start: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
});
