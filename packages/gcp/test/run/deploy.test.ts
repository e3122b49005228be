// The package's deploy flows with the real @google-cloud/run clients (REST) against the Cloud Run stand-in.
import { beforeAll, describe, expect, it } from '@jest/globals';
import {
  CLOUD_RUN_OPERATIONS,
  CONTAINER_FAILED_MESSAGE,
  CloudRunStandIn,
} from '../../../../test/stand-ins/cloud-run.js';
import { Clock } from '../../../../test/stand-ins/clock.js';
import { useStandInApi } from './stand-in-api.js';
import {
  JobFailedError,
  LATEST,
  RolloutFailedError,
  applyJobPlan,
  applyServicePlan,
  planJobDeploy,
  planServiceDeploy,
  validateServicePlan,
} from '../../src/run/index.js';
import type {
  DeployHooks,
  JobDeployRequest,
  RunApi,
  ServiceDeployRequest,
  ServiceSettings,
} from '../../src/run/index.js';

const run = new CloudRunStandIn({
  clock: new Clock(Date.parse('2025-01-01T00:00:00Z')),
  readyAfterMs: 3_000,
  executionDurationMs: 5_000,
  autoAdvanceMs: 1_000,
});
const standIn = useStandInApi(run);
const { lines } = standIn;
let api: RunApi;
beforeAll(() => {
  api = standIn.api();
});
const hooks: DeployHooks = { log: (l) => lines.push(l), pollIntervalMs: 5, timeoutMs: 10_000 };

function settings(over: Partial<ServiceSettings> = {}): ServiceSettings {
  return {
    env: {},
    secretEnv: {},
    secretFiles: {},
    envMode: 'merge',
    labels: {},
    serviceLabels: {},
    ...over,
  };
}

function request(
  service: string,
  over: Partial<ServiceDeployRequest> = {},
  s: Partial<ServiceSettings> = {},
): ServiceDeployRequest {
  return {
    project: 'p',
    region: 'us-central1',
    service,
    settings: settings({ image: 'app:1', ...s }),
    noTraffic: false,
    generatedSuffix: 'abc1234-xyz',
    ...over,
  };
}

async function deploy(req: ServiceDeployRequest) {
  return applyServicePlan(api, await planServiceDeploy(api, req), hooks);
}

const updates = () => run.calls(CLOUD_RUN_OPERATIONS.updateService).map((e) => e.status);

describe('services', () => {
  it('creates a service and reports it once its revision is ready', async () => {
    const result = await deploy(request('one'));
    const live = run.service('projects/p/locations/us-central1/services/one')!;
    expect(result).toMatchObject({
      action: 'created',
      url: live.uri,
      revision: String(live.latestReadyRevision).split('/').pop(),
      traffic: [{ percent: 100, latest: true }],
      consoleUrl: 'https://console.cloud.google.com/run/detail/us-central1/one/revisions?project=p',
    });
    expect(result.logsUrl).toContain('revision_name/one-00001-');
  });

  it('retries a throttled read', async () => {
    run.inject(CLOUD_RUN_OPERATIONS.getService, { kind: 'throttle', times: 1 });
    const result = await deploy(request('one'));
    expect(result.action).toBe('unchanged');
    expect(lines[0]).toBe('retry 1: get service projects/p/locations/us-central1/services/one');
  });

  it('re-reads and retries once after an etag conflict', async () => {
    run.conflictOnNextUpdate('projects/p/locations/us-central1/services/one');
    const result = await deploy(request('one', {}, { image: 'app:2' }));
    expect(result.action).toBe('updated');
    expect(updates()).toEqual([409, 200]);
    expect(lines).toContain(
      'us-central1: the service changed since it was read (etag conflict): reading it again and retrying once',
    );
  });

  it('moves traffic in a second write once a revision deployed after a no-traffic one is ready', async () => {
    const green = await deploy(request('one', { noTraffic: true, tag: 'green' }, { image: 'app:3' }));
    expect(run.traffic('projects/p/locations/us-central1/services/one').map((t) => t.percent)).toEqual([
      100, 0,
    ]);
    run.clearJournal();
    const result = await deploy(request('one', {}, { image: 'app:4' }));
    expect(updates()).toEqual([200, 200]);
    const [first, second] = run
      .calls(CLOUD_RUN_OPERATIONS.updateService)
      .map((e) => (e.body as { traffic: unknown[] }).traffic);
    expect(first).toHaveLength(2);
    expect(second).toEqual([
      { type: 1, percent: 100 },
      { type: 2, revision: green.revision, tag: 'green' },
    ]);
    expect(result.traffic.map((r) => [r.revision, r.percent, r.latest])).toEqual([
      [result.revision, 100, true],
      [green.revision, 0, false],
    ]);
  });

  it('logs and retries a read that fails while it waits for the traffic move', async () => {
    await deploy(request('blip', { generatedSuffix: 'b1' }));
    await deploy(
      request('blip', { noTraffic: true, tag: 'blue', generatedSuffix: 'b2' }, { image: 'app:5' }),
    );
    // Eight failed reads outlast the client's retries of one call; the refusals are armed by the second write, the
    // traffic move, so only the wait after it meets them.
    let writes = 0;
    const blip: RunApi = Object.create(api) as RunApi;
    blip.updateService = async (service) => {
      const op = await api.updateService(service);
      if (++writes === 2) run.refuseNext(CLOUD_RUN_OPERATIONS.getOperation, 'INTERNAL', 'backend blip', 8);
      return op;
    };
    const result = await applyServicePlan(
      blip,
      await planServiceDeploy(blip, request('blip', { generatedSuffix: 'b3' }, { image: 'app:6' })),
      hooks,
    );
    expect(writes).toBe(2);
    expect(result.traffic.find((r) => r.latest)?.percent).toBe(100);
    expect(lines.some((l) => /could not read the traffic move \(will retry\): .*backend blip/.test(l))).toBe(
      true,
    );
  });

  it('fails with the condition message and the logs, leaving traffic where it was', async () => {
    const name = 'projects/p/locations/us-central1/services/one';
    const traffic = run.traffic(name);
    let error: unknown;
    try {
      await deploy(request('one', {}, { image: 'app:bad' }));
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(RolloutFailedError);
    const failure = error as RolloutFailedError;
    const revision = run.revisions(name).at(-1)!;
    expect(failure.revision).toBe(String(revision.name).split('/').pop());
    expect(failure.reasons).toEqual([CONTAINER_FAILED_MESSAGE]);
    expect(failure.logsUrl).toBe(revision.logUri);
    expect(run.traffic(name)).toEqual(traffic);
  });

  it('times out on a revision that never settles, without a result', async () => {
    await expect(
      applyServicePlan(api, await planServiceDeploy(api, request('two', {}, { image: 'app:hang' })), {
        ...hooks,
        timeoutMs: 200,
      }),
    ).rejects.toThrow(
      /us-central1: revision two-00001-[a-z0-9]{3} is not ready: the rollout did not finish within 200ms/,
    );
  });

  it('validates a plan without changing anything', async () => {
    const plan = await planServiceDeploy(api, request('three'));
    await validateServicePlan(api, plan);
    expect(run.calls(CLOUD_RUN_OPERATIONS.createService).map((e) => e.query.validateOnly)).toEqual(['true']);
    expect(run.service('projects/p/locations/us-central1/services/three')).toBeUndefined();
  });

  it('makes a new service public after it is ready, and retries the IAM write once on a conflict', async () => {
    const created = await deploy(request('four', { allowUnauthenticated: true }));
    expect(created.invoker).toBe('added');
    const name = 'projects/p/locations/us-central1/services/four';
    expect(run.members(name, 'roles/run.invoker')).toEqual(['allUsers']);
    const plan = await planServiceDeploy(api, request('four', { allowUnauthenticated: false }));
    // Someone else changes the policy between our read and our write.
    await api.setIamPolicy(name, {
      ...(await api.getIamPolicy(name)),
      bindings: [{ role: 'roles/run.invoker', members: ['allUsers', 'user:a@example.com'] }],
    });
    run.clearJournal();
    const result = await applyServicePlan(api, plan, hooks);
    expect(result.invoker).toBe('removed');
    expect(run.calls(CLOUD_RUN_OPERATIONS.setIamPolicy).map((e) => e.status)).toEqual([409, 200]);
    expect(run.members(name, 'roles/run.invoker')).toEqual(['user:a@example.com']);
  });

  it('keeps LATEST on a create with two regions planned apart', async () => {
    const plan = await planServiceDeploy(api, { ...request('five'), region: 'europe-west1' });
    expect(plan.desired.traffic).toEqual([{ type: LATEST, percent: 100 }]);
    expect(plan.name).toBe('projects/p/locations/europe-west1/services/five');
  });
});

describe('jobs', () => {
  const job = (over: Partial<JobDeployRequest> = {}): JobDeployRequest => ({
    project: 'p',
    region: 'us-central1',
    job: 'batch',
    settings: { ...settings({ image: 'batch:1' }), tasks: 2 },
    execute: true,
    wait: true,
    ...over,
  });

  it('creates a job and runs an execution to success', async () => {
    const result = await applyJobPlan(
      api,
      await planJobDeploy(api, job({ overrides: { taskCount: 4 } })),
      hooks,
    );
    expect(result).toMatchObject({
      action: 'created',
      execution: { state: 'succeeded', tasks: 4, succeeded: 4, failed: 0, failures: [] },
    });
    expect(result.execution!.id).toMatch(/^batch-[a-z0-9]{5}$/);
  });

  it("fails with the failed tasks' messages, carrying the result", async () => {
    run.scriptTasks('projects/p/locations/us-central1/jobs/batch', (i) =>
      i === 0 ? { exitCode: 137, message: 'Container killed: out of memory' } : { exitCode: 0 },
    );
    let error: unknown;
    try {
      await applyJobPlan(api, await planJobDeploy(api, job()), hooks);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(JobFailedError);
    const failure = error as JobFailedError;
    expect(failure.message).toMatch(
      /^us-central1: execution batch-[a-z0-9]{5} failed \(1 of 2 tasks\): task 0: Container killed: out of memory$/,
    );
    expect(failure.result!.execution).toMatchObject({
      state: 'failed',
      succeeded: 1,
      failed: 1,
      failures: ['task 0: Container killed: out of memory'],
    });
    expect(failure.result!.action).toBe('unchanged');
  });

  it('only starts an execution when told not to wait', async () => {
    run.scriptTasks('projects/p/locations/us-central1/jobs/batch', () => ({ exitCode: 0 }));
    const result = await applyJobPlan(api, await planJobDeploy(api, job({ wait: false })), hooks);
    expect(result.execution).toMatchObject({ state: 'started', running: 2 });
  });
});
