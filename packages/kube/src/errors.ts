/**
 * Errors @slipway/kube throws: API answers (with the server's `Status`), and manifest problems with their file and
 * line.
 */
import type { SourceLocation } from './types.js';

/** A `Status` object as the API server sends it with a failed request. */
export interface KubeStatus {
  kind: 'Status';
  apiVersion?: string;
  status?: string;
  message?: string;
  reason?: string;
  code?: number;
  details?: {
    name?: string;
    group?: string;
    kind?: string;
    causes?: Array<{ reason?: string; message?: string; field?: string }>;
    retryAfterSeconds?: number;
  };
}

/**
 * A request the API server refused. `body` is its `Status`, `statusCode` the HTTP status; `@slipway/core`'s
 * `describeError` prints `Reason: message (HTTP n)` from them and `isRetryable` retries 429 and 5xx.
 */
export class KubeApiError extends Error {
  readonly statusCode: number;
  readonly body: KubeStatus;
  readonly retryAfterMs: number | undefined;

  /**
   * @param statusCode the HTTP status
   * @param body the Status the server sent (or one made up from a non-JSON answer)
   * @param retryAfterMs the server's Retry-After, when it sent one
   */
  constructor(statusCode: number, body: KubeStatus, retryAfterMs?: number) {
    super(body.message ?? `HTTP ${statusCode}`);
    this.name = 'KubeApiError';
    this.statusCode = statusCode;
    this.body = body;
    this.retryAfterMs = retryAfterMs;
  }

  /** The Status reason (`NotFound`, `Conflict`, `Invalid`, ...). */
  get reason(): string | undefined {
    return this.body.reason;
  }

  /** The causes of a 409 or 422, as `field: message` lines. */
  get causes(): string[] {
    return (this.body.details?.causes ?? []).map((c) =>
      c.field ? `${c.field}: ${c.message ?? c.reason ?? ''}` : (c.message ?? c.reason ?? ''),
    );
  }
}

/** True when `e` is an API answer with this HTTP status. */
export function isStatus(e: unknown, statusCode: number): e is KubeApiError {
  return e instanceof KubeApiError && e.statusCode === statusCode;
}

/** A problem in one manifest, at a file and line. */
export class ManifestError extends Error {
  readonly location: SourceLocation;

  /**
   * @param location the file and line the problem is at
   * @param problem what is wrong, without the location
   */
  constructor(
    location: SourceLocation,
    readonly problem: string,
  ) {
    super(`${location.file}:${location.line}: ${problem}`);
    this.name = 'ManifestError';
    this.location = location;
  }
}

/** Several manifest problems at once: nothing was applied. */
export class ManifestsInvalidError extends Error {
  /** @param errors every problem found, in file order */
  constructor(readonly errors: ManifestError[]) {
    super(
      errors.length === 1
        ? `${errors[0]?.message ?? ''} (nothing was applied)`
        : `${errors.length} problems in the manifests (nothing was applied): ${errors.map((e) => e.message).join('; ')}`,
    );
    this.name = 'ManifestsInvalidError';
  }
}
