import {
  CLUSTER_ID_HEADER,
  EKS_TOKEN_LIFETIME_MS,
  createEksToken,
  decodeEksToken,
  stsHost,
} from '../../src/eks/token.js';

const credentials = {
  accessKeyId: 'AKIAEXAMPLE000000000',
  secretAccessKey: 'secret/key/0000000000000000000000000000',
};
const session = { ...credentials, accessKeyId: 'ASIAEXAMPLE000000000', sessionToken: 'Fwo+/Session=Token==' };
const signingDate = new Date(Date.UTC(2030, 4, 6, 7, 8, 9));

describe('createEksToken', () => {
  it('is k8s-aws-v1. + base64url (no padding) of a presigned STS GetCallerIdentity URL, as aws eks get-token makes it', async () => {
    const { token, expiresAt } = await createEksToken({
      clusterName: 'production',
      region: 'eu-west-1',
      credentials,
      signingDate,
    });
    expect(token).toMatch(/^k8s-aws-v1\.[A-Za-z0-9_-]+$/);
    const url = decodeEksToken(token);
    expect(`${url.protocol}//${url.host}${url.pathname}`).toBe('https://sts.eu-west-1.amazonaws.com/');
    expect(Object.fromEntries(url.searchParams)).toEqual({
      Action: 'GetCallerIdentity',
      Version: '2011-06-15',
      'X-Amz-Algorithm': 'AWS4-HMAC-SHA256',
      'X-Amz-Credential': 'AKIAEXAMPLE000000000/20300506/eu-west-1/sts/aws4_request',
      'X-Amz-Date': '20300506T070809Z',
      'X-Amz-Expires': '60',
      'X-Amz-SignedHeaders': `host;${CLUSTER_ID_HEADER}`,
      'X-Amz-Signature': expect.stringMatching(/^[0-9a-f]{64}$/),
    });
    expect(expiresAt).toBe(signingDate.getTime() + EKS_TOKEN_LIFETIME_MS);
    expect(EKS_TOKEN_LIFETIME_MS).toBe(14 * 60 * 1000);
  });

  it('carries the session token of temporary credentials, encoded so it survives the URL', async () => {
    const url = decodeEksToken(
      (await createEksToken({ clusterName: 'c', region: 'us-east-1', credentials: session, signingDate }))
        .token,
    );
    expect(url.searchParams.get('X-Amz-Security-Token')).toBe(session.sessionToken);
  });

  it.each([
    { cluster: 'production', other: 'staging' },
    { cluster: 'a', other: 'b' },
  ])('binds the token to the cluster: $cluster and $other sign differently', async ({ cluster, other }) => {
    const a = decodeEksToken(
      (await createEksToken({ clusterName: cluster, region: 'us-east-1', credentials, signingDate })).token,
    );
    const b = decodeEksToken(
      (await createEksToken({ clusterName: other, region: 'us-east-1', credentials, signingDate })).token,
    );
    expect(a.searchParams.get('X-Amz-Signature')).not.toBe(b.searchParams.get('X-Amz-Signature'));
  });

  it.each([
    { region: 'us-east-1', host: 'sts.us-east-1.amazonaws.com' },
    { region: 'cn-north-1', host: 'sts.cn-north-1.amazonaws.com.cn' },
  ])('signs for the regional STS host of $region', ({ region, host }) => {
    expect(stsHost(region)).toBe(host);
  });

  it('refuses to decode what is not an EKS token', () => {
    expect(() => decodeEksToken('Bearer abc')).toThrow('not an EKS token');
  });
});
