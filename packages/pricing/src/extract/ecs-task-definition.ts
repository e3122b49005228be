/**
 * ECS task definitions (plain, or wrapped as `{"taskDefinition": {...}}` the way `aws ecs
 * describe-task-definition` prints them) → Workloads.
 *
 * Size: the task-level `cpu`/`memory` when stated; otherwise (EC2 tasks may leave them out) the sum over the
 * containers, where a container's hard `memory` wins over its `memoryReservation`.
 *
 * Checks that make a SpecError, because ECS refuses to register such a task definition (the workload is dropped):
 * - a task that requires FARGATE with a `networkMode` other than `awsvpc`;
 * - a FARGATE task without task-level `cpu` and `memory`, or with a pair that is not a Fargate size;
 * - a task without task-level `memory` where a container states neither `memory` nor `memoryReservation`;
 * - a container whose `memoryReservation` is above its `memory`;
 * - `ephemeralStorage.sizeInGiB` outside 21–200.
 * Warnings (the task registers, but the figures deserve a look): containers reserving more than the task size,
 * Windows on Fargate below 1 vCPU, `requiresCompatibilities` absent (the launch type is then inferred), GPUs.
 */
import type { ContainerSpec, EcsDetails, Workload } from '../types.js';
import { ECS_UNITS_PER_VCPU, parseEcsCpu, parseEcsMemory } from './ecs-units.js';
import { formatNumber } from './format.js';
import { FieldError, isObj, readList, readObj, readString } from './source-doc.js';
import type { Obj, Path, SourceDoc } from './source-doc.js';

/** Whether a document is an ECS task definition; returns it and its path (inside a `taskDefinition` wrapper). */
export function asTaskDefinition(value: Obj): { def: Obj; path: Path } | null {
  if (Array.isArray(value.containerDefinitions)) return { def: value, path: [] };
  const wrapped = value.taskDefinition;
  if (isObj(wrapped) && Array.isArray(wrapped.containerDefinitions))
    return { def: wrapped, path: ['taskDefinition'] };
  return null;
}

// Fargate task sizes: vCPU → allowed memory in GiB (ECS's "GB" is 1024 MiB).
const FARGATE_MEMORY_GIB: ReadonlyMap<number, readonly number[]> = new Map([
  [0.25, [0.5, 1, 2]],
  [0.5, range(1, 4, 1)],
  [1, range(2, 8, 1)],
  [2, range(4, 16, 1)],
  [4, range(8, 30, 1)],
  [8, range(16, 60, 4)],
  [16, range(32, 120, 8)],
]);

function range(from: number, to: number, step: number): number[] {
  const out: number[] = [];
  for (let v = from; v <= to; v += step) out.push(v);
  return out;
}

/** Whether (vCPU, MiB) is a Fargate task size (pricing.md §1). */
export function isFargateSize(vcpu: number, memoryMiB: number): boolean {
  return FARGATE_MEMORY_GIB.get(vcpu)?.includes(memoryMiB / 1024) ?? false;
}

/**
 * One ECS task definition. `replicas` is 1: the desired count lives on the ECS service, not here.
 * @throws FieldError when ECS would refuse to register it (see the module comment) or a field is malformed.
 */
export function buildEcsWorkload(doc: SourceDoc, def: Obj, base: Path): Workload {
  const at = (...keys: Array<string | number>): Path => [...base, ...keys];
  const family = readString(def, 'family', base);
  if (family === undefined || family === '') throw new FieldError(at('family'), 'is required');
  const warnings: string[] = [];

  const taskCpu = readSize(def, 'cpu', base, parseEcsCpu);
  const taskMemory = readSize(def, 'memory', base, parseEcsMemory);
  const networkMode = readString(def, 'networkMode', base) ?? null;
  const compat = (readList(def, 'requiresCompatibilities', base) ?? []).map((c) => String(c).toUpperCase());
  const platform = readObj(def, 'runtimePlatform', base);
  const arch = (readString(platform, 'cpuArchitecture', at('runtimePlatform')) ?? 'X86_64').toUpperCase();
  if (arch !== 'X86_64' && arch !== 'ARM64') {
    throw new FieldError(
      at('runtimePlatform', 'cpuArchitecture'),
      `expected X86_64 or ARM64, found "${arch}"`,
    );
  }
  const os = (readString(platform, 'operatingSystemFamily', at('runtimePlatform')) ?? 'LINUX').toUpperCase();
  const storage = readObj(def, 'ephemeralStorage', base);
  let ephemeralGiB: number | null = null;
  if (storage?.sizeInGiB !== undefined && storage.sizeInGiB !== null) {
    const size = Number(storage.sizeInGiB);
    if (!Number.isInteger(size) || size < 21 || size > 200) {
      throw new FieldError(
        at('ephemeralStorage', 'sizeInGiB'),
        `must be a whole number of GiB from 21 to 200, found ${String(storage.sizeInGiB)}`,
      );
    }
    ephemeralGiB = size;
  }

  let launchType: EcsDetails['launchType'];
  if (compat.includes('FARGATE')) launchType = 'FARGATE';
  else if (compat.includes('EC2')) launchType = 'EC2';
  else if (compat.includes('MANAGED_INSTANCES')) {
    launchType = 'EC2';
    warnings.push('MANAGED_INSTANCES: priced as EC2 capacity');
  } else if (compat.includes('EXTERNAL')) launchType = 'EXTERNAL';
  else {
    launchType = taskCpu !== null && taskMemory !== null && networkMode === 'awsvpc' ? 'FARGATE' : 'EC2';
    warnings.push(
      `requiresCompatibilities not stated: assumed ${launchType}${launchType === 'FARGATE' ? ' (task size and awsvpc are set)' : ''}`,
    );
  }

  const containers = readContainers(def, base, taskMemory === null, warnings);

  if (launchType === 'FARGATE') {
    if (networkMode !== null && networkMode !== 'awsvpc') {
      throw new FieldError(at('networkMode'), `Fargate needs networkMode "awsvpc", found "${networkMode}"`);
    }
    if (taskCpu === null || taskMemory === null) {
      throw new FieldError(
        at(taskCpu === null ? 'cpu' : 'memory'),
        'Fargate needs task-level cpu and memory',
      );
    }
    if (!isFargateSize(taskCpu, taskMemory)) {
      throw new FieldError(
        at('memory'),
        `${formatNumber(taskCpu)} vCPU with ${formatNumber(taskMemory)} MiB is not a Fargate task size (${fargateMemoryHint(taskCpu)})`,
      );
    }
    if (os.startsWith('WINDOWS') && taskCpu < 1) warnings.push('Windows on Fargate needs at least 1 vCPU');
  }

  const sumCpu = containers.reduce((sum, c) => sum + (c.spec.cpu ?? 0), 0);
  const sumMemory = containers.reduce((sum, c) => sum + c.sizeMiB, 0);
  const sumReserved = containers.reduce((sum, c) => sum + (c.spec.memoryMiB ?? 0), 0);
  if (taskCpu !== null && sumCpu > taskCpu) {
    warnings.push(
      `containers reserve ${formatNumber(sumCpu)} vCPU, more than the task's ${formatNumber(taskCpu)} vCPU`,
    );
  }
  if (taskMemory !== null && sumReserved > taskMemory) {
    warnings.push(
      `containers reserve ${formatNumber(sumReserved)} MiB, more than the task's ${formatNumber(taskMemory)} MiB`,
    );
  }

  return {
    source: { file: doc.file, line: base.length === 0 ? doc.line : doc.lineOf(base) },
    origin: 'ecs',
    kind: 'TaskDefinition',
    apiVersion: '',
    name: family,
    namespace: null,
    replicas: { min: 1, max: 1 },
    containers: containers.map((c) => c.spec),
    perReplica: { vcpu: taskCpu ?? sumCpu, memoryMiB: taskMemory ?? sumMemory },
    schedule: null,
    ecs: {
      taskCpu,
      taskMemoryMiB: taskMemory,
      launchType,
      networkMode,
      cpuArchitecture: arch,
      operatingSystemFamily: os,
      ephemeralGiB,
    },
    cloudRun: null,
    warnings,
  };
}

function fargateMemoryHint(vcpu: number): string {
  const allowed = FARGATE_MEMORY_GIB.get(vcpu);
  if (allowed === undefined) return 'Fargate CPU is 0.25, 0.5, 1, 2, 4, 8 or 16 vCPU';
  return `${formatNumber(vcpu)} vCPU allows ${formatNumber(allowed[0] as number)}–${formatNumber(allowed[allowed.length - 1] as number)} GB`;
}

function readSize(def: Obj, key: string, base: Path, parse: (v: string | number) => number): number | null {
  const raw = def[key];
  if (raw === undefined || raw === null) return null;
  if (typeof raw !== 'string' && typeof raw !== 'number') {
    throw new FieldError([...base, key], `expected a string or a number, found ${typeof raw}`);
  }
  try {
    return parse(raw);
  } catch (error) {
    throw new FieldError([...base, key], (error as Error).message);
  }
}

/** A container's spec, plus the MiB it adds to a task without a task-level size (hard limit, else reservation). */
interface EcsContainer {
  spec: ContainerSpec;
  sizeMiB: number;
}

function readContainers(def: Obj, base: Path, needsMemory: boolean, warnings: string[]): EcsContainer[] {
  const list = readList(def, 'containerDefinitions', base) ?? [];
  if (list.length === 0)
    throw new FieldError([...base, 'containerDefinitions'], 'a task needs at least one container');
  return list.map((raw, index) => {
    const path: Path = [...base, 'containerDefinitions', index];
    if (!isObj(raw)) throw new FieldError(path, 'expected a container definition (a mapping)');
    const name = readString(raw, 'name', path) ?? `#${index}`;
    const units = readWhole(raw, 'cpu', path);
    const memory = readWhole(raw, 'memory', path);
    const reservation = readWhole(raw, 'memoryReservation', path);
    if (memory !== null && reservation !== null && reservation > memory) {
      throw new FieldError(
        [...path, 'memoryReservation'],
        `${reservation} MiB is above the container's memory limit of ${memory} MiB`,
      );
    }
    if (needsMemory && memory === null && reservation === null) {
      throw new FieldError(
        path,
        `container \`${name}\` needs memory or memoryReservation when the task states no memory`,
      );
    }
    let gpu = 0;
    for (const requirement of readList(raw, 'resourceRequirements', path) ?? []) {
      if (isObj(requirement) && requirement.type === 'GPU') gpu += Number(requirement.value) || 0;
    }
    if (gpu > 0) warnings.push(`GPU requested: not priced as CPU (container \`${name}\`: ${gpu} × GPU)`);
    return {
      spec: {
        name,
        role: 'app',
        cpu: units === null ? null : units / ECS_UNITS_PER_VCPU,
        memoryMiB: reservation ?? memory,
        ephemeralMiB: null,
        gpu,
        limits: { cpu: null, memoryMiB: memory },
      },
      sizeMiB: memory ?? reservation ?? 0,
    };
  });
}

// Container-level cpu and memory are integers in the ECS API; JSON written by hand often quotes them.
function readWhole(container: Obj, key: string, path: Path): number | null {
  const raw = container[key];
  if (raw === undefined || raw === null) return null;
  const value =
    typeof raw === 'number' ? raw : typeof raw === 'string' && /^\s*[0-9]+\s*$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isInteger(value) || value < 0) {
    throw new FieldError([...path, key], `expected a whole number, found ${JSON.stringify(raw)}`);
  }
  return value;
}
