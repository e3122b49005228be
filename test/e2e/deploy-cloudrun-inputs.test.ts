// deploy-cloudrun with bad inputs: one clear line each (naming the input, or the file and line), a red step, and
// nothing sent anywhere: neither the token exchange nor Cloud Run saw a request.
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { REPO_ROOT } from '../harness/action-manifest.js';
import { runAction } from '../harness/run-action.js';
import { CloudRunStandIn } from '../stand-ins/cloud-run.js';
import { GoogleStsStandIn } from '../stand-ins/google-sts.js';

const ACTION = join(REPO_ROOT, 'actions', 'deploy-cloudrun');
const FIXTURES = join(REPO_ROOT, 'test', 'fixtures', 'deploy-cloudrun');
const DEPLOYER = 'deployer@demo-project.iam.gserviceaccount.com';
const sts = new GoogleStsStandIn({ serviceAccounts: [DEPLOYER] });
const run = new CloudRunStandIn();
let dir: string;
let workspace: string;
let credentials: string;

beforeAll(async () => {
  await Promise.all([sts.start(), run.start()]);
  dir = await mkdtemp(join(tmpdir(), 'slipway-e2e-cloudrun-inputs-'));
  workspace = join(dir, 'ws');
  await mkdir(join(workspace, 'deploy'), { recursive: true });
  for (const file of ['malformed-service.yaml', 'unsupported-field-service.yaml']) {
    await writeFile(join(workspace, 'deploy', file), await readFile(join(FIXTURES, file), 'utf8'));
  }
  credentials = join(dir, 'creds.json');
  await writeFile(credentials, JSON.stringify(sts.credentialFile({ impersonate: DEPLOYER })));
});
afterAll(async () => {
  await Promise.all([sts.stop(), run.stop()]);
  await rm(dir, { recursive: true, force: true });
});

const BASE = {
  'project-id': 'demo-project',
  region: 'us-central1',
  service: 'web',
  image: 'us-docker.pkg.dev/demo-project/apps/web:1',
};

describe('bad inputs fail before anything is sent', () => {
  it.each([
    [
      'a malformed service YAML (file and line)',
      { service: '', 'service-yaml': 'deploy/malformed-service.yaml' },
      /^deploy-cloudrun: input `service-yaml`: deploy\/malformed-service\.yaml:12: invalid YAML: /,
    ],
    [
      'a field the service YAML translation does not know (file and line)',
      { service: '', 'service-yaml': 'deploy/unsupported-field-service.yaml' },
      /^deploy-cloudrun: input `service-yaml`: deploy\/unsupported-field-service\.yaml:10: spec\.template\.spec\.containers\[0\]\.imagePullPolicy: unsupported field/,
    ],
    [
      "memory above Cloud Run's limit",
      { memory: '64Gi' },
      /^deploy-cloudrun: input `memory`: must be between 128Mi and 32Gi \(Cloud Run's limits\), got 64Gi$/,
    ],
    [
      'a CPU count Cloud Run does not offer',
      { cpu: '3' },
      /^deploy-cloudrun: input `cpu`: Cloud Run offers 0\.08 to 1 CPU, or 1, 2, 4, 6 or 8 CPUs, got 3$/,
    ],
    [
      'memory that needs more CPUs',
      { cpu: '1', memory: '16Gi' },
      /^deploy-cloudrun: input `memory`: memory 16Gi needs at least 4 CPUs, but cpu is 1$/,
    ],
    [
      'min-instances above max-instances',
      { 'min-instances': '5', 'max-instances': '2' },
      /^deploy-cloudrun: input `min-instances`: must not exceed max-instances \(5 > 2\)$/,
    ],
    [
      'an env line without =',
      { env: 'MODE=full\nDEBUG\nLEVEL=3' },
      /^deploy-cloudrun: input `env`: line 2: has no '='/,
    ],
  ])(
    '%s: one clear line, nothing deployed',
    async (_what, inputs, message) => {
      run.clearJournal();
      sts.clearJournal();
      const result = await runAction(ACTION, {
        inputs: { ...BASE, 'api-endpoint': run.url, ...inputs },
        env: { GOOGLE_APPLICATION_CREDENTIALS: credentials },
        workspace,
        secrets: [sts.oidcRequestToken],
      });
      expect(result.exitCode).toBe(1);
      const errors = result.annotations.filter((a) => a.level === 'error');
      expect(errors).toHaveLength(1);
      expect(errors[0]!.message).toMatch(message);
      expect(errors[0]!.message).not.toContain('\n');
      expect(run.journal).toEqual([]);
      expect(sts.journal).toEqual([]);
      expect(result.outputs).toEqual({});
    },
    30_000,
  );

  it('reports every bad input at once', async () => {
    const result = await runAction(ACTION, {
      inputs: { ...BASE, 'api-endpoint': run.url, memory: '64Gi', concurrency: '0', tasks: '3' },
      env: { GOOGLE_APPLICATION_CREDENTIALS: credentials },
      workspace,
    });
    expect(result.exitCode).toBe(1);
    const [error] = result.annotations.filter((a) => a.level === 'error');
    expect(error!.message.split('\n')).toEqual([
      'deploy-cloudrun: 3 inputs are invalid',
      "input `memory`: must be between 128Mi and 32Gi (Cloud Run's limits), got 64Gi",
      "input `concurrency`: must be between 1 and 1000 (Cloud Run's limits), got 0",
      'input `tasks`: applies to jobs only',
    ]);
    expect(run.journal).toEqual([]);
  }, 30_000);

  it('names the credential file when it is missing, before any call', async () => {
    const result = await runAction(ACTION, {
      inputs: { ...BASE, 'api-endpoint': run.url },
      env: { GOOGLE_APPLICATION_CREDENTIALS: join(dir, 'absent.json') },
      workspace,
    });
    expect(result.exitCode).toBe(1);
    expect(result.annotations.filter((a) => a.level === 'error').map((a) => a.message)).toEqual([
      `deploy-cloudrun: GOOGLE_APPLICATION_CREDENTIALS names ${join(dir, 'absent.json')}, which does not exist: run google-github-actions/auth (Workload Identity Federation) before this step, or point GOOGLE_APPLICATION_CREDENTIALS at a credential file`,
    ]);
    expect(run.journal).toEqual([]);
  }, 30_000);
});
