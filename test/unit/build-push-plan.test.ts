// build-push from source, without engines or registries: inputs, tags from the git context, registry grouping,
// whole plans, and the engines' command lines as argument arrays (Buildx has no daemon here: its commands are
// checked as data). Fast; the bundled action runs against real registries in build-push.test.ts.
import { mkdtemp, mkdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { existsSync, lstatSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { InputError } from '@slipway/core';
import { failureLine, loginFailure, programsOf } from '../../actions/build-push/src/apply.js';
import {
  WORK_DIR_PREFIX,
  isOwnWorkDir,
  prepareWorkDir,
  removeWorkDir,
  seedAuthConfig,
} from '../../actions/build-push/src/auth-file.js';
import { DIGEST, formatCommand, withDigestArg } from '../../actions/build-push/src/commands.js';
import type { EngineSpec } from '../../actions/build-push/src/commands.js';
import { readRunContext } from '../../actions/build-push/src/context.js';
import type { RunContext } from '../../actions/build-push/src/context.js';
import { buildahLogin, planBuildah } from '../../actions/build-push/src/engine-buildah.js';
import { buildxLogin, planBuildx } from '../../actions/build-push/src/engine-buildx.js';
import type { Exec } from '../../actions/build-push/src/exec.js';
import { INPUT_NAMES, readInputs } from '../../actions/build-push/src/inputs.js';
import { ociMetadata, planTags, sanitizeTag, semverTags } from '../../actions/build-push/src/metadata.js';
import { detectEngine, locateBuildFiles, observe } from '../../actions/build-push/src/observe.js';
import { planBuild } from '../../actions/build-push/src/plan.js';
import { isInsecure, planRegistries, registryTypeOf } from '../../actions/build-push/src/registries.js';
import { metadataOf, planLines, summaryOf } from '../../actions/build-push/src/report.js';

const SHA = '0123456789abcdef0123456789abcdef01234567';
const ECR = '123456789012.dkr.ecr.eu-west-1.amazonaws.com';
const AR = 'europe-west1-docker.pkg.dev';

function context(overrides: Partial<RunContext> = {}): RunContext {
  return {
    ref: 'refs/heads/main',
    sha: SHA,
    eventName: 'push',
    repository: 'octo/shop',
    serverUrl: 'https://github.com',
    defaultBranch: 'main',
    pullRequest: undefined,
    workspace: '/ws',
    runnerTemp: '/rt',
    runId: '77',
    awsRegion: undefined,
    artifactRegistryEndpoint: undefined,
    ...overrides,
  };
}

const source = (values: Record<string, string>) => (name: string) => values[name];

function inputs(values: Record<string, string>) {
  return readInputs(source({ images: `${ECR}/shop`, ...values }));
}

function problemsOf(fn: () => unknown): string[] {
  try {
    fn();
  } catch (e) {
    if (e instanceof InputError) return e.problems.map((p) => `${p.input}: ${p.message}`);
    throw e;
  }
  return [];
}

describe('readInputs', () => {
  it('reads a full set of inputs', () => {
    const read = readInputs(
      source({
        images: `${ECR}/shop\nus-docker.pkg.dev/p/apps/shop, ghcr.io/octo/shop`,
        tags: 'stable, 2026-11',
        'auto-tags': 'sha, semver',
        labels: 'com.example.team=platform',
        'build-args': 'NODE_VERSION=24\nFLAGS=a,b',
        secrets: 'npm_token=abc\nGH=def',
        platforms: 'linux/amd64, linux/arm64/v8',
        engine: 'buildx',
        cache: 'registry',
        push: 'false',
        provenance: 'max',
        sbom: 'true',
        'registry-type': 'auto',
        username: 'octo',
        password: 'ghp_x',
        'create-repository': 'true',
        'lifecycle-policy': '{ "rules": [ { "rulePriority": 1 } ] }',
        'renew-before': '30m',
        'insecure-registries': 'Registry.Local:5000',
        'dry-run': 'true',
      }),
    );
    expect(read).toMatchObject({
      tags: ['stable', '2026-11'],
      autoTags: ['sha', 'semver'],
      buildArgs: { NODE_VERSION: '24', FLAGS: 'a,b' },
      secrets: { npm_token: 'abc', GH: 'def' },
      platforms: ['linux/amd64', 'linux/arm64/v8'],
      engine: 'buildx',
      cache: 'registry',
      push: false,
      provenance: 'max',
      sbom: true,
      lifecyclePolicy: '{"rules":[{"rulePriority":1}]}',
      renewBeforeMs: 30 * 60_000,
      insecureRegistries: ['registry.local:5000'],
      dryRun: true,
      context: '.',
      file: undefined,
    });
    expect(read.images.map((i) => `${i.ref.registry} ${i.ref.repository}`)).toEqual([
      `${ECR} shop`,
      'us-docker.pkg.dev p/apps/shop',
      'ghcr.io octo/shop',
    ]);
  });

  it('defaults', () => {
    expect(readInputs(source({ images: 'ghcr.io/o/r' }))).toMatchObject({
      autoTags: ['sha', 'branch', 'pr', 'semver', 'latest'],
      engine: 'auto',
      cache: 'auto',
      push: true,
      provenance: 'auto',
      sbom: false,
      registryType: 'auto',
      scanOnPush: true,
      tagImmutability: false,
      renewBeforeMs: 10 * 60_000,
      dryRun: false,
    });
  });

  it.each([
    [{ images: '' }, ['images: is required but was not set']],
    [
      { images: 'ghcr.io/o/r:1' },
      ['images: "ghcr.io/o/r:1" has a tag or digest: list repositories only, and put tags in `tags`'],
    ],
    [
      { images: 'ghcr.io/O/r' },
      ['images: invalid image reference "ghcr.io/O/r": repository "O/r" must be lowercase'],
    ],
    [{ images: 'ghcr.io/o/r, ghcr.io/o/r' }, ['images: lists "ghcr.io/o/r" more than once']],
    [
      { tags: 'good, -bad, also bad' },
      [
        'tags: "-bad", "also bad" are not valid tags (a letter, digit or _, then up to 127 letters, digits, _ . or -)',
      ],
    ],
    [
      { 'auto-tags': 'sha, commit' },
      [
        'auto-tags: unknown kind "commit": use `sha`, `long-sha`, `branch`, `pr`, `semver`, `latest`, or `none` alone',
      ],
    ],
    [
      { 'registry-type': 'quay' },
      ['registry-type: must be one of `auto`, `ecr`, `artifact-registry`, `oci`, got "quay"'],
    ],
    [
      { 'registry-type': 'ECR' },
      [
        'registry-type: must be one of `auto`, `ecr`, `artifact-registry`, `oci`, got "ECR" (values are case-sensitive: did you mean `ecr`?)',
      ],
    ],
    [{ engine: 'docker' }, ['engine: must be one of `auto`, `buildx`, `buildah`, got "docker"']],
    [
      { platforms: 'amd64' },
      ['platforms: "amd64": write OS/ARCH or OS/ARCH/VARIANT, e.g. linux/amd64, linux/arm64/v8'],
    ],
    [{ username: 'u' }, ['password: username and password go together: set both or neither']],
    [
      { 'registry-type': 'ecr', username: 'u', password: 'p' },
      ['username: is for OCI registries; with registry-type ecr the action logs in with cloud credentials'],
    ],
    [
      { 'lifecycle-policy': '{"rules": []}' },
      ['lifecycle-policy: must be an ECR lifecycle policy: a JSON object with a non-empty `rules` list'],
    ],
    [
      { 'lifecycle-policy': '{rules:' },
      [expect.stringMatching(/^lifecycle-policy: line 1, column \d+: invalid JSON/)],
    ],
    [{ 'renew-before': '30s' }, ['renew-before: must be at least 1m, got 30s']],
    [
      { 'aws-region': 'Ireland' },
      [
        expect.stringMatching(
          /^aws-region: must match .* \(an AWS region such as eu-west-1\), got "Ireland"$/,
        ),
      ],
    ],
    [{ secrets: 'bad id=x' }, [expect.stringMatching(/^secrets: line 1: not a KEY=VALUE line/)]],
    [{ target: '-x' }, ['target: "-x" is not a build stage name']],
    [
      { 'insecure-registries': 'http://x' },
      ['insecure-registries: "http://x": list registry hosts (HOST or HOST:PORT)'],
    ],
    [{ push: 'yes' }, ['push: must be true or false (also True, TRUE, False, FALSE), got "yes"']],
  ])('rejects %j', (values, problems) => {
    expect(problemsOf(() => inputs(values))).toEqual(problems);
  });

  it('reports every bad input at once', () => {
    expect(problemsOf(() => inputs({ tags: 'a b', engine: 'x', 'dry-run': 'maybe' }))).toHaveLength(3);
  });

  it('names every input of action.yml', () => {
    expect(INPUT_NAMES).toContain('registry-type');
    expect(new Set(INPUT_NAMES).size).toBe(INPUT_NAMES.length);
  });
});

describe('readRunContext', () => {
  it('reads the runner variables and the event payload', () => {
    const ctx = readRunContext(
      {
        GITHUB_REF: 'refs/pull/42/merge',
        GITHUB_SHA: SHA,
        GITHUB_EVENT_NAME: 'pull_request',
        GITHUB_EVENT_PATH: '/event.json',
        GITHUB_REPOSITORY: 'octo/shop',
        GITHUB_WORKSPACE: '/ws',
        RUNNER_TEMP: '/rt',
        GITHUB_RUN_ID: '9',
        AWS_DEFAULT_REGION: 'eu-central-1',
      },
      () => JSON.stringify({ pull_request: { number: 42 }, repository: { default_branch: 'trunk' } }),
    );
    expect(ctx).toEqual({
      ref: 'refs/pull/42/merge',
      sha: SHA,
      eventName: 'pull_request',
      repository: 'octo/shop',
      serverUrl: 'https://github.com',
      defaultBranch: 'trunk',
      pullRequest: 42,
      workspace: '/ws',
      runnerTemp: '/rt',
      runId: '9',
      awsRegion: 'eu-central-1',
      artifactRegistryEndpoint: undefined,
    });
  });

  it('does without an event file', () => {
    const ctx = readRunContext({ GITHUB_EVENT_PATH: '/missing.json' }, () => {
      throw new Error('ENOENT');
    });
    expect([ctx.defaultBranch, ctx.pullRequest]).toEqual([undefined, undefined]);
  });
});

describe('tags from the git context', () => {
  const all = ['sha', 'long-sha', 'branch', 'pr', 'semver', 'latest'] as const;
  const standard = ['sha', 'branch', 'pr', 'semver', 'latest'] as const;

  it.each([
    ['a push to the default branch', {}, standard, [], ['main', 'latest', 'sha-0123456'], 'main'],
    [
      'a push to a feature branch',
      { ref: 'refs/heads/feature/Login_v2' },
      standard,
      [],
      ['feature-Login_v2', 'sha-0123456'],
      'feature-Login_v2',
    ],
    [
      'a release tag',
      { ref: 'refs/tags/v1.2.3' },
      standard,
      [],
      ['1.2.3', '1.2', '1', 'sha-0123456'],
      '1.2.3',
    ],
    ['a 0.x release', { ref: 'refs/tags/v0.4.1' }, standard, [], ['0.4.1', '0.4', 'sha-0123456'], '0.4.1'],
    [
      'a pre-release',
      { ref: 'refs/tags/v2.0.0-rc.1' },
      standard,
      [],
      ['2.0.0-rc.1', 'sha-0123456'],
      '2.0.0-rc.1',
    ],
    [
      'build metadata',
      { ref: 'refs/tags/1.0.0+linux' },
      standard,
      [],
      ['1.0.0_linux', '1.0', '1', 'sha-0123456'],
      '1.0.0_linux',
    ],
    [
      'a tag that is not a version',
      { ref: 'refs/tags/nightly' },
      standard,
      [],
      ['nightly', 'sha-0123456'],
      'nightly',
    ],
    [
      'a pull request',
      { ref: 'refs/pull/42/merge', eventName: 'pull_request', pullRequest: 42 },
      standard,
      [],
      ['pr-42', 'sha-0123456'],
      'pr-42',
    ],
    [
      'a pull request number from the ref',
      { ref: 'refs/pull/7/merge', eventName: 'pull_request_target' },
      ['pr'],
      [],
      ['pr-7'],
      'pr-7',
    ],
    [
      'every kind, with literal tags',
      {},
      all,
      ['stable', 'main'],
      ['main', 'stable', 'latest', 'sha-0123456', `sha-${SHA}`],
      'main',
    ],
    [
      'no default branch known',
      { defaultBranch: undefined },
      ['latest', 'sha'],
      [],
      ['sha-0123456'],
      'sha-0123456',
    ],
    ['literal tags only', {}, [], ['v1'], ['v1'], 'v1'],
    ['nothing applies', { sha: '' }, ['pr', 'semver'], [], [], undefined],
  ] as const)('%s', (_what, overrides, auto, literal, tags, version) => {
    const plan = planTags(context(overrides as Partial<RunContext>), auto, literal);
    expect(plan.tags.map((t) => t.tag)).toEqual(tags);
    expect(plan.version).toBe(version);
  });

  it.each([
    ['feature/x', 'feature-x'],
    ['-leading.dots', 'leading.dots'],
    ['ünïcode', 'n-code'],
    ['...', undefined],
    ['a'.repeat(200), 'a'.repeat(128)],
  ])('sanitizes %j', (name, tag) => {
    expect(sanitizeTag(name)).toBe(tag);
  });

  it.each([
    ['v10.20.30', ['10.20.30', '10.20', '10']],
    ['1.2', undefined],
    ['v01.2.3', undefined],
  ])('semver of %s', (name, tags) => {
    expect(semverTags(name)).toEqual(tags);
  });

  it('writes the OCI keys', () => {
    expect(
      ociMetadata(
        context({ serverUrl: 'https://ghe.example.com/' }),
        '1.2.3',
        new Date(Date.UTC(2026, 10, 30)),
      ),
    ).toEqual({
      'org.opencontainers.image.title': 'shop',
      'org.opencontainers.image.source': 'https://ghe.example.com/octo/shop',
      'org.opencontainers.image.revision': SHA,
      'org.opencontainers.image.created': '2026-11-30T00:00:00.000Z',
      'org.opencontainers.image.version': '1.2.3',
    });
  });
});

describe('registries', () => {
  it.each([
    [ECR, 'ecr'],
    ['123456789012.dkr.ecr-fips.us-gov-west-1.amazonaws.com', 'ecr'],
    ['123456789012.dkr-ecr.eu-west-1.on.aws', 'ecr'],
    [AR, 'artifact-registry'],
    ['ghcr.io', 'oci'],
    ['public.ecr.aws', 'oci'],
    ['127.0.0.1:5000', 'oci'],
  ])('%s is %s', (host, type) => {
    expect(registryTypeOf(host)).toBe(type);
  });

  it.each([
    ['localhost:5000', [], true],
    ['127.0.0.1:5000', [], true],
    ['[::1]:5000', [], true],
    ['registry.local:5000', ['registry.local:5000'], true],
    ['ghcr.io', [], false],
    ['127.0.0.1.nip.io', [], false],
  ])('%s insecure with %j: %s', (host, list, expected) => {
    expect(isInsecure(host, list)).toBe(expected);
  });

  it('groups images by host, one login each, and finds regions and Artifact Registry repositories', () => {
    const read = inputs({
      images: `${ECR}/shop\n${ECR}/shop-worker\n123456789012.dkr.ecr.us-east-1.amazonaws.com/shop\n${AR}/proj/apps/shop\nghcr.io/octo/shop`,
    });
    const { registries, images, problems } = planRegistries(read.images, {
      registryType: 'auto',
      insecure: [],
      awsRegion: undefined,
    });
    expect(problems).toEqual([]);
    expect(registries).toEqual([
      {
        host: ECR,
        type: 'ecr',
        insecure: false,
        repositories: ['shop', 'shop-worker'],
        accountId: '123456789012',
        region: 'eu-west-1',
      },
      {
        host: '123456789012.dkr.ecr.us-east-1.amazonaws.com',
        type: 'ecr',
        insecure: false,
        repositories: ['shop'],
        accountId: '123456789012',
        region: 'us-east-1',
      },
      { host: AR, type: 'artifact-registry', insecure: false, repositories: ['proj/apps/shop'] },
      { host: 'ghcr.io', type: 'oci', insecure: false, repositories: ['octo/shop'] },
    ]);
    expect(images.find((i) => i.host === AR)?.artifactRegistry).toEqual({
      location: 'europe-west1',
      project: 'proj',
      repository: 'apps',
    });
  });

  it.each([
    [
      'an ECR host without a region',
      '127.0.0.1:5000/app',
      'ecr',
      undefined,
      [
        {
          input: 'aws-region',
          message: 'is required: 127.0.0.1:5000 does not name an AWS region, and AWS_REGION is not set',
        },
      ],
    ],
    ['an ECR host with aws-region', '127.0.0.1:5000/app', 'ecr', 'eu-north-1', []],
    [
      'an Artifact Registry image without project and repository',
      '127.0.0.1:5000/app',
      'artifact-registry',
      undefined,
      [
        {
          input: 'images',
          message: '127.0.0.1:5000/app: an Artifact Registry image is HOST/PROJECT/REPOSITORY/IMAGE',
        },
      ],
    ],
  ] as const)('%s', (_what, image, registryType, awsRegion, problems) => {
    const read = readInputs(source({ images: image }));
    expect(planRegistries(read.images, { registryType, insecure: [], awsRegion }).problems).toEqual(problems);
  });
});

const spec = (overrides: Partial<EngineSpec> = {}): EngineSpec => ({
  workDir: '/rt/slipway-build-push-77-ab',
  context: '/ws',
  file: '/ws/Dockerfile',
  target: undefined,
  buildArgs: {},
  secretIds: [],
  platforms: [],
  labels: { 'org.opencontainers.image.revision': SHA },
  annotations: {},
  cache: { kind: 'none' },
  provenance: 'auto',
  sbom: false,
  push: true,
  images: [{ name: `${ECR}/shop`, insecure: false }],
  tags: ['main', 'sha-0123456'],
  ...overrides,
});

describe('Buildx command lines', () => {
  it.each([
    [
      'a single-platform push by digest',
      spec(),
      [
        'buildx',
        'build',
        '--file',
        '/ws/Dockerfile',
        '--label',
        `org.opencontainers.image.revision=${SHA}`,
        '--metadata-file',
        '/rt/slipway-build-push-77-ab/metadata.json',
        '--output',
        `type=image,name=${ECR}/shop,push-by-digest=true,name-canonical=true,push=true`,
        '/ws',
      ],
    ],
    [
      'two registries, several platforms, gha cache, attestations, secrets, target and build args',
      spec({
        images: [
          { name: `${ECR}/shop`, insecure: false },
          { name: 'localhost:5000/shop', insecure: true },
        ],
        platforms: ['linux/amd64', 'linux/arm64'],
        cache: { kind: 'gha', scope: 'shop' },
        provenance: 'max',
        sbom: true,
        secretIds: ['npm', 'gh'],
        target: 'runtime',
        buildArgs: { B: '2', A: '1' },
        labels: {},
        annotations: { 'org.opencontainers.image.version': '1.2.3' },
      }),
      [
        'buildx',
        'build',
        '--file',
        '/ws/Dockerfile',
        '--target',
        'runtime',
        '--build-arg',
        'A=1',
        '--build-arg',
        'B=2',
        '--secret',
        'id=npm,env=SLIPWAY_SECRET_0',
        '--secret',
        'id=gh,env=SLIPWAY_SECRET_1',
        '--platform',
        'linux/amd64,linux/arm64',
        '--annotation',
        'index:org.opencontainers.image.version=1.2.3',
        '--annotation',
        'org.opencontainers.image.version=1.2.3',
        '--cache-from',
        'type=gha,scope=shop',
        '--cache-to',
        'type=gha,mode=max,scope=shop',
        '--provenance=mode=max',
        '--sbom=true',
        '--metadata-file',
        '/rt/slipway-build-push-77-ab/metadata.json',
        '--output',
        `type=image,"name=${ECR}/shop,localhost:5000/shop",push-by-digest=true,name-canonical=true,push=true,registry.insecure=true`,
        '/ws',
      ],
    ],
    [
      'a registry cache ECR accepts, without provenance, and no push',
      spec({
        cache: { kind: 'registry', ref: `${ECR}/shop:buildcache` },
        provenance: 'false',
        push: false,
        labels: {},
      }),
      [
        'buildx',
        'build',
        '--file',
        '/ws/Dockerfile',
        '--cache-from',
        `type=registry,ref=${ECR}/shop:buildcache`,
        '--cache-to',
        `type=registry,ref=${ECR}/shop:buildcache,mode=max,image-manifest=true,oci-mediatypes=true`,
        '--provenance=false',
        '--metadata-file',
        '/rt/slipway-build-push-77-ab/metadata.json',
        '--output',
        `type=image,name=${ECR}/shop,push=false`,
        '/ws',
      ],
    ],
  ])('%s', (_what, engineSpec, args) => {
    const plan = planBuildx(engineSpec);
    expect(plan.build).toHaveLength(1);
    expect(plan.build[0]!.command).toBe('docker');
    expect(plan.build[0]!.args).toEqual(args);
    expect(plan.env).toEqual({ DOCKER_CONFIG: '/rt/slipway-build-push-77-ab/docker' });
    expect(plan.authFile).toBe('/rt/slipway-build-push-77-ab/docker/config.json');
  });

  it('tags each repository with imagetools create on the pushed digest, after the build', () => {
    const plan = planBuildx(
      spec({
        images: [
          { name: `${ECR}/shop`, insecure: false },
          { name: 'ghcr.io/o/shop', insecure: false },
        ],
      }),
    );
    expect(plan.push).toEqual([]);
    expect(plan.tag.map((c) => [c.command, ...c.args])).toEqual([
      [
        'docker',
        'buildx',
        'imagetools',
        'create',
        '--tag',
        `${ECR}/shop:main`,
        '--tag',
        `${ECR}/shop:sha-0123456`,
        `${ECR}/shop@${DIGEST}`,
      ],
      [
        'docker',
        'buildx',
        'imagetools',
        'create',
        '--tag',
        'ghcr.io/o/shop:main',
        '--tag',
        'ghcr.io/o/shop:sha-0123456',
        `ghcr.io/o/shop@${DIGEST}`,
      ],
    ]);
    expect(plan.digest).toEqual({ kind: 'metadata', path: '/rt/slipway-build-push-77-ab/metadata.json' });
    expect(plan.build[0]!.secretEnv).toBeUndefined();
  });

  it('sends the build secrets by environment variable names, never their values', () => {
    const plan = planBuildx(spec({ secretIds: ['npm'] }));
    expect(plan.build[0]!.secretEnv).toEqual({ SLIPWAY_SECRET_0: 'npm' });
  });

  it('logs in with the password on stdin', () => {
    expect(buildxLogin(ECR, 'AWS')).toEqual({
      title: `log in to ${ECR}`,
      command: 'docker',
      args: ['login', '--username', 'AWS', '--password-stdin', ECR],
    });
  });
});

describe('Buildah command lines', () => {
  const W = '/rt/slipway-build-push-77-ab';

  it('builds, writes an OCI layout, pushes by digest, then tags', () => {
    const plan = planBuildah(
      spec({
        images: [
          { name: `${ECR}/shop`, insecure: false },
          { name: '127.0.0.1:5000/shop', insecure: true },
        ],
        tags: ['main'],
      }),
    );
    const copy = (insecure: boolean, digestFile: string, dest: string) => [
      'skopeo',
      'copy',
      '--all',
      '--preserve-digests',
      '--retry-times',
      '3',
      '--authfile',
      `${W}/auth.json`,
      ...(insecure ? ['--dest-tls-verify=false'] : []),
      '--digestfile',
      `${W}/${digestFile}`,
      `oci:${W}/oci-layout:image`,
      dest,
    ];
    expect(plan.build.map((c) => [c.command, ...c.args])).toEqual([
      [
        'buildah',
        'bud',
        '--file',
        '/ws/Dockerfile',
        '--tag',
        'localhost/slipway-build-push:77-ab',
        '--label',
        `org.opencontainers.image.revision=${SHA}`,
        '--authfile',
        `${W}/auth.json`,
        '/ws',
      ],
      [
        'buildah',
        'push',
        '--quiet',
        '--digestfile',
        `${W}/digest`,
        'localhost/slipway-build-push:77-ab',
        `oci:${W}/oci-layout:image`,
      ],
    ]);
    expect(plan.push.map((c) => [c.command, ...c.args])).toEqual([
      copy(false, 'pushed-0', `docker://${ECR}/shop@${DIGEST}`),
      copy(true, 'pushed-1', `docker://127.0.0.1:5000/shop@${DIGEST}`),
    ]);
    expect(plan.tag.map((c) => [c.command, ...c.args])).toEqual([
      copy(false, 'tagged-0-0', `docker://${ECR}/shop:main`),
      copy(true, 'tagged-1-0', 'docker://127.0.0.1:5000/shop:main'),
    ]);
    expect(plan).toMatchObject({
      engine: 'buildah',
      env: {},
      layout: `${W}/oci-layout`,
      digest: { kind: 'digestfile', path: `${W}/digest` },
    });
  });

  it('builds a manifest list for several platforms and pushes it whole', () => {
    const plan = planBuildah(
      spec({
        platforms: ['linux/amd64', 'linux/arm64'],
        labels: {},
        secretIds: ['tok'],
        target: 'app',
        buildArgs: { X: '1' },
      }),
    );
    expect(plan.build.map((c) => c.args)).toEqual([
      [
        'bud',
        '--file',
        '/ws/Dockerfile',
        '--target',
        'app',
        '--build-arg',
        'X=1',
        '--secret',
        'id=tok,env=SLIPWAY_SECRET_0',
        '--platform',
        'linux/amd64,linux/arm64',
        '--manifest',
        'localhost/slipway-build-push:77-ab',
        '--authfile',
        `${W}/auth.json`,
        '/ws',
      ],
      [
        'manifest',
        'push',
        '--all',
        '--quiet',
        '--digestfile',
        `${W}/digest`,
        'localhost/slipway-build-push:77-ab',
        `oci:${W}/oci-layout:image`,
      ],
    ]);
    expect(plan.build[0]!.secretEnv).toEqual({ SLIPWAY_SECRET_0: 'tok' });
  });

  it('only builds without a push', () => {
    const plan = planBuildah(spec({ push: false }));
    expect([plan.build.length, plan.push, plan.tag, plan.digest, plan.layout]).toEqual([
      1,
      [],
      [],
      { kind: 'none' },
      undefined,
    ]);
  });

  it.each([
    [false, ['login', '--authfile', '/a.json', '--username', 'AWS', '--password-stdin', ECR]],
    [
      true,
      ['login', '--authfile', '/a.json', '--username', 'AWS', '--password-stdin', '--tls-verify=false', ECR],
    ],
  ])('logs in (insecure %s) with the password on stdin', (insecure, args) => {
    expect(buildahLogin('/a.json', ECR, 'AWS', insecure).args).toEqual(args);
  });
});

describe('commands', () => {
  it('fills in the digest and quotes for display', () => {
    const filled = withDigestArg(
      { title: `push x@${DIGEST}`, command: 'skopeo', args: [`docker://x@${DIGEST}`, 'a b'] },
      'sha256:ab',
    );
    expect(filled).toEqual({
      title: 'push x@sha256:ab',
      command: 'skopeo',
      args: ['docker://x@sha256:ab', 'a b'],
    });
    expect(formatCommand(filled)).toBe("skopeo docker://x@sha256:ab 'a b'");
  });

  it.each([
    [
      { exitCode: 125, stdout: '', stderr: 'Error: logging into "r": invalid username/password\n' },
      'logging into "r": invalid username/password',
    ],
    [
      {
        exitCode: 1,
        stdout: '',
        stderr: 'time="2026-11-30T12:33:04Z" level=fatal msg="writing blob: \\"x\\" denied\\n"\n',
      },
      'writing blob: "x" denied',
    ],
    [{ exitCode: 2, stdout: 'only stdout\n', stderr: '' }, 'only stdout'],
    [{ exitCode: 3, stdout: '', stderr: '' }, 'exit code 3'],
  ])('takes the telling line of %j', (result, line) => {
    expect(failureLine(result)).toBe(line);
  });
});

describe('login failures', () => {
  it.each([
    [
      'logging into "r": invalid username/password',
      'registry r refused the credentials: logging into "r": invalid username/password',
    ],
    [
      'authenticating creds for "r": unauthorized: access denied',
      'registry r refused the credentials: authenticating creds for "r": unauthorized: access denied',
    ],
    [
      'Get "https://r/v2/": dial tcp 127.0.0.1:1: connect: connection refused',
      'could not log in to registry r: Get "https://r/v2/": dial tcp 127.0.0.1:1: connect: connection refused',
    ],
  ])('%s', (line, message) => {
    expect(loginFailure('r', line)).toBe(message);
  });
});

describe('engine detection', () => {
  const INSPECT = (driver: string) =>
    `Name:          builder\nDriver:        ${driver}\nLast Activity: now\n`;
  const fake =
    (answers: Record<string, { exitCode: number; stdout?: string } | 'missing'>): Exec =>
    (command, args) => {
      const answer = answers[`${command} ${args.slice(0, 2).join(' ')}`] ?? answers[`${command} ${args[0]}`];
      if (answer === undefined || answer === 'missing')
        return Promise.reject(new Error(`Unable to locate executable file: ${command}`));
      return Promise.resolve({ exitCode: answer.exitCode, stdout: answer.stdout ?? '', stderr: '' });
    };

  it.each([
    [
      'a daemon and a docker-container builder',
      {
        'docker version': { exitCode: 0, stdout: '28.2.2\n' },
        'docker buildx inspect': { exitCode: 0, stdout: INSPECT('docker-container') },
      },
      'buildx',
      'Docker 28.2.2 answers, Buildx builder driver docker-container',
    ],
    [
      'a daemon whose builder is the docker driver',
      {
        'docker version': { exitCode: 0, stdout: '28.2.2' },
        'docker buildx inspect': { exitCode: 0, stdout: INSPECT('docker') },
      },
      'buildah',
      'the Buildx builder uses the docker driver, which cannot push by digest (run docker/setup-buildx-action first to use Buildx)',
    ],
    ['no daemon', { 'docker version': { exitCode: 1 } }, 'buildah', 'no Docker daemon answers'],
    [
      'a daemon without buildx',
      { 'docker version': { exitCode: 0, stdout: '20.10.0' }, 'docker buildx inspect': { exitCode: 1 } },
      'buildah',
      'Docker 20.10.0 has no buildx plugin',
    ],
    ['no docker CLI', { 'docker version': 'missing' }, 'buildah', 'no docker CLI on PATH'],
  ] as const)('%s', async (_what, answers, engine, reason) => {
    await expect(detectEngine(fake(answers))).resolves.toEqual({ engine, reason });
  });

  it.each([
    ['docker-container', undefined],
    [
      'docker',
      'engine: buildx: the current builder uses the docker driver, which cannot push by digest or export a cache: run docker/setup-buildx-action before this step, or use engine: buildah',
    ],
  ])('takes engine: buildx with a %s builder: %s', async (driver, problem) => {
    const ws = await mkdtemp(join(tmpdir(), 'slipway-engine-'));
    try {
      await writeFile(join(ws, 'Dockerfile'), 'FROM scratch\n');
      const exec = fake({ 'docker buildx inspect': { exitCode: 0, stdout: INSPECT(driver) } });
      const result = observe(inputs({ engine: 'buildx' }), context({ workspace: ws }), () =>
        Promise.resolve(exec),
      );
      if (problem === undefined)
        await expect(result).resolves.toMatchObject({
          engine: 'buildx',
          engineReason: `engine input, builder driver ${driver}`,
        });
      else await expect(result).rejects.toThrow(problem.replace(/^engine: /, ''));
    } finally {
      await rm(ws, { recursive: true, force: true });
    }
  });
});

describe('whole plans', () => {
  let ws: string;
  beforeAll(async () => {
    ws = await mkdtemp(join(tmpdir(), 'slipway-plan-'));
    await writeFile(join(ws, 'Dockerfile'), 'FROM scratch\n');
    await mkdir(join(ws, 'svc'));
    await writeFile(join(ws, 'svc', 'Containerfile'), 'FROM scratch\n');
  });
  afterAll(() => rm(ws, { recursive: true, force: true }));

  const observed = (engine: 'buildx' | 'buildah' = 'buildah') => ({
    engine,
    engineReason: 'engine input',
    context: '/ws',
    file: '/ws/Dockerfile',
  });
  const opts = { workDir: '/rt/slipway-build-push-77-ab', now: new Date(Date.UTC(2026, 10, 30, 12)) };

  it('plans logins, repositories, tags and commands for ECR, Artifact Registry and an OCI registry', () => {
    const read = inputs({
      images: `${ECR}/shop\n${AR}/proj/apps/shop\nghcr.io/octo/shop`,
      username: 'octo',
      password: 'ghp_secret',
      'create-repository': 'true',
      'tag-immutability': 'true',
      secrets: 'npm=abc',
    });
    const plan = planBuild(read, context(), observed(), opts);
    expect(plan.logins.map((l) => [l.host, l.type, l.username, l.command.args.join(' ')])).toEqual([
      [
        ECR,
        'ecr',
        'AWS',
        `login --authfile ${opts.workDir}/auth.json --username AWS --password-stdin ${ECR}`,
      ],
      [
        AR,
        'artifact-registry',
        'oauth2accesstoken',
        `login --authfile ${opts.workDir}/auth.json --username oauth2accesstoken --password-stdin ${AR}`,
      ],
      [
        'ghcr.io',
        'oci',
        'octo',
        `login --authfile ${opts.workDir}/auth.json --username octo --password-stdin ghcr.io`,
      ],
    ]);
    expect(plan.repositories).toEqual([
      {
        kind: 'ecr',
        host: ECR,
        region: 'eu-west-1',
        registryId: '123456789012',
        repositoryName: 'shop',
        scanOnPush: true,
        tagMutability: 'IMMUTABLE',
        lifecyclePolicy: undefined,
      },
      { kind: 'artifact-registry', host: AR, project: 'proj', location: 'europe-west1', repository: 'apps' },
    ]);
    expect(plan.references).toEqual([
      `${ECR}/shop:main`,
      `${ECR}/shop:latest`,
      `${ECR}/shop:sha-0123456`,
      `${AR}/proj/apps/shop:main`,
      `${AR}/proj/apps/shop:latest`,
      `${AR}/proj/apps/shop:sha-0123456`,
      'ghcr.io/octo/shop:main',
      'ghcr.io/octo/shop:latest',
      'ghcr.io/octo/shop:sha-0123456',
    ]);
    expect(plan.labels).toEqual({
      'org.opencontainers.image.title': 'shop',
      'org.opencontainers.image.source': 'https://github.com/octo/shop',
      'org.opencontainers.image.revision': SHA,
      'org.opencontainers.image.created': '2026-11-30T12:00:00.000Z',
      'org.opencontainers.image.version': 'main',
    });
    expect(plan.secretIds).toEqual(['npm']);
    expect(plan.cache).toEqual({ kind: 'none' });
    expect(plan.warnings).toEqual([]);
    // The plan never holds a secret value.
    expect(JSON.stringify(plan)).not.toMatch(/ghp_secret|"abc"/);
    const lines = planLines(plan).join('\n');
    expect(lines).toContain(`${ECR}: Amazon ECR, eu-west-1, log in as AWS`);
    expect(lines).toContain('Repository: ensure ECR shop in eu-west-1 (scan on push on, tags immutable)');
    expect(lines).toContain('password on stdin');
  });

  it.each([
    ['buildah', {}, ['buildah', 'skopeo']],
    ['buildah', { push: 'false' }, ['buildah']],
    ['buildx', {}, ['docker']],
  ] as const)('runs the programs of %s with %j', (engine, values, programs) => {
    expect(programsOf(planBuild(inputs(values), context(), observed(engine), opts))).toEqual(programs);
  });

  it('needs no login and creates nothing without a push', () => {
    const plan = planBuild(
      inputs({ push: 'false', 'create-repository': 'true' }),
      context(),
      observed(),
      opts,
    );
    expect([plan.logins, plan.repositories, plan.commands.push, plan.commands.tag]).toEqual([[], [], [], []]);
    expect(plan.warnings).toEqual(['`push: false`: no repository is created']);
  });

  it('logs in for a registry cache even without a push, and picks gha by default on Buildx', () => {
    expect(
      planBuild(inputs({ push: 'false', cache: 'registry' }), context(), observed('buildx'), opts).logins,
    ).toHaveLength(1);
    expect(planBuild(inputs({}), context(), observed('buildx'), opts).cache).toEqual({
      kind: 'gha',
      scope: 'shop',
    });
  });

  it('pushes to an OCI registry without a username anonymously', () => {
    const plan = planBuild(inputs({ images: 'localhost:5000/shop' }), context(), observed(), opts);
    expect(plan.logins).toEqual([]);
    expect(planLines(plan)).toContain('  localhost:5000: OCI registry, no login (anonymous), plain HTTP');
  });

  it.each([
    [
      { cache: 'gha' },
      'buildah',
      [
        'cache: `gha` is a Buildx cache; Buildah keeps its layers locally: use cache: none (or auto), or engine: buildx',
      ],
    ],
    [
      { provenance: 'max', sbom: 'true' },
      'buildah',
      [
        'provenance: Buildah makes no provenance attestations: use engine: buildx, or provenance: auto',
        'sbom: Buildah makes no SBOM attestations: use engine: buildx, or sbom: false',
      ],
    ],
    [
      { 'auto-tags': 'pr' },
      'buildx',
      ['tags: no tag for this run (refs/heads/main, auto-tags: pr): list tags in `tags`'],
    ],
    [
      { images: '127.0.0.1:5000/p/r/i', 'registry-type': 'artifact-registry', 'create-repository': 'true' },
      'buildx',
      [
        'create-repository: 127.0.0.1:5000 does not name an Artifact Registry location (LOCATION-docker.pkg.dev): create p/r beforehand',
      ],
    ],
    [
      { images: 'registry.internal/app', 'registry-type': 'ecr' },
      'buildx',
      ['aws-region: is required: registry.internal does not name an AWS region, and AWS_REGION is not set'],
    ],
  ] as const)('refuses %j on %s', (values, engine, problems) => {
    expect(problemsOf(() => planBuild(inputs(values), context(), observed(engine), opts))).toEqual(problems);
  });

  it('takes the AWS region from the environment for a host that does not name one', () => {
    const plan = planBuild(
      inputs({ images: 'registry.internal/app', 'registry-type': 'ecr' }),
      context({ awsRegion: 'ap-south-1' }),
      observed(),
      opts,
    );
    expect(plan.registries[0]).toMatchObject({ type: 'ecr', region: 'ap-south-1' });
  });

  it('warns about settings that do nothing here', () => {
    const plan = planBuild(
      inputs({ images: 'ghcr.io/o/shop', 'lifecycle-policy': '{"rules":[{}]}', 'create-repository': 'true' }),
      context(),
      observed(),
      opts,
    );
    expect(plan.warnings).toEqual([
      '`create-repository` creates ECR and Artifact Registry repositories only; the OCI registries here create them on push',
      '`lifecycle-policy` applies to ECR repositories only',
    ]);
  });

  it('reports a dry run in the metadata and the summary', () => {
    const plan = planBuild(inputs({}), context(), observed(), opts);
    expect(metadataOf(plan, undefined, true)).toMatchObject({
      dryRun: true,
      digest: null,
      tags: ['main', 'latest', 'sha-0123456'],
    });
    const markdown = summaryOf(plan, undefined, true).toMarkdown();
    expect(markdown).toContain('## build-push: dry run');
    expect(markdown).toContain(`| \`${ECR}/shop:latest\` | latest |`);
    expect(markdown).toContain('<summary>Commands</summary>');
  });

  it.each([
    [{}, 'Dockerfile', undefined],
    [{ context: 'svc', file: 'svc/Containerfile' }, 'svc/Containerfile', undefined],
    [{ context: 'nope' }, undefined, 'context: directory nope does not exist in the workspace'],
    [
      { context: 'svc' },
      undefined,
      'file: no Dockerfile at svc/Dockerfile (the default, CONTEXT/Dockerfile): add one or set `file`',
    ],
    [
      { file: 'missing/Dockerfile' },
      undefined,
      'file: Dockerfile missing/Dockerfile does not exist in the workspace',
    ],
  ])('locates the build files of %j', (values, file, problem) => {
    const read = inputs(values);
    if (problem === undefined) expect(locateBuildFiles(read, ws).file).toBe(join(ws, file!));
    else expect(problemsOf(() => locateBuildFiles(read, ws))).toEqual([problem]);
  });
});

describe('the auth file', () => {
  it.each([
    [
      'keeps other logins, drops the hosts the action logs in to and any credsStore',
      {
        auths: { 'ghcr.io': { auth: 'x' }, [ECR]: { auth: 'old' } },
        credHelpers: { [ECR]: 'ecr-login', 'gcr.io': 'gcloud' },
        credsStore: 'desktop',
        currentContext: 'ci',
      },
      true,
      { auths: { 'ghcr.io': { auth: 'x' } }, credHelpers: { 'gcr.io': 'gcloud' }, currentContext: 'ci' },
    ],
    [
      'keeps only auths and helpers for Buildah',
      { auths: {}, currentContext: 'ci', credsStore: 'desktop' },
      false,
      { auths: {} },
    ],
    ['starts empty without a user file', undefined, true, { auths: {} }],
  ])('%s', (_what, user, keepOther, seed) => {
    expect(seedAuthConfig(user, [ECR], keepOther)).toEqual(seed);
  });

  it.each([
    ['/rt/slipway-build-push-1-ab', '/rt', true],
    ['/rt/other', '/rt', false],
    ['/rt/nested/slipway-build-push-1', '/rt', false],
    ['/rt/slipway-build-push-1/../../etc', '/rt', false],
    ['/elsewhere/slipway-build-push-1', '/rt', false],
  ])('%s is its own under %s: %s', (path, runnerTemp, own) => {
    expect(isOwnWorkDir(path, runnerTemp)).toBe(own);
  });

  it('makes a private DOCKER_CONFIG linked to the user’s builders, and removal leaves the user’s files alone', async () => {
    const root = await mkdtemp(join(tmpdir(), 'slipway-auth-'));
    try {
      const user = join(root, 'user-docker');
      await mkdir(join(user, 'buildx'), { recursive: true });
      await writeFile(join(user, 'buildx', 'current'), 'builder-1');
      await writeFile(
        join(user, 'config.json'),
        JSON.stringify({ auths: { 'ghcr.io': { auth: 'eA==' } }, credsStore: 'desktop' }),
      );
      const workDir = join(root, `${WORK_DIR_PREFIX}1-ab`);
      const authFile = join(workDir, 'docker', 'config.json');

      await prepareWorkDir(workDir, 'buildx', authFile, [ECR], { DOCKER_CONFIG: user });

      expect(JSON.parse(await readFile(authFile, 'utf8'))).toEqual({
        auths: { 'ghcr.io': { auth: 'eA==' } },
      });
      expect(lstatSync(authFile).mode & 0o777).toBe(0o600);
      expect(lstatSync(workDir).mode & 0o777).toBe(0o700);
      expect(lstatSync(join(workDir, 'docker', 'buildx')).isSymbolicLink()).toBe(true);
      await symlink(join(user, 'config.json'), join(workDir, 'user-config-link'));
      await removeWorkDir(workDir);
      expect(existsSync(workDir)).toBe(false);
      expect(await readFile(join(user, 'buildx', 'current'), 'utf8')).toBe('builder-1');
      expect(existsSync(join(user, 'config.json'))).toBe(true);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });

  it('seeds Buildah’s auth file from REGISTRY_AUTH_FILE', async () => {
    const root = await mkdtemp(join(tmpdir(), 'slipway-auth-'));
    try {
      await writeFile(join(root, 'user.json'), JSON.stringify({ auths: { 'quay.io': { auth: 'eQ==' } } }));
      const workDir = join(root, `${WORK_DIR_PREFIX}2-cd`);
      await prepareWorkDir(workDir, 'buildah', join(workDir, 'auth.json'), [], {
        REGISTRY_AUTH_FILE: join(root, 'user.json'),
      });
      expect(JSON.parse(await readFile(join(workDir, 'auth.json'), 'utf8'))).toEqual({
        auths: { 'quay.io': { auth: 'eQ==' } },
      });
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});
