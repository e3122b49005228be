// build-push end to end: the bundled action (actions/build-push/dist) run by the harness as the runner runs it,
// building a real image with Buildah from test/fixtures/build-push/app (FROM a busybox base pushed to a local
// registry first, a COPY, a RUN with a build secret) and pushing it to real registries (Debian's
// docker-registry on 127.0.0.1): one open, one with htpasswd basic auth standing in for ECR's `AWS:<token>` and
// Artifact Registry's `oauth2accesstoken:<token>` logins, one read-only. The ECR control plane is the ECR
// stand-in (SigV4 verified), whose GetAuthorizationToken names the authenticated registry as its proxyEndpoint;
// Google's token exchange is the STS stand-in behind a real external_account ADC file. Every result is read
// back from the registry: digests, tags, labels, layers.
import { cp, mkdir, mkdtemp, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { REPO_ROOT } from '../harness/action-manifest.js';
import { runAction } from '../harness/run-action.js';
import type { ActionRun, RunActionOptions } from '../harness/run-action.js';
import { EcrStandIn, TEST_CREDENTIALS } from '../stand-ins/index.js';
import { createBuildahEnv, pushBusyboxBase } from '../registry/buildah.js';
import type { BuildahEnv } from '../registry/buildah.js';
import { getImageConfig, getManifest, headManifest, layerBytes, listTags } from '../registry/client.js';
import { GoogleStandIn } from '../registry/google-stand-in.js';
import { freePort, startRegistry } from '../registry/registry.js';
import type { LocalRegistry } from '../registry/registry.js';

const ACTION = join(REPO_ROOT, 'actions', 'build-push');
const FIXTURE = join(REPO_ROOT, 'test', 'fixtures', 'build-push', 'app');
const SHA = '3f786850e387550fdab836ed7e6dc881de23001b';
const ECR_TOKEN = 'ecr-token-Zm9vYmFyYmF6cXV4LXNsaXB3YXktZTJl';
const GOOGLE_TOKEN = 'ya29.slipway-e2e-access-token-0123456789';
const BUILD_SECRET = 'build-secret-value-never-in-the-image-42';
const LIFECYCLE = JSON.stringify({
  rules: [
    {
      rulePriority: 1,
      selection: { tagStatus: 'untagged', countType: 'imageCountMoreThan', countNumber: 5 },
      action: { type: 'expire' },
    },
  ],
});

let open: LocalRegistry;
let auth: LocalRegistry;
let readOnly: LocalRegistry;
let buildah: BuildahEnv;
let base: string;
let ecr: EcrStandIn;
let google: GoogleStandIn;
let adc: Awaited<ReturnType<GoogleStandIn['writeAdcFile']>>;
let scratch: string;

beforeAll(async () => {
  [open, auth, readOnly] = await Promise.all([
    startRegistry(),
    startRegistry({ users: { AWS: ECR_TOKEN, oauth2accesstoken: GOOGLE_TOKEN } }),
    startRegistry({ readOnly: true }),
  ]);
  buildah = await createBuildahEnv([open.host, auth.host, readOnly.host]);
  base = await pushBusyboxBase(open, buildah);
  ecr = new EcrStandIn({
    region: 'us-east-1',
    proxyEndpoint: `http://${auth.host}`,
    registryPassword: ECR_TOKEN,
  });
  await ecr.start();
  // Tokens that live 2 minutes, under a 5-minute renewal margin: due for renewal as soon as they are issued.
  google = new GoogleStandIn({ accessToken: GOOGLE_TOKEN, tokenLifetimeSeconds: 120 });
  await google.start();
  adc = await google.writeAdcFile();
  scratch = await mkdtemp(join(tmpdir(), 'slipway-e2e-build-push-'));
}, 120_000);

afterAll(async () => {
  await Promise.all([open?.stop(), auth?.stop(), readOnly?.stop(), ecr?.stop(), google?.stop()]);
  await adc?.remove();
  await buildah?.remove();
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

let counter = 0;

/**
 * A fresh workspace holding a copy of `fixture` (the app fixture by default), and a RUNNER_TEMP the test can look
 * into after the run. `subdir` makes the workspace a folder inside the copy.
 */
async function workspace(fixture = FIXTURE, subdir = ''): Promise<{ workspace: string; runnerTemp: string }> {
  const dir = join(scratch, `run-${++counter}`);
  await mkdir(join(dir, 'temp'), { recursive: true });
  await cp(fixture, join(dir, 'ws'), { recursive: true });
  return { workspace: join(dir, 'ws', subdir), runnerTemp: join(dir, 'temp') };
}

/** Runs the bundled action on a push to main with the fixture and Buildah. */
async function build(
  opts: {
    inputs: Record<string, string>;
    env?: Record<string, string>;
    fixture?: string;
    subdir?: string;
  } & Partial<RunActionOptions>,
) {
  const { fixture, subdir, ...rest } = opts;
  const { workspace: ws, runnerTemp } = await workspace(fixture, subdir);
  const run = await runAction(ACTION, {
    ref: 'refs/heads/main',
    sha: SHA,
    eventName: 'push',
    event: { repository: { default_branch: 'main' }, ref: 'refs/heads/main' },
    workspace: ws,
    timeoutMs: 90_000,
    secrets: [BUILD_SECRET, ECR_TOKEN, GOOGLE_TOKEN],
    ...rest,
    inputs: {
      engine: 'buildah',
      'build-args': `BASE=${base}`,
      secrets: `token=${BUILD_SECRET}`,
      ...opts.inputs,
    },
    env: { ...buildah.env, RUNNER_TEMP: runnerTemp, ...opts.env },
  });
  return { run, runnerTemp };
}

/** The log as the runner shows it: `::add-mask::` lines are consumed by the runner, never displayed. */
function shownLog(run: ActionRun): string {
  return run.log
    .split('\n')
    .filter((line) => !line.startsWith('::add-mask::'))
    .join('\n');
}

/** The error annotations of a run, as the runner shows them. */
function errors(run: ActionRun): string[] {
  return run.annotations.filter((a) => a.level === 'error').map((a) => a.message);
}

async function expectPushed(registry: LocalRegistry, repository: string, tags: string[], digest: string) {
  expect(await listTags(registry, repository)).toEqual([...tags].sort());
  for (const tag of tags) {
    expect(await headManifest(registry, repository, tag)).toEqual({ status: 200, digest });
  }
}

describe('build-push with Buildah to a real registry', () => {
  it('builds the fixture, pushes by digest, tags from the git context, and labels the image', async () => {
    const { run, runnerTemp } = await build({
      inputs: {
        images: `${open.host}/team/app`,
        tags: 'e2e, v-extra',
        labels: 'com.example.team=platform',
        annotations: 'com.example.pipeline=e2e',
      },
    });

    expect(errors(run)).toEqual([]);
    expect(run.exitCode).toBe(0);
    const digest = run.outputs.digest!;
    expect(digest).toMatch(/^sha256:[a-f0-9]{64}$/);
    const tags = ['main', 'e2e', 'v-extra', 'latest', 'sha-3f78685'];
    await expectPushed(open, 'team/app', tags, digest);
    expect(run.outputs.image).toBe(`${open.host}/team/app@${digest}`);
    expect(run.outputs.images).toBe(`${open.host}/team/app@${digest}`);
    expect(run.outputs.tags!.split('\n')).toEqual(tags.map((t) => `${open.host}/team/app:${t}`));

    const manifest = await getManifest(open, 'team/app', digest);
    const config = await getImageConfig(open, 'team/app', manifest);
    expect(config.config?.Labels).toEqual(
      expect.objectContaining({
        'org.opencontainers.image.source': 'https://github.com/octo/repo',
        'org.opencontainers.image.revision': SHA,
        'org.opencontainers.image.version': 'main',
        'org.opencontainers.image.title': 'repo',
        'org.opencontainers.image.created': expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
        'com.example.team': 'platform',
      }),
    );
    expect(manifest.annotations).toEqual(
      expect.objectContaining({ 'org.opencontainers.image.revision': SHA, 'com.example.pipeline': 'e2e' }),
    );
    // The COPY and the RUN both made it; the secret the RUN read is in no layer, nor in the config.
    const layers = await layerBytes(open, 'team/app', manifest);
    const all = Buffer.concat(layers);
    expect(all.includes('hello from the build-push fixture')).toBe(true);
    expect(all.includes('srv/built.txt')).toBe(true);
    expect(all.includes(BUILD_SECRET)).toBe(false);
    expect(JSON.stringify(config).includes(BUILD_SECRET)).toBe(false);
    expect(run.masked).toContain(BUILD_SECRET);

    const metadata = JSON.parse(run.outputs.metadata!) as Record<string, unknown>;
    expect(metadata).toMatchObject({ engine: 'buildah', digest, platforms: ['linux/amd64'], dryRun: false });
    expect(metadata.sizeBytes).toEqual(expect.any(Number));
    expect(metadata.sizeBytes as number).toBeGreaterThan(100_000);
    expect(run.summary).toContain(`\`${open.host}/team/app@${digest}\``);
    expect(run.summary).toContain('| Platforms | linux/amd64 |');
    // Nothing of the run is left in RUNNER_TEMP: no auth file, no image layout.
    expect(await readdir(runnerTemp)).toEqual([]);
  }, 120_000);

  it('logs in to "ECR" with a GetAuthorizationToken token, creates the repository, and removes the auth file', async () => {
    const { run, runnerTemp } = await build({
      inputs: {
        images: `${auth.host}/orders/api`,
        'registry-type': 'ecr',
        'aws-region': 'us-east-1',
        'create-repository': 'true',
        'tag-immutability': 'false',
        'lifecycle-policy': LIFECYCLE,
        'auto-tags': 'sha',
      },
      env: {
        AWS_ENDPOINT_URL_ECR: ecr.url,
        AWS_ACCESS_KEY_ID: TEST_CREDENTIALS.accessKeyId,
        AWS_SECRET_ACCESS_KEY: TEST_CREDENTIALS.secretAccessKey,
      },
      post: true,
    });

    expect(errors(run)).toEqual([]);
    expect(run.exitCode).toBe(0);
    const digest = run.outputs.digest!;
    await expectPushed(auth, 'orders/api', ['sha-3f78685'], digest);
    expect(ecr.journal.map((e) => [e.operation, e.status])).toEqual([
      ['GetAuthorizationToken', 200],
      ['DescribeRepositories', 400],
      ['CreateRepository', 200],
      ['PutLifecyclePolicy', 200],
    ]);
    expect(ecr.repository('orders/api')?.repository.imageScanningConfiguration).toEqual({ scanOnPush: true });
    expect(ecr.repository('orders/api')?.lifecyclePolicyText).toBe(LIFECYCLE);
    // The token was masked before the engine saw it, and is nowhere in the log (the harness also fails on a leak).
    expect(run.masked).toContain(ECR_TOKEN);
    expect(shownLog(run).includes(ECR_TOKEN)).toBe(false);
    expect(run.log).toContain(`Logged in to ${auth.host} as AWS`);
    // The work directory (auth file included) is gone after main, and the post step found nothing left.
    const workDir = run.state['work-dir']!;
    expect(workDir.startsWith(runnerTemp)).toBe(true);
    expect(existsSync(join(workDir, 'auth.json'))).toBe(false);
    expect(await readdir(runnerTemp)).toEqual([]);
    expect(run.post?.exitCode).toBe(0);
    expect(run.post?.log).toContain('Registry credentials: already removed.');
  }, 120_000);

  it('logs in to "Artifact Registry" with an ADC token and renews it before the push', async () => {
    const before = google.issued.length;
    const { run } = await build({
      inputs: {
        images: `${auth.host}/example-project/apps/web`,
        'registry-type': 'artifact-registry',
        'renew-before': '5m',
        'auto-tags': 'none',
        tags: 'ar',
      },
      env: { GOOGLE_APPLICATION_CREDENTIALS: adc.path },
    });

    expect(errors(run)).toEqual([]);
    expect(run.exitCode).toBe(0);
    await expectPushed(auth, 'example-project/apps/web', ['ar'], run.outputs.digest!);
    // One token for the login, at least one more for the renewal before pushing (the 2-minute token is due).
    expect(google.issued.length - before).toBeGreaterThanOrEqual(2);
    expect(run.log).toContain(`Renewed the artifact-registry credentials for ${auth.host}`);
    expect(JSON.parse(run.outputs.metadata!)).toMatchObject({ renewedCredentials: [auth.host] });
    expect(shownLog(run).includes(GOOGLE_TOKEN)).toBe(false);
  }, 120_000);

  it('pushes a multi-platform image index under one digest to two repositories', async () => {
    const { run } = await build({
      inputs: {
        images: `${open.host}/multi/app, ${auth.host}/multi/app`,
        context: '../scratch',
        platforms: 'linux/amd64,linux/arm64',
        username: 'AWS',
        password: ECR_TOKEN,
        'auto-tags': 'none',
        tags: 'multi',
        'build-args': '',
        secrets: '',
      },
      fixture: join(FIXTURE, '..'),
      subdir: 'app',
    });

    expect(errors(run)).toEqual([]);
    const digest = run.outputs.digest!;
    await expectPushed(open, 'multi/app', ['multi'], digest);
    await expectPushed(auth, 'multi/app', ['multi'], digest);
    const index = await getManifest(open, 'multi/app', digest);
    expect(index.mediaType).toBe('application/vnd.oci.image.index.v1+json');
    expect(index.manifests?.map((m) => `${m.platform?.os}/${m.platform?.architecture}`).sort()).toEqual([
      'linux/amd64',
      'linux/arm64',
    ]);
    expect(JSON.parse(run.outputs.metadata!)).toMatchObject({ platforms: ['linux/amd64', 'linux/arm64'] });
    expect(run.outputs.images!.split('\n')).toEqual([
      `${open.host}/multi/app@${digest}`,
      `${auth.host}/multi/app@${digest}`,
    ]);
  }, 120_000);

  it('moves no tag anywhere when one repository refuses the push', async () => {
    const { run } = await build({
      inputs: {
        images: `${open.host}/halfway/app, ${readOnly.host}/halfway/app`,
        'auto-tags': 'sha',
        tags: 'release',
      },
    });

    expect(run.exitCode).toBe(1);
    const failures = errors(run);
    expect(failures).toHaveLength(1);
    expect(failures[0]!.split('\n')).toHaveLength(1);
    expect(failures[0]).toMatch(
      new RegExp(`^build-push: push ${readOnly.host}/halfway/app@sha256:[a-f0-9]{64} failed: `),
    );
    // The open registry got the image by digest (the first push), but no tag points at it.
    expect(await listTags(open, 'halfway/app')).toEqual([]);
    expect(await listTags(readOnly, 'halfway/app')).toEqual([]);
  }, 120_000);
});

describe('build-push refuses, one clear line each, before anything is pushed', () => {
  it('a registry that refuses the credentials', async () => {
    const wrong = new EcrStandIn({
      region: 'us-east-1',
      proxyEndpoint: `http://${auth.host}`,
      registryPassword: 'not-the-token',
    });
    await wrong.start();
    try {
      const { run } = await build({
        inputs: {
          images: `${open.host}/refused/app, ${auth.host}/refused/app`,
          'registry-type': 'ecr',
          'aws-region': 'us-east-1',
          'create-repository': 'true',
        },
        env: {
          AWS_ENDPOINT_URL_ECR: wrong.url,
          AWS_ACCESS_KEY_ID: TEST_CREDENTIALS.accessKeyId,
          AWS_SECRET_ACCESS_KEY: TEST_CREDENTIALS.secretAccessKey,
        },
        secrets: ['not-the-token'],
      });

      expect(run.exitCode).toBe(1);
      expect(errors(run)).toEqual([
        `build-push: registry ${auth.host} refused the credentials: logging into "${auth.host}": invalid username/password`,
      ]);
      // Logins come before any change: no repository was created, nothing reached either registry.
      expect(wrong.calls('CreateRepository')).toEqual([]);
      expect(await listTags(open, 'refused/app')).toEqual([]);
      expect(await listTags(auth, 'refused/app')).toEqual([]);
      expect(shownLog(run).includes('not-the-token')).toBe(false);
    } finally {
      await wrong.stop();
    }
  }, 60_000);

  it.each([
    [
      'an invalid tag',
      { tags: 'ok, bad tag!' },
      'build-push: input `tags`: "bad tag!" is not a valid tag (a letter, digit or _, then up to 127 letters, digits, _ . or -)',
    ],
    [
      'an unknown registry type',
      { 'registry-type': 'quay' },
      'build-push: input `registry-type`: must be one of `auto`, `ecr`, `artifact-registry`, `oci`, got "quay"',
    ],
    [
      'a missing Dockerfile',
      { file: 'docker/Dockerfile.prod' },
      'build-push: input `file`: Dockerfile docker/Dockerfile.prod does not exist in the workspace',
    ],
    [
      'an image with a tag',
      { images: `${'127.0.0.1'}:5000/app:1.0` },
      'build-push: input `images`: "127.0.0.1:5000/app:1.0" has a tag or digest: list repositories only, and put tags in `tags`',
    ],
  ])(
    '%s',
    async (_what, inputs, message) => {
      const { run, runnerTemp } = await build({ inputs: { images: `${open.host}/bad/app`, ...inputs } });
      expect(run.exitCode).toBe(1);
      expect(errors(run)).toEqual([message]);
      expect(await listTags(open, 'bad/app')).toEqual([]);
      expect(await readdir(runnerTemp)).toEqual([]);
    },
    30_000,
  );
});

describe('dry run and post step', () => {
  it('prints the plan with the engine auto picks, and pushes nothing', async () => {
    // A docker CLI that finds no daemon, as on a runner without Docker.
    const bin = join(scratch, 'fake-bin');
    await mkdir(bin, { recursive: true });
    await writeFile(
      join(bin, 'docker'),
      '#!/bin/sh\necho "Cannot connect to the Docker daemon" >&2\nexit 1\n',
      { mode: 0o755 },
    );
    const { run } = await build({
      inputs: { images: `${open.host}/dry/app`, 'dry-run': 'true', engine: 'auto' },
      env: { PATH: `${bin}:${process.env.PATH ?? ''}` },
      ref: 'refs/tags/v2.4.1',
      event: { repository: { default_branch: 'main' } },
    });

    expect(run.exitCode).toBe(0);
    expect(run.log).toContain('Engine: buildah (auto: no Docker daemon answers)');
    expect(run.log).toContain('Tags: 2.4.1 (semver), 2.4 (semver), 2 (semver), sha-3f78685 (sha)');
    expect(run.log).toMatch(/\$ buildah bud --file \S+\/Dockerfile --build-arg BASE=/);
    expect(run.log).toContain(`docker://${open.host}/dry/app@<digest>`);
    expect(run.outputs.digest).toBeUndefined();
    expect(run.outputs.tags!.split('\n')).toEqual(
      ['2.4.1', '2.4', '2', 'sha-3f78685'].map((t) => `${open.host}/dry/app:${t}`),
    );
    expect(run.summary).toContain('build-push: dry run');
    expect(await listTags(open, 'dry/app')).toEqual([]);
  }, 30_000);

  it('the post step removes a work directory a killed main left behind, and nothing else', async () => {
    const { runnerTemp } = await workspace();
    const left = join(runnerTemp, 'slipway-build-push-1000001-deadbeef');
    await mkdir(left, { recursive: true });
    await writeFile(
      join(left, 'auth.json'),
      JSON.stringify({ auths: { [auth.host]: { auth: 'QVdTOnNlY3JldA==' } } }),
    );
    const outside = join(scratch, 'slipway-build-push-outside');
    await mkdir(outside, { recursive: true });

    const cleaned = await runAction(ACTION, {
      inputs: { images: 'not an image' },
      env: { RUNNER_TEMP: runnerTemp },
      post: true,
      state: { 'work-dir': left },
    });
    const refused = await runAction(ACTION, {
      inputs: { images: 'not an image' },
      env: { RUNNER_TEMP: runnerTemp },
      post: true,
      state: { 'work-dir': outside },
    });

    expect(cleaned.exitCode).toBe(1);
    expect(cleaned.post?.exitCode).toBe(0);
    expect(cleaned.post?.log).toContain(`Registry credentials: removed ${left}.`);
    expect(existsSync(left)).toBe(false);
    expect(refused.post?.log).toContain(`Not removing ${outside}`);
    expect(existsSync(outside)).toBe(true);
  }, 30_000);

  it('names a missing engine program before logging in or building', async () => {
    // A PATH with buildah but without skopeo.
    const bin = join(scratch, 'no-skopeo-bin');
    await mkdir(bin, { recursive: true });
    await symlink('/usr/bin/buildah', join(bin, 'buildah')).catch(() => undefined);
    const { run, runnerTemp } = await build({
      inputs: { images: `${open.host}/no-skopeo/app` },
      env: { PATH: bin },
    });
    expect(run.exitCode).toBe(1);
    expect(errors(run)).toEqual(['build-push: skopeo is not installed (or not on PATH)']);
    expect(run.log).not.toContain('[command]');
    expect(await readdir(runnerTemp)).toEqual([]);
  }, 30_000);

  it('reports a registry that cannot be reached as a login failure, before anything is pushed', async () => {
    const dead = `127.0.0.1:${await freePort()}`;
    const { run } = await build({
      inputs: {
        images: `${open.host}/unreachable/app, ${dead}/unreachable/app`,
        username: 'u',
        password: 'p-unreachable',
      },
    });
    expect(run.exitCode).toBe(1);
    expect(errors(run)).toHaveLength(1);
    expect(errors(run)[0]).toMatch(
      new RegExp(`^build-push: could not log in to registry ${dead}: .*connection refused`),
    );
    expect(await listTags(open, 'unreachable/app')).toEqual([]);
  }, 30_000);
});
