// The STS stand-in and the EKS token authenticator: presigned GetCallerIdentity URLs (as EKS tokens carry them)
// and header-signed calls, checked with @smithy/signature-v4 as the reference signer.
import { request as httpRequest } from 'node:http';
import { Sha256 } from '@aws-crypto/sha256-js';
import { SignatureV4 } from '@smithy/signature-v4';
import type { HttpRequest } from '@smithy/types';
import { createEksToken } from '@slipway/aws/eks';
import { TEST_CREDENTIALS } from './aws-json.js';
import { Clock } from './clock.js';
import { eksTokenAuthenticator } from './kube-auth.js';
import type { EksTokenRejection } from './kube-auth.js';
import { StsStandIn } from './sts.js';

const HOST = 'sts.us-east-1.amazonaws.com';
const ROLE = 'arn:aws:sts::123456789012:assumed-role/deploy/gha';
const SESSION = {
  accessKeyId: 'ASIASLIPWAYSESSION01',
  secretAccessKey: 'session/secret/key/0000000000000000',
  sessionToken: 'FwoGZXIvYXdzEBYaDSessionToken+/=',
};

interface Presigned {
  url: URL;
}

/** Presigns GetCallerIdentity the way `aws eks get-token` does, with any credentials and signed header value. */
async function presign(opts: {
  at: Date;
  cluster?: string;
  credentials?: typeof SESSION | typeof TEST_CREDENTIALS;
  host?: string;
  signClusterHeader?: boolean;
}): Promise<Presigned> {
  const host = opts.host ?? HOST;
  const signer = new SignatureV4({
    credentials: opts.credentials ?? TEST_CREDENTIALS,
    region: 'us-east-1',
    service: 'sts',
    sha256: Sha256,
  });
  const req: HttpRequest = {
    method: 'GET',
    protocol: 'https:',
    hostname: host,
    path: '/',
    query: { Action: 'GetCallerIdentity', Version: '2011-06-15' },
    headers: {
      host,
      ...(opts.signClusterHeader === false ? {} : { 'x-k8s-aws-id': opts.cluster ?? 'production' }),
    },
  };
  const signed = await signer.presign(req, { expiresIn: 60, signingDate: opts.at });
  const url = new URL(`https://${host}/`);
  for (const [k, v] of Object.entries(signed.query ?? {})) url.searchParams.set(k, String(v));
  return { url };
}

function tokenOf(p: Presigned): string {
  return `k8s-aws-v1.${Buffer.from(p.url.toString()).toString('base64url')}`;
}

/** Sends a presigned URL to the stand-in as the authenticator would: with the STS host and the cluster header. */
function send(
  sts: StsStandIn,
  url: URL,
  clusterHeader = 'production',
): Promise<{ status: number; body: string }> {
  const target = new URL(sts.url);
  return new Promise((resolve, reject) => {
    httpRequest(
      {
        host: target.hostname,
        port: target.port,
        path: `${url.pathname}${url.search}`,
        headers: { host: url.host, 'x-k8s-aws-id': clusterHeader },
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8').on('data', (c: string) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      },
    )
      .on('error', reject)
      .end();
  });
}

describe('StsStandIn', () => {
  const clock = new Clock(Date.UTC(2030, 0, 1, 12));
  const sts = new StsStandIn({
    clock,
    credentials: [TEST_CREDENTIALS, SESSION],
    identities: { [SESSION.accessKeyId]: ROLE },
  });
  beforeAll(() => sts.start());
  afterAll(() => sts.stop());

  it.each([
    {
      name: 'long-term keys',
      credentials: TEST_CREDENTIALS,
      arn: 'arn:aws:iam::123456789012:user/slipway-test',
    },
    { name: 'a session (assumed role)', credentials: SESSION, arn: ROLE },
  ])('answers a presigned GetCallerIdentity signed with $name', async ({ credentials, arn }) => {
    const { url } = await presign({ at: clock.date(), credentials });
    const res = await send(sts, url);
    expect(res.status).toBe(200);
    expect(res.body).toContain(`<Arn>${arn}</Arn>`);
    expect(res.body).toContain('<Account>123456789012</Account>');
  });

  it.each([
    {
      name: 'a changed signature',
      edit: (u: URL) => u.searchParams.set('X-Amz-Signature', '0'.repeat(64)),
      code: 'SignatureDoesNotMatch',
    },
    {
      name: 'a changed query',
      edit: (u: URL) => u.searchParams.set('Version', '2012-01-01'),
      code: 'SignatureDoesNotMatch',
    },
    {
      name: 'an unknown key',
      edit: (u: URL) =>
        u.searchParams.set(
          'X-Amz-Credential',
          String(u.searchParams.get('X-Amz-Credential')).replace(
            TEST_CREDENTIALS.accessKeyId,
            'AKIAUNKNOWNKEY000000',
          ),
        ),
      code: 'InvalidClientTokenId',
    },
  ])('refuses $name with 403 $code', async ({ edit, code }) => {
    const { url } = await presign({ at: clock.date() });
    edit(url);
    const res = await send(sts, url);
    expect(res.status).toBe(403);
    expect(res.body).toContain(`<Code>${code}</Code>`);
  });

  it('refuses a URL whose cluster header differs from the signed one', async () => {
    const { url } = await presign({ at: clock.date(), cluster: 'staging' });
    expect((await send(sts, url, 'production')).body).toContain('<Code>SignatureDoesNotMatch</Code>');
  });

  it.each([
    { minutes: 14, status: 200 },
    { minutes: 16, status: 403 },
  ])(
    'accepts a presigned URL for 15 minutes whatever X-Amz-Expires says: after $minutes min, $status',
    async ({ minutes, status }) => {
      const { url } = await presign({ at: clock.date() });
      clock.advance(minutes * 60_000);
      try {
        const res = await send(sts, url);
        expect(res.status).toBe(status);
        if (status === 403) expect(res.body).toContain('Request has expired');
      } finally {
        clock.advance(-minutes * 60_000);
      }
    },
  );

  it('answers a header-signed POST as the SDK sends it', async () => {
    const signer = new SignatureV4({
      credentials: TEST_CREDENTIALS,
      region: 'us-east-1',
      service: 'sts',
      sha256: Sha256,
    });
    const target = new URL(sts.url);
    const body = 'Action=GetCallerIdentity&Version=2011-06-15';
    const signed = await signer.sign(
      {
        method: 'POST',
        protocol: 'http:',
        hostname: target.hostname,
        port: Number(target.port),
        path: '/',
        headers: { host: target.host, 'content-type': 'application/x-www-form-urlencoded' },
        body,
      },
      { signingDate: clock.date() },
    );
    const res = await fetch(sts.url, {
      method: 'POST',
      headers: signed.headers as Record<string, string>,
      body,
    });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('<Arn>arn:aws:iam::123456789012:user/slipway-test</Arn>');
    expect(sts.calls('GetCallerIdentity').at(-1)?.status).toBe(200);
  });
});

describe('eksTokenAuthenticator', () => {
  const clock = new Clock(Date.UTC(2030, 0, 1, 12));
  const sts = new StsStandIn({
    clock,
    credentials: [TEST_CREDENTIALS, SESSION],
    identities: { [SESSION.accessKeyId]: ROLE },
  });
  const rejections: EksTokenRejection[] = [];
  const authenticate = eksTokenAuthenticator(sts, 'production', rejections);
  beforeAll(() => sts.start());
  afterAll(() => sts.stop());
  beforeEach(() => {
    rejections.length = 0;
  });

  it('accepts a token made as aws eks get-token makes it, and asks STS who signed it', async () => {
    const token = tokenOf(await presign({ at: clock.date(), credentials: SESSION }));
    expect(await authenticate(token)).toEqual({ username: ROLE, groups: ['system:authenticated'] });
    expect(sts.calls('GetCallerIdentity').at(-1)?.headers['x-k8s-aws-id']).toBe('production');
  });

  it('accepts the token @slipway/aws/eks makes', async () => {
    const { token } = await createEksToken({
      clusterName: 'production',
      region: 'us-east-1',
      credentials: SESSION,
      signingDate: clock.date(),
    });
    expect(await authenticate(token)).toMatchObject({ username: ROLE });
  });

  it.each([
    {
      name: 'another cluster',
      make: () => presign({ at: clock.date(), cluster: 'staging' }),
      reason: /sts getCallerIdentity failed: HTTP 403.*SignatureDoesNotMatch/s,
    },
    {
      name: 'an unsigned cluster header',
      make: () => presign({ at: clock.date(), signClusterHeader: false }),
      reason: /did not sign the x-k8s-aws-id header/,
    },
    {
      name: 'a host that is not STS',
      make: () => presign({ at: clock.date(), host: 'evil.example.com' }),
      reason: /unexpected hostname "evil\.example\.com"/,
    },
    {
      name: 'a token signed 16 minutes ago',
      make: () => presign({ at: new Date(clock.now() - 16 * 60_000) }),
      reason: /expired \(15 minute expiration\)/,
    },
  ])('rejects a token for $name', async ({ make, reason }) => {
    expect(await authenticate(tokenOf(await make()))).toBeUndefined();
    expect(rejections).toEqual([expect.objectContaining({ reason: expect.stringMatching(reason) })]);
  });

  it('ignores tokens without the k8s-aws-v1. prefix (another authenticator may know them)', async () => {
    expect(await authenticate('static-token')).toBeUndefined();
    expect(rejections).toEqual([]);
  });
});
