/**
 * The Rollout observer seam: one loop, one deadline, one backoff and one progress log for ECS deployments,
 * Cloud Run operations and revisions, and Kubernetes workloads alike.
 */
import { describeError, isRetryable as defaultIsRetryable, markDeadlineExceeded } from './errors.js';
import { formatDuration } from './duration.js';
import { log } from './report.js';
import { sleep as defaultSleep } from './retry.js';

/** What an observer saw at one moment of a rollout. */
export interface RolloutSnapshot {
  /** The rollout finished successfully. */
  done: boolean;
  /** The rollout finished unsuccessfully; `reasons` says why. */
  failed: boolean;
  /** One line of progress ("2/3 tasks running"); a change resets the poll interval. */
  summary: string;
  reasons: string[];
  /** Events new since the previous `observe()`. */
  events: string[];
}

/** Reads a rollout's state; one implementation per platform. */
export interface RolloutObserver {
  observe(): Promise<RolloutSnapshot>;
}

/** The rollout did not finish before the deadline. Carries the last snapshot seen, if any. */
export class TimeoutError extends Error {
  readonly last: RolloutSnapshot | undefined;

  constructor(message: string, last: RolloutSnapshot | undefined, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'TimeoutError';
    this.last = last;
    // Same name as the per-call DOMException TimeoutError, which is retryable; this one must not be.
    markDeadlineExceeded(this);
  }
}

/** Options of {@link pollRollout}. */
export interface PollOptions {
  timeoutMs: number;
  /** Default 2000 ms. */
  initialIntervalMs?: number;
  /** Default 15 000 ms. */
  maxIntervalMs?: number;
  /** Growth of the interval while the summary stays the same. Default 1.5. */
  backoff?: number;
  /** Each snapshot observed. By default every event and each new summary go to `onProgress`. */
  onSnapshot?: (s: RolloutSnapshot) => void;
  /**
   * Where the default `onSnapshot` sends each event and each summary that differs from the last one (the log by
   * default): `kind` tells them apart.
   */
  onProgress?: (line: string, kind: 'event' | 'summary') => void;
  /** Each retryable error from `observe()`. By default logged as information. */
  onError?: (e: unknown) => void;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
  isRetryable?: (e: unknown) => boolean;
}

/**
 * Observes a rollout until it is done or failed, and returns that final snapshot (failed ones too: the caller
 * decides what failure means).
 *
 * The interval starts at `initialIntervalMs`, grows by `backoff` (up to `maxIntervalMs`) while the summary stays
 * the same, and drops back to the initial interval when it changes, so a rollout that is moving is watched
 * closely. Retryable errors from `observe()` are reported through `onError` and retried on the next tick;
 * others are rethrown. No sleep runs past the deadline: the last observation happens at the deadline, after
 * which a {@link TimeoutError} carrying the last snapshot is thrown.
 */
export async function pollRollout(observer: RolloutObserver, opts: PollOptions): Promise<RolloutSnapshot> {
  const now = opts.now ?? Date.now;
  const wait = opts.sleep ?? defaultSleep;
  const retryable = opts.isRetryable ?? defaultIsRetryable;
  const initial = opts.initialIntervalMs ?? 2000;
  const maxInterval = opts.maxIntervalMs ?? 15_000;
  const backoff = opts.backoff ?? 1.5;
  const onSnapshot = opts.onSnapshot ?? progressReporter(opts.onProgress ?? ((line) => log.info(line)));
  const onError =
    opts.onError ??
    ((e: unknown) => log.info(`Could not observe the rollout (will retry): ${describeError(e)}`));
  const deadline = now() + opts.timeoutMs;

  let last: RolloutSnapshot | undefined;
  let lastError: unknown;
  let interval = initial;
  for (let tick = 0; ; tick++) {
    let changed = false;
    try {
      const snapshot = await observer.observe();
      changed = last !== undefined && snapshot.summary !== last.summary;
      last = snapshot;
      lastError = undefined;
      onSnapshot(snapshot);
      if (snapshot.done || snapshot.failed) return snapshot;
    } catch (e) {
      if (!retryable(e)) throw e;
      lastError = e;
      onError(e);
    }
    if (tick > 0) interval = changed ? initial : Math.min(maxInterval, Math.round(interval * backoff));
    const remaining = deadline - now();
    if (remaining <= 0) {
      const status = last ? `; last status: ${last.summary}` : '';
      throw new TimeoutError(
        `the rollout did not finish within ${formatDuration(opts.timeoutMs)}${status}`,
        last,
        lastError === undefined ? undefined : { cause: lastError },
      );
    }
    await wait(Math.min(interval, remaining));
  }
}

function progressReporter(report: NonNullable<PollOptions['onProgress']>): (s: RolloutSnapshot) => void {
  let previous: string | undefined;
  return (s) => {
    for (const event of s.events) report(event, 'event');
    if (s.summary !== previous) report(s.summary, 'summary');
    previous = s.summary;
  };
}
