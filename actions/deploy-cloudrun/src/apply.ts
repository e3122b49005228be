/**
 * The part of deploy-cloudrun that talks to Google: loaded with `import()` only after every input is valid, so a
 * bad input never pays for google-auth-library and @google-cloud/run. It builds the auth client from the
 * credential file (no metadata-server probe), opens the API at the configured endpoint, and runs the regions in
 * parallel: plan all (read only), then apply all.
 */
import { describeError, log } from '@slipway/core';
import { createAuthClient } from '@slipway/gcp/auth';
import {
  RolloutFailedError,
  JobFailedError,
  applyJobPlan,
  applyServicePlan,
  createRunApi,
  planJobDeploy,
  planServiceDeploy,
  validateJobPlan,
  validateServicePlan,
} from '@slipway/gcp/run';
import type { DeployHooks, RunApi } from '@slipway/gcp/run';
import type { RunContext } from './context.js';
import type { Inputs } from './inputs.js';
import type { Outcome, Plans } from './report.js';
import type { Requests } from './requests.js';

/** The cloud side of a run. */
export interface Cloud {
  /** Reads each region and plans it; throws when any region cannot be planned (nothing is changed then). */
  plan(requests: Requests): Promise<Plans>;
  /** Sends each plan with `validateOnly`. */
  validate(plans: Plans): Promise<void>;
  /** Applies each region's plan in parallel; never throws for one region's failure. */
  apply(plans: Plans): Promise<Outcome[]>;
  close(): Promise<void>;
}

/** Errors of several regions, reported together. */
export class RegionsError extends Error {
  constructor(errors: Array<{ region: string; error: unknown }>) {
    super(errors.map((e) => `${e.region}: ${describeError(e.error)}`).join('; '));
    this.name = 'RegionsError';
  }
}

async function all<T, R>(items: T[], region: (item: T) => string, fn: (item: T) => Promise<R>): Promise<R[]> {
  const settled = await Promise.allSettled(items.map(fn));
  const errors = settled.flatMap((s, i) =>
    s.status === 'rejected' ? [{ region: region(items[i]!), error: s.reason as unknown }] : [],
  );
  if (errors.length > 0)
    throw errors.length === 1 && items.length === 1 ? errors[0]!.error : new RegionsError(errors);
  return settled.map((s) => (s as PromiseFulfilledResult<R>).value);
}

function outcomeOf(region: string, e: unknown): Outcome {
  if (e instanceof JobFailedError) return { region, ok: false, error: e.message, job: e.result };
  if (e instanceof RolloutFailedError) return { region, ok: false, error: e.message, logsUrl: e.logsUrl };
  return { region, ok: false, error: `${region}: ${describeError(e)}` };
}

/** Opens the cloud side: credentials and API clients are set up, nothing is sent yet. */
export async function openCloud(inputs: Inputs, ctx: RunContext): Promise<Cloud> {
  log.info(`Authenticating with ${ctx.identity}; project ${ctx.project} (from ${ctx.projectSource})`);
  const authClient = await createAuthClient(ctx.credentials, { projectId: ctx.project });
  const api: RunApi = createRunApi({
    authClient,
    endpoint: inputs.endpoint,
    onRetry: (call, e, attempt, delay) =>
      log.info(`${call}: ${describeError(e)}; retrying in ${delay} ms (attempt ${attempt + 1})`),
  });
  const hooks: DeployHooks = {
    log: (line) => log.info(line),
    pollIntervalMs: inputs.pollIntervalMs,
    timeoutMs: inputs.waitTimeoutMs,
  };
  return {
    async plan(requests) {
      if (requests.kind === 'service') {
        return {
          kind: 'service',
          plans: await all(
            requests.requests,
            (r) => r.region,
            (r) => planServiceDeploy(api, r),
          ),
        };
      }
      return {
        kind: 'job',
        plans: await all(
          requests.requests,
          (r) => r.region,
          (r) => planJobDeploy(api, r),
        ),
      };
    },
    async validate(plans) {
      if (plans.kind === 'service')
        await all(
          plans.plans,
          (p) => p.request.region,
          (p) => validateServicePlan(api, p),
        );
      else
        await all(
          plans.plans,
          (p) => p.request.region,
          (p) => validateJobPlan(api, p),
        );
    },
    async apply(plans) {
      if (plans.kind === 'service') {
        return Promise.all(
          plans.plans.map((p) =>
            applyServicePlan(api, p, hooks).then(
              (service): Outcome => ({ region: p.request.region, ok: true, service }),
              (e: unknown) => outcomeOf(p.request.region, e),
            ),
          ),
        );
      }
      return Promise.all(
        plans.plans.map((p) =>
          applyJobPlan(api, p, hooks).then(
            (job): Outcome => ({ region: p.request.region, ok: true, job }),
            (e: unknown) => outcomeOf(p.request.region, e),
          ),
        ),
      );
    },
    close: () => api.close(),
  };
}
