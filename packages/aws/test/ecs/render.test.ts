// Rendering a task definition from a base and the workflow's changes, with problems that name the input.
import { describe, expect, it } from '@jest/globals';
import { fargateProblems, renderTaskDefinition, targetContainer } from '@slipway/aws/ecs';
import type { BaseOrigin, RenderChanges } from '@slipway/aws/ecs';
import type { RegisterTaskDefinitionRequest } from '@aws-sdk/client-ecs';

const TWO_CONTAINERS: RegisterTaskDefinitionRequest = {
  family: 'orders',
  networkMode: 'awsvpc',
  requiresCompatibilities: ['FARGATE'],
  cpu: '1024',
  memory: '2048',
  containerDefinitions: [
    {
      name: 'api',
      image: 'api:1',
      environment: [
        { name: 'MODE', value: 'prod' },
        { name: 'KEEP', value: 'yes' },
      ],
      secrets: [{ name: 'DB', valueFrom: 'arn:aws:ssm:eu-west-1:123456789012:parameter/db' }],
    },
    { name: 'sidecar', image: 'otel:1', essential: false },
  ],
};
const ONE_CONTAINER: RegisterTaskDefinitionRequest = {
  ...TWO_CONTAINERS,
  containerDefinitions: [TWO_CONTAINERS.containerDefinitions?.[0] ?? {}],
};
const FILE: BaseOrigin = {
  kind: 'file',
  path: 'ecs/orders.json',
  lineOf: (path) => ({ '': 1, cpu: 5, memory: 6, networkMode: 3, 'containerDefinitions.1': 14 })[path],
};
const REGISTERED: BaseOrigin = { kind: 'registered', reference: 'orders:7' };

function changes(overrides: Partial<RenderChanges> = {}): RenderChanges {
  return { images: {}, environment: {}, secrets: {}, environmentMode: 'merge', ...overrides };
}

describe('renderTaskDefinition', () => {
  it.each([
    {
      case: 'images per container',
      base: TWO_CONTAINERS,
      change: changes({ images: { api: 'api:2', sidecar: 'otel:2' } }),
      check: (d: RegisterTaskDefinitionRequest) => d.containerDefinitions?.map((c) => c.image),
      expected: ['api:2', 'otel:2'],
    },
    {
      case: 'merged environment: new values win, others stay',
      base: ONE_CONTAINER,
      change: changes({ environment: { MODE: 'staging', NEW: '1' } }),
      check: (d: RegisterTaskDefinitionRequest) => d.containerDefinitions?.[0]?.environment,
      expected: [
        { name: 'KEEP', value: 'yes' },
        { name: 'MODE', value: 'staging' },
        { name: 'NEW', value: '1' },
      ],
    },
    {
      case: 'replaced environment and secrets',
      base: ONE_CONTAINER,
      change: changes({ environment: { ONLY: 'this' }, environmentMode: 'replace' }),
      check: (d: RegisterTaskDefinitionRequest) => [
        d.containerDefinitions?.[0]?.environment,
        d.containerDefinitions?.[0]?.secrets,
      ],
      expected: [[{ name: 'ONLY', value: 'this' }], []],
    },
    {
      case: 'secrets merged by name',
      base: ONE_CONTAINER,
      change: changes({ secrets: { API_KEY: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:key' } }),
      check: (d: RegisterTaskDefinitionRequest) => d.containerDefinitions?.[0]?.secrets?.map((s) => s.name),
      expected: ['DB', 'API_KEY'],
    },
    {
      case: 'sizes in words, converted',
      base: ONE_CONTAINER,
      change: changes({ cpu: '2 vCPU', memory: '4 GB' }),
      check: (d: RegisterTaskDefinitionRequest) => [d.cpu, d.memory],
      expected: ['2048', '4096'],
    },
    {
      case: 'an awslogs configuration for the target container',
      base: TWO_CONTAINERS,
      change: changes({
        container: 'sidecar',
        log: { group: '/ecs/orders', region: 'eu-west-1', streamPrefix: 'orders' },
      }),
      check: (d: RegisterTaskDefinitionRequest) => [
        d.containerDefinitions?.[0]?.logConfiguration,
        d.containerDefinitions?.[1]?.logConfiguration,
      ],
      expected: [
        undefined,
        {
          logDriver: 'awslogs',
          options: {
            'awslogs-group': '/ecs/orders',
            'awslogs-region': 'eu-west-1',
            'awslogs-stream-prefix': 'orders',
          },
        },
      ],
    },
    {
      case: 'roles',
      base: ONE_CONTAINER,
      change: changes({
        taskRoleArn: 'arn:aws:iam::123456789012:role/task',
        executionRoleArn: 'arn:aws:iam::123456789012:role/exec',
      }),
      check: (d: RegisterTaskDefinitionRequest) => [d.taskRoleArn, d.executionRoleArn],
      expected: ['arn:aws:iam::123456789012:role/task', 'arn:aws:iam::123456789012:role/exec'],
    },
  ])('applies $case', ({ base, change, check, expected }) => {
    const result = renderTaskDefinition(base, change, REGISTERED);
    expect(result.problems).toEqual([]);
    expect(check(result.definition)).toEqual(expected);
    // The base is never modified.
    expect(base.containerDefinitions?.[0]?.image).toBe('api:1');
  });

  it.each([
    {
      case: 'an unknown container in `containers`',
      base: TWO_CONTAINERS,
      change: changes({ images: { worker: 'w:1' } }),
      problems: [
        {
          input: 'containers',
          message: 'the task definition has no container "worker" (it has "api", "sidecar")',
        },
      ],
    },
    {
      case: 'an unknown container in `image` + `container`',
      base: TWO_CONTAINERS,
      change: changes({ images: { worker: 'w:1' }, imageInputs: { worker: 'image' }, container: 'worker' }),
      problems: [
        {
          input: 'image',
          message: 'the task definition has no container "worker" (it has "api", "sidecar")',
        },
        {
          input: 'container',
          message: 'the task definition has no container "worker" (it has "api", "sidecar")',
        },
      ],
    },
    {
      case: 'environment for one of several containers, unnamed',
      base: TWO_CONTAINERS,
      change: changes({ environment: { A: '1' } }),
      problems: [
        {
          input: 'environment',
          message:
            'the task definition has 2 containers ("api", "sidecar"): name the one to change with `container`',
        },
      ],
    },
    {
      case: 'a variable that is also a secret',
      base: ONE_CONTAINER,
      change: changes({ environment: { DB: 'plain' } }),
      problems: [
        {
          input: 'environment',
          message: 'DB is both an environment variable and a secret of container "api"',
        },
      ],
    },
    {
      case: 'an unreadable size',
      base: ONE_CONTAINER,
      change: changes({ memory: 'huge' }),
      problems: [{ input: 'memory', message: '"huge" is neither MiB (2048) nor GB (2 GB)' }],
    },
    {
      case: 'a container without an image in the file',
      base: {
        ...TWO_CONTAINERS,
        containerDefinitions: [TWO_CONTAINERS.containerDefinitions?.[0] ?? {}, { name: 'sidecar' }],
      },
      change: changes(),
      origin: FILE,
      problems: [
        {
          input: 'task-definition',
          message:
            'ecs/orders.json line 14: container "sidecar" has no image (set one with `containers: sidecar=IMAGE`)',
          line: 14,
        },
      ],
    },
  ])('reports $case', ({ base, change, problems, origin }) => {
    expect(renderTaskDefinition(base, change, origin ?? REGISTERED).problems).toEqual(problems);
  });

  it('picks the only imaged container as the target when the definition has several', () => {
    expect(targetContainer(['api', 'sidecar'], { images: { sidecar: 'x' } })).toEqual({ name: 'sidecar' });
    expect(targetContainer(['api'], { images: {} })).toEqual({ name: 'api' });
  });
});

describe('fargateProblems', () => {
  it.each([
    {
      case: 'a valid size',
      definition: ONE_CONTAINER,
      fargate: true,
      origin: FILE,
      inputs: {},
      problems: [],
    },
    {
      case: 'an EC2-only definition not aimed at Fargate',
      definition: { ...ONE_CONTAINER, requiresCompatibilities: ['EC2' as const], memory: '3000' },
      fargate: false,
      origin: FILE,
      inputs: {},
      problems: [],
    },
    {
      case: 'a bad pair in the file',
      definition: { ...ONE_CONTAINER, memory: '1024' },
      fargate: false,
      origin: FILE,
      inputs: {},
      problems: [
        {
          input: 'task-definition',
          line: 6,
          message:
            'ecs/orders.json line 6: Fargate has no 1024 CPU / 1024 MiB size: with 1024 CPU units use 2048 to 8192 MiB in steps of 1024',
        },
      ],
    },
    {
      case: 'a bad pair from the inputs',
      definition: { ...ONE_CONTAINER, cpu: '256', memory: '4096' },
      fargate: true,
      origin: FILE,
      inputs: { memory: '4 GB' },
      problems: [
        {
          input: 'memory',
          message: 'Fargate has no 256 CPU / 4096 MiB size: with 256 CPU units use 512, 1024, 2048 MiB',
        },
      ],
    },
    {
      case: 'a bad pair in the live definition',
      definition: { ...ONE_CONTAINER, cpu: '512', memory: '512' },
      fargate: true,
      origin: REGISTERED,
      inputs: {},
      problems: [
        {
          input: 'task-definition',
          message:
            'task definition orders:7: Fargate has no 512 CPU / 512 MiB size: with 512 CPU units use 1024 to 4096 MiB in steps of 1024',
        },
      ],
    },
    {
      case: 'bridge networking and no size on Fargate',
      definition: {
        family: 'x',
        networkMode: 'bridge' as const,
        containerDefinitions: [{ name: 'a', image: 'b' }],
      },
      fargate: true,
      origin: REGISTERED,
      inputs: {},
      problems: [
        {
          input: 'task-definition',
          message:
            'task definition orders:7: Fargate needs "networkMode": "awsvpc" (the definition has "bridge")',
        },
        {
          input: 'task-definition',
          message:
            'task definition orders:7: Fargate needs a task-level cpu (set it in the definition or with the `cpu` input)',
        },
      ],
    },
  ])('$case', ({ definition, fargate, origin, inputs, problems }) => {
    expect(fargateProblems(definition, fargate, origin, inputs)).toEqual(problems);
  });
});
