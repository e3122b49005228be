import { describe, expect, it } from '@jest/globals';
import {
  LATEST,
  PlanError,
  REVISION,
  planJob,
  planService,
  translateKnativeService,
} from '../../src/run/index.js';
import type { Job, Service, ServiceDeployRequest, ServiceSettings } from '../../src/run/index.js';

const NAME = 'projects/p/locations/us-central1/services/web';

function settings(over: Partial<ServiceSettings> = {}): ServiceSettings {
  return {
    env: {},
    secretEnv: {},
    secretFiles: {},
    envMode: 'merge',
    labels: {},
    serviceLabels: {},
    ...over,
  };
}

function request(
  over: Partial<ServiceDeployRequest> = {},
  s: Partial<ServiceSettings> = {},
): ServiceDeployRequest {
  return {
    project: 'p',
    region: 'us-central1',
    service: 'web',
    settings: settings({ image: 'web:1', ...s }),
    noTraffic: false,
    generatedSuffix: 'c0ffee0-abc',
    ...over,
  };
}

/** A live service as Cloud Run answers it, with the values it fills in. */
const LIVE: Service = {
  name: NAME,
  etag: '"etag-1"',
  generation: '4',
  uri: 'https://web-xyz-uc.a.run.app',
  ingress: 'INGRESS_TRAFFIC_ALL',
  launchStage: 'GA',
  template: {
    containers: [
      {
        image: 'web:1',
        ports: [{ name: 'http1', containerPort: 8080 }],
        resources: { limits: { cpu: '1000m', memory: '512Mi' }, cpuIdle: true },
      },
    ],
    timeout: { seconds: '300' },
    serviceAccount: '123456789012-compute@developer.gserviceaccount.com',
    maxInstanceRequestConcurrency: 80,
    scaling: { maxInstanceCount: 100 },
  },
  traffic: [{ type: LATEST, percent: 100 }],
  latestReadyRevision: `${NAME}/revisions/web-00004-aaa`,
  latestCreatedRevision: `${NAME}/revisions/web-00004-aaa`,
  trafficStatuses: [{ type: LATEST, revision: 'web-00004-aaa', percent: 100 }],
};

const PINNED: Service = {
  ...LIVE,
  traffic: [
    { type: REVISION, revision: 'web-00004-aaa', percent: 100 },
    { type: REVISION, revision: 'web-00005-bbb', tag: 'green' },
  ],
  latestReadyRevision: `${NAME}/revisions/web-00005-bbb`,
};

describe('planService', () => {
  it.each([
    ['a create', request(), undefined, { action: 'create', makesRevision: true, revisionName: undefined }],
    ['the same image', request(), LIVE, { action: 'none', makesRevision: false, changes: [] }],
    [
      'a new image',
      request({}, { image: 'web:2' }),
      LIVE,
      { action: 'update', makesRevision: true, revisionName: undefined },
    ],
    [
      'a label on the service only',
      request({}, { serviceLabels: { 'commit-sha': 'abc' } }),
      LIVE,
      { action: 'update', makesRevision: false },
    ],
    [
      'a revision suffix',
      request({ revisionSuffix: 'v2' }, { image: 'web:2' }),
      LIVE,
      { action: 'update', makesRevision: true, revisionName: 'web-v2' },
    ],
    [
      'a tag on a new revision',
      request({ tag: 'green' }, { image: 'web:2' }),
      LIVE,
      { action: 'update', makesRevision: true, revisionName: 'web-c0ffee0-abc' },
    ],
    [
      'a tag without a new revision',
      request({ tag: 'stable' }),
      LIVE,
      { action: 'update', makesRevision: false, revisionName: undefined },
    ],
  ])('%s', (_what, req, live, expected) => {
    expect(planService(req, live, undefined)).toMatchObject(expected);
  });

  it('sends the update with the name and etag it read, and only what is settable', () => {
    const plan = planService(request({}, { image: 'web:2' }), LIVE, undefined);
    expect(plan.desired).toMatchObject({ name: NAME, etag: '"etag-1"' });
    expect(plan.desired).not.toHaveProperty('uri');
    expect(plan.desired).not.toHaveProperty('generation');
    expect(plan.changes.map((c) => c.path)).toEqual(['template.containers[0].image']);
  });

  it('creates with traffic on LATEST and the labels asked', () => {
    const plan = planService(
      request({}, { labels: { 'managed-by': 'slipway' }, serviceLabels: { 'commit-sha': 'abc' } }),
      undefined,
      undefined,
    );
    expect(plan.desired).toEqual({
      labels: { 'managed-by': 'slipway', 'commit-sha': 'abc' },
      template: { containers: [{ image: 'web:1' }], labels: { 'managed-by': 'slipway' } },
      traffic: [{ type: LATEST, percent: 100 }],
    });
  });

  it.each([
    [
      'no-traffic pins the serving revision and tags the new one',
      request({ noTraffic: true, tag: 'green' }, { image: 'web:2' }),
      LIVE,
      [
        { type: REVISION, revision: 'web-00004-aaa', percent: 100 },
        { type: REVISION, revision: 'web-c0ffee0-abc', tag: 'green' },
      ],
      undefined,
    ],
    [
      'after a no-traffic deploy, traffic moves only once the new revision is ready',
      request({}, { image: 'web:3' }),
      PINNED,
      PINNED.traffic,
      [
        { type: LATEST, percent: 100 },
        { type: REVISION, revision: 'web-00005-bbb', tag: 'green' },
      ],
    ],
    [
      'without a new revision, pinned traffic moves in one write',
      request({}, { serviceLabels: { a: 'b' } }),
      PINNED,
      [
        { type: LATEST, percent: 100 },
        { type: REVISION, revision: 'web-00005-bbb', tag: 'green' },
      ],
      undefined,
    ],
  ])('%s', (_what, req, live, first, final) => {
    const plan = planService(req, live, undefined);
    expect([plan.desired.traffic, plan.finalTraffic]).toEqual([first, final]);
  });

  it.each([
    [
      'adds allUsers',
      true,
      { bindings: [] },
      { policy: { bindings: [{ role: 'roles/run.invoker', members: ['allUsers'] }] }, public: true },
    ],
    [
      'removes allUsers',
      false,
      { bindings: [{ role: 'roles/run.invoker', members: ['allUsers'] }] },
      { policy: { bindings: [] }, public: false },
    ],
    [
      'leaves IAM alone when it already says so',
      true,
      { bindings: [{ role: 'roles/run.invoker', members: ['allUsers'] }] },
      undefined,
    ],
  ])('allow-unauthenticated %s', (_what, allow, policy, invoker) => {
    expect(planService(request({ allowUnauthenticated: allow }), LIVE, policy).invoker).toEqual(invoker);
  });

  describe('with a service YAML', () => {
    const yaml = (extra = '') =>
      translateKnativeService(
        `apiVersion: serving.knative.dev/v1
kind: Service
metadata:
  name: web
spec:
  template:
    spec:${extra}
      containers:
        - image: web:1
`,
        'service.yaml',
      ).service;

    it('finds nothing to change when the YAML leaves out what Cloud Run filled in', () => {
      expect(planService(request({ yaml: yaml() }, { image: undefined }), LIVE, undefined)).toMatchObject({
        action: 'none',
        changes: [],
      });
    });

    it('still sees a value removed from the YAML that was not a default', () => {
      const live: Service = { ...LIVE, template: { ...LIVE.template, timeout: { seconds: '600' } } };
      const plan = planService(request({ yaml: yaml() }, { image: undefined }), live, undefined);
      expect(plan.changes).toEqual([
        { path: 'template.timeout', kind: 'removed', before: { seconds: '600' } },
      ]);
      expect(plan.makesRevision).toBe(true);
    });

    it('substitutes the image', () => {
      const plan = planService(
        request({ yaml: yaml('\n      timeoutSeconds: 300') }, { image: 'web:9' }),
        LIVE,
        undefined,
      );
      expect(plan.changes.map((c) => [c.path, c.after])).toEqual([['template.containers[0].image', 'web:9']]);
    });
  });

  it.each([
    [
      'a create without an image',
      request({}, { image: undefined }),
      undefined,
      'no container image: set `image`, or give one in the service YAML',
    ],
    [
      'fractional CPU with the live concurrency',
      request({}, { cpu: '0.5' }),
      LIVE,
      'less than 1 CPU requires a concurrency of 1, but concurrency is 80',
    ],
    [
      'memory the live CPU cannot have',
      request({}, { memory: '8Gi' }),
      LIVE,
      'memory 8Gi needs at least 2 CPUs, but cpu is 1000m',
    ],
    [
      'min above the live max',
      request({}, { minInstances: 200 }),
      LIVE,
      'min-instances (200) must not exceed max-instances (100)',
    ],
    [
      'a tag too long for the URL',
      request({ tag: 'a'.repeat(44) }),
      LIVE,
      'must be lowercase letters, digits and hyphens',
    ],
    [
      'no-traffic on a create',
      request({ noTraffic: true }),
      undefined,
      'no-traffic cannot be used to create a service',
    ],
  ])('refuses %s', (_what, req, live, message) => {
    expect(() => planService(req, live, undefined)).toThrow(PlanError);
    expect(() => planService(req, live, undefined)).toThrow(message);
  });
});

describe('planJob', () => {
  const JOB = 'projects/p/locations/us-central1/jobs/nightly';
  const jobRequest = (over: Record<string, unknown> = {}) => ({
    project: 'p',
    region: 'us-central1',
    job: 'nightly',
    settings: { ...settings({ image: 'batch:1' }), ...over },
    execute: false,
    wait: true,
  });
  const LIVE_JOB: Job = {
    name: JOB,
    etag: '"j1"',
    template: {
      taskCount: 1,
      template: { containers: [{ image: 'batch:1' }], maxRetries: 3, timeout: { seconds: '600' } },
    },
  };

  it.each([
    ['a create, keeping zero retries', jobRequest({ maxRetries: 0 }), undefined, 'create'],
    ['the same job', jobRequest(), LIVE_JOB, 'none'],
    ['more tasks', jobRequest({ tasks: 4 }), LIVE_JOB, 'update'],
  ])('%s', (_what, req, live, action) => {
    const plan = planJob(req, live);
    expect(plan.action).toBe(action);
    if (action === 'create') expect(plan.desired.template?.template?.maxRetries).toBe(0);
    if (action === 'update')
      expect(plan.desired).toMatchObject({ name: JOB, etag: '"j1"', template: { taskCount: 4 } });
  });

  it.each([
    [
      'parallelism above the task count',
      jobRequest({ tasks: 2, parallelism: 5 }),
      'parallelism (5) must not exceed the task count (2)',
    ],
    ['no image', jobRequest({ image: undefined }), 'no container image: set `image`'],
  ])('refuses %s', (_what, req, message) => {
    expect(() => planJob(req, undefined)).toThrow(message);
  });
});
