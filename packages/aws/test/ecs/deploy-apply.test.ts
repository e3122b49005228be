// Carrying out deploy plans with the real @aws-sdk/client-ecs (and client-codedeploy) over HTTP against the
// stand-ins, in simulated time: the wait's sleeps advance the stand-in clock, so a ten-minute rollout takes
// milliseconds and the tests can say exactly when the action noticed what ECS did.
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import {
  DeployFailedError,
  DeployPlanError,
  RunTaskFailedError,
  applyDeployPlan,
  emptyResult,
  loadCodeDeployApi,
  loadEcsApi,
  observeDeployment,
  planDeployment,
  readTaskDefinitionDocument,
  startOneOffTask,
} from '@slipway/aws/ecs';
import type { ApplyHooks, DeployRequest, DeployResult, EcsApi } from '@slipway/aws/ecs';
import { Clock, CodeDeployStandIn, EcsStandIn, TEST_CREDENTIALS } from '../../../../test/stand-ins/index.js';

const REGION = 'eu-west-1';
const NETWORK = { awsvpcConfiguration: { subnets: ['subnet-1'] } };
const WEB = {
  family: 'web',
  requiresCompatibilities: ['FARGATE'],
  networkMode: 'awsvpc',
  cpu: '256',
  memory: '512',
  executionRoleArn: 'arn:aws:iam::123456789012:role/exec',
  containerDefinitions: [
    {
      name: 'app',
      image: 'web:1',
      portMappings: [{ containerPort: 8080 }],
      logConfiguration: {
        logDriver: 'awslogs',
        options: { 'awslogs-group': '/ecs/web', 'awslogs-region': REGION, 'awslogs-stream-prefix': 'web' },
      },
    },
  ],
};
const ENV_NAMES = [
  'AWS_ENDPOINT_URL_ECS',
  'AWS_ENDPOINT_URL_CODEDEPLOY',
  'AWS_REGION',
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
];

let ecs: EcsStandIn;
let codedeploy: CodeDeployStandIn;
let api: EcsApi;
const saved = new Map<string, string | undefined>();

beforeEach(async () => {
  // A frozen clock: only the wait's sleeps move it, so the times in the journal are exact.
  ecs = new EcsStandIn({ region: REGION, clusters: ['prod'], clock: new Clock(Date.now()) });
  codedeploy = new CodeDeployStandIn({ ecs, region: REGION });
  await Promise.all([ecs.start(), codedeploy.start()]);
  for (const name of ENV_NAMES) saved.set(name, process.env[name]);
  Object.assign(process.env, {
    AWS_ENDPOINT_URL_ECS: ecs.url,
    AWS_ENDPOINT_URL_CODEDEPLOY: codedeploy.url,
    AWS_REGION: REGION,
    AWS_ACCESS_KEY_ID: TEST_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: TEST_CREDENTIALS.secretAccessKey,
  });
  api = await loadEcsApi({ retry: { sleep: () => Promise.resolve() } });
});
afterEach(async () => {
  for (const [name, value] of saved) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
  await Promise.all([ecs.stop(), codedeploy.stop()]);
});

/** Hooks whose sleeps move the stand-ins' shared clock instead of waiting. */
function hooks(extra: Partial<ApplyHooks> = {}): ApplyHooks & { lines: string[] } {
  const lines: string[] = [];
  return {
    lines,
    info: (m) => lines.push(m),
    warning: (m) => lines.push(`warning: ${m}`),
    event: (m) => lines.push(`event: ${m}`),
    progress: (m) => lines.push(`progress: ${m}`),
    sleep: (ms) => {
      ecs.advance(ms);
      return Promise.resolve();
    },
    now: () => ecs.now(),
    codeDeploy: () => loadCodeDeployApi({ retry: { sleep: () => Promise.resolve() } }),
    ...extra,
  };
}

function request(overrides: Partial<DeployRequest> = {}): DeployRequest {
  return {
    mode: 'deploy',
    region: REGION,
    cluster: 'prod',
    service: 'web',
    source: {
      kind: 'file',
      path: 'web.json',
      document: readTaskDefinitionDocument(JSON.stringify(WEB), 'web.json'),
    },
    render: { images: {}, environment: {}, secrets: {}, environmentMode: 'merge', logStreamPrefix: 'ecs' },
    tags: [],
    settings: { circuitBreaker: true, rollback: true, forceNewDeployment: false, subnets: ['subnet-1'] },
    run: { beforeDeploy: false },
    codeDeploy: {},
    wait: true,
    timeoutMs: 30 * 60_000,
    pollIntervalMs: 15_000,
    ...overrides,
  };
}

function withImage(image: string, overrides: Partial<DeployRequest> = {}): DeployRequest {
  const base = request(overrides);
  return { ...base, render: { ...base.render, images: { app: image } } };
}

async function deploy(req: DeployRequest, h = hooks()): Promise<DeployResult> {
  const plan = planDeployment(req, await observeDeployment(req, api));
  return applyDeployPlan(plan, api, h);
}

async function failure(req: DeployRequest, h = hooks()): Promise<DeployFailedError> {
  try {
    await deploy(req, h);
  } catch (error) {
    if (error instanceof DeployFailedError) return error;
    throw error;
  }
  throw new Error('expected a DeployFailedError');
}

function seedService(desiredCount = 2): string {
  const td = ecs.seedTaskDefinition(WEB);
  ecs.seedService({
    cluster: 'prod',
    serviceName: 'web',
    taskDefinition: td.taskDefinitionArn,
    desiredCount,
    launchType: 'FARGATE',
    networkConfiguration: NETWORK,
    deploymentConfiguration: { deploymentCircuitBreaker: { enable: true, rollback: true } },
  });
  return String(td.taskDefinitionArn);
}

describe('following a deployment', () => {
  it('ends within one poll interval of ECS completing the rollout, and reports the events in order', async () => {
    seedService();
    const h = hooks();
    const result = await deploy(withImage('web:2'), h);
    const deployment = ecs.deployments('prod', 'web')[0];
    expect(result).toMatchObject({
      taskDefinitionArn: 'arn:aws:ecs:eu-west-1:123456789012:task-definition/web:2',
      registered: true,
      serviceAction: 'updated',
      deploymentId: deployment?.id,
      rolloutState: 'COMPLETED',
      outcome: 'COMPLETED',
    });
    const lastLook = ecs.calls('DescribeServices').at(-1)?.time ?? 0;
    const finished = deployment?.finishedAt ?? Number.POSITIVE_INFINITY;
    expect(lastLook).toBeGreaterThanOrEqual(finished);
    expect(lastLook - finished).toBeLessThanOrEqual(15_000);
    expect(result.events).toEqual([
      expect.stringMatching(/^\(service web\) has started 2 tasks: /),
      expect.stringMatching(/^\(service web\) has stopped 2 running tasks: /),
      `(service web) (deployment ${deployment?.id}) deployment completed.`,
      '(service web) has reached a steady state.',
    ]);
    // Events that existed before the deploy are not reported again.
    expect(h.lines.filter((l) => l === 'event: (service web) has reached a steady state.')).toHaveLength(1);
  });

  it('backs off while nothing changes and drops back when the rollout moves', async () => {
    seedService();
    ecs.timing.startMs = 10 * 60_000;
    await deploy(withImage('web:2'));
    const times = ecs.calls('DescribeServices').map((c) => c.time);
    const gaps = times.slice(2).map((t, i) => t - (times[i + 1] ?? t));
    expect(Math.max(...gaps)).toBe(15_000);
    expect(gaps.filter((g) => g >= 14_000).length).toBeGreaterThan(20);
    expect(gaps).toContain(2_000);
  });

  it('a deployment ECS rolled back is a failure with the stopped tasks’ reasons, never a success', async () => {
    const good = seedService();
    const error = await failure(withImage('web:bad'));
    expect(error.result.outcome).toBe('ROLLED_BACK');
    expect(error.result.rolloutState).toBe('ROLLED_BACK');
    expect(error.result.rolledBack).toMatchObject({ taskDefinition: good, by: 'ECS' });
    const stopped = error.result.failure?.stoppedTasks ?? [];
    expect(stopped.length).toBeGreaterThanOrEqual(1);
    for (const task of stopped) {
      expect(task.stoppedReason).toMatch(/^CannotPullContainerError: /);
      expect(task.stopCode).toBe('TaskFailedToStart');
      expect(task.containers).toEqual([
        expect.objectContaining({
          name: 'app',
          reason: task.stoppedReason,
          logUrl: expect.stringContaining('log-events/web$252Fapp$252F'),
        }),
      ]);
    }
    expect(error.message).toContain('ECS rolled back to web:1');
    expect(ecs.calls('ListTasks')[0]?.body).toMatchObject({
      cluster: 'prod',
      serviceName: 'web',
      desiredStatus: 'STOPPED',
    });
  });

  it('rolls back itself when ECS failed the deployment and left it there', async () => {
    const good = seedService(1);
    ecs.circuitBreakerRollsBack = false;
    const error = await failure(withImage('web:bad'));
    expect(error.result.rolledBack).toMatchObject({ taskDefinition: good, by: 'action', state: 'COMPLETED' });
    expect(ecs.deployments('prod', 'web')[0]).toMatchObject({
      taskDefinition: good,
      rolloutState: 'COMPLETED',
    });
    expect(error.message).toMatch(/rolled back to web:1 \(deployment ecs-svc\/\d+: COMPLETED\)/);
  });

  it('does not roll back when asked not to', async () => {
    seedService(1);
    ecs.circuitBreakerRollsBack = false;
    const error = await failure(
      withImage('web:bad', { settings: { ...request().settings, rollback: false } }),
    );
    expect(error.result.rolledBack).toBeUndefined();
    expect(ecs.calls('UpdateService')).toHaveLength(1);
    expect(error.result.rolloutState).toBe('FAILED');
  });

  it('a deployment someone else replaced mid-way is a failure that names the other deployment', async () => {
    seedService();
    ecs.timing.startMs = 60_000;
    let replaced = false;
    const h = hooks({
      progress: () => {
        if (replaced) return;
        replaced = true;
        void api.updateService({ cluster: 'prod', service: 'web', forceNewDeployment: true });
      },
    });
    const error = await failure(withImage('web:2'), h);
    expect(error.result.outcome).toBe('REPLACED');
    expect(error.message).toMatch(/deployment ecs-svc\/\d+ \(web:2\) replaced it before it finished/);
    expect(error.result.rolledBack).toBeUndefined();
  });

  it('a timeout names the deployment and leaves it running', async () => {
    seedService();
    ecs.timing.startMs = 60 * 60_000;
    const error = await failure(withImage('web:2', { timeoutMs: 5 * 60_000 }));
    const id = ecs.deployments('prod', 'web')[0]?.id;
    expect(error.result).toMatchObject({
      outcome: 'TIMED_OUT',
      rolloutState: 'IN_PROGRESS',
      deploymentId: id,
    });
    expect(error.message).toMatch(
      new RegExp(
        `^deployment ${id?.replace('/', '\\/')} did not finish within 5m .*; it goes on in ECS: follow it at https://`,
      ),
    );
  });

  it('wait: false returns as soon as the deployment started', async () => {
    seedService();
    const result = await deploy(withImage('web:2', { wait: false }));
    expect(result).toMatchObject({ outcome: 'NOT_WAITED', rolloutState: 'IN_PROGRESS' });
    expect(ecs.calls('DescribeServices')).toHaveLength(1);
  });
});

describe('observing before the plan', () => {
  it.each([
    {
      case: 'an unknown cluster',
      req: () => request({ cluster: 'nowhere' }),
      problem: { input: 'cluster', message: 'cluster "nowhere" does not exist in eu-west-1' },
    },
    {
      case: 'a missing service and no task definition',
      req: () => request({ source: { kind: 'service' } }),
      problem: {
        input: 'service',
        message:
          'service "web" does not exist in cluster prod, and no `task-definition` was given to create it from',
      },
    },
    {
      case: 'a revision that is not registered',
      req: () => request({ source: { kind: 'registered', reference: 'web:42' } }),
      problem: {
        input: 'task-definition',
        message: 'no task definition "web:42" is registered in eu-west-1',
      },
    },
  ])('$case is a problem naming the input, and nothing is changed', async ({ req, problem }) => {
    await expect(observeDeployment(req(), api)).rejects.toThrow(DeployPlanError);
    await observeDeployment(req(), api).catch((error: DeployPlanError) =>
      expect(error.problems).toEqual([problem]),
    );
    expect(ecs.journal.every((e) => e.operation.startsWith('Describe'))).toBe(true);
  });
});

describe('one-off tasks', () => {
  it.each([
    { command: ['migrate'], exitCode: 0 },
    { command: ['sh', '-c', 'exit 3'], exitCode: 3 },
  ])('runs $command and reports exit code $exitCode', async ({ command, exitCode }) => {
    const req = request({ mode: 'run-task', service: undefined, run: { command, beforeDeploy: false } });
    const result: DeployResult = emptyResult(planDeployment(req, await observeDeployment(req, api)));
    const run = applyDeployPlan(planDeployment(req, await observeDeployment(req, api)), api, hooks(), result);
    if (exitCode === 0) await run;
    else
      await expect(run).rejects.toThrow(
        /^the one-off task [0-9a-f]{32} exited 3 \(container app\)\. task [0-9a-f]{32} stopped: Essential container in task exited \(containers: app exit 3\)/,
      );
    expect(result.exitCode).toBe(exitCode);
    expect(result.taskArn).toMatch(/^arn:aws:ecs:eu-west-1:123456789012:task\/prod\/[0-9a-f]{32}$/);
    expect(result.consoleUrl).toMatch(
      /\/ecs\/v2\/clusters\/prod\/tasks\/[0-9a-f]{32}\/configuration\?region=eu-west-1$/,
    );
  });

  it('a task whose image cannot be pulled "never ran", with the pull error as reason', async () => {
    const req = withImage('web:bad', {
      mode: 'run-task',
      service: undefined,
      run: { command: ['x'], beforeDeploy: false },
    });
    const error = await failure(req);
    expect(error.result.exitCode).toBeUndefined();
    expect(error.message).toMatch(
      /^the one-off task [0-9a-f]{32} never ran \(container app: CannotPullContainerError: /,
    );
  });

  it('RunTask failures become a readable error instead of [null] (#757)', async () => {
    ecs.seedCluster('ec2', { containerInstances: 0, capacityProviders: [] });
    const td = ecs.seedTaskDefinition({
      family: 'job',
      requiresCompatibilities: ['EC2'],
      containerDefinitions: [{ name: 'job', image: 'busybox', memory: 128 }],
    });
    await expect(
      startOneOffTask(api, {
        cluster: 'ec2',
        taskDefinition: String(td.taskDefinitionArn),
        launchType: 'EC2',
      }),
    ).rejects.toThrow(
      new RunTaskFailedError([
        {
          arn: 'arn:aws:ecs:eu-west-1:123456789012:cluster/ec2',
          reason: 'No Container Instances were found in your cluster.',
        },
      ]),
    );
    await startOneOffTask(api, {
      cluster: 'ec2',
      taskDefinition: String(td.taskDefinitionArn),
      launchType: 'EC2',
    }).catch((e: Error) =>
      expect(e.message).toBe(
        'RunTask started no task: No Container Instances were found in your cluster. [arn:aws:ecs:eu-west-1:123456789012:cluster/ec2]',
      ),
    );
  });

  it('a migration that fails stops the deploy before the service is touched', async () => {
    seedService();
    const error = await failure(
      withImage('web:2', { run: { command: ['sh', '-c', 'exit 1'], beforeDeploy: true } }),
    );
    expect(error.message).toMatch(/the service was not updated$/);
    expect(ecs.calls('UpdateService')).toEqual([]);
    expect(ecs.calls('RunTask')[0]?.body).toMatchObject({
      startedBy: 'slipway/deploy-ecs/before-deploy',
      launchType: 'FARGATE',
      networkConfiguration: NETWORK,
    });
  });
});

describe('CODE_DEPLOY services', () => {
  it('deploys through CodeDeploy with an AppSpec and follows it', async () => {
    const td = ecs.seedTaskDefinition(WEB);
    ecs.seedService({
      cluster: 'prod',
      serviceName: 'web',
      taskDefinition: td.taskDefinitionArn,
      desiredCount: 1,
      launchType: 'FARGATE',
      networkConfiguration: NETWORK,
      deploymentController: { type: 'CODE_DEPLOY' },
      loadBalancers: [{ targetGroupArn: 'tg', containerName: 'app', containerPort: 8080 }],
    });
    codedeploy.seedDeploymentGroup({
      application: 'AppECS-prod-web',
      deploymentGroup: 'DgpECS-prod-web',
      cluster: 'prod',
      service: 'web',
    });
    const h = hooks({
      sleep: (ms) => {
        ecs.advance(ms);
        return Promise.resolve();
      },
    });
    const result = await deploy(
      withImage('web:2', { settings: { circuitBreaker: true, rollback: true, forceNewDeployment: false } }),
      h,
    );
    expect(result).toMatchObject({
      outcome: 'COMPLETED',
      rolloutState: 'COMPLETED',
      deploymentId: expect.stringMatching(/^d-/),
    });
    expect(codedeploy.deployments.get(result.deploymentId ?? '')?.taskDefinition).toBe(
      'arn:aws:ecs:eu-west-1:123456789012:task-definition/web:2',
    );
    expect(ecs.calls('UpdateService')).toEqual([]);
  });
});
