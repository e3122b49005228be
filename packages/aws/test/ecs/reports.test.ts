// What failure reports are made of: console and log links, stopped tasks in a line, the CodeDeploy AppSpec.
import { describe, expect, it } from '@jest/globals';
import {
  appSpecSha256,
  buildAppSpec,
  containerLogUrl,
  describeContainer,
  serviceConsoleUrl,
  summariseStoppedTasks,
  taskConsoleUrl,
  toStoppedTask,
} from '@slipway/aws/ecs';
import type { StoppedTask } from '@slipway/aws/ecs';
import type { LogConfiguration } from '@aws-sdk/client-ecs';

const TASK = 'arn:aws:ecs:eu-west-1:123456789012:task/prod/0123456789abcdef0123456789abcdef';

describe('links', () => {
  it.each([
    [
      'eu-west-1',
      'prod',
      'web',
      'https://eu-west-1.console.aws.amazon.com/ecs/v2/clusters/prod/services/web/deployments?region=eu-west-1',
    ],
    [
      'us-east-1',
      'arn:aws:ecs:us-east-1:123456789012:cluster/main',
      'arn:aws:ecs:us-east-1:123456789012:service/main/api',
      'https://us-east-1.console.aws.amazon.com/ecs/v2/clusters/main/services/api/deployments?region=us-east-1',
    ],
    [
      'cn-north-1',
      'prod',
      'web',
      'https://cn-north-1.console.amazonaws.cn/ecs/v2/clusters/prod/services/web/deployments?region=cn-north-1',
    ],
  ])('service console link in %s for %s/%s', (region, cluster, service, url) => {
    expect(serviceConsoleUrl(region, cluster, service)).toBe(url);
  });

  it('task console link from an ARN', () => {
    expect(taskConsoleUrl('eu-west-1', 'prod', TASK)).toBe(
      'https://eu-west-1.console.aws.amazon.com/ecs/v2/clusters/prod/tasks/0123456789abcdef0123456789abcdef/configuration?region=eu-west-1',
    );
  });

  it.each([
    {
      case: 'awslogs with a stream prefix: the stream',
      log: {
        logDriver: 'awslogs' as const,
        options: { 'awslogs-group': '/ecs/web', 'awslogs-stream-prefix': 'web' },
      },
      url: 'https://eu-west-1.console.aws.amazon.com/cloudwatch/home?region=eu-west-1#logsV2:log-groups/log-group/$252Fecs$252Fweb/log-events/web$252Fapp$252F0123456789abcdef0123456789abcdef',
    },
    {
      case: 'awslogs in another region without a prefix: the group',
      log: {
        logDriver: 'awslogs' as const,
        options: { 'awslogs-group': 'web', 'awslogs-region': 'us-west-2' },
      },
      url: 'https://us-west-2.console.aws.amazon.com/cloudwatch/home?region=us-west-2#logsV2:log-groups/log-group/web',
    },
    { case: 'FireLens: none', log: { logDriver: 'awsfirelens' as const, options: {} }, url: undefined },
    { case: 'no logging: none', log: undefined, url: undefined },
  ])('container log link with $case', ({ log, url }) => {
    expect(
      containerLogUrl(
        'eu-west-1',
        { name: 'app', ...(log === undefined ? {} : { logConfiguration: log as LogConfiguration }) },
        TASK,
      ),
    ).toBe(url);
  });
});

describe('stopped tasks', () => {
  const pullError = 'CannotPullContainerError: pull image manifest has been retried 7 time(s): not found';
  const stopped = (id: string, reason: string, containers: StoppedTask['containers']): StoppedTask => ({
    taskArn: `arn:aws:ecs:eu-west-1:123456789012:task/prod/${id}`,
    taskId: id,
    stoppedReason: reason,
    containers,
    consoleUrl: '',
  });

  it('groups tasks that stopped for the same reason, with each container’s exit code and reason', () => {
    const line = summariseStoppedTasks([
      stopped('aaaaaaaaaaaa1111', pullError, [{ name: 'app', reason: pullError }]),
      stopped('bbbbbbbbbbbb2222', pullError, [{ name: 'app', reason: pullError }]),
      stopped('cccccccccccc3333', 'Essential container in task exited', [
        { name: 'app', exitCode: 137, reason: 'OutOfMemoryError: Container killed due to memory usage' },
        { name: 'sidecar', exitCode: 0 },
      ]),
    ]);
    expect(line).toBe(
      `tasks aaaaaaaaaaaa, bbbbbbbbbbbb stopped: ${pullError} (containers: app exit none); ` +
        'task cccccccccccc stopped: Essential container in task exited (containers: app exit 137, OutOfMemoryError: Container killed due to memory usage; sidecar exit 0)',
    );
  });

  it('describes a container that never ran', () => {
    expect(describeContainer({ name: 'app' })).toBe('app exit none');
  });

  it('turns a described task into a report with log links per container', () => {
    const report = toStoppedTask(
      {
        taskArn: TASK,
        stoppedReason: 'Essential container in task exited',
        stopCode: 'EssentialContainerExited',
        containers: [{ name: 'app', exitCode: 3 }],
      },
      'eu-west-1',
      'prod',
      [
        {
          name: 'app',
          logConfiguration: {
            logDriver: 'awslogs',
            options: { 'awslogs-group': 'g', 'awslogs-stream-prefix': 'p' },
          },
        },
      ],
    );
    expect(report).toEqual({
      taskArn: TASK,
      taskId: '0123456789abcdef0123456789abcdef',
      stoppedReason: 'Essential container in task exited',
      stopCode: 'EssentialContainerExited',
      containers: [
        {
          name: 'app',
          exitCode: 3,
          logUrl:
            'https://eu-west-1.console.aws.amazon.com/cloudwatch/home?region=eu-west-1#logsV2:log-groups/log-group/g/log-events/p$252Fapp$252F0123456789abcdef0123456789abcdef',
        },
      ],
      consoleUrl: taskConsoleUrl('eu-west-1', 'prod', TASK),
    });
  });
});

describe('AppSpec', () => {
  it('names the revision, the load balancer container and the network, with version 0.0', () => {
    const text = buildAppSpec({
      taskDefinitionArn: 'arn:aws:ecs:eu-west-1:123456789012:task-definition/web:9',
      containerName: 'app',
      containerPort: 8080,
      platformVersion: '1.4.0',
      networkConfiguration: { awsvpcConfiguration: { subnets: ['subnet-1'], assignPublicIp: 'DISABLED' } },
      capacityProviderStrategy: [{ capacityProvider: 'FARGATE_SPOT', weight: 3 }],
    });
    expect(text).toContain('"version": 0.0,');
    expect(JSON.parse(text)).toEqual({
      version: 0,
      Resources: [
        {
          TargetService: {
            Type: 'AWS::ECS::Service',
            Properties: {
              TaskDefinition: 'arn:aws:ecs:eu-west-1:123456789012:task-definition/web:9',
              LoadBalancerInfo: { ContainerName: 'app', ContainerPort: 8080 },
              PlatformVersion: '1.4.0',
              NetworkConfiguration: {
                AwsvpcConfiguration: { Subnets: ['subnet-1'], AssignPublicIp: 'DISABLED' },
              },
              CapacityProviderStrategy: [{ CapacityProvider: 'FARGATE_SPOT', Weight: 3, Base: 0 }],
            },
          },
        },
      ],
    });
    expect(appSpecSha256(text)).toMatch(/^[0-9a-f]{64}$/);
  });
});
