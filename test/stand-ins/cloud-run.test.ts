// The real @google-cloud/run v2 clients over REST (`fallback: true`) against the Cloud Run stand-in: what goes on
// the wire, the resource lifecycle on simulated time, Google's error shapes as the library surfaces them.
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { ExecutionsClient } from '@google-cloud/run/build/src/v2/executions_client.js';
import { JobsClient } from '@google-cloud/run/build/src/v2/jobs_client.js';
import { RevisionsClient } from '@google-cloud/run/build/src/v2/revisions_client.js';
import { ServicesClient } from '@google-cloud/run/build/src/v2/services_client.js';
import { TasksClient } from '@google-cloud/run/build/src/v2/tasks_client.js';
import { OAuth2Client } from 'google-auth-library';
import { CLOUD_RUN_OPERATIONS, CONTAINER_FAILED_MESSAGE, CloudRunStandIn } from './cloud-run.js';
import type { JsonObject } from './cloud-run.js';
import { Clock } from './clock.js';

const PARENT = 'projects/demo/locations/us-central1';
const clock = new Clock(Date.parse('2025-03-01T10:00:00Z'));
const run = new CloudRunStandIn({
  clock,
  readyAfterMs: 5_000,
  executionDurationMs: 20_000,
  verifyToken: (token) => (token === 'good-token' ? 'deployer@demo.iam.gserviceaccount.com' : undefined),
});
let services: ServicesClient;
let revisions: RevisionsClient;
let jobs: JobsClient;
let executions: ExecutionsClient;
let tasks: TasksClient;
const NO_RETRY = { retry: null };

function auth(token = 'good-token'): OAuth2Client {
  const client = new OAuth2Client();
  client.setCredentials({ access_token: token, expiry_date: Date.now() + 3_600_000 });
  return client;
}

beforeAll(async () => {
  await run.start();
  const opts = { ...run.clientOptions(), authClient: auth() };
  services = new ServicesClient(opts);
  revisions = new RevisionsClient(opts);
  jobs = new JobsClient(opts);
  executions = new ExecutionsClient(opts);
  tasks = new TasksClient(opts);
});
afterAll(async () => {
  await Promise.all([services.close(), revisions.close(), jobs.close(), executions.close(), tasks.close()]);
  await run.stop();
});
afterEach(() => {
  run.clearFaults();
  run.clearJournal();
});

/** The gRPC code and message a call rejects with. */
async function rejection(p: Promise<unknown>): Promise<{ code: unknown; message: string }> {
  try {
    await p;
  } catch (e) {
    return { code: (e as { code?: unknown }).code, message: (e as Error).message };
  }
  throw new Error('expected a rejection');
}

function container(image: string): JsonObject {
  return { image };
}

async function raw(path: string, init: RequestInit = {}): Promise<{ status: number; body: JsonObject }> {
  const res = await fetch(`${run.url}${path}`, {
    ...init,
    headers: {
      authorization: 'Bearer good-token',
      'content-type': 'application/json',
      ...(init.headers ?? {}),
    },
  });
  return { status: res.status, body: (await res.json()) as JsonObject };
}

describe('services', () => {
  const name = `${PARENT}/services/hello`;

  it('creates a service whose first revision becomes ready on simulated time', async () => {
    const [op] = await services.createService({
      parent: PARENT,
      serviceId: 'hello',
      service: {
        template: { containers: [{ image: 'us-docker.pkg.dev/demo/app/hello:1' }] },
        ingress: 'INGRESS_TRAFFIC_ALL',
      },
    });
    expect(op.name).toMatch(/^projects\/demo\/locations\/us-central1\/operations\/[0-9a-f-]{36}$/);
    expect((await services.checkCreateServiceProgress(op.name!)).done).toBe(false);
    const [pending] = await services.getService({ name });
    expect({
      reconciling: pending.reconciling,
      ready: pending.terminalCondition?.state,
      uri: pending.uri,
    }).toEqual({
      reconciling: true,
      ready: 'CONDITION_RECONCILING',
      uri: '',
    });
    clock.advance(5_000);
    const done = await services.checkCreateServiceProgress(op.name!);
    expect({ done: done.done, error: done.error }).toEqual({ done: true, error: undefined });
    const [svc] = await services.getService({ name });
    expect(svc.latestReadyRevision).toMatch(
      /^projects\/demo\/locations\/us-central1\/services\/hello\/revisions\/hello-00001-[a-z0-9]{3}$/,
    );
    expect(svc.latestCreatedRevision).toBe(svc.latestReadyRevision);
    expect(svc.uri).toMatch(/^https:\/\/hello-[a-z]{10}-uc\.a\.run\.app$/);
    expect(svc.trafficStatuses!.map((t) => [t.type, t.revision, t.percent])).toEqual([
      ['TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST', svc.latestReadyRevision!.split('/').pop(), 100],
    ]);
    expect(svc.template?.timeout?.seconds).toBe('300');
    expect(svc.template?.containers?.[0]?.resources?.limits).toEqual({ cpu: '1000m', memory: '512Mi' });
    expect(svc.creator).toBe('deployer@demo.iam.gserviceaccount.com');
  });

  it('puts numeric enums on the wire both ways when the client asks enum-encoding=int', async () => {
    await services.updateService({
      service: {
        name,
        ingress: 'INGRESS_TRAFFIC_INTERNAL_ONLY',
        template: { containers: [container('us-docker.pkg.dev/demo/app/hello:1')] },
      },
    });
    const [update] = run.calls(CLOUD_RUN_OPERATIONS.updateService);
    expect(update!.query.$alt).toBe('json;enum-encoding=int');
    expect((update!.body as JsonObject).ingress).toBe(2);
    const asInts = await raw(`/v2/${name}?$alt=json;enum-encoding=int`);
    const asNames = await raw(`/v2/${name}`);
    expect([asInts.body.ingress, asNames.body.ingress]).toEqual([2, 'INGRESS_TRAFFIC_INTERNAL_ONLY']);
  });

  it('makes no revision when the template does not change, and a new one when it does', async () => {
    const before = run.revisions(name).length;
    const [svc] = await services.getService({ name });
    await services.updateService({ service: { ...svc, labels: { team: 'web' } } });
    expect(run.revisions(name)).toHaveLength(before);
    expect(run.service(name)!.labels).toEqual({ team: 'web' });
    const [labelled] = await services.getService({ name });
    const [op] = await services.updateService({
      service: {
        ...labelled,
        template: { ...labelled.template, containers: [container('us-docker.pkg.dev/demo/app/hello:2')] },
      },
    });
    const all = run.revisions(name);
    expect(all).toHaveLength(before + 1);
    expect(String(all.at(-1)!.name)).toMatch(/hello-0000\d-[a-z0-9]{3}$/);
    // Traffic stays on the previous revision until the new one is ready.
    expect(run.traffic(name)[0]!.revision).toBe(String(svc.latestReadyRevision).split('/').pop());
    clock.advance(5_000);
    expect((await services.checkUpdateServiceProgress(op.name!)).done).toBe(true);
    expect(run.traffic(name)[0]!.revision).toBe(String(all.at(-1)!.name).split('/').pop());
  });

  it('fails a revision whose container does not start, quoting Cloud Run, and leaves traffic where it was', async () => {
    const trafficBefore = run.traffic(name);
    const [svc] = await services.getService({ name });
    const [op] = await services.updateService({
      service: {
        ...svc,
        template: { ...svc.template, containers: [container('us-docker.pkg.dev/demo/app/hello:bad')] },
      },
    });
    clock.advance(5_000);
    const done = await services.checkUpdateServiceProgress(op.name!);
    expect(done.done).toBe(true);
    expect((done.error as { code?: number }).code).toBe(9);
    expect((done.error as Error).message).toContain(CONTAINER_FAILED_MESSAGE);
    const failed = run.revisions(name).at(-1)!;
    const [revision] = await revisions.getRevision({ name: String(failed.name) });
    expect(revision.conditions!.find((c) => c.type === 'Ready')).toMatchObject({
      state: 'CONDITION_FAILED',
      message: CONTAINER_FAILED_MESSAGE,
    });
    expect(revision.logUri).toContain('resource=cloud_run_revision/service_name/hello');
    expect(run.traffic(name)).toEqual(trafficBefore);
    expect(run.service(name)!.terminalCondition).toMatchObject({
      state: 'CONDITION_FAILED',
      reason: 'REVISION_FAILED',
    });
  });

  it('routes tagged traffic and gives each tag its URL', async () => {
    const [svc] = await services.getService({ name });
    const ready = String(svc.latestReadyRevision).split('/').pop()!;
    await services.updateService({
      service: {
        ...svc,
        template: {
          ...svc.template,
          revision: 'hello-green',
          containers: [container('us-docker.pkg.dev/demo/app/hello:3')],
        },
        traffic: [
          { type: 'TRAFFIC_TARGET_ALLOCATION_TYPE_REVISION', revision: ready, percent: 100, tag: 'blue' },
          {
            type: 'TRAFFIC_TARGET_ALLOCATION_TYPE_REVISION',
            revision: 'hello-green',
            percent: 0,
            tag: 'green',
          },
        ],
      },
    });
    clock.advance(5_000);
    const statuses = run.traffic(name);
    expect(statuses.map((t) => [t.revision, t.percent, t.tag])).toEqual([
      [ready, 100, 'blue'],
      ['hello-green', 0, 'green'],
    ]);
    expect(statuses[1]!.uri).toMatch(/^https:\/\/green---hello-[a-z]{10}-uc\.a\.run\.app$/);
  });

  it.each([
    ['percentages that do not add up to 100', [{ type: 1, percent: 60 }], 3, 'must add up to 100, got 60'],
    [
      'a duplicate tag',
      [
        { type: 1, percent: 100, tag: 'x' },
        { type: 2, revision: 'hello-green', percent: 0, tag: 'x' },
      ],
      3,
      "Duplicate tag 'x'",
    ],
    [
      'an unknown revision',
      [{ type: 2, revision: 'hello-nope', percent: 100 }],
      5,
      "Revision 'hello-nope' referenced in traffic not found",
    ],
  ])('refuses %s as Cloud Run does', async (_what, traffic, code, message) => {
    const [svc] = await services.getService({ name });
    const generation = run.service(name)!.generation;
    const error = await rejection(services.updateService({ service: { ...svc, traffic } }, NO_RETRY));
    expect(error.code).toBe(code);
    expect(error.message).toContain(message);
    expect(run.service(name)!.generation).toBe(generation);
  });

  it('refuses an update that carries a stale etag with 409 ABORTED, and accepts the fresh one', async () => {
    const [svc] = await services.getService({ name });
    run.conflictOnNextUpdate(name);
    const error = await rejection(
      services.updateService({ service: { ...svc, labels: { a: 'b' } } }, NO_RETRY),
    );
    expect(error.code).toBe(10);
    expect(error.message).toMatch(/^Conflict for resource 'hello'/);
    expect(run.calls(CLOUD_RUN_OPERATIONS.updateService).map((e) => e.status)).toEqual([409]);
    const [fresh] = await services.getService({ name });
    await services.updateService({ service: { ...fresh, labels: { a: 'b' } } });
    expect(run.service(name)!.labels).toEqual({ a: 'b' });
  });

  it('validates without persisting when validateOnly is set', async () => {
    const [svc] = await services.getService({ name });
    const count = run.revisions(name).length;
    const [op] = await services.updateService({
      service: {
        ...svc,
        template: {
          ...svc.template,
          revision: '',
          containers: [container('us-docker.pkg.dev/demo/app/hello:9')],
        },
      },
      validateOnly: true,
    });
    expect(op.done).toBe(true);
    expect(run.revisions(name)).toHaveLength(count);
    expect(JSON.stringify(run.service(name)!.template)).not.toContain('hello:9');
  });

  it('creates a missing service on update with allowMissing', async () => {
    const other = `${PARENT}/services/other`;
    await services.updateService({
      service: { name: other, template: { containers: [container('nginx')] } },
      allowMissing: true,
    });
    expect(run.service(other)!.name).toBe(other);
    const error = await rejection(services.getService({ name: `${PARENT}/services/absent` }, NO_RETRY));
    expect(error).toEqual({
      code: 5,
      message:
        "Resource 'absent' of kind 'SERVICE' in region 'us-central1' in project 'demo' does not exist.",
    });
  });

  it.each([
    [
      'a memory above 32Gi',
      { image: 'x', resources: { limits: { cpu: '8', memory: '64Gi' } } },
      'Memory must be between 128Mi and 32Gi',
    ],
    [
      'a CPU Cloud Run does not offer',
      { image: 'x', resources: { limits: { cpu: '3' } } },
      "Invalid value specified for cpu: '3'",
    ],
    [
      'a reserved env name',
      { image: 'x', env: [{ name: 'PORT', value: '1' }] },
      'reserved env names were provided: PORT',
    ],
  ])('refuses %s with INVALID_ARGUMENT', async (_what, c, message) => {
    const error = await rejection(
      services.createService(
        { parent: PARENT, serviceId: 'limits', service: { template: { containers: [c] } } },
        NO_RETRY,
      ),
    );
    expect(error.code).toBe(3);
    expect(error.message).toContain(message);
    expect(run.service(`${PARENT}/services/limits`)).toBeUndefined();
  });

  it('refuses fields the API does not have, as Google front ends do', async () => {
    const res = await raw(`/v2/${PARENT}/services?serviceId=typo`, {
      method: 'POST',
      body: JSON.stringify({ template: { containers: [{ image: 'x', imagePullPolicy: 'Always' }] } }),
    });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({
      status: 'INVALID_ARGUMENT',
      message: `Invalid JSON payload received. Unknown name "imagePullPolicy" at 'service.template.containers[0]': Cannot find field.`,
    });
  });

  it('reads and writes the IAM policy with its etag', async () => {
    const [policy] = await services.getIamPolicy({ resource: name });
    expect(policy.bindings).toEqual([]);
    await services.setIamPolicy({
      resource: name,
      policy: { ...policy, bindings: [{ role: 'roles/run.invoker', members: ['allUsers'] }] },
    });
    expect(run.members(name, 'roles/run.invoker')).toEqual(['allUsers']);
    const stale = await rejection(
      services.setIamPolicy({ resource: name, policy: { ...policy, bindings: [] } }, NO_RETRY),
    );
    expect(stale.code).toBe(10);
    expect(run.members(name, 'roles/run.invoker')).toEqual(['allUsers']);
  });

  it('lists revisions with their conditions', async () => {
    const [list] = await revisions.listRevisions({ parent: name }, { autoPaginate: false });
    expect(list.map((r) => r.conditions!.find((c) => c.type === 'Ready')?.state)).toEqual(
      run.revisions(name).map((r) => (r.conditions as JsonObject[])[0]!.state),
    );
    expect(list.length).toBeGreaterThanOrEqual(4);
  });

  it('answers a missing token with UNAUTHENTICATED', async () => {
    const stranger = new ServicesClient({ ...run.clientOptions(), authClient: auth('forged') });
    const error = await rejection(stranger.getService({ name }, NO_RETRY));
    await stranger.close();
    expect(error.code).toBe(16);
  });

  it('deletes a service and its revisions', async () => {
    const other = `${PARENT}/services/other`;
    await services.deleteService({ name: other });
    expect(run.service(other)).toBeUndefined();
    expect(run.revisions(other)).toEqual([]);
  });
});

describe('faults as the library surfaces them', () => {
  const name = `${PARENT}/services/hello`;

  it('answers an injected throttle with 429 RESOURCE_EXHAUSTED (gRPC 8)', async () => {
    run.inject(CLOUD_RUN_OPERATIONS.getService, { kind: 'throttle', times: 1 });
    const error = await rejection(services.getService({ name }, NO_RETRY));
    expect(error.code).toBe(8);
    expect(error.message).toContain("Quota exceeded for quota metric 'Write requests'");
    expect(run.calls(CLOUD_RUN_OPERATIONS.getService).map((e) => [e.status, e.fault])).toEqual([
      [429, 'throttle'],
    ]);
  });

  it('answers an injected 503 with UNAVAILABLE (gRPC 14), which the library retries unless told not to', async () => {
    run.inject(CLOUD_RUN_OPERATIONS.getService, { kind: 'http', status: 503, times: 1 });
    expect((await rejection(services.getService({ name }, NO_RETRY))).code).toBe(14);
    run.inject(CLOUD_RUN_OPERATIONS.getService, { kind: 'http', status: 503, times: 1 });
    const [svc] = await services.getService({ name });
    expect(svc.name).toBe(name);
    expect(run.calls(CLOUD_RUN_OPERATIONS.getService).map((e) => e.status)).toEqual([503, 503, 200]);
  });
});

describe('jobs and executions', () => {
  const job = `${PARENT}/jobs/report`;

  it('creates a job that becomes ready', async () => {
    const [op] = await jobs.createJob({
      parent: PARENT,
      jobId: 'report',
      job: {
        template: {
          taskCount: 2,
          template: { containers: [{ image: 'us-docker.pkg.dev/demo/app/report:1' }], maxRetries: 1 },
        },
      },
    });
    expect((await jobs.checkCreateJobProgress(op.name!)).done).toBe(false);
    clock.advance(5_000);
    expect((await jobs.checkCreateJobProgress(op.name!)).done).toBe(true);
    expect(run.job(job)!.terminalCondition).toMatchObject({ type: 'Ready', state: 'CONDITION_SUCCEEDED' });
  });

  it('runs an execution with overrides and reports its tasks', async () => {
    const [op] = await jobs.runJob({
      name: job,
      overrides: {
        taskCount: 3,
        containerOverrides: [{ args: ['--day', '2025-03-01'], env: [{ name: 'MODE', value: 'full' }] }],
      },
    });
    const execution = String((op.metadata as { name?: string }).name);
    expect(execution).toMatch(
      /^projects\/demo\/locations\/us-central1\/jobs\/report\/executions\/report-[a-z0-9]{5}$/,
    );
    const [running] = await executions.getExecution({ name: execution });
    expect({
      running: running.runningCount,
      tasks: running.taskCount,
      args: running.template?.containers?.[0]?.args,
    }).toEqual({
      running: 3,
      tasks: 3,
      args: ['--day', '2025-03-01'],
    });
    clock.advance(20_000);
    const [finished] = await executions.getExecution({ name: execution });
    expect({ succeeded: finished.succeededCount, failed: finished.failedCount }).toEqual({
      succeeded: 3,
      failed: 0,
    });
    expect(finished.conditions!.find((c) => c.type === 'Completed')?.state).toBe('CONDITION_SUCCEEDED');
    expect((await jobs.checkRunJobProgress(op.name!)).done).toBe(true);
  });

  it('fails an execution whose tasks exit non-zero, with each task message', async () => {
    run.scriptTasks(job, (index) => (index === 1 ? { exitCode: 3 } : { exitCode: 0 }));
    const [op] = await jobs.runJob({ name: job });
    const execution = String((op.metadata as { name?: string }).name);
    clock.advance(20_000);
    const [finished] = await executions.getExecution({ name: execution });
    expect({ succeeded: finished.succeededCount, failed: finished.failedCount }).toEqual({
      succeeded: 1,
      failed: 1,
    });
    expect(finished.conditions!.find((c) => c.type === 'Completed')).toMatchObject({
      state: 'CONDITION_FAILED',
      message: `Execution ${execution.split('/').pop()} has failed to complete, 1/2 tasks were a success.`,
    });
    const [list] = await tasks.listTasks({ parent: execution }, { autoPaginate: false });
    const failed = list.filter((t) => t.lastAttemptResult?.exitCode !== 0);
    expect(failed.map((t) => [t.index, t.lastAttemptResult?.status?.message])).toEqual([
      [1, 'The container exited with an exit code of 3.'],
    ]);
    const done = await jobs.checkRunJobProgress(op.name!);
    expect((done.error as Error).message).toContain('1/2 tasks were a success');
    expect(run.executions(job)).toHaveLength(2);
  });

  it('refuses a task count above Cloud Run limits', async () => {
    const error = await rejection(jobs.runJob({ name: job, overrides: { taskCount: 20_000 } }, NO_RETRY));
    expect(error.code).toBe(3);
  });
});

describe('simulated polling', () => {
  it('advances the clock on reads when autoAdvanceMs is set', async () => {
    const polled = new CloudRunStandIn({ clock: new Clock(0), readyAfterMs: 3_000, autoAdvanceMs: 1_000 });
    await polled.start();
    const client = new ServicesClient({ ...polled.clientOptions(), authClient: auth() });
    try {
      const [op] = await client.createService({
        parent: PARENT,
        serviceId: 'tick',
        service: { template: { containers: [container('nginx')] } },
      });
      const seen: boolean[] = [];
      for (let i = 0; i < 4; i++)
        seen.push(Boolean((await client.checkCreateServiceProgress(op.name!)).done));
      expect(seen).toEqual([false, false, true, true]);
      expect(polled.now()).toBe(4_000);
    } finally {
      await client.close();
      await polled.stop();
    }
  });
});

describe('update masks', () => {
  it('changes only the masked fields, as UpdateServiceRequest.update_mask documents', async () => {
    const name = `${PARENT}/services/masked`;
    run.seedService(name, {
      template: { containers: [{ image: 'us-docker.pkg.dev/demo/app/masked:1' }] },
      labels: { a: 'b' },
    });
    const revision = String(run.service(name)!.latestReadyRevision).split('/').pop()!;
    await services.updateService({
      service: {
        name,
        traffic: [
          { type: 'TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST', percent: 100 },
          { type: 'TRAFFIC_TARGET_ALLOCATION_TYPE_REVISION', revision, tag: 'pinned' },
        ],
      },
      updateMask: { paths: ['traffic'] },
    });
    const live = run.service(name)!;
    expect(run.calls(CLOUD_RUN_OPERATIONS.updateService)[0]!.query.updateMask).toBe('traffic');
    expect({
      labels: live.labels,
      image: ((live.template as JsonObject).containers as JsonObject[])[0]!.image,
      revisions: run.revisions(name).length,
    }).toEqual({
      labels: { a: 'b' },
      image: 'us-docker.pkg.dev/demo/app/masked:1',
      revisions: 1,
    });
    expect(run.traffic(name).map((t) => t.tag ?? null)).toEqual([null, 'pinned']);
  });
});
