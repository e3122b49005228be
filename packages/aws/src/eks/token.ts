/**
 * An EKS bearer token, made exactly as `aws eks get-token` makes it: an STS GetCallerIdentity request presigned
 * with SigV4 (GET `https://sts.<region>.amazonaws.com/?Action=GetCallerIdentity&Version=2011-06-15`,
 * `X-Amz-Expires=60`, the signed header `x-k8s-aws-id: <cluster name>`), base64url-encoded without padding behind
 * `k8s-aws-v1.`. The cluster's authenticator hands the URL to STS, which accepts it for 15 minutes after it was
 * signed; the token is considered good for 14 (see aws-iam-authenticator's pkg/token). No IAM permission is needed
 * to presign.
 */
import { Sha256 } from '@aws-crypto/sha256-js';
import { SignatureV4 } from '@smithy/signature-v4';
import type { AwsCredentialIdentity } from '@smithy/types';

/** The token prefix the authenticator looks for. */
export const EKS_TOKEN_PREFIX = 'k8s-aws-v1.';
/** How long a token is used: one minute less than STS accepts it. */
export const EKS_TOKEN_LIFETIME_MS = 14 * 60 * 1000;
/** The header that binds a token to one cluster. */
export const CLUSTER_ID_HEADER = 'x-k8s-aws-id';

/** What a token is made from. */
export interface EksTokenInput {
  clusterName: string;
  region: string;
  credentials: AwsCredentialIdentity;
  /** The signing time: the API server's clock, so a skewed runner clock does not produce stale tokens. */
  signingDate: Date;
}

/** A token and when to stop using it (epoch ms, same clock as `signingDate`). */
export interface EksToken {
  token: string;
  expiresAt: number;
}

/** The STS host of a region (China regions live under amazonaws.com.cn). */
export function stsHost(region: string): string {
  return `sts.${region}.amazonaws.com${region.startsWith('cn-') ? '.cn' : ''}`;
}

function encode(value: string): string {
  // RFC 3986 unreserved characters stay; everything else is percent-encoded (as SigV4 canonicalises them).
  return encodeURIComponent(value).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

/** Presigns the GetCallerIdentity URL and wraps it as an EKS token. */
export async function createEksToken(input: EksTokenInput): Promise<EksToken> {
  const hostname = stsHost(input.region);
  const signer = new SignatureV4({
    credentials: input.credentials,
    region: input.region,
    service: 'sts',
    sha256: Sha256,
  });
  const presigned = await signer.presign(
    {
      method: 'GET',
      protocol: 'https:',
      hostname,
      path: '/',
      query: { Action: 'GetCallerIdentity', Version: '2011-06-15' },
      headers: { host: hostname, [CLUSTER_ID_HEADER]: input.clusterName },
    },
    { expiresIn: 60, signingDate: input.signingDate, unhoistableHeaders: new Set([CLUSTER_ID_HEADER]) },
  );
  const query = Object.entries(presigned.query ?? {})
    .flatMap(([k, v]) => (Array.isArray(v) ? v.map((x) => [k, x]) : [[k, v ?? '']]))
    .sort(([a], [b]) => String(a).localeCompare(String(b)))
    .map(([k, v]) => `${encode(String(k))}=${encode(String(v))}`)
    .join('&');
  const url = `https://${hostname}/?${query}`;
  return {
    token: `${EKS_TOKEN_PREFIX}${Buffer.from(url, 'utf8').toString('base64url')}`,
    expiresAt: input.signingDate.getTime() + EKS_TOKEN_LIFETIME_MS,
  };
}

/** The presigned URL inside a token (for tests and debugging; the URL holds no secret, only a signature). */
export function decodeEksToken(token: string): URL {
  if (!token.startsWith(EKS_TOKEN_PREFIX))
    throw new Error(`not an EKS token (no ${EKS_TOKEN_PREFIX} prefix)`);
  return new URL(Buffer.from(token.slice(EKS_TOKEN_PREFIX.length), 'base64url').toString('utf8'));
}
