// Artifact Registry: logins from real Application Default Credentials (an external_account file whose STS token
// exchange reaches a local stand-in), renewal before expiry, and repository creation over REST.
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { CredentialKeeper } from '@slipway/core';
import { GoogleStandIn } from '../../../../test/registry/google-stand-in.js';
import {
  ACCESS_TOKEN_USER,
  ArtifactRegistryHttpError,
  adcAccessTokenSource,
  applyArtifactRepository,
  artifactRegistryLogin,
  getArtifactRepository,
  isArtifactRegistryHost,
  planArtifactRepository,
} from '../../src/artifact-registry/index.js';
import type { ArtifactRegistryApi } from '../../src/artifact-registry/index.js';

const MINUTE = 60_000;
const google = new GoogleStandIn({ tokenLifetimeSeconds: 15 * 60 });
let adc: Awaited<ReturnType<GoogleStandIn['writeAdcFile']>>;
const previous = process.env.GOOGLE_APPLICATION_CREDENTIALS;

beforeAll(async () => {
  await google.start();
  adc = await google.writeAdcFile();
  process.env.GOOGLE_APPLICATION_CREDENTIALS = adc.path;
});
afterAll(async () => {
  if (previous === undefined) delete process.env.GOOGLE_APPLICATION_CREDENTIALS;
  else process.env.GOOGLE_APPLICATION_CREDENTIALS = previous;
  await adc.remove();
  await google.stop();
});
afterEach(() => {
  google.clearFaults();
  google.clearJournal();
});

const fast = { baseDelayMs: 1, maxDelayMs: 2 };

describe('isArtifactRegistryHost', () => {
  it.each([
    ['us-docker.pkg.dev', true],
    ['europe-west4-docker.pkg.dev', true],
    ['us-central1-python.pkg.dev', false],
    ['gcr.io', false],
    ['docker.pkg.dev', false],
  ])('%s → %s', (host, expected) => {
    expect(isArtifactRegistryHost(host)).toBe(expected);
  });
});

describe('artifactRegistryLogin over ADC', () => {
  it('logs in as oauth2accesstoken with the exchanged token and its expiry', async () => {
    const login = artifactRegistryLogin(
      adcAccessTokenSource({ refreshBeforeMs: 5 * MINUTE, projectId: 'p' }),
      fast,
    );
    const credentials = await login.login('europe-west1-docker.pkg.dev');

    const issued = google.issued.at(-1)!;
    expect(credentials).toEqual({
      registry: 'europe-west1-docker.pkg.dev',
      username: ACCESS_TOKEN_USER,
      password: issued.token,
      expiresAt: expect.any(Number),
    });
    // google-auth-library computes the expiry from expires_in on its own clock: within a few seconds.
    expect(Math.abs(credentials.expiresAt! - issued.expiresAt)).toBeLessThan(5000);
    expect(google.calls('sts.token')).toHaveLength(1);
  });

  it('hands back the cached token while it is fresh, and a new one once it is within the margin', async () => {
    const before = google.issued.length;
    const source = adcAccessTokenSource({ refreshBeforeMs: 10 * MINUTE, projectId: 'p' });
    const login = artifactRegistryLogin(source, fast);
    const keeper = new CredentialKeeper({ renewBeforeMs: 10 * MINUTE });
    keeper.add('us-docker.pkg.dev', login);

    await keeper.refresh();
    const first = keeper.current('us-docker.pkg.dev')!;
    // A 15-minute token is not yet due with a 10-minute margin: the keeper does not ask again.
    expect(await keeper.refresh()).toEqual([]);

    // The 5-minute token problem: with a margin longer than the token's life, every renewal mints a new one.
    const shortKeeper = new CredentialKeeper({ renewBeforeMs: 20 * MINUTE });
    const shortSource = adcAccessTokenSource({ refreshBeforeMs: 20 * MINUTE, projectId: 'p' });
    shortKeeper.add('us-docker.pkg.dev', artifactRegistryLogin(shortSource, fast));
    await shortKeeper.refresh();
    const renewed = await shortKeeper.refresh();

    expect(first.password).toBe(google.issued[before]!.token);
    expect(renewed).toHaveLength(1);
    expect(renewed[0]!.password).not.toBe(first.password);
    expect(google.calls('sts.token')).toHaveLength(3);
  });
});

describe('repository creation', () => {
  const source = adcAccessTokenSource({ refreshBeforeMs: MINUTE, projectId: 'demo' });
  const api = (): ArtifactRegistryApi => ({
    endpoint: google.url,
    token: async () => (await source()).token,
    retry: fast,
  });
  const poll = { initialIntervalMs: 1, maxIntervalMs: 2, timeoutMs: 5000 };
  const id = { project: 'demo', location: 'europe-west1', repository: 'apps' };

  it('creates a missing Docker repository and waits for its operation', async () => {
    const observed = await getArtifactRepository(api(), id);
    const plan = planArtifactRepository(id, observed);
    await applyArtifactRepository(api(), plan, poll);

    expect(observed).toEqual({ exists: false });
    expect(plan.steps).toEqual([{ action: 'create', format: 'DOCKER' }]);
    expect(google.repositories.get('projects/demo/locations/europe-west1/repositories/apps')?.format).toBe(
      'DOCKER',
    );
    expect(google.journal.map((e) => [e.operation, e.status])).toEqual([
      ['sts.token', 200],
      ['repositories.get', 404],
      ['repositories.create', 200],
      ['operations.get', 200],
    ]);
    expect(google.calls('repositories.create')[0]?.query).toEqual({ repositoryId: 'apps' });
  });

  it.each([
    ['an existing Docker repository', 'DOCKER', [], []],
    [
      'a repository of another format',
      'MAVEN',
      [],
      [
        'Artifact Registry repository projects/demo/locations/us/repositories/jars holds MAVEN packages, not Docker images',
      ],
    ],
  ])('plans nothing for %s', async (_what, format, steps, problems) => {
    const repo = { project: 'demo', location: 'us', repository: format === 'DOCKER' ? 'images' : 'jars' };
    google.seedRepository(repo.project, repo.location, repo.repository, format);
    const plan = planArtifactRepository(repo, await getArtifactRepository(api(), repo));
    expect(plan).toEqual({ id: repo, steps, problems });
    if (problems.length > 0)
      await expect(applyArtifactRepository(api(), plan, poll)).rejects.toThrow('holds MAVEN');
  });

  it('retries a 503 and takes a repository created meanwhile (409) as created', async () => {
    const raced = { project: 'demo', location: 'asia', repository: 'raced' };
    const plan = planArtifactRepository(raced, { exists: false });
    google.seedRepository('demo', 'asia', 'raced');
    google.inject('repositories.create', { kind: 'http', status: 503, times: 1 });
    await applyArtifactRepository(api(), plan, poll);
    expect(google.calls('repositories.create').map((c) => c.status)).toEqual([503, 409]);
  });

  it('fails with Google’s status and message on a refused token', async () => {
    const refused: ArtifactRegistryApi = {
      endpoint: google.url,
      token: () => Promise.resolve('forged'),
      retry: fast,
    };
    const failure = await getArtifactRepository(refused, id).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(ArtifactRegistryHttpError);
    expect((failure as Error).message).toBe(
      'UNAUTHENTICATED: Request had invalid authentication credentials. (HTTP 401)',
    );
  });
});
