// Task definition files and comparison: line-accurate errors, read-only fields stripped, real-world quirks, and
// "would ECS register the same thing?" against what ECS itself answers after registration.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import {
  READ_ONLY_FIELDS,
  TaskDefinitionFileError,
  diffTaskDefinitions,
  normaliseTaskDefinition,
  parseJsonWithPositions,
  readTaskDefinitionDocument,
  sameTaskDefinition,
  toRegisterRequest,
} from '@slipway/aws/ecs';
import type { RegisterTaskDefinitionRequest, TaskDefinition } from '@aws-sdk/client-ecs';
import { REPO_ROOT } from '../../../../test/harness/action-manifest.js';

const FIXTURES = join(REPO_ROOT, 'test', 'fixtures', 'deploy-ecs');
// Read in place from the shared corpus (../shared/corpus/real-world from the repository root), never copied.
const CORPUS = join(REPO_ROOT, '..', 'shared', 'corpus', 'real-world');

function fileError(text: string): { line: number; column: number; problem: string } {
  try {
    readTaskDefinitionDocument(text, 'td.json');
  } catch (error) {
    if (error instanceof TaskDefinitionFileError) {
      expect(error.message).toBe(`td.json line ${error.line}: ${error.problem}`);
      return { line: error.line, column: error.column, problem: error.problem };
    }
    throw error;
  }
  throw new Error('expected a TaskDefinitionFileError');
}

describe('parseJsonWithPositions', () => {
  it('records where every value starts', () => {
    const { value, positions } = parseJsonWithPositions('{\n  "a": [1, {"b": "x"}],\n  "c": true\n}');
    expect(value).toEqual({ a: [1, { b: 'x' }], c: true });
    expect(positions.get('a')).toEqual({ line: 2, column: 8 });
    expect(positions.get('a.1.b')).toEqual({ line: 2, column: 18 });
    expect(positions.get('c')).toEqual({ line: 3, column: 8 });
  });
});

describe('readTaskDefinitionDocument', () => {
  it.each([
    {
      case: 'a trailing comma',
      text: '{\n  "family": "a",\n}',
      line: 3,
      column: 1,
      problem: 'not valid JSON: trailing comma before "}"',
    },
    {
      case: 'a missing comma',
      text: '{\n  "family": "a"\n  "cpu": "256"\n}',
      line: 3,
      column: 3,
      problem: 'not valid JSON: unexpected character "\\"": expected "," or "}" after a property value',
    },
    {
      case: 'single quotes',
      text: "{\n  'family': 'a'\n}",
      line: 2,
      column: 3,
      problem: 'not valid JSON: unexpected character "\'": expected a property name in double quotes',
    },
    {
      case: 'a comment',
      text: '{\n  // the family\n  "family": "a"\n}',
      line: 2,
      column: 3,
      problem: 'not valid JSON: comments are not allowed in JSON',
    },
    {
      case: 'an unterminated string',
      text: '{\n  "family": "a\n}',
      line: 2,
      column: 15,
      problem: 'not valid JSON: unterminated string: a line break inside a string must be written \\n',
    },
    {
      case: 'an empty file',
      text: '  \n',
      line: 2,
      column: 1,
      problem: 'not valid JSON: the file is empty: expected a JSON object',
    },
    {
      case: 'an array',
      text: '[]',
      line: 1,
      column: 1,
      problem: 'must be a JSON object holding a task definition',
    },
    {
      case: 'no family',
      text: '{\n  "containerDefinitions": []\n}',
      line: 1,
      column: 1,
      problem: 'has no "family": a task definition names its family',
    },
    {
      case: 'a bad family',
      text: '{\n  "family": "my app"\n}',
      line: 2,
      column: 13,
      problem: '"family" "my app" may only hold letters, digits, _ and - (up to 255)',
    },
    {
      case: 'no containers',
      text: '{"family": "a", "containerDefinitions": []}',
      line: 1,
      column: 41,
      problem: '"containerDefinitions" must be a non-empty array',
    },
    {
      case: 'a container without a name',
      text: '{"family": "a",\n "containerDefinitions": [\n  {"image": "x"}\n ]}',
      line: 3,
      column: 3,
      problem: 'container 1 has no "name"',
    },
    {
      case: 'a repeated container name',
      text: '{"family": "a",\n "containerDefinitions": [\n  {"name": "x"},\n  {"name": "x"}\n ]}',
      line: 4,
      column: 12,
      problem: 'container name "x" is used twice (first on line 3)',
    },
    {
      case: 'an unreadable cpu',
      text: '{"family": "a",\n "cpu": "two cores",\n "containerDefinitions": [{"name": "x"}]}',
      line: 2,
      column: 9,
      problem: '"cpu" "two cores" is neither CPU units (1024) nor vCPU ("1 vCPU")',
    },
  ])('names the line of $case', ({ text, line, column, problem }) => {
    expect(fileError(text)).toEqual({ line, column, problem });
  });

  it('reads the fixture that is not JSON at its bad line', () => {
    expect(fileError(readFileSync(join(FIXTURES, 'not-json.json'), 'utf8'))).toMatchObject({ line: 5 });
  });

  it('unwraps describe-task-definition output, drops read-only fields and keeps the tags beside it', () => {
    const doc = readTaskDefinitionDocument(
      readFileSync(join(FIXTURES, 'describe-output.json'), 'utf8'),
      'describe-output.json',
    );
    for (const field of READ_ONLY_FIELDS) expect(doc.definition).not.toHaveProperty(field);
    expect(doc.definition).toMatchObject({
      family: 'api',
      cpu: '512',
      memory: '1024',
      networkMode: 'awsvpc',
    });
    expect(doc.tags).toEqual([{ key: 'team', value: 'payments' }]);
    expect(doc.lineOf('memory')).toBe(28);
    expect(doc.warnings).toEqual([]);
  });

  it('warns about fields RegisterTaskDefinition does not know, with their line', () => {
    const doc = readTaskDefinitionDocument(
      '{"family": "a",\n "cpus": "256",\n "containerDefinitions": [{"name": "x", "image": "y"}]}',
      'a.json',
    );
    expect(doc.warnings).toEqual(['a.json line 2: "cpus" is not a task definition field; it is ignored']);
  });

  const corpus = [
    {
      file: '16-firelens-newrelic-task-def.json',
      family: 'newrelic-firelens-example',
      cpu: '1024',
      memory: '2048',
    },
    {
      file: '17-appmesh-firelens-colorteller-task-def.json',
      family: 'appmesh-firelens-colorteller-black',
      cpu: '1024',
      memory: '2048',
    },
    { file: '20-nginx-fargate.json', family: 'nginx', cpu: '256', memory: '512' },
    { file: '20-nginx-ec2.json', family: 'nginx', cpu: undefined, memory: undefined },
  ];

  it.each(corpus)(
    'reads the real-world $file with its quirks (sizes in words, quoted integers)',
    ({ file, family, cpu, memory }) => {
      const doc = readTaskDefinitionDocument(readFileSync(join(CORPUS, file), 'utf8'), file);
      expect(doc.definition.family).toBe(family);
      expect(doc.definition.cpu).toBe(cpu);
      expect(doc.definition.memory).toBe(memory);
      for (const container of doc.definition.containerDefinitions ?? []) {
        for (const field of ['cpu', 'memory', 'memoryReservation'] as const) {
          if (container[field] !== undefined) expect(typeof container[field]).toBe('number');
        }
      }
    },
  );
});

const BASE: RegisterTaskDefinitionRequest = {
  family: 'web',
  networkMode: 'awsvpc',
  requiresCompatibilities: ['FARGATE'],
  cpu: '256',
  memory: '512',
  containerDefinitions: [
    {
      name: 'app',
      image: 'nginx:1',
      portMappings: [{ containerPort: 8080 }],
      environment: [
        { name: 'B', value: '2' },
        { name: 'A', value: '1' },
      ],
    },
  ],
};

/** What ECS answers for BASE after registering it: defaults filled in, read-only fields added. */
const AS_ECS_DESCRIBES_IT: TaskDefinition = {
  taskDefinitionArn: 'arn:aws:ecs:eu-west-1:123456789012:task-definition/web:3',
  family: 'web',
  revision: 3,
  status: 'ACTIVE',
  networkMode: 'awsvpc',
  requiresCompatibilities: ['FARGATE'],
  compatibilities: ['EC2', 'FARGATE'],
  requiresAttributes: [{ name: 'ecs.capability.task-eni' }],
  cpu: '256',
  memory: '512',
  volumes: [],
  placementConstraints: [],
  registeredAt: new Date(),
  registeredBy: 'arn:aws:sts::123456789012:assumed-role/deploy/x',
  containerDefinitions: [
    {
      name: 'app',
      image: 'nginx:1',
      cpu: 0,
      essential: true,
      portMappings: [{ containerPort: 8080, hostPort: 8080, protocol: 'tcp' as const }],
      environment: [
        { name: 'A', value: '1' },
        { name: 'B', value: '2' },
      ],
      mountPoints: [],
      volumesFrom: [],
      systemControls: [],
    },
  ],
};

describe('sameTaskDefinition', () => {
  it('sees a definition as ECS describes it after registration as the same as what was sent', () => {
    expect(sameTaskDefinition(BASE, AS_ECS_DESCRIBES_IT)).toBe(true);
    expect(diffTaskDefinitions(AS_ECS_DESCRIBES_IT, BASE)).toEqual([]);
  });

  it.each([
    { case: 'a new image', change: { image: 'nginx:2' }, diff: ['container app.image: nginx:1 → nginx:2'] },
    {
      case: 'a changed variable',
      change: {
        environment: [
          { name: 'A', value: '9' },
          { name: 'B', value: '2' },
        ],
      },
      diff: ['container app.environment.A: changed'],
    },
    {
      case: 'an added variable',
      change: {
        environment: [
          { name: 'A', value: '1' },
          { name: 'B', value: '2' },
          { name: 'C', value: '3' },
        ],
      },
      diff: ['container app.environment.C: added'],
    },
    {
      case: 'a secret',
      change: { secrets: [{ name: 'DB', valueFrom: 'arn:aws:ssm:eu-west-1:123456789012:parameter/db' }] },
      diff: [
        'container app.secrets: (none) → [{"name":"DB","valueFrom":"arn:aws:ssm:eu-west-1:123456789012:parameter/db"}]',
      ],
    },
    {
      case: 'a non-essential container',
      change: { essential: false },
      diff: ['container app.essential: true → false'],
    },
  ])('tells $case apart and words the difference', ({ change, diff }) => {
    const changed: RegisterTaskDefinitionRequest = {
      ...BASE,
      containerDefinitions: [{ ...BASE.containerDefinitions?.[0], ...change }],
    };
    expect(sameTaskDefinition(changed, AS_ECS_DESCRIBES_IT)).toBe(false);
    expect(diffTaskDefinitions(AS_ECS_DESCRIBES_IT, changed)).toEqual(diff);
  });

  it.each([
    [{ cpu: '0.25 vCPU', memory: '0.5 GB' }, true],
    [{ cpu: '512' }, false],
    [{ requiresCompatibilities: ['FARGATE' as const, 'EC2' as const] }, false],
  ])('compares task-level fields as ECS stores them: %j → same %s', (change, same) => {
    expect(sameTaskDefinition({ ...BASE, ...change }, AS_ECS_DESCRIBES_IT)).toBe(same);
  });

  it('does not show environment values in a diff (they may come from workflow secrets)', () => {
    const secret = 'hunter2-very-secret';
    const changed = {
      ...BASE,
      containerDefinitions: [
        { ...BASE.containerDefinitions?.[0], environment: [{ name: 'TOKEN', value: secret }] },
      ],
    };
    expect(diffTaskDefinitions(BASE, changed).join('\n')).not.toContain(secret);
  });

  it('toRegisterRequest leaves its input alone and drops tags and nulls', () => {
    const input = { ...AS_ECS_DESCRIBES_IT, tags: [{ key: 'a', value: 'b' }], pidMode: null };
    const request = toRegisterRequest(input);
    expect(request).not.toHaveProperty('tags');
    expect(request).not.toHaveProperty('pidMode');
    expect(request).not.toHaveProperty('revision');
    expect(input.revision).toBe(3);
    expect(normaliseTaskDefinition(request)).toEqual(normaliseTaskDefinition(BASE));
  });
});
