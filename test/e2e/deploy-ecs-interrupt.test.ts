// A cancelled job interrupts deploy-ecs while it follows a deployment: the runner sends SIGTERM. The action must
// say which deployment goes on in ECS, set the outputs it knows, and exit non-zero. The harness cannot send
// signals, so this test runs the bundle itself, with the harness's own input and file-command helpers.
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { REPO_ROOT, readActionManifest } from '../harness/action-manifest.js';
import { parseKeyValueFile } from '../harness/file-commands.js';
import { resolveInputEnv } from '../harness/run-action.js';
import { EcsStandIn, TEST_CREDENTIALS } from '../stand-ins/index.js';

const ACTION = join(REPO_ROOT, 'actions', 'deploy-ecs');
const ecs = new EcsStandIn({ region: 'eu-west-1', clusters: ['prod'] });
let dir: string;

beforeAll(async () => {
  await ecs.start();
  dir = await mkdtemp(join(tmpdir(), 'deploy-ecs-interrupt-'));
});
afterAll(async () => {
  await ecs.stop();
  await rm(dir, { recursive: true, force: true });
});

it('SIGTERM while following a deployment reports the deployment id, sets the outputs and exits 143', async () => {
  const td = ecs.seedTaskDefinition({
    family: 'web',
    requiresCompatibilities: ['FARGATE'],
    networkMode: 'awsvpc',
    cpu: '256',
    memory: '512',
    containerDefinitions: [{ name: 'app', image: 'nginx:1' }],
  });
  ecs.seedService({
    cluster: 'prod',
    serviceName: 'web',
    taskDefinition: td.taskDefinitionArn,
    desiredCount: 1,
    launchType: 'FARGATE',
    networkConfiguration: { awsvpcConfiguration: { subnets: ['subnet-1'] } },
  });
  // Tasks that take ten minutes to start keep the deployment IN_PROGRESS while the test interrupts it.
  ecs.timing.startMs = 10 * 60 * 1000;
  const output = join(dir, 'output');
  const summary = join(dir, 'summary.md');
  await Promise.all([writeFile(output, ''), writeFile(summary, '')]);
  const manifest = readActionManifest(ACTION);
  const child = spawn(process.execPath, [join(ACTION, manifest.runs.main ?? 'dist/index.js')], {
    cwd: dir,
    env: {
      PATH: process.env.PATH ?? '',
      ...resolveInputEnv(manifest, {
        cluster: 'prod',
        service: 'web',
        image: 'nginx:2',
        'poll-interval': '200ms',
      }),
      GITHUB_OUTPUT: output,
      GITHUB_STEP_SUMMARY: summary,
      GITHUB_WORKSPACE: dir,
      AWS_ENDPOINT_URL_ECS: ecs.url,
      AWS_REGION: 'eu-west-1',
      AWS_ACCESS_KEY_ID: TEST_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: TEST_CREDENTIALS.secretAccessKey,
      AWS_EC2_METADATA_DISABLED: 'true',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  child.stdout.on('data', (chunk: Buffer) => (log += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (log += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));

  const deadline = Date.now() + 30_000;
  const following = () => {
    const update = ecs.journal.findIndex((e) => e.operation === 'UpdateService');
    return (
      update >= 0 &&
      ecs.journal.slice(update + 1).some((e) => e.operation === 'DescribeServices' && e.status === 200)
    );
  };
  while (!following()) {
    if (Date.now() > deadline) throw new Error(`the action never started following the deployment:\n${log}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  await new Promise((resolve) => setTimeout(resolve, 300));
  child.kill('SIGTERM');
  const code = await exited;

  const id = ecs.deployments('prod', 'web')[0]?.id ?? '';
  expect(id).toMatch(/^ecs-svc\/\d{19}$/);
  expect(code).toBe(143);
  expect(log).toContain(
    `interrupted (SIGTERM) while waiting for deployment ${id}; it goes on in ECS: https://eu-west-1.console.aws.amazon.com/ecs/v2/clusters/prod/services/web/deployments?region=eu-west-1`,
  );
  const outputs = parseKeyValueFile(await readFile(output, 'utf8'), 'GITHUB_OUTPUT');
  expect(outputs).toMatchObject({ 'deployment-id': id, 'rollout-state': 'IN_PROGRESS' });
  expect(await readFile(summary, 'utf8')).toContain(
    `interrupted (SIGTERM) while waiting for deployment ${id}`,
  );
  // The deployment itself goes on.
  expect(ecs.deployments('prod', 'web')[0]?.rolloutState).toBe('IN_PROGRESS');
}, 60_000);
