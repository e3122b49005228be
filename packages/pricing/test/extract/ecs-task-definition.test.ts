import { extractWorkloads } from '../../src/extract/index.js';
import { extractText, fixture, only } from './helpers.js';

// A task definition as JSON, one field a line: `fields` come first (from line 2), containers last.
function taskDef(
  fields: Record<string, unknown>,
  containers: object[] = [{ name: 'app', image: 'app' }],
): string {
  const lines = Object.entries({ family: 'svc', ...fields }).map(
    ([k, v]) => `  ${JSON.stringify(k)}: ${JSON.stringify(v)},`,
  );
  return `{\n${lines.join('\n')}\n  "containerDefinitions": ${JSON.stringify(containers)}\n}\n`;
}
const fargate = { requiresCompatibilities: ['FARGATE'], networkMode: 'awsvpc' };

describe('ECS task definitions', () => {
  it('reads describe-task-definition output (describe-task-definition.json)', () => {
    const w = only(extractWorkloads([fixture('describe-task-definition.json')]));
    expect(w).toMatchObject({
      source: { file: 'fixtures/describe-task-definition.json', line: 2 }, // the object under "taskDefinition"
      origin: 'ecs',
      kind: 'TaskDefinition',
      name: 'api',
      namespace: null,
      replicas: { min: 1, max: 1 },
      // "0.5 vCPU" and "3GB" = 3 × 1024 MiB: a Fargate size (0.5 vCPU allows 1–4 GB).
      perReplica: { vcpu: 0.5, memoryMiB: 3072 },
      ecs: {
        taskCpu: 0.5,
        taskMemoryMiB: 3072,
        launchType: 'FARGATE', // EC2 and FARGATE listed: FARGATE wins
        networkMode: 'awsvpc',
        cpuArchitecture: 'ARM64',
        operatingSystemFamily: 'LINUX',
        ephemeralGiB: 50,
      },
      warnings: [],
    });
    // api: 384 / 1024 = 0.375 vCPU, reservation 2048 MiB under a 2560 MiB hard limit; otel: 128 / 1024 = 0.125.
    expect(w.containers.map((c) => [c.name, c.cpu, c.memoryMiB, c.limits.memoryMiB])).toEqual([
      ['api', 0.375, 2048, 2560],
      ['otel', 0.125, 256, null],
    ]);
  });

  it.each<[string, Record<string, unknown>, object[], { vcpu: number; memoryMiB: number }, string, string[]]>(
    [
      // Two containers: 256 + 512 units = 0.75 vCPU; 512 (hard) + 256 (reservation only) = 768 MiB.
      [
        'EC2 without a task size: the containers add up',
        { requiresCompatibilities: ['EC2'], networkMode: 'bridge' },
        [
          { name: 'a', cpu: 256, memory: 512 },
          { name: 'b', cpu: '512', memoryReservation: 256 },
        ],
        { vcpu: 0.75, memoryMiB: 768 },
        'EC2',
        [],
      ],
      // Hard memory 1024 wins over the 512 reservation for the task size.
      [
        'hard memory wins for the task size',
        { requiresCompatibilities: ['EC2'] },
        [{ name: 'a', memory: 1024, memoryReservation: 512 }],
        { vcpu: 0, memoryMiB: 1024 },
        'EC2',
        [],
      ],
      [
        'no requiresCompatibilities, with a Fargate size and awsvpc',
        { networkMode: 'awsvpc', cpu: '512', memory: '1024' },
        [{ name: 'a' }],
        { vcpu: 0.5, memoryMiB: 1024 },
        'FARGATE',
        ['requiresCompatibilities not stated: assumed FARGATE (task size and awsvpc are set)'],
      ],
      [
        'no requiresCompatibilities, no size',
        {},
        [{ name: 'a', memory: 128 }],
        { vcpu: 0, memoryMiB: 128 },
        'EC2',
        ['requiresCompatibilities not stated: assumed EC2'],
      ],
      [
        'EXTERNAL',
        { requiresCompatibilities: ['EXTERNAL'] },
        [{ name: 'a', memory: 128 }],
        { vcpu: 0, memoryMiB: 128 },
        'EXTERNAL',
        [],
      ],
      [
        'containers reserving more than the task',
        { ...fargate, cpu: '256', memory: '512' },
        [{ name: 'a', cpu: 512, memoryReservation: 1024 }],
        { vcpu: 0.25, memoryMiB: 512 },
        'FARGATE',
        [
          "containers reserve 0.5 vCPU, more than the task's 0.25 vCPU",
          "containers reserve 1,024 MiB, more than the task's 512 MiB",
        ],
      ],
      [
        'a GPU',
        { requiresCompatibilities: ['EC2'], cpu: '4096', memory: '16384' },
        [{ name: 'cuda', resourceRequirements: [{ type: 'GPU', value: '1' }] }],
        { vcpu: 4, memoryMiB: 16384 },
        'EC2',
        ['GPU requested: not priced as CPU (container `cuda`: 1 × GPU)'],
      ],
      [
        'Windows on Fargate below 1 vCPU',
        {
          ...fargate,
          cpu: '512',
          memory: '1GB',
          runtimePlatform: { operatingSystemFamily: 'WINDOWS_SERVER_2022_CORE' },
        },
        [{ name: 'a' }],
        { vcpu: 0.5, memoryMiB: 1024 },
        'FARGATE',
        ['Windows on Fargate needs at least 1 vCPU'],
      ],
    ],
  )('%s', (_name, fields, containers, perReplica, launchType, warnings) => {
    const w = only(extractText(taskDef(fields, containers), 'td.json'));
    expect(w.perReplica).toEqual(perReplica);
    expect(w.ecs?.launchType).toBe(launchType);
    expect(w.warnings).toEqual(warnings);
  });

  it.each<[string, Record<string, unknown>, object[], number, string]>([
    // taskDef puts `family` on line 2 and each field on the next line, in order.
    [
      'Fargate with bridge networking',
      { requiresCompatibilities: ['FARGATE'], networkMode: 'bridge', cpu: '256', memory: '512' },
      [{ name: 'a' }],
      4,
      'networkMode: Fargate needs networkMode "awsvpc", found "bridge"',
    ],
    // No `cpu` field to point at: the task definition's first line.
    [
      'Fargate without a task size',
      { ...fargate, memory: '512' },
      [{ name: 'a' }],
      1,
      'cpu: Fargate needs task-level cpu and memory',
    ],
    [
      'a size Fargate does not offer',
      { ...fargate, cpu: '256', memory: '4096' },
      [{ name: 'a' }],
      6,
      'memory: 0.25 vCPU with 4,096 MiB is not a Fargate task size (0.25 vCPU allows 0.5–2 GB)',
    ],
    [
      'a Fargate CPU that does not exist',
      { ...fargate, cpu: '384', memory: '1024' },
      [{ name: 'a' }],
      6,
      'Fargate CPU is 0.25, 0.5, 1, 2, 4, 8 or 16 vCPU',
    ],
    [
      'an invalid cpu string',
      { cpu: 'lots' },
      [{ name: 'a', memory: 128 }],
      3,
      'cpu: invalid ECS cpu `lots`',
    ],
    [
      'ephemeral storage out of range',
      { ephemeralStorage: { sizeInGiB: 10 } },
      [{ name: 'a', memory: 128 }],
      3,
      'must be a whole number of GiB from 21 to 200, found 10',
    ],
    [
      'a container without memory in a task without memory',
      { requiresCompatibilities: ['EC2'] },
      [{ name: 'a' }],
      4,
      'container `a` needs memory or memoryReservation',
    ],
    [
      'a reservation above the hard limit',
      {},
      [{ name: 'a', memory: 128, memoryReservation: 256 }],
      3,
      'memoryReservation: 256 MiB is above',
    ],
    ['no containers', {}, [], 3, 'a task needs at least one container'],
  ])('refuses %s (ECS would not register it)', (_name, fields, containers, line, message) => {
    const result = extractText(taskDef(fields, containers), 'td.json');
    expect(result.workloads).toEqual([]);
    expect(result.errors).toEqual([
      { file: 'td.json', line, message: expect.stringContaining(message) as unknown },
    ]);
    expect(result.errors[0]?.message).toMatch(/^task definition `svc`: /);
  });

  it('reads a task definition written in YAML', () => {
    const text =
      'family: y\nrequiresCompatibilities: [FARGATE]\nnetworkMode: awsvpc\ncpu: 1 vCPU\nmemory: 2 GB\ncontainerDefinitions:\n  - name: a\n';
    expect(only(extractText(text)).perReplica).toEqual({ vcpu: 1, memoryMiB: 2048 });
  });

  it('reports the broken JSON task definition at line 4 and still reads the other files', () => {
    const result = extractWorkloads([
      fixture('broken-task-def-line-4.json'),
      fixture('describe-task-definition.json'),
    ]);
    expect(result.errors).toEqual([
      {
        file: 'fixtures/broken-task-def-line-4.json',
        line: 4,
        message: "JSON syntax error: expected ':' after a property name",
      },
    ]);
    expect(result.workloads.map((w) => w.name)).toEqual(['api']);
  });
});
