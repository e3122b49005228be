// What the scheduler and the kubelet would make of a pod, as a pure function of simulated time: scheduling onto a
// node, image pulls (or ErrImagePull → ImagePullBackOff), containers running and ready, crash loops with back-off,
// OOM kills, and run-to-completion for Job pods. Field names and reasons follow
// https://kubernetes.io/docs/reference/kubernetes-api/workload-resources/pod-v1/#PodStatus and the kubelet's
// event reasons (https://kubernetes.io/docs/reference/kubectl/generated/kubectl_events/ shows them as kubectl does).
import { isRecord } from './kube-apply.js';
import type { KubeObject } from './kube-apply.js';

/** How a container started from an image behaves in the simulation. */
export interface ImageBehaviour {
  /** `ok` (default), `pull-error` (the image does not exist), `crash` (exits 1), `oom` (killed, exit 137). */
  kind: 'ok' | 'pull-error' | 'crash' | 'oom';
  /** What the container logs before it exits (crash, oom) or while it runs (ok). */
  logs?: string[];
}

/** Simulated durations of the pod lifecycle, in milliseconds. */
export interface PodTiming {
  /** From creation to the image being pulled (or the pull failing). */
  pullMs: number;
  /** From the container starting to it being ready. */
  readyMs: number;
  /** How long a crashing container runs before it exits. */
  crashAfterMs: number;
  /** How long a Job's container runs before it completes. */
  jobRunMs: number;
  /** First crash-loop back-off; it doubles up to five minutes, as the kubelet's does. */
  backoffMs: number;
}

/** The default timing: fast enough for tests, slow enough that a rollout has visible steps. */
export const DEFAULT_TIMING: PodTiming = {
  pullMs: 2_000,
  readyMs: 1_000,
  crashAfterMs: 2_000,
  jobRunMs: 5_000,
  backoffMs: 10_000,
};

/** One event a pod's timeline produces. */
export interface PodEvent {
  /** Epoch ms at which it happens. */
  at: number;
  type: 'Normal' | 'Warning';
  reason: string;
  message: string;
  component: string;
  /** The container the event is about (for dedup and `fieldPath`). */
  container?: string;
}

/** A pod's simulated status at a moment, the events so far and the next moment anything changes. */
export interface PodState {
  status: Record<string, unknown>;
  events: PodEvent[];
  next: number | undefined;
}

/** A node as the scheduler sees it. */
export interface SimNode {
  name: string;
  labels: Record<string, string>;
  taints: Array<{ key: string; value?: string; effect: string }>;
  allocatable: { cpu: number; memory: number };
}

/** Parses a CPU quantity (`250m`, `1.5`, `2`) to cores. */
export function cpuCores(quantity: unknown): number {
  if (typeof quantity === 'number') return quantity;
  if (typeof quantity !== 'string') return 0;
  return quantity.endsWith('m') ? Number(quantity.slice(0, -1)) / 1000 : Number(quantity);
}

const MEMORY_UNITS: Record<string, number> = {
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
};

/** Parses a memory quantity (`512Mi`, `1G`, `1048576`) to bytes. */
export function memoryBytes(quantity: unknown): number {
  if (typeof quantity === 'number') return quantity;
  if (typeof quantity !== 'string') return 0;
  const match = /^([0-9.]+)([a-zA-Z]*)$/.exec(quantity);
  if (!match) return 0;
  return Number(match[1]) * (MEMORY_UNITS[match[2] ?? ''] ?? 1);
}

type Json = Record<string, unknown>;

function containersOf(pod: KubeObject): Json[] {
  const spec = (pod.spec ?? {}) as Json;
  return Array.isArray(spec.containers) ? (spec.containers as Json[]) : [];
}

/** Requests of a pod summed over its containers. */
export function podRequests(pod: KubeObject): { cpu: number; memory: number } {
  let cpu = 0;
  let memory = 0;
  for (const c of containersOf(pod)) {
    const requests = isRecord(c.resources) && isRecord(c.resources.requests) ? c.resources.requests : {};
    cpu += cpuCores(requests.cpu);
    memory += memoryBytes(requests.memory);
  }
  return { cpu, memory };
}

function tolerates(pod: KubeObject, taint: SimNode['taints'][number]): boolean {
  const spec = (pod.spec ?? {}) as Json;
  const tolerations = Array.isArray(spec.tolerations) ? (spec.tolerations as Json[]) : [];
  return tolerations.some((t) => {
    if (t.effect !== undefined && t.effect !== '' && t.effect !== taint.effect) return false;
    if (t.operator === 'Exists') return t.key === undefined || t.key === '' || t.key === taint.key;
    return t.key === taint.key && (t.value ?? '') === (taint.value ?? '');
  });
}

/**
 * Picks a node for a pod the way the default scheduler filters them (node selector, untolerated NoSchedule
 * taints, requested CPU and memory against what is left), or explains why none fits in the scheduler's words.
 */
export function schedule(
  pod: KubeObject,
  nodes: SimNode[],
  placed: KubeObject[],
): { node: string } | { message: string } {
  const spec = (pod.spec ?? {}) as Json;
  const selector = isRecord(spec.nodeSelector) ? (spec.nodeSelector as Record<string, string>) : {};
  const want = podRequests(pod);
  const reasons = new Map<string, number>();
  const note = (reason: string) => reasons.set(reason, (reasons.get(reason) ?? 0) + 1);
  for (const node of nodes) {
    if (!Object.entries(selector).every(([k, v]) => node.labels[k] === v)) {
      note("node(s) didn't match Pod's node affinity/selector");
      continue;
    }
    const taint = node.taints.find((t) => t.effect === 'NoSchedule' && !tolerates(pod, t));
    if (taint !== undefined) {
      note(`node(s) had untolerated taint {${taint.key}: ${taint.value ?? ''}}`);
      continue;
    }
    const used = placed
      .filter((p) => ((p.spec ?? {}) as Json).nodeName === node.name)
      .reduce<{ cpu: number; memory: number }>(
        (acc, p) => {
          const r = podRequests(p);
          return { cpu: acc.cpu + r.cpu, memory: acc.memory + r.memory };
        },
        { cpu: 0, memory: 0 },
      );
    const shortCpu = used.cpu + want.cpu > node.allocatable.cpu;
    const shortMemory = used.memory + want.memory > node.allocatable.memory;
    if (shortCpu) note('Insufficient cpu');
    if (shortMemory) note('Insufficient memory');
    if (!shortCpu && !shortMemory) return { node: node.name };
  }
  const parts = [...reasons].map(([reason, count]) => `${count} ${reason}`).sort();
  return {
    message: `0/${nodes.length} nodes are available: ${parts.join(', ')}. preemption: 0/${nodes.length} nodes are available: ${nodes.length} Preemption is not helpful for scheduling.`,
  };
}

function iso(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

interface ContainerTimeline {
  state: Json;
  lastState: Json;
  ready: boolean;
  started: boolean;
  restartCount: number;
  terminated: 'succeeded' | 'failed' | undefined;
  /** When the container became ready (stable across observations, so the status does not churn). */
  readySince?: number;
  events: PodEvent[];
  next: number | undefined;
}

function containerAt(
  container: Json,
  created: number,
  now: number,
  behaviour: ImageBehaviour,
  timing: PodTiming,
  restartPolicy: string,
  runToCompletion: boolean,
  podRef: string,
): ContainerTimeline {
  const name = String(container.name ?? '');
  const image = String(container.image ?? '');
  const events: PodEvent[] = [
    {
      at: created,
      type: 'Normal',
      reason: 'Pulling',
      message: `Pulling image "${image}"`,
      component: 'kubelet',
      container: name,
    },
  ];
  const pulled = created + timing.pullMs;
  const waiting = (reason: string, message?: string): Json => ({
    waiting: { reason, ...(message ? { message } : {}) },
  });
  const base = { lastState: {}, ready: false, started: false, restartCount: 0, terminated: undefined };
  if (now < pulled) return { ...base, state: waiting('ContainerCreating'), events, next: pulled };

  if (behaviour.kind === 'pull-error') {
    const detail = `rpc error: code = NotFound desc = failed to pull and unpack image "${image}": failed to resolve reference "${image}": ${image}: not found`;
    events.push(
      {
        at: pulled,
        type: 'Warning',
        reason: 'Failed',
        message: `Failed to pull image "${image}": ${detail}`,
        component: 'kubelet',
        container: name,
      },
      {
        at: pulled,
        type: 'Warning',
        reason: 'Failed',
        message: 'Error: ErrImagePull',
        component: 'kubelet',
        container: name,
      },
    );
    const backoff = pulled + timing.pullMs;
    if (now < backoff) return { ...base, state: waiting('ErrImagePull', detail), events, next: backoff };
    events.push(
      {
        at: backoff,
        type: 'Normal',
        reason: 'BackOff',
        message: `Back-off pulling image "${image}"`,
        component: 'kubelet',
        container: name,
      },
      {
        at: backoff,
        type: 'Warning',
        reason: 'Failed',
        message: 'Error: ImagePullBackOff',
        component: 'kubelet',
        container: name,
      },
    );
    return {
      ...base,
      state: waiting('ImagePullBackOff', `Back-off pulling image "${image}"`),
      events,
      next: undefined,
    };
  }

  events.push(
    {
      at: pulled,
      type: 'Normal',
      reason: 'Pulled',
      message: `Successfully pulled image "${image}" in 1.2s (1.2s including waiting). Image size: 52428800 bytes.`,
      component: 'kubelet',
      container: name,
    },
    {
      at: pulled,
      type: 'Normal',
      reason: 'Created',
      message: `Created container: ${name}`,
      component: 'kubelet',
      container: name,
    },
    {
      at: pulled,
      type: 'Normal',
      reason: 'Started',
      message: `Started container ${name}`,
      component: 'kubelet',
      container: name,
    },
  );

  if (behaviour.kind === 'ok') {
    if (runToCompletion) {
      const done = pulled + timing.jobRunMs;
      if (now < done)
        return {
          ...base,
          started: true,
          state: { running: { startedAt: iso(pulled) } },
          ready: true,
          readySince: pulled,
          events,
          next: done,
        };
      return {
        ...base,
        started: false,
        state: {
          terminated: { exitCode: 0, reason: 'Completed', startedAt: iso(pulled), finishedAt: iso(done) },
        },
        terminated: 'succeeded',
        events,
        next: undefined,
      };
    }
    const ready = pulled + timing.readyMs;
    return {
      ...base,
      started: true,
      state: { running: { startedAt: iso(pulled) } },
      ready: now >= ready,
      ...(now >= ready ? { readySince: ready } : {}),
      events,
      next: now < ready ? ready : undefined,
    };
  }

  // crash / oom: run, exit, and (unless restartPolicy Never) restart after a doubling back-off.
  const exitCode = behaviour.kind === 'oom' ? 137 : 1;
  const reason = behaviour.kind === 'oom' ? 'OOMKilled' : 'Error';
  let start = pulled;
  let restarts = 0;
  let last: Json = {};
  for (;;) {
    const exit = start + timing.crashAfterMs;
    if (now < exit) {
      return {
        ...base,
        started: true,
        restartCount: restarts,
        lastState: last,
        state: { running: { startedAt: iso(start) } },
        events,
        next: exit,
      };
    }
    last = { terminated: { exitCode, reason, startedAt: iso(start), finishedAt: iso(exit) } };
    if (restartPolicy === 'Never') {
      return { ...base, restartCount: restarts, state: last, terminated: 'failed', events, next: undefined };
    }
    const backoff = Math.min(timing.backoffMs * 2 ** restarts, 300_000);
    if (restarts === 0) {
      events.push({
        at: exit,
        type: 'Warning',
        reason: 'BackOff',
        message: `Back-off restarting failed container ${name} in pod ${podRef}`,
        component: 'kubelet',
        container: name,
      });
    }
    const restartAt = exit + backoff;
    if (now < restartAt) {
      return {
        ...base,
        restartCount: restarts,
        lastState: last,
        state: waiting(
          'CrashLoopBackOff',
          `back-off ${Math.round(backoff / 1000)}s restarting failed container=${name} pod=${podRef}`,
        ),
        events,
        next: restartAt,
      };
    }
    restarts += 1;
    start = restartAt;
  }
}

/**
 * The status of a scheduled (or unschedulable) pod at `now`, with the events its lifecycle produced so far and
 * the next instant its status changes (undefined when it no longer changes by itself).
 */
export function podStateAt(
  pod: KubeObject,
  now: number,
  behaviourOf: (image: string) => ImageBehaviour,
  timing: PodTiming,
  scheduling: { node: string } | { message: string },
): PodState {
  const metadata = (pod.metadata ?? {}) as Json;
  const created = Date.parse(String(metadata.creationTimestamp ?? new Date(now).toISOString()));
  const spec = (pod.spec ?? {}) as Json;
  const restartPolicy = String(spec.restartPolicy ?? 'Always');
  const runToCompletion = restartPolicy !== 'Always';
  const podRef = `${String(metadata.name)}_${String(metadata.namespace)}(${String(metadata.uid)})`;

  if ('message' in scheduling) {
    return {
      status: {
        phase: 'Pending',
        conditions: [
          {
            type: 'PodScheduled',
            status: 'False',
            reason: 'Unschedulable',
            message: scheduling.message,
            lastTransitionTime: iso(created),
          },
        ],
        qosClass: 'BestEffort',
      },
      events: [
        {
          at: created,
          type: 'Warning',
          reason: 'FailedScheduling',
          message: scheduling.message,
          component: 'default-scheduler',
        },
      ],
      next: undefined,
    };
  }

  const events: PodEvent[] = [
    {
      at: created,
      type: 'Normal',
      reason: 'Scheduled',
      message: `Successfully assigned ${String(metadata.namespace)}/${String(metadata.name)} to ${scheduling.node}`,
      component: 'default-scheduler',
    },
  ];
  const statuses: Json[] = [];
  let next: number | undefined;
  const timelines = containersOf(pod).map((c) =>
    containerAt(
      c,
      created,
      now,
      behaviourOf(String(c.image ?? '')),
      timing,
      restartPolicy,
      runToCompletion,
      podRef,
    ),
  );
  containersOf(pod).forEach((c, i) => {
    const t = timelines[i] as ContainerTimeline;
    events.push(...t.events);
    if (t.next !== undefined) next = next === undefined ? t.next : Math.min(next, t.next);
    statuses.push({
      name: c.name,
      image: c.image,
      imageID: t.started || t.terminated !== undefined ? `${String(c.image)}@sha256:${'0'.repeat(64)}` : '',
      ready: t.ready,
      started: t.started,
      restartCount: t.restartCount,
      state: t.state,
      lastState: t.lastState,
    });
  });
  const allReady = timelines.length > 0 && timelines.every((t) => t.ready);
  const allSucceeded = timelines.length > 0 && timelines.every((t) => t.terminated === 'succeeded');
  const anyFailed = timelines.some((t) => t.terminated === 'failed');
  const anyStarted = timelines.some((t) => t.started || t.terminated !== undefined);
  const phase = allSucceeded ? 'Succeeded' : anyFailed ? 'Failed' : anyStarted ? 'Running' : 'Pending';
  const readyAt = iso(Math.max(created, ...timelines.map((t) => t.readySince ?? created)));
  const condition = (type: string, ok: boolean, reason?: string): Json => ({
    type,
    status: ok ? 'True' : 'False',
    ...(ok || reason === undefined ? {} : { reason }),
    lastTransitionTime: ok ? readyAt : iso(created),
  });
  return {
    status: {
      phase,
      conditions: [
        condition('PodScheduled', true),
        condition('Initialized', true),
        condition('ContainersReady', allReady, allSucceeded ? 'PodCompleted' : 'ContainersNotReady'),
        condition('Ready', allReady, allSucceeded ? 'PodCompleted' : 'ContainersNotReady'),
      ],
      hostIP: '10.0.0.10',
      podIP: '10.1.0.10',
      startTime: iso(created),
      containerStatuses: statuses,
      qosClass: podRequests(pod).cpu > 0 ? 'Burstable' : 'BestEffort',
    },
    events,
    next,
  };
}
