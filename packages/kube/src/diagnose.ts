/**
 * Why a rollout failed, from what the cluster says about the workload's newest pods: scheduling failures with the
 * scheduler's message, container waiting reasons (ImagePullBackOff, ErrImagePull, CrashLoopBackOff,
 * CreateContainerConfigError...), OOM kills and exit codes, the last log lines of crashing containers, Warning
 * events, and GKE Autopilot's resource adjustments (the `autopilot.gke.io/resource-adjustment` annotation).
 */
import type { KubeClient } from './client.js';
import { objectPath } from './discovery.js';
import type { ApiResource } from './discovery.js';
import { describeRef, isRecord } from './types.js';
import type { KubeObject, ObjectRef } from './types.js';

/** What was found for one workload. */
export interface Diagnosis {
  ref: ObjectRef;
  /** One line per distinct problem, most telling first. */
  problems: string[];
  /** Last log lines of crashing containers. */
  logs: Array<{ pod: string; container: string; lines: string[] }>;
  /** Recent Warning events of the pods and the workload. */
  events: string[];
  /** Autopilot's changes to container resources. */
  adjustments: string[];
}

/** Options of {@link diagnose}. */
export interface DiagnoseOptions {
  /** Pods looked at in detail. */
  maxPods?: number;
  /** Log lines kept per crashing container. */
  logLines?: number;
}

type Json = Record<string, unknown>;

/** Container waiting reasons that mean the rollout will not progress by itself. */
const STUCK_REASONS = new Set([
  'ImagePullBackOff',
  'ErrImagePull',
  'InvalidImageName',
  'ErrImageNeverPull',
  'CrashLoopBackOff',
  'CreateContainerConfigError',
  'CreateContainerError',
  'RunContainerError',
  'PreCreateHookError',
  'PostStartHookError',
]);

const ANNOTATION = 'autopilot.gke.io/resource-adjustment';

function obj(value: unknown): Json {
  return isRecord(value) ? value : {};
}

function list(value: unknown): Json[] {
  return Array.isArray(value) ? value.filter(isRecord) : [];
}

/** A label selector object as the `labelSelector` query parameter. */
export function selectorString(selector: unknown): string | undefined {
  const s = obj(selector);
  const parts = Object.entries(obj(s.matchLabels)).map(([k, v]) => `${k}=${String(v)}`);
  for (const e of list(s.matchExpressions)) {
    const values = Array.isArray(e.values) ? e.values.map(String).join(',') : '';
    switch (e.operator) {
      case 'In':
        parts.push(`${String(e.key)} in (${values})`);
        break;
      case 'NotIn':
        parts.push(`${String(e.key)} notin (${values})`);
        break;
      case 'Exists':
        parts.push(String(e.key));
        break;
      case 'DoesNotExist':
        parts.push(`!${String(e.key)}`);
        break;
    }
  }
  return parts.length === 0 ? undefined : parts.join(',');
}

function revision(o: Json): number {
  return Number(obj(obj(o.metadata).annotations)['deployment.kubernetes.io/revision'] ?? 0);
}

const core = (plural: string): ApiResource => ({
  group: '',
  version: 'v1',
  plural,
  kind: '',
  namespaced: true,
});
const replicaSets: ApiResource = {
  group: 'apps',
  version: 'v1',
  plural: 'replicasets',
  kind: 'ReplicaSet',
  namespaced: true,
};

/** The label selector of the pods of a workload's current revision. */
async function currentPodSelector(client: KubeClient, workload: KubeObject): Promise<string | undefined> {
  const spec = obj(workload.spec);
  const base = selectorString(spec.selector);
  if (workload.kind !== 'Deployment' || base === undefined) return base;
  const owned = await client.request<{ items?: Json[] }>({
    method: 'GET',
    path: objectPath(replicaSets, workload.metadata.namespace),
    query: { labelSelector: base },
  });
  const mine = list(owned.items).filter((rs) =>
    list(obj(rs.metadata).ownerReferences).some((r) => r.uid === workload.metadata.uid),
  );
  const newest = mine.sort((a, b) => revision(b) - revision(a))[0];
  const hash = obj(obj(newest?.metadata).labels)['pod-template-hash'];
  return hash === undefined ? base : `${base},pod-template-hash=${String(hash)}`;
}

/** The problems of one pod (without its name, so replicas with the same problem group), and its crashing containers. */
function podProblems(pod: Json): { problems: string[]; crashing: string[] } {
  const status = obj(pod.status);
  const problems: string[] = [];
  const crashing: string[] = [];
  const scheduled = list(status.conditions).find((c) => c.type === 'PodScheduled');
  if (scheduled?.status === 'False' && scheduled.reason === 'Unschedulable') {
    problems.push(`unschedulable: ${String(scheduled.message ?? '')}`);
  }
  for (const cs of [...list(status.initContainerStatuses), ...list(status.containerStatuses)]) {
    const container = String(cs.name);
    const waiting = obj(obj(cs.state).waiting);
    const terminatedNow = obj(obj(cs.state).terminated);
    const last = obj(obj(cs.lastState).terminated);
    const restarts = typeof cs.restartCount === 'number' ? cs.restartCount : 0;
    if (typeof waiting.reason === 'string' && STUCK_REASONS.has(waiting.reason)) {
      // The kubelet's CrashLoopBackOff message only names the pod and the back-off; the exit and the logs say why.
      const informative =
        waiting.reason !== 'CrashLoopBackOff' &&
        typeof waiting.message === 'string' &&
        waiting.message !== '';
      const message = informative ? `: ${String(waiting.message)}` : '';
      problems.push(`container ${container}: ${waiting.reason}${message}`);
    }
    const ended = Object.keys(last).length > 0 ? last : terminatedNow;
    if (ended.reason === 'OOMKilled') {
      problems.push(
        `container ${container} was OOMKilled (exit code ${String(ended.exitCode ?? 137)}, ${restarts} restarts): it used more memory than its limit`,
      );
      crashing.push(container);
    } else if (typeof ended.exitCode === 'number' && ended.exitCode !== 0) {
      problems.push(
        `container ${container} exited with code ${ended.exitCode} (${String(ended.reason ?? 'Error')}, ${restarts} restarts)`,
      );
      crashing.push(container);
    }
  }
  return { problems, crashing };
}

function adjustmentsOf(pod: Json): string[] {
  const raw = obj(obj(pod.metadata).annotations)[ANNOTATION];
  if (typeof raw !== 'string') return [];
  try {
    const parsed = obj(JSON.parse(raw));
    return list(obj(parsed.output).containers).map((c) => {
      const requests = Object.entries(obj(c.requests))
        .map(([k, v]) => `${k}=${String(v)}`)
        .join(', ');
      return `Autopilot set the resources of container ${String(c.name)}: requests ${requests}`;
    });
  } catch {
    return [`Autopilot adjusted the resources of pod ${String(obj(pod.metadata).name)}: ${raw}`];
  }
}

async function lastLogLines(
  client: KubeClient,
  namespace: string,
  pod: string,
  container: string,
  lines: number,
): Promise<string[]> {
  const path = `${objectPath(core('pods'), namespace, pod)}/log`;
  for (const previous of [true, false]) {
    try {
      const text = await client.text(path, {
        container,
        tailLines: lines,
        ...(previous ? { previous: true } : {}),
      });
      const out = text
        .replace(/\n$/, '')
        .split('\n')
        .filter((l) => l !== '');
      if (out.length > 0) return out;
    } catch {
      // No previous instance (or logs are not kept): try the current one, then give up quietly.
    }
  }
  return [];
}

async function warningEvents(client: KubeClient, namespace: string, names: string[]): Promise<string[]> {
  const out: string[] = [];
  for (const name of names) {
    const events = await client.request<{ items?: Json[] }>({
      method: 'GET',
      path: objectPath(core('events'), namespace),
      query: { fieldSelector: `involvedObject.name=${name}` },
    });
    for (const e of list(events.items)) {
      if (e.type !== 'Warning') continue;
      const line = `${String(obj(e.involvedObject).kind)}/${name}: ${String(e.reason)}: ${String(e.message)}`;
      if (!out.includes(line)) out.push(line);
    }
  }
  return out.slice(-8);
}

/** Looks at a workload's current pods and events and says what is wrong. Never throws: a diagnosis is best effort. */
export async function diagnose(
  client: KubeClient,
  workload: KubeObject,
  opts: DiagnoseOptions = {},
): Promise<Diagnosis> {
  const ref: ObjectRef = {
    apiVersion: workload.apiVersion,
    kind: workload.kind,
    name: String(workload.metadata.name),
    ...(workload.metadata.namespace === undefined ? {} : { namespace: workload.metadata.namespace }),
  };
  const result: Diagnosis = { ref, problems: [], logs: [], events: [], adjustments: [] };
  const namespace = workload.metadata.namespace ?? 'default';
  try {
    const selector = await currentPodSelector(client, workload);
    const pods =
      selector === undefined
        ? []
        : list(
            (
              await client.request<{ items?: Json[] }>({
                method: 'GET',
                path: objectPath(core('pods'), namespace),
                query: { labelSelector: selector },
              })
            ).items,
          );
    const troubled: string[] = [];
    // The same problem on every replica is one problem: list the pods instead of repeating it.
    const podsWith = new Map<string, string[]>();
    for (const pod of pods) {
      const { problems, crashing } = podProblems(pod);
      const podName = String(obj(pod.metadata).name);
      for (const p of problems) podsWith.set(p, [...(podsWith.get(p) ?? []), podName]);
      if (problems.length > 0) troubled.push(podName);
      if (result.logs.length < (opts.maxPods ?? 3)) {
        for (const container of crashing) {
          const lines = await lastLogLines(client, namespace, podName, container, opts.logLines ?? 20);
          if (lines.length > 0 && !result.logs.some((l) => l.container === container))
            result.logs.push({ pod: podName, container, lines });
        }
      }
      for (const a of adjustmentsOf(pod)) if (!result.adjustments.includes(a)) result.adjustments.push(a);
    }
    for (const [problem, names] of podsWith) {
      const who =
        names.length === 1
          ? `pod ${names[0]}`
          : `pods ${names.slice(0, 2).join(', ')}${names.length > 2 ? ` and ${names.length - 2} more` : ''}`;
      result.problems.push(`${who}: ${problem}`);
    }
    if (pods.length === 0 && selector !== undefined) result.problems.push(`no pods match ${selector}`);
    result.events = await warningEvents(client, namespace, [
      String(workload.metadata.name),
      ...troubled.slice(0, opts.maxPods ?? 3),
    ]);
  } catch (e) {
    result.problems.push(`could not read the pods: ${e instanceof Error ? e.message : String(e)}`);
  }
  return result;
}

/** A diagnosis as lines for the log and the error message. */
export function describeDiagnosis(d: Diagnosis): string[] {
  const lines = d.problems.map((p) => `${describeRef(d.ref)}: ${p}`);
  for (const l of d.logs) lines.push(`last log lines of ${l.pod}/${l.container}:\n  ${l.lines.join('\n  ')}`);
  return lines;
}
