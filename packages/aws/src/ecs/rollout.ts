/**
 * Following one ECS deployment to its end: the Rollout observer for core's `pollRollout`. It watches the
 * deployment the action started (by id), not just a steady service, so a deployment that ECS rolled back, or
 * that another deployment replaced, never counts as a success.
 */
import type { Deployment, Service, ServiceEvent } from '@aws-sdk/client-ecs';
import { TimeoutError, formatDuration, pollRollout } from '@slipway/core';
import type { RolloutObserver, RolloutSnapshot } from '@slipway/core';
import type { EcsApi } from './api.js';

/** How a followed deployment ended. */
export type DeploymentOutcome =
  /** rolloutState COMPLETED. */
  | 'COMPLETED'
  /** rolloutState FAILED, and ECS has not started a rollback. */
  | 'FAILED'
  /** The circuit breaker (or an alarm) failed it and ECS rolled back to an earlier deployment. */
  | 'ROLLED_BACK'
  /** Another deployment became PRIMARY before this one finished. */
  | 'REPLACED'
  /** The deployment is no longer listed on the service. */
  | 'GONE';

/** Which deployment to follow. */
export interface DeploymentWatch {
  cluster: string;
  service: string;
  deploymentId: string;
  /** Ids of service events that existed before the deployment began; they are not reported again. */
  knownEventIds?: Iterable<string>;
}

const ROLLBACK_REASON = /rolling back|rollback/i;

function describeDeployment(d: Deployment): string {
  const failed = d.failedTasks ? `, ${d.failedTasks} failed` : '';
  return `${d.runningCount ?? 0}/${d.desiredCount ?? 0} running, ${d.pendingCount ?? 0} pending${failed}`;
}

/** Observes one deployment of a service through DescribeServices. */
export class EcsDeploymentObserver implements RolloutObserver {
  /** The service as last described. */
  service: Service | undefined;
  /** The followed deployment as last described (undefined once it is gone). */
  deployment: Deployment | undefined;
  /** Set once the deployment has ended. */
  outcome: DeploymentOutcome | undefined;
  /** The deployment that replaced this one (ECS's rollback, or someone else's deploy). */
  successor: Deployment | undefined;
  /** Every event reported so far, oldest first. */
  readonly events: ServiceEvent[] = [];

  private readonly seen: Set<string>;

  constructor(
    private readonly api: EcsApi,
    readonly watch: DeploymentWatch,
  ) {
    this.seen = new Set(watch.knownEventIds ?? []);
  }

  /** One DescribeServices call, turned into a snapshot. */
  async observe(): Promise<RolloutSnapshot> {
    const { cluster, service: name, deploymentId } = this.watch;
    const service = await this.api.describeService(cluster, name);
    if (service === undefined) {
      throw new Error(`service ${name} no longer exists in cluster ${cluster} (deployment ${deploymentId})`);
    }
    this.service = service;
    // ECS lists events newest first; reversed, a stable sort keeps events of the same instant in their order.
    const fresh = [...(service.events ?? [])]
      .reverse()
      .filter((event) => event.id === undefined || !this.seen.has(event.id))
      .sort((a, b) => (a.createdAt?.getTime() ?? 0) - (b.createdAt?.getTime() ?? 0));
    for (const event of fresh) if (event.id !== undefined) this.seen.add(event.id);
    this.events.push(...fresh);
    const events = fresh.map((event) => event.message ?? '').filter((m) => m !== '');

    const deployments = service.deployments ?? [];
    const deployment = deployments.find((d) => d.id === deploymentId);
    this.deployment = deployment;
    const primary = deployments.find((d) => d.status === 'PRIMARY');
    const snapshot = (fields: Partial<RolloutSnapshot> & { summary: string }): RolloutSnapshot => ({
      done: false,
      failed: false,
      reasons: [],
      events,
      ...fields,
    });

    if (deployment === undefined) {
      this.outcome = 'GONE';
      this.successor = primary;
      return snapshot({
        failed: true,
        summary: `deployment ${deploymentId} is no longer listed`,
        reasons: [
          `deployment ${deploymentId} is no longer listed on the service${primary ? `; ${primary.id} (${primary.taskDefinition}) is PRIMARY` : ''}`,
        ],
      });
    }
    const summary = `${deploymentId} ${deployment.rolloutState ?? deployment.status}: ${describeDeployment(deployment)}`;
    const rollback = primary !== undefined && primary.id !== deploymentId ? primary : undefined;

    if (deployment.rolloutState === 'COMPLETED' && deployment.status === 'PRIMARY') {
      this.outcome = 'COMPLETED';
      return snapshot({ done: true, summary });
    }
    if (deployment.rolloutState === 'FAILED' || rollback !== undefined) {
      const rolledBack = rollback !== undefined && ROLLBACK_REASON.test(rollback.rolloutStateReason ?? '');
      this.outcome = rollback === undefined ? 'FAILED' : rolledBack ? 'ROLLED_BACK' : 'REPLACED';
      this.successor = rollback;
      const reasons = [
        deployment.rolloutStateReason ?? `deployment ${deploymentId} ${deployment.rolloutState}`,
      ];
      if (rollback !== undefined) {
        reasons.push(
          rolledBack
            ? `ECS rolled back: ${rollback.id} now deploys ${rollback.taskDefinition} (${rollback.rolloutStateReason})`
            : `${rollback.id} (${rollback.taskDefinition}) replaced this deployment before it finished`,
        );
      }
      return snapshot({ failed: true, summary, reasons });
    }
    // Deployments without a rollout state (older services) are done once they alone run every task.
    if (
      deployment.rolloutState === undefined &&
      deployments.length === 1 &&
      (deployment.runningCount ?? 0) === (deployment.desiredCount ?? 0)
    ) {
      this.outcome = 'COMPLETED';
      return snapshot({ done: true, summary });
    }
    return snapshot({ summary });
  }
}

/** The wait ran out of time; the deployment goes on in ECS. */
export class DeploymentTimeoutError extends Error {
  constructor(
    readonly deploymentId: string,
    readonly timeoutMs: number,
    readonly lastSummary: string | undefined,
    options?: { cause?: unknown },
  ) {
    super(
      `deployment ${deploymentId} did not finish within ${formatDuration(timeoutMs)}${lastSummary ? ` (last seen: ${lastSummary})` : ''}; it goes on in ECS`,
      options,
    );
    this.name = 'DeploymentTimeoutError';
  }
}

/** How to wait. */
export interface WaitOptions {
  timeoutMs: number;
  /** The longest wait between two polls; polling starts at min(2 s, this) and backs off while nothing changes. */
  pollIntervalMs: number;
  /** Each new service event, oldest first, and each change of progress. */
  onEvent?: (message: string) => void;
  onProgress?: (summary: string) => void;
  /** Each retryable error while observing. */
  onError?: (error: unknown) => void;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
}

/**
 * Polls a deployment until it ends; returns the observer, whose `outcome` says how. Throws
 * {@link DeploymentTimeoutError} (naming the deployment) when `timeoutMs` passes first.
 */
export async function waitForDeployment(
  api: EcsApi,
  watch: DeploymentWatch,
  options: WaitOptions,
): Promise<EcsDeploymentObserver> {
  const observer = new EcsDeploymentObserver(api, watch);
  try {
    await pollRollout(observer, {
      timeoutMs: options.timeoutMs,
      initialIntervalMs: Math.min(2000, options.pollIntervalMs),
      maxIntervalMs: options.pollIntervalMs,
      backoff: 1.5,
      onProgress: (line, kind) => (kind === 'event' ? options.onEvent?.(line) : options.onProgress?.(line)),
      ...(options.onError === undefined ? {} : { onError: options.onError }),
      ...(options.sleep === undefined ? {} : { sleep: options.sleep }),
      ...(options.now === undefined ? {} : { now: options.now }),
    });
  } catch (error) {
    if (error instanceof TimeoutError) {
      throw new DeploymentTimeoutError(watch.deploymentId, options.timeoutMs, error.last?.summary, {
        cause: error,
      });
    }
    throw error;
  }
  return observer;
}
