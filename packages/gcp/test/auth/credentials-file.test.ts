import { describe, expect, it } from '@jest/globals';
import {
  CredentialsError,
  describeCredentialsJson,
  describeIdentity,
  impersonatedAccount,
  readCredentialsFile,
} from '../../src/auth/index.js';

const WIF = {
  type: 'external_account',
  audience: '//iam.googleapis.com/projects/1/locations/global/workloadIdentityPools/gh/providers/gh',
  subject_token_type: 'urn:ietf:params:oauth:token-type:jwt',
  token_url: 'https://sts.googleapis.com/v1/token',
  service_account_impersonation_url:
    'https://iamcredentials.googleapis.com/v1/projects/-/serviceAccounts/deploy@p.iam.gserviceaccount.com:generateAccessToken',
  credential_source: {
    url: 'https://pipelines.actions.githubusercontent.com/x?audience=y',
    headers: { Authorization: 'Bearer request-token-123' },
    format: { type: 'json', subject_token_field_name: 'value' },
  },
};

const KEY = {
  type: 'service_account',
  project_id: 'key-project',
  client_email: 'ci@key-project.iam.gserviceaccount.com',
  private_key: '-----BEGIN PRIVATE KEY-----\nabc\n-----END PRIVATE KEY-----\n',
};

describe('readCredentialsFile', () => {
  const files: Record<string, string> = {
    '/wif.json': JSON.stringify(WIF),
    '/key.json': JSON.stringify(KEY),
    '/bad.json': '{ not json',
    '/array.json': '[]',
    '/typeless.json': '{"audience": "x"}',
    '/alien.json': '{"type": "gdch_service_account"}',
  };
  const read = (path: string): string => {
    const text = files[path];
    if (text === undefined) throw Object.assign(new Error('nope'), { code: 'ENOENT' });
    return text;
  };

  it('returns undefined when GOOGLE_APPLICATION_CREDENTIALS is not set', () => {
    expect(readCredentialsFile({}, read)).toBeUndefined();
    expect(readCredentialsFile({ GOOGLE_APPLICATION_CREDENTIALS: '  ' }, read)).toBeUndefined();
  });

  it.each([
    ['/wif.json', 'external_account', 'deploy@p.iam.gserviceaccount.com', undefined],
    ['/key.json', 'service_account', 'ci@key-project.iam.gserviceaccount.com', 'key-project'],
  ])('reads %s', (path, kind, account, project) => {
    const info = readCredentialsFile({ GOOGLE_APPLICATION_CREDENTIALS: path }, read)!;
    expect({ kind: info.kind, account: info.serviceAccount, project: info.projectId }).toEqual({
      kind,
      account,
      project,
    });
  });

  it.each([
    ['/missing.json', '/missing.json, which does not exist'],
    ['/bad.json', '/bad.json (GOOGLE_APPLICATION_CREDENTIALS) is not JSON'],
    ['/array.json', 'is not a JSON object'],
    ['/typeless.json', 'has no "type"'],
    ['/alien.json', 'an unsupported credential type "gdch_service_account"'],
  ])('rejects %s with one clear line', (path, expected) => {
    let error: unknown;
    try {
      readCredentialsFile({ GOOGLE_APPLICATION_CREDENTIALS: path }, read);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(CredentialsError);
    expect((error as Error).message).toContain(expected);
    expect((error as Error).message).not.toContain('\n');
  });
});

describe('the secrets of a credential file', () => {
  it('lists the request header, its bearer token, and a private key', () => {
    expect(describeCredentialsJson('/f', WIF).secrets).toEqual([
      'Bearer request-token-123',
      'request-token-123',
    ]);
    expect(describeCredentialsJson('/f', KEY).secrets).toEqual([KEY.private_key]);
  });

  it('looks inside the source credentials of an impersonated account', () => {
    const json = {
      type: 'impersonated_service_account',
      service_account_impersonation_url: WIF.service_account_impersonation_url,
      source_credentials: { type: 'authorized_user', client_secret: 's3cret', refresh_token: 'r3fresh' },
    };
    const info = describeCredentialsJson('/f', json);
    expect(info.secrets).toEqual(['r3fresh', 's3cret']);
    expect(info.serviceAccount).toBe('deploy@p.iam.gserviceaccount.com');
  });
});

describe('impersonatedAccount', () => {
  it.each([
    [WIF.service_account_impersonation_url, 'deploy@p.iam.gserviceaccount.com'],
    ['https://example.com/v1/projects/-/serviceAccounts/x@y.com', undefined],
    [undefined, undefined],
  ])('%s → %s', (url, email) => {
    expect(impersonatedAccount(url)).toBe(email);
  });
});

describe('describeIdentity', () => {
  it.each([
    [
      describeCredentialsJson('/w.json', WIF),
      'Workload Identity Federation as deploy@p.iam.gserviceaccount.com (/w.json)',
    ],
    [
      describeCredentialsJson('/k.json', KEY),
      'a service account key as ci@key-project.iam.gserviceaccount.com (/k.json)',
    ],
    [
      undefined,
      'Application Default Credentials from the environment (gcloud credentials or the metadata server)',
    ],
  ])('%#', (info, line) => {
    expect(describeIdentity(info)).toBe(line);
  });
});
