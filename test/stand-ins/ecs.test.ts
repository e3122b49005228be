// The real @aws-sdk/client-ecs over HTTP against the ECS stand-in: task definitions, services whose deployments
// progress over simulated time, the circuit breaker with rollback, one-off tasks, and ECS's error types.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import {
  CreateServiceCommand,
  DeregisterTaskDefinitionCommand,
  DescribeClustersCommand,
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  DescribeTasksCommand,
  ECSClient,
  ListTaskDefinitionsCommand,
  ListTasksCommand,
  RegisterTaskDefinitionCommand,
  RunTaskCommand,
  StopTaskCommand,
  TagResourceCommand,
  UpdateServiceCommand,
} from '@aws-sdk/client-ecs';
import type { RegisterTaskDefinitionCommandInput } from '@aws-sdk/client-ecs';
import { Clock } from './clock.js';
import { TEST_CREDENTIALS } from './aws-json.js';
import { EcsStandIn } from './ecs.js';

const START = Date.UTC(2026, 10, 30, 12, 0, 0);
const clock = new Clock(START);
const ecs = new EcsStandIn({ clock, region: 'eu-west-1', clusters: ['default', 'prod'] });
let sdk: ECSClient;

beforeAll(async () => {
  const endpoint = await ecs.start();
  sdk = new ECSClient({
    endpoint,
    region: 'eu-west-1',
    credentials: { ...TEST_CREDENTIALS },
    maxAttempts: 1,
    // The SDK would otherwise sign with the real time, far from the frozen stand-in clock.
    systemClockOffset: START - Date.now(),
  });
});
afterAll(() => ecs.stop());
afterEach(() => {
  ecs.clearFaults();
  ecs.clearJournal();
  ecs.allow();
});

const NETWORK = { awsvpcConfiguration: { subnets: ['subnet-1'], securityGroups: ['sg-1'] } };

function fargateDefinition(
  family: string,
  image: string,
  extra: Partial<RegisterTaskDefinitionCommandInput> = {},
) {
  return {
    family,
    requiresCompatibilities: ['FARGATE' as const],
    networkMode: 'awsvpc' as const,
    cpu: '256',
    memory: '512',
    executionRoleArn: 'arn:aws:iam::123456789012:role/exec',
    containerDefinitions: [
      { name: 'app', image, essential: true, portMappings: [{ containerPort: 8080, name: 'http' }] },
    ],
    ...extra,
  };
}

async function failure(
  promise: Promise<unknown>,
): Promise<{ name: string; message: string; status: unknown }> {
  try {
    await promise;
  } catch (error) {
    const e = error as { name: string; message: string; $metadata?: { httpStatusCode?: number } };
    return { name: e.name, message: e.message, status: e.$metadata?.httpStatusCode };
  }
  throw new Error('expected a rejection');
}

/** Moves simulated time in steps and returns the PRIMARY rollout state seen at each step. */
function rolloutStates(cluster: string, service: string, steps: number, stepMs: number): string[] {
  const seen: string[] = [];
  for (let i = 0; i < steps; i++) {
    ecs.advance(stepMs);
    const primary = ecs.deployments(cluster, service)[0];
    seen.push(`${primary?.rolloutState}`);
  }
  return seen;
}

describe('task definitions', () => {
  it('registers revisions per family with the ARN format, fills ECS defaults and converts vCPU/GB', async () => {
    const first = await sdk.send(
      new RegisterTaskDefinitionCommand({
        ...fargateDefinition('web', 'nginx:1'),
        cpu: '0.5 vCPU',
        memory: '1 GB',
      }),
    );
    const second = await sdk.send(new RegisterTaskDefinitionCommand(fargateDefinition('web', 'nginx:2')));
    const other = await sdk.send(new RegisterTaskDefinitionCommand(fargateDefinition('api', 'nginx:1')));
    expect([first, second, other].map((r) => r.taskDefinition?.taskDefinitionArn)).toEqual([
      'arn:aws:ecs:eu-west-1:123456789012:task-definition/web:1',
      'arn:aws:ecs:eu-west-1:123456789012:task-definition/web:2',
      'arn:aws:ecs:eu-west-1:123456789012:task-definition/api:1',
    ]);
    expect(first.taskDefinition).toMatchObject({
      cpu: '512',
      memory: '1024',
      status: 'ACTIVE',
      revision: 1,
      compatibilities: ['EC2', 'FARGATE'],
      registeredAt: new Date(START),
    });
    expect(first.taskDefinition?.containerDefinitions?.[0]).toMatchObject({
      essential: true,
      environment: [],
      mountPoints: [],
      volumesFrom: [],
      portMappings: [{ containerPort: 8080, hostPort: 8080, protocol: 'tcp', name: 'http' }],
    });
    expect(first.taskDefinition?.requiresAttributes?.map((a) => a.name)).toContain('ecs.capability.task-eni');
  });

  it('describes by family (latest ACTIVE), family:revision and ARN, with tags on request', async () => {
    await sdk.send(
      new RegisterTaskDefinitionCommand({
        ...fargateDefinition('tagged', 'nginx:1'),
        tags: [{ key: 'team', value: 'core' }],
      }),
    );
    await sdk.send(new RegisterTaskDefinitionCommand(fargateDefinition('tagged', 'nginx:2')));
    await sdk.send(new DeregisterTaskDefinitionCommand({ taskDefinition: 'tagged:2' }));
    const latest = await sdk.send(
      new DescribeTaskDefinitionCommand({ taskDefinition: 'tagged', include: ['TAGS'] }),
    );
    const byArn = await sdk.send(
      new DescribeTaskDefinitionCommand({
        taskDefinition: 'arn:aws:ecs:eu-west-1:123456789012:task-definition/tagged:2',
      }),
    );
    expect(latest.taskDefinition?.revision).toBe(1);
    expect(latest.tags).toEqual([{ key: 'team', value: 'core' }]);
    expect(byArn.taskDefinition).toMatchObject({ revision: 2, status: 'INACTIVE' });
    expect(byArn.taskDefinition?.deregisteredAt).toBeInstanceOf(Date);
    const active = await sdk.send(new ListTaskDefinitionsCommand({ familyPrefix: 'tagged', sort: 'DESC' }));
    const inactive = await sdk.send(
      new ListTaskDefinitionsCommand({ familyPrefix: 'tagged', status: 'INACTIVE' }),
    );
    expect(active.taskDefinitionArns?.map((arn) => arn.split('/')[1])).toEqual(['tagged:1']);
    expect(inactive.taskDefinitionArns?.map((arn) => arn.split('/')[1])).toEqual(['tagged:2']);
    expect(await failure(sdk.send(new DescribeTaskDefinitionCommand({ taskDefinition: 'nope' })))).toEqual({
      name: 'ClientException',
      message: 'Unable to describe task definition.',
      status: 400,
    });
  });

  it.each([
    {
      case: 'an invalid Fargate CPU/memory pair',
      input: { cpu: '256', memory: '4096' },
      message:
        'No Fargate configuration exists for given values: 256 CPU, 4096 memory. See the Amazon ECS documentation for the valid values.',
    },
    {
      case: 'a network mode Fargate does not support',
      input: { networkMode: 'bridge' as const },
      message: 'Fargate only supports network mode ‘awsvpc’.',
    },
    {
      case: 'no task-level CPU on Fargate',
      input: { cpu: undefined },
      message: "Fargate requires that 'cpu' be defined at the task level.",
    },
    {
      case: 'an unreadable CPU value',
      input: { cpu: 'lots' },
      message:
        "Invalid 'cpu' setting for task. For more information, see the Troubleshooting section of the Amazon ECS Developer Guide.",
    },
    {
      case: 'awslogs without an execution role',
      input: {
        executionRoleArn: undefined,
        containerDefinitions: [
          {
            name: 'app',
            image: 'nginx:1',
            logConfiguration: { logDriver: 'awslogs' as const, options: { 'awslogs-group': 'g' } },
          },
        ],
      },
      message: 'Fargate requires task definition to have execution role ARN to support log driver awslogs.',
    },
    {
      case: 'no containers',
      input: { containerDefinitions: [] },
      message: 'Container list cannot be empty.',
    },
    {
      case: 'a container without an image',
      input: { containerDefinitions: [{ name: 'app', image: '' }] },
      message: 'Container.image should not be null or empty.',
    },
  ])('RegisterTaskDefinition refuses $case with a ClientException', async ({ input, message }) => {
    const before = ecs.taskDefinitions('refused').length;
    const result = await failure(
      sdk.send(new RegisterTaskDefinitionCommand({ ...fargateDefinition('refused', 'nginx:1'), ...input })),
    );
    expect(result).toEqual({ name: 'ClientException', message, status: 400 });
    expect(ecs.taskDefinitions('refused')).toHaveLength(before);
  });

  it('asks EC2-only definitions without task memory for container memory', async () => {
    const result = await failure(
      sdk.send(
        new RegisterTaskDefinitionCommand({
          family: 'ec2',
          requiresCompatibilities: ['EC2'],
          containerDefinitions: [{ name: 'app', image: 'nginx:1' }],
        }),
      ),
    );
    expect(result.message).toBe(
      "Invalid setting for container 'app'. At least one of 'memory' or 'memoryReservation' must be specified.",
    );
  });
});

describe('services', () => {
  beforeEach(() => {
    ecs.taskBehaviour = ({ containers }) =>
      containers.some((c) => c.image.includes(':bad')) ? { kind: 'pull-error' } : { kind: 'run' };
  });

  it('a new service rolls out over simulated time: IN_PROGRESS, then COMPLETED with ECS events', async () => {
    const td = await sdk.send(new RegisterTaskDefinitionCommand(fargateDefinition('svc-a', 'nginx:1')));
    const created = await sdk.send(
      new CreateServiceCommand({
        cluster: 'prod',
        serviceName: 'svc-a',
        taskDefinition: td.taskDefinition?.taskDefinitionArn,
        desiredCount: 2,
        launchType: 'FARGATE',
        networkConfiguration: NETWORK,
      }),
    );
    const deployment = created.service?.deployments?.[0];
    expect(created.service).toMatchObject({
      serviceArn: 'arn:aws:ecs:eu-west-1:123456789012:service/prod/svc-a',
      status: 'ACTIVE',
      desiredCount: 2,
      launchType: 'FARGATE',
      deploymentController: { type: 'ECS' },
    });
    expect(deployment).toMatchObject({ status: 'PRIMARY', rolloutState: 'IN_PROGRESS', runningCount: 0 });
    expect(deployment?.id).toMatch(/^ecs-svc\/\d{19}$/);

    ecs.advance(1000 + 2000 + 5000);
    const running = await sdk.send(new DescribeServicesCommand({ cluster: 'prod', services: ['svc-a'] }));
    expect(running.services?.[0]).toMatchObject({ runningCount: 2, pendingCount: 0 });
    expect(running.services?.[0]?.deployments?.[0]?.rolloutState).toBe('IN_PROGRESS');

    ecs.advance(5000);
    const done = await sdk.send(new DescribeServicesCommand({ cluster: 'prod', services: ['svc-a'] }));
    const service = done.services?.[0];
    expect(service?.deployments).toHaveLength(1);
    expect(service?.deployments?.[0]).toMatchObject({ id: deployment?.id, rolloutState: 'COMPLETED' });
    const messages = (service?.events ?? []).map((e) => e.message);
    expect(messages[0]).toBe('(service svc-a) has reached a steady state.');
    expect(messages[1]).toBe(`(service svc-a) (deployment ${deployment?.id}) deployment completed.`);
    expect(messages[2]).toMatch(
      /^\(service svc-a\) has started 2 tasks: \(task [0-9a-f]{32}\) \(task [0-9a-f]{32}\)\.$/,
    );
    expect(service?.events?.[0]?.createdAt).toBeInstanceOf(Date);

    const tasks = await sdk.send(new ListTasksCommand({ cluster: 'prod', serviceName: 'svc-a' }));
    const described = await sdk.send(new DescribeTasksCommand({ cluster: 'prod', tasks: tasks.taskArns }));
    expect(described.tasks?.map((t) => [t.lastStatus, t.startedBy, t.group, t.launchType])).toEqual([
      ['RUNNING', deployment?.id, 'service:svc-a', 'FARGATE'],
      ['RUNNING', deployment?.id, 'service:svc-a', 'FARGATE'],
    ]);
  });

  it('an update with a failing image trips the circuit breaker and rolls back to the last completed revision', async () => {
    const good = ecs.seedTaskDefinition(fargateDefinition('svc-b', 'nginx:1'));
    ecs.seedService({
      cluster: 'prod',
      serviceName: 'svc-b',
      taskDefinition: good.taskDefinitionArn,
      desiredCount: 2,
      launchType: 'FARGATE',
      networkConfiguration: NETWORK,
      deploymentConfiguration: { deploymentCircuitBreaker: { enable: true, rollback: true } },
    });
    const bad = await sdk.send(new RegisterTaskDefinitionCommand(fargateDefinition('svc-b', 'nginx:bad')));
    const updated = await sdk.send(
      new UpdateServiceCommand({
        cluster: 'prod',
        service: 'svc-b',
        taskDefinition: bad.taskDefinition?.taskDefinitionArn,
      }),
    );
    const failedId = updated.service?.deployments?.[0]?.id;
    expect(updated.service?.deployments?.map((d) => d.status)).toEqual(['PRIMARY', 'ACTIVE']);

    ecs.runUntilIdle();
    const after = await sdk.send(new DescribeServicesCommand({ cluster: 'prod', services: ['svc-b'] }));
    const service = after.services?.[0];
    expect(service?.taskDefinition).toBe(good.taskDefinitionArn);
    expect(service?.deployments).toHaveLength(1);
    expect(service?.deployments?.[0]).toMatchObject({
      taskDefinition: good.taskDefinitionArn,
      rolloutState: 'COMPLETED',
    });
    const events = ecs.events('prod', 'svc-b');
    expect(events).toContain(
      `(service svc-b) (deployment ${failedId}) deployment failed: tasks failed to start.`,
    );
    const record = ecs.service('prod', 'svc-b');
    expect(record?.lastCompleted?.taskDefinition).toBe(good.taskDefinitionArn);

    const stopped = ecs.tasks({ serviceName: 'svc-b', deploymentId: failedId });
    expect(stopped.length).toBeGreaterThanOrEqual(3);
    expect(stopped.every((t) => t.lastStatus === 'STOPPED')).toBe(true);
    const sample = await sdk.send(
      new DescribeTasksCommand({ cluster: 'prod', tasks: [stopped[0]?.taskArn ?? ''] }),
    );
    expect(sample.tasks?.[0]?.stoppedReason).toMatch(/^CannotPullContainerError: .*nginx:bad.*not found$/);
    expect(sample.tasks?.[0]?.stopCode).toBe('TaskFailedToStart');
    expect(sample.tasks?.[0]?.containers?.[0]?.reason).toMatch(/^CannotPullContainerError/);
  });

  it('the rollback deployment names its target, and without rollback the failed deployment stays PRIMARY', async () => {
    const good = ecs.seedTaskDefinition(fargateDefinition('svc-c', 'nginx:1'));
    for (const [name, rollback] of [
      ['svc-c', true],
      ['svc-d', false],
    ] as const) {
      ecs.seedService({
        cluster: 'prod',
        serviceName: name,
        taskDefinition: good.taskDefinitionArn,
        desiredCount: 1,
        launchType: 'FARGATE',
        networkConfiguration: NETWORK,
        deploymentConfiguration: { deploymentCircuitBreaker: { enable: true, rollback } },
      });
    }
    const seededId = ecs.deployments('prod', 'svc-c')[0]?.id;
    const bad = ecs.seedTaskDefinition(fargateDefinition('svc-c', 'nginx:bad'));
    await sdk.send(
      new UpdateServiceCommand({
        cluster: 'prod',
        service: 'svc-c',
        taskDefinition: String(bad.taskDefinitionArn),
      }),
    );
    await sdk.send(
      new UpdateServiceCommand({
        cluster: 'prod',
        service: 'svc-d',
        taskDefinition: String(bad.taskDefinitionArn),
      }),
    );
    // Three failed tasks (the minimum threshold), each pulled and refused after 1 + 2 + 4 simulated seconds.
    ecs.advance(3 * 7000 + 1000);
    const c = await sdk.send(new DescribeServicesCommand({ cluster: 'prod', services: ['svc-c', 'svc-d'] }));
    const [rolling, failed] = c.services ?? [];
    expect(rolling?.deployments?.[0]).toMatchObject({
      status: 'PRIMARY',
      taskDefinition: good.taskDefinitionArn,
      rolloutStateReason: `ECS deployment circuit breaker: rolling back to deploymentId ${seededId}.`,
    });
    expect(rolling?.deployments?.[1]).toMatchObject({
      status: 'ACTIVE',
      rolloutState: 'FAILED',
      failedTasks: 3,
    });
    expect(failed?.deployments?.[0]).toMatchObject({
      status: 'PRIMARY',
      rolloutState: 'FAILED',
      rolloutStateReason: 'ECS deployment circuit breaker: tasks failed to start.',
      taskDefinition: bad.taskDefinitionArn,
    });
    // Without rollback the scheduler stops launching tasks for the failed deployment.
    const launched = ecs.tasks({ serviceName: 'svc-d' }).length;
    ecs.advance(60_000);
    expect(ecs.tasks({ serviceName: 'svc-d' })).toHaveLength(launched);
  });

  it('places Fargate Spot weights and base across tasks and records the strategy on the deployment', async () => {
    const td = ecs.seedTaskDefinition(fargateDefinition('spot', 'nginx:1'));
    const created = await sdk.send(
      new CreateServiceCommand({
        cluster: 'prod',
        serviceName: 'spot',
        taskDefinition: String(td.taskDefinitionArn),
        desiredCount: 5,
        capacityProviderStrategy: [
          { capacityProvider: 'FARGATE_SPOT', weight: 3 },
          { capacityProvider: 'FARGATE', weight: 1, base: 1 },
        ],
        networkConfiguration: NETWORK,
      }),
    );
    expect(created.service?.deployments?.[0]?.capacityProviderStrategy).toEqual([
      { capacityProvider: 'FARGATE_SPOT', weight: 3 },
      { capacityProvider: 'FARGATE', weight: 1, base: 1 },
    ]);
    ecs.runUntilIdle();
    const providers = ecs.tasks({ serviceName: 'spot' }).map((t) => t.capacityProviderName);
    expect(providers.filter((p) => p === 'FARGATE')).toHaveLength(2);
    expect(providers.filter((p) => p === 'FARGATE_SPOT')).toHaveLength(3);
  });

  it.each([
    {
      case: 'a launch type together with a strategy',
      input: {
        launchType: 'FARGATE' as const,
        capacityProviderStrategy: [{ capacityProvider: 'FARGATE', weight: 1 }],
      },
      name: 'InvalidParameterException',
      message:
        'Specifying both a launch type and capacity provider strategy is not supported. Remove one and try again.',
    },
    {
      case: 'a capacity provider the cluster does not have',
      input: { capacityProviderStrategy: [{ capacityProvider: 'my-asg', weight: 1 }] },
      name: 'InvalidParameterException',
      message: expect.stringMatching(
        /^The specified capacity provider strategy cannot contain a capacity provider that is not associated with the cluster/,
      ),
    },
    {
      case: 'awsvpc without a network configuration',
      input: { launchType: 'FARGATE' as const, networkConfiguration: undefined },
      name: 'InvalidParameterException',
      message: "Network Configuration must be provided when networkMode 'awsvpc' is specified.",
    },
    {
      case: 'a Service Connect port name the definition lacks',
      input: {
        launchType: 'FARGATE' as const,
        serviceConnectConfiguration: { enabled: true, namespace: 'ns', services: [{ portName: 'grpc' }] },
      },
      name: 'InvalidParameterException',
      message: expect.stringMatching(/port name 'grpc' does not match/),
    },
    {
      case: 'an unknown cluster',
      input: { cluster: 'nowhere', launchType: 'FARGATE' as const },
      name: 'ClusterNotFoundException',
      message: 'Cluster not found.',
    },
  ])('CreateService refuses $case with $name', async ({ input, name, message }) => {
    const td = ecs.seedTaskDefinition(fargateDefinition('refusals', 'nginx:1'));
    const result = await failure(
      sdk.send(
        new CreateServiceCommand({
          cluster: 'prod',
          serviceName: 'refused',
          taskDefinition: String(td.taskDefinitionArn),
          desiredCount: 1,
          networkConfiguration: NETWORK,
          ...input,
        }),
      ),
    );
    expect(result).toEqual({ name, message, status: 400 });
    expect(ecs.service('prod', 'refused')).toBeUndefined();
  });

  it('DescribeServices answers MISSING for unknown services; UpdateService answers ServiceNotFoundException', async () => {
    const described = await sdk.send(new DescribeServicesCommand({ cluster: 'prod', services: ['ghost'] }));
    expect(described.services).toEqual([]);
    expect(described.failures).toEqual([
      { arn: 'arn:aws:ecs:eu-west-1:123456789012:service/prod/ghost', reason: 'MISSING' },
    ]);
    expect(
      await failure(
        sdk.send(new UpdateServiceCommand({ cluster: 'prod', service: 'ghost', desiredCount: 1 })),
      ),
    ).toEqual({
      name: 'ServiceNotFoundException',
      message: 'Service not found.',
      status: 400,
    });
    expect(
      await failure(sdk.send(new DescribeServicesCommand({ cluster: 'gone', services: ['x'] }))),
    ).toMatchObject({
      name: 'ClusterNotFoundException',
    });
  });

  it('a service being deleted answers ServiceNotActiveException', async () => {
    const td = ecs.seedTaskDefinition(fargateDefinition('draining', 'nginx:1'));
    const record = ecs.seedService({
      cluster: 'prod',
      serviceName: 'draining',
      taskDefinition: td.taskDefinitionArn,
      desiredCount: 1,
      launchType: 'FARGATE',
      networkConfiguration: NETWORK,
    });
    record.status = 'DRAINING';
    expect(
      await failure(
        sdk.send(new UpdateServiceCommand({ cluster: 'prod', service: 'draining', desiredCount: 2 })),
      ),
    ).toEqual({
      name: 'ServiceNotActiveException',
      message: 'Service was not ACTIVE.',
      status: 400,
    });
  });

  it('ListTasks refuses startedBy combined with another filter, as ECS documents', async () => {
    const result = await failure(
      sdk.send(new ListTasksCommand({ cluster: 'prod', serviceName: 'svc-a', startedBy: 'ecs-svc/1' })),
    );
    expect(result.name).toBe('InvalidParameterException');
  });

  it('a repeated clientToken does not create a second service', async () => {
    const td = ecs.seedTaskDefinition(fargateDefinition('idem', 'nginx:1'));
    const input = {
      cluster: 'prod',
      serviceName: 'idem',
      taskDefinition: String(td.taskDefinitionArn),
      desiredCount: 1,
      launchType: 'FARGATE' as const,
      networkConfiguration: NETWORK,
      clientToken: 'token-1',
    };
    const first = await sdk.send(new CreateServiceCommand(input));
    const again = await sdk.send(new CreateServiceCommand(input));
    expect(again.service?.serviceArn).toBe(first.service?.serviceArn);
    expect(ecs.deployments('prod', 'idem')).toHaveLength(1);
  });

  it('a CODE_DEPLOY service refuses a task definition update with ECS wording', async () => {
    const td = ecs.seedTaskDefinition(fargateDefinition('cd', 'nginx:1'));
    ecs.seedService({
      cluster: 'prod',
      serviceName: 'cd',
      taskDefinition: td.taskDefinitionArn,
      desiredCount: 1,
      launchType: 'FARGATE',
      networkConfiguration: NETWORK,
      deploymentController: { type: 'CODE_DEPLOY' },
    });
    const result = await failure(
      sdk.send(
        new UpdateServiceCommand({
          cluster: 'prod',
          service: 'cd',
          taskDefinition: String(td.taskDefinitionArn),
        }),
      ),
    );
    expect(result.name).toBe('InvalidParameterException');
    expect(result.message).toMatch(
      /^Unable to update task definition on services with a CODE_DEPLOY deployment controller/,
    );
  });

  it('a capacity-provider change needs forceNewDeployment, and then starts a deployment', async () => {
    const td = ecs.seedTaskDefinition(fargateDefinition('move', 'nginx:1'));
    ecs.seedService({
      cluster: 'prod',
      serviceName: 'move',
      taskDefinition: td.taskDefinitionArn,
      desiredCount: 1,
      launchType: 'FARGATE',
      networkConfiguration: NETWORK,
    });
    const strategy = [{ capacityProvider: 'FARGATE_SPOT', weight: 1 }];
    const refused = await failure(
      sdk.send(
        new UpdateServiceCommand({ cluster: 'prod', service: 'move', capacityProviderStrategy: strategy }),
      ),
    );
    expect(refused.name).toBe('InvalidParameterException');
    const forced = await sdk.send(
      new UpdateServiceCommand({
        cluster: 'prod',
        service: 'move',
        capacityProviderStrategy: strategy,
        forceNewDeployment: true,
      }),
    );
    expect(forced.service?.launchType).toBeUndefined();
    expect(forced.service?.deployments?.map((d) => d.status)).toEqual(['PRIMARY', 'ACTIVE']);
    expect(rolloutStates('prod', 'move', 4, 4000)).toEqual([
      'IN_PROGRESS',
      'IN_PROGRESS',
      'IN_PROGRESS',
      'COMPLETED',
    ]);
  });

  it('a desired-count change alone scales the PRIMARY without a new deployment', async () => {
    const td = ecs.seedTaskDefinition(fargateDefinition('scale', 'nginx:1'));
    ecs.seedService({
      cluster: 'prod',
      serviceName: 'scale',
      taskDefinition: td.taskDefinitionArn,
      desiredCount: 1,
      launchType: 'FARGATE',
      networkConfiguration: NETWORK,
    });
    const before = ecs.deployments('prod', 'scale')[0]?.id;
    await sdk.send(new UpdateServiceCommand({ cluster: 'prod', service: 'scale', desiredCount: 3 }));
    ecs.runUntilIdle();
    const deployments = ecs.deployments('prod', 'scale');
    expect(deployments.map((d) => [d.id, d.desiredCount, d.rolloutState])).toEqual([
      [before, 3, 'COMPLETED'],
    ]);
    expect(ecs.tasks({ serviceName: 'scale' }).filter((t) => t.lastStatus === 'RUNNING')).toHaveLength(3);
  });

  it('tickMs moves the clock on each DescribeServices so a rollout progresses poll by poll', async () => {
    const td = ecs.seedTaskDefinition(fargateDefinition('ticks', 'nginx:1'));
    await sdk.send(
      new CreateServiceCommand({
        cluster: 'prod',
        serviceName: 'ticks',
        taskDefinition: String(td.taskDefinitionArn),
        desiredCount: 1,
        launchType: 'FARGATE',
        networkConfiguration: NETWORK,
      }),
    );
    ecs.tickMs = 5000;
    try {
      const states: string[] = [];
      for (let i = 0; i < 5; i++) {
        const out = await sdk.send(new DescribeServicesCommand({ cluster: 'prod', services: ['ticks'] }));
        states.push(String(out.services?.[0]?.deployments?.[0]?.rolloutState));
      }
      expect(states.indexOf('COMPLETED')).toBeGreaterThan(0);
      expect(states.slice(0, states.indexOf('COMPLETED')).every((s) => s === 'IN_PROGRESS')).toBe(true);
    } finally {
      ecs.tickMs = 0;
    }
  });
});

describe('one-off tasks', () => {
  it.each([
    { command: ['migrate'], exitCode: 0 },
    { command: ['sh', '-c', 'exit 3'], exitCode: 3 },
  ])('RunTask with a command override stops with exit code $exitCode', async ({ command, exitCode }) => {
    ecs.taskBehaviour = (input) =>
      /exit (\d+)/.test(input.containers[0]?.command.join(' ') ?? '')
        ? {
            kind: 'exit',
            exitCode: Number(/exit (\d+)/.exec(input.containers[0]?.command.join(' ') ?? '')?.[1]),
          }
        : { kind: 'run' };
    const td = ecs.seedTaskDefinition(fargateDefinition('job', 'migrator:1'));
    const run = await sdk.send(
      new RunTaskCommand({
        cluster: 'prod',
        taskDefinition: String(td.taskDefinitionArn),
        launchType: 'FARGATE',
        networkConfiguration: NETWORK,
        overrides: { containerOverrides: [{ name: 'app', command }] },
        startedBy: 'slipway',
        tags: [{ key: 'purpose', value: 'migration' }],
      }),
    );
    expect(run.failures).toEqual([]);
    const taskArn = run.tasks?.[0]?.taskArn ?? '';
    expect(taskArn).toMatch(/^arn:aws:ecs:eu-west-1:123456789012:task\/prod\/[0-9a-f]{32}$/);
    ecs.runUntilIdle();
    const described = await sdk.send(
      new DescribeTasksCommand({ cluster: 'prod', tasks: [taskArn], include: ['TAGS'] }),
    );
    expect(described.tasks?.[0]).toMatchObject({
      lastStatus: 'STOPPED',
      stopCode: 'EssentialContainerExited',
      stoppedReason: 'Essential container in task exited',
      startedBy: 'slipway',
      group: 'family:job',
      tags: [{ key: 'purpose', value: 'migration' }],
      overrides: { containerOverrides: [{ name: 'app', command }] },
    });
    expect(described.tasks?.[0]?.containers?.[0]?.exitCode).toBe(exitCode);
  });

  it('refuses an override for a container the definition lacks, and answers MISSING for unknown tasks', async () => {
    const td = ecs.seedTaskDefinition(fargateDefinition('job2', 'migrator:1'));
    const result = await failure(
      sdk.send(
        new RunTaskCommand({
          cluster: 'prod',
          taskDefinition: String(td.taskDefinitionArn),
          launchType: 'FARGATE',
          networkConfiguration: NETWORK,
          overrides: { containerOverrides: [{ name: 'worker', command: ['x'] }] },
        }),
      ),
    );
    expect(result).toEqual({
      name: 'InvalidParameterException',
      message: 'Override for container named worker is not a container in the TaskDefinition.',
      status: 400,
    });
    const missing = await sdk.send(
      new DescribeTasksCommand({ cluster: 'prod', tasks: ['0123456789abcdef0123456789abcdef'] }),
    );
    expect(missing.failures).toEqual([{ arn: '0123456789abcdef0123456789abcdef', reason: 'MISSING' }]);
  });

  it('an EC2 task on a cluster without container instances comes back as a failure, not a task', async () => {
    ecs.seedCluster('empty', { containerInstances: 0, capacityProviders: [] });
    const td = ecs.seedTaskDefinition({
      family: 'ec2job',
      requiresCompatibilities: ['EC2'],
      containerDefinitions: [{ name: 'app', image: 'busybox', memory: 128 }],
    });
    const run = await sdk.send(
      new RunTaskCommand({
        cluster: 'empty',
        taskDefinition: String(td.taskDefinitionArn),
        launchType: 'EC2',
      }),
    );
    expect(run.tasks).toEqual([]);
    expect(run.failures).toEqual([
      {
        arn: 'arn:aws:ecs:eu-west-1:123456789012:cluster/empty',
        reason: 'No Container Instances were found in your cluster.',
      },
    ]);
  });

  it('StopTask stops a running task with the given reason', async () => {
    ecs.taskBehaviour = () => ({ kind: 'run' });
    const td = ecs.seedTaskDefinition(fargateDefinition('long', 'worker:1'));
    const run = await sdk.send(
      new RunTaskCommand({
        cluster: 'prod',
        taskDefinition: String(td.taskDefinitionArn),
        launchType: 'FARGATE',
        networkConfiguration: NETWORK,
      }),
    );
    const stopped = await sdk.send(
      new StopTaskCommand({ cluster: 'prod', task: run.tasks?.[0]?.taskArn, reason: 'cancelled' }),
    );
    expect(stopped.task).toMatchObject({
      lastStatus: 'STOPPED',
      stoppedReason: 'cancelled',
      stopCode: 'UserInitiated',
    });
  });
});

describe('clusters, tags and errors', () => {
  it('DescribeClusters lists capacity providers and answers MISSING for unknown clusters', async () => {
    const out = await sdk.send(new DescribeClustersCommand({ clusters: ['prod', 'nope'] }));
    expect(out.clusters?.[0]).toMatchObject({
      clusterName: 'prod',
      status: 'ACTIVE',
      capacityProviders: ['FARGATE', 'FARGATE_SPOT'],
    });
    expect(out.failures).toEqual([
      { arn: 'arn:aws:ecs:eu-west-1:123456789012:cluster/nope', reason: 'MISSING' },
    ]);
  });

  it('TagResource tags a task definition; an unknown ARN is ResourceNotFoundException', async () => {
    const td = ecs.seedTaskDefinition(fargateDefinition('tagme', 'nginx:1'));
    await sdk.send(
      new TagResourceCommand({ resourceArn: String(td.taskDefinitionArn), tags: [{ key: 'a', value: '1' }] }),
    );
    expect(ecs.taskDefinition('tagme')?.tags).toEqual([{ key: 'a', value: '1' }]);
    const missing = await failure(
      sdk.send(
        new TagResourceCommand({
          resourceArn: 'arn:aws:ecs:eu-west-1:123456789012:service/prod/x',
          tags: [],
        }),
      ),
    );
    expect(missing.name).toBe('ResourceNotFoundException');
  });

  it.each([
    { fault: { kind: 'throttle' as const, times: 1 }, name: 'ThrottlingException', status: 400 },
    { fault: { kind: 'http' as const, status: 500, times: 1 }, name: 'ServerException', status: 500 },
    { fault: { kind: 'http' as const, status: 503, times: 1 }, name: 'ServiceUnavailable', status: 503 },
  ])('a $name fault reaches the SDK with its ECS shape', async ({ fault, name, status }) => {
    ecs.inject('DescribeClusters', fault);
    expect(await failure(sdk.send(new DescribeClustersCommand({ clusters: ['prod'] })))).toMatchObject({
      name,
      status,
    });
    const again = await sdk.send(new DescribeClustersCommand({ clusters: ['prod'] }));
    expect(again.clusters).toHaveLength(1);
  });

  it('deny() answers AccessDeniedException as IAM does for a missing permission', async () => {
    ecs.deny('RegisterTaskDefinition');
    const result = await failure(
      sdk.send(new RegisterTaskDefinitionCommand(fargateDefinition('denied', 'nginx:1'))),
    );
    expect(result.name).toBe('AccessDeniedException');
    expect(result.message).toMatch(/is not authorized to perform: ecs:RegisterTaskDefinition/);
    expect(ecs.taskDefinitions('denied')).toEqual([]);
  });
});
