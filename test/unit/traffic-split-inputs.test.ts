// traffic-split's inputs: one clear problem per bad input, before any cloud library loads or traffic moves.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { parse } from 'yaml';
import { REPO_ROOT } from '../harness/action-manifest.js';
import { InputError } from '@slipway/core';
import { parseLatency, parseSteps, readInputs } from '../../actions/traffic-split/src/inputs.js';

const RULE =
  'arn:aws:elasticloadbalancing:eu-west-1:123456789012:listener-rule/app/web/50dc6c495c0c9188/f2f7dc8efc522ab2/9683b2d02a6cabee';
const LISTENER =
  'arn:aws:elasticloadbalancing:eu-west-1:123456789012:listener/app/web/50dc6c495c0c9188/f2f7dc8efc522ab2';

const base = {
  platform: 'cloudrun',
  service: 'orders-api',
  region: 'europe-west1',
  'project-id': 'shop-prod-1',
  candidate: 'orders-api-00002-new',
  'probe-url': 'https://example.test/healthz',
};

function problems(inputs: Record<string, string>): string[] {
  try {
    readInputs((name) => inputs[name]);
  } catch (error) {
    if (error instanceof InputError) return error.problems.map((p) => `${p.input}: ${p.message}`);
    throw error;
  }
  return [];
}

describe('steps', () => {
  it.each([
    ['5,25,50,100', [5, 25, 50, 100]],
    ['10 50', [10, 50, 100]],
    ['5%, 20%', [5, 20, 100]],
    ['100', [100]],
  ])('%s → %j', (text, steps) => {
    expect(parseSteps(text)).toEqual({ steps });
  });

  it.each([
    ['5,25,20', 'must be ascending: 20 comes after 25 (e.g. 5,25,50,100)'],
    ['5,5', 'must be ascending: 5 comes after 5 (e.g. 5,25,50,100)'],
    ['10,150', "150 is outside 1–100: each step is the candidate's share in %"],
    ['0,50', "0 is outside 1–100: each step is the candidate's share in %"],
    ['2.5,50', '"2.5" is not a whole percentage (e.g. 5,25,50,100)'],
    [',', 'lists no percentages, e.g. 5,25,50,100'],
  ])('%s is refused', (text, error) => {
    expect(parseSteps(text)).toEqual({ error });
  });
});

it.each([
  [['p95<500ms'], [{ percentile: 95, maxMs: 500 }]],
  [
    ['p99 <= 1.5s', 'p50<80ms'],
    [
      { percentile: 99, maxMs: 1500 },
      { percentile: 50, maxMs: 80 },
    ],
  ],
])('latency %j', (items, thresholds) => {
  expect(parseLatency(items)).toEqual({ thresholds });
});

describe('readInputs', () => {
  it('reads a Cloud Run canary with defaults', () => {
    const inputs = readInputs((name) => (base as Record<string, string>)[name]);
    expect(inputs).toMatchObject({
      control: 'run',
      strategy: 'canary',
      steps: [10, 50, 100],
      intervalMs: 300_000,
      timeoutMs: 3_600_000,
      target: {
        platform: 'cloudrun',
        service: 'orders-api',
        region: 'europe-west1',
        previewTag: 'candidate',
      },
      probe: { requests: 20, successRatio: 0.99, timeoutMs: 5000 },
    });
  });

  it('reads region and project from a full service name', () => {
    const inputs = readInputs(
      (name) =>
        ({
          ...base,
          region: undefined,
          'project-id': undefined,
          service: 'projects/shop-prod-1/locations/us-central1/services/orders-api',
        })[name],
    );
    expect(inputs.target).toMatchObject({
      service: 'orders-api',
      region: 'us-central1',
      projectId: 'shop-prod-1',
    });
  });

  it.each([
    [{ steps: '5,25,20' }, ['steps: must be ascending: 20 comes after 25 (e.g. 5,25,50,100)']],
    [{ steps: '50,120' }, ["steps: 120 is outside 1–100: each step is the candidate's share in %"]],
    [
      { interval: '5 minutes' },
      ['interval: must be a duration such as 90s, 10m, 1h30m or 500ms, got "5 minutes"'],
    ],
    [{ interval: '300' }, ['interval: a bare number has no unit: write 300s (or 10m, 1h30m, 500ms)']],
    [
      { 'probe-url': '' },
      ['probe-url: action run moves traffic and needs at least one gate: probe-url, alarms or check-command'],
    ],
    [{ platform: 'gcp' }, ['platform: must be one of `cloudrun`, `ecs`, `kubernetes`, got "gcp"']],
    [
      { strategy: 'blue-green', steps: '5,50' },
      ['steps: does not apply to strategy blue-green, which switches all traffic at once'],
    ],
    [
      { action: 'start', steps: '100' },
      ['steps: start stops at the first step, which must be below 100, e.g. 10,50,100'],
    ],
    [
      { 'probe-latency': 'p95 fast' },
      ['probe-latency: "p95 fast" is not a threshold such as p95<500ms or p99<2s'],
    ],
    [{ 'listener-arn': LISTENER }, ['listener-arn: does not apply to platform cloudrun']],
    [{ stable: 'orders-api-00002-new' }, ['stable: names the candidate itself']],
  ])('%j: one problem naming the input', (over, expected) => {
    expect(problems({ ...base, ...over } as Record<string, string>)).toEqual(expected);
  });

  it('abort needs no gate', () => {
    expect(problems({ ...base, action: 'abort', 'probe-url': '' })).toEqual([]);
  });

  it('ecs needs a listener or a rule, not both, as ARNs', () => {
    const ecs = { platform: 'ecs', candidate: 'web-green', alarms: 'web-5xx' };
    expect(problems(ecs)).toEqual([
      'listener-arn: platform ecs needs listener-arn or rule-arn: where the two target groups are weighted',
    ]);
    expect(problems({ ...ecs, 'listener-arn': LISTENER, 'rule-arn': RULE })).toEqual([
      'rule-arn: give listener-arn (its default action) or rule-arn (one rule), not both',
    ]);
    expect(problems({ ...ecs, 'rule-arn': 'web-rule' })).toEqual([
      'rule-arn: is not an Application Load Balancer listener rule ARN, got "web-rule"',
    ]);
    expect(problems({ ...ecs, 'rule-arn': RULE })).toEqual([]);
    expect(problems({ ...ecs, 'rule-arn': RULE, 'probe-url': '/healthz' })).toEqual([
      "probe-url: a path needs the candidate's own URL, which only Cloud Run gives: write a full URL",
    ]);
  });

  it('kubernetes: an HTTPRoute or a Service; a Service selector cannot do a canary', () => {
    const kube = { platform: 'kubernetes', candidate: 'web-green', 'check-command': 'true' };
    expect(problems(kube)).toEqual([
      'http-route: platform kubernetes needs http-route (Gateway API weights) or service (a Service whose selector is switched)',
    ]);
    expect(problems({ ...kube, 'http-route': 'web' })).toEqual([]);
    expect(problems({ ...kube, service: 'web', candidate: 'slot=green' })).toEqual([
      'strategy: a Service selector switches all traffic at once: use strategy blue-green, or http-route for a canary',
    ]);
    expect(problems({ ...kube, service: 'web', candidate: 'green', strategy: 'blue-green' })).toEqual([
      'candidate: with service, the candidate is a selector such as slot=green, got "green"',
    ]);
    expect(problems({ ...kube, service: 'web', candidate: 'slot=green', strategy: 'blue-green' })).toEqual(
      [],
    );
  });
});

describe('with the defaults the runner passes for every input', () => {
  const manifest = parse(readFileSync(join(REPO_ROOT, 'actions', 'traffic-split', 'action.yml'), 'utf8')) as {
    inputs: Record<string, { default?: string }>;
  };
  const defaults = Object.fromEntries(
    Object.entries(manifest.inputs).map(([name, spec]) => [name, String(spec.default ?? '')]),
  );
  it.each([
    ['cloudrun', { service: 'web', region: 'us-central1', candidate: 'web-00002-abc' }],
    ['ecs', { 'listener-arn': LISTENER, candidate: 'web-green' }],
    ['kubernetes', { 'http-route': 'web', candidate: 'web-green' }],
  ])('%s reads without a problem', (platform, over) => {
    expect(problems({ ...defaults, platform, 'probe-url': 'https://x.test/', ...over })).toEqual([]);
  });
});
