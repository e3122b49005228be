/**
 * Retrying calls to cloud APIs: exponential backoff with full jitter, bounded by attempts and a deadline.
 */
import { isRetryable as defaultIsRetryable, markDeadlineExceeded } from './errors.js';

/** How {@link retry} paces and bounds its attempts. Clock, sleep and randomness are injectable for tests. */
export interface RetryOptions {
  /** Attempts in all, the first included. Default 6. */
  maxAttempts?: number;
  /** Cap of the first delay; doubles with each attempt. Default 200 ms. */
  baseDelayMs?: number;
  /** Largest cap of any delay. Default 20 000 ms. */
  maxDelayMs?: number;
  /** Epoch ms: no attempt starts and no sleep runs past it. */
  deadline?: number;
  /** Which errors deserve another attempt. Default {@link defaultIsRetryable | isRetryable}. */
  isRetryable?: (e: unknown) => boolean;
  /** Told of each failed attempt that will be retried, before the sleep. */
  onRetry?: (e: unknown, attempt: number, delayMs: number) => void;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  now?: () => number;
}

const DEFAULT_MAX_ATTEMPTS = 6;
const DEFAULT_BASE_DELAY_MS = 200;
const DEFAULT_MAX_DELAY_MS = 20_000;

/** Resolves after `ms` milliseconds. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * The delay after failed attempt `attempt` (1-based): full jitter, `random() * min(maxDelay, base * 2^(attempt-1))`,
 * rounded to whole milliseconds. Full jitter spreads out the many jobs that a shared throttle fails together.
 */
export function backoffDelay(
  attempt: number,
  opts: { baseDelayMs?: number; maxDelayMs?: number; random?: () => number } = {},
): number {
  const base = opts.baseDelayMs ?? DEFAULT_BASE_DELAY_MS;
  const max = opts.maxDelayMs ?? DEFAULT_MAX_DELAY_MS;
  const cap = Math.min(max, base * 2 ** Math.max(0, attempt - 1));
  return Math.round((opts.random ?? Math.random)() * cap);
}

/**
 * Calls `fn(attempt)` until it succeeds, a non-retryable error occurs, `maxAttempts` is reached, or the next
 * sleep would run past `deadline`; then rethrows the last error unchanged. If the deadline has already passed
 * before the first attempt, throws an error marked as a deadline error (never retried by outer loops).
 */
export async function retry<T>(fn: (attempt: number) => Promise<T>, opts: RetryOptions = {}): Promise<T> {
  const maxAttempts = opts.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
  if (!Number.isInteger(maxAttempts) || maxAttempts < 1) {
    throw new RangeError(`retry: maxAttempts must be a whole number >= 1, got ${maxAttempts}`);
  }
  const now = opts.now ?? Date.now;
  const wait = opts.sleep ?? sleep;
  const retryable = opts.isRetryable ?? defaultIsRetryable;
  if (opts.deadline !== undefined && now() >= opts.deadline) {
    throw markDeadlineExceeded(new Error('retry: the deadline passed before the first attempt'));
  }
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn(attempt);
    } catch (e) {
      if (attempt >= maxAttempts || !retryable(e)) throw e;
      // A server that says when to come back (Retry-After, read into `retryAfterMs`) is waited for, up to the
      // largest delay; the jittered backoff is the floor.
      const delay = Math.max(
        backoffDelay(attempt, opts),
        retryAfterOf(e, opts.maxDelayMs ?? DEFAULT_MAX_DELAY_MS),
      );
      if (opts.deadline !== undefined && now() + delay >= opts.deadline) throw e;
      opts.onRetry?.(e, attempt, delay);
      await wait(delay);
    }
  }
}

/** The delay an error asks for (`retryAfterMs`, as the Kubernetes client reads Retry-After), capped at `max`. */
function retryAfterOf(e: unknown, max: number): number {
  const ms = (e as { retryAfterMs?: unknown } | null)?.retryAfterMs;
  return typeof ms === 'number' && Number.isFinite(ms) && ms > 0 ? Math.min(ms, max) : 0;
}
