// The AWS JSON 1.0/1.1 protocol as ECS and ECR speak it: `POST /`, `X-Amz-Target: <TargetPrefix>.<Operation>`,
// a JSON body in and out, errors as `{"__type": "<Type>", "message": "..."}` with an HTTP 4xx/5xx status.
// The SDK's deserializer (@smithy/core protocols, loadJsonRpcErrorCode) reads the error type from `__type` first,
// then a `code` member, then the `x-amzn-errortype` header, and keeps the part before ':' and after '#'; it
// becomes `err.name`. Reference: https://smithy.io/2.0/aws/protocols/aws-json-1_1-protocol.html and
// https://docs.aws.amazon.com/AmazonECS/latest/APIReference/CommonErrors.html for the common error types.
import { randomUUID } from 'node:crypto';
import { StandIn } from './base.js';
import type { StandInOptions, StandInRequest, StandInResponse } from './base.js';
import { verifySigV4 } from './sigv4.js';
import type { AwsCredential } from './sigv4.js';

/** An error a handler throws to answer with an AWS error type (`err.name` at the SDK) and HTTP status. */
export class AwsError extends Error {
  /**
   * @param type the error shape name, e.g. `RepositoryNotFoundException`
   * @param status HTTP status; modelled client errors of JSON services are 400
   */
  constructor(
    readonly type: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
    this.name = type;
  }
}

/** What a handler learns about the call besides its input. */
export interface AwsContext {
  operation: string;
  requestId: string;
  /** The access key that signed the request (undefined when signature checks are off). */
  accessKeyId: string | undefined;
  /** The region of the credential scope (the stand-in's region when signature checks are off). */
  region: string;
  /** The stand-in clock at the time of the call. */
  now: Date;
}

/** Answers one operation: returns the output structure or throws {@link AwsError}. */
export type AwsHandler = (input: Record<string, unknown>, context: AwsContext) => unknown;

/**
 * The access key every AWS stand-in accepts unless told otherwise. Not frozen: the SDK writes bookkeeping
 * (`$source`) into the credentials object it is given.
 */
export const TEST_CREDENTIALS: AwsCredential = {
  accessKeyId: 'AKIASLIPWAYSTANDIN01',
  secretAccessKey: 'slipway/stand-in/secret/key/0000000000',
};

/** Options of an AWS JSON protocol stand-in. */
export interface AwsJsonOptions extends StandInOptions {
  /** The X-Amz-Target prefix, e.g. `AmazonEC2ContainerRegistry_V20150921`. */
  targetPrefix: string;
  /** The SigV4 signing name, e.g. `ecr`. */
  signingName: string;
  /** Keys accepted; defaults to {@link TEST_CREDENTIALS}. */
  credentials?: AwsCredential[];
  /** Region the stand-in pretends to be; when `enforceRegion` is set, the credential scope must name it. */
  region?: string;
  /** Refuse signatures scoped to another region (AWS does). Off by default so any AWS_REGION works. */
  enforceRegion?: boolean;
  /** `1.1` (ECS, ECR) or `1.0` (DynamoDB and a few others). */
  jsonVersion?: '1.0' | '1.1';
  /** Error type answered by the throttle fault; the AWS front end answers `ThrottlingException`. */
  throttleErrorType?: string;
  /** Error type of a 500; services with a modelled server error name it (ECR, ECS: `ServerException`). */
  serverErrorType?: string;
  /** HTTP status of signature and unknown-key failures (400 for JSON services). */
  authFailureStatus?: number;
  /** Turn SigV4 verification off (only for tests that are about something else entirely). */
  verifySignatures?: boolean;
}

/**
 * A stand-in speaking AWS JSON with SigV4 verification. Services register one handler per operation with
 * {@link AwsJsonStandIn.on}; unknown operations answer `UnknownOperationException` as AWS does.
 */
export class AwsJsonStandIn extends StandIn {
  /** Accepted keys by access key id; tests may add or remove keys at any time. */
  readonly credentials = new Map<string, AwsCredential>();
  /** Region used in ARNs and URIs. */
  readonly region: string;

  private readonly handlers = new Map<string, AwsHandler>();
  private readonly options: AwsJsonOptions;

  /** @param options protocol settings of the service. */
  constructor(options: AwsJsonOptions) {
    super(options);
    this.options = options;
    this.region = options.region ?? 'us-east-1';
    for (const credential of options.credentials ?? [TEST_CREDENTIALS]) this.addCredential(credential);
  }

  /** Accepts one more key. */
  addCredential(credential: AwsCredential): void {
    this.credentials.set(credential.accessKeyId, { ...credential });
  }

  /** Registers (or replaces) the handler of an operation. */
  on(operation: string, handler: AwsHandler): this {
    this.handlers.set(operation, handler);
    return this;
  }

  protected identify(request: StandInRequest): string {
    const target = headerValue(request, 'x-amz-target');
    const prefix = `${this.options.targetPrefix}.`;
    if (target?.startsWith(prefix)) return target.slice(prefix.length);
    return target ?? `${request.method} ${request.path}`;
  }

  protected async handle(request: StandInRequest, operation: string): Promise<StandInResponse> {
    const requestId = randomUUID();
    let accessKeyId: string | undefined;
    let region = this.region;
    if (this.options.verifySignatures !== false) {
      const verdict = await verifySigV4(request, {
        credentials: this.credentials,
        service: this.options.signingName,
        ...(this.options.enforceRegion === true ? { region: this.region } : {}),
        now: this.now(),
        failureStatus: this.options.authFailureStatus ?? 400,
      });
      if (!verdict.ok) return this.errorResponse(verdict.type, verdict.message, verdict.status, requestId);
      accessKeyId = verdict.accessKeyId;
      region = verdict.region;
    }

    const target = headerValue(request, 'x-amz-target');
    const handler = this.handlers.get(operation);
    if (request.method !== 'POST' || target === undefined || handler === undefined) {
      return this.errorResponse('UnknownOperationException', '', 400, requestId);
    }
    const input = request.rawBody.length === 0 ? {} : request.body;
    if (typeof input !== 'object' || input === null || Array.isArray(input)) {
      return this.errorResponse(
        'SerializationException',
        'Start of structure or map found where not expected.',
        400,
        requestId,
      );
    }

    try {
      const output = await handler(input as Record<string, unknown>, {
        operation,
        requestId,
        accessKeyId,
        region,
        now: this.clock.date(),
      });
      return { status: 200, headers: this.headers(requestId), body: output ?? {} };
    } catch (error) {
      if (error instanceof AwsError)
        return this.errorResponse(error.type, error.message, error.status, requestId);
      throw error;
    }
  }

  protected throttleResponse(): StandInResponse {
    return this.errorResponse(this.options.throttleErrorType ?? 'ThrottlingException', 'Rate exceeded', 400);
  }

  protected serverErrorResponse(
    _request: StandInRequest,
    _operation: string,
    status: number,
    message?: string,
  ): StandInResponse {
    if (status === 503)
      return this.errorResponse('ServiceUnavailable', message ?? 'Service Unavailable', status);
    const type = status === 500 ? (this.options.serverErrorType ?? 'InternalFailure') : 'InternalFailure';
    return this.errorResponse(type, message ?? 'We encountered an internal error. Please try again.', status);
  }

  /** An AWS JSON error answer: `__type` and `message` in the body, the type in `x-amzn-errortype` too. */
  protected errorResponse(
    type: string,
    message: string,
    status: number,
    requestId = randomUUID(),
  ): StandInResponse {
    return {
      status,
      headers: { ...this.headers(requestId), 'x-amzn-errortype': type },
      body: message === '' ? { __type: type } : { __type: type, message },
    };
  }

  private headers(requestId: string): Record<string, string> {
    return {
      'content-type': `application/x-amz-json-${this.options.jsonVersion ?? '1.1'}`,
      'x-amzn-RequestId': requestId,
    };
  }
}

function headerValue(request: StandInRequest, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}
