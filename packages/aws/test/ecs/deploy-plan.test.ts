// The whole deploy as data: which revision to register or reuse, which service call, which one-off task.
import { describe, expect, it } from '@jest/globals';
import {
  DeployPlanError,
  planDeployment,
  preflightProblems,
  readTaskDefinitionDocument,
} from '@slipway/aws/ecs';
import type { DeployObserved, DeployPlan, DeployRequest } from '@slipway/aws/ecs';
import type { RegisterTaskDefinitionRequest, Service, TaskDefinition } from '@aws-sdk/client-ecs';

const DEFINITION: RegisterTaskDefinitionRequest = {
  family: 'web',
  networkMode: 'awsvpc',
  requiresCompatibilities: ['FARGATE'],
  cpu: '256',
  memory: '512',
  containerDefinitions: [
    { name: 'app', image: 'web:1', portMappings: [{ containerPort: 8080, name: 'http' }] },
  ],
};
const FILE_TEXT = JSON.stringify(DEFINITION, null, 2);

function registered(revision: number, image = 'web:1', extra: Partial<TaskDefinition> = {}): TaskDefinition {
  return {
    ...DEFINITION,
    containerDefinitions: [
      { ...DEFINITION.containerDefinitions?.[0], image, essential: true, environment: [] },
    ],
    taskDefinitionArn: `arn:aws:ecs:eu-west-1:123456789012:task-definition/web:${revision}`,
    revision,
    status: 'ACTIVE',
    compatibilities: ['EC2', 'FARGATE'],
    ...extra,
  };
}

const SERVICE: Service = {
  serviceName: 'web',
  serviceArn: 'arn:aws:ecs:eu-west-1:123456789012:service/prod/web',
  status: 'ACTIVE',
  desiredCount: 2,
  launchType: 'FARGATE',
  taskDefinition: 'arn:aws:ecs:eu-west-1:123456789012:task-definition/web:3',
  networkConfiguration: { awsvpcConfiguration: { subnets: ['subnet-1'], securityGroups: ['sg-1'] } },
  deploymentConfiguration: { deploymentCircuitBreaker: { enable: true, rollback: true } },
  deploymentController: { type: 'ECS' },
  deployments: [{ id: 'ecs-svc/1', status: 'PRIMARY', rolloutState: 'COMPLETED' }],
  events: [{ id: 'e1', message: '(service web) has reached a steady state.' }],
};

function request(overrides: Partial<DeployRequest> = {}): DeployRequest {
  return {
    mode: 'deploy',
    region: 'eu-west-1',
    cluster: 'prod',
    service: 'web',
    source: { kind: 'file', path: 'web.json', document: readTaskDefinitionDocument(FILE_TEXT, 'web.json') },
    render: { images: {}, environment: {}, secrets: {}, environmentMode: 'merge', logStreamPrefix: 'ecs' },
    tags: [],
    settings: { circuitBreaker: true, rollback: true, forceNewDeployment: false },
    run: { beforeDeploy: false },
    codeDeploy: {},
    wait: true,
    timeoutMs: 600_000,
    pollIntervalMs: 15_000,
    ...overrides,
  };
}

function problemsOf(req: DeployRequest, observed: DeployObserved): Array<{ input: string; message: string }> {
  try {
    planDeployment(req, observed);
  } catch (error) {
    if (error instanceof DeployPlanError)
      return error.problems.map((p) => ({ input: p.input, message: p.message }));
    throw error;
  }
  throw new Error('expected a DeployPlanError');
}

describe('planDeployment: which revision', () => {
  it.each([
    {
      case: 'a file for a new family: register',
      req: request(),
      observed: { service: SERVICE },
      expected: { action: 'register', family: 'web', diff: [], comparedWith: undefined },
    },
    {
      case: 'a file identical to the latest revision: reuse it',
      req: request(),
      observed: { service: SERVICE, latest: { taskDefinition: registered(3), tags: [] } },
      expected: {
        action: 'reuse',
        arn: registered(3).taskDefinitionArn,
        reason: 'identical to the latest revision web:3',
      },
    },
    {
      case: 'a file with a new image: register, with the difference from the latest',
      req: request({ render: { ...request().render, images: { app: 'web:2' } } }),
      observed: { service: SERVICE, latest: { taskDefinition: registered(3), tags: [] } },
      expected: { action: 'register', diff: ['container app.image: web:1 → web:2'], comparedWith: 'web:3' },
    },
    {
      case: 'the same content with other tags: register',
      req: request({ tags: [{ key: 'team', value: 'b' }] }),
      observed: {
        service: SERVICE,
        latest: { taskDefinition: registered(3), tags: [{ key: 'team', value: 'a' }] },
      },
      expected: {
        action: 'register',
        request: expect.objectContaining({ tags: [{ key: 'team', value: 'b' }] }),
      },
    },
    {
      case: 'the same content with the same tags: reuse',
      req: request({ tags: [{ key: 'team', value: 'a' }] }),
      observed: {
        service: SERVICE,
        latest: { taskDefinition: registered(3), tags: [{ key: 'team', value: 'a' }] },
      },
      expected: { action: 'reuse' },
    },
    {
      case: 'a given older revision, unchanged: deploy it as it is',
      req: request({ source: { kind: 'registered', reference: 'web:2' } }),
      observed: {
        service: SERVICE,
        registered: { taskDefinition: registered(2, 'web:0'), tags: [] },
        latest: { taskDefinition: registered(3), tags: [] },
      },
      expected: {
        action: 'reuse',
        arn: registered(2).taskDefinitionArn,
        reason: 'the given revision, unchanged',
      },
    },
    {
      case: 'the live definition with a new image: register',
      req: request({
        source: { kind: 'service' },
        render: { ...request().render, imageWithoutContainer: 'web:9' },
      }),
      observed: {
        service: SERVICE,
        registered: { taskDefinition: registered(3), tags: [] },
        latest: { taskDefinition: registered(3), tags: [] },
      },
      expected: { action: 'register', diff: ['container app.image: web:1 → web:9'] },
    },
  ])('$case', ({ req, observed, expected }) => {
    expect(planDeployment(req, observed).taskDefinition).toMatchObject(expected);
  });
});

describe('planDeployment: the service and the calls', () => {
  it('an identical re-run makes no service call and registers nothing', () => {
    const plan = planDeployment(request(), {
      service: SERVICE,
      latest: { taskDefinition: registered(3), tags: [] },
    });
    expect(plan.servicePlan).toEqual({ action: 'none', changes: ['web already runs web:3 as asked'] });
    expect(plan.calls).toEqual([
      'reuse web:3 (identical to the latest revision web:3); nothing to register',
      'no service call: web already runs web:3 as asked',
    ]);
    expect(plan).toMatchObject({
      previousTaskDefinition: SERVICE.taskDefinition,
      serviceArn: SERVICE.serviceArn,
      currentRolloutState: 'COMPLETED',
      knownEventIds: ['e1'],
      consoleUrl:
        'https://eu-west-1.console.aws.amazon.com/ecs/v2/clusters/prod/services/web/deployments?region=eu-west-1',
    });
  });

  it('a new image: register, update, follow', () => {
    const plan: DeployPlan = planDeployment(
      request({ render: { ...request().render, images: { app: 'web:2' } } }),
      {
        service: SERVICE,
        latest: { taskDefinition: registered(3), tags: [] },
      },
    );
    expect(plan.calls).toEqual([
      'ecs:RegisterTaskDefinition family web (1 change from web:3)',
      'ecs:UpdateService prod/web: task definition web:3 → web:(new revision)',
      'ecs:DescribeServices until the new deployment COMPLETED or FAILED (every 2s, backing off to 15s; timeout 10m); on failure ecs:ListTasks + ecs:DescribeTasks for the stopped tasks',
    ]);
  });

  it.each([
    {
      case: '`image` without `container` for a definition with two containers',
      req: request({
        source: { kind: 'service' },
        render: { ...request().render, imageWithoutContainer: 'x:1' },
      }),
      observed: {
        service: SERVICE,
        registered: {
          taskDefinition: {
            ...registered(3),
            containerDefinitions: [
              { name: 'app', image: 'a' },
              { name: 'log', image: 'b' },
            ],
          },
          tags: [],
        },
      },
      problems: [
        {
          input: 'image',
          message:
            'the task definition has 2 containers ("app", "log"): name the one to update with `container`',
        },
      ],
    },
    {
      case: 'a Service Connect port name the definition lacks',
      req: request({
        settings: {
          ...request().settings,
          serviceConnect: { enabled: true, namespace: 'ns', services: [{ portName: 'grpc' }] },
        },
      }),
      observed: { service: SERVICE },
      problems: [
        {
          input: 'service-connect',
          message: 'port name "grpc" is not a port mapping name of the task definition ("http")',
        },
      ],
    },
    {
      case: 'a load balancer for a container the definition lacks',
      req: request({
        settings: {
          ...request().settings,
          loadBalancers: [{ targetGroupArn: 'tg', containerName: 'web', containerPort: 80 }],
        },
      }),
      observed: { service: SERVICE },
      problems: [{ input: 'load-balancers', message: 'container "web" is not in the task definition' }],
    },
  ])('refuses $case', ({ req, observed, problems }) => {
    expect(problemsOf(req, observed)).toEqual(problems);
  });

  it('preflight finds file problems without any observation, and nothing for other sources', () => {
    const bad = request({ render: { ...request().render, images: { worker: 'w:1' } } });
    expect(preflightProblems(bad)).toEqual([
      { input: 'containers', message: 'the task definition has no container "worker" (it has "app")' },
    ]);
    expect(preflightProblems({ ...bad, source: { kind: 'service' } })).toEqual([]);
  });
});

describe('planDeployment: one-off tasks', () => {
  it.each([
    {
      case: 'placement and network from the service',
      req: request({ mode: 'run-task', run: { command: ['migrate'], beforeDeploy: false } }),
      observed: {
        service: {
          ...SERVICE,
          launchType: undefined,
          capacityProviderStrategy: [{ capacityProvider: 'FARGATE_SPOT', weight: 1 }],
        },
      },
      expected: {
        cluster: 'prod',
        count: 1,
        startedBy: 'slipway/deploy-ecs',
        capacityProviderStrategy: [{ capacityProvider: 'FARGATE_SPOT', weight: 1 }],
        networkConfiguration: { awsvpcConfiguration: { subnets: ['subnet-1'], securityGroups: ['sg-1'] } },
        overrides: { containerOverrides: [{ name: 'app', command: ['migrate'] }] },
      },
    },
    {
      case: 'Fargate from the definition, subnets from the inputs, overrides merged',
      req: request({
        mode: 'run-task',
        service: undefined,
        settings: { ...request().settings, subnets: ['subnet-9'], assignPublicIp: true },
        run: {
          command: ['sh', '-c', 'exit 3'],
          overrides: {
            cpu: '512',
            memory: '1024',
            containerOverrides: [{ name: 'app', environment: [{ name: 'X', value: '1' }] }],
          },
          beforeDeploy: false,
        },
        tags: [{ key: 'job', value: 'reindex' }],
      }),
      observed: { service: undefined },
      expected: {
        launchType: 'FARGATE',
        networkConfiguration: { awsvpcConfiguration: { subnets: ['subnet-9'], assignPublicIp: 'ENABLED' } },
        overrides: {
          cpu: '512',
          memory: '1024',
          containerOverrides: [
            { name: 'app', environment: [{ name: 'X', value: '1' }], command: ['sh', '-c', 'exit 3'] },
          ],
        },
        tags: [{ key: 'job', value: 'reindex' }],
      },
    },
  ])('$case', ({ req, observed, expected }) => {
    const plan = planDeployment(req, observed);
    expect(plan.oneOff?.request).toMatchObject(expected);
    expect(plan.oneOff?.container).toBe('app');
    expect(plan.servicePlan).toBeUndefined();
  });

  it.each([
    {
      case: 'no subnets anywhere for an awsvpc task',
      req: request({ mode: 'run-task', service: undefined, run: { command: ['x'], beforeDeploy: false } }),
      problems: [
        {
          input: 'subnets',
          message: 'is required for a one-off task of an awsvpc task definition (no service supplies them)',
        },
      ],
    },
    {
      case: 'an override for a container the definition lacks',
      req: request({
        mode: 'run-task',
        settings: { ...request().settings, subnets: ['subnet-1'] },
        run: { overrides: { containerOverrides: [{ name: 'worker', command: ['x'] }] }, beforeDeploy: false },
      }),
      problems: [
        {
          input: 'task-overrides',
          message: 'overrides container "worker", which the task definition does not have (it has "app")',
        },
      ],
    },
  ])('refuses $case', ({ req, problems }) => {
    expect(problemsOf(req, { service: undefined })).toEqual(problems);
  });
});

describe('planDeployment: CODE_DEPLOY services', () => {
  const codeDeployService: Service = {
    ...SERVICE,
    deploymentController: { type: 'CODE_DEPLOY' },
    loadBalancers: [{ targetGroupArn: 'tg', containerName: 'app', containerPort: 8080 }],
    platformVersion: '1.4.0',
  };

  it('plans a CodeDeploy deployment with the console’s default names', () => {
    const plan = planDeployment(
      request({
        render: { ...request().render, images: { app: 'web:2' } },
        settings: { ...request().settings, desiredCount: 3 },
      }),
      {
        service: codeDeployService,
      },
    );
    expect(plan.servicePlan).toBeUndefined();
    expect(plan.codeDeploy).toEqual({
      application: 'AppECS-prod-web',
      deploymentGroup: 'DgpECS-prod-web',
      deploymentConfig: undefined,
      containerName: 'app',
      containerPort: 8080,
      networkConfiguration: SERVICE.networkConfiguration,
      capacityProviderStrategy: undefined,
      platformVersion: '1.4.0',
      desiredCount: 3,
    });
    expect(plan.calls).toContain(
      'codedeploy:CreateDeployment AppECS-prod-web/DgpECS-prod-web with an AppSpec for web:(new revision)',
    );
  });

  it('refuses what CodeDeploy does not drive, and a service without a load balancer', () => {
    expect(
      problemsOf(request({ settings: { ...request().settings, enableExecuteCommand: true } }), {
        service: { ...codeDeployService, loadBalancers: [] },
      }),
    ).toEqual([
      {
        input: 'service',
        message:
          'web uses the CODE_DEPLOY controller but has no load balancer with a container name and port for the AppSpec',
      },
    ]);
    expect(
      problemsOf(request({ settings: { ...request().settings, enableExecuteCommand: true } }), {
        service: codeDeployService,
      }),
    ).toEqual([
      {
        input: 'enable-execute-command',
        message:
          'cannot be changed on web: it uses the CODE_DEPLOY controller, whose deployments CodeDeploy drives',
      },
    ]);
  });
});
