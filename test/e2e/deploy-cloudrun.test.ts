// deploy-cloudrun end to end: the bundled action (actions/deploy-cloudrun/dist) run by the harness as the runner
// runs it, authenticated through the real ADC path (an external_account credential file, as
// google-github-actions/auth writes it: OIDC token from a URL, STS exchange, service-account impersonation, all
// against the STS stand-in) and deploying to the Cloud Run stand-in on simulated time.
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { REPO_ROOT } from '../harness/action-manifest.js';
import { runAction } from '../harness/run-action.js';
import type { ActionRun } from '../harness/run-action.js';
import { CLOUD_RUN_OPERATIONS, CONTAINER_FAILED_MESSAGE, CloudRunStandIn } from '../stand-ins/cloud-run.js';
import type { JsonObject } from '../stand-ins/cloud-run.js';
import { Clock } from '../stand-ins/clock.js';
import { GOOGLE_STS_OPERATIONS, GoogleStsStandIn } from '../stand-ins/google-sts.js';

const ACTION = join(REPO_ROOT, 'actions', 'deploy-cloudrun');
const FIXTURES = join(REPO_ROOT, 'test', 'fixtures', 'deploy-cloudrun');
const PROJECT = 'demo-project';
const DEPLOYER = 'deployer@demo-project.iam.gserviceaccount.com';
const IMAGE = 'us-docker.pkg.dev/demo-project/apps/web';
const SHA = 'c0ffee0123456789abcdef0123456789abcdef01';
const TIMEOUT = 60_000;

const sts = new GoogleStsStandIn({ serviceAccounts: [DEPLOYER] });
const run = new CloudRunStandIn({
  clock: new Clock(Date.parse('2025-06-01T08:00:00Z')),
  readyAfterMs: 8_000,
  executionDurationMs: 8_000,
  autoAdvanceMs: 2_000,
  verifyToken: (token) => {
    const verdict = sts.verifyAccessToken(token);
    return verdict.ok && verdict.token.kind === 'service-account' ? verdict.token.principal : undefined;
  },
});
let dir: string;
let credentials: string;

beforeAll(async () => {
  await Promise.all([sts.start(), run.start()]);
  dir = await mkdtemp(join(tmpdir(), 'slipway-e2e-cloudrun-'));
  credentials = join(dir, 'gha-creds.json');
  await writeFile(credentials, JSON.stringify(sts.credentialFile({ impersonate: DEPLOYER })));
});
afterAll(async () => {
  await Promise.all([sts.stop(), run.stop()]);
  await rm(dir, { recursive: true, force: true });
});

function serviceName(service: string, region = 'us-central1'): string {
  return CloudRunStandIn.serviceName(PROJECT, region, service);
}

async function deploy(inputs: Record<string, string>, opts: { workspace?: string } = {}): Promise<ActionRun> {
  run.clearJournal();
  sts.clearJournal();
  return runAction(ACTION, {
    inputs: {
      'project-id': PROJECT,
      region: 'us-central1',
      'api-endpoint': run.url,
      'poll-interval': '100ms',
      'wait-timeout': '60s',
      ...inputs,
    },
    env: { GOOGLE_APPLICATION_CREDENTIALS: credentials },
    sha: SHA,
    secrets: [sts.oidcRequestToken],
    ...(opts.workspace ? { workspace: opts.workspace } : {}),
  });
}

/** Asserts a green run, showing the log when it is not. */
function expectGreen(result: ActionRun): void {
  if (result.exitCode !== 0) throw new Error(`the action failed:\n${result.log}`);
}

function writes(): string[] {
  const w = new Set<string>([
    CLOUD_RUN_OPERATIONS.createService,
    CLOUD_RUN_OPERATIONS.updateService,
    CLOUD_RUN_OPERATIONS.setIamPolicy,
    CLOUD_RUN_OPERATIONS.createJob,
    CLOUD_RUN_OPERATIONS.updateJob,
    CLOUD_RUN_OPERATIONS.runJob,
  ]);
  return run.journal.filter((e) => w.has(e.operation)).map((e) => `${e.operation} ${e.status}`);
}

function short(name: unknown): string {
  return String(name).split('/').pop()!;
}

describe('services', () => {
  const name = serviceName('web');

  it(
    'creates a service through Workload Identity Federation, and reports its URL, revision and traffic',
    async () => {
      const result = await deploy({
        service: 'web',
        image: `${IMAGE}:1`,
        env: 'GREETING=hello, world\nCONFIG={"a":1,"b":[2,3]}',
      });
      expectGreen(result);
      const live = run.service(name)!;
      expect(result.outputs).toMatchObject({
        url: live.uri,
        revision: short(live.latestReadyRevision),
        changed: 'true',
      });
      expect(result.outputs.revision).toMatch(/^web-00001-[a-z0-9]{3}$/);
      expect(JSON.parse(result.outputs.traffic!)).toEqual([
        { revision: result.outputs.revision, percent: 100, latest: true },
      ]);
      // The real ADC path: OIDC token, STS exchange, impersonation, then Cloud Run as the deployer.
      expect(sts.journal.map((e) => [e.operation, e.status])).toEqual([
        [GOOGLE_STS_OPERATIONS.oidcToken, 200],
        [GOOGLE_STS_OPERATIONS.exchangeToken, 200],
        [GOOGLE_STS_OPERATIONS.generateAccessToken, 200],
      ]);
      expect(live.creator).toBe(DEPLOYER);
      const container = ((live.template as JsonObject).containers as JsonObject[])[0]!;
      expect(container.env).toEqual([
        { name: 'GREETING', value: 'hello, world' },
        { name: 'CONFIG', value: '{"a":1,"b":[2,3]}' },
      ]);
      expect(live.labels).toEqual({ 'managed-by': 'slipway', 'commit-sha': SHA });
      expect((live.template as JsonObject).labels).toEqual({ 'managed-by': 'slipway' });
      // Values never reach the log; the summary has the traffic table.
      expect(result.log).not.toContain('hello, world');
      expect(result.summary).toContain(`| ${result.outputs.revision} (latest) | 100 % |`);
      expect(writes()).toEqual([`${CLOUD_RUN_OPERATIONS.createService} 200`]);
    },
    TIMEOUT,
  );

  it(
    'updates the image: a new revision that takes the traffic once ready',
    async () => {
      const before = short(run.service(name)!.latestReadyRevision);
      const result = await deploy({ service: 'web', image: `${IMAGE}:2` });
      expectGreen(result);
      expect(result.outputs.revision).toMatch(/^web-00002-[a-z0-9]{3}$/);
      expect(result.outputs.revision).not.toBe(before);
      expect(run.traffic(name).map((t) => [t.revision, t.percent])).toEqual([[result.outputs.revision, 100]]);
      // Merge keeps the variables of the first deploy.
      const env = (
        ((run.service(name)!.template as JsonObject).containers as JsonObject[])[0]!.env as JsonObject[]
      ).map((e) => e.name);
      expect(env).toEqual(['GREETING', 'CONFIG']);
    },
    TIMEOUT,
  );

  it(
    'makes no change and no revision when run again with the same inputs',
    async () => {
      const revisions = run.revisions(name).length;
      const result = await deploy({ service: 'web', image: `${IMAGE}:2` });
      expectGreen(result);
      expect(writes()).toEqual([]);
      expect(run.revisions(name)).toHaveLength(revisions);
      expect(result.outputs.changed).toBe('false');
      expect(result.outputs.revision).toBe(short(run.service(name)!.latestReadyRevision));
      expect(result.log).toContain('us-central1: service web is up to date: nothing to change');
    },
    TIMEOUT,
  );

  it(
    'deploys with no-traffic and a tag: the new revision gets 0 %, a preview URL, and existing tags stay',
    async () => {
      const serving = short(run.service(name)!.latestReadyRevision);
      const tagged = await deploy({ service: 'web', image: `${IMAGE}:3`, tag: 'old', 'no-traffic': 'true' });
      expectGreen(tagged);
      const result = await deploy({
        service: 'web',
        image: `${IMAGE}:4`,
        tag: 'green',
        'no-traffic': 'true',
      });
      expectGreen(result);
      const green = result.outputs.revision!;
      expect(green).toMatch(/^web-c0ffee0-[a-z]{3}$/);
      expect(result.outputs['tag-url']).toMatch(/^https:\/\/green---web-[a-z]{10}-uc\.a\.run\.app$/);
      const traffic = run.traffic(name).map((t) => [t.revision, t.percent, t.tag ?? null]);
      expect(traffic).toEqual([
        [serving, 100, null],
        [tagged.outputs.revision, 0, 'old'],
        [green, 0, 'green'],
      ]);
      expect(JSON.parse(result.outputs.traffic!)).toContainEqual({
        revision: green,
        percent: 0,
        tag: 'green',
        url: result.outputs['tag-url'],
        latest: false,
      });
    },
    TIMEOUT,
  );

  it(
    'ends red when the revision fails, quoting Cloud Run and linking its logs, with traffic left where it was',
    async () => {
      const traffic = run.traffic(name);
      const result = await deploy({ service: 'web', image: `${IMAGE}:bad` });
      expect(result.exitCode).toBe(1);
      const failed = run.revisions(name).at(-1)!;
      const errors = result.annotations.filter((a) => a.level === 'error');
      expect(errors).toHaveLength(1);
      expect(errors[0]!.message).toContain(`revision ${short(failed.name)} is not ready`);
      expect(errors[0]!.message).toContain(CONTAINER_FAILED_MESSAGE);
      expect(errors[0]!.message).toContain(String(failed.logUri));
      expect(result.summary).toContain(CONTAINER_FAILED_MESSAGE);
      expect(result.summary).toContain('[Revision logs](');
      expect(result.outputs.url).toBeUndefined();
      expect(run.traffic(name)).toEqual(traffic);
    },
    TIMEOUT,
  );

  it(
    'deploys to two regions at once, with outputs per region',
    async () => {
      const result = await deploy({
        service: 'api',
        image: `${IMAGE}:1`,
        region: 'us-central1\neurope-west1',
      });
      expectGreen(result);
      const regions = JSON.parse(result.outputs.regions!) as Record<
        string,
        { url: string; revision: string; action: string }
      >;
      expect(Object.keys(regions)).toEqual(['us-central1', 'europe-west1']);
      for (const region of ['us-central1', 'europe-west1']) {
        const live = run.service(serviceName('api', region))!;
        expect(regions[region]).toMatchObject({
          action: 'created',
          url: live.uri,
          revision: short(live.latestReadyRevision),
        });
      }
      expect(regions['europe-west1']!.url).toMatch(/-ew\.a\.run\.app$/);
      expect(result.outputs.url).toBe(regions['us-central1']!.url);
      // Both creates went out before either rollout finished: the regions ran in parallel.
      const order = run.journal.map((e) => e.operation);
      const creates = order.flatMap((o, i) => (o === CLOUD_RUN_OPERATIONS.createService ? [i] : []));
      const firstRevisionRead = order.indexOf(CLOUD_RUN_OPERATIONS.getRevision);
      expect(creates).toHaveLength(2);
      expect(creates[1]!).toBeLessThan(firstRevisionRead);
    },
    TIMEOUT,
  );

  it(
    'makes a service public and private again with allow-unauthenticated',
    async () => {
      const on = await deploy({ service: 'api', 'allow-unauthenticated': 'true' });
      expectGreen(on);
      expect(run.members(serviceName('api'), 'roles/run.invoker')).toEqual(['allUsers']);
      expect(writes()).toEqual([`${CLOUD_RUN_OPERATIONS.setIamPolicy} 200`]);
      const again = await deploy({ service: 'api', 'allow-unauthenticated': 'true' });
      expect(writes()).toEqual([]);
      expectGreen(again);
      const off = await deploy({ service: 'api', 'allow-unauthenticated': 'false' });
      expectGreen(off);
      expect(run.members(serviceName('api'), 'roles/run.invoker')).toEqual([]);
    },
    TIMEOUT,
  );

  it(
    'deploys a service YAML with the image substituted',
    async () => {
      const workspace = await mkdtemp(join(dir, 'ws-'));
      await mkdir(join(workspace, 'deploy'));
      await writeFile(
        join(workspace, 'deploy', 'service.yaml'),
        await readFile(join(FIXTURES, 'service.yaml'), 'utf8'),
      );
      const result = await deploy(
        { 'service-yaml': 'deploy/service.yaml', image: `${IMAGE}:7` },
        { workspace },
      );
      expectGreen(result);
      const live = run.service(serviceName('checkout'))!;
      const template = live.template as JsonObject;
      const container = (template.containers as JsonObject[])[0]!;
      expect(container.image).toBe(`${IMAGE}:7`);
      expect(container.resources).toEqual({ limits: { cpu: '2', memory: '1Gi' }, cpuIdle: false });
      expect(template.scaling).toEqual({ minInstanceCount: 1, maxInstanceCount: 20 });
      expect(template.maxInstanceRequestConcurrency).toBe(40);
      expect(live.ingress).toBe('INGRESS_TRAFFIC_INTERNAL_LOAD_BALANCER');
      const again = await deploy(
        { 'service-yaml': 'deploy/service.yaml', image: `${IMAGE}:7` },
        { workspace },
      );
      expectGreen(again);
      expect(writes()).toEqual([]);
    },
    TIMEOUT,
  );

  it(
    'prints the spec and its difference in a dry run, and changes nothing',
    async () => {
      const before = run.service(name)!;
      const result = await deploy({ service: 'web', image: `${IMAGE}:9`, memory: '1Gi', 'dry-run': 'true' });
      expectGreen(result);
      expect(result.log).toContain(`~ template.containers[0].image: "${IMAGE}:bad" → "${IMAGE}:9"`);
      expect(result.log).toContain('~ template.containers[0].resources.limits.memory: "512Mi" → "1Gi"');
      expect(result.log).toContain('traffic stays pinned until the new revision is ready');
      expect(result.summary).toContain('Nothing was changed.');
      expect(result.outputs).toEqual({ changed: 'true' });
      // Only reads and a validate-only update went out.
      expect(run.calls(CLOUD_RUN_OPERATIONS.updateService).map((e) => e.query.validateOnly)).toEqual([
        'true',
      ]);
      expect(run.service(name)!.generation).toBe(before.generation);
    },
    TIMEOUT,
  );
});

describe('jobs', () => {
  const job = CloudRunStandIn.jobName(PROJECT, 'us-central1', 'nightly');

  it(
    'creates a job, runs an execution with overrides, waits, and outputs the task counts',
    async () => {
      const result = await deploy({
        job: 'nightly',
        image: `${IMAGE}-batch:1`,
        tasks: '2',
        'max-retries': '0',
        execute: 'true',
        'execution-tasks': '3',
        'execution-args': '--since\n2025-05-31',
        'execution-env': 'MODE=full',
      });
      expectGreen(result);
      const executions = run.executions(job);
      expect(executions).toHaveLength(1);
      expect(result.outputs).toMatchObject({
        execution: short(executions[0]!.name),
        'tasks-succeeded': '3',
        'tasks-failed': '0',
        changed: 'true',
      });
      const template = (run.job(job)!.template as JsonObject).template as JsonObject;
      expect(template.maxRetries).toBe(0);
      expect(((executions[0]!.template as JsonObject).containers as JsonObject[])[0]!.args).toEqual([
        '--since',
        '2025-05-31',
      ]);
    },
    TIMEOUT,
  );

  it(
    "fails with the failed tasks' messages and still outputs the execution",
    async () => {
      run.scriptTasks(job, (index) =>
        index === 1 ? { exitCode: 2, message: 'report upload failed: bucket not found' } : { exitCode: 0 },
      );
      const result = await deploy({
        job: 'nightly',
        image: `${IMAGE}-batch:1`,
        tasks: '2',
        'max-retries': '0',
        execute: 'true',
      });
      expect(result.exitCode).toBe(1);
      const errors = result.annotations.filter((a) => a.level === 'error').map((a) => a.message);
      expect(errors).toHaveLength(1);
      expect(errors[0]).toContain('(1 of 2 tasks)');
      expect(errors[0]).toContain('task 1: report upload failed: bucket not found');
      expect(result.outputs).toMatchObject({ 'tasks-succeeded': '1', 'tasks-failed': '1' });
      expect(result.outputs.execution).toBe(short(run.executions(job).at(-1)!.name));
      expect(writes()).toEqual([`${CLOUD_RUN_OPERATIONS.runJob} 200`]);
    },
    TIMEOUT,
  );
});
