// deploy-cloudrun under faults, bundled and run by the harness: throttling and unavailability are retried with
// backoff, an etag conflict is re-read and retried once, and a revision that never becomes ready ends the step red
// without a URL.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { REPO_ROOT } from '../harness/action-manifest.js';
import { runAction } from '../harness/run-action.js';
import type { ActionRun } from '../harness/run-action.js';
import { CLOUD_RUN_OPERATIONS, CloudRunStandIn } from '../stand-ins/cloud-run.js';
import { Clock } from '../stand-ins/clock.js';
import { GoogleStsStandIn } from '../stand-ins/google-sts.js';

const ACTION = join(REPO_ROOT, 'actions', 'deploy-cloudrun');
const PROJECT = 'demo-project';
const IMAGE = 'us-docker.pkg.dev/demo-project/apps/web';
const DEPLOYER = 'deployer@demo-project.iam.gserviceaccount.com';
const sts = new GoogleStsStandIn({ serviceAccounts: [DEPLOYER] });
const run = new CloudRunStandIn({
  clock: new Clock(Date.parse('2025-06-01T08:00:00Z')),
  readyAfterMs: 4_000,
  autoAdvanceMs: 2_000,
});
let dir: string;
let credentials: string;

beforeAll(async () => {
  await Promise.all([sts.start(), run.start()]);
  dir = await mkdtemp(join(tmpdir(), 'slipway-e2e-cloudrun-faults-'));
  credentials = join(dir, 'creds.json');
  await writeFile(credentials, JSON.stringify(sts.credentialFile({ impersonate: DEPLOYER })));
});
afterAll(async () => {
  await Promise.all([sts.stop(), run.stop()]);
  await rm(dir, { recursive: true, force: true });
});
afterEach(() => run.clearFaults());

const name = (service: string) => CloudRunStandIn.serviceName(PROJECT, 'us-central1', service);

async function deploy(inputs: Record<string, string>): Promise<ActionRun> {
  run.clearJournal();
  return runAction(ACTION, {
    inputs: {
      'project-id': PROJECT,
      region: 'us-central1',
      'api-endpoint': run.url,
      'poll-interval': '100ms',
      'wait-timeout': '30s',
      ...inputs,
    },
    env: { GOOGLE_APPLICATION_CREDENTIALS: credentials },
    secrets: [sts.oidcRequestToken],
  });
}

function statuses(operation: string): Array<number | undefined> {
  return run.calls(operation).map((e) => e.status);
}

describe('faults', () => {
  it('retries 429 RESOURCE_EXHAUSTED with backoff', async () => {
    run.inject(CLOUD_RUN_OPERATIONS.getService, { kind: 'throttle', times: 2 });
    const result = await deploy({ service: 'throttled', image: `${IMAGE}:1` });
    expect(result.exitCode).toBe(0);
    expect(statuses(CLOUD_RUN_OPERATIONS.getService).slice(0, 3)).toEqual([429, 429, 404]);
    expect(result.log).toMatch(
      /get service projects\/demo-project\/locations\/us-central1\/services\/throttled: RESOURCE_EXHAUSTED: Quota exceeded .* \(HTTP 429\); retrying in \d+ ms \(attempt 2\)/,
    );
    const [first, second, third] = run.calls(CLOUD_RUN_OPERATIONS.getService);
    expect(second!.time).toBeGreaterThanOrEqual(first!.time);
    expect(third).toBeDefined();
    expect(result.outputs.url).toBe(run.service(name('throttled'))!.uri);
  }, 60_000);

  it('retries 503 UNAVAILABLE on the update', async () => {
    run.inject(CLOUD_RUN_OPERATIONS.updateService, { kind: 'http', status: 503, times: 1 });
    const result = await deploy({ service: 'throttled', image: `${IMAGE}:2` });
    expect(result.exitCode).toBe(0);
    expect(statuses(CLOUD_RUN_OPERATIONS.updateService)).toEqual([503, 200]);
    expect(result.log).toContain(
      'UNAVAILABLE: The service is currently unavailable. (HTTP 503); retrying in',
    );
    expect(run.revisions(name('throttled'))).toHaveLength(2);
  }, 60_000);

  it('re-reads the service and retries once on an etag conflict', async () => {
    run.conflictOnNextUpdate(name('throttled'));
    const result = await deploy({ service: 'throttled', image: `${IMAGE}:3` });
    expect(result.exitCode).toBe(0);
    expect(statuses(CLOUD_RUN_OPERATIONS.updateService)).toEqual([409, 200]);
    const ops = run.journal.map((e) => e.operation);
    const conflict = ops.indexOf(CLOUD_RUN_OPERATIONS.updateService);
    expect(ops.slice(conflict + 1, conflict + 3)).toEqual([
      CLOUD_RUN_OPERATIONS.getService,
      CLOUD_RUN_OPERATIONS.updateService,
    ]);
    expect(result.log).toContain(
      'the service changed since it was read (etag conflict): reading it again and retrying once',
    );
    expect(
      String(
        run.service(name('throttled'))!.template && JSON.stringify(run.service(name('throttled'))!.template),
      ),
    ).toContain(`${IMAGE}:3`);
  }, 60_000);

  it('gives up after a second etag conflict, with the conflict named', async () => {
    run.conflictOnNextUpdate(name('throttled'), 2);
    const result = await deploy({ service: 'throttled', image: `${IMAGE}:4` });
    expect(result.exitCode).toBe(1);
    expect(statuses(CLOUD_RUN_OPERATIONS.updateService)).toEqual([409, 409]);
    expect(result.annotations.find((a) => a.level === 'error')!.message).toMatch(
      /ABORTED: Conflict for resource 'throttled'/,
    );
  }, 60_000);

  it('never reports a URL for a revision that does not become ready', async () => {
    const result = await deploy({ service: 'throttled', image: `${IMAGE}:hang`, 'wait-timeout': '2s' });
    expect(result.exitCode).toBe(1);
    const error = result.annotations.find((a) => a.level === 'error')!.message;
    expect(error).toMatch(
      /us-central1: revision throttled-\d{5}-[a-z0-9]{3} is not ready: the rollout did not finish within 2s; last status: us-central1: revision throttled-\d{5}-[a-z0-9]{3}: deploying/,
    );
    expect(result.outputs.url).toBeUndefined();
    expect(result.outputs.revision).toBeUndefined();
  }, 60_000);
});
