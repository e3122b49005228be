// Server-side check of AWS Signature Version 4, as an AWS front end does it: find the secret of the access key
// in the Authorization header, sign the same request again at the request's own x-amz-date, and compare.
// Reference: https://docs.aws.amazon.com/general/latest/gr/signature-version-4.html
// (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv-create-signed-request.html for the steps).
import { timingSafeEqual, createHash } from 'node:crypto';
import { Sha256 } from '@aws-crypto/sha256-js';
import { SignatureV4 } from '@smithy/signature-v4';
import type { HttpRequest } from '@smithy/types';
import type { StandInRequest } from './base.js';

/** An access key the stand-in knows, with its secret and, for temporary credentials, the session token. */
export interface AwsCredential {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

/** Why a request was refused, in the terms AWS answers with (error type, message, HTTP status). */
export interface SigV4Failure {
  ok: false;
  type: string;
  message: string;
  status: number;
}

/** A request whose signature matched. */
export interface SigV4Success {
  ok: true;
  accessKeyId: string;
  region: string;
  service: string;
  /** The instant the request was signed at (its x-amz-date). */
  signedAt: Date;
}

/** What {@link verifySigV4} checks against. */
export interface SigV4Policy {
  /** Known keys, by access key id. */
  credentials: ReadonlyMap<string, AwsCredential>;
  /** The signing name of the service (`ecr`, `ecs`, ...): the credential scope must name it. */
  service: string;
  /** When set, the credential scope must name this region; otherwise any region is accepted. */
  region?: string;
  /** The stand-in's current time (epoch ms), for the skew check. */
  now: number;
  /** Largest accepted distance between x-amz-date and now; AWS allows 15 minutes. */
  maxSkewMs?: number;
  /**
   * Status of signature and key failures. AWS JSON services (ECS, ECR, DynamoDB, Cognito...) answer 400 for
   * InvalidSignatureException and UnrecognizedClientException; REST services such as Lambda answer 403.
   */
  failureStatus?: number;
}

const ALGORITHM = 'AWS4-HMAC-SHA256';
const FIFTEEN_MINUTES = 15 * 60 * 1000;
const MISMATCH =
  'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.';
const INVALID_TOKEN = 'The security token included in the request is invalid.';

/**
 * Verifies the SigV4 Authorization header of a request and answers either the signer's identity or the error
 * AWS would answer (MissingAuthenticationTokenException, IncompleteSignatureException,
 * UnrecognizedClientException, InvalidSignatureException).
 */
export async function verifySigV4(
  request: StandInRequest,
  policy: SigV4Policy,
): Promise<SigV4Success | SigV4Failure> {
  const status = policy.failureStatus ?? 400;
  const fail = (type: string, message: string, failStatus = status): SigV4Failure => ({
    ok: false,
    type,
    message,
    status: failStatus,
  });

  const authorization = header(request, 'authorization');
  // CommonErrors lists MissingAuthenticationToken with HTTP 403.
  if (authorization === undefined)
    return fail('MissingAuthenticationTokenException', 'Missing Authentication Token', 403);
  const parsed = parseAuthorization(authorization);
  if (typeof parsed === 'string') return fail('IncompleteSignatureException', parsed);

  const amzDate = header(request, 'x-amz-date');
  const signedAt = amzDate === undefined ? undefined : parseAmzDate(amzDate);
  if (amzDate === undefined || signedAt === undefined) {
    return fail(
      'IncompleteSignatureException',
      `Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.`,
    );
  }
  if (!parsed.signedHeaders.includes('host')) {
    return fail(
      'IncompleteSignatureException',
      `'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.`,
    );
  }

  const credential = policy.credentials.get(parsed.accessKeyId);
  if (credential === undefined) return fail('UnrecognizedClientException', INVALID_TOKEN);
  const token = header(request, 'x-amz-security-token');
  if (token !== credential.sessionToken) return fail('UnrecognizedClientException', INVALID_TOKEN);

  if (parsed.service !== policy.service) {
    return fail(
      'InvalidSignatureException',
      `Credential should be scoped to correct service: '${policy.service}'. `,
    );
  }
  if (policy.region !== undefined && parsed.region !== policy.region) {
    return fail('InvalidSignatureException', `Credential should be scoped to a valid region. `);
  }
  if (parsed.date !== amzDate.slice(0, 8)) {
    return fail(
      'InvalidSignatureException',
      `Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '${parsed.date}' != '${amzDate.slice(0, 8)}', from '${amzDate}'.`,
    );
  }

  const maxSkew = policy.maxSkewMs ?? FIFTEEN_MINUTES;
  const minutes = Math.round(maxSkew / 60_000);
  if (signedAt.getTime() < policy.now - maxSkew) {
    return fail(
      'InvalidSignatureException',
      `Signature expired: ${amzDate} is now earlier than ${formatAmzDate(policy.now - maxSkew)} (${formatAmzDate(policy.now)} - ${minutes} min.)`,
    );
  }
  if (signedAt.getTime() > policy.now + maxSkew) {
    return fail(
      'InvalidSignatureException',
      `Signature not yet current: ${amzDate} is still later than ${formatAmzDate(policy.now + maxSkew)} (${formatAmzDate(policy.now)} + ${minutes} min.)`,
    );
  }

  // A declared payload hash is part of the signature; a front end still checks it against the body.
  const declaredHash = header(request, 'x-amz-content-sha256');
  if (declaredHash !== undefined && declaredHash !== 'UNSIGNED-PAYLOAD') {
    const actual = createHash('sha256').update(request.rawBody).digest('hex');
    if (actual !== declaredHash) return fail('InvalidSignatureException', MISMATCH);
  }

  const expected = await computeSignature(request, parsed, credential, signedAt);
  if (!sameHex(expected, parsed.signature)) return fail('InvalidSignatureException', MISMATCH);
  return {
    ok: true,
    accessKeyId: parsed.accessKeyId,
    region: parsed.region,
    service: parsed.service,
    signedAt,
  };
}

interface ParsedAuthorization {
  accessKeyId: string;
  date: string;
  region: string;
  service: string;
  signedHeaders: string[];
  signature: string;
}

function parseAuthorization(value: string): ParsedAuthorization | string {
  const space = value.indexOf(' ');
  const algorithm = space < 0 ? value : value.slice(0, space);
  if (algorithm !== ALGORITHM) return `Unsupported Authorization Type`;
  const params = new Map<string, string>();
  for (const part of value.slice(space + 1).split(',')) {
    const eq = part.indexOf('=');
    if (eq > 0) params.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
  }
  const missing = ['Credential', 'SignedHeaders', 'Signature'].filter((name) => !params.has(name));
  if (missing.length > 0) {
    return missing.map((name) => `Authorization header requires '${name}' parameter.`).join(' ');
  }
  const scope = (params.get('Credential') ?? '').split('/');
  if (scope.length !== 5 || scope[4] !== 'aws4_request') {
    return `Credential should be scoped to a valid region, service and terminated with 'aws4_request'.`;
  }
  const [accessKeyId = '', date = '', region = '', service = ''] = scope;
  return {
    accessKeyId,
    date,
    region,
    service,
    signedHeaders: (params.get('SignedHeaders') ?? '').split(';').filter((name) => name !== ''),
    signature: params.get('Signature') ?? '',
  };
}

async function computeSignature(
  request: StandInRequest,
  parsed: ParsedAuthorization,
  credential: AwsCredential,
  signedAt: Date,
): Promise<string> {
  // Only the headers the client signed take part; anything a proxy or the client added later must not.
  const headers: Record<string, string> = {};
  for (const name of parsed.signedHeaders) {
    const value = request.headers[name];
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(',') : value;
  }
  const host = headers['host'] ?? '';
  const signer = new SignatureV4({
    credentials: {
      accessKeyId: credential.accessKeyId,
      secretAccessKey: credential.secretAccessKey,
      ...(credential.sessionToken === undefined ? {} : { sessionToken: credential.sessionToken }),
    },
    region: parsed.region,
    service: parsed.service,
    sha256: Sha256,
    applyChecksum: false,
  });
  const toSign: HttpRequest = {
    method: request.method,
    protocol: 'http:',
    hostname: host.replace(/:\d+$/, ''),
    path: request.path,
    query: request.query,
    headers,
    body: request.rawBody,
  };
  const signed = await signer.sign(toSign, {
    signingDate: signedAt,
    signingRegion: parsed.region,
    signingService: parsed.service,
    // Force-sign exactly the client's list, even headers the signer would skip by default.
    signableHeaders: new Set(parsed.signedHeaders),
  });
  const auth = signed.headers['authorization'] ?? '';
  return /Signature=([0-9a-f]+)/.exec(auth)?.[1] ?? '';
}

function sameHex(a: string, b: string): boolean {
  const left = Buffer.from(a, 'utf8');
  const right = Buffer.from(b, 'utf8');
  // timingSafeEqual needs equal lengths; comparing a buffer with itself keeps the time constant.
  if (left.length !== right.length) return timingSafeEqual(left, left) && false;
  return timingSafeEqual(left, right);
}

function header(request: StandInRequest, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value.join(',') : value;
}

function parseAmzDate(value: string): Date | undefined {
  const match = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value);
  if (match === null) return undefined;
  const [, y, mo, d, h, mi, s] = match.map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  return new Date(Date.UTC(y, mo - 1, d, h, mi, s));
}

/** Formats an instant as SigV4's basic ISO-8601 form (`20240101T120000Z`). */
export function formatAmzDate(epochMs: number): string {
  return new Date(epochMs)
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
}
