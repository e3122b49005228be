import {
  describeError,
  httpStatus,
  isDeadlineExceeded,
  isRetryable,
  markDeadlineExceeded,
} from '../src/errors.js';
import { InputError } from '../src/inputs.js';
import { TimeoutError } from '../src/poll.js';

/** An error shaped like an AWS SDK v3 ServiceException. */
function awsError(name: string, message: string, status: number, extra: Record<string, unknown> = {}): Error {
  return Object.assign(new Error(message), {
    name,
    $fault: status >= 500 ? 'server' : 'client',
    $metadata: { httpStatusCode: status },
    ...extra,
  });
}

/** An error shaped like a GaxiosError from google-auth-library: HTTP status in `code`, Google's JSON body as message. */
function gaxiosError(code: number, status: string, message: string): Error {
  const body = JSON.stringify({ error: { code, message, status } }, null, 2);
  return Object.assign(new Error(body), { code, status: code });
}

/** An error shaped like Octokit's RequestError. */
function octokitError(status: number, message: string): Error {
  return Object.assign(new Error(message), {
    name: 'HttpError',
    status,
    request: { method: 'GET', url: 'https://api.github.com/x' },
  });
}

function nodeError(code: string, message: string): Error {
  return Object.assign(new Error(message), { code, errno: -1, syscall: 'connect' });
}

const kubeStatus = {
  kind: 'Status',
  apiVersion: 'v1',
  status: 'Failure',
  message: 'deployments.apps "web" not found',
  reason: 'NotFound',
  code: 404,
};

describe('describeError', () => {
  const circular: Record<string, unknown> = { a: 1 };
  circular.self = circular;

  it.each<[string, unknown, string]>([
    ['an Error', new Error('boom'), 'boom'],
    ['an Error with a multi-line message', new Error('first\n  second\nthird'), 'first second third'],
    ['a TypeError keeps its name', new TypeError('x is not a function'), 'TypeError: x is not a function'],
    ['an Error without message', new Error(''), 'unknown error (an Error without a message)'],
    [
      'a named custom error without message',
      Object.assign(new Error(''), { name: 'WeirdError' }),
      'WeirdError',
    ],
    ['a string', 'plain failure', 'plain failure'],
    ['an empty string', '', 'unknown error (an empty string was thrown)'],
    ['undefined', undefined, 'unknown error (undefined was thrown)'],
    ['null', null, 'unknown error (null was thrown)'],
    ['a number', 42, '42'],
    ['a boolean', false, 'false'],
    ['a symbol', Symbol('s'), 'Symbol(s)'],
    ['a bigint', 10n, '10'],
    ['an object with a message', { message: 'from an object' }, 'from an object'],
    ['an object with an error string', { error: 'bad things' }, 'bad things'],
    ['an object without a message', { a: 1, b: 'two' }, '{"a":1,"b":"two"}'],
    ['an empty object', {}, 'unknown error (an object without a message)'],
    ['a circular object', circular, 'unknown error (an object without a message)'],
    ['an object with a stack', { stack: 'at x', code: 'E' }, '{"code":"E"}'],
    [
      'AWS throttling',
      awsError('ThrottlingException', 'Rate exceeded', 400),
      'ThrottlingException: Rate exceeded (HTTP 400)',
    ],
    [
      'AWS ClientException',
      awsError('ClientException', 'Cluster not found.', 400),
      'ClientException: Cluster not found. (HTTP 400)',
    ],
    [
      'AWS error with __type only',
      { __type: 'com.amazonaws.ecs#ServerException', message: 'oops', $metadata: { httpStatusCode: 500 } },
      'ServerException: oops (HTTP 500)',
    ],
    [
      'AWS error with capital Message',
      { __type: 'InvalidParameterException', Message: 'bad family' },
      'InvalidParameterException: bad family',
    ],
    ['AWS error without message', awsError('ServiceUnavailable', '', 503), 'ServiceUnavailable (HTTP 503)'],
    [
      'Gaxios 429',
      gaxiosError(429, 'RESOURCE_EXHAUSTED', 'Quota exceeded for quota metric'),
      'RESOURCE_EXHAUSTED: Quota exceeded for quota metric (HTTP 429)',
    ],
    [
      'Gaxios 409',
      gaxiosError(409, 'ALREADY_EXISTS', 'Resource already exists'),
      'ALREADY_EXISTS: Resource already exists (HTTP 409)',
    ],
    [
      'Gaxios body in response.data',
      Object.assign(new Error('Request failed'), {
        response: {
          status: 403,
          data: { error: { code: 403, message: 'Permission denied', status: 'PERMISSION_DENIED' } },
        },
      }),
      'PERMISSION_DENIED: Permission denied (HTTP 403)',
    ],
    [
      'Octokit 404',
      octokitError(404, 'Not Found - https://docs.github.com/rest'),
      'Not Found - https://docs.github.com/rest (HTTP 404)',
    ],
    [
      'Octokit message already naming the status',
      octokitError(422, 'Validation failed (422)'),
      'Validation failed (422)',
    ],
    ['Kubernetes Status', kubeStatus, 'NotFound: deployments.apps "web" not found (HTTP 404)'],
    [
      'Kubernetes client exception with a JSON body',
      Object.assign(new Error('HTTP-Code: 409\nBody: ...'), {
        code: 409,
        body: JSON.stringify({ ...kubeStatus, reason: 'AlreadyExists', message: 'exists', code: 409 }),
      }),
      'AlreadyExists: exists (HTTP 409)',
    ],
    [
      'fetch failed with a cause',
      new TypeError('fetch failed', { cause: nodeError('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:9') }),
      'TypeError: fetch failed (cause: connect ECONNREFUSED 127.0.0.1:9)',
    ],
    ['AggregateError', new AggregateError([new Error('a'), 'b'], 'two failed'), 'two failed: a; b'],
    [
      'AggregateError without message, over the limit',
      new AggregateError([1, 2, 3, 4, 5]),
      '5 errors: 1; 2; 3; and 2 more',
    ],
    [
      'InputError with one problem',
      new InputError([{ input: 'region', message: 'must be set' }]),
      'input `region`: must be set',
    ],
    [
      'InputError with two problems',
      new InputError([
        { input: 'a', message: 'x' },
        { input: 'b', message: 'y' },
      ]),
      '2 inputs are invalid: input `a`: x; input `b`: y',
    ],
    [
      'InputError with two problems in one input',
      new InputError([
        { input: 'a', message: 'x' },
        { input: 'a', message: 'y' },
      ]),
      '2 problems in 1 input: input `a`: x; input `a`: y',
    ],
    [
      'poll TimeoutError',
      new TimeoutError('the rollout did not finish within 10m', undefined),
      'the rollout did not finish within 10m',
    ],
  ])('%s', (_label, thrown, expected) => {
    expect(describeError(thrown)).toBe(expected);
  });

  it('never includes a stack and stays on one line', () => {
    const e = new Error('top');
    const text = describeError(e);
    expect(text).not.toContain('at ');
    expect(text).not.toContain('\n');
  });

  it('caps very long messages', () => {
    const text = describeError('x'.repeat(5000));
    expect(text.length).toBe(2000);
    expect(text.endsWith('…')).toBe(true);
  });

  it('survives a value whose getters throw', () => {
    const hostile = new Proxy(
      {},
      {
        get: () => {
          throw new Error('trap');
        },
        has: () => {
          throw new Error('trap');
        },
      },
    );
    expect(describeError(hostile)).toBe('unknown error (the thrown value could not be inspected)');
  });
});

describe('isRetryable', () => {
  it.each<[string, unknown, boolean]>([
    ...[
      'ThrottlingException',
      'Throttling',
      'TooManyRequestsException',
      'RequestLimitExceeded',
      'ProvisionedThroughputExceededException',
      'RequestThrottled',
      'SlowDown',
    ].map((name): [string, unknown, boolean] => [`AWS ${name}`, awsError(name, 'slow down', 400), true]),
    ['AWS __type throttling', { __type: 'com.amazonaws#ThrottlingException', message: 'x' }, true],
    ['AWS $retryable hint', awsError('SomethingNew', 'x', 400, { $retryable: { throttling: false } }), true],
    ['AWS ClientException 400', awsError('ClientException', 'bad', 400), false],
    ['AWS AccessDenied 403', awsError('AccessDeniedException', 'no', 403), false],
    ['AWS LimitExceeded (a hard quota)', awsError('LimitExceededException', 'quota', 400), false],
    ['AWS ServerException 500', awsError('ServerException', 'x', 500), true],
    ...[429, 500, 502, 503, 504].map((s): [string, unknown, boolean] => [`status ${s}`, { status: s }, true]),
    ...[400, 401, 403, 404, 409, 422, 501].map((s): [string, unknown, boolean] => [
      `status ${s}`,
      { status: s },
      false,
    ]),
    ['statusCode 503', { statusCode: 503 }, true],
    ['numeric code 429 (Gaxios)', gaxiosError(429, 'RESOURCE_EXHAUSTED', 'q'), true],
    ['numeric code 404 (Gaxios)', gaxiosError(404, 'NOT_FOUND', 'q'), false],
    ['string code "503"', { code: '503' }, true],
    ['response.status 502', { response: { status: 502 } }, true],
    ['Octokit 404', octokitError(404, 'Not Found'), false],
    ['Octokit 500', octokitError(500, 'Server Error'), true],
    [
      'GitHub secondary rate limit (403 + retry-after)',
      { status: 403, message: 'x', response: { status: 403, headers: { 'retry-after': '60' } } },
      true,
    ],
    [
      'GitHub primary rate limit (403, x-ratelimit-remaining 0)',
      { status: 403, message: 'x', response: { status: 403, headers: { 'x-ratelimit-remaining': '0' } } },
      true,
    ],
    [
      'GitHub 403 naming the secondary rate limit',
      { status: 403, message: 'You have exceeded a secondary rate limit' },
      true,
    ],
    [
      'GitHub 403 Resource not accessible by integration',
      octokitError(403, 'Resource not accessible by integration'),
      false,
    ],
    ['Kubernetes Status 404', kubeStatus, false],
    ['Kubernetes Status 429', { ...kubeStatus, code: 429 }, true],
    ...[
      'ECONNRESET',
      'ECONNREFUSED',
      'EPIPE',
      'ETIMEDOUT',
      'EAI_AGAIN',
      'UND_ERR_SOCKET',
      'UND_ERR_CONNECT_TIMEOUT',
    ].map((code): [string, unknown, boolean] => [code, nodeError(code, `connect ${code}`), true]),
    ['ENOTFOUND (a wrong host name)', nodeError('ENOTFOUND', 'getaddrinfo ENOTFOUND'), false],
    ['socket hang up', new Error('socket hang up'), true],
    [
      'fetch failed caused by ECONNRESET',
      new TypeError('fetch failed', { cause: nodeError('ECONNRESET', 'read ECONNRESET') }),
      true,
    ],
    [
      'fetch failed caused by a bad certificate',
      new TypeError('fetch failed', { cause: nodeError('CERT_HAS_EXPIRED', 'expired') }),
      false,
    ],
    [
      'per-call TimeoutError (AbortSignal.timeout)',
      new DOMException('The operation was aborted due to timeout', 'TimeoutError'),
      true,
    ],
    ['AbortError', new DOMException('aborted', 'AbortError'), true],
    ['our deadline TimeoutError', new TimeoutError('deadline', undefined), false],
    ['a marked deadline error', markDeadlineExceeded(new Error('late')), false],
    ['InputError', new InputError([{ input: 'a', message: 'b' }]), false],
    [
      'AggregateError of connection errors',
      new AggregateError([nodeError('ECONNREFUSED', 'a'), nodeError('ETIMEDOUT', 'b')]),
      true,
    ],
    [
      'AggregateError mixing in a 404',
      new AggregateError([nodeError('ECONNREFUSED', 'a'), { status: 404 }]),
      false,
    ],
    ['plain Error', new Error('nope'), false],
    ['string', 'ECONNRESET', false],
    ['undefined', undefined, false],
    ['null', null, false],
  ])('%s', (_label, e, expected) => {
    expect(isRetryable(e)).toBe(expected);
  });
});

describe('httpStatus', () => {
  it.each<[unknown, number | undefined]>([
    [{ $metadata: { httpStatusCode: 400 } }, 400],
    [{ status: 404 }, 404],
    [{ statusCode: 503 }, 503],
    [{ code: 429 }, 429],
    [{ code: '502' }, 502],
    [{ code: 14 }, undefined],
    [{ code: 'ECONNRESET' }, undefined],
    [{ response: { status: 418 } }, 418],
    ['500', undefined],
  ])('%j -> %s', (e, expected) => {
    expect(httpStatus(e)).toBe(expected);
  });
});

describe('deadline brand', () => {
  it('marks without changing the message and is not enumerable', () => {
    const e = markDeadlineExceeded(new Error('late'));
    expect(isDeadlineExceeded(e)).toBe(true);
    expect(Object.keys(e)).toEqual([]);
    expect(isDeadlineExceeded(new Error('late'))).toBe(false);
  });
});
