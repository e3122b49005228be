/**
 * Task definitions as data: turning a described definition back into a registration request, and comparing two
 * definitions the way ECS sees them, so that an unchanged definition is not registered again.
 */
import type { ContainerDefinition, RegisterTaskDefinitionRequest, TaskDefinition } from '@aws-sdk/client-ecs';
import { cpuUnits, memoryMiB } from './sizes.js';

/**
 * Fields ECS sets on a registered revision that RegisterTaskDefinition does not take: a described definition
 * (or the output of `aws ecs describe-task-definition` saved to a file) must lose them before registering.
 */
export const READ_ONLY_FIELDS = [
  'taskDefinitionArn',
  'revision',
  'status',
  'requiresAttributes',
  'compatibilities',
  'registeredAt',
  'registeredBy',
  'deregisteredAt',
  'deleteRequestedAt',
] as const;

// Container fields that are integers in the API; files written by hand often quote them ("memory": "256").
const INTEGER_CONTAINER_FIELDS = [
  'cpu',
  'memory',
  'memoryReservation',
  'startTimeout',
  'stopTimeout',
] as const;

type Loose = Record<string, unknown>;

function isRecord(value: unknown): value is Loose {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function integerOf(value: unknown): unknown {
  return typeof value === 'string' && /^\d+$/.test(value.trim()) ? Number(value.trim()) : value;
}

/**
 * A registration request from a described (or hand-written) definition: read-only fields and `tags` removed,
 * task-level `cpu`/`memory` converted to units and MiB as ECS does on registration, and quoted container integers
 * turned into numbers. The input is not changed.
 */
export function toRegisterRequest(definition: TaskDefinition | Loose): RegisterTaskDefinitionRequest {
  const out: Loose = structuredClone(definition as Loose);
  for (const field of READ_ONLY_FIELDS) delete out[field];
  delete out.tags;
  for (const [key, value] of Object.entries(out)) if (value === null || value === undefined) delete out[key];
  if (out.cpu !== undefined) {
    const cpu = cpuUnits(out.cpu);
    if (cpu !== undefined) out.cpu = String(cpu);
  }
  if (out.memory !== undefined) {
    const memory = memoryMiB(out.memory);
    if (memory !== undefined) out.memory = String(memory);
  }
  if (Array.isArray(out.containerDefinitions)) {
    out.containerDefinitions = out.containerDefinitions.map((container: unknown) => {
      if (!isRecord(container)) return container;
      const fixed: Loose = { ...container };
      for (const field of INTEGER_CONTAINER_FIELDS)
        if (fixed[field] !== undefined) fixed[field] = integerOf(fixed[field]);
      if (Array.isArray(fixed.portMappings)) {
        fixed.portMappings = fixed.portMappings.map((mapping: unknown) =>
          isRecord(mapping)
            ? {
                ...mapping,
                containerPort: integerOf(mapping.containerPort),
                ...(mapping.hostPort === undefined ? {} : { hostPort: integerOf(mapping.hostPort) }),
              }
            : mapping,
        );
      }
      return fixed;
    });
  }
  return out as unknown as RegisterTaskDefinitionRequest;
}

/** Drops null/undefined, empty arrays and empty objects, recursively: ECS treats them as absent. */
export function prune(value: unknown): unknown {
  if (Array.isArray(value)) {
    const items = value.map(prune).filter((item) => item !== undefined);
    return items.length === 0 ? undefined : items;
  }
  if (isRecord(value)) {
    const out: Loose = {};
    for (const [key, item] of Object.entries(value)) {
      const pruned = prune(item);
      if (pruned !== undefined) out[key] = pruned;
    }
    return Object.keys(out).length === 0 ? undefined : out;
  }
  return value === null ? undefined : value;
}

function byName(a: unknown, b: unknown): number {
  const name = (x: unknown) => (isRecord(x) && typeof x.name === 'string' ? x.name : '');
  return name(a).localeCompare(name(b));
}

function normaliseContainer(container: Loose, networkMode: unknown): Loose {
  const out: Loose = { ...container };
  if (out.essential === undefined) out.essential = true;
  if (out.cpu === 0) delete out.cpu;
  if (Array.isArray(out.environment)) out.environment = [...out.environment].sort(byName);
  if (Array.isArray(out.secrets)) out.secrets = [...out.secrets].sort(byName);
  if (Array.isArray(out.portMappings)) {
    out.portMappings = out.portMappings.map((raw: unknown) => {
      if (!isRecord(raw)) return raw;
      const mapping: Loose = { ...raw };
      if (mapping.protocol === undefined) mapping.protocol = 'tcp';
      // In awsvpc and host modes the host port is the container port; ECS fills it in.
      if ((networkMode === 'awsvpc' || networkMode === 'host') && mapping.hostPort === undefined) {
        mapping.hostPort = mapping.containerPort;
      }
      return mapping;
    });
  }
  return out;
}

/**
 * The canonical form of a definition for comparison: a registration request with ECS's defaults made explicit
 * (essential containers, tcp ports, awsvpc host ports), empty values dropped, and environment and secrets
 * sorted by name (their order does not matter to ECS).
 */
export function normaliseTaskDefinition(
  definition: TaskDefinition | RegisterTaskDefinitionRequest | Loose,
): Loose {
  const request = toRegisterRequest(definition as Loose) as unknown as Loose;
  const networkMode = request.networkMode;
  if (Array.isArray(request.containerDefinitions)) {
    request.containerDefinitions = request.containerDefinitions.map((c: unknown) =>
      isRecord(c) ? normaliseContainer(c, networkMode) : c,
    );
  }
  if (Array.isArray(request.requiresCompatibilities)) {
    request.requiresCompatibilities = [...(request.requiresCompatibilities as string[])].sort();
  }
  return (prune(request) as Loose | undefined) ?? {};
}

/** JSON with object keys sorted, so that equal values give equal text. */
export function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (isRecord(value)) {
    return `{${Object.keys(value)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${stableJson(value[key])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** Whether two API values are equal once empty parts are dropped and object keys ordered. */
export function sameValue(a: unknown, b: unknown): boolean {
  return stableJson(prune(a) ?? null) === stableJson(prune(b) ?? null);
}

/** Whether two definitions would register the same revision content. */
export function sameTaskDefinition(
  a: TaskDefinition | RegisterTaskDefinitionRequest,
  b: TaskDefinition | RegisterTaskDefinitionRequest,
): boolean {
  return stableJson(normaliseTaskDefinition(a)) === stableJson(normaliseTaskDefinition(b));
}

function short(value: unknown): string {
  const text = value === undefined ? '(none)' : typeof value === 'string' ? value : stableJson(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

function diffValues(path: string, before: unknown, after: unknown, out: string[]): void {
  if (stableJson(before) === stableJson(after)) return;
  if (isRecord(before) && isRecord(after)) {
    for (const key of [...new Set([...Object.keys(before), ...Object.keys(after)])].sort()) {
      diffValues(path === '' ? key : `${path}.${key}`, before[key], after[key], out);
    }
    return;
  }
  const named = (list: unknown) =>
    Array.isArray(list) && list.length > 0 && list.every((x) => isRecord(x) && typeof x.name === 'string');
  if (named(before) && named(after) && path !== 'containerDefinitions') {
    // Environment and secrets, per variable. Environment values are not shown (a value passed from a workflow
    // secret would reach the job summary, which the runner does not mask); secrets show their references.
    const map = (list: unknown) =>
      new Map((list as Loose[]).map((x) => [String(x.name), x.value ?? x.valueFrom]));
    const b = map(before);
    const a = map(after);
    const showValues = path.endsWith('.secrets');
    for (const name of [...new Set([...b.keys(), ...a.keys()])].sort()) {
      const was = b.get(name);
      const now = a.get(name);
      if (was === now) continue;
      if (showValues) out.push(`${path}.${name}: ${short(was)} → ${short(now)}`);
      else
        out.push(
          `${path}.${name}: ${was === undefined ? 'added' : now === undefined ? 'removed' : 'changed'}`,
        );
    }
    return;
  }
  if (path === 'containerDefinitions' && named(before) && named(after)) {
    const b = new Map((before as Loose[]).map((c) => [String(c.name), c]));
    const a = new Map((after as Loose[]).map((c) => [String(c.name), c]));
    for (const name of [...new Set([...b.keys(), ...a.keys()])]) {
      diffValues(`container ${name}`, b.get(name), a.get(name), out);
    }
    return;
  }
  out.push(`${path}: ${short(before)} → ${short(after)}`);
}

/**
 * What differs between two definitions, one line per changed field (`container app.image: nginx:1 → nginx:2`),
 * after normalisation. Empty when they are the same.
 */
export function diffTaskDefinitions(
  before: TaskDefinition | RegisterTaskDefinitionRequest,
  after: TaskDefinition | RegisterTaskDefinitionRequest,
): string[] {
  const out: string[] = [];
  diffValues('', normaliseTaskDefinition(before), normaliseTaskDefinition(after), out);
  return out;
}

/** The container names of a definition, in order. */
export function containerNames(definition: {
  containerDefinitions?: ContainerDefinition[] | undefined;
}): string[] {
  return (definition.containerDefinitions ?? []).map((c) => c.name ?? '');
}
