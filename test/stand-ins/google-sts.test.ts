// google-auth-library's real external_account path (IdentityPoolClient: subject token from a file or the OIDC
// URL, STS exchange, optional impersonation), built by @slipway/gcp/auth, against the STS stand-in.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { createAuthClient, describeCredentialsJson, fetchAccessToken } from '@slipway/gcp/auth';
import { GOOGLE_STS_OPERATIONS, GoogleStsStandIn } from './google-sts.js';

const SA = 'deploy@example-project.iam.gserviceaccount.com';
const sts = new GoogleStsStandIn({
  serviceAccounts: [SA],
  attributeCondition: (claims) => claims.repository === 'octo/repo',
});
let dir: string;

beforeAll(async () => {
  await sts.start();
  dir = await mkdtemp(join(tmpdir(), 'slipway-sts-'));
});
afterAll(async () => {
  await sts.stop();
  await rm(dir, { recursive: true, force: true });
});
afterEach(() => {
  sts.clearFaults();
  sts.clearJournal();
});

async function tokenFile(token: string): Promise<string> {
  const file = join(dir, `oidc-${Math.random().toString(36).slice(2)}.jwt`);
  await writeFile(file, token);
  return file;
}

async function tokenFrom(json: Record<string, unknown>): Promise<string> {
  const client = await createAuthClient(describeCredentialsJson('/adc.json', json));
  return fetchAccessToken(client);
}

describe('the token exchange through google-auth-library', () => {
  it('exchanges a subject token from a file for a federated token', async () => {
    const file = await tokenFile(sts.mintOidcToken());
    const token = await tokenFrom(sts.credentialFile({ file }));
    const verdict = sts.verifyAccessToken(token);
    expect(verdict.ok && verdict.token.kind).toBe('federated');
    expect(verdict.ok && verdict.token.principal).toMatch(/subject\/repo:octo\/repo:ref:refs\/heads\/main$/);
    const [exchange] = sts.calls(GOOGLE_STS_OPERATIONS.exchangeToken);
    const form = new URLSearchParams(String(exchange!.body));
    expect({
      grant: form.get('grant_type'),
      audience: form.get('audience'),
      scope: form.get('scope'),
      type: exchange!.headers['content-type'],
    }).toEqual({
      grant: 'urn:ietf:params:oauth:grant-type:token-exchange',
      audience: sts.audience,
      scope: 'https://www.googleapis.com/auth/cloud-platform',
      type: 'application/x-www-form-urlencoded;charset=UTF-8',
    });
  });

  it('fetches the subject token from the OIDC URL and impersonates the service account, as the auth action sets up', async () => {
    const token = await tokenFrom(sts.credentialFile({ impersonate: SA }));
    const verdict = sts.verifyAccessToken(token);
    expect(verdict.ok && [verdict.token.kind, verdict.token.principal]).toEqual(['service-account', SA]);
    expect(sts.journal.map((e) => [e.operation, e.status])).toEqual([
      [GOOGLE_STS_OPERATIONS.oidcToken, 200],
      [GOOGLE_STS_OPERATIONS.exchangeToken, 200],
      [GOOGLE_STS_OPERATIONS.generateAccessToken, 200],
    ]);
    expect(sts.calls(GOOGLE_STS_OPERATIONS.oidcToken)[0]!.headers.authorization).toBe(
      `Bearer ${sts.oidcRequestToken}`,
    );
  });

  it.each([
    ['another repository', { repository: 'evil/fork' }, 'rejected by the attribute condition'],
    ['an expired token', { exp: 1 }, 'has expired'],
    ['another audience', { aud: 'https://example.com' }, 'does not match the expected audience'],
    ['another issuer', { iss: 'https://evil.example' }, 'does not match the expected ones'],
  ])('refuses %s', async (_what, claims, message) => {
    const file = await tokenFile(sts.mintOidcToken(claims));
    const before = sts.issued.length;
    await expect(tokenFrom(sts.credentialFile({ file }))).rejects.toThrow(message);
    expect(sts.issued.length).toBe(before);
    expect(sts.calls(GOOGLE_STS_OPERATIONS.exchangeToken).map((e) => e.status)).toEqual([400]);
  });

  it('refuses a forged signature', async () => {
    const [head, body] = sts.mintOidcToken().split('.');
    const file = await tokenFile(`${head}.${body}.AAAA`);
    await expect(tokenFrom(sts.credentialFile({ file }))).rejects.toThrow('Invalid JWT signature');
  });

  it('denies impersonating an account the pool may not use', async () => {
    await expect(
      tokenFrom(sts.credentialFile({ impersonate: 'other@example-project.iam.gserviceaccount.com' })),
    ).rejects.toThrow("Permission 'iam.serviceAccounts.getAccessToken' denied");
  });

  it('expires tokens on the stand-in clock', async () => {
    const file = await tokenFile(sts.mintOidcToken());
    const token = await tokenFrom(sts.credentialFile({ file }));
    expect(sts.verifyAccessToken(token).ok).toBe(true);
    sts.advance(3600 * 1000);
    expect(sts.verifyAccessToken(token)).toEqual({ ok: false, reason: 'access token expired' });
    sts.advance(-3600 * 1000);
  });

  it('sees google-auth-library retry a throttled exchange on its own', async () => {
    sts.inject(GOOGLE_STS_OPERATIONS.exchangeToken, { kind: 'throttle', times: 1 });
    const file = await tokenFile(sts.mintOidcToken());
    expect(sts.verifyAccessToken(await tokenFrom(sts.credentialFile({ file }))).ok).toBe(true);
    expect(sts.calls(GOOGLE_STS_OPERATIONS.exchangeToken).map((e) => [e.status, e.fault])).toEqual([
      [429, 'throttle'],
      [200, undefined],
    ]);
  });

  it('fails with the OAuth error when the exchange stays broken', async () => {
    sts.inject(GOOGLE_STS_OPERATIONS.exchangeToken, { kind: 'http', status: 400, times: 10 });
    const file = await tokenFile(sts.mintOidcToken());
    await expect(tokenFrom(sts.credentialFile({ file }))).rejects.toThrow('server_error');
  });
});
