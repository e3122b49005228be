// traffic-split on Cloud Run, end to end: the bundled deploy-cloudrun makes a stable revision and a candidate with
// no traffic, then the bundled traffic-split (run by the harness as the runner runs it, authenticated through the
// real ADC path against the Google STS stand-in) moves the service's traffic, probing a candidate app that the
// test can make fail or slow down at a given weight. Every UpdateService in the Cloud Run stand-in's journal is
// checked to send percents that sum to 100.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { REPO_ROOT } from '../harness/action-manifest.js';
import { errorMessages, runAction } from '../harness/run-action.js';
import type { ActionRun, RunActionOptions } from '../harness/run-action.js';
import { CandidateApp } from '../stand-ins/candidate-app.js';
import { CLOUD_RUN_OPERATIONS, CloudRunStandIn } from '../stand-ins/cloud-run.js';
import type { JsonObject } from '../stand-ins/cloud-run.js';
import { Clock } from '../stand-ins/clock.js';
import { GoogleStsStandIn } from '../stand-ins/google-sts.js';

const SPLIT = join(REPO_ROOT, 'actions', 'traffic-split');
const DEPLOY = join(REPO_ROOT, 'actions', 'deploy-cloudrun');
const PROJECT = 'demo-project';
const DEPLOYER = 'deployer@demo-project.iam.gserviceaccount.com';
const IMAGE = 'us-docker.pkg.dev/demo-project/apps/web';
const TIMEOUT = 60_000;

const sts = new GoogleStsStandIn({ serviceAccounts: [DEPLOYER] });
const run = new CloudRunStandIn({
  clock: new Clock(Date.parse('2026-06-01T08:00:00Z')),
  readyAfterMs: 4_000,
  autoAdvanceMs: 2_000,
  verifyToken: (token) => {
    const verdict = sts.verifyAccessToken(token);
    return verdict.ok && verdict.token.kind === 'service-account' ? verdict.token.principal : undefined;
  },
});
const app = new CandidateApp({ version: 'candidate' });
let dir: string;
let credentials: string;

beforeAll(async () => {
  await Promise.all([sts.start(), run.start(), app.start()]);
  dir = await mkdtemp(join(tmpdir(), 'slipway-e2e-traffic-cloudrun-'));
  credentials = join(dir, 'gha-creds.json');
  await writeFile(credentials, JSON.stringify(sts.credentialFile({ impersonate: DEPLOYER })));
});
afterAll(async () => {
  await Promise.all([sts.stop(), run.stop(), app.stop()]);
  await rm(dir, { recursive: true, force: true });
});

const common = {
  'project-id': PROJECT,
  region: 'us-central1',
  'api-endpoint': '',
};

function fail(result: ActionRun): never {
  throw new Error(`the action failed:\n${result.log}\n${result.post?.log ?? ''}`);
}

/** Deploys `image` with deploy-cloudrun's bundle; returns the revision it made. */
async function deploy(service: string, image: string, noTraffic: boolean): Promise<string> {
  const result = await runAction(DEPLOY, {
    inputs: {
      ...common,
      'api-endpoint': run.url,
      service,
      image,
      'no-traffic': String(noTraffic),
      'poll-interval': '100ms',
      'wait-timeout': '60s',
    },
    env: { GOOGLE_APPLICATION_CREDENTIALS: credentials },
    secrets: [sts.oidcRequestToken],
  });
  if (result.exitCode !== 0) fail(result);
  return result.outputs.revision ?? '';
}

/** A service serving `stable` with a candidate at 0 %. */
async function service(name: string): Promise<{ full: string; stable: string; candidate: string }> {
  const stable = await deploy(name, `${IMAGE}:1`, false);
  const candidate = await deploy(name, `${IMAGE}:2`, true);
  return { full: CloudRunStandIn.serviceName(PROJECT, 'us-central1', name), stable, candidate };
}

function split(inputs: Record<string, string>, opts: Partial<RunActionOptions> = {}): Promise<ActionRun> {
  return runAction(SPLIT, {
    inputs: {
      platform: 'cloudrun',
      ...common,
      'api-endpoint': run.url,
      'probe-url': `${app.url}/healthz`,
      'probe-requests': '10',
      interval: '50ms',
      ...inputs,
    },
    env: { GOOGLE_APPLICATION_CREDENTIALS: credentials },
    secrets: [sts.oidcRequestToken],
    ...opts,
  });
}

/** Percent per revision short name, as the service serves now. */
function served(full: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const status of run.traffic(full)) {
    const revision =
      String(status.revision ?? '')
        .split('/')
        .pop() ?? '';
    const percent = Number(status.percent ?? 0);
    if (percent > 0) out[revision] = (out[revision] ?? 0) + percent;
  }
  return out;
}

/** The candidate percent of every UpdateService traffic-split sent for `full`, checking each sums to 100. */
function writtenWeights(full: string, candidate: string, since: number): number[] {
  return run.journal
    .slice(since)
    .filter((e) => e.operation === CLOUD_RUN_OPERATIONS.updateService && e.status === 200)
    .filter((e) => e.path.endsWith(`/${full}`))
    .map((e) => {
      const traffic = ((e.body as JsonObject).traffic as JsonObject[] | undefined) ?? [];
      const sum = traffic.reduce((n, t) => n + Number(t.percent ?? 0), 0);
      expect(sum).toBe(100);
      const c = traffic.find((t) => String(t.revision ?? '') === candidate);
      return Number(c?.percent ?? 0);
    });
}

describe('traffic-split on Cloud Run', () => {
  it(
    'a canary promotes to 100 % in one UpdateService per step, with outputs and a summary chart',
    async () => {
      app.heal();
      const svc = await service('web-canary');
      const mark = run.journal.length;
      const result = await split({ service: 'web-canary', candidate: svc.candidate, steps: '5,25,50' });
      if (result.exitCode !== 0) fail(result);
      expect(result.outputs).toEqual({
        stable: svc.stable,
        candidate: svc.candidate,
        weights: '{"stable":0,"candidate":100}',
        result: 'promoted',
      });
      expect(served(svc.full)).toEqual({ [svc.candidate]: 100 });
      // the preview tag (no traffic change) and then 5, 25, 50, 100
      expect(writtenWeights(svc.full, svc.candidate, mark)).toEqual([0, 5, 25, 50, 100]);
      expect(result.summary).toContain('traffic-split: ✅ promoted');
      expect(result.summary).toContain('```mermaid\nxychart-beta');
      expect(result.summary).toContain('line [0, 5, 25, 50, 100]');
      expect(result.summary).toMatch(
        /✅ http-probe: GET http:\/\/127\.0\.0\.1:\d+\/healthz: 10\/10 succeeded/,
      );
      expect(result.post?.exitCode ?? 0).toBe(0);
    },
    TIMEOUT,
  );

  it(
    'a candidate that starts failing at 25 % is rolled back to 100 % stable, the failing gate in the error',
    async () => {
      app.heal();
      const svc = await service('web-failing');
      app.at(() => (served(svc.full)[svc.candidate] ?? 0) >= 25, { failRatio: 1, status: 503 });
      const mark = run.journal.length;
      const result = await split({ service: 'web-failing', candidate: svc.candidate, steps: '5,25,50' });
      expect(result.exitCode).toBe(1);
      const errors = errorMessages(result);
      expect(errors).toHaveLength(1);
      expect(errors[0]).toMatch(
        /gate http-probe failed at 25 %: GET http:\/\/127\.0\.0\.1:\d+\/healthz: success 0\.0 % < 99 % .*10× HTTP 503.*; traffic is back on web-failing-/,
      );
      expect(served(svc.full)).toEqual({ [svc.stable]: 100 });
      expect(writtenWeights(svc.full, svc.candidate, mark)).toEqual([0, 5, 25, 0]);
      expect(result.outputs.result).toBe('rolled-back');
      expect(result.outputs.weights).toBe('{"stable":100,"candidate":0}');
      expect(result.summary).toContain('❌ rolled back');
      expect(result.summary).toContain('line [0, 5, 25, 0]');
      app.heal();
    },
    TIMEOUT,
  );

  it(
    'start then promote in two separate runs continue from the platform state; abort returns to stable',
    async () => {
      app.heal();
      const svc = await service('web-manual');
      const inputs = { service: 'web-manual', candidate: svc.candidate, steps: '10,50' };
      const started = await split({ ...inputs, action: 'start' });
      if (started.exitCode !== 0) fail(started);
      expect(started.outputs.result).toBe('paused');
      expect(served(svc.full)).toEqual({ [svc.stable]: 90, [svc.candidate]: 10 });
      expect(started.post?.log ?? '').not.toContain('Rolled back');

      const promoted = await split({ ...inputs, action: 'promote' });
      if (promoted.exitCode !== 0) fail(promoted);
      expect(promoted.outputs.result).toBe('promoted');
      expect(served(svc.full)).toEqual({ [svc.candidate]: 100 });

      const svc2 = await service('web-abort');
      const again = { service: 'web-abort', candidate: svc2.candidate, steps: '10,50' };
      expect((await split({ ...again, action: 'start' })).outputs.result).toBe('paused');
      const aborted = await split({ ...again, action: 'abort', 'probe-url': '' });
      if (aborted.exitCode !== 0) fail(aborted);
      expect(aborted.outputs.result).toBe('rolled-back');
      expect(served(svc2.full)).toEqual({ [svc2.stable]: 100 });
    },
    TIMEOUT,
  );

  it(
    'a run killed in the middle of a bake is put back on stable by its post step',
    async () => {
      app.heal();
      const svc = await service('web-killed');
      const result = await split(
        { service: 'web-killed', candidate: svc.candidate, steps: '20,60', interval: '1m' },
        {
          cancel: { when: () => (served(svc.full)[svc.candidate] ?? 0) === 20, signal: 'SIGKILL' },
          post: true,
        },
      );
      expect(result.exitCode).toBe(137);
      expect(result.state.stable).toBe(svc.stable);
      expect(result.post?.exitCode).toBe(0);
      expect(result.post?.log).toContain('putting all traffic back on');
      expect(served(svc.full)).toEqual({ [svc.stable]: 100 });
    },
    TIMEOUT,
  );

  it(
    'a cancelled run (SIGINT) rolls back at once and fails with the reason',
    async () => {
      app.heal();
      const svc = await service('web-cancelled');
      const result = await split(
        { service: 'web-cancelled', candidate: svc.candidate, steps: '20,60', interval: '1m' },
        { cancel: { when: () => (served(svc.full)[svc.candidate] ?? 0) === 20 }, post: true },
      );
      expect(result.exitCode).toBe(1);
      expect(result.log).toMatch(
        /::error::.*the workflow was cancelled \(SIGINT\); traffic is back on web-cancelled-/,
      );
      expect(served(svc.full)).toEqual({ [svc.stable]: 100 });
      expect(result.post?.log ?? '').not.toContain('putting all traffic back');
    },
    TIMEOUT,
  );

  it(
    'blue-green: the candidate is tested alone through its tag, then takes all traffic in one write',
    async () => {
      app.heal();
      const svc = await service('web-bluegreen');
      const mark = run.journal.length;
      const result = await split({
        service: 'web-bluegreen',
        candidate: svc.candidate,
        strategy: 'blue-green',
      });
      if (result.exitCode !== 0) fail(result);
      expect(writtenWeights(svc.full, svc.candidate, mark)).toEqual([0, 100]);
      const tagged = run.trafficTargets(svc.full).find((t) => t.tag === 'candidate');
      expect(String(tagged?.revision)).toBe(svc.candidate);
      expect(result.log).toMatch(/The candidate answers on its own at https:\/\/candidate---web-bluegreen-/);
      expect(served(svc.full)).toEqual({ [svc.candidate]: 100 });
    },
    TIMEOUT,
  );
});

describe('faults', () => {
  it(
    'throttling is retried; the release still promotes',
    async () => {
      app.heal();
      const svc = await service('web-throttled');
      run.inject(CLOUD_RUN_OPERATIONS.updateService, { kind: 'throttle', times: 2 });
      run.inject(CLOUD_RUN_OPERATIONS.getService, { kind: 'http', status: 503, times: 1 });
      const result = await split({ service: 'web-throttled', candidate: svc.candidate, steps: '50' });
      if (result.exitCode !== 0) fail(result);
      expect(result.log).toMatch(/retrying in \d+ ms/);
      expect(served(svc.full)).toEqual({ [svc.candidate]: 100 });
    },
    TIMEOUT,
  );

  it(
    'an API error in the middle of a step leaves traffic on stable',
    async () => {
      app.heal();
      const svc = await service('web-api-error');
      // After the first step lands, the next UpdateService is refused (a role revoked mid-release, say).
      app.at(() => {
        if ((served(svc.full)[svc.candidate] ?? 0) !== 10) return false;
        run.refuseNext(
          CLOUD_RUN_OPERATIONS.updateService,
          'PERMISSION_DENIED',
          "Permission 'run.services.update' denied on resource 'web-api-error'.",
        );
        return true;
      }, {});
      const result = await split({ service: 'web-api-error', candidate: svc.candidate, steps: '10,50' });
      expect(result.exitCode).toBe(1);
      expect(errorMessages(result).join('\n')).toMatch(
        /Permission 'run\.services\.update' denied.*; traffic is back on web-api-error-/,
      );
      expect(served(svc.full)).toEqual({ [svc.stable]: 100 });
    },
    TIMEOUT,
  );

  it(
    'a candidate that does not exist: one line naming the input, no traffic moved',
    async () => {
      const svc = await service('web-missing');
      const mark = run.journal.length;
      const result = await split({ service: 'web-missing', candidate: 'web-missing-00009-zzz' });
      expect(result.exitCode).toBe(1);
      const errors = errorMessages(result);
      expect(errors).toHaveLength(1);
      expect(errors[0]).toMatch(/candidate.*web-missing-00009-zzz/);
      expect(writtenWeights(svc.full, svc.candidate, mark)).toEqual([]);
      expect(served(svc.full)).toEqual({ [svc.stable]: 100 });
    },
    TIMEOUT,
  );

  it.each([
    [{ steps: '5,25,20' }, 'input `steps`: must be ascending'],
    [{ steps: '50,120' }, 'input `steps`: 120 is outside 1–100'],
    [{ interval: 'soon' }, 'input `interval`: must be a duration'],
    [{ 'probe-url': '' }, 'input `probe-url`: action run moves traffic and needs at least one gate'],
  ])(
    'bad input %j: one clear line, no call to Cloud Run',
    async (over, message) => {
      const mark = run.journal.length;
      const result = await split({ service: 'web-canary', candidate: 'web-canary-00002-x', ...over });
      expect(result.exitCode).toBe(1);
      const errors = errorMessages(result);
      expect(errors).toHaveLength(1);
      expect(errors[0]).toContain(message);
      expect(run.journal.length).toBe(mark);
    },
    TIMEOUT,
  );
});
