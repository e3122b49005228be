// A small controller-manager for the stand-in: Deployments through ReplicaSets to Pods, StatefulSets with
// ControllerRevisions, DaemonSets on every eligible node, Jobs to completion, and the kubelet's view of each pod
// (kube-pods.ts), all as functions of the simulated clock. Status fields and condition reasons follow
// https://kubernetes.io/docs/concepts/workloads/controllers/deployment/#deployment-status (Progressing:
// NewReplicaSetCreated, ReplicaSetUpdated, NewReplicaSetAvailable, ProgressDeadlineExceeded),
// https://kubernetes.io/docs/reference/kubernetes-api/workload-resources/stateful-set-v1/#StatefulSetStatus,
// .../daemon-set-v1/#DaemonSetStatus and .../job-v1/#JobStatus.
import { createHash } from 'node:crypto';
import { clone, deepEqual, isRecord } from './kube-apply.js';
import type { KubeObject } from './kube-apply.js';
import { podStateAt, schedule } from './kube-pods.js';
import type { ImageBehaviour, PodEvent, PodTiming, SimNode } from './kube-pods.js';

type Json = Record<string, unknown>;

/** What the controllers need from the API server's storage. */
export interface ControllerHost {
  now(): number;
  list(group: string, plural: string, namespace?: string): KubeObject[];
  create(group: string, plural: string, object: KubeObject): KubeObject;
  /** Stores a new version when it differs from the stored one; returns whether it did. */
  update(group: string, plural: string, object: KubeObject): boolean;
  remove(group: string, plural: string, namespace: string, name: string): void;
  recordEvent(involved: KubeObject, event: PodEvent & { fieldPath?: string }): void;
  nodes(): SimNode[];
  behaviour(image: string): ImageBehaviour;
  timing(): PodTiming;
  autopilot(): boolean;
}

const SAFE = 'bcdfghjklmnpqrstvwxz2456789';

function stable(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stable).join(',')}]`;
  if (isRecord(value)) {
    return `{${Object.keys(value)
      .filter((k) => value[k] !== undefined)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${stable(value[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}

/** A short name-safe hash, like the controller's `pod-template-hash` (alphabet without vowels). */
export function templateHash(template: unknown, length = 10): string {
  const bytes = createHash('sha256').update(stable(template)).digest();
  let out = '';
  for (let i = 0; i < length; i++) out += SAFE[(bytes[i] ?? 0) % SAFE.length];
  return out;
}

function meta(o: KubeObject): Json {
  return (o.metadata ??= {}) as Json;
}

function spec(o: KubeObject): Json {
  return (isRecord(o.spec) ? o.spec : {}) as Json;
}

function status(o: KubeObject): Json {
  return (isRecord(o.status) ? o.status : {}) as Json;
}

function ownedBy(o: KubeObject, owner: KubeObject): boolean {
  const refs = meta(o).ownerReferences;
  return Array.isArray(refs) && refs.some((r) => isRecord(r) && r.uid === meta(owner).uid);
}

function ownerRef(owner: KubeObject): Json {
  return {
    apiVersion: owner.apiVersion,
    kind: owner.kind,
    name: meta(owner).name,
    uid: meta(owner).uid,
    controller: true,
    blockOwnerDeletion: true,
  };
}

function iso(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function intOr(value: unknown, fallback: number): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : fallback;
}

function podReady(pod: KubeObject): boolean {
  const conditions = status(pod).conditions;
  return (
    Array.isArray(conditions) &&
    conditions.some((c) => isRecord(c) && c.type === 'Ready' && c.status === 'True')
  );
}

function podPhase(pod: KubeObject): string {
  return String(status(pod).phase ?? 'Pending');
}

function revisionOf(o: KubeObject): number {
  const annotations = (meta(o).annotations ?? {}) as Record<string, string>;
  return Number(annotations['deployment.kubernetes.io/revision'] ?? '0');
}

interface Progress {
  key: string;
  lastProgressAt: number;
}

/** The controllers, with the bookkeeping the real ones keep in memory or in annotations. */
export class Controllers {
  private readonly progress = new Map<string, Progress>();
  private readonly emitted = new Map<string, Set<string>>();
  private readonly placements = new Map<string, { node: string } | { message: string }>();
  private readonly nextTimes = new Map<string, number>();
  private counter = 0;

  constructor(private readonly host: ControllerHost) {}

  /** Runs every controller until nothing changes (bounded). */
  reconcile(): void {
    for (let round = 0; round < 20; round++) {
      let changed = false;
      changed = this.deployments() || changed;
      changed = this.replicaSets() || changed;
      changed = this.statefulSets() || changed;
      changed = this.daemonSets() || changed;
      changed = this.jobs() || changed;
      changed = this.pods() || changed;
      if (!changed) return;
    }
  }

  /** The earliest future instant at which some status changes by itself, if any. */
  nextChange(): number | undefined {
    const now = this.host.now();
    let next: number | undefined;
    for (const t of this.nextTimes.values()) if (t > now) next = next === undefined ? t : Math.min(next, t);
    return next;
  }

  private name(owner: string): string {
    this.counter += 1;
    return `${owner}-${templateHash(`${owner}/${this.counter}`, 5)}`;
  }

  private newPod(
    owner: KubeObject,
    template: Json,
    name: string,
    extraLabels: Record<string, string>,
    nodeName?: string,
  ): void {
    const templateMeta = (isRecord(template.metadata) ? template.metadata : {}) as Json;
    const podSpec = clone((isRecord(template.spec) ? template.spec : {}) as Json);
    const annotations = { ...((templateMeta.annotations ?? {}) as Record<string, string>) };
    if (this.host.autopilot()) this.autopilotDefaults(podSpec, annotations);
    if (nodeName !== undefined) podSpec.nodeName = nodeName;
    this.host.create('', 'pods', {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name,
        namespace: meta(owner).namespace,
        labels: { ...((templateMeta.labels ?? {}) as Record<string, string>), ...extraLabels },
        ...(Object.keys(annotations).length > 0 ? { annotations } : {}),
        ownerReferences: [ownerRef(owner)],
      },
      spec: podSpec,
    });
  }

  /** GKE Autopilot's mutating webhook: default requests for containers without any, noted in an annotation. */
  private autopilotDefaults(podSpec: Json, annotations: Record<string, string>): void {
    const containers = Array.isArray(podSpec.containers) ? (podSpec.containers as Json[]) : [];
    const adjusted = containers.filter((c) => !isRecord(c.resources) || !isRecord(c.resources.requests));
    if (adjusted.length === 0) return;
    const defaults = { cpu: '500m', 'ephemeral-storage': '1Gi', memory: '2Gi' };
    for (const c of adjusted) c.resources = { limits: { ...defaults }, requests: { ...defaults } };
    annotations['autopilot.gke.io/resource-adjustment'] = JSON.stringify({
      input: { containers: adjusted.map((c) => ({ name: c.name })) },
      output: { containers: adjusted.map((c) => ({ limits: defaults, requests: defaults, name: c.name })) },
      modified: true,
    });
  }

  private podsOf(owner: KubeObject): KubeObject[] {
    return this.host.list('', 'pods', String(meta(owner).namespace)).filter((p) => ownedBy(p, owner));
  }

  private deployments(): boolean {
    let changed = false;
    const now = this.host.now();
    for (const d of this.host.list('apps', 'deployments')) {
      const ns = String(meta(d).namespace);
      const name = String(meta(d).name);
      const s = spec(d);
      const template = (isRecord(s.template) ? s.template : {}) as Json;
      const hash = templateHash(template);
      const owned = this.host.list('apps', 'replicasets', ns).filter((rs) => ownedBy(rs, d));
      const maxRevision = Math.max(0, ...owned.map(revisionOf));
      let newRs = owned.find(
        (rs) => ((meta(rs).labels ?? {}) as Record<string, string>)['pod-template-hash'] === hash,
      );
      const desired = intOr(s.replicas, 1);
      const uid = String(meta(d).uid);
      if (newRs === undefined) {
        const rsName = `${name}-${hash}`;
        const templateMeta = (isRecord(template.metadata) ? template.metadata : {}) as Json;
        const labels = {
          ...((templateMeta.labels ?? {}) as Record<string, string>),
          'pod-template-hash': hash,
        };
        const selector = (isRecord(s.selector) ? clone(s.selector) : {}) as Json;
        selector.matchLabels = {
          ...((selector.matchLabels ?? {}) as Record<string, string>),
          'pod-template-hash': hash,
        };
        newRs = this.host.create('apps', 'replicasets', {
          apiVersion: 'apps/v1',
          kind: 'ReplicaSet',
          metadata: {
            name: rsName,
            namespace: ns,
            labels,
            annotations: {
              'deployment.kubernetes.io/revision': String(maxRevision + 1),
              'deployment.kubernetes.io/desired-replicas': String(desired),
              'deployment.kubernetes.io/max-replicas': String(desired + Math.ceil(desired / 4)),
            },
            ownerReferences: [ownerRef(d)],
          },
          spec: {
            replicas: 0,
            selector,
            template: { ...clone(template), metadata: { ...templateMeta, labels } },
          },
        });
        this.progress.set(uid, { key: `${rsName}:new`, lastProgressAt: now });
        this.host.recordEvent(d, {
          at: now,
          type: 'Normal',
          reason: 'ScalingReplicaSet',
          message: `Scaled up replica set ${rsName} from 0 to ${desired}`,
          component: 'deployment-controller',
        });
        changed = true;
        continue;
      }
      if (revisionOf(newRs) < maxRevision) {
        // A rollback to an older template: the old ReplicaSet becomes the newest revision again.
        ((meta(newRs).annotations ??= {}) as Record<string, string>)['deployment.kubernetes.io/revision'] =
          String(maxRevision + 1);
        this.host.update('apps', 'replicasets', newRs);
        this.progress.set(uid, { key: `${String(meta(newRs).name)}:rollback`, lastProgressAt: now });
        changed = true;
      }
      const strategy = (isRecord(s.strategy) ? s.strategy : {}) as Json;
      const recreate = strategy.type === 'Recreate';
      const olds = owned.filter((rs) => rs !== newRs);
      const podsOf = (rs: KubeObject) =>
        this.podsOf(rs).filter((p) => !['Succeeded', 'Failed'].includes(podPhase(p)));
      const newPods = podsOf(newRs);
      const newAvailable = newPods.filter(podReady).length;
      const oldPodCount = olds.reduce((n, rs) => n + podsOf(rs).length, 0);
      const scale = (rs: KubeObject, target: number) => {
        const from = intOr(spec(rs).replicas, 0);
        if (from === target) return;
        rs.spec = { ...spec(rs), replicas: target };
        this.host.update('apps', 'replicasets', rs);
        this.host.recordEvent(d, {
          at: now,
          type: 'Normal',
          reason: 'ScalingReplicaSet',
          message: `Scaled ${target > from ? 'up' : 'down'} replica set ${String(meta(rs).name)} from ${from} to ${target}`,
          component: 'deployment-controller',
        });
        changed = true;
      };
      if (recreate) {
        for (const rs of olds) scale(rs, 0);
        scale(newRs, oldPodCount > 0 ? 0 : desired);
      } else {
        // RollingUpdate as the deployment controller does it: scale the new ReplicaSet up within maxSurge, and the
        // old ones down only as far as maxUnavailable allows.
        const rolling = (isRecord(strategy.rollingUpdate) ? strategy.rollingUpdate : {}) as Json;
        const resolve = (value: unknown, fallback: string, roundUp: boolean): number => {
          const v = value ?? fallback;
          if (typeof v === 'number') return v;
          const pct = Number(String(v).replace('%', '')) / 100;
          return roundUp ? Math.ceil(desired * pct) : Math.floor(desired * pct);
        };
        const surge = resolve(rolling.maxSurge, '25%', true);
        let unavailable = resolve(rolling.maxUnavailable, '25%', false);
        if (surge === 0 && unavailable === 0) unavailable = 1;
        const specTotal = owned.reduce((n, rs) => n + intOr(spec(rs).replicas, 0), 0);
        const current = intOr(spec(newRs).replicas, 0);
        if (current < desired)
          scale(newRs, Math.min(desired, current + Math.max(0, desired + surge - specTotal)));
        else if (current > desired) scale(newRs, desired);
        const available = owned.reduce((n, rs) => n + podsOf(rs).filter(podReady).length, 0);
        let removable = Math.max(0, available - (desired - unavailable));
        for (const rs of olds) {
          const replicas = intOr(spec(rs).replicas, 0);
          if (replicas === 0) continue;
          // Pods that are not ready can go at once: they serve nothing.
          const notReady = podsOf(rs).filter((p) => !podReady(p)).length;
          const cut = Math.min(replicas, notReady + removable);
          removable -= Math.max(0, cut - notReady);
          if (cut > 0) scale(rs, replicas - cut);
        }
      }
      const allPods = owned.flatMap(podsOf);
      const ready = allPods.filter(podReady).length;
      const updated = newPods.length;
      const complete = updated === desired && allPods.length === desired && newAvailable === desired;
      const rsName = String(meta(newRs).name);
      const key = `${rsName}:${updated}:${newAvailable}:${allPods.length}`;
      const p = this.progress.get(uid) ?? { key, lastProgressAt: now };
      if (p.key !== key) {
        p.key = key;
        p.lastProgressAt = now;
      }
      this.progress.set(uid, p);
      const deadline = intOr(s.progressDeadlineSeconds, 600) * 1000;
      const previous = (Array.isArray(status(d).conditions) ? status(d).conditions : []) as Json[];
      const prevProgressing = previous.find((c) => c.type === 'Progressing');
      let progressing: Json;
      if (complete) {
        progressing = {
          type: 'Progressing',
          status: 'True',
          reason: 'NewReplicaSetAvailable',
          message: `ReplicaSet "${rsName}" has successfully progressed.`,
        };
      } else if (now - p.lastProgressAt >= deadline) {
        progressing = {
          type: 'Progressing',
          status: 'False',
          reason: 'ProgressDeadlineExceeded',
          message: `ReplicaSet "${rsName}" has timed out progressing.`,
        };
      } else {
        progressing = {
          type: 'Progressing',
          status: 'True',
          reason: updated === 0 && newAvailable === 0 ? 'NewReplicaSetCreated' : 'ReplicaSetUpdated',
          message:
            updated === 0 && newAvailable === 0
              ? `Created new replica set "${rsName}"`
              : `ReplicaSet "${rsName}" is progressing.`,
        };
        this.nextTimes.set(`deploy/${uid}`, p.lastProgressAt + deadline);
      }
      if (complete || now - p.lastProgressAt >= deadline) this.nextTimes.delete(`deploy/${uid}`);
      const sameProgress =
        prevProgressing !== undefined &&
        prevProgressing.reason === progressing.reason &&
        prevProgressing.status === progressing.status;
      progressing.lastUpdateTime = sameProgress ? prevProgressing.lastUpdateTime : iso(now);
      progressing.lastTransitionTime =
        prevProgressing !== undefined && prevProgressing.status === progressing.status
          ? prevProgressing.lastTransitionTime
          : iso(now);
      const maxUnavailable = Math.floor(desired / 4);
      const availableOk = ready >= desired - maxUnavailable;
      const prevAvailable = previous.find((c) => c.type === 'Available');
      const available: Json = {
        type: 'Available',
        status: availableOk ? 'True' : 'False',
        reason: availableOk ? 'MinimumReplicasAvailable' : 'MinimumReplicasUnavailable',
        message: availableOk
          ? 'Deployment has minimum availability.'
          : 'Deployment does not have minimum availability.',
        lastUpdateTime:
          prevAvailable !== undefined && prevAvailable.status === (availableOk ? 'True' : 'False')
            ? prevAvailable.lastUpdateTime
            : iso(now),
        lastTransitionTime:
          prevAvailable !== undefined && prevAvailable.status === (availableOk ? 'True' : 'False')
            ? prevAvailable.lastTransitionTime
            : iso(now),
      };
      const next: Json = {
        observedGeneration: meta(d).generation,
        replicas: allPods.length,
        updatedReplicas: updated,
        readyReplicas: ready,
        availableReplicas: ready,
        ...(allPods.length - ready > 0 ? { unavailableReplicas: Math.max(0, desired - ready) } : {}),
        conditions: [available, progressing],
      };
      if (!deepEqual(status(d), next)) {
        d.status = next;
        const annotations = (meta(d).annotations ??= {}) as Record<string, string>;
        annotations['deployment.kubernetes.io/revision'] = String(revisionOf(newRs));
        if (this.host.update('apps', 'deployments', d)) changed = true;
      } else {
        const annotations = (meta(d).annotations ??= {}) as Record<string, string>;
        if (annotations['deployment.kubernetes.io/revision'] !== String(revisionOf(newRs))) {
          annotations['deployment.kubernetes.io/revision'] = String(revisionOf(newRs));
          if (this.host.update('apps', 'deployments', d)) changed = true;
        }
      }
    }
    return changed;
  }

  private replicaSets(): boolean {
    let changed = false;
    for (const rs of this.host.list('apps', 'replicasets')) {
      const s = spec(rs);
      const desired = intOr(s.replicas, 1);
      const pods = this.podsOf(rs).filter((p) => !['Succeeded', 'Failed'].includes(podPhase(p)));
      const template = (isRecord(s.template) ? s.template : {}) as Json;
      for (let i = pods.length; i < desired; i++) {
        const name = this.name(String(meta(rs).name));
        this.newPod(rs, template, name, {});
        this.host.recordEvent(rs, {
          at: this.host.now(),
          type: 'Normal',
          reason: 'SuccessfulCreate',
          message: `Created pod: ${name}`,
          component: 'replicaset-controller',
        });
        changed = true;
      }
      if (pods.length > desired) {
        const doomed = [...pods]
          .sort((a, b) => Number(podReady(a)) - Number(podReady(b)))
          .slice(0, pods.length - desired);
        for (const p of doomed) {
          this.host.remove('', 'pods', String(meta(p).namespace), String(meta(p).name));
          this.host.recordEvent(rs, {
            at: this.host.now(),
            type: 'Normal',
            reason: 'SuccessfulDelete',
            message: `Deleted pod: ${String(meta(p).name)}`,
            component: 'replicaset-controller',
          });
        }
        changed = true;
      }
      const current = this.podsOf(rs).filter((p) => !['Succeeded', 'Failed'].includes(podPhase(p)));
      const ready = current.filter(podReady).length;
      const next = {
        replicas: current.length,
        fullyLabeledReplicas: current.length,
        readyReplicas: ready,
        availableReplicas: ready,
        observedGeneration: meta(rs).generation,
      };
      if (!deepEqual(status(rs), next)) {
        rs.status = next;
        if (this.host.update('apps', 'replicasets', rs)) changed = true;
      }
    }
    return changed;
  }

  private statefulSets(): boolean {
    let changed = false;
    for (const sts of this.host.list('apps', 'statefulsets')) {
      const ns = String(meta(sts).namespace);
      const name = String(meta(sts).name);
      const s = spec(sts);
      const template = (isRecord(s.template) ? s.template : {}) as Json;
      const updateRevision = `${name}-${templateHash(template)}`;
      const revisions = this.host.list('apps', 'controllerrevisions', ns).filter((r) => ownedBy(r, sts));
      if (!revisions.some((r) => meta(r).name === updateRevision)) {
        this.host.create('apps', 'controllerrevisions', {
          apiVersion: 'apps/v1',
          kind: 'ControllerRevision',
          metadata: { name: updateRevision, namespace: ns, ownerReferences: [ownerRef(sts)] },
          data: { spec: { template: clone(template) } },
          revision: revisions.length + 1,
        });
        changed = true;
      }
      const desired = intOr(s.replicas, 1);
      const pods = this.podsOf(sts);
      const revisionOfPod = (p: KubeObject) =>
        ((meta(p).labels ?? {}) as Record<string, string>)['controller-revision-hash'];
      // OrderedReady: ordinal i is created only when 0..i-1 are ready.
      for (let i = 0; i < desired; i++) {
        const podName = `${name}-${i}`;
        const pod = pods.find((p) => meta(p).name === podName);
        if (pod === undefined) {
          this.newPod(sts, template, podName, {
            'controller-revision-hash': updateRevision,
            'statefulset.kubernetes.io/pod-name': podName,
            'apps.kubernetes.io/pod-index': String(i),
          });
          changed = true;
          break;
        }
        if (!podReady(pod)) break;
      }
      for (const p of pods) {
        const ordinal = Number(String(meta(p).name).slice(name.length + 1));
        if (ordinal >= desired) {
          this.host.remove('', 'pods', ns, String(meta(p).name));
          changed = true;
        }
      }
      const live = this.podsOf(sts);
      if (live.length === desired && live.every(podReady)) {
        const stale = live
          .filter((p) => revisionOfPod(p) !== updateRevision)
          .sort((a, b) => String(meta(b).name).localeCompare(String(meta(a).name)));
        const first = stale[0];
        if (first !== undefined) {
          this.host.remove('', 'pods', ns, String(meta(first).name));
          changed = true;
        }
      }
      const after = this.podsOf(sts);
      const updated = after.filter((p) => revisionOfPod(p) === updateRevision).length;
      const ready = after.filter(podReady).length;
      const prev = status(sts);
      const allDone = updated === desired && ready === desired;
      const currentRevision = allDone ? updateRevision : String(prev.currentRevision ?? updateRevision);
      const next = {
        observedGeneration: meta(sts).generation,
        replicas: after.length,
        readyReplicas: ready,
        availableReplicas: ready,
        currentReplicas: after.filter((p) => revisionOfPod(p) === currentRevision).length,
        updatedReplicas: updated,
        currentRevision,
        updateRevision,
        collisionCount: 0,
      };
      if (!deepEqual(prev, next)) {
        sts.status = next;
        if (this.host.update('apps', 'statefulsets', sts)) changed = true;
      }
    }
    return changed;
  }

  private eligibleNodes(template: Json): SimNode[] {
    const podSpec = (isRecord(template.spec) ? template.spec : {}) as Json;
    const fake: KubeObject = { spec: { ...podSpec, containers: [] } };
    return this.host.nodes().filter((n) => 'node' in schedule(fake, [n], []));
  }

  private daemonSets(): boolean {
    let changed = false;
    for (const ds of this.host.list('apps', 'daemonsets')) {
      const ns = String(meta(ds).namespace);
      const name = String(meta(ds).name);
      const template = (isRecord(spec(ds).template) ? spec(ds).template : {}) as Json;
      const hash = templateHash(template);
      const nodes = this.eligibleNodes(template);
      const pods = this.podsOf(ds);
      const hashOf = (p: KubeObject) =>
        ((meta(p).labels ?? {}) as Record<string, string>)['controller-revision-hash'];
      for (const node of nodes) {
        if (!pods.some((p) => spec(p).nodeName === node.name)) {
          this.newPod(ds, template, this.name(name), { 'controller-revision-hash': hash }, node.name);
          changed = true;
        }
      }
      const live = this.podsOf(ds);
      if (live.length >= nodes.length && live.every(podReady)) {
        const stale = live.find((p) => hashOf(p) !== hash);
        if (stale !== undefined) {
          this.host.remove('', 'pods', ns, String(meta(stale).name));
          changed = true;
        }
      }
      const after = this.podsOf(ds);
      const ready = after.filter(podReady).length;
      const next = {
        desiredNumberScheduled: nodes.length,
        currentNumberScheduled: after.length,
        updatedNumberScheduled: after.filter((p) => hashOf(p) === hash).length,
        numberReady: ready,
        numberAvailable: ready,
        ...(nodes.length - ready > 0 ? { numberUnavailable: nodes.length - ready } : {}),
        numberMisscheduled: 0,
        observedGeneration: meta(ds).generation,
      };
      if (!deepEqual(status(ds), next)) {
        ds.status = next;
        if (this.host.update('apps', 'daemonsets', ds)) changed = true;
      }
    }
    return changed;
  }

  private jobs(): boolean {
    let changed = false;
    const now = this.host.now();
    for (const job of this.host.list('batch', 'jobs')) {
      const s = spec(job);
      const completions = intOr(s.completions, 1);
      const parallelism = intOr(s.parallelism, 1);
      const backoffLimit = intOr(s.backoffLimit, 6);
      const pods = this.podsOf(job);
      const succeeded = pods.filter((p) => podPhase(p) === 'Succeeded').length;
      const failed = pods.filter((p) => podPhase(p) === 'Failed').length;
      const active = pods.filter((p) => !['Succeeded', 'Failed'].includes(podPhase(p)));
      const prev = status(job);
      const conditions = (Array.isArray(prev.conditions) ? prev.conditions : []) as Json[];
      const finished = conditions.some(
        (c) => (c.type === 'Complete' || c.type === 'Failed') && c.status === 'True',
      );
      const next: Json = { ...prev, startTime: prev.startTime ?? iso(now) };
      if (!finished) {
        if (succeeded >= completions) {
          for (const p of active)
            this.host.remove('', 'pods', String(meta(p).namespace), String(meta(p).name));
          next.conditions = [
            {
              type: 'SuccessCriteriaMet',
              status: 'True',
              reason: 'CompletionsReached',
              message: 'Reached expected number of succeeded pods',
              lastProbeTime: iso(now),
              lastTransitionTime: iso(now),
            },
            {
              type: 'Complete',
              status: 'True',
              reason: 'CompletionsReached',
              message: 'Reached expected number of succeeded pods',
              lastProbeTime: iso(now),
              lastTransitionTime: iso(now),
            },
          ];
          next.completionTime = iso(now);
          this.host.recordEvent(job, {
            at: now,
            type: 'Normal',
            reason: 'Completed',
            message: 'Job completed',
            component: 'job-controller',
          });
        } else if (failed > backoffLimit) {
          for (const p of active)
            this.host.remove('', 'pods', String(meta(p).namespace), String(meta(p).name));
          next.conditions = [
            {
              type: 'FailureTarget',
              status: 'True',
              reason: 'BackoffLimitExceeded',
              message: 'Job has reached the specified backoff limit',
              lastProbeTime: iso(now),
              lastTransitionTime: iso(now),
            },
            {
              type: 'Failed',
              status: 'True',
              reason: 'BackoffLimitExceeded',
              message: 'Job has reached the specified backoff limit',
              lastProbeTime: iso(now),
              lastTransitionTime: iso(now),
            },
          ];
          this.host.recordEvent(job, {
            at: now,
            type: 'Warning',
            reason: 'BackoffLimitExceeded',
            message: 'Job has reached the specified backoff limit',
            component: 'job-controller',
          });
        } else {
          const want = Math.min(parallelism, completions - succeeded) - active.length;
          const template = (isRecord(s.template) ? s.template : {}) as Json;
          for (let i = 0; i < want; i++) {
            const name = this.name(String(meta(job).name));
            this.newPod(job, template, name, {
              'batch.kubernetes.io/controller-uid': String(meta(job).uid),
              'batch.kubernetes.io/job-name': String(meta(job).name),
              'controller-uid': String(meta(job).uid),
              'job-name': String(meta(job).name),
            });
            this.host.recordEvent(job, {
              at: now,
              type: 'Normal',
              reason: 'SuccessfulCreate',
              message: `Created pod: ${name}`,
              component: 'job-controller',
            });
            changed = true;
          }
        }
      }
      const live = this.podsOf(job).filter((p) => !['Succeeded', 'Failed'].includes(podPhase(p)));
      next.active = live.length;
      next.ready = live.filter(podReady).length;
      next.succeeded = succeeded;
      next.failed = failed;
      for (const k of ['active', 'succeeded', 'failed'] as const) if (next[k] === 0) delete next[k];
      if (!deepEqual(prev, next)) {
        job.status = next;
        if (this.host.update('batch', 'jobs', job)) changed = true;
      }
    }
    return changed;
  }

  private pods(): boolean {
    let changed = false;
    const now = this.host.now();
    const all = this.host.list('', 'pods');
    const placed = all.filter((p) => typeof spec(p).nodeName === 'string');
    for (const pod of all) {
      const uid = String(meta(pod).uid);
      let placement = this.placements.get(uid);
      if (placement === undefined) {
        const preset = spec(pod).nodeName;
        placement = typeof preset === 'string' ? { node: preset } : schedule(pod, this.host.nodes(), placed);
        this.placements.set(uid, placement);
        if ('node' in placement && spec(pod).nodeName === undefined) {
          pod.spec = { ...spec(pod), nodeName: placement.node };
          placed.push(pod);
        }
      }
      const state = podStateAt(
        pod,
        now,
        (image) => this.host.behaviour(image),
        this.host.timing(),
        placement,
      );
      if (state.next === undefined) this.nextTimes.delete(`pod/${uid}`);
      else this.nextTimes.set(`pod/${uid}`, state.next);
      const seen = this.emitted.get(uid) ?? new Set<string>();
      this.emitted.set(uid, seen);
      for (const event of state.events) {
        if (event.at > now) continue;
        const key = `${event.container ?? ''}|${event.reason}|${event.message}`;
        if (seen.has(key)) continue;
        seen.add(key);
        this.host.recordEvent(pod, {
          ...event,
          ...(event.container === undefined ? {} : { fieldPath: `spec.containers{${event.container}}` }),
        });
      }
      const next = { ...state.status };
      if (!deepEqual(status(pod), next) || (spec(pod).nodeName !== undefined && !placed.includes(pod))) {
        pod.status = next;
        if (this.host.update('', 'pods', pod)) changed = true;
      }
    }
    return changed;
  }
}
