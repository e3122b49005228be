#!/usr/bin/env node
// traffic-split, measured: the time from a gate failing to traffic being back on the stable version, on each
// platform, with the bundled action run as the runner runs it (node24, INPUT_* variables) against the stand-ins
// the end-to-end tests use (Cloud Run + Google STS, ELBv2, a Kubernetes API), in this process.
//
// Each round: the route is 100 % stable with a candidate at 0 %; the candidate app answers 503 to everything; the
// action moves 50 % to the candidate, probes it (10 requests), the gate fails, and the action rolls back.
//   gate → stable: from the candidate app's last probe answer (the gate's verdict follows from it) until the
//                  platform, polled every millisecond in this process, sends 100 % to stable again;
//   gate → exit:   from the same moment until the action's process has exited (outputs and summary written).
// Next to them, the floor of any action: `node -e 0`, in the same run, as ratios.
// Usage: node scripts/with-node24.mjs bench/traffic-split.mjs [--n 5]
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { actionDefaults, median, printTable, registerTypeScript, runToExit } from './lib.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const N = Number(args.includes('--n') ? args[args.indexOf('--n') + 1] : 5);
const ACTION = join(root, 'actions', 'traffic-split');
const DIST = join(ACTION, 'dist', 'index.js');

registerTypeScript(root);
const standIns = (name) => import(pathToFileURL(join(root, 'test', 'stand-ins', `${name}.ts`)).href);

/** Runs the bundle once with `inputs` and `env`; resolves with timings relative to the gate's failure. */
function runOnce(inputs, env, app, backOnStable) {
  return new Promise((resolvePromise, reject) => {
    const inputEnv = { ...actionDefaults(join(ACTION, 'action.yml')) };
    for (const [k, v] of Object.entries(inputs)) inputEnv[`INPUT_${k.toUpperCase()}`] = v;
    const dir = mkdtempSync(join(tmpdir(), 'slipway-bench-split-'));
    for (const f of ['output', 'summary', 'state', 'env', 'path']) writeFileSync(join(dir, f), '');
    const answered = app.answeredAt.length;
    const child = spawn(process.execPath, [DIST], {
      env: {
        PATH: process.env.PATH,
        ...inputEnv,
        ...env,
        GITHUB_OUTPUT: join(dir, 'output'),
        GITHUB_STEP_SUMMARY: join(dir, 'summary'),
        GITHUB_STATE: join(dir, 'state'),
        GITHUB_ENV: join(dir, 'env'),
        GITHUB_PATH: join(dir, 'path'),
        GITHUB_WORKSPACE: dir,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let log = '';
    child.stdout.on('data', (d) => (log += d));
    child.stderr.on('data', (d) => (log += d));
    let stableAt;
    let sawSplit = false;
    const poll = setInterval(() => {
      const back = backOnStable();
      if (!back) sawSplit = true;
      else if (sawSplit && stableAt === undefined) stableAt = performance.now();
    }, 1);
    child.on('exit', (code) => {
      const exitAt = performance.now();
      clearInterval(poll);
      rmSync(dir, { recursive: true, force: true });
      const gateAt = app.answeredAt.at(-1);
      if (
        code !== 1 ||
        stableAt === undefined ||
        gateAt === undefined ||
        app.answeredAt.length === answered
      ) {
        reject(
          new Error(
            `expected a rollback (exit 1) after a failed probe, got exit ${code}:\n${log.slice(-1500)}`,
          ),
        );
        return;
      }
      resolvePromise({ toStable: stableAt - gateAt, toExit: exitAt - gateAt });
    });
  });
}

const common = { 'probe-requests': '10', interval: '0s', steps: '50' };

async function cloudRun(app) {
  const [{ CloudRunStandIn }, { GoogleStsStandIn }, { Clock }] = await Promise.all([
    standIns('cloud-run'),
    standIns('google-sts'),
    standIns('clock'),
  ]);
  const deployer = 'deployer@bench-project.iam.gserviceaccount.com';
  const sts = new GoogleStsStandIn({ serviceAccounts: [deployer] });
  const run = new CloudRunStandIn({
    clock: new Clock(Date.parse('2026-06-01T08:00:00Z')),
    readyAfterMs: 1_000,
    autoAdvanceMs: 2_000,
    verifyToken: (token) => {
      const verdict = sts.verifyAccessToken(token);
      return verdict.ok && verdict.token.kind === 'service-account' ? verdict.token.principal : undefined;
    },
  });
  await Promise.all([sts.start(), run.start()]);
  const dir = mkdtempSync(join(tmpdir(), 'slipway-bench-gcp-'));
  const credentials = join(dir, 'creds.json');
  writeFileSync(credentials, JSON.stringify(sts.credentialFile({ impersonate: deployer })));
  const env = { GOOGLE_APPLICATION_CREDENTIALS: credentials };
  // Asynchronous: the stand-ins answer from this process's event loop.
  const deploy = async (image, noTraffic) => {
    const done = await runToExit(
      [process.execPath, join(root, 'actions', 'deploy-cloudrun', 'dist', 'index.js')],
      {
        PATH: process.env.PATH,
        ...actionDefaults(join(root, 'actions', 'deploy-cloudrun', 'action.yml')),
        INPUT_SERVICE: 'web',
        INPUT_IMAGE: image,
        'INPUT_PROJECT-ID': 'bench-project',
        INPUT_REGION: 'us-central1',
        'INPUT_API-ENDPOINT': run.url,
        'INPUT_NO-TRAFFIC': String(noTraffic),
        'INPUT_POLL-INTERVAL': '100ms',
        ...env,
      },
    );
    if (done.code !== 0) throw new Error(`deploy-cloudrun failed:\n${done.log.slice(-1500)}`);
  };
  await deploy('us-docker.pkg.dev/bench-project/apps/web:1', false);
  await deploy('us-docker.pkg.dev/bench-project/apps/web:2', true);
  const name = CloudRunStandIn.serviceName('bench-project', 'us-central1', 'web');
  const candidate = run
    .revisions(name)
    .map((r) => String(r.name).split('/').pop())
    .sort()
    .at(-1);
  const stable = () =>
    run.traffic(name).filter((t) => Number(t.percent ?? 0) > 0).length === 1 &&
    !run
      .traffic(name)
      .some((t) => String(t.revision ?? '').endsWith(candidate) && Number(t.percent ?? 0) > 0);
  const inputs = {
    platform: 'cloudrun',
    service: 'web',
    'project-id': 'bench-project',
    region: 'us-central1',
    'api-endpoint': run.url,
    candidate,
    'probe-url': `${app.url}/healthz`,
    ...common,
  };
  return {
    once: () => runOnce(inputs, env, app, stable),
    stop: async () => {
      await Promise.all([sts.stop(), run.stop()]);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function alb(app) {
  const [{ Elbv2StandIn }, { TEST_CREDENTIALS }] = await Promise.all([
    standIns('elbv2'),
    standIns('aws-json'),
  ]);
  const elb = new Elbv2StandIn({ region: 'us-east-1' });
  await elb.start();
  const lb = elb.addLoadBalancer({ name: 'bench' });
  const blue = elb.addTargetGroup({ name: 'bench-blue' });
  elb.addTargetGroup({ name: 'bench-green' });
  const listener = elb.addListener({
    loadBalancerArn: lb,
    port: 443,
    protocol: 'HTTPS',
    defaultActions: [
      { Type: 'forward', ForwardConfig: { TargetGroups: [{ TargetGroupArn: blue, Weight: 1 }] } },
    ],
  });
  const stable = () => {
    const w = elb.forwardWeights(listener);
    return Object.entries(w).every(([tg, weight]) => tg === blue || weight === 0);
  };
  const env = {
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: TEST_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: TEST_CREDENTIALS.secretAccessKey,
    AWS_ENDPOINT_URL_ELASTIC_LOAD_BALANCING_V2: elb.url,
    AWS_EC2_METADATA_DISABLED: 'true',
  };
  const inputs = {
    platform: 'ecs',
    'listener-arn': listener,
    candidate: 'bench-green',
    'probe-url': `${app.url}/healthz`,
    ...common,
  };
  return { once: () => runOnce(inputs, env, app, stable), stop: () => elb.stop() };
}

async function kubernetes(app) {
  const { KubeStandIn } = await standIns('kube');
  const kube = new KubeStandIn({ tokens: { 'bench-token': 'ci' } });
  await kube.start();
  const service = (name, slot) => ({
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, namespace: 'web' },
    spec: { selector: { app: 'web', slot }, ports: [{ port: 8080 }] },
  });
  kube.seed({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'web' } });
  kube.seed(service('web-blue', 'blue'));
  kube.seed(service('web-green', 'green'));
  kube.seed({
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'HTTPRoute',
    metadata: { name: 'web', namespace: 'web' },
    spec: { parentRefs: [{ name: 'gw' }], rules: [{ backendRefs: [{ name: 'web-blue', port: 8080 }] }] },
  });
  const stable = () =>
    kube
      .object('gateway.networking.k8s.io', 'httproutes', 'web', 'web')
      .spec.rules[0].backendRefs.every((r) => r.name === 'web-blue' || (r.weight ?? 1) === 0);
  const inputs = {
    platform: 'kubernetes',
    kubeconfig: kube.kubeconfig({ token: 'bench-token' }),
    namespace: 'web',
    'http-route': 'web',
    candidate: 'web-green',
    'probe-url': `${app.url}/healthz`,
    ...common,
  };
  return { once: () => runOnce(inputs, {}, app, stable), stop: () => kube.stop() };
}

async function main() {
  if (!existsSync(DIST)) throw new Error('actions/traffic-split/dist is missing: run npm run build');
  const { CandidateApp } = await standIns('candidate-app');
  const app = new CandidateApp({ version: 'candidate' });
  await app.start();
  app.fail(1, 503);

  const floor = [];
  for (let i = 0; i < N; i += 1) {
    const t0 = performance.now();
    spawnSync(process.execPath, ['-e', '0']);
    floor.push(performance.now() - t0);
  }
  const nodeMs = median(floor);

  const rows = [];
  for (const [label, setup] of [
    ['Cloud Run (revision traffic)', cloudRun],
    ['ECS behind an ALB (listener weights)', alb],
    ['Kubernetes (HTTPRoute weights)', kubernetes],
  ]) {
    const platform = await setup(app);
    try {
      await platform.once(); // warm the stand-ins and the file cache
      const samples = [];
      for (let i = 0; i < N; i += 1) samples.push(await platform.once());
      const toStable = median(samples.map((s) => s.toStable));
      const toExit = median(samples.map((s) => s.toExit));
      rows.push([
        label,
        toStable.toFixed(1),
        (toStable / nodeMs).toFixed(2),
        toExit.toFixed(1),
        (toExit / nodeMs).toFixed(2),
      ]);
    } finally {
      await platform.stop();
    }
  }
  await app.stop();

  console.log(
    `traffic-split: a failed gate → traffic back on stable (n = ${N}, medians, Node ${process.versions.node})`,
  );
  console.log(`floor: node -e 0 = ${nodeMs.toFixed(1)} ms\n`);
  printTable(['platform', 'gate → stable ms', '× node -e 0', 'gate → exit ms', '× node -e 0'], rows);
}

await main();
