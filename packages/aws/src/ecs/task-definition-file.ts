/**
 * Reading a task definition file: strict JSON whose every error names the file and line. Accepts a task
 * definition as written for `aws ecs register-task-definition --cli-input-json`, or the output of
 * `aws ecs describe-task-definition` (`{"taskDefinition": {...}, "tags": [...]}`); read-only fields are removed.
 */
import type { RegisterTaskDefinitionRequest, Tag } from '@aws-sdk/client-ecs';
import { JsonSyntaxError, parseJsonWithPositions } from './json-lines.js';
import type { TextPosition } from './json-lines.js';
import { cpuUnits, memoryMiB } from './sizes.js';
import { READ_ONLY_FIELDS, toRegisterRequest } from './task-definition.js';

/** A problem in a task definition file, at a line. */
export class TaskDefinitionFileError extends Error {
  constructor(
    readonly file: string,
    readonly line: number,
    readonly column: number,
    readonly problem: string,
  ) {
    super(`${file} line ${line}: ${problem}`);
    this.name = 'TaskDefinitionFileError';
  }
}

/** A task definition read from a file. */
export interface TaskDefinitionDocument {
  /** The registration request (read-only fields removed, sizes converted). */
  definition: RegisterTaskDefinitionRequest;
  /** Tags in the file (`tags` inside the definition, or beside it in describe-task-definition output). */
  tags: Tag[];
  /** The line where a field of the definition starts (`cpu`, `containerDefinitions.0.image`), if present. */
  lineOf(path: string): number | undefined;
  /** Fields that RegisterTaskDefinition does not know (typos, most likely), with their lines. */
  warnings: string[];
}

const REQUEST_FIELDS = new Set([
  'family',
  'taskRoleArn',
  'executionRoleArn',
  'networkMode',
  'containerDefinitions',
  'volumes',
  'placementConstraints',
  'requiresCompatibilities',
  'cpu',
  'memory',
  'tags',
  'pidMode',
  'ipcMode',
  'proxyConfiguration',
  'inferenceAccelerators',
  'ephemeralStorage',
  'runtimePlatform',
  'enableFaultInjection',
  ...READ_ONLY_FIELDS,
]);

type Loose = Record<string, unknown>;

function isRecord(value: unknown): value is Loose {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Parses a task definition file. Throws {@link TaskDefinitionFileError} for text that is not JSON, for a value
 * that is not a task definition (no `family`, no containers, a container without a name) and for sizes that are
 * neither CPU units/vCPU nor MiB/GB.
 */
export function readTaskDefinitionDocument(text: string, file: string): TaskDefinitionDocument {
  let located: { value: unknown; positions: ReadonlyMap<string, TextPosition> };
  try {
    located = parseJsonWithPositions(text);
  } catch (error) {
    if (error instanceof JsonSyntaxError) {
      throw new TaskDefinitionFileError(
        file,
        error.position.line,
        error.position.column,
        `not valid JSON: ${error.message}`,
      );
    }
    throw error;
  }
  const root = located.value;
  const at = (path: string): TextPosition => located.positions.get(path) ?? { line: 1, column: 1 };
  const fail = (path: string, problem: string): never => {
    const { line, column } = at(path);
    throw new TaskDefinitionFileError(file, line, column, problem);
  };
  if (!isRecord(root)) return fail('', 'must be a JSON object holding a task definition');

  // describe-task-definition output wraps the definition and puts the tags beside it.
  const wrapped = isRecord(root.taskDefinition);
  const prefix = wrapped ? 'taskDefinition.' : '';
  const body = (wrapped ? root.taskDefinition : root) as Loose;
  const lineOf = (path: string) => located.positions.get(`${prefix}${path}`)?.line;
  const failAt = (path: string, problem: string): never => fail(`${prefix}${path}`, problem);

  const warnings: string[] = [];
  for (const key of Object.keys(body)) {
    if (!REQUEST_FIELDS.has(key)) {
      warnings.push(
        `${file} line ${lineOf(key) ?? 1}: "${key}" is not a task definition field; it is ignored`,
      );
    }
  }
  if (typeof body.family !== 'string' || body.family.trim() === '') {
    return body.family === undefined
      ? failAt('', 'has no "family": a task definition names its family')
      : failAt('family', '"family" must be a non-empty string');
  }
  if (!/^[A-Za-z0-9_-]{1,255}$/.test(body.family)) {
    failAt(
      'family',
      `"family" ${JSON.stringify(body.family)} may only hold letters, digits, _ and - (up to 255)`,
    );
  }
  const containers = body.containerDefinitions;
  if (!Array.isArray(containers) || containers.length === 0) {
    return containers === undefined
      ? failAt('', 'has no "containerDefinitions"')
      : failAt('containerDefinitions', '"containerDefinitions" must be a non-empty array');
  }
  const names = new Map<string, number>();
  containers.forEach((container: unknown, i) => {
    const path = `containerDefinitions.${i}`;
    if (!isRecord(container)) return failAt(path, `container ${i + 1} must be an object`);
    if (typeof container.name !== 'string' || container.name === '') {
      return failAt(container.name === undefined ? path : `${path}.name`, `container ${i + 1} has no "name"`);
    }
    const earlier = names.get(container.name);
    if (earlier !== undefined) {
      failAt(`${path}.name`, `container name "${container.name}" is used twice (first on line ${earlier})`);
    }
    names.set(container.name, lineOf(`${path}.name`) ?? 1);
    if (container.image !== undefined && typeof container.image !== 'string') {
      failAt(`${path}.image`, `"image" of container "${container.name}" must be a string`);
    }
    return undefined;
  });
  if (body.cpu !== undefined && cpuUnits(body.cpu) === undefined) {
    failAt('cpu', `"cpu" ${JSON.stringify(body.cpu)} is neither CPU units (1024) nor vCPU ("1 vCPU")`);
  }
  if (body.memory !== undefined && memoryMiB(body.memory) === undefined) {
    failAt('memory', `"memory" ${JSON.stringify(body.memory)} is neither MiB (2048) nor GB ("2 GB")`);
  }

  const tagsSource = wrapped ? root.tags : body.tags;
  const tags: Tag[] = Array.isArray(tagsSource)
    ? tagsSource.filter(isRecord).map((tag) => ({ key: String(tag.key), value: String(tag.value ?? '') }))
    : [];
  return { definition: toRegisterRequest(body), tags, lineOf, warnings };
}
