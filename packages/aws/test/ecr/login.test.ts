// ECR logins through the real @aws-sdk/client-ecr over HTTP against the ECR stand-in (SigV4 verified).
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { ECRClient } from '@aws-sdk/client-ecr';
import { CredentialKeeper } from '@slipway/core';
import { EcrStandIn, TEST_CREDENTIALS } from '../../../../test/stand-ins/index.js';
import {
  decodeEcrToken,
  ecrClientsByRegion,
  ecrLogin,
  ecrRegionOf,
  parseEcrHost,
} from '../../src/ecr/index.js';

const HOUR = 3_600_000;
const ecr = new EcrStandIn({ registryId: '111122223333', region: 'eu-west-1', tokenTtlMs: HOUR });
let endpoint: string;

beforeAll(async () => {
  endpoint = await ecr.start();
});
afterAll(() => ecr.stop());
afterEach(() => {
  ecr.clearFaults();
  ecr.clearJournal();
});

const regionsAsked: string[] = [];
function clients() {
  return ecrClientsByRegion((region) => {
    regionsAsked.push(region);
    return new ECRClient({ endpoint, region, credentials: { ...TEST_CREDENTIALS }, maxAttempts: 1 });
  });
}
const fast = { baseDelayMs: 1, maxDelayMs: 2 };

describe('parseEcrHost', () => {
  it.each([
    ['111122223333.dkr.ecr.eu-west-1.amazonaws.com', { accountId: '111122223333', region: 'eu-west-1' }],
    [
      '111122223333.dkr.ecr-fips.us-gov-west-1.amazonaws.com',
      { accountId: '111122223333', region: 'us-gov-west-1' },
    ],
    ['111122223333.dkr.ecr.cn-north-1.amazonaws.com.cn', { accountId: '111122223333', region: 'cn-north-1' }],
    ['111122223333.dkr-ecr.ap-southeast-2.on.aws', { accountId: '111122223333', region: 'ap-southeast-2' }],
    ['public.ecr.aws', undefined],
    ['127.0.0.1:5000', undefined],
    ['ghcr.io', undefined],
  ])('%s', (host, expected) => {
    expect(parseEcrHost(host)).toEqual(expected);
  });
});

describe('ecrRegionOf', () => {
  it.each([
    ['111122223333.dkr.ecr.eu-west-1.amazonaws.com', 'us-east-1', 'eu-west-1'],
    ['127.0.0.1:5000', 'us-east-1', 'us-east-1'],
  ])('%s with fallback %s is %s', (host, fallback, region) => {
    expect(ecrRegionOf(host, fallback)).toBe(region);
  });

  it('names the host and the input to set when nothing says', () => {
    expect(() => ecrRegionOf('registry.internal:5000', undefined)).toThrow(
      'registry.internal:5000 does not name an AWS region (not ACCOUNT.dkr.ecr.REGION.amazonaws.com): set aws-region',
    );
  });
});

describe('decodeEcrToken', () => {
  it.each([
    [Buffer.from('AWS:abc:def').toString('base64'), { username: 'AWS', password: 'abc:def' }],
    [Buffer.from('AWS:x').toString('base64'), { username: 'AWS', password: 'x' }],
  ])('decodes %s', (token, expected) => {
    expect(decodeEcrToken(token)).toEqual(expected);
  });

  it.each([Buffer.from('no-colon').toString('base64'), Buffer.from('AWS:').toString('base64'), ''])(
    'rejects %j without quoting it',
    (token) => {
      expect(() => decodeEcrToken(token)).toThrow('not base64 of USER:PASSWORD');
    },
  );
});

describe('ecrLogin against the stand-in', () => {
  it('gets AWS:<token> with its expiry from GetAuthorizationToken in the host’s region', async () => {
    const login = ecrLogin({ client: clients(), retry: fast });
    const host = '111122223333.dkr.ecr.eu-west-1.amazonaws.com';

    const credentials = await login.login(host);

    const issued = ecr.issuedTokens.at(-1)!;
    expect(credentials).toEqual({
      registry: host,
      username: 'AWS',
      password: issued.password,
      expiresAt: issued.expiresAt,
    });
    expect(ecr.calls('GetAuthorizationToken').map((c) => c.status)).toEqual([200]);
    expect(String(ecr.journal[0]?.headers['authorization'])).toContain('/eu-west-1/ecr/aws4_request');
  });

  it('uses the fallback region for a host that does not name one, one client per region', async () => {
    regionsAsked.length = 0;
    const get = clients();
    const login = ecrLogin({ client: get, region: 'us-west-2', retry: fast });
    await login.login('127.0.0.1:5000');
    await login.login('localhost:5001');
    await login.login('111122223333.dkr.ecr.eu-west-1.amazonaws.com');
    expect(regionsAsked).toEqual(['us-west-2', 'eu-west-1']);
    expect(
      ecr
        .calls('GetAuthorizationToken')
        .map((c) => /\/(\w+-\w+-\d)\/ecr\//.exec(String(c.headers['authorization']))?.[1]),
    ).toEqual(['us-west-2', 'us-west-2', 'eu-west-1']);
  });

  it('retries throttling and then succeeds', async () => {
    ecr.inject('GetAuthorizationToken', { kind: 'throttle', times: 2 });
    const login = ecrLogin({ client: clients(), retry: fast });
    await expect(login.login('111122223333.dkr.ecr.eu-west-1.amazonaws.com')).resolves.toMatchObject({
      username: 'AWS',
    });
    expect(ecr.calls('GetAuthorizationToken').map((c) => c.status)).toEqual([400, 400, 200]);
  });

  it('fails on a key the service does not know, without retrying', async () => {
    const login = ecrLogin({
      client: () =>
        new ECRClient({
          endpoint,
          region: 'eu-west-1',
          credentials: { accessKeyId: 'AKIAUNKNOWNKEY000000', secretAccessKey: 'nope' },
          maxAttempts: 1,
        }),
      retry: fast,
    });
    await expect(login.login('111122223333.dkr.ecr.eu-west-1.amazonaws.com')).rejects.toMatchObject({
      name: 'UnrecognizedClientException',
    });
    expect(ecr.calls('GetAuthorizationToken')).toHaveLength(1);
  });

  it('renews through the CredentialKeeper once the token is within the margin of its expiry', async () => {
    // The keeper's clock moves on its own: moving the stand-in's would make it refuse the SDK's signatures.
    let later = 0;
    const keeper = new CredentialKeeper({ renewBeforeMs: 10 * 60_000, now: () => ecr.now() + later });
    const host = '111122223333.dkr.ecr.eu-west-1.amazonaws.com';
    keeper.add(host, ecrLogin({ client: clients(), retry: fast }));
    await keeper.refresh();
    const first = keeper.current(host)?.password;

    later = 45 * 60_000;
    expect(await keeper.refresh()).toEqual([]);
    later = 51 * 60_000;
    const renewed = await keeper.refresh();

    expect(renewed.map((c) => c.registry)).toEqual([host]);
    expect(keeper.current(host)?.password).not.toBe(first);
    expect(ecr.calls('GetAuthorizationToken')).toHaveLength(2);
  });
});
