// deploy-ecs input validation through the bundled action: every problem names its input in one line, all of
// them are reported at once, and none of them lets the action reach AWS (the stand-in hears nothing).
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { REPO_ROOT } from '../harness/action-manifest.js';
import { runAction } from '../harness/run-action.js';
import type { ActionRun } from '../harness/run-action.js';
import { EcsStandIn, TEST_CREDENTIALS } from '../stand-ins/index.js';

const ACTION = join(REPO_ROOT, 'actions', 'deploy-ecs');
const FIXTURES = join(REPO_ROOT, 'test', 'fixtures', 'deploy-ecs');
const ecs = new EcsStandIn({ region: 'eu-west-1' });

beforeAll(() => ecs.start());
afterAll(() => ecs.stop());

function run(inputs: Record<string, string>, env: Record<string, string> = {}): Promise<ActionRun> {
  return runAction(ACTION, {
    inputs,
    env: {
      AWS_ENDPOINT_URL_ECS: ecs.url,
      AWS_REGION: 'eu-west-1',
      AWS_ACCESS_KEY_ID: TEST_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: TEST_CREDENTIALS.secretAccessKey,
      ...env,
    },
    workspace: FIXTURES,
    timeoutMs: 30_000,
  });
}

function failureOf(result: ActionRun): string {
  const failures = result.annotations.filter(
    (a) => a.level === 'error' && a.message.startsWith('deploy-ecs:'),
  );
  expect(failures).toHaveLength(1);
  return failures[0]?.message ?? '';
}

describe('inputs', () => {
  it.each([
    {
      inputs: { service: 'web', 'poll-interval': '10ms' },
      error: 'input `poll-interval`: must be at least 100ms, got 10ms',
    },
    {
      inputs: { service: 'web', 'bake-time': '90s' },
      error: 'input `bake-time`: must be whole minutes (ECS counts it in minutes), e.g. 2m',
    },
    {
      inputs: { service: 'web', command: 'sh -c "exit 1' },
      error: 'input `command`: has an unclosed quote (or give a JSON array)',
    },
    {
      inputs: { service: 'web', 'launch-type': 'fargate' },
      error:
        'input `launch-type`: must be one of `FARGATE`, `EC2`, `EXTERNAL`, got "fargate" (values are case-sensitive: did you mean `FARGATE`?)',
    },
    {
      inputs: { service: 'web', 'service-connect': 'services:\n  - discoveryName: web' },
      error:
        'input `service-connect`: services[0] needs a `portName` (a port mapping name of the task definition)',
    },
    {
      inputs: { service: 'web', subnets: 'subnet-1, vpc-2' },
      error: 'input `subnets`: "vpc-2" is not a subnet id (subnet-…)',
    },
    {
      inputs: { service: 'web', 'deployment-strategy': 'ROLLING', 'traffic-shift-percent': '10' },
      error: 'input `traffic-shift-percent`: applies to LINEAR and CANARY, not ROLLING',
    },
    {
      inputs: { service: 'web', image: 'nginx:1', containers: 'app=nginx:2', container: 'app' },
      error: 'input `image`: container app also gets an image from `containers`; give it once',
    },
    {
      inputs: { service: 'web', 'task-definition': 'missing.json' },
      error: 'input `task-definition`: file missing.json does not exist in the workspace',
    },
    {
      inputs: { mode: 'run-task' },
      error: 'input `task-definition`: is required with mode: run-task when no `service` supplies it',
    },
    {
      inputs: { service: 'web' },
      env: { AWS_REGION: '' },
      error:
        'input `aws-region`: is required when AWS_REGION is not set (aws-actions/configure-aws-credentials sets it)',
    },
  ])(
    '$error',
    async ({ inputs, env, error }) => {
      const result = await run(
        inputs as unknown as Record<string, string>,
        env as Record<string, string> | undefined,
      );
      expect(result.exitCode).toBe(1);
      expect(failureOf(result)).toBe(`deploy-ecs: ${error}`);
      expect(ecs.journal).toEqual([]);
    },
    30_000,
  );

  it('reports every bad input at once, one line each', async () => {
    const result = await run({
      mode: 'deploy',
      cpu: 'lots',
      'desired-count': '-1',
      'execution-role-arn': 'ecsTaskExecutionRole',
      'run-task-before-deploy': 'true',
    });
    expect(result.exitCode).toBe(1);
    expect(failureOf(result).split('\n')).toEqual([
      'deploy-ecs: 5 inputs are invalid',
      'input `service`: is required with mode: deploy',
      'input `cpu`: must be CPU units (1024) or vCPU (1 vCPU), got "lots"',
      'input `execution-role-arn`: "ecsTaskExecutionRole" is not an IAM role ARN',
      'input `desired-count`: must be at least 0, got -1',
      'input `run-task-before-deploy`: needs `command` (or `task-overrides`) for the one-off task',
    ]);
    expect(ecs.journal).toEqual([]);
  }, 30_000);
});
