/**
 * One region's service deploy: observe (read the service, and its IAM policy when asked to change it), plan,
 * write, follow the rollout, then set the invoker binding. A write that meets a concurrent change (409 ABORTED on
 * the etag) is re-read, re-planned and tried once more; so is a create that finds the service already made.
 */
import { TimeoutError, describeError, pollRollout } from '@slipway/core';
import type { RolloutSnapshot } from '@slipway/core';
import type { OperationStart, RunApi } from './client.js';
import { isAlreadyExists, isConflict } from './errors.js';
import { planInvokerPolicy } from './iam.js';
import { revisionLogsUrl, serviceConsoleUrl } from './links.js';
import { ServiceRolloutObserver } from './observe.js';
import { planService, serviceName } from './plan.js';
import type { ServiceDeployRequest, ServicePlan } from './plan.js';
import { shortRevision, trafficRows } from './traffic.js';
import type { TrafficRow } from './traffic.js';
import { settableService } from './normalize.js';
import type { IamPolicy, Service } from './types.js';

/** How a deploy reports and paces itself. */
export interface DeployHooks {
  /** One line of progress (already prefixed with the region by the caller's choice of `label`). */
  log(line: string): void;
  /** First interval between polls; it grows while nothing changes. */
  pollIntervalMs: number;
  /** How long to wait for a rollout or an execution. */
  timeoutMs: number;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
}

/** The outcome of one region's service deploy. */
export interface ServiceResult {
  region: string;
  /** Full resource name. */
  name: string;
  service: string;
  action: 'created' | 'updated' | 'unchanged';
  /** The revision the service's spec now runs (short name). */
  revision: string;
  url: string;
  tagUrl: string | undefined;
  traffic: TrafficRow[];
  /** Whether `allUsers` was added or removed as invoker. */
  invoker: 'added' | 'removed' | undefined;
  logsUrl: string;
  consoleUrl: string;
}

/** A rollout that did not end ready: its region, revision, Cloud Run's messages and where the logs are. */
export class RolloutFailedError extends Error {
  readonly region: string;
  readonly revision: string | undefined;
  readonly reasons: string[];
  readonly logsUrl: string | undefined;

  constructor(region: string, revision: string | undefined, reasons: string[], logsUrl: string | undefined) {
    const what = revision === undefined ? 'the rollout failed' : `revision ${revision} is not ready`;
    super(`${region}: ${what}: ${reasons.join('; ')}${logsUrl ? ` (logs: ${logsUrl})` : ''}`);
    this.name = 'RolloutFailedError';
    this.region = region;
    this.revision = revision;
    this.reasons = reasons;
    this.logsUrl = logsUrl;
  }
}

/** Reads the service and, when `allow-unauthenticated` is set and the service exists, its IAM policy; then plans. */
export async function planServiceDeploy(api: RunApi, request: ServiceDeployRequest): Promise<ServicePlan> {
  const name = serviceName(request.project, request.region, request.service);
  const live = await api.getService(name);
  const policy =
    live !== undefined && request.allowUnauthenticated !== undefined
      ? await api.getIamPolicy(name)
      : undefined;
  return planService(request, live, policy);
}

/**
 * Sends the plan with `validateOnly`, so that Cloud Run checks what `dry-run` shows without changing anything.
 * Does nothing for a plan without changes.
 */
export async function validateServicePlan(api: RunApi, plan: ServicePlan): Promise<void> {
  if (plan.action === 'create') await api.createService(plan.name, plan.desired, { validateOnly: true });
  else if (plan.action === 'update') await api.updateService(plan.desired, { validateOnly: true });
}

async function write(api: RunApi, plan: ServicePlan): Promise<OperationStart | undefined> {
  if (plan.action === 'create') return api.createService(plan.name, plan.desired);
  if (plan.action === 'update') return api.updateService(plan.desired);
  return undefined;
}

async function setInvoker(
  api: RunApi,
  plan: ServicePlan,
  hooks: DeployHooks,
  label: string,
): Promise<'added' | 'removed' | undefined> {
  const allow = plan.request.allowUnauthenticated;
  if (allow === undefined) return undefined;
  let policy: IamPolicy | undefined =
    plan.action === 'create' ? await api.getIamPolicy(plan.name) : plan.invoker?.policy;
  if (plan.action === 'create') policy = planInvokerPolicy(policy ?? {}, allow);
  if (policy === undefined) return undefined;
  for (let attempt = 1; ; attempt++) {
    try {
      await api.setIamPolicy(plan.name, policy);
      return allow ? 'added' : 'removed';
    } catch (e) {
      if (attempt > 1 || !isConflict(e)) throw e;
      hooks.log(`${label}the IAM policy changed since it was read; reading it again`);
      policy = planInvokerPolicy(await api.getIamPolicy(plan.name), allow);
      if (policy === undefined) return undefined;
    }
  }
}

/**
 * Applies a plan and follows the rollout. Resolves when the service's revision is Ready and serving as planned;
 * throws a {@link RolloutFailedError} when it is not (traffic stays where Cloud Run keeps it: on the revisions that
 * were ready), and API errors as they come.
 */
export async function applyServicePlan(
  api: RunApi,
  plan: ServicePlan,
  hooks: DeployHooks,
): Promise<ServiceResult> {
  const { region, project, service } = plan.request;
  const label = `${region}: `;
  let current = plan;
  let op: OperationStart | undefined;
  for (let attempt = 1; ; attempt++) {
    try {
      op = await write(api, current);
      break;
    } catch (e) {
      const retryable = isConflict(e) || (current.action === 'create' && isAlreadyExists(e));
      if (attempt > 1 || !retryable) throw e;
      hooks.log(
        `${label}${isConflict(e) ? 'the service changed since it was read (etag conflict)' : 'the service was created meanwhile'}: reading it again and retrying once`,
      );
      current = await planServiceDeploy(api, current.request);
    }
  }
  if (current.action !== 'none')
    hooks.log(
      `${label}${current.action === 'create' ? 'creating' : 'updating'} ${service}${current.makesRevision ? ', new revision' : ', no new revision'}`,
    );
  const observer = new ServiceRolloutObserver(api, {
    service: current.name,
    operation: op?.name,
    makesRevision: current.action !== 'none' && current.makesRevision,
    revision:
      current.makesRevision && current.revisionName
        ? `${current.name}/revisions/${current.revisionName}`
        : undefined,
    previous: current.live?.latestCreatedRevision,
    label,
  });
  let last: RolloutSnapshot;
  try {
    last = await pollRollout(observer, pollSettings(hooks, label, 'the rollout'));
  } catch (e) {
    if (!(e instanceof TimeoutError)) throw e;
    const revision = shortRevision(observer.revisionName);
    throw new RolloutFailedError(region, revision, [e.message], logsOf(observer, project, region, service));
  }
  const revision = shortRevision(observer.revisionName);
  if (last.failed)
    throw new RolloutFailedError(region, revision, last.reasons, logsOf(observer, project, region, service));
  let live = observer.service!;
  if (current.finalTraffic !== undefined) live = await moveTraffic(api, current, live, hooks, label);
  const invoker = await setInvoker(api, current, hooks, label);
  const rows = trafficRows(live);
  const tag = current.request.tag;
  return {
    region,
    name: current.name,
    service,
    action: current.action === 'create' ? 'created' : current.action === 'update' ? 'updated' : 'unchanged',
    revision: revision ?? '',
    url: live.uri ?? '',
    tagUrl: tag === undefined ? undefined : rows.find((r) => r.tag === tag)?.url,
    traffic: rows,
    invoker,
    logsUrl: logsOf(observer, project, region, service) ?? '',
    consoleUrl: serviceConsoleUrl(project, region, service),
  };
}

/** The second write of a two-step rollout: the planned traffic, now that the new revision is ready. */
async function moveTraffic(
  api: RunApi,
  plan: ServicePlan,
  ready: Service,
  hooks: DeployHooks,
  label: string,
): Promise<Service> {
  hooks.log(`${label}the new revision is ready: moving traffic as planned`);
  let live = ready;
  let op: OperationStart | undefined;
  for (let attempt = 1; ; attempt++) {
    try {
      op = await api.updateService({
        ...settableService(live),
        name: plan.name,
        etag: live.etag,
        traffic: plan.finalTraffic,
      });
      break;
    } catch (e) {
      if (attempt > 1 || !isConflict(e)) throw e;
      hooks.log(
        `${label}the service changed since it was read (etag conflict): reading it again and retrying once`,
      );
      const fresh = await api.getService(plan.name);
      if (fresh === undefined) throw e;
      live = fresh;
    }
  }
  const observer = new ServiceRolloutObserver(api, {
    service: plan.name,
    operation: op.name,
    makesRevision: false,
    label,
  });
  const last = await pollRollout(observer, pollSettings(hooks, label, 'the traffic move'));
  if (last.failed) {
    throw new RolloutFailedError(
      plan.request.region,
      shortRevision(observer.revisionName),
      last.reasons,
      undefined,
    );
  }
  return observer.service!;
}

function logsOf(
  observer: ServiceRolloutObserver,
  project: string,
  region: string,
  service: string,
): string | undefined {
  const revision = shortRevision(observer.revisionName);
  if (revision === undefined) return undefined;
  return observer.revision?.logUri || revisionLogsUrl(project, region, service, revision);
}

/** How a deploy polls: the hooks' interval, deadline and clock; progress logged; read errors logged and retried. */
export function pollSettings(hooks: DeployHooks, label: string, what: string) {
  return {
    timeoutMs: hooks.timeoutMs,
    initialIntervalMs: hooks.pollIntervalMs,
    maxIntervalMs: Math.max(hooks.pollIntervalMs, 10_000),
    sleep: hooks.sleep,
    now: hooks.now,
    onProgress: hooks.log,
    onError: (e: unknown) => hooks.log(`${label}could not read ${what} (will retry): ${describeError(e)}`),
  };
}

/** Whether an error is a rollout failure (as opposed to an API or input error). */
export function isRolloutFailure(e: unknown): e is RolloutFailedError {
  return e instanceof RolloutFailedError;
}
