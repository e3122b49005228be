#!/usr/bin/env node
// deploy-eks and deploy-gke, measured:
//   1. bundle size next to its floors: naive ncc bundles of @actions/core alone, with the cloud client each action
//      needs (@aws-sdk/client-eks + @smithy/signature-v4; google-auth-library), and of @kubernetes/client-node's
//      KubeConfig (what the actions avoid bundling);
//   2. cold start: the bad-input path (no inputs) and the time until the first cloud call reaches a local server;
//   3. the delay between the Kubernetes stand-in finishing a rollout (every replica of the new revision available,
//      in real time) and the action's process exiting: how fast a finished rollout is noticed and reported.
// Usage: node scripts/with-node24.mjs bench/deploy-kube.mjs [--n 10]
// The stand-ins are TypeScript; a small loader (swc, as the tests use) runs them in this process.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'bench', '.out');
const require = createRequire(join(root, 'package.json'));
const args = process.argv.slice(2);
const N = Number(args.includes('--n') ? args[args.indexOf('--n') + 1] : 10);

import { dirBytes, median, registerTypeScript, runToExit, timeToFirstCall } from './lib.mjs';

registerTypeScript(root);

const mb = (bytes) => (bytes / 1e6).toFixed(2);

/** A naive ncc bundle of `source` (cached under bench/.out); its size in bytes. */
async function floor(name, source) {
  const dist = join(out, name, 'dist');
  if (!existsSync(join(dist, 'index.js'))) {
    mkdirSync(dist, { recursive: true });
    const entry = join(root, 'bench', `.floor-${name}.mjs`);
    writeFileSync(entry, source);
    try {
      const ncc = require('@vercel/ncc');
      const { code, assets } = await ncc(entry, {
        minify: true,
        quiet: true,
        target: 'es2022',
        cache: false,
      });
      writeFileSync(join(dist, 'index.js'), code);
      for (const [file, asset] of Object.entries(assets)) {
        mkdirSync(dirname(join(dist, file)), { recursive: true });
        writeFileSync(join(dist, file), asset.source);
      }
    } finally {
      rmSync(entry, { force: true });
    }
  }
  return { file: join(dist, 'index.js'), bytes: dirBytes(dist) };
}

function timeRun(argv, env) {
  const t0 = performance.now();
  spawnSync(argv[0], argv.slice(1), { env, stdio: 'ignore' });
  return performance.now() - t0;
}

const WEB = `apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
        - name: web
          image: ghcr.io/acme/web:1
          resources: {requests: {cpu: 100m, memory: 128Mi}}
`;

function runnerEnv(work, ws) {
  // The runner creates the file-command files before the step starts.
  for (const f of ['out', 'sum']) writeFileSync(join(work, f), '');
  return {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '',
    GITHUB_WORKSPACE: ws,
    GITHUB_SHA: '0123456789abcdef0123456789abcdef01234567',
    GITHUB_REPOSITORY: 'o/r',
    GITHUB_RUN_ID: '1',
    RUNNER_TEMP: work,
    GITHUB_OUTPUT: join(work, 'out'),
    GITHUB_STEP_SUMMARY: join(work, 'sum'),
    INPUT_MANIFESTS: 'web.yaml',
    'INPUT_POLL-INTERVAL': '5s',
    INPUT_TIMEOUT: '5m',
  };
}

/** One real-time deploy: ms from the stand-in seeing the rollout complete to the action's exit, and the total. */
async function rolloutToExit(action, clusters, work) {
  const timing = { pullMs: 1_500, readyMs: 300 };
  const kubeOpts = { time: 'real', timing };
  const cluster =
    action === 'deploy-eks'
      ? await clusters.startEksCluster({ kube: kubeOpts })
      : await clusters.startGkeCluster({ kube: kubeOpts });
  const ws = mkdtempSync(join(work, 'ws-'));
  writeFileSync(join(ws, 'web.yaml'), WEB);
  let finished;
  const watchRollout = setInterval(() => {
    const d = cluster.kube.object('apps', 'deployments', 'default', 'web');
    const s = d?.status;
    if (
      finished === undefined &&
      s !== undefined &&
      d.metadata.generation === s.observedGeneration &&
      s.availableReplicas === 2 &&
      s.updatedReplicas === 2 &&
      s.replicas === 2
    ) {
      finished = performance.now();
    }
  }, 1);
  const env = {
    ...runnerEnv(work, ws),
    ...cluster.env,
    ...(action === 'deploy-eks'
      ? { 'INPUT_CLUSTER-NAME': cluster.name }
      : { INPUT_CLUSTER: cluster.name, INPUT_LOCATION: cluster.location, INPUT_ENDPOINT: 'auto' }),
  };
  const t0 = performance.now();
  const done = await runToExit([process.execPath, join(root, 'actions', action, 'dist', 'index.js')], env);
  if (done.code !== 0) throw new Error(`${action} exited ${done.code}:\n${done.log}`);
  const exited = t0 + done.ms;
  clearInterval(watchRollout);
  await cluster.stop();
  // The stand-in polls its controllers every 20 ms while a watch waits; the rest is the action's own delay.
  return { delay: exited - finished, total: exited - t0 };
}

async function main() {
  mkdirSync(out, { recursive: true });
  const work = mkdtempSync(join(tmpdir(), 'slipway-bench-kube-'));
  const node = process.execPath;
  try {
    // 1. Sizes.
    const core = await floor(
      'floor-core',
      "import * as core from '@actions/core';\nif (!core.getInput('x')) core.setFailed('x: input required');\n",
    );
    const eksFloor = await floor(
      'floor-core-eks',
      "import * as core from '@actions/core';\nimport { EKSClient, DescribeClusterCommand } from '@aws-sdk/client-eks';\nimport { SignatureV4 } from '@smithy/signature-v4';\n" +
        "new EKSClient({ region: 'us-east-1' });\nvoid SignatureV4; void DescribeClusterCommand;\nif (!core.getInput('x')) core.setFailed('x: input required');\n",
    );
    const gkeFloor = await floor(
      'floor-core-google-auth',
      "import * as core from '@actions/core';\nimport { GoogleAuth } from 'google-auth-library';\nnew GoogleAuth();\nif (!core.getInput('x')) core.setFailed('x: input required');\n",
    );
    // The same clients making their first request, for the first-cloud-call comparison.
    const eksCallFloor = await floor(
      'floor-core-eks-call',
      "import * as core from '@actions/core';\nimport { EKSClient, DescribeClusterCommand } from '@aws-sdk/client-eks';\n" +
        "await new EKSClient({ maxAttempts: 1 }).send(new DescribeClusterCommand({ name: core.getInput('cluster-name') }));\n",
    );
    const gkeCallFloor = await floor(
      'floor-core-google-auth-call',
      "import * as core from '@actions/core';\nimport { GoogleAuth } from 'google-auth-library';\n" +
        "core.getInput('cluster');\nawait (await new GoogleAuth({ scopes: ['https://www.googleapis.com/auth/cloud-platform'], projectId: 'p' }).getClient()).getAccessToken();\n",
    );
    const kubeconfigFloor = await floor(
      'floor-client-node-kubeconfig',
      "import { KubeConfig } from '@kubernetes/client-node';\nconst kc = new KubeConfig();\nkc.loadFromString(process.env.KC ?? '');\n",
    );
    const eksDist = join(root, 'actions', 'deploy-eks', 'dist');
    const gkeDist = join(root, 'actions', 'deploy-gke', 'dist');
    console.log('bundle size (all files of dist/, MB)');
    console.log(
      `  deploy-eks ${mb(dirBytes(eksDist))}  floor: @actions/core + @aws-sdk/client-eks + @smithy/signature-v4 ${mb(eksFloor.bytes)}  (×${(dirBytes(eksDist) / eksFloor.bytes).toFixed(2)})`,
    );
    console.log(
      `  deploy-gke ${mb(dirBytes(gkeDist))}  floor: @actions/core + google-auth-library ${mb(gkeFloor.bytes)}  (×${(dirBytes(gkeDist) / gkeFloor.bytes).toFixed(2)})`,
    );
    console.log(
      `  reference: @actions/core alone ${mb(core.bytes)}; @kubernetes/client-node KubeConfig alone ${mb(kubeconfigFloor.bytes)} (not bundled by the actions)`,
    );

    // 2. Cold start, interleaved.
    const server = createServer();
    await new Promise((r) => server.listen(0, '127.0.0.1', r));
    const endpoint = `http://127.0.0.1:${server.address().port}`;
    const ws = join(work, 'ws');
    mkdirSync(ws, { recursive: true });
    writeFileSync(join(ws, 'web.yaml'), WEB);
    const adc = join(work, 'adc.json');
    writeFileSync(join(work, 'subject'), 'bench-subject-token');
    writeFileSync(
      adc,
      JSON.stringify({
        type: 'external_account',
        audience: '//iam.googleapis.com/projects/1/locations/global/workloadIdentityPools/p/providers/p',
        subject_token_type: 'urn:ietf:params:oauth:token-type:jwt',
        token_url: `${endpoint}/v1/token`,
        credential_source: { file: join(work, 'subject') },
      }),
    );
    for (const f of ['o', 's']) writeFileSync(join(work, f), '');
    const base = {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      GITHUB_OUTPUT: join(work, 'o'),
      GITHUB_STEP_SUMMARY: join(work, 's'),
      RUNNER_TEMP: work,
    };
    const valid = {
      'deploy-eks': {
        ...runnerEnv(work, ws),
        AWS_ENDPOINT_URL_EKS: endpoint,
        AWS_REGION: 'us-east-1',
        AWS_ACCESS_KEY_ID: 'AKIABENCH',
        AWS_SECRET_ACCESS_KEY: 'bench',
        'INPUT_CLUSTER-NAME': 'production',
      },
      'deploy-gke': {
        ...runnerEnv(work, ws),
        GOOGLE_APPLICATION_CREDENTIALS: adc,
        SLIPWAY_GKE_API_ENDPOINT: endpoint,
        INPUT_CLUSTER: 'projects/p/locations/us-central1/clusters/c',
        INPUT_ENDPOINT: 'auto',
      },
    };
    const samples = {
      node: [],
      core: [],
      'deploy-eks bad input': [],
      'deploy-gke bad input': [],
      'deploy-eks first cloud call': [],
      'floor: EKS client first call': [],
      'deploy-gke first cloud call': [],
      'floor: google-auth first call': [],
    };
    for (let i = 0; i < N; i++) {
      samples.node.push(timeRun([node, '-e', '0'], base));
      samples.core.push(timeRun([node, core.file], base));
      for (const action of ['deploy-eks', 'deploy-gke']) {
        samples[`${action} bad input`].push(
          timeRun([node, join(root, 'actions', action, 'dist', 'index.js')], base),
        );
        samples[`${action} first cloud call`].push(
          await timeToFirstCall(
            [node, join(root, 'actions', action, 'dist', 'index.js')],
            valid[action],
            server,
          ),
        );
      }
      samples['floor: EKS client first call'].push(
        await timeToFirstCall([node, eksCallFloor.file], valid['deploy-eks'], server),
      );
      samples['floor: google-auth first call'].push(
        await timeToFirstCall([node, gkeCallFloor.file], valid['deploy-gke'], server),
      );
    }
    server.close();
    const coreMs = median(samples.core);
    console.log(`\ncold start, Node ${process.version}, n = ${N} interleaved, medians`);
    for (const [name, xs] of Object.entries(samples)) {
      const ms = median(xs);
      console.log(
        `  ${name.padEnd(32)} ${ms.toFixed(1).padStart(7)} ms  ×${(ms / coreMs).toFixed(2)} of the @actions/core floor`,
      );
    }
    const ratio = (a, b) => (median(samples[a]) / median(samples[b])).toFixed(2);
    console.log(
      `  first cloud call vs the same client's own first call: deploy-eks ×${ratio('deploy-eks first cloud call', 'floor: EKS client first call')}, deploy-gke ×${ratio('deploy-gke first cloud call', 'floor: google-auth first call')}`,
    );

    // 3. Rollout finished → action exited, in real time.
    const clusters = await import(pathToFileURL(join(root, 'test', 'stand-ins', 'kube-cluster.ts')).href);
    console.log(`\nrollout finished (stand-in, real time) → action exited, n = ${Math.min(N, 5)}, medians`);
    for (const action of ['deploy-eks', 'deploy-gke']) {
      const runs = [];
      for (let i = 0; i < Math.min(N, 5); i++) runs.push(await rolloutToExit(action, clusters, work));
      console.log(
        `  ${action}: ${median(runs.map((r) => r.delay)).toFixed(0)} ms after the rollout finished (min ${Math.min(...runs.map((r) => r.delay)).toFixed(0)}, max ${Math.max(...runs.map((r) => r.delay)).toFixed(0)}); whole deploy ${median(runs.map((r) => r.total)).toFixed(0)} ms, of which ~1800 ms is the simulated image pull and readiness`,
      );
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(`deploy-kube: ${e instanceof Error ? e.stack : String(e)}`);
  process.exit(1);
});
