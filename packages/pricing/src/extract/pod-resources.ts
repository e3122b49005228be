/**
 * A Kubernetes pod spec → its containers' effective requests and the pod's effective request, the way the
 * scheduler counts them.
 *
 * - A container's effective request is its request, else its limit (API defaulting), else unstated (`null`).
 * - The pod's request (KEP-753, native sidecars) per resource is
 *   max( max over init containers i of (init_i + sidecars started before i), sum(app) + sum(all sidecars) ),
 *   where a sidecar is an init container with `restartPolicy: Always`. Unstated counts as 0.
 * - Pod-level `spec.resources` (KEP-2837), when it states a resource, replaces the containers' total for it.
 * - `spec.overhead` (from the RuntimeClass) is added on top.
 */
import type { ContainerSpec } from '../types.js';
import { cpuToVcpu, isSubByteMemory, memoryToMiB, parseQuantity } from './quantity.js';
import { FieldError, isObj, readList, readObj, readString } from './source-doc.js';
import type { Obj, Path } from './source-doc.js';

/** A pod's containers and its effective per-replica request. */
export interface PodResources {
  containers: ContainerSpec[];
  perReplica: { vcpu: number; memoryMiB: number };
}

const SUB_UNITS: Record<string, string> = { m: 'milli', u: 'micro', n: 'nano' };

/** A resource: how to read its quantity, and its unit in messages. */
type Resource = 'cpu' | 'memory' | 'ephemeral-storage';

/** Extended resources that are accelerators. */
export function isGpuResource(name: string): boolean {
  return (
    name.includes('gpu') ||
    name.includes('tpu') ||
    name.startsWith('nvidia.com/') ||
    name.startsWith('habana.ai/') ||
    name.startsWith('aws.amazon.com/neuron')
  );
}

/**
 * A quantity field in vCPU (cpu) or MiB (memory, ephemeral storage); `null` when absent.
 * @throws FieldError when it is not a non-negative quantity.
 */
export function readQuantity(
  parent: Obj | undefined,
  key: string,
  path: Path,
  resource: Resource,
): number | null {
  const raw = parent?.[key];
  if (raw === undefined || raw === null) return null;
  if (typeof raw !== 'string' && typeof raw !== 'number') {
    throw new FieldError([...path, key], `invalid quantity: expected a string or a number`);
  }
  let value: number;
  try {
    value = resource === 'cpu' ? cpuToVcpu(raw) : memoryToMiB(raw);
  } catch (error) {
    throw new FieldError([...path, key], (error as Error).message);
  }
  if (value < 0) throw new FieldError([...path, key], `\`${raw}\` must not be negative`);
  return value;
}

/**
 * One Kubernetes container's resources. `warnings` receives GPU and unit-typo notes.
 * @throws FieldError naming the field when a quantity is invalid or a request exceeds its limit.
 */
export function readKubeContainer(
  container: unknown,
  path: Path,
  role: ContainerSpec['role'],
  warnings: string[],
): ContainerSpec {
  if (!isObj(container)) throw new FieldError(path, 'expected a container (a mapping)');
  const name = readString(container, 'name', path) ?? `#${String(path[path.length - 1])}`;
  const resources = readObj(container, 'resources', path);
  const resourcesPath = [...path, 'resources'];
  const requests = readObj(resources, 'requests', resourcesPath);
  const limits = readObj(resources, 'limits', resourcesPath);
  const requestsPath = [...resourcesPath, 'requests'];
  const limitsPath = [...resourcesPath, 'limits'];

  const effective = (key: string, resource: Resource): { value: number | null; limit: number | null } => {
    const request = readQuantity(requests, key, requestsPath, resource);
    const limit = readQuantity(limits, key, limitsPath, resource);
    if (request !== null && limit !== null && request > limit) {
      throw new FieldError(
        [...requestsPath, key],
        `request \`${String(requests?.[key])}\` is above its limit \`${String(limits?.[key])}\``,
      );
    }
    return { value: request ?? limit, limit };
  };
  const cpu = effective('cpu', 'cpu');
  const memory = effective('memory', 'memory');
  const ephemeral = effective('ephemeral-storage', 'ephemeral-storage');
  for (const [side, values] of [
    ['requests', requests],
    ['limits', limits],
  ] as const) {
    const raw = values?.memory;
    if (raw !== undefined && raw !== null && isSubByteMemory(raw as string | number)) {
      const text = String(raw).trim();
      warnings.push(
        `container \`${name}\`: memory ${side} \`${text}\` is ${parseQuantity(text)} bytes (\`${text.slice(-1)}\` is ${SUB_UNITS[text.slice(-1)] ?? 'a fraction'}): did you mean \`${text.slice(0, -1)}Mi\`?`,
      );
    }
  }
  const gpu = readGpus(name, requests, limits, requestsPath, limitsPath, warnings);
  return {
    name,
    role,
    cpu: cpu.value,
    memoryMiB: memory.value,
    ephemeralMiB: ephemeral.value,
    gpu,
    limits: { cpu: cpu.limit, memoryMiB: memory.limit },
  };
}

/** Accelerators a container asks for (extended resources: limits, else requests), with a warning when any. */
export function readGpus(
  name: string,
  requests: Obj | undefined,
  limits: Obj | undefined,
  requestsPath: Path,
  limitsPath: Path,
  warnings: string[],
): number {
  let total = 0;
  const seen = new Set<string>();
  for (const [values, path] of [
    [limits, limitsPath],
    [requests, requestsPath],
  ] as const) {
    for (const key of Object.keys(values ?? {})) {
      if (seen.has(key) || !isGpuResource(key)) continue;
      seen.add(key);
      const count = readQuantity(values, key, path, 'cpu') ?? 0;
      if (count > 0) {
        total += count;
        warnings.push(`GPU requested: not priced as CPU (container \`${name}\`: ${count} × ${key})`);
      }
    }
  }
  return total;
}

/**
 * The containers of a pod spec at `path` and the pod's effective request (see the module comment).
 * @throws FieldError when `containers` is missing or a container is invalid.
 */
export function readPodResources(podSpec: Obj, path: Path, warnings: string[]): PodResources {
  const containers: ContainerSpec[] = [];
  const initList = readList(podSpec, 'initContainers', path) ?? [];
  initList.forEach((raw, index) => {
    const itemPath = [...path, 'initContainers', index];
    const policy = isObj(raw) ? readString(raw, 'restartPolicy', itemPath) : undefined;
    if (policy !== undefined && policy !== 'Always') {
      throw new FieldError(
        [...itemPath, 'restartPolicy'],
        `must be \`Always\` (a sidecar) or unset, found "${policy}"`,
      );
    }
    containers.push(readKubeContainer(raw, itemPath, policy === 'Always' ? 'sidecar' : 'init', warnings));
  });
  const appList = readList(podSpec, 'containers', path);
  if (appList === undefined || appList.length === 0) {
    throw new FieldError([...path, 'containers'], 'a pod needs at least one container');
  }
  appList.forEach((raw, index) => {
    containers.push(readKubeContainer(raw, [...path, 'containers', index], 'app', warnings));
  });

  let vcpu = roundNano(podTotal(containers, (c) => c.cpu));
  let memoryMiB = podTotal(containers, (c) => c.memoryMiB);
  const podLevel = readObj(podSpec, 'resources', path);
  if (podLevel !== undefined) {
    const podPath = [...path, 'resources'];
    const requests = readObj(podLevel, 'requests', podPath);
    const limits = readObj(podLevel, 'limits', podPath);
    const cpu =
      readQuantity(requests, 'cpu', [...podPath, 'requests'], 'cpu') ??
      readQuantity(limits, 'cpu', [...podPath, 'limits'], 'cpu');
    const memory =
      readQuantity(requests, 'memory', [...podPath, 'requests'], 'memory') ??
      readQuantity(limits, 'memory', [...podPath, 'limits'], 'memory');
    if (cpu !== null) vcpu = cpu;
    if (memory !== null) memoryMiB = memory;
  }
  const overhead = readObj(podSpec, 'overhead', path);
  vcpu = roundNano(vcpu + (readQuantity(overhead, 'cpu', [...path, 'overhead'], 'cpu') ?? 0));
  memoryMiB += readQuantity(overhead, 'memory', [...path, 'overhead'], 'memory') ?? 0;
  return { containers, perReplica: { vcpu, memoryMiB } };
}

/**
 * One resource of a pod, KEP-753 exactly (the kubelet's and scheduler's PodRequests): app containers and every
 * sidecar run together; each init container runs alongside the sidecars declared before it.
 */
export function podTotal(
  containers: readonly ContainerSpec[],
  pick: (c: ContainerSpec) => number | null,
): number {
  let running = 0;
  let sidecars = 0;
  let initPeak = 0;
  for (const container of containers) {
    const value = pick(container) ?? 0;
    if (container.role === 'app') {
      running += value;
    } else if (container.role === 'sidecar') {
      running += value;
      sidecars += value;
      initPeak = Math.max(initPeak, sidecars);
    } else {
      initPeak = Math.max(initPeak, value + sidecars);
    }
  }
  return Math.max(running, initPeak);
}

/** Rounds CPU sums to whole nano-cores (Kubernetes' finest CPU unit), so 0.1 + 0.2 is 0.3. */
export function roundNano(vcpu: number): number {
  return Math.round(vcpu * 1e9) / 1e9;
}
