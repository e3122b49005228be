// How the Kubernetes API stand-in authenticates bearer tokens, one authenticator per way a cluster does it:
// - EKS: aws-iam-authenticator's token check (https://github.com/kubernetes-sigs/aws-iam-authenticator, "API
//   Authorization from Outside a Cluster" and pkg/token): the token is `k8s-aws-v1.` + base64url(no padding) of
//   a presigned STS GetCallerIdentity URL; the URL must be https on an STS host, carry only Action, Version and
//   X-Amz-* parameters, sign the `x-k8s-aws-id` header with the cluster's name, and be younger than 15 minutes;
//   the authenticator then sends it to STS, which checks the signature and says who signed it.
// - GKE: an OAuth 2 access token that Google issued and that has not expired.
import { request as httpRequest } from 'node:http';
import type { GkeStandIn } from './gke.js';
import type { StsStandIn } from './sts.js';

/** Who a token authenticates as. */
export interface KubeUser {
  username: string;
  groups?: string[];
}

/** Decides who a bearer token stands for; undefined rejects it (the API answers 401). */
export type TokenAuthenticator = (token: string) => Promise<KubeUser | undefined>;

/** Why an EKS token was refused, for tests that assert it. */
export interface EksTokenRejection {
  token: string;
  reason: string;
}

const TOKEN_PREFIX = 'k8s-aws-v1.';
const STS_HOST = /^sts(\.[a-z0-9-]+)?\.amazonaws\.com(\.cn)?$/;
const FIFTEEN_MINUTES = 15 * 60 * 1000;

function amzDate(value: string): number | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value);
  return m
    ? Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]))
    : undefined;
}

function forward(sts: StsStandIn, url: URL, clusterName: string): Promise<{ status: number; body: string }> {
  const target = new URL(sts.url);
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: target.hostname,
        port: target.port,
        method: 'GET',
        path: `${url.pathname}${url.search}`,
        // The signature covers the STS host name and the cluster id header, so both travel as signed.
        headers: { host: url.host, 'x-k8s-aws-id': clusterName, accept: 'application/xml' },
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8').on('data', (c: string) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

/**
 * An EKS authenticator for cluster `clusterName` that verifies tokens through the STS stand-in, as
 * aws-iam-authenticator does through STS. Users are the caller ARNs; rejections are recorded in `rejections`.
 */
export function eksTokenAuthenticator(
  sts: StsStandIn,
  clusterName: string,
  rejections: EksTokenRejection[] = [],
): TokenAuthenticator {
  return async (token) => {
    const reject = (reason: string): undefined => {
      rejections.push({ token, reason });
      return undefined;
    };
    if (!token.startsWith(TOKEN_PREFIX)) return undefined;
    let url: URL;
    try {
      url = new URL(Buffer.from(token.slice(TOKEN_PREFIX.length), 'base64url').toString('utf8'));
    } catch {
      return reject('input token was not properly formatted: malformed presigned URL');
    }
    if (url.protocol !== 'https:' || !STS_HOST.test(url.hostname))
      return reject(`unexpected hostname "${url.hostname}" in pre-signed URL`);
    if (url.pathname !== '/') return reject('unexpected path in pre-signed URL');
    for (const key of url.searchParams.keys()) {
      if (key !== 'Action' && key !== 'Version' && !key.startsWith('X-Amz-'))
        return reject(`non-whitelisted query parameter "${key}"`);
    }
    if (url.searchParams.get('Action') !== 'GetCallerIdentity')
      return reject('unexpected action parameter in pre-signed URL');
    const signed = (url.searchParams.get('X-Amz-SignedHeaders') ?? '').split(';');
    if (!signed.includes('x-k8s-aws-id'))
      return reject('client did not sign the x-k8s-aws-id header in the pre-signed URL');
    const date = amzDate(url.searchParams.get('X-Amz-Date') ?? '');
    if (date === undefined) return reject('X-Amz-Date parameter is missing or malformed');
    const expires = Number(url.searchParams.get('X-Amz-Expires'));
    if (!Number.isInteger(expires) || expires < 0 || expires > 900)
      return reject('X-Amz-Expires parameter out of range');
    if (sts.now() > date + FIFTEEN_MINUTES)
      return reject('X-Amz-Date parameter is expired (15 minute expiration)');
    const answer = await forward(sts, url, clusterName);
    if (answer.status !== 200)
      return reject(`sts getCallerIdentity failed: HTTP ${answer.status}: ${answer.body}`);
    const arn = /<Arn>([^<]+)<\/Arn>/.exec(answer.body)?.[1];
    if (arn === undefined) return reject('sts getCallerIdentity answered without an Arn');
    return { username: arn, groups: ['system:authenticated'] };
  };
}

/** A GKE authenticator: tokens the GKE stand-in issued and that are still valid. */
export function gkeTokenAuthenticator(gke: GkeStandIn): TokenAuthenticator {
  return (token) => {
    const principal = gke.verifyAccessToken(token);
    return Promise.resolve(
      principal === undefined ? undefined : { username: principal, groups: ['system:authenticated'] },
    );
  };
}
