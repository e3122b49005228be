/**
 * @jest-environment ./test/stand-ins/node-realm-environment.ts
 */
// Injected faults reach the real SDK as the errors it produces for a real AWS outage, and Slipway's shared
// retry policy classifies and retries them.
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { DescribeRepositoriesCommand, ECRClient } from '@aws-sdk/client-ecr';
import type { ECRClientConfig } from '@aws-sdk/client-ecr';
import { isRetryable, retry } from '@slipway/core';
import { EcrStandIn } from './ecr.js';
import { TEST_CREDENTIALS } from './aws-json.js';

const ecr = new EcrStandIn();
let endpoint: string;
const fastSleep = (): Promise<void> => Promise.resolve();

beforeAll(async () => {
  endpoint = await ecr.start();
  ecr.seedRepository('app/api');
});
afterAll(() => ecr.stop());
afterEach(() => {
  ecr.clearFaults();
  ecr.clearJournal();
});

// maxAttempts 1: the SDK's own retries would otherwise hide the policy under test.
function client(overrides: Partial<ECRClientConfig> = {}, url = endpoint): ECRClient {
  return new ECRClient({
    endpoint: url,
    region: 'us-east-1',
    credentials: { ...TEST_CREDENTIALS },
    maxAttempts: 1,
    ...overrides,
  });
}

async function rejection(promise: Promise<unknown>): Promise<Record<string, unknown>> {
  try {
    await promise;
  } catch (error) {
    return error as Record<string, unknown>;
  }
  throw new Error('expected a rejection');
}

const describeApi = () => new DescribeRepositoriesCommand({ repositoryNames: ['app/api'] });

describe('AWS JSON faults through the real SDK', () => {
  it('a throttled operation succeeds through the shared retry policy after two ThrottlingExceptions', async () => {
    ecr.inject('DescribeRepositories', { kind: 'throttle', times: 2 });
    const sdk = client();
    const seen: string[] = [];
    const output = await retry(() => sdk.send(describeApi()), {
      sleep: fastSleep,
      onRetry: (error) => seen.push((error as Error).name),
    });
    expect(output.repositories?.[0]?.repositoryName).toBe('app/api');
    expect(seen).toEqual(['ThrottlingException', 'ThrottlingException']);
    expect(ecr.calls('DescribeRepositories').map((entry) => [entry.status, entry.fault])).toEqual([
      [400, 'throttle'],
      [400, 'throttle'],
      [200, undefined],
    ]);
  });

  it('the throttling answer has the AWS shape and message', async () => {
    ecr.inject('DescribeRepositories', { kind: 'throttle', times: 1 });
    const error = await rejection(client().send(describeApi()));
    expect(error).toMatchObject({
      name: 'ThrottlingException',
      message: 'Rate exceeded',
      $metadata: { httpStatusCode: 400 },
    });
    expect(isRetryable(error)).toBe(true);
  });

  it.each([
    { status: 500, name: 'ServerException' },
    { status: 502, name: 'InternalFailure' },
    { status: 503, name: 'ServiceUnavailable' },
  ])('HTTP $status reaches the client as $name, a retryable server fault', async ({ status, name }) => {
    ecr.inject('DescribeRepositories', { kind: 'http', status, times: 1 });
    const error = await rejection(client().send(describeApi()));
    expect(error).toMatchObject({ name, $fault: 'server', $metadata: { httpStatusCode: status } });
    expect(isRetryable(error)).toBe(true);
    const output = await client().send(describeApi());
    expect(output.repositories).toHaveLength(1);
  });

  it('a connection reset reaches the client as ECONNRESET, retryable', async () => {
    ecr.inject('DescribeRepositories', { kind: 'reset', times: 1 });
    const error = await rejection(client().send(describeApi()));
    // node-http-handler renames ECONNRESET/EPIPE/ETIMEDOUT errors to TimeoutError and keeps the code.
    expect(error).toMatchObject({ name: 'TimeoutError', code: 'ECONNRESET', message: 'socket hang up' });
    expect(isRetryable(error)).toBe(true);
    expect(ecr.calls('DescribeRepositories')).toEqual([
      expect.objectContaining({ fault: 'reset', status: undefined }),
    ]);
  });

  it('a hung request times out at the client as TimeoutError, retryable, and the retry succeeds', async () => {
    ecr.inject('DescribeRepositories', { kind: 'hang', times: 1 });
    const sdk = client({ requestHandler: { requestTimeout: 200, throwOnRequestTimeout: true } });
    const error = await rejection(sdk.send(describeApi()));
    expect(error['name']).toBe('TimeoutError');
    expect(isRetryable(error)).toBe(true);
    const output = await retry(() => sdk.send(describeApi()), { sleep: fastSleep });
    expect(output.repositories).toHaveLength(1);
    expect(ecr.calls('DescribeRepositories').map((entry) => entry.fault)).toEqual(['hang', undefined]);
  });

  it('latency delays the answer without changing it', async () => {
    ecr.inject('DescribeRepositories', { kind: 'latency', ms: 150, times: 1 });
    const started = Date.now();
    const output = await client().send(describeApi());
    const slow = Date.now() - started;
    expect(output.repositories).toHaveLength(1);
    expect(slow).toBeGreaterThanOrEqual(140);
    const again = Date.now();
    await client().send(describeApi());
    expect(Date.now() - again).toBeLessThan(slow);
  });

  it('a modelled client error is not retried by the policy', async () => {
    const sdk = client();
    const error = await rejection(
      retry(() => sdk.send(new DescribeRepositoriesCommand({ repositoryNames: ['nope'] })), {
        sleep: fastSleep,
      }),
    );
    expect(error['name']).toBe('RepositoryNotFoundException');
    expect(isRetryable(error)).toBe(false);
    expect(ecr.calls('DescribeRepositories')).toHaveLength(1);
  });

  it('a wildcard fault applies to every operation', async () => {
    ecr.inject('*', { kind: 'http', status: 503, times: 1 });
    const error = await rejection(client().send(describeApi()));
    expect(error['name']).toBe('ServiceUnavailable');
    expect(ecr.journal.map((entry) => entry.fault)).toEqual(['http']);
  });
});

describe('stop()', () => {
  it('closes hung sockets so the client fails instead of waiting, and can be called twice', async () => {
    const own = new EcrStandIn();
    const url = await own.start();
    own.inject('DescribeRepositories', { kind: 'hang', times: 1 });
    const pending = rejection(client({}, url).send(new DescribeRepositoriesCommand({})));
    while (own.journal.length === 0) await new Promise((resolve) => setTimeout(resolve, 10));
    await Promise.all([own.stop(), own.stop()]);
    const error = await pending;
    expect(isRetryable(error)).toBe(true);
    await own.stop();
    await expect(fetch(url)).rejects.toThrow();
  });
});
