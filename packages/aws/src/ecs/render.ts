/**
 * Rendering a task definition: a base definition (from a file, a registered revision or the service's live
 * definition) plus what the workflow changes (images, environment, secrets, sizes, roles, logging). Pure: every
 * problem is returned, naming the input it is about, so that nothing is registered when one exists.
 */
import type {
  ContainerDefinition,
  KeyValuePair,
  LogConfiguration,
  RegisterTaskDefinitionRequest,
  Secret,
} from '@aws-sdk/client-ecs';
import { cpuUnits, fargateSizeProblem, memoryMiB } from './sizes.js';
import { containerNames } from './task-definition.js';

/** What the workflow changes in the base definition. */
export interface RenderChanges {
  /** Image per container name (`containers: app=IMAGE` lines and `image`). */
  images: Record<string, string>;
  /** The input each image came from, for problems: `containers` or `image`. */
  imageInputs?: Record<string, string>;
  /** The container that `environment`, `secrets` and the log group apply to; see {@link targetContainer}. */
  container?: string | undefined;
  environment: Record<string, string>;
  /** Secret name → ARN of a Secrets Manager secret or SSM parameter (`valueFrom`). */
  secrets: Record<string, string>;
  /** `merge` keeps the container's other variables; `replace` keeps only the given ones. */
  environmentMode: 'merge' | 'replace';
  cpu?: string | undefined;
  memory?: string | undefined;
  taskRoleArn?: string | undefined;
  executionRoleArn?: string | undefined;
  /** An awslogs configuration for the target container. */
  log?: { group: string; region: string; streamPrefix: string } | undefined;
}

/** A problem with the inputs or the base definition. `input` names the action input it is about. */
export interface RenderProblem {
  input: string;
  message: string;
  /** The line in the task definition file, when the problem is in the file. */
  line?: number;
}

/** Where the base definition came from, to word problems about it. */
export type BaseOrigin =
  | { kind: 'file'; path: string; lineOf: (path: string) => number | undefined }
  | { kind: 'registered'; reference: string };

/** The rendered registration request, the problems found, and what changed, in words. */
export interface RenderResult {
  definition: RegisterTaskDefinitionRequest;
  problems: RenderProblem[];
}

function list(names: string[]): string {
  return names.map((n) => `"${n}"`).join(', ');
}

/**
 * The container that environment, secrets and logging apply to: `container` when given; else the only
 * container of the definition; else the only container named in `images`. Undefined (with a problem) otherwise.
 */
export function targetContainer(
  names: string[],
  changes: Pick<RenderChanges, 'container' | 'images'>,
): { name?: string; problem?: string } {
  if (changes.container !== undefined) {
    return names.includes(changes.container)
      ? { name: changes.container }
      : { problem: `the task definition has no container "${changes.container}" (it has ${list(names)})` };
  }
  if (names.length === 1) return { name: names[0] ?? '' };
  const imaged = Object.keys(changes.images);
  if (imaged.length === 1 && names.includes(imaged[0] ?? '')) return { name: imaged[0] ?? '' };
  return {
    problem: `the task definition has ${names.length} containers (${list(names)}): name the one to change with \`container\``,
  };
}

function mergeVariables<T extends { name?: string | undefined }>(
  existing: T[] | undefined,
  given: T[],
  mode: 'merge' | 'replace',
): T[] {
  if (mode === 'replace') return given;
  const out = (existing ?? []).filter((item) => !given.some((g) => g.name === item.name));
  return [...out, ...given];
}

function where(origin: BaseOrigin, path: string): { line?: number; text: string } {
  if (origin.kind === 'file') {
    const line = origin.lineOf(path) ?? origin.lineOf('');
    return {
      ...(line === undefined ? {} : { line }),
      text: `${origin.path}${line === undefined ? '' : ` line ${line}`}`,
    };
  }
  return { text: `task definition ${origin.reference}` };
}

/**
 * Applies `changes` to `base` and checks the result. Problems name an input (`containers`, `image`,
 * `container`, `environment`, `cpu`, `memory`, `task-definition`); the base is not modified.
 */
export function renderTaskDefinition(
  base: RegisterTaskDefinitionRequest,
  changes: RenderChanges,
  origin: BaseOrigin,
): RenderResult {
  const definition: RegisterTaskDefinitionRequest = structuredClone(base);
  const problems: RenderProblem[] = [];
  const names = containerNames(definition);
  const containers: ContainerDefinition[] = definition.containerDefinitions ?? [];

  for (const [name, image] of Object.entries(changes.images)) {
    const container = containers.find((c) => c.name === name);
    if (container === undefined) {
      const input = changes.imageInputs?.[name] ?? 'containers';
      problems.push({
        input,
        message: `the task definition has no container "${name}" (it has ${list(names)})`,
      });
      continue;
    }
    container.image = image;
  }

  const wantsTarget =
    Object.keys(changes.environment).length > 0 ||
    Object.keys(changes.secrets).length > 0 ||
    changes.environmentMode === 'replace' ||
    changes.log !== undefined ||
    changes.container !== undefined;
  if (wantsTarget) {
    const target = targetContainer(names, changes);
    if (target.problem !== undefined) {
      problems.push({
        input: changes.container !== undefined ? 'container' : 'environment',
        message: target.problem,
      });
    } else {
      const container = containers.find((c) => c.name === target.name);
      if (container !== undefined) {
        const environment: KeyValuePair[] = Object.entries(changes.environment).map(([name, value]) => ({
          name,
          value,
        }));
        const secrets: Secret[] = Object.entries(changes.secrets).map(([name, valueFrom]) => ({
          name,
          valueFrom,
        }));
        if (environment.length > 0 || changes.environmentMode === 'replace') {
          container.environment = mergeVariables(container.environment, environment, changes.environmentMode);
        }
        if (secrets.length > 0 || changes.environmentMode === 'replace') {
          container.secrets = mergeVariables(container.secrets, secrets, changes.environmentMode);
        }
        const clash = environment.find((e) => (container.secrets ?? []).some((s) => s.name === e.name));
        if (clash !== undefined) {
          problems.push({
            input: 'environment',
            message: `${clash.name} is both an environment variable and a secret of container "${container.name}"`,
          });
        }
        if (changes.log !== undefined) {
          const log: LogConfiguration = {
            logDriver: 'awslogs',
            options: {
              'awslogs-group': changes.log.group,
              'awslogs-region': changes.log.region,
              'awslogs-stream-prefix': changes.log.streamPrefix,
            },
          };
          container.logConfiguration = log;
        }
      }
    }
  }

  if (changes.cpu !== undefined) {
    const cpu = cpuUnits(changes.cpu);
    if (cpu === undefined)
      problems.push({
        input: 'cpu',
        message: `${JSON.stringify(changes.cpu)} is neither CPU units (1024) nor vCPU (1 vCPU)`,
      });
    else definition.cpu = String(cpu);
  }
  if (changes.memory !== undefined) {
    const memory = memoryMiB(changes.memory);
    if (memory === undefined)
      problems.push({
        input: 'memory',
        message: `${JSON.stringify(changes.memory)} is neither MiB (2048) nor GB (2 GB)`,
      });
    else definition.memory = String(memory);
  }
  if (changes.taskRoleArn !== undefined) definition.taskRoleArn = changes.taskRoleArn;
  if (changes.executionRoleArn !== undefined) definition.executionRoleArn = changes.executionRoleArn;

  containers.forEach((container, i) => {
    if (container.image === undefined || container.image === '') {
      const at = where(origin, `containerDefinitions.${i}`);
      problems.push({
        input: 'task-definition',
        message: `${at.text}: container "${container.name}" has no image (set one with \`containers: ${container.name}=IMAGE\`)`,
        ...(at.line === undefined ? {} : { line: at.line }),
      });
    }
  });
  return { definition, problems };
}

/**
 * Problems that stop a definition from running on Fargate: a network mode other than awsvpc, no task-level
 * size, or a CPU/memory pair Fargate does not offer. `fargate` says whether the deployment targets Fargate
 * (launch type or a FARGATE capacity provider) besides the definition's own `requiresCompatibilities`.
 */
export function fargateProblems(
  definition: RegisterTaskDefinitionRequest,
  fargate: boolean,
  origin: BaseOrigin,
  sizeInputs: { cpu?: string | undefined; memory?: string | undefined },
): RenderProblem[] {
  if (!fargate && !(definition.requiresCompatibilities ?? []).includes('FARGATE')) return [];
  const problems: RenderProblem[] = [];
  const about = (field: 'cpu' | 'memory') => {
    if (sizeInputs[field] !== undefined) return { input: field, prefix: '' };
    const at = where(origin, field in definition ? field : '');
    return {
      input: 'task-definition',
      prefix: `${at.text}: `,
      ...(at.line === undefined ? {} : { line: at.line }),
    };
  };
  if (definition.networkMode !== 'awsvpc') {
    const at = where(origin, 'networkMode' in definition ? 'networkMode' : '');
    problems.push({
      input: 'task-definition',
      message: `${at.text}: Fargate needs "networkMode": "awsvpc" (the definition has ${definition.networkMode === undefined ? 'none' : `"${definition.networkMode}"`})`,
      ...(at.line === undefined ? {} : { line: at.line }),
    });
  }
  const cpu = cpuUnits(definition.cpu);
  const memory = memoryMiB(definition.memory);
  if (cpu === undefined || memory === undefined) {
    const missing = cpu === undefined ? 'cpu' : 'memory';
    const a = about(missing);
    problems.push({
      input: a.input,
      message: `${a.prefix}Fargate needs a task-level ${missing} (set it in the definition or with the \`${missing}\` input)`,
      ...('line' in a && a.line !== undefined ? { line: a.line } : {}),
    });
    return problems;
  }
  const problem = fargateSizeProblem(cpu, memory);
  if (problem !== undefined) {
    const a = about(sizeInputs.memory !== undefined || sizeInputs.cpu === undefined ? 'memory' : 'cpu');
    problems.push({
      input: a.input,
      message: `${a.prefix}${problem}`,
      ...('line' in a && a.line !== undefined ? { line: a.line } : {}),
    });
  }
  return problems;
}
