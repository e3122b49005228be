// The GKE stand-in through Google's own libraries: google-auth-library exchanging an external_account (Workload
// Identity Federation) credential at the STS token endpoint, and @google-cloud/container's REST transport reading
// a cluster with that token.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ClusterManagerClient } from '@google-cloud/container';
import { GoogleAuth } from 'google-auth-library';
import type { AuthClient } from 'google-auth-library';
import { Clock } from './clock.js';
import { GkeStandIn } from './gke.js';

const SUBJECT = 'github-oidc-jwt';

describe('GkeStandIn', () => {
  const clock = new Clock(Date.UTC(2030, 0, 1, 12));
  const gke = new GkeStandIn({ clock, subjectToken: SUBJECT, tokenLifetimeSeconds: 600 });
  let dir: string;
  let subjectFile: string;
  // As the actions load credentials: a credential file, as GOOGLE_APPLICATION_CREDENTIALS names it.
  const authClient = async (impersonate?: string): Promise<AuthClient> => {
    const file = join(dir, `credentials-${impersonate ?? 'federated'}.json`);
    await writeFile(file, JSON.stringify(gke.externalAccountCredentials(subjectFile, impersonate)));
    process.env.GOOGLE_APPLICATION_CREDENTIALS = file;
    return new GoogleAuth({
      scopes: ['https://www.googleapis.com/auth/cloud-platform'],
      projectId: 'p1',
    }).getClient();
  };
  const containerClient = (auth: AuthClient) => {
    const { hostname, port } = new URL(gke.url);
    return new ClusterManagerClient({
      fallback: true,
      apiEndpoint: hostname,
      port: Number(port),
      protocol: 'http',
      authClient: auth as never,
    });
  };
  beforeAll(async () => {
    await gke.start();
    dir = await mkdtemp(join(tmpdir(), 'slipway-gke-test-'));
    subjectFile = join(dir, 'token');
    await writeFile(subjectFile, SUBJECT);
    gke.addCluster({
      project: 'p1',
      location: 'us-central1',
      name: 'prod',
      endpoint: '34.1.2.3',
      caData: 'Q0E=',
      autopilot: true,
      privateEndpoint: '10.0.0.2',
      dnsEndpoint: 'gke-0f1e2d.us-central1.gke.goog',
    });
  });
  const adc = process.env.GOOGLE_APPLICATION_CREDENTIALS;
  afterAll(async () => {
    if (adc === undefined) delete process.env.GOOGLE_APPLICATION_CREDENTIALS;
    else process.env.GOOGLE_APPLICATION_CREDENTIALS = adc;
    await gke.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('exchanges the federated subject token for an access token with a lifetime', async () => {
    const { token } = await (await authClient()).getAccessToken();
    expect(gke.issuedTokens.at(-1)).toEqual({
      token,
      expiresAt: clock.now() + 600_000,
      principal: expect.stringMatching(/^principal:\/\/iam\.googleapis\.com\/projects\/123456789\//),
    });
    expect(gke.calls('sts.token').at(-1)?.body).toContain(
      'grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Atoken-exchange',
    );
  });

  it('impersonates a service account when the credential says so', async () => {
    await (await authClient('deploy@p1.iam.gserviceaccount.com')).getAccessToken();
    expect(gke.issuedTokens.at(-1)?.principal).toBe('serviceAccount:deploy@p1.iam.gserviceaccount.com');
    expect(gke.calls('iamcredentials.generateAccessToken')).toHaveLength(1);
  });

  it('serves clusters.get to @google-cloud/container: endpoints, CA and Autopilot', async () => {
    const client = containerClient(await authClient());
    const [cluster] = await client.getCluster({ name: 'projects/p1/locations/us-central1/clusters/prod' });
    expect(cluster).toMatchObject({
      name: 'prod',
      endpoint: '34.1.2.3',
      masterAuth: { clusterCaCertificate: 'Q0E=' },
      autopilot: { enabled: true },
      status: 'RUNNING',
      privateClusterConfig: { privateEndpoint: '10.0.0.2' },
      controlPlaneEndpointsConfig: {
        dnsEndpointConfig: { endpoint: 'gke-0f1e2d.us-central1.gke.goog', allowExternalTraffic: true },
      },
    });
    const call = gke.calls('container.clusters.get').at(-1);
    expect(call?.path).toBe('/v1/projects/p1/locations/us-central1/clusters/prod');
    // The REST transport asks for numeric enums, and the stand-in answers them so.
    expect(String(call?.query.$alt)).toContain('enum-encoding=int');
    await client.close();
  });

  it.each([
    {
      name: 'a missing cluster',
      cluster: 'projects/p1/locations/us-central1/clusters/ghost',
      code: 404,
      status: 'NOT_FOUND',
    },
    {
      name: 'another project',
      cluster: 'projects/p2/locations/us-central1/clusters/prod',
      code: 404,
      status: 'NOT_FOUND',
    },
  ])('answers $name with $status', async ({ cluster, code, status }) => {
    const client = containerClient(await authClient());
    await expect(client.getCluster({ name: cluster })).rejects.toMatchObject({
      code,
      message: expect.stringContaining(status),
    });
    await client.close();
  });

  it('refuses an expired access token with 401 UNAUTHENTICATED', async () => {
    const { token } = await (await authClient()).getAccessToken();
    clock.advance(601_000);
    try {
      const res = await fetch(`${gke.url}/v1/projects/p1/locations/us-central1/clusters/prod`, {
        headers: { authorization: `Bearer ${token ?? ''}` },
      });
      expect(res.status).toBe(401);
      expect(await res.json()).toMatchObject({ error: { code: 401, status: 'UNAUTHENTICATED' } });
      expect(gke.verifyAccessToken(token ?? '')).toBeUndefined();
    } finally {
      clock.advance(-601_000);
    }
  });

  it('refuses a subject token it does not accept, as an OAuth error', async () => {
    const res = await fetch(`${gke.url}/v1/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'urn:ietf:params:oauth:grant-type:token-exchange',
        subject_token: 'forged',
        requested_token_type: 'urn:ietf:params:oauth:token-type:access_token',
      }).toString(),
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({
      error: 'invalid_grant',
      error_description: 'The given subject token could not be validated.',
    });
  });
});
