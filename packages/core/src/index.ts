/**
 * `@slipway/core`: the runtime every Slipway action shares. Named exports only; nothing runs at import.
 */
export {
  deadlineExceeded,
  describeError,
  httpStatus,
  isDeadlineExceeded,
  isRetryable,
  markDeadlineExceeded,
} from './errors.js';
export { formatDuration, parseDuration } from './duration.js';
export { InputError, InputReader, envInputSource, readInputs } from './inputs.js';
export type { InputProblem, InputSource } from './inputs.js';
export { parseKeyValueLines } from './inputs-map.js';
export type { KeyValueResult } from './inputs-map.js';
export { failureMessage, runAction } from './run.js';
export type { RunDeps } from './run.js';
export { backoffDelay, retry, sleep } from './retry.js';
export type { RetryOptions } from './retry.js';
export { TimeoutError, pollRollout } from './poll.js';
export type { PollOptions, RolloutObserver, RolloutSnapshot } from './poll.js';
export { SummaryBuilder, annotate, escapeMarkdownCell, group, log, mask, setOutputs } from './report.js';
export type { AnnotationLocation, OutputValue } from './report.js';
export { TrafficTargetError, assertWeights, weightsFor } from './traffic.js';
export type { RouteState, TrafficGranularity, TrafficRouter, Weights } from './traffic.js';
export { formatImageRef, isValidTag, parseImageRef, withDigest } from './images.js';
export type { AwsPartition, ImageRef } from './images.js';
export {
  CredentialKeeper,
  RegistryLoginError,
  expiresWithin,
  staticLogin,
  type CredentialKeeperOptions,
  type Credentials,
  type RegistryLogin,
  type RenewalTimer,
} from './registry.js';
