import { describe, expect, it } from '@jest/globals';
import {
  LATEST,
  REVISION,
  TrafficError,
  planTraffic,
  trafficProblem,
  trafficRows,
} from '../../src/run/index.js';
import type { Service, TrafficRequest } from '../../src/run/index.js';

const SERVING: Service = {
  latestReadyRevision: 'projects/p/locations/l/services/web/revisions/web-00002-abc',
  traffic: [
    { type: LATEST, percent: 100 },
    { type: REVISION, revision: 'web-00001-xyz', tag: 'old' },
  ],
  trafficStatuses: [
    { type: LATEST, revision: 'web-00002-abc', percent: 100 },
    { type: REVISION, revision: 'web-00001-xyz', tag: 'old', uri: 'https://old---web.a.run.app' },
  ],
};

const PINNED: Service = {
  latestReadyRevision: 'projects/p/locations/l/services/web/revisions/web-00003-new',
  traffic: [{ type: REVISION, revision: 'web-00002-abc', percent: 100 }],
};

function request(over: Partial<TrafficRequest> = {}): TrafficRequest {
  return { noTraffic: false, makesRevision: true, ...over };
}

describe('planTraffic', () => {
  it.each([
    ['a create sends everything to LATEST', undefined, request(), [{ type: LATEST, percent: 100 }]],
    [
      'an update moves traffic to LATEST and keeps tags',
      SERVING,
      request(),
      [
        { type: LATEST, percent: 100 },
        { type: REVISION, revision: 'web-00001-xyz', tag: 'old' },
      ],
    ],
    [
      'an update of a pinned service follows LATEST again',
      PINNED,
      request(),
      [{ type: LATEST, percent: 100 }],
    ],
    [
      'no-traffic pins LATEST to the serving revision',
      SERVING,
      request({ noTraffic: true }),
      [
        { type: REVISION, revision: 'web-00002-abc', percent: 100 },
        { type: REVISION, revision: 'web-00001-xyz', tag: 'old' },
      ],
    ],
    [
      'a tag names the new revision',
      SERVING,
      request({ noTraffic: true, tag: 'green', newRevision: 'web-green' }),
      [
        { type: REVISION, revision: 'web-00002-abc', percent: 100 },
        { type: REVISION, revision: 'web-00001-xyz', tag: 'old' },
        { type: REVISION, revision: 'web-green', tag: 'green' },
      ],
    ],
    [
      'a tag moves from the revision that had it',
      SERVING,
      request({ tag: 'old', newRevision: 'web-v3' }),
      [
        { type: LATEST, percent: 100 },
        { type: REVISION, revision: 'web-v3', tag: 'old' },
      ],
    ],
    [
      'without a new revision, a tag names the serving one',
      SERVING,
      request({ makesRevision: false, tag: 'stable' }),
      [
        { type: LATEST, percent: 100 },
        { type: REVISION, revision: 'web-00001-xyz', tag: 'old' },
        { type: REVISION, revision: 'web-00002-abc', tag: 'stable' },
      ],
    ],
    [
      'explicit targets are kept as given',
      SERVING,
      request({
        explicit: [
          { type: LATEST, percent: 50 },
          { type: REVISION, revision: 'web-00001-xyz', percent: 50 },
        ],
      }),
      [
        { type: LATEST, percent: 50 },
        { type: REVISION, revision: 'web-00001-xyz', percent: 50 },
      ],
    ],
  ])('%s', (_what, live, req, targets) => {
    expect(planTraffic(live, req)).toEqual(targets);
  });

  it.each([
    [
      'no-traffic on a create',
      undefined,
      request({ noTraffic: true }),
      'no-traffic cannot be used to create a service',
    ],
    [
      'no-traffic without a ready revision',
      { traffic: [{ type: LATEST, percent: 100 }] } as Service,
      request({ noTraffic: true }),
      'no-traffic needs a revision that serves traffic now',
    ],
    [
      'a tag on an unnamed new revision',
      SERVING,
      request({ tag: 'x' }),
      'tag "x" needs the new revision\'s name',
    ],
    [
      'explicit targets that do not add up',
      SERVING,
      request({ explicit: [{ type: LATEST, percent: 90 }] }),
      'traffic percentages add up to 90, not 100',
    ],
  ])('refuses %s', (_what, live, req, message) => {
    expect(() => planTraffic(live, req)).toThrow(TrafficError);
    expect(() => planTraffic(live, req)).toThrow(message);
  });
});

describe('trafficProblem', () => {
  it.each([
    [[{ type: LATEST, percent: 100 }], undefined],
    [
      [
        { type: LATEST, percent: 60 },
        { type: REVISION, revision: 'a', percent: 30 },
      ],
      'traffic percentages add up to 90, not 100',
    ],
    [
      [
        { type: LATEST, percent: 100, tag: 'a' },
        { type: REVISION, revision: 'b', tag: 'a' },
      ],
      'the tag "a" is given to two traffic targets',
    ],
    [
      [
        { type: LATEST, percent: 50 },
        { type: LATEST, percent: 50 },
      ],
      'more than one traffic target is LATEST',
    ],
  ])('%j', (targets, problem) => {
    expect(trafficProblem(targets)).toBe(problem);
  });
});

describe('trafficRows', () => {
  it('reads where traffic goes, LATEST resolved', () => {
    expect(trafficRows(SERVING)).toEqual([
      { revision: 'web-00002-abc', percent: 100, latest: true },
      {
        revision: 'web-00001-xyz',
        percent: 0,
        tag: 'old',
        url: 'https://old---web.a.run.app',
        latest: false,
      },
    ]);
    expect(
      trafficRows({
        latestReadyRevision: 'x/revisions/r1',
        trafficStatuses: [{ type: LATEST, percent: 100 }],
      }),
    ).toEqual([{ revision: 'r1', percent: 100, latest: true }]);
  });
});
