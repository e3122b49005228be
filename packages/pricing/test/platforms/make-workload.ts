// Builds Workload objects for the pricing tests directly (no extraction code), with the fields each test does not
// care about filled with plain defaults.
import type { ContainerSpec, EcsDetails, Workload } from '../../src/types.js';

/** A container; `cpu` in vCPU, memory in MiB; `null` = not stated. */
export function container(partial: Partial<ContainerSpec> = {}): ContainerSpec {
  return {
    name: 'app',
    role: 'app',
    cpu: null,
    memoryMiB: null,
    ephemeralMiB: null,
    gpu: 0,
    limits: { cpu: null, memoryMiB: null },
    ...partial,
  };
}

/** max(largest init, sum of the others), unstated as 0: what extraction puts in `perReplica`. */
function perReplicaOf(containers: ContainerSpec[]): { vcpu: number; memoryMiB: number } {
  const pick = (f: (c: ContainerSpec) => number | null) => {
    const init = Math.max(0, ...containers.filter((c) => c.role === 'init').map((c) => f(c) ?? 0));
    const running = containers.filter((c) => c.role !== 'init').reduce((s, c) => s + (f(c) ?? 0), 0);
    return Math.max(init, running);
  };
  return { vcpu: pick((c) => c.cpu), memoryMiB: pick((c) => c.memoryMiB) };
}

/** A Kubernetes workload (a Deployment unless `kind` says otherwise). */
export function kube(partial: Partial<Workload> = {}): Workload {
  const containers = partial.containers ?? [container()];
  return {
    source: { file: 'k8s/app.yaml', line: 1 },
    origin: 'kubernetes',
    kind: 'Deployment',
    apiVersion: 'apps/v1',
    name: 'app',
    namespace: null,
    replicas: { min: 1, max: 1 },
    containers,
    perReplica: perReplicaOf(containers),
    schedule: null,
    ecs: null,
    cloudRun: null,
    warnings: [],
    ...partial,
  };
}

/** An ECS task definition with a task size (Fargate, Linux/x86 unless overridden). */
export function ecsTask(
  vcpu: number | null,
  memoryMiB: number | null,
  ecs: Partial<EcsDetails> = {},
  partial: Partial<Workload> = {},
): Workload {
  const details: EcsDetails = {
    taskCpu: vcpu,
    taskMemoryMiB: memoryMiB,
    launchType: 'FARGATE',
    networkMode: 'awsvpc',
    cpuArchitecture: 'X86_64',
    operatingSystemFamily: 'LINUX',
    ephemeralGiB: null,
    ...ecs,
  };
  return kube({
    source: { file: 'ecs/task.json', line: 1 },
    origin: 'ecs',
    kind: 'TaskDefinition',
    apiVersion: 'ecs',
    name: 'task',
    containers: [container({ name: 'web' })],
    perReplica: { vcpu: vcpu ?? 0, memoryMiB: memoryMiB ?? 0 },
    ecs: details,
    ...partial,
  });
}

/** A Cloud Run service; containers state limits. */
export function cloudRunService(
  limits: Array<{ cpu: number | null; memoryMiB: number | null }>,
  details: Partial<NonNullable<Workload['cloudRun']>> = {},
  partial: Partial<Workload> = {},
): Workload {
  const containers = limits.map((l, i) =>
    container({
      name: `c${i}`,
      role: i === 0 ? 'app' : 'sidecar',
      cpu: l.cpu,
      memoryMiB: l.memoryMiB,
      limits: l,
    }),
  );
  const minInstances = details.minInstances ?? 0;
  return kube({
    source: { file: 'run/service.yaml', line: 1 },
    origin: 'cloud-run',
    kind: 'Service',
    apiVersion: 'serving.knative.dev/v1',
    name: 'svc',
    containers,
    replicas: { min: minInstances, max: details.maxInstances ?? 100 },
    cloudRun: {
      billing: 'request',
      minInstances,
      maxInstances: 100,
      concurrency: null,
      region: null,
      ...details,
    },
    ...partial,
  });
}

/** A batch workload's schedule. */
export function schedule(
  runsPerMonth: number,
  durationSeconds: number,
  parallelism = 1,
): NonNullable<Workload['schedule']> {
  return {
    runsPerMonth,
    durationSeconds,
    parallelism,
    assumption: `${runsPerMonth} runs a month, ${durationSeconds} s each`,
  };
}
