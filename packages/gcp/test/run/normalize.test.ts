import { describe, expect, it } from '@jest/globals';
import { canonicalJson, prune, sameSpec, settableJob, settableService } from '../../src/run/index.js';

describe('prune', () => {
  it.each([
    [
      'defaults of every kind',
      { a: '', b: 0, c: false, d: null, e: [], f: {}, g: 'INGRESS_TRAFFIC_UNSPECIFIED', h: 'x' },
      { h: 'x' },
    ],
    [
      'nested empties',
      { template: { scaling: { minInstanceCount: 0 }, containers: [{ image: 'i', args: [] }] } },
      { template: { containers: [{ image: 'i' }] } },
    ],
    [
      'oneof markers',
      { env: [{ name: 'A', value: 'b', values: 'value' }] },
      { env: [{ name: 'A', value: 'b' }] },
    ],
    ['a oneof member set to its default', { maxRetries: 0, retries: 'maxRetries' }, { maxRetries: 0 }],
    ['maxRetries 0 without a marker', { maxRetries: 0 }, { maxRetries: 0 }],
    ['empty label values', { labels: { team: '', app: 'web' } }, { labels: { team: '', app: 'web' } }],
    ['an empty map', { labels: {} }, undefined],
    [
      'durations as the library reads them',
      { timeout: { seconds: 300, nanos: 0 } },
      { timeout: { seconds: '300' } },
    ],
    ['a zero duration', { timeout: { seconds: '0', nanos: 0 } }, undefined],
  ])('drops %s', (_what, value, pruned) => {
    expect(prune(value)).toEqual(pruned);
  });

  it('keeps bytes as they are', () => {
    const etag = Buffer.from([1, 2, 3]);
    expect(prune({ etag, version: 0 })).toEqual({ etag });
  });
});

describe('sameSpec and canonicalJson', () => {
  it.each([
    [{ a: 1, b: { c: [1, 2] } }, { b: { c: [1, 2] }, a: 1 }, true],
    [{ a: 1, b: '' }, { a: 1 }, true],
    [{ timeout: { seconds: 300 } }, { timeout: { seconds: '300', nanos: 0 } }, true],
    [{ a: [1, 2] }, { a: [2, 1] }, false],
    [{ labels: { a: '' } }, {}, false],
  ])('%j vs %j → %s', (a, b, same) => {
    expect(sameSpec(a, b)).toBe(same);
  });

  it('sorts keys at every depth', () => {
    expect(canonicalJson({ b: 1, a: { d: 2, c: 3 } })).toBe('{"a":{"c":3,"d":2},"b":1}');
  });
});

describe('the settable part of a resource', () => {
  it('drops what Cloud Run computes and keeps the name', () => {
    const live = {
      name: 'projects/p/locations/l/services/s',
      uid: 'u',
      generation: '3',
      etag: '"e"',
      uri: 'https://s',
      reconciling: false,
      trafficStatuses: [{ percent: 100 }],
      terminalCondition: { state: 'CONDITION_SUCCEEDED' as const },
      latestReadyRevision: 'r',
      labels: { a: 'b' },
      template: { containers: [{ image: 'i', buildInfo: { functionTarget: 'f' } }] },
    };
    expect(settableService(live)).toEqual({
      name: live.name,
      labels: { a: 'b' },
      template: { containers: [{ image: 'i' }] },
    });
  });

  it('does the same for jobs', () => {
    const live = {
      name: 'j',
      executionCount: 4,
      latestCreatedExecution: { name: 'e' },
      template: { taskCount: 2 },
    };
    expect(settableJob(live)).toEqual({ name: 'j', template: { taskCount: 2 } });
  });
});
