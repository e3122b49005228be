/**
 * Errors of the Cloud Run Admin API as Slipway reports and retries them. @google-cloud/run (google-gax 6, REST
 * transport) turns Google's JSON error body into a `GoogleError` whose `code` is the gRPC code (RESOURCE_EXHAUSTED
 * is 8, ABORTED 10, ALREADY_EXISTS 6), with the message of the body; token errors from google-auth-library arrive
 * as `GaxiosError`s with an HTTP status. {@link RunApiError} gives both kinds one shape: the gRPC status name, the
 * HTTP status it maps to (https://cloud.google.com/apis/design/errors#handling_errors), and a one-line message, so
 * that core's `isRetryable` (HTTP 429/500/503/504, dropped connections) and `describeError` work unchanged.
 */

/** gRPC status names by code. */
export const GRPC_STATUS = [
  'OK',
  'CANCELLED',
  'UNKNOWN',
  'INVALID_ARGUMENT',
  'DEADLINE_EXCEEDED',
  'NOT_FOUND',
  'ALREADY_EXISTS',
  'PERMISSION_DENIED',
  'RESOURCE_EXHAUSTED',
  'FAILED_PRECONDITION',
  'ABORTED',
  'OUT_OF_RANGE',
  'UNIMPLEMENTED',
  'INTERNAL',
  'UNAVAILABLE',
  'DATA_LOSS',
  'UNAUTHENTICATED',
] as const;

/** A gRPC status name. */
export type GrpcStatus = (typeof GRPC_STATUS)[number];

const HTTP_STATUS: Partial<Record<GrpcStatus, number>> = {
  CANCELLED: 499,
  UNKNOWN: 500,
  INVALID_ARGUMENT: 400,
  DEADLINE_EXCEEDED: 504,
  NOT_FOUND: 404,
  ALREADY_EXISTS: 409,
  PERMISSION_DENIED: 403,
  RESOURCE_EXHAUSTED: 429,
  FAILED_PRECONDITION: 400,
  ABORTED: 409,
  OUT_OF_RANGE: 400,
  UNIMPLEMENTED: 501,
  INTERNAL: 500,
  UNAVAILABLE: 503,
  DATA_LOSS: 500,
  UNAUTHENTICATED: 401,
};

/** A failed Cloud Run API call, or the error a finished long-running operation carries. */
export class RunApiError extends Error {
  /** gRPC status name, e.g. `ABORTED`. */
  readonly status: GrpcStatus;
  /** gRPC code, e.g. 10. */
  readonly grpcCode: number;
  /** The HTTP status Google maps the code to (core's retry policy reads it). */
  readonly statusCode: number | undefined;
  /** What was being done (`update service projects/…/services/web`). */
  readonly call: string;

  /**
   * @param options.operation the error of a finished long-running operation, which came with no HTTP status of
   *   its own (and must not look retryable).
   */
  constructor(
    status: GrpcStatus,
    message: string,
    call: string,
    options: { cause?: unknown; operation?: boolean } = {},
  ) {
    const statusCode = options.operation ? undefined : HTTP_STATUS[status];
    super(
      `${status}: ${message}${statusCode === undefined ? '' : ` (HTTP ${statusCode})`}`,
      options.cause === undefined ? undefined : { cause: options.cause },
    );
    this.name = 'RunApiError';
    this.status = status;
    this.grpcCode = GRPC_STATUS.indexOf(status);
    this.statusCode = statusCode;
    this.call = call;
  }

  /** The message without the status name and HTTP code. */
  get detail(): string {
    return this.message.replace(/^[A-Z_]+: /, '').replace(/ \(HTTP \d{3}\)$/, '');
  }
}

function record(e: unknown): Record<string, unknown> | undefined {
  return typeof e === 'object' && e !== null ? (e as Record<string, unknown>) : undefined;
}

/**
 * Converts what the client library throws into a {@link RunApiError} when it carries a gRPC code; other errors
 * (network, token exchange, programming errors) are returned unchanged for core to describe and retry.
 */
export function toRunApiError(e: unknown, call: string): unknown {
  if (e instanceof RunApiError) return e;
  const o = record(e);
  if (o === undefined) return e;
  const code = o.code;
  if (
    typeof code === 'number' &&
    Number.isInteger(code) &&
    code > 0 &&
    code < GRPC_STATUS.length &&
    o.name !== 'GaxiosError'
  ) {
    const message = typeof o.message === 'string' && o.message !== '' ? o.message : GRPC_STATUS[code]!;
    return new RunApiError(GRPC_STATUS[code]!, message.split('\n')[0]!, call, { cause: e });
  }
  return e;
}

/** The gRPC status of an error, when it has one. */
export function grpcStatusOf(e: unknown): GrpcStatus | undefined {
  if (e instanceof RunApiError) return e.status;
  const converted = toRunApiError(e, '');
  return converted instanceof RunApiError ? converted.status : undefined;
}

/** 404 NOT_FOUND. */
export function isNotFound(e: unknown): boolean {
  return grpcStatusOf(e) === 'NOT_FOUND';
}

/** 409 ABORTED: an etag that is no longer current (a concurrent change). */
export function isConflict(e: unknown): boolean {
  return grpcStatusOf(e) === 'ABORTED';
}

/** 409 ALREADY_EXISTS. */
export function isAlreadyExists(e: unknown): boolean {
  return grpcStatusOf(e) === 'ALREADY_EXISTS';
}

/** An operation's `error` (a `google.rpc.Status`) as a {@link RunApiError}. */
export function operationError(
  status: { code?: number | null; message?: string | null },
  call: string,
): RunApiError {
  const code =
    typeof status.code === 'number' && status.code > 0 && status.code < GRPC_STATUS.length ? status.code : 2;
  return new RunApiError(GRPC_STATUS[code]!, status.message || GRPC_STATUS[code]!, call, { operation: true });
}
