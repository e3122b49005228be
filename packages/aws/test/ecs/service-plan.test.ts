// Planning the service call: create with sensible defaults, update with only what differs, refuse what ECS
// cannot do in place.
import { describe, expect, it } from '@jest/globals';
import { desiredDeploymentConfiguration, planService } from '@slipway/aws/ecs';
import type { ServiceSettings, TaskDefinitionFacts } from '@slipway/aws/ecs';
import type { Service } from '@aws-sdk/client-ecs';

const SETTINGS: ServiceSettings = {
  cluster: 'prod',
  service: 'web',
  circuitBreaker: true,
  rollback: true,
  forceNewDeployment: false,
  tags: [],
};
const NEW_REVISION: TaskDefinitionFacts = {
  changes: true,
  label: 'web:(new revision)',
  networkMode: 'awsvpc',
  requiresFargate: true,
};
const SAME_REVISION: TaskDefinitionFacts = { ...NEW_REVISION, changes: false, label: 'web:3' };

const RUNNING: Service = {
  serviceName: 'web',
  serviceArn: 'arn:aws:ecs:eu-west-1:123456789012:service/prod/web',
  status: 'ACTIVE',
  desiredCount: 2,
  launchType: 'FARGATE',
  taskDefinition: 'arn:aws:ecs:eu-west-1:123456789012:task-definition/web:3',
  enableExecuteCommand: false,
  networkConfiguration: {
    awsvpcConfiguration: { subnets: ['subnet-1'], securityGroups: ['sg-1'], assignPublicIp: 'DISABLED' },
  },
  deploymentConfiguration: {
    maximumPercent: 200,
    minimumHealthyPercent: 100,
    deploymentCircuitBreaker: { enable: true, rollback: true },
  },
  deploymentController: { type: 'ECS' },
  deployments: [{ id: 'ecs-svc/1', status: 'PRIMARY', rolloutState: 'COMPLETED' }],
};

describe('planService: create', () => {
  it('creates a missing service on Fargate with the circuit breaker and rollback on', () => {
    const { plan, problems } = planService(
      { ...SETTINGS, subnets: ['subnet-1'], tags: [{ key: 'team', value: 'x' }] },
      undefined,
      NEW_REVISION,
    );
    expect(problems).toEqual([]);
    expect(plan).toEqual({
      action: 'create',
      request: {
        cluster: 'prod',
        serviceName: 'web',
        taskDefinition: undefined,
        desiredCount: 1,
        launchType: 'FARGATE',
        networkConfiguration: { awsvpcConfiguration: { subnets: ['subnet-1'] } },
        enableExecuteCommand: false,
        deploymentConfiguration: { deploymentCircuitBreaker: { enable: true, rollback: true } },
        deploymentController: { type: 'ECS' },
        tags: [{ key: 'team', value: 'x' }],
        propagateTags: 'SERVICE',
      },
      changes: [
        'create service web in cluster prod with web:(new revision)',
        'desired count 1',
        'placement FARGATE',
        'network: subnets subnet-1; security groups (default); public IP DISABLED',
        'deployment: circuit breaker on with rollback; strategy ROLLING',
      ],
    });
  });

  it.each([
    {
      case: 'awsvpc without subnets',
      settings: SETTINGS,
      problems: [
        {
          input: 'subnets',
          message: 'is required to create web: its task definition uses the awsvpc network mode',
        },
      ],
    },
    {
      case: 'BLUE_GREEN without a bake time',
      settings: { ...SETTINGS, subnets: ['subnet-1'], strategy: 'BLUE_GREEN' as const },
      problems: [
        {
          input: 'bake-time',
          message: 'is required to create a service with the BLUE_GREEN strategy (ECS needs a bake time)',
        },
      ],
    },
    {
      case: 'a traffic shift for the rolling strategy',
      settings: { ...SETTINGS, subnets: ['subnet-1'], trafficShiftPercent: 10 },
      problems: [
        {
          input: 'traffic-shift-percent',
          message:
            "applies to the LINEAR and CANARY strategies; the service's deployment strategy is ROLLING",
        },
      ],
    },
    {
      case: 'a LINEAR step below 3%',
      settings: { ...SETTINGS, subnets: ['subnet-1'], strategy: 'LINEAR' as const, trafficShiftPercent: 1 },
      problems: [{ input: 'traffic-shift-percent', message: 'must be from 3 to 100 for LINEAR, got 1' }],
    },
  ])('refuses to create with $case', ({ settings, problems }) => {
    const result = planService(settings, undefined, NEW_REVISION);
    expect(result.problems).toEqual(problems);
    expect(result.plan).toBeUndefined();
  });

  it('creates again over an INACTIVE service of the same name', () => {
    expect(
      planService({ ...SETTINGS, subnets: ['subnet-1'] }, { ...RUNNING, status: 'INACTIVE' }, NEW_REVISION)
        .plan?.action,
    ).toBe('create');
  });
});

describe('planService: update', () => {
  it.each([
    {
      case: 'a new revision only',
      settings: SETTINGS,
      td: NEW_REVISION,
      request: { cluster: 'prod', service: 'web' },
      newDeployment: true,
      changes: ['task definition web:3 → web:(new revision)'],
    },
    {
      case: 'a desired count only (no new deployment)',
      settings: { ...SETTINGS, desiredCount: 4 },
      td: SAME_REVISION,
      request: { cluster: 'prod', service: 'web', desiredCount: 4 },
      newDeployment: false,
      changes: ['desired count 2 → 4'],
    },
    {
      case: 'Fargate Spot weights (forcing a new deployment)',
      settings: {
        ...SETTINGS,
        capacityProviderStrategy: [
          { capacityProvider: 'FARGATE_SPOT', weight: 3 },
          { capacityProvider: 'FARGATE', weight: 1, base: 1 },
        ],
      },
      td: SAME_REVISION,
      request: {
        cluster: 'prod',
        service: 'web',
        capacityProviderStrategy: [
          { capacityProvider: 'FARGATE_SPOT', weight: 3 },
          { capacityProvider: 'FARGATE', weight: 1, base: 1 },
        ],
        forceNewDeployment: true,
      },
      newDeployment: true,
      changes: ['placement FARGATE → FARGATE_SPOT:3,FARGATE:1:base=1 (a new deployment moves the tasks)'],
    },
    {
      case: 'ECS Exec on (forcing a new deployment)',
      settings: { ...SETTINGS, enableExecuteCommand: true },
      td: SAME_REVISION,
      request: { cluster: 'prod', service: 'web', enableExecuteCommand: true, forceNewDeployment: true },
      newDeployment: true,
      changes: ['ECS Exec on (a new deployment applies it to every task)'],
    },
    {
      case: 'security groups (subnets kept)',
      settings: { ...SETTINGS, securityGroups: ['sg-2'] },
      td: SAME_REVISION,
      request: {
        cluster: 'prod',
        service: 'web',
        networkConfiguration: {
          awsvpcConfiguration: {
            subnets: ['subnet-1'],
            securityGroups: ['sg-2'],
            assignPublicIp: 'DISABLED',
          },
        },
      },
      newDeployment: true,
      changes: ['network: subnets subnet-1; security groups sg-2; public IP DISABLED'],
    },
    {
      case: 'the CANARY strategy with alarms',
      settings: {
        ...SETTINGS,
        strategy: 'CANARY' as const,
        trafficShiftPercent: 10,
        trafficShiftIntervalMinutes: 5,
        bakeTimeInMinutes: 15,
        alarms: ['web-5xx'],
      },
      td: SAME_REVISION,
      request: {
        cluster: 'prod',
        service: 'web',
        deploymentConfiguration: {
          maximumPercent: 200,
          minimumHealthyPercent: 100,
          deploymentCircuitBreaker: { enable: true, rollback: true },
          strategy: 'CANARY',
          bakeTimeInMinutes: 15,
          canaryConfiguration: { canaryPercent: 10, canaryBakeTimeInMinutes: 5 },
          alarms: { alarmNames: ['web-5xx'], enable: true, rollback: true },
        },
      },
      newDeployment: false,
      changes: [
        'deployment: circuit breaker on with rollback; strategy CANARY 10% for 5 min, bake 15 min; alarms web-5xx',
      ],
    },
    {
      case: 'Service Connect against the PRIMARY deployment’s configuration',
      settings: {
        ...SETTINGS,
        serviceConnect: {
          enabled: true,
          namespace: 'ns',
          services: [
            { portName: 'http', discoveryName: 'web', clientAliases: [{ port: 80, dnsName: 'web.local' }] },
          ],
        },
      },
      td: SAME_REVISION,
      request: {
        cluster: 'prod',
        service: 'web',
        serviceConnectConfiguration: {
          enabled: true,
          namespace: 'ns',
          services: [
            { portName: 'http', discoveryName: 'web', clientAliases: [{ port: 80, dnsName: 'web.local' }] },
          ],
        },
      },
      newDeployment: true,
      changes: ['Service Connect: namespace ns; http as web (web.local:80)'],
    },
  ])('updates $case', ({ settings, td, request, newDeployment, changes }) => {
    const { plan, problems } = planService(settings, RUNNING, td);
    expect(problems).toEqual([]);
    expect(plan).toEqual({ action: 'update', request, newDeployment, changes });
  });

  it('does nothing when the service already runs the revision as asked', () => {
    const { plan } = planService(
      { ...SETTINGS, desiredCount: 2, subnets: ['subnet-1'] },
      RUNNING,
      SAME_REVISION,
    );
    expect(plan).toEqual({ action: 'none', changes: ['web already runs web:3 as asked'] });
  });

  it('turning the circuit breaker off is an update of the deployment configuration only', () => {
    const { plan } = planService({ ...SETTINGS, circuitBreaker: false }, RUNNING, SAME_REVISION);
    expect(plan).toMatchObject({
      action: 'update',
      newDeployment: false,
      request: { deploymentConfiguration: { deploymentCircuitBreaker: { enable: false, rollback: false } } },
    });
  });

  it.each([
    {
      case: 'a different launch type',
      settings: { ...SETTINGS, launchType: 'EC2' as const },
      service: RUNNING,
      problem: {
        input: 'launch-type',
        message:
          "web runs on FARGATE; ECS cannot change a service's launch type in place (use `capacity-provider-strategy`, or create a new service)",
      },
    },
    {
      case: 'a DRAINING service',
      settings: SETTINGS,
      service: { ...RUNNING, status: 'DRAINING' },
      problem: {
        input: 'service',
        message: 'web is DRAINING (being deleted); wait until it is gone, then deploy again',
      },
    },
    {
      case: 'a service on another deployment controller',
      settings: SETTINGS,
      service: { ...RUNNING, deploymentController: { type: 'EXTERNAL' as const } },
      problem: {
        input: 'service',
        message: 'web uses the EXTERNAL deployment controller, which this update path does not drive',
      },
    },
  ])('refuses $case', ({ settings, service, problem }) => {
    const { plan, problems } = planService(settings, service, NEW_REVISION);
    expect(problems).toContainEqual(problem);
    expect(plan).toBeUndefined();
  });
});

describe('desiredDeploymentConfiguration', () => {
  it('drops the settings of the previous strategy when the strategy changes', () => {
    const config = desiredDeploymentConfiguration(
      { ...SETTINGS, strategy: 'ROLLING' },
      {
        strategy: 'LINEAR',
        linearConfiguration: { stepPercent: 10 },
        bakeTimeInMinutes: 5,
        deploymentCircuitBreaker: { enable: false, rollback: false, resetOnHealthyTask: false },
      },
    );
    expect(config).toEqual({
      strategy: 'ROLLING',
      bakeTimeInMinutes: 5,
      deploymentCircuitBreaker: { enable: true, rollback: true, resetOnHealthyTask: false },
    });
  });

  it('turns alarms off with an empty list', () => {
    expect(
      desiredDeploymentConfiguration(
        { ...SETTINGS, alarms: [] },
        { alarms: { alarmNames: ['a'], enable: true, rollback: true } },
      ).alarms,
    ).toEqual({
      alarmNames: [],
      enable: false,
      rollback: false,
    });
  });
});
