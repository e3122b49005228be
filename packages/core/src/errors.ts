/**
 * Turning any thrown value into one readable line, and deciding whether it is worth another attempt.
 *
 * Actions talk to AWS, Google Cloud, GitHub and Kubernetes, whose clients throw very different shapes; this
 * module knows those shapes by duck typing only, so `core` never imports a cloud SDK.
 */

/**
 * Brand carried by errors that mean "our own overall deadline passed". `Symbol.for` so that the brand survives
 * two copies of core in one bundle.
 */
export const deadlineExceeded = Symbol.for('slipway.deadline-exceeded');

/** True when `e` reports that Slipway's own overall deadline passed (as opposed to a per-call timeout). */
export function isDeadlineExceeded(e: unknown): boolean {
  return typeof e === 'object' && e !== null && (e as Record<symbol, unknown>)[deadlineExceeded] === true;
}

/** Marks `e` as an overall-deadline error, so that {@link isRetryable} never retries it. Returns `e`. */
export function markDeadlineExceeded<E extends object>(e: E): E {
  Object.defineProperty(e, deadlineExceeded, { value: true, enumerable: false });
  return e;
}

type Bag = Record<string, unknown>;

const MAX_LENGTH = 2000;
const MAX_DEPTH = 3;
const MAX_AGGREGATED = 3;

// Built-in JS error classes signal a bug, so their name is worth keeping in front of the message.
const BUILTIN_ERROR_NAMES = new Set([
  'EvalError',
  'RangeError',
  'ReferenceError',
  'SyntaxError',
  'TypeError',
  'URIError',
]);

/**
 * One line describing any thrown value, never including a stack.
 *
 * - `Error`: its message (built-in error types keep their name: `TypeError: x is not a function`), followed by
 *   `(cause: …)` when it has a cause, as `fetch failed` does.
 * - AWS SDK errors (`name` or `__type`, message, `$metadata.httpStatusCode`): `ThrottlingException: Rate exceeded (HTTP 400)`.
 * - Gaxios errors whose message (or `response.data`) is Google's JSON error body:
 *   `RESOURCE_EXHAUSTED: Quota exceeded (HTTP 429)`.
 * - Octokit `RequestError` and anything else with an HTTP `status`: `Not Found (HTTP 404)`.
 * - Kubernetes `Status` objects, bare or as the `body` of a client exception: `NotFound: pods "x" not found (HTTP 404)`.
 * - `InputError`: its single problem, or `N inputs are invalid: a; b; c`.
 * - `AggregateError`: its message followed by the first few inner errors.
 * - strings, objects with a `message`, and finally JSON or `String()` of anything else.
 */
export function describeError(e: unknown): string {
  let text: string;
  try {
    text = describe(e, 0);
  } catch {
    // A hostile value (throwing getter, revoked proxy) must not break the failure boundary.
    text = 'unknown error (the thrown value could not be inspected)';
  }
  return oneLine(text);
}

function oneLine(s: string): string {
  const flat = s.replace(/\s*[\r\n]+\s*/g, ' ').trim();
  return flat.length > MAX_LENGTH ? `${flat.slice(0, MAX_LENGTH - 1)}…` : flat;
}

function describe(e: unknown, depth: number): string {
  if (e === undefined) return 'unknown error (undefined was thrown)';
  if (e === null) return 'unknown error (null was thrown)';
  if (typeof e === 'string') return e.trim() === '' ? 'unknown error (an empty string was thrown)' : e;
  if (typeof e !== 'object' && typeof e !== 'function') return String(e);
  const o = e as Bag;

  if (isInputErrorLike(o)) {
    const problems = o.problems as Array<{ input: string; message: string }>;
    const lines = problems.map((p) => `input \`${p.input}\`: ${p.message}`);
    return lines.length === 1 ? lines[0]! : `${problemCount(problems)}: ${lines.join('; ')}`;
  }

  const kube = kubeStatus(o);
  if (kube) return kube;
  const google = googleError(o);
  if (google) return google;
  const aws = awsError(o);
  if (aws) return aws;

  if (e instanceof AggregateError || (o.name === 'AggregateError' && Array.isArray(o.errors))) {
    return aggregate(o, depth);
  }

  let text = baseMessage(o);
  const status = httpStatus(o);
  if (status !== undefined && !text.includes(String(status))) text += ` (HTTP ${status})`;
  if (o.cause !== undefined && depth < MAX_DEPTH) {
    const cause = describe(o.cause, depth + 1);
    if (!text.includes(cause)) text += ` (cause: ${cause})`;
  }
  return text;
}

/** `N inputs are invalid`, or a count of problems when some input has more than one. */
export function problemCount(problems: ReadonlyArray<{ input: string }>): string {
  const inputs = new Set(problems.map((p) => p.input)).size;
  if (inputs === problems.length) return `${inputs} inputs are invalid`;
  return `${problems.length} problems in ${inputs} input${inputs === 1 ? '' : 's'}`;
}

function isInputErrorLike(o: Bag): boolean {
  return o.name === 'InputError' && Array.isArray(o.problems) && o.problems.length > 0;
}

function baseMessage(o: Bag): string {
  const name = typeof o.name === 'string' ? o.name : undefined;
  const message = typeof o.message === 'string' ? o.message.trim() : '';
  if (message !== '') return name && BUILTIN_ERROR_NAMES.has(name) ? `${name}: ${message}` : message;
  if (o instanceof Error)
    return name && name !== 'Error' ? name : 'unknown error (an Error without a message)';
  if (typeof o.error === 'string' && o.error.trim() !== '') return o.error;
  return stringify(o);
}

function stringify(o: Bag): string {
  try {
    const json = JSON.stringify(o, (key, value: unknown) => (key === 'stack' ? undefined : value));
    if (json !== undefined && json !== '{}') return json;
  } catch {
    // circular or BigInt: fall through to String()
  }
  const s = String(o);
  return s === '[object Object]' ? 'unknown error (an object without a message)' : s;
}

function aggregate(o: Bag, depth: number): string {
  const errors = o.errors as unknown[];
  const message = typeof o.message === 'string' && o.message.trim() !== '' ? o.message.trim() : undefined;
  const head = message ?? `${errors.length} errors`;
  if (errors.length === 0 || depth >= MAX_DEPTH) return head;
  const inner = errors.slice(0, MAX_AGGREGATED).map((x) => describe(x, depth + 1));
  const more = errors.length > MAX_AGGREGATED ? `; and ${errors.length - MAX_AGGREGATED} more` : '';
  return `${head}: ${inner.join('; ')}${more}`;
}

function asNumber(v: unknown): number | undefined {
  if (typeof v === 'number' && Number.isInteger(v)) return v;
  if (typeof v === 'string' && /^\d{3}$/.test(v)) return Number(v);
  return undefined;
}

function isHttpStatus(n: number | undefined): n is number {
  return n !== undefined && n >= 100 && n <= 599;
}

/** The HTTP status an error carries, wherever its client put it. */
export function httpStatus(e: unknown): number | undefined {
  if (typeof e !== 'object' || e === null) return undefined;
  const o = e as Bag;
  const metadata = o.$metadata as Bag | undefined;
  const response = o.response as Bag | undefined;
  const candidates = [
    typeof metadata === 'object' && metadata !== null ? metadata.httpStatusCode : undefined,
    o.status,
    o.statusCode,
    o.code,
    typeof response === 'object' && response !== null ? response.status : undefined,
  ];
  for (const c of candidates) {
    const n = asNumber(c);
    if (isHttpStatus(n)) return n;
  }
  return undefined;
}

function awsError(o: Bag): string | undefined {
  const isAws =
    typeof o.$metadata === 'object' || typeof o.__type === 'string' || typeof o.$fault === 'string';
  if (!isAws) return undefined;
  const name = awsName(o);
  const raw = typeof o.message === 'string' ? o.message : typeof o.Message === 'string' ? o.Message : '';
  const message = raw.trim();
  const status = httpStatus(o);
  let text =
    name && message && message !== name ? `${name}: ${message}` : name || message || 'unknown AWS error';
  if (status !== undefined) text += ` (HTTP ${status})`;
  return text;
}

function awsName(o: Bag): string | undefined {
  // __type may be namespaced ("com.amazonaws.ecs#ClientException") or carry a URL suffix ("X:http://…").
  const type = typeof o.__type === 'string' ? o.__type.split('#').pop()!.split(':')[0] : undefined;
  const name = typeof o.name === 'string' && o.name !== 'Error' ? o.name : undefined;
  return name ?? type;
}

function parseJsonObject(v: unknown): Bag | undefined {
  if (typeof v === 'object' && v !== null) return v as Bag;
  if (typeof v !== 'string') return undefined;
  const s = v.trim();
  if (!s.startsWith('{')) return undefined;
  try {
    const parsed: unknown = JSON.parse(s);
    return typeof parsed === 'object' && parsed !== null ? (parsed as Bag) : undefined;
  } catch {
    return undefined;
  }
}

function googleError(o: Bag): string | undefined {
  const response = typeof o.response === 'object' && o.response !== null ? (o.response as Bag) : undefined;
  const body = parseJsonObject(o.message) ?? parseJsonObject(response?.data);
  const err = body && typeof body.error === 'object' && body.error !== null ? (body.error as Bag) : undefined;
  if (!err || typeof err.message !== 'string') return undefined;
  const status = typeof err.status === 'string' ? err.status : undefined;
  const code = asNumber(err.code) ?? httpStatus(o);
  let text = status ? `${status}: ${err.message}` : err.message;
  if (isHttpStatus(code)) text += ` (HTTP ${code})`;
  return text;
}

function kubeStatus(o: Bag): string | undefined {
  const status = o.kind === 'Status' ? o : parseJsonObject(o.body);
  if (!status || status.kind !== 'Status') return undefined;
  const reason = typeof status.reason === 'string' && status.reason !== '' ? status.reason : undefined;
  const message = typeof status.message === 'string' ? status.message : '';
  const code = asNumber(status.code) ?? httpStatus(o);
  let text = reason && message ? `${reason}: ${message}` : reason || message || 'Kubernetes error';
  if (isHttpStatus(code)) text += ` (HTTP ${code})`;
  return text;
}

// Throttling error names from AWS (the SDK's own list, minus LimitExceededException, which on ECS and
// others is a hard quota that no amount of waiting lifts).
const THROTTLING_NAMES = new Set([
  'ThrottlingException',
  'Throttling',
  'TooManyRequestsException',
  'RequestLimitExceeded',
  'ProvisionedThroughputExceededException',
  'RequestThrottled',
  'RequestThrottledException',
  'ThrottledException',
  'EC2ThrottledException',
  'SlowDown',
  'BandwidthLimitExceeded',
  'PriorRequestNotComplete',
  'TransactionInProgressException',
  'RequestTimeout',
  'RequestTimeoutException',
]);

const RETRYABLE_STATUS = new Set([429, 500, 502, 503, 504]);

const CONNECTION_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
]);

/**
 * Whether a failed call is worth repeating: throttling, HTTP 429/500/502/503/504, dropped or refused
 * connections, and per-call timeouts (`TimeoutError`, `AbortError`). Never client errors (other 4xx),
 * never `InputError`, never Slipway's own overall deadline ({@link isDeadlineExceeded}).
 */
export function isRetryable(e: unknown): boolean {
  try {
    return retryable(e, 0);
  } catch {
    return false;
  }
}

/**
 * GitHub answers its secondary rate limit (and an exhausted primary limit) with 403, not 429: it is told apart
 * by a `retry-after` header, `x-ratelimit-remaining: 0`, or the message
 * (https://docs.github.com/en/rest/using-the-rest-api/rate-limits-for-the-rest-api).
 */
function isGitHubRateLimit(o: Bag): boolean {
  const response = o.response as Bag | undefined;
  const headers = (response?.headers ?? o.headers) as Record<string, unknown> | undefined;
  if (headers && typeof headers === 'object') {
    if (headers['retry-after'] !== undefined) return true;
    if (String(headers['x-ratelimit-remaining']) === '0') return true;
  }
  return typeof o.message === 'string' && /rate limit/i.test(o.message);
}

function retryable(e: unknown, depth: number): boolean {
  if (typeof e !== 'object' || e === null || depth > MAX_DEPTH) return false;
  if (isDeadlineExceeded(e)) return false;
  const o = e as Bag;
  if (o.name === 'InputError') return false;

  const name = awsName(o);
  if (name && THROTTLING_NAMES.has(name)) return true;
  if (typeof o.$retryable === 'object' && o.$retryable !== null) return true;

  if (typeof o.code === 'string' && CONNECTION_CODES.has(o.code)) return true;
  if (typeof o.errno === 'string' && CONNECTION_CODES.has(o.errno)) return true;
  if (typeof o.message === 'string' && /socket hang up/i.test(o.message)) return true;
  if (o.name === 'TimeoutError' || o.name === 'AbortError') return true;

  const status = httpStatus(o);
  if (status === 403 && isGitHubRateLimit(o)) return true;
  if (status !== undefined) return RETRYABLE_STATUS.has(status);

  if (
    Array.isArray(o.errors) &&
    o.errors.length > 0 &&
    (e instanceof AggregateError || o.name === 'AggregateError')
  ) {
    return o.errors.every((x) => retryable(x, depth + 1));
  }
  // `fetch failed` says nothing by itself: the connection error is its cause.
  return o.cause !== undefined && retryable(o.cause, depth + 1);
}
