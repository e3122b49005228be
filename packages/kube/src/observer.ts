/**
 * The rollout observer for Kubernetes workloads (the `RolloutObserver` seam of @slipway/core): each `observe()`
 * reads every workload that has not settled and reports kubectl's rollout status for it. Between observations it
 * sleeps on a WATCH of the first unsettled workload, so a rollout that finishes is noticed at once instead of at
 * the next poll.
 */
import type { RolloutObserver, RolloutSnapshot } from '@slipway/core';
import type { KubeClient, WatchEvent } from './client.js';
import { objectPath } from './discovery.js';
import type { ApiResource } from './discovery.js';
import { isStatus } from './errors.js';
import { rolloutState } from './rollout-status.js';
import type { RolloutState } from './rollout-status.js';
import { describeRef } from './types.js';
import type { KubeObject, ObjectRef } from './types.js';

/** A workload to wait for. */
export interface Workload {
  ref: ObjectRef;
  resource: ApiResource;
}

/** Where one workload's rollout ended (or stood when the wait ended). */
export interface WorkloadOutcome {
  ref: ObjectRef;
  state: RolloutState['state'];
  message: string;
  /** The last version read. */
  object: KubeObject | undefined;
}

interface Seen {
  state: RolloutState;
  object: KubeObject | undefined;
}

/** Observes a set of workloads until each is done or failed. */
export class WorkloadObserver implements RolloutObserver {
  private readonly seen = new Map<string, Seen>();
  private watchable = true;

  /**
   * @param client the connection
   * @param workloads what to wait for
   */
  constructor(
    private readonly client: KubeClient,
    private readonly workloads: Workload[],
  ) {}

  private key(w: Workload): string {
    return describeRef(w.ref);
  }

  private settled(w: Workload): boolean {
    const s = this.seen.get(this.key(w));
    return s !== undefined && s.state.state !== 'progressing';
  }

  /** Reads every unsettled workload and says where the rollout stands. */
  async observe(): Promise<RolloutSnapshot> {
    const events: string[] = [];
    for (const w of this.workloads) {
      if (this.settled(w)) continue;
      const path = objectPath(w.resource, w.ref.namespace, w.ref.name);
      let state: RolloutState;
      let object: KubeObject | undefined;
      try {
        object = await this.client.request<KubeObject>({ method: 'GET', path });
        state = rolloutState(object);
      } catch (e) {
        if (!isStatus(e, 404)) throw e;
        state = { state: 'failed', message: 'it was deleted while the rollout was being watched' };
      }
      const before = this.seen.get(this.key(w));
      this.seen.set(this.key(w), { state, object });
      if (state.state !== 'progressing' && before?.state.state !== state.state) {
        events.push(`${this.key(w)}: ${state.state === 'done' ? 'rolled out' : 'failed'}: ${state.message}`);
      }
    }
    const outcomes = this.outcomes();
    const settled = outcomes.every((o) => o.state !== 'progressing');
    const failed = outcomes.filter((o) => o.state === 'failed');
    return {
      done: settled && failed.length === 0,
      failed: settled && failed.length > 0,
      summary: outcomes
        .map((o) => `${describeRef(o.ref)}: ${o.state === 'progressing' ? o.message : o.state}`)
        .join('; '),
      reasons: failed.map((o) => `${describeRef(o.ref)}: ${o.message}`),
      events,
    };
  }

  /** Where each workload stands after the last observation. */
  outcomes(): WorkloadOutcome[] {
    return this.workloads.map((w) => {
      const s = this.seen.get(this.key(w));
      return {
        ref: w.ref,
        state: s?.state.state ?? 'progressing',
        message: s?.state.message ?? 'not observed yet',
        object: s?.object,
      };
    });
  }

  /**
   * Waits up to `ms`, returning early when the first unsettled workload changes (a WATCH from the version last
   * read). Falls back to a plain sleep when the server refuses watches.
   */
  readonly sleep = async (ms: number): Promise<void> => {
    const next = this.workloads.find((w) => !this.settled(w));
    const object = next === undefined ? undefined : this.seen.get(this.key(next))?.object;
    if (next === undefined || !this.watchable || object === undefined) {
      await new Promise<void>((r) => setTimeout(r, ms));
      return;
    }
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), ms);
    const resourceVersion = object.metadata.resourceVersion;
    try {
      await this.client.watch(
        objectPath(next.resource, next.ref.namespace),
        {
          fieldSelector: `metadata.name=${next.ref.name}`,
          ...(resourceVersion === undefined ? {} : { resourceVersion }),
          timeoutSeconds: Math.max(1, Math.ceil(ms / 1000)),
        },
        (event: WatchEvent) => {
          if (event.type !== 'BOOKMARK') controller.abort();
        },
        controller.signal,
      );
    } catch (e) {
      // 403 (no watch permission) or 410 (too old): poll instead; the next observe() reads the object again.
      if (isStatus(e, 403) || isStatus(e, 405)) this.watchable = false;
      if (!controller.signal.aborted) await new Promise<void>((r) => setTimeout(r, Math.min(ms, 1000)));
    } finally {
      clearTimeout(timer);
    }
  };
}
