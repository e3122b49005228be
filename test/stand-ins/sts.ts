// AWS STS over the Query protocol, enough to authenticate: GetCallerIdentity signed in the Authorization header
// (as the SDK sends it) or presigned in the query string (as an EKS bearer token carries it, which the cluster's
// aws-iam-authenticator forwards to STS). References:
// https://docs.aws.amazon.com/STS/latest/APIReference/API_GetCallerIdentity.html,
// https://docs.aws.amazon.com/STS/latest/APIReference/CommonErrors.html,
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv-query-string-auth.html (query-string signing),
// and https://github.com/kubernetes-sigs/aws-iam-authenticator#how-does-it-work: a presigned GetCallerIdentity is
// accepted for 15 minutes after its X-Amz-Date whatever its X-Amz-Expires says.
import { randomUUID, timingSafeEqual } from 'node:crypto';
import { Sha256 } from '@aws-crypto/sha256-js';
import { SignatureV4 } from '@smithy/signature-v4';
import { StandIn } from './base.js';
import type { StandInOptions, StandInRequest, StandInResponse } from './base.js';
import { TEST_CREDENTIALS } from './aws-json.js';
import { formatAmzDate, verifySigV4 } from './sigv4.js';
import type { AwsCredential } from './sigv4.js';

/** Options of the STS stand-in. */
export interface StsStandInOptions extends StandInOptions {
  /** Accepted keys; {@link TEST_CREDENTIALS} by default. */
  credentials?: AwsCredential[];
  /** The ARN each access key authenticates as; `arn:aws:iam::<account>:user/slipway-test` by default. */
  identities?: Record<string, string>;
  /** The account of default identities (`123456789012`). */
  account?: string;
  /** How long a presigned GetCallerIdentity stays valid after X-Amz-Date; 15 minutes, as STS does it. */
  presignedLifetimeMs?: number;
}

/** A presigned request's verdict. */
export type PresignVerdict =
  | { ok: true; accessKeyId: string; arn: string }
  | { ok: false; code: string; message: string; status: number };

const NS = 'https://sts.amazonaws.com/doc/2011-06-15/';
const FIFTEEN_MINUTES = 15 * 60 * 1000;

function xmlEscape(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function parseAmzDate(value: string): number | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value);
  if (!m) return undefined;
  return Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]));
}

/** An STS stand-in answering GetCallerIdentity, with SigV4 checked in both of its forms. */
export class StsStandIn extends StandIn {
  /** Accepted keys by access key id. */
  readonly credentials = new Map<string, AwsCredential>();
  private readonly identities: Record<string, string>;
  private readonly settings: StsStandInOptions;

  /** @param options keys, identities and the presigned lifetime. */
  constructor(options: StsStandInOptions = {}) {
    super(options);
    this.settings = options;
    for (const c of options.credentials ?? [TEST_CREDENTIALS]) this.credentials.set(c.accessKeyId, { ...c });
    this.identities = options.identities ?? {};
  }

  /** The ARN an access key authenticates as. */
  identityOf(accessKeyId: string): string {
    return (
      this.identities[accessKeyId] ??
      `arn:aws:iam::${this.settings.account ?? '123456789012'}:user/slipway-test`
    );
  }

  protected identify(request: StandInRequest): string {
    const fromQuery = single(request.query.Action);
    if (fromQuery !== undefined) return fromQuery;
    if (typeof request.body === 'string') return new URLSearchParams(request.body).get('Action') ?? 'unknown';
    return 'unknown';
  }

  protected async handle(request: StandInRequest, operation: string): Promise<StandInResponse> {
    const presigned = single(request.query['X-Amz-Signature']) !== undefined;
    let accessKeyId: string;
    if (presigned) {
      const verdict = await this.verifyPresigned(request);
      if (!verdict.ok) return this.error(verdict.code, verdict.message, verdict.status);
      accessKeyId = verdict.accessKeyId;
    } else {
      const verdict = await verifySigV4(request, {
        credentials: this.credentials,
        service: 'sts',
        now: this.now(),
        failureStatus: 403,
      });
      if (!verdict.ok)
        return this.error(verdict.type.replace(/Exception$/, ''), verdict.message, verdict.status);
      accessKeyId = verdict.accessKeyId;
    }
    const params = new URLSearchParams(typeof request.body === 'string' ? request.body : '');
    const version = single(request.query.Version) ?? params.get('Version');
    if (operation !== 'GetCallerIdentity') {
      return this.error(
        'InvalidAction',
        `Could not find operation ${operation} for version ${version ?? 'NO_VERSION_SPECIFIED'}`,
        400,
      );
    }
    const arn = this.identityOf(accessKeyId);
    const account = /^arn:aws:(?:iam|sts)::(\d{12}):/.exec(arn)?.[1] ?? '123456789012';
    const body =
      `<GetCallerIdentityResponse xmlns="${NS}">\n  <GetCallerIdentityResult>\n` +
      `    <Arn>${xmlEscape(arn)}</Arn>\n    <UserId>${xmlEscape(accessKeyId)}</UserId>\n    <Account>${account}</Account>\n` +
      `  </GetCallerIdentityResult>\n  <ResponseMetadata>\n    <RequestId>${randomUUID()}</RequestId>\n  </ResponseMetadata>\n</GetCallerIdentityResponse>\n`;
    return { status: 200, headers: { 'content-type': 'text/xml' }, body };
  }

  /**
   * Checks a query-string-signed request: known key and session token, `sts` scope, X-Amz-Date not older than the
   * presigned lifetime (nor more than 15 minutes ahead), and the signature over the same method, host, path,
   * query and signed headers.
   */
  async verifyPresigned(request: StandInRequest): Promise<PresignVerdict> {
    const q = (name: string) => single(request.query[name]);
    const fail = (code: string, message: string, status = 403): PresignVerdict => ({
      ok: false,
      code,
      message,
      status,
    });
    if (q('X-Amz-Algorithm') !== 'AWS4-HMAC-SHA256')
      return fail('IncompleteSignature', 'Unsupported or missing X-Amz-Algorithm', 400);
    const scope = (q('X-Amz-Credential') ?? '').split('/');
    const amzDate = q('X-Amz-Date') ?? '';
    const signedAt = parseAmzDate(amzDate);
    const signature = q('X-Amz-Signature') ?? '';
    const signedHeaders = (q('X-Amz-SignedHeaders') ?? '').split(';').filter((h) => h !== '');
    const expiresIn = Number(q('X-Amz-Expires') ?? 'NaN');
    if (
      scope.length !== 5 ||
      scope[4] !== 'aws4_request' ||
      signedAt === undefined ||
      !Number.isInteger(expiresIn)
    ) {
      return fail('IncompleteSignature', 'The request signature is missing required query parameters', 400);
    }
    const [accessKeyId = '', date = '', region = '', service = ''] = scope;
    const credential = this.credentials.get(accessKeyId);
    if (credential === undefined || q('X-Amz-Security-Token') !== credential.sessionToken) {
      return fail('InvalidClientTokenId', 'The security token included in the request is invalid.');
    }
    if (service !== 'sts')
      return fail('SignatureDoesNotMatch', `Credential should be scoped to correct service: 'sts'.`);
    if (date !== amzDate.slice(0, 8))
      return fail('SignatureDoesNotMatch', 'Date in Credential scope does not match X-Amz-Date.');
    if (!signedHeaders.includes('host'))
      return fail('SignatureDoesNotMatch', `'Host' must be a 'SignedHeader' in the AWS Authorization.`);
    const now = this.now();
    const lifetime = this.settings.presignedLifetimeMs ?? FIFTEEN_MINUTES;
    if (now > signedAt + lifetime) {
      return fail(
        'AccessDenied',
        `Request has expired: signed at ${amzDate}, valid until ${formatAmzDate(signedAt + lifetime)}, now ${formatAmzDate(now)}`,
      );
    }
    if (signedAt > now + FIFTEEN_MINUTES)
      return fail(
        'SignatureDoesNotMatch',
        `Signature not yet current: ${amzDate} is still later than ${formatAmzDate(now + FIFTEEN_MINUTES)}`,
      );

    const headers: Record<string, string> = {};
    for (const name of signedHeaders) {
      const value = request.headers[name];
      if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(',') : value;
    }
    const query: Record<string, string | string[]> = {};
    for (const [k, v] of Object.entries(request.query)) if (!k.startsWith('X-Amz-')) query[k] = v;
    const signer = new SignatureV4({
      credentials: {
        accessKeyId: credential.accessKeyId,
        secretAccessKey: credential.secretAccessKey,
        ...(credential.sessionToken === undefined ? {} : { sessionToken: credential.sessionToken }),
      },
      region,
      service,
      sha256: Sha256,
      applyChecksum: false,
    });
    const presignedAgain = await signer.presign(
      {
        method: request.method,
        protocol: 'https:',
        hostname: (headers.host ?? '').replace(/:\d+$/, ''),
        path: request.path,
        query,
        headers,
      },
      {
        signingDate: new Date(signedAt),
        expiresIn,
        signableHeaders: new Set(signedHeaders),
        unhoistableHeaders: new Set(signedHeaders),
      },
    );
    const expected = String(presignedAgain.query?.['X-Amz-Signature'] ?? '');
    const a = Buffer.from(expected);
    const b = Buffer.from(signature);
    if (a.length !== b.length || !timingSafeEqual(a, b)) {
      return fail(
        'SignatureDoesNotMatch',
        'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.',
      );
    }
    return { ok: true, accessKeyId, arn: this.identityOf(accessKeyId) };
  }

  protected throttleResponse(): StandInResponse {
    return this.error('Throttling', 'Rate exceeded', 400);
  }

  protected serverErrorResponse(
    _r: StandInRequest,
    _o: string,
    status: number,
    message?: string,
  ): StandInResponse {
    return this.error(
      status === 503 ? 'ServiceUnavailable' : 'InternalFailure',
      message ?? 'An internal error occurred.',
      status,
    );
  }

  private error(code: string, message: string, status: number): StandInResponse {
    const type = status >= 500 ? 'Receiver' : 'Sender';
    return {
      status,
      headers: { 'content-type': 'text/xml' },
      body:
        `<ErrorResponse xmlns="${NS}">\n  <Error>\n    <Type>${type}</Type>\n    <Code>${xmlEscape(code)}</Code>\n` +
        `    <Message>${xmlEscape(message)}</Message>\n  </Error>\n  <RequestId>${randomUUID()}</RequestId>\n</ErrorResponse>\n`,
    };
  }
}
