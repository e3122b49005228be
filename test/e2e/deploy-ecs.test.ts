// deploy-ecs end to end: the bundled action (actions/deploy-ecs/dist) run by the harness as the runner runs it,
// reaching the ECS stand-in through the standard AWS configuration only (AWS_ENDPOINT_URL_ECS, AWS_REGION and
// the access key variables). Each test gets its own stand-in, whose clock moves 4 simulated seconds per
// DescribeServices/DescribeTasks call, so a rollout that takes ECS a minute takes the test a second.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { REPO_ROOT } from '../harness/action-manifest.js';
import { runAction } from '../harness/run-action.js';
import type { ActionRun, RunActionOptions } from '../harness/run-action.js';
import { ANY_OPERATION, EcsStandIn, TEST_CREDENTIALS } from '../stand-ins/index.js';

const ACTION = join(REPO_ROOT, 'actions', 'deploy-ecs');
const FIXTURES = join(REPO_ROOT, 'test', 'fixtures', 'deploy-ecs');
const REGION = 'eu-west-1';
const NETWORK = { awsvpcConfiguration: { subnets: ['subnet-0a1b2c'], securityGroups: ['sg-0a1b2c'] } };
const WEB = JSON.parse(readFileSync(join(FIXTURES, 'web-fargate.json'), 'utf8')) as Record<string, unknown>;
const IMAGE = (tag: string) => `123456789012.dkr.ecr.eu-west-1.amazonaws.com/web:${tag}`;

let ecs: EcsStandIn;

beforeEach(async () => {
  ecs = new EcsStandIn({ region: REGION, clusters: ['prod'], tickMs: 4000 });
  await ecs.start();
});
afterEach(() => ecs.stop());

function env(): Record<string, string> {
  return {
    AWS_ENDPOINT_URL_ECS: ecs.url,
    AWS_REGION: REGION,
    AWS_ACCESS_KEY_ID: TEST_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: TEST_CREDENTIALS.secretAccessKey,
    AWS_EC2_METADATA_DISABLED: 'true',
  };
}

function deploy(inputs: Record<string, string>, options: RunActionOptions = {}): Promise<ActionRun> {
  return runAction(ACTION, {
    inputs: { cluster: 'prod', 'poll-interval': '200ms', timeout: '2m', ...inputs },
    env: env(),
    workspace: FIXTURES,
    secrets: [TEST_CREDENTIALS.secretAccessKey],
    timeoutMs: 90_000,
    ...options,
  });
}

function operations(): string[] {
  return ecs.journal.map((entry) => entry.operation);
}

function errors(run: ActionRun): string[] {
  return run.annotations.filter((a) => a.level === 'error').map((a) => a.message);
}

function bodyOf(operation: string, index = 0): Record<string, unknown> {
  return ecs.calls(operation)[index]?.body as Record<string, unknown>;
}

/** A running service `web` on revision web:1 (image :1), as if deployed long ago. */
function seedWeb(options: { desiredCount?: number; breaker?: boolean } = {}): string {
  const containers = (WEB.containerDefinitions as Array<Record<string, unknown>>).map((c) => ({
    ...c,
    image: IMAGE('1'),
  }));
  const td = ecs.seedTaskDefinition({ ...WEB, containerDefinitions: containers });
  ecs.seedService({
    cluster: 'prod',
    serviceName: 'web',
    taskDefinition: td.taskDefinitionArn,
    desiredCount: options.desiredCount ?? 2,
    launchType: 'FARGATE',
    networkConfiguration: NETWORK,
    ...(options.breaker === false
      ? {}
      : { deploymentConfiguration: { deploymentCircuitBreaker: { enable: true, rollback: true } } }),
  });
  ecs.clearJournal();
  return String(td.taskDefinitionArn);
}

describe('deploy', () => {
  it('creates a missing service from a task definition file and follows its first deployment to COMPLETED', async () => {
    const run = await deploy({
      service: 'web',
      'task-definition': 'web-fargate.json',
      containers: `app=${IMAGE('1')}`,
      subnets: 'subnet-0a1b2c',
      'security-groups': 'sg-0a1b2c',
      'desired-count': '2',
      tags: 'team=payments',
    });
    expect(errors(run)).toEqual([]);
    expect(run.exitCode).toBe(0);
    expect(run.outputs).toMatchObject({
      'task-definition-arn': 'arn:aws:ecs:eu-west-1:123456789012:task-definition/web:1',
      'service-arn': 'arn:aws:ecs:eu-west-1:123456789012:service/prod/web',
      'rollout-state': 'COMPLETED',
      'console-url':
        'https://eu-west-1.console.aws.amazon.com/ecs/v2/clusters/prod/services/web/deployments?region=eu-west-1',
    });
    const deployment = ecs.deployments('prod', 'web')[0];
    expect(run.outputs['deployment-id']).toBe(deployment?.id);
    expect(deployment?.rolloutState).toBe('COMPLETED');
    expect(operations().filter((op) => op !== 'DescribeServices')).toEqual([
      'DescribeTaskDefinition',
      'RegisterTaskDefinition',
      'CreateService',
    ]);
    expect(bodyOf('RegisterTaskDefinition')).toMatchObject({
      family: 'web',
      tags: [{ key: 'team', value: 'payments' }],
      containerDefinitions: [expect.objectContaining({ name: 'app', image: IMAGE('1') })],
    });
    expect(bodyOf('CreateService')).toMatchObject({
      cluster: 'prod',
      serviceName: 'web',
      desiredCount: 2,
      launchType: 'FARGATE',
      taskDefinition: 'arn:aws:ecs:eu-west-1:123456789012:task-definition/web:1',
      networkConfiguration: NETWORK,
      deploymentConfiguration: { deploymentCircuitBreaker: { enable: true, rollback: true } },
      clientToken: expect.stringMatching(/^[0-9a-f-]{36}$/),
    });
    // The log shows ECS's events as they arrive, and the summary the result.
    expect(run.log).toMatch(/event: \(service web\) has started 2 tasks/);
    expect(run.log).toMatch(/event: \(service web\) has reached a steady state\./);
    expect(run.summary).toContain(`✅ Deployment ${deployment?.id} COMPLETED: web runs web:1.`);
    expect(run.summary).toMatch(/\| Task definition \| web:1 \(registered\) \|/);
  }, 90_000);

  it('updates an existing service to a new image: registers one revision and starts one deployment', async () => {
    seedWeb();
    const run = await deploy({ service: 'web', image: IMAGE('2'), 'enable-execute-command': 'true' });
    expect(errors(run)).toEqual([]);
    expect(run.exitCode).toBe(0);
    expect(run.outputs['task-definition-arn']).toBe(
      'arn:aws:ecs:eu-west-1:123456789012:task-definition/web:2',
    );
    expect(run.outputs['rollout-state']).toBe('COMPLETED');
    expect(ecs.calls('RegisterTaskDefinition')).toHaveLength(1);
    expect(ecs.calls('UpdateService')).toHaveLength(1);
    expect(bodyOf('UpdateService')).toMatchObject({
      cluster: 'prod',
      service: 'web',
      taskDefinition: 'arn:aws:ecs:eu-west-1:123456789012:task-definition/web:2',
      enableExecuteCommand: true,
      forceNewDeployment: true,
    });
    // The registered revision is the live one with only the image changed (read-only fields stripped).
    const registered = bodyOf('RegisterTaskDefinition');
    for (const field of [
      'taskDefinitionArn',
      'revision',
      'status',
      'requiresAttributes',
      'compatibilities',
      'registeredAt',
      'registeredBy',
    ]) {
      expect(registered).not.toHaveProperty(field);
    }
    expect(ecs.service('prod', 'web')?.taskDefinition).toBe(run.outputs['task-definition-arn']);
    expect(run.summary).toContain('container app.image');
  }, 90_000);

  it('an identical re-run registers nothing and starts no deployment', async () => {
    const inputs = {
      service: 'web',
      'task-definition': 'web-fargate.json',
      containers: `app=${IMAGE('1')}`,
      subnets: 'subnet-0a1b2c',
      tags: 'team=payments',
    };
    const first = await deploy(inputs);
    expect(first.exitCode).toBe(0);
    ecs.clearJournal();
    const second = await deploy(inputs);
    expect(errors(second)).toEqual([]);
    expect(second.exitCode).toBe(0);
    expect(operations()).not.toContain('RegisterTaskDefinition');
    expect(operations()).not.toContain('UpdateService');
    expect(operations()).not.toContain('CreateService');
    expect(second.outputs['task-definition-arn']).toBe(first.outputs['task-definition-arn']);
    expect(ecs.taskDefinitions('web')).toHaveLength(1);
    expect(ecs.deployments('prod', 'web')).toHaveLength(1);
    expect(second.log).toContain('identical to the latest revision web:1');
  }, 90_000);

  it('deploys a given registered revision as it is, without registering (#882)', async () => {
    seedWeb();
    const older = ecs.seedTaskDefinition({
      ...WEB,
      containerDefinitions: [{ ...(WEB.containerDefinitions as object[])[0], image: IMAGE('0') }],
    });
    ecs.clearJournal();
    const run = await deploy({ service: 'web', 'task-definition': String(older.taskDefinitionArn) });
    expect(run.exitCode).toBe(0);
    expect(operations()).not.toContain('RegisterTaskDefinition');
    expect(bodyOf('UpdateService')).toMatchObject({ taskDefinition: older.taskDefinitionArn });
    expect(run.outputs['rollout-state']).toBe('COMPLETED');
  }, 90_000);

  it('places Fargate Spot weights and configures Service Connect, as the request journal shows', async () => {
    const run = await deploy({
      service: 'backend',
      'task-definition': 'web-fargate.json',
      subnets: 'subnet-0a1b2c',
      'capacity-provider-strategy': 'FARGATE_SPOT:3,FARGATE:1:base=1',
      'service-connect': [
        'namespace: my-app-namespace',
        'services:',
        '  - portName: http',
        '    discoveryName: backend',
        '    clientAliases:',
        '      - port: 80',
        '        dnsName: backend.local',
      ].join('\n'),
      'desired-count': '4',
    });
    expect(errors(run)).toEqual([]);
    expect(run.exitCode).toBe(0);
    const created = bodyOf('CreateService');
    expect(created.capacityProviderStrategy).toEqual([
      { capacityProvider: 'FARGATE_SPOT', weight: 3 },
      { capacityProvider: 'FARGATE', weight: 1, base: 1 },
    ]);
    expect(created).not.toHaveProperty('launchType');
    expect(created.serviceConnectConfiguration).toEqual({
      enabled: true,
      namespace: 'my-app-namespace',
      services: [
        {
          portName: 'http',
          discoveryName: 'backend',
          clientAliases: [{ port: 80, dnsName: 'backend.local' }],
        },
      ],
    });
    // The base goes to FARGATE first; the other three follow the 3:1 weights.
    const providers = ecs.tasks({ serviceName: 'backend' }).map((t) => t.capacityProviderName);
    expect(providers).toEqual(['FARGATE', 'FARGATE_SPOT', 'FARGATE_SPOT', 'FARGATE']);
  }, 90_000);

  it('sets the LINEAR strategy with its step and bake time and the alarms, as ECS models them', async () => {
    seedWeb();
    // Four simulated minutes of bake time: bigger ticks keep the test short.
    ecs.tickMs = 30_000;
    const run = await deploy({
      service: 'web',
      image: IMAGE('3'),
      'deployment-strategy': 'LINEAR',
      'traffic-shift-percent': '25',
      'traffic-shift-interval': '1m',
      'bake-time': '1m',
      alarms: 'web-5xx, web-latency',
      timeout: '2m',
    });
    expect(errors(run)).toEqual([]);
    expect(bodyOf('UpdateService').deploymentConfiguration).toEqual({
      maximumPercent: 200,
      minimumHealthyPercent: 100,
      deploymentCircuitBreaker: { enable: true, rollback: true },
      strategy: 'LINEAR',
      bakeTimeInMinutes: 1,
      linearConfiguration: { stepPercent: 25, stepBakeTimeInMinutes: 1 },
      alarms: { alarmNames: ['web-5xx', 'web-latency'], enable: true, rollback: true },
    });
    expect(run.outputs['rollout-state']).toBe('COMPLETED');
  }, 90_000);
});

describe('failure', () => {
  it('a failing rollout ends red with the stopped task reason in the error and the summary; ECS rolled back', async () => {
    const good = seedWeb();
    const run = await deploy({ service: 'web', image: IMAGE('bad') });
    expect(run.exitCode).toBe(1);
    const [error, ...others] = errors(run);
    expect(others).toEqual([]);
    expect(error).toMatch(
      /^deploy-ecs: deployment ecs-svc\/\d{19} of web failed: ECS deployment circuit breaker: tasks failed to start; ECS rolled back to web:1 \(deployment ecs-svc\/\d{19}\)\. /,
    );
    expect(error).toMatch(
      /\. tasks? [0-9a-f]{12}(, [0-9a-f]{12})* stopped: CannotPullContainerError: .*web:bad.*not found \(containers: app exit none\)\. logs: /,
    );
    expect(error).toMatch(/latest events: .*deployment failed: tasks failed to start\./);
    expect(error).toContain(
      'logs: https://eu-west-1.console.aws.amazon.com/cloudwatch/home?region=eu-west-1#logsV2:log-groups/log-group/$252Fecs$252Fweb/log-events/web$252Fapp$252F',
    );
    expect(error).not.toContain('\n');
    expect(run.outputs['rollout-state']).toBe('ROLLED_BACK');
    expect(run.outputs['task-definition-arn']).toBe(
      'arn:aws:ecs:eu-west-1:123456789012:task-definition/web:2',
    );
    expect(run.summary).toContain('### Why it failed');
    expect(run.summary).toMatch(
      /\| \[[0-9a-f]{12}\]\(https:\/\/eu-west-1\.console\.aws\.amazon\.com\/ecs\/v2\/clusters\/prod\/tasks\/[0-9a-f]{32}\/configuration\?region=eu-west-1\) \| CannotPullContainerError: /,
    );
    expect(run.summary).toMatch(/\| Rollback \| web:1 by ECS/);
    expect(ecs.service('prod', 'web')?.taskDefinition).toBe(good);
    // The action left the rollback to ECS.
    expect(ecs.calls('UpdateService')).toHaveLength(1);
  }, 90_000);

  it('rolls back itself when ECS failed the deployment but did not roll back (aws/containers-roadmap#1488)', async () => {
    const good = seedWeb({ desiredCount: 1 });
    ecs.circuitBreakerRollsBack = false;
    const run = await deploy({ service: 'web', image: IMAGE('bad') });
    expect(run.exitCode).toBe(1);
    expect(errors(run)[0]).toMatch(/rolled back to web:1 \(deployment ecs-svc\/\d{19}: COMPLETED\)/);
    expect(run.log).toContain('ECS did not roll back');
    expect(
      ecs.calls('UpdateService').map((c) => (c.body as { taskDefinition?: string }).taskDefinition),
    ).toEqual(['arn:aws:ecs:eu-west-1:123456789012:task-definition/web:2', good]);
    const [primary] = ecs.deployments('prod', 'web');
    expect(primary).toMatchObject({ taskDefinition: good, rolloutState: 'COMPLETED' });
    expect(run.outputs['rollout-state']).toBe('ROLLED_BACK');
    expect(run.summary).toMatch(/\| Rollback \| web:1 by action/);
  }, 90_000);

  it('a wait that runs out of time names the deployment, which goes on in ECS', async () => {
    seedWeb();
    ecs.tickMs = 0;
    ecs.timing.startMs = 10 * 60 * 1000;
    const run = await deploy({ service: 'web', image: IMAGE('2'), timeout: '2s' });
    expect(run.exitCode).toBe(1);
    const id = ecs.deployments('prod', 'web')[0]?.id ?? '';
    expect(errors(run)[0]).toMatch(
      new RegExp(
        `^deploy-ecs: deployment ${id.replace('/', '\\/')} did not finish within 2s \\(last seen: ${id.replace('/', '\\/')} IN_PROGRESS: 0/2 running, [0-2] pending\\); it goes on in ECS: follow it at https://eu-west-1\\.console\\.aws\\.amazon\\.com/ecs/v2/clusters/prod/services/web/deployments\\?region=eu-west-1$`,
      ),
    );
    expect(run.outputs['deployment-id']).toBe(id);
    expect(run.outputs['rollout-state']).toBe('IN_PROGRESS');
  }, 90_000);

  it('retries throttling and 5xx answers on every call and still deploys', async () => {
    seedWeb();
    for (const operation of [
      'DescribeServices',
      'DescribeTaskDefinition',
      'RegisterTaskDefinition',
      'UpdateService',
    ]) {
      ecs.inject(operation, { kind: 'throttle', times: 1 });
      ecs.inject(operation, { kind: 'http', status: 500, times: 1 });
      ecs.inject(operation, { kind: 'http', status: 503, times: 1 });
    }
    const run = await deploy({ service: 'web', image: IMAGE('2') });
    expect(errors(run)).toEqual([]);
    expect(run.exitCode).toBe(0);
    for (const operation of [
      'DescribeServices',
      'DescribeTaskDefinition',
      'RegisterTaskDefinition',
      'UpdateService',
    ]) {
      const statuses = ecs.calls(operation).map((c) => c.status);
      expect(statuses.slice(0, 4)).toEqual([400, 500, 503, 200]);
    }
    expect(ecs.taskDefinitions('web')).toHaveLength(2);
    expect(ecs.calls('UpdateService').filter((c) => c.status === 200)).toHaveLength(1);
    expect(run.log).toMatch(
      /RegisterTaskDefinition failed \(ThrottlingException: Rate exceeded \(HTTP 400\)\); attempt 2 in \d+ ms/,
    );
    expect(run.outputs['rollout-state']).toBe('COMPLETED');
  }, 90_000);

  it('an AccessDeniedException is not retried and says which permission is missing', async () => {
    seedWeb();
    ecs.deny('RegisterTaskDefinition');
    const run = await deploy({ service: 'web', image: IMAGE('2') });
    expect(run.exitCode).toBe(1);
    expect(errors(run)[0]).toMatch(
      /^deploy-ecs: AccessDeniedException: .*not authorized to perform: ecs:RegisterTaskDefinition/,
    );
    expect(ecs.calls('RegisterTaskDefinition')).toHaveLength(1);
    expect(operations()).not.toContain('UpdateService');
  }, 90_000);
});

describe('one-off tasks', () => {
  it.each([
    { command: '["npm", "run", "migrate"]', exitCode: 0, actionExit: 0 },
    { command: 'sh -c "exit 3"', exitCode: 3, actionExit: 1 },
  ])(
    'mode run-task with command $command outputs exit code $exitCode',
    async ({ command, exitCode, actionExit }) => {
      const run = await deploy({
        mode: 'run-task',
        'task-definition': 'web-fargate.json',
        subnets: 'subnet-0a1b2c',
        command,
      });
      expect(run.exitCode).toBe(actionExit);
      expect(run.outputs['exit-code']).toBe(String(exitCode));
      expect(run.outputs['task-arn']).toMatch(
        /^arn:aws:ecs:eu-west-1:123456789012:task\/prod\/[0-9a-f]{32}$/,
      );
      const body = bodyOf('RunTask');
      expect(body).toMatchObject({
        cluster: 'prod',
        launchType: 'FARGATE',
        count: 1,
        startedBy: 'slipway/deploy-ecs',
        networkConfiguration: { awsvpcConfiguration: { subnets: ['subnet-0a1b2c'] } },
        overrides: {
          containerOverrides: [
            { name: 'app', command: JSON.parse(command.startsWith('[') ? command : '["sh","-c","exit 3"]') },
          ],
        },
      });
      if (exitCode === 0) {
        expect(errors(run)).toEqual([]);
        expect(run.summary).toContain('exited 0');
      } else {
        expect(errors(run)).toHaveLength(1);
        expect(errors(run)[0]).toMatch(
          /^deploy-ecs: the one-off task [0-9a-f]{32} exited 3 \(container app\)\. task [0-9a-f]{32} stopped: Essential container in task exited \(containers: app exit 3\)\. logs: https:\/\/.*web\$252Fapp\$252F[0-9a-f]{32}\. task: https:/,
        );
      }
    },
    90_000,
  );

  it('runs a migration before the deploy, and does not update the service when it fails', async () => {
    seedWeb();
    const failed = await deploy({
      service: 'web',
      image: IMAGE('2'),
      'run-task-before-deploy': 'true',
      command: 'sh -c "exit 2"',
    });
    expect(failed.exitCode).toBe(1);
    expect(errors(failed)[0]).toMatch(
      /the task before the deploy [0-9a-f]{32} exited 2 .*the service was not updated$/,
    );
    expect(operations()).not.toContain('UpdateService');
    ecs.clearJournal();
    const ok = await deploy({
      service: 'web',
      image: IMAGE('2'),
      'run-task-before-deploy': 'true',
      command: 'migrate',
    });
    expect(errors(ok)).toEqual([]);
    expect(ok.exitCode).toBe(0);
    const order = operations().filter((op) => op === 'RunTask' || op === 'UpdateService');
    expect(order).toEqual(['RunTask', 'UpdateService']);
    expect(ok.outputs['exit-code']).toBe('0');
    expect(ok.outputs['rollout-state']).toBe('COMPLETED');
  }, 90_000);
});

describe('bad input: one clear line, nothing registered', () => {
  it.each([
    {
      case: 'a task definition that is not JSON',
      inputs: { service: 'web', 'task-definition': 'not-json.json' },
      error:
        'deploy-ecs: input `task-definition`: not-json.json line 5: not valid JSON: trailing comma before "}"',
      annotation: { file: 'not-json.json', line: 5 },
    },
    {
      case: 'an invalid Fargate CPU/memory pair in the file',
      inputs: { service: 'web', 'task-definition': 'fargate-bad-size.json', subnets: 'subnet-0a1b2c' },
      error:
        'deploy-ecs: input `task-definition`: fargate-bad-size.json line 6: Fargate has no 256 CPU / 4096 MiB size: with 256 CPU units use 512, 1024, 2048 MiB',
      annotation: { file: 'fargate-bad-size.json', line: 6 },
    },
    {
      case: 'an invalid Fargate CPU/memory pair in the inputs',
      inputs: {
        service: 'web',
        'task-definition': 'web-fargate.json',
        cpu: '1 vCPU',
        memory: '1 GB',
        'launch-type': 'FARGATE',
      },
      error:
        'deploy-ecs: input `memory`: Fargate has no 1024 CPU / 1024 MiB size: with 1024 CPU units use 2048 to 8192 MiB in steps of 1024',
    },
    {
      case: 'a container name the definition does not have',
      inputs: { service: 'web', 'task-definition': 'web-fargate.json', containers: `worker=${IMAGE('2')}` },
      error: 'deploy-ecs: input `containers`: the task definition has no container "worker" (it has "app")',
    },
    {
      case: 'a malformed capacity-provider strategy',
      inputs: {
        service: 'web',
        'task-definition': 'web-fargate.json',
        'capacity-provider-strategy': 'FARGATE_SPOT:3:base=1,FARGATE:1:base=2',
      },
      error:
        'deploy-ecs: input `capacity-provider-strategy`: gives a base to more than one capacity provider; ECS allows one',
    },
  ])(
    '$case',
    async ({ inputs, error, annotation }) => {
      const run = await deploy(inputs as unknown as Record<string, string>);
      expect(run.exitCode).toBe(1);
      const messages = errors(run);
      expect(messages).toContain(error);
      expect(error).not.toContain('\n');
      if (annotation !== undefined) {
        expect(run.annotations).toContainEqual(expect.objectContaining({ level: 'error', ...annotation }));
      }
      // Checked before the SDK is loaded: ECS heard nothing at all.
      expect(ecs.journal).toEqual([]);
    },
    60_000,
  );

  it('an unknown container with the service as the base is found after reading it, and nothing is registered', async () => {
    seedWeb();
    const run = await deploy({ service: 'web', containers: `worker=${IMAGE('2')}` });
    expect(run.exitCode).toBe(1);
    expect(errors(run)).toEqual([
      'deploy-ecs: input `containers`: the task definition has no container "worker" (it has "app")',
    ]);
    expect(operations().every((op) => op.startsWith('Describe'))).toBe(true);
    expect(ecs.taskDefinitions('web')).toHaveLength(1);
  }, 60_000);
});

describe('dry run', () => {
  it('prints the rendered task definition and the planned calls and changes nothing', async () => {
    seedWeb();
    const run = await deploy({ service: 'web', image: IMAGE('2'), 'desired-count': '3', 'dry-run': 'true' });
    expect(errors(run)).toEqual([]);
    expect(run.exitCode).toBe(0);
    expect(operations().every((op) => op.startsWith('Describe'))).toBe(true);
    expect(run.log).toContain('- ecs:RegisterTaskDefinition family web (1 change from web:1)');
    expect(run.log).toMatch(
      /- ecs:UpdateService prod\/web: task definition web:1 → web:\(new revision\); desired count 2 → 3/,
    );
    expect(run.log).toContain(`"image": "${IMAGE('2')}"`);
    expect(run.summary).toContain('🧪 Dry run: nothing was registered or changed.');
    expect(ecs.taskDefinitions('web')).toHaveLength(1);
    expect(ecs.service('prod', 'web')?.desiredCount).toBe(2);
  }, 60_000);
});

describe('faults while following', () => {
  it('5xx answers to every operation at once, mid-rollout, are retried and the rollout is followed to the end', async () => {
    seedWeb();
    const run = deploy({ service: 'web', image: IMAGE('2') });
    // Wait until the deployment started, then fail the next three calls, whatever they are.
    while (ecs.calls('UpdateService').length === 0) await new Promise((resolve) => setTimeout(resolve, 20));
    ecs.inject(ANY_OPERATION, { kind: 'http', status: 502, times: 3 });
    const done = await run;
    expect(errors(done)).toEqual([]);
    expect(done.exitCode).toBe(0);
    expect(ecs.journal.filter((c) => c.fault === 'http').map((c) => c.operation)).toEqual([
      'DescribeServices',
      'DescribeServices',
      'DescribeServices',
    ]);
    expect(done.outputs['rollout-state']).toBe('COMPLETED');
  }, 60_000);
});
