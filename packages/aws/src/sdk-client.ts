/**
 * What every Slipway AWS client shares: the options it takes, the SDK client configuration (`maxAttempts: 1`, so
 * that core's `retry` is the only retry policy in effect, and a per-request timeout), and the retried call.
 */
import { retry } from '@slipway/core';
import type { RetryOptions } from '@slipway/core';

/** How a Slipway AWS client is built. */
export interface AwsClientOptions {
  /** Region; by default the SDK's own resolution (AWS_REGION and the shared config). */
  region?: string | undefined;
  /** Endpoint; by default the SDK's (`AWS_ENDPOINT_URL_<SERVICE>`, `AWS_ENDPOINT_URL`, AWS). */
  endpoint?: string | undefined;
  /** Retry policy of every call (core's defaults otherwise). */
  retry?: RetryOptions;
  /** Told of each retried call, e.g. to log "ModifyRule throttled, retrying in 400 ms". */
  onRetry?: (operation: string, error: unknown, attempt: number, delayMs: number) => void;
  /** Per-request timeout in ms (default 30 s), after which a hung call is abandoned and retried. */
  requestTimeoutMs?: number;
}

/** The SDK client configuration for `options`. */
export function sdkClientConfig(options: AwsClientOptions) {
  return {
    ...(options.region === undefined ? {} : { region: options.region }),
    ...(options.endpoint === undefined ? {} : { endpoint: options.endpoint }),
    maxAttempts: 1,
    requestHandler: { requestTimeout: options.requestTimeoutMs ?? 30_000, throwOnRequestTimeout: true },
  };
}

/** `call(operation, send)`: `send` retried on throttling, 5xx and dropped connections, each retry reported. */
export function retriedCalls(options: AwsClientOptions) {
  return <T>(operation: string, send: () => Promise<T>): Promise<T> =>
    retry(() => send(), {
      ...options.retry,
      onRetry: (error, attempt, delayMs) => {
        options.retry?.onRetry?.(error, attempt, delayMs);
        options.onRetry?.(operation, error, attempt, delayMs);
      },
    });
}
