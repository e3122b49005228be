/**
 * Rollout observers (core's `RolloutObserver` seam) for Cloud Run: a service rollout (the long-running operation,
 * the service and its revision's conditions), an execution of a job, and a bare long-running operation. Each
 * `observe()` reads, never writes; `pollRollout` drives them with one deadline and backoff.
 */
import type { RolloutObserver, RolloutSnapshot } from '@slipway/core';
import type { OperationState, RunApi } from './client.js';
import type { RunApiError } from './errors.js';
import { shortRevision } from './traffic.js';
import type { Condition, Execution, Revision, Service } from './types.js';

/** The condition of a type, if present. */
export function conditionOf(
  resource: { conditions?: Condition[] } | undefined,
  type: string,
): Condition | undefined {
  return resource?.conditions?.find((c) => c.type === type);
}

const STATE_TEXT: Record<string, string> = {
  CONDITION_PENDING: 'pending',
  CONDITION_RECONCILING: 'deploying',
  CONDITION_FAILED: 'failed',
  CONDITION_SUCCEEDED: 'ready',
};

function stateText(c: Condition | undefined): string {
  return c?.state === undefined ? 'pending' : (STATE_TEXT[c.state] ?? c.state.toLowerCase());
}

function snapshot(
  summary: string,
  outcome: 'progress' | 'done' | 'failed',
  reasons: string[] = [],
  events: string[] = [],
): RolloutSnapshot {
  return { done: outcome === 'done', failed: outcome === 'failed', summary, reasons, events };
}

/** What a service rollout waits for. */
export interface ServiceRolloutTarget {
  /** Full name of the service. */
  service: string;
  /** The operation of the write; undefined when nothing was written (an unchanged service is still checked). */
  operation?: string;
  /** Whether the write makes a revision. */
  makesRevision: boolean;
  /** Full name of the new revision when the deploy names it. */
  revision?: string;
  /** The service's latest created revision before the write, to tell an auto-named new one. */
  previous?: string;
  /** Prefix of every summary (`us-central1: `). */
  label?: string;
}

/**
 * Watches a service until its (new) revision is Ready and the operation is done, or fails: a revision whose Ready
 * condition fails ends the rollout at once with Cloud Run's message, as does a failed operation. A done operation
 * whose revision is not ready is a failure too: no URL is reported for a revision that cannot serve.
 */
export class ServiceRolloutObserver implements RolloutObserver {
  /** The last service read. */
  service: Service | undefined;
  /** The last revision read. */
  revision: Revision | undefined;
  /** Full name of the revision being watched, once known. */
  revisionName: string | undefined;
  private readonly seen = new Map<string, string>();

  constructor(
    private readonly api: RunApi,
    private readonly target: ServiceRolloutTarget,
  ) {}

  async observe(): Promise<RolloutSnapshot> {
    const label = this.target.label ?? '';
    const op: OperationState | undefined = this.target.operation
      ? await this.api.getOperation(this.target.operation)
      : undefined;
    const service = await this.api.getService(this.target.service);
    this.service = service;
    if (service === undefined)
      return snapshot(`${label}the service is gone`, 'failed', ['the service no longer exists']);
    let name = this.target.revision ?? service.latestCreatedRevision;
    if (this.target.makesRevision && this.target.revision === undefined && name === this.target.previous)
      name = undefined;
    this.revisionName = name;
    const revision = name === undefined ? undefined : await this.api.getRevision(name);
    this.revision = revision;
    const ready = conditionOf(revision, 'Ready');
    const short = shortRevision(name);
    const summary =
      short === undefined
        ? `${label}waiting for the new revision`
        : `${label}revision ${short}: ${stateText(ready)}`;
    const events = this.events(revision, label, short);
    if (ready?.state === 'CONDITION_FAILED') {
      return snapshot(summary, 'failed', [ready.message || `revision ${short} failed`], events);
    }
    if (op?.done && op.error !== undefined) return snapshot(summary, 'failed', [op.error.detail], events);
    const settled = op === undefined || op.done;
    if (!settled) return snapshot(summary, 'progress', [], events);
    if (revision === undefined) {
      if (op === undefined && this.target.makesRevision) return snapshot(summary, 'progress', [], events);
      return snapshot(summary, 'failed', ['the service has no revision'], events);
    }
    if (ready?.state !== 'CONDITION_SUCCEEDED') {
      // Without a write of ours in flight, an unchanged service still rolling out is waited for.
      if (op === undefined) return snapshot(summary, 'progress', [], events);
      const message = ready?.message ? `: ${ready.message}` : '';
      return snapshot(
        summary,
        'failed',
        [`the operation finished but revision ${short} is not ready (${stateText(ready)})${message}`],
        events,
      );
    }
    // The service's status may lag its revision's by a read: wait for it (bounded by the deadline).
    if (service.latestReadyRevision !== revision.name) return snapshot(summary, 'progress', [], events);
    const terminal = service.terminalCondition;
    if (terminal?.state === 'CONDITION_FAILED')
      return snapshot(summary, 'failed', [terminal.message || 'the service is not ready'], events);
    if (terminal?.state !== 'CONDITION_SUCCEEDED' && op === undefined)
      return snapshot(summary, 'progress', [], events);
    return snapshot(summary, 'done', [], events);
  }

  /** Condition changes since the last read, as log lines. */
  private events(revision: Revision | undefined, label: string, short: string | undefined): string[] {
    const out: string[] = [];
    for (const c of revision?.conditions ?? []) {
      if (c.type === undefined || c.type === 'Ready') continue;
      const text = `${stateText(c)}${c.message ? ` (${c.message})` : ''}`;
      const key = `${short}/${c.type}`;
      if (this.seen.get(key) === text) continue;
      this.seen.set(key, text);
      out.push(`${label}revision ${short}: ${c.type} ${text}`);
    }
    return out;
  }
}

/** Watches a long-running operation (a job created or updated, a traffic change) until it is done. */
export class OperationObserver implements RolloutObserver {
  /** The operation's error, once it has failed. */
  error: RunApiError | undefined;

  constructor(
    private readonly api: RunApi,
    private readonly operation: string,
    private readonly what: string,
  ) {}

  async observe(): Promise<RolloutSnapshot> {
    const op = await this.api.getOperation(this.operation);
    this.error = op.error;
    if (!op.done) return snapshot(`${this.what}: in progress`, 'progress');
    if (op.error !== undefined) return snapshot(`${this.what}: failed`, 'failed', [op.error.detail]);
    return snapshot(`${this.what}: done`, 'done');
  }
}

/** Counts of an execution's tasks, from the execution. */
export function taskCounts(e: Execution): {
  tasks: number;
  succeeded: number;
  failed: number;
  cancelled: number;
  running: number;
} {
  return {
    tasks: e.taskCount ?? 0,
    succeeded: e.succeededCount ?? 0,
    failed: e.failedCount ?? 0,
    cancelled: e.cancelledCount ?? 0,
    running: e.runningCount ?? 0,
  };
}

/** Watches an execution until its Completed condition settles. */
export class ExecutionObserver implements RolloutObserver {
  /** The last execution read. */
  execution: Execution | undefined;

  constructor(
    private readonly api: RunApi,
    private readonly name: string,
    private readonly label = '',
  ) {}

  async observe(): Promise<RolloutSnapshot> {
    const e = await this.api.getExecution(this.name);
    this.execution = e;
    const c = taskCounts(e);
    const summary = `${this.label}execution ${this.name.split('/').pop()}: ${c.succeeded}/${c.tasks} tasks succeeded, ${c.failed} failed, ${c.running} running`;
    const completed = conditionOf(e, 'Completed');
    if (completed?.state === 'CONDITION_SUCCEEDED') return snapshot(summary, 'done');
    if (completed?.state === 'CONDITION_FAILED')
      return snapshot(summary, 'failed', [completed.message || 'the execution failed']);
    if (e.completionTime && c.running === 0)
      return snapshot(summary, c.failed + c.cancelled > 0 ? 'failed' : 'done');
    return snapshot(summary, 'progress');
  }
}
