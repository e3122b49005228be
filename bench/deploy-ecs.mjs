#!/usr/bin/env node
// deploy-ecs against the reference flow, on the same ECS stand-in, in real time:
//   - API calls per deploy (from the stand-in's journal), by operation;
//   - the delay between the stand-in finishing the rollout (rolloutState COMPLETED) and the process exiting.
// "deploy-ecs" runs the bundled action (actions/deploy-ecs/dist) with its default poll-interval (15s).
// "reference" registers and updates with the SDK and then waits with `waitUntilServicesStable` and a 15 s
// minimum delay, as aws-actions/amazon-ecs-deploy-task-definition does.
// The rollout itself takes about 3 s (simulated scheduler steps shortened to real hundreds of milliseconds).
// Usage: node scripts/with-node24.mjs bench/deploy-ecs.mjs [--n 3] [--json]
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { median, runToExit } from './lib.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'bench', '.out', 'deploy-ecs');
const require = createRequire(import.meta.url);
const args = process.argv.slice(2);
const N = Number(args.includes('--n') ? args[args.indexOf('--n') + 1] : 3);
const JSON_OUT = args.includes('--json');
const dist = join(root, 'actions', 'deploy-ecs', 'dist', 'index.js');

/** Bundles the ECS stand-in (TypeScript) once, with a tsconfig that covers only it, into bench/.out. */
async function loadStandIns() {
  const bundle = join(out, 'stand-ins', 'index.js');
  if (!existsSync(bundle)) {
    const dir = join(out, 'stand-ins-src');
    mkdirSync(dir, { recursive: true });
    writeFileSync(
      join(dir, 'entry.ts'),
      `export { EcsStandIn, TEST_CREDENTIALS } from '${relative(dir, join(root, 'test', 'stand-ins', 'index.js')).replace(/\\/g, '/')}';\n`,
    );
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ type: 'module', private: true }));
    writeFileSync(
      join(dir, 'tsconfig.json'),
      JSON.stringify({
        extends: relative(dir, join(root, 'tsconfig.base.json')),
        compilerOptions: { rootDir: relative(dir, root), types: ['node'] },
        include: ['entry.ts'],
      }),
    );
    const ncc = require('@vercel/ncc');
    const { code, assets } = await ncc(join(dir, 'entry.ts'), {
      quiet: true,
      target: 'es2022',
      cache: false,
    });
    mkdirSync(dirname(bundle), { recursive: true });
    writeFileSync(bundle, code);
    for (const [file, asset] of Object.entries(assets))
      writeFileSync(join(dirname(bundle), file), asset.source);
  }
  return import(pathToFileURL(bundle).href);
}

/** The INPUT_* variables the runner sets from action.yml defaults. */
function actionDefaults() {
  const inputs =
    parseYaml(readFileSync(join(root, 'actions', 'deploy-ecs', 'action.yml'), 'utf8')).inputs ?? {};
  const env = {};
  for (const [name, spec] of Object.entries(inputs)) {
    if (spec?.default !== undefined && spec.default !== null)
      env[`INPUT_${name.toUpperCase()}`] = String(spec.default);
  }
  return env;
}

/** The reference flow as one script: register, update, waitUntilServicesStable with minDelay 15. */
function referenceScript(dir) {
  const file = join(dir, 'reference.mjs');
  const ecsUrl = pathToFileURL(require.resolve('@aws-sdk/client-ecs')).href;
  writeFileSync(
    file,
    `import { ECSClient, DescribeTaskDefinitionCommand, RegisterTaskDefinitionCommand, UpdateServiceCommand, waitUntilServicesStable } from '${ecsUrl}';
const [cluster, service, image] = process.argv.slice(2);
const ecs = new ECSClient({});
const { taskDefinition } = await ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: service }));
const { taskDefinitionArn, revision, status, requiresAttributes, compatibilities, registeredAt, registeredBy, ...rest } = taskDefinition;
rest.containerDefinitions[0].image = image;
const registered = await ecs.send(new RegisterTaskDefinitionCommand(rest));
await ecs.send(new UpdateServiceCommand({ cluster, service, taskDefinition: registered.taskDefinition.taskDefinitionArn }));
await waitUntilServicesStable({ client: ecs, minDelay: 15, maxWaitTime: 600 }, { cluster, services: [service] });
`,
  );
  return file;
}

function run(argv, env) {
  return runToExit([process.execPath, ...argv], env, 600_000);
}

async function main() {
  if (!existsSync(dist)) throw new Error('actions/deploy-ecs/dist/index.js is missing: build it first');
  mkdirSync(out, { recursive: true });
  const { EcsStandIn, TEST_CREDENTIALS } = await loadStandIns();
  const ecs = new EcsStandIn({
    region: 'us-east-1',
    clusters: ['prod'],
    timing: {
      schedulerDelayMs: 300,
      provisionMs: 400,
      startMs: 1200,
      drainMs: 1000,
      pullFailMs: 1000,
      runMs: 1000,
    },
  });
  await ecs.start();
  const work = mkdtempSync(join(tmpdir(), 'slipway-bench-ecs-'));
  const baseEnv = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '',
    AWS_ENDPOINT_URL_ECS: ecs.url,
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: TEST_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: TEST_CREDENTIALS.secretAccessKey,
    AWS_EC2_METADATA_DISABLED: 'true',
  };
  const reference = referenceScript(work);
  const results = { 'deploy-ecs': [], reference: [] };
  try {
    for (let i = 0; i < N; i++) {
      for (const flavour of ['deploy-ecs', 'reference']) {
        const service = `${flavour}-${i}`;
        const td = ecs.seedTaskDefinition({
          family: service,
          requiresCompatibilities: ['FARGATE'],
          networkMode: 'awsvpc',
          cpu: '256',
          memory: '512',
          containerDefinitions: [{ name: 'app', image: 'nginx:1' }],
        });
        ecs.seedService({
          cluster: 'prod',
          serviceName: service,
          taskDefinition: td.taskDefinitionArn,
          desiredCount: 2,
          launchType: 'FARGATE',
          networkConfiguration: { awsvpcConfiguration: { subnets: ['subnet-1'] } },
          deploymentConfiguration: { deploymentCircuitBreaker: { enable: true, rollback: true } },
        });
        ecs.clearJournal();
        // The runner creates the file-command files before the step starts.
        writeFileSync(join(work, 'output'), '');
        writeFileSync(join(work, 'summary'), '');
        const started = Date.now();
        const done =
          flavour === 'deploy-ecs'
            ? await run([dist], {
                ...baseEnv,
                ...actionDefaults(),
                INPUT_CLUSTER: 'prod',
                INPUT_SERVICE: service,
                INPUT_IMAGE: 'nginx:2',
                GITHUB_OUTPUT: join(work, 'output'),
                GITHUB_STEP_SUMMARY: join(work, 'summary'),
              })
            : await run([reference, 'prod', service, 'nginx:2'], baseEnv);
        if (done.code !== 0) throw new Error(`${flavour} exited ${done.code}:\n${done.log}`);
        const deployment = ecs.deployments('prod', service)[0];
        if (deployment?.rolloutState !== 'COMPLETED' || deployment.finishedAt === undefined) {
          throw new Error(`${flavour}: the rollout did not complete`);
        }
        const calls = {};
        for (const entry of ecs.journal) calls[entry.operation] = (calls[entry.operation] ?? 0) + 1;
        results[flavour].push({
          calls,
          total: ecs.journal.length,
          rolloutMs: deployment.finishedAt - started,
          delayMs: done.exitedAt - deployment.finishedAt,
        });
      }
    }
  } finally {
    await ecs.stop();
    rmSync(work, { recursive: true, force: true });
  }

  if (JSON_OUT) {
    console.log(JSON.stringify(results, null, 2));
    return;
  }
  console.log(
    `deploy-ecs vs the reference flow (waitUntilServicesStable, minDelay 15 s), n = ${N}, same ECS stand-in`,
  );
  console.log(
    'flavour      API calls (median)  by operation (first run)                                  rollout ms  exit after rollout: median / min / max ms',
  );
  for (const [flavour, runs] of Object.entries(results)) {
    const delays = runs.map((r) => r.delayMs);
    const byOperation = Object.entries(runs[0]?.calls ?? {})
      .map(([op, n]) => `${op} ${n}`)
      .join(', ');
    console.log(
      `${flavour.padEnd(12)} ${String(median(runs.map((r) => r.total))).padStart(18)}  ${byOperation.padEnd(58)} ${String(Math.round(median(runs.map((r) => r.rolloutMs)))).padStart(10)}  ${Math.round(median(delays))} / ${Math.round(Math.min(...delays))} / ${Math.round(Math.max(...delays))}`,
    );
  }
}

main().catch((e) => {
  console.error(`bench/deploy-ecs: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
});
