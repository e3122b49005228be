import { describe, expect, it } from '@jest/globals';
import { describeError, isRetryable } from '@slipway/core';
import {
  RunApiError,
  isAlreadyExists,
  isConflict,
  isNotFound,
  operationError,
  toRunApiError,
} from '../../src/run/index.js';

/** What google-gax 6 throws over REST: a GoogleError with the gRPC code and the body's message. */
function googleError(code: number, message: string): Error {
  return Object.assign(new Error(message), { name: 'Error', code, details: message });
}

describe('toRunApiError', () => {
  it.each([
    [8, 'Quota exceeded', 'RESOURCE_EXHAUSTED: Quota exceeded (HTTP 429)', true],
    [
      14,
      'The service is currently unavailable.',
      'UNAVAILABLE: The service is currently unavailable. (HTTP 503)',
      true,
    ],
    [13, 'Internal error encountered.', 'INTERNAL: Internal error encountered. (HTTP 500)', true],
    [10, "Conflict for resource 'web'", "ABORTED: Conflict for resource 'web' (HTTP 409)", false],
    [6, "Resource 'web' already exists.", "ALREADY_EXISTS: Resource 'web' already exists. (HTTP 409)", false],
    [5, 'not found', 'NOT_FOUND: not found (HTTP 404)', false],
    [3, 'bad field', 'INVALID_ARGUMENT: bad field (HTTP 400)', false],
    [7, 'denied', 'PERMISSION_DENIED: denied (HTTP 403)', false],
  ])('gRPC %i', (code, message, described, retryable) => {
    const e = toRunApiError(googleError(code, message), 'get service s');
    expect(e).toBeInstanceOf(RunApiError);
    expect(describeError(e)).toBe(described);
    expect(isRetryable(e)).toBe(retryable);
  });

  it('leaves other errors alone for core to judge', () => {
    const reset = Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
    expect(toRunApiError(reset, 'x')).toBe(reset);
    expect(isRetryable(toRunApiError(reset, 'x'))).toBe(true);
    const gaxios = Object.assign(new Error('token'), { name: 'GaxiosError', code: 3, status: 400 });
    expect(toRunApiError(gaxios, 'x')).toBe(gaxios);
  });

  it.each([
    [googleError(5, 'x'), isNotFound],
    [googleError(10, 'x'), isConflict],
    [googleError(6, 'x'), isAlreadyExists],
  ])('classifies %p', (e, is) => {
    expect(is(e)).toBe(true);
    expect(is(googleError(2, 'x'))).toBe(false);
  });

  it('makes an operation error without an HTTP status, so it is never retried', () => {
    const e = operationError({ code: 9, message: "Revision 'web-00002' is not ready" }, 'operation o');
    expect([e.status, e.statusCode, e.detail, isRetryable(e)]).toEqual([
      'FAILED_PRECONDITION',
      undefined,
      "Revision 'web-00002' is not ready",
      false,
    ]);
  });
});
