// estimate-cost's pure parts, from source: input reading, the threshold, the comment plan. The bundled action
// itself is exercised end to end in estimate-cost.test.ts.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { InputError } from '@slipway/core';
import type { CostDiff } from '@slipway/pricing';
import { applyComment, isOurComment, planComment } from '../../actions/estimate-cost/src/comments.js';
import type {
  CommentApi,
  CommentOperation,
  ExistingComment,
} from '../../actions/estimate-cost/src/comments.js';
import { pullRequestOf } from '../../actions/estimate-cost/src/context.js';
import {
  INPUT_NAMES,
  PLATFORMS,
  REGIONS,
  parseThreshold,
  readInputs,
} from '../../actions/estimate-cost/src/inputs.js';
import { main } from '../../actions/estimate-cost/src/main.js';
import { exceedsThreshold, fitComment, largestChangesFirst } from '../../actions/estimate-cost/src/plan.js';
import {
  COMMENT_MARKER,
  PLATFORMS as PRICED_PLATFORMS,
  coveredRegions,
  estimate,
  loadCatalog,
  renderMarkdownComment,
} from '@slipway/pricing';
import type { WorkloadDiff } from '@slipway/pricing';
import { REPO_ROOT } from '../harness/action-manifest.js';

const MARKER = '<!-- slipway:estimate-cost -->';

function source(values: Record<string, string>) {
  return (name: string) => values[name];
}

describe('estimate-cost inputs', () => {
  it('declares exactly the inputs action.yml declares, in its order', () => {
    const manifest = parse(
      readFileSync(join(REPO_ROOT, 'actions', 'estimate-cost', 'action.yml'), 'utf8'),
    ) as {
      inputs: Record<string, unknown>;
    };
    expect([...INPUT_NAMES]).toEqual(Object.keys(manifest.inputs));
  });

  it('checks platforms and regions against the same names the estimator prices', () => {
    const catalog = loadCatalog();
    expect([...PLATFORMS]).toEqual([...PRICED_PLATFORMS]);
    expect([...REGIONS]).toEqual([...coveredRegions(catalog, 'aws'), ...coveredRegions(catalog, 'gcp')]);
    for (const region of REGIONS) expect(() => estimate([], { region })).not.toThrow();
  });

  it('reads the defaults', () => {
    expect(readInputs(source({ 'github-token': 't' }))).toEqual({
      paths: ['**/*.yaml', '**/*.yml', '**/*.json'],
      region: undefined,
      platforms: undefined,
      baseRef: undefined,
      comment: 'update',
      failOnIncrease: undefined,
      githubToken: 't',
      freeTier: false,
      requestsPerMonth: undefined,
      requestSeconds: undefined,
      workingDirectory: '.',
    });
  });

  it('reads every input', () => {
    const inputs = readInputs(
      source({
        paths: 'k8s/**/*.yaml\n!k8s/tests/**, ecs/*.json',
        region: 'eu-west-1',
        platforms: 'ecs-fargate\ngke-autopilot',
        'base-ref': 'origin/main',
        comment: 'delete-and-new',
        'fail-on-increase': '$25.50',
        'github-token': 't',
        'free-tier': 'true',
        'requests-per-month': '3000000',
        'request-seconds': '0.2',
        'working-directory': 'deploy',
      }),
    );
    expect(inputs).toEqual({
      paths: ['k8s/**/*.yaml', '!k8s/tests/**', 'ecs/*.json'],
      region: 'eu-west-1',
      platforms: ['ecs-fargate', 'gke-autopilot'],
      baseRef: 'origin/main',
      comment: 'delete-and-new',
      failOnIncrease: { kind: 'amount', usd: 25.5 },
      githubToken: 't',
      freeTier: true,
      requestsPerMonth: 3_000_000,
      requestSeconds: 0.2,
      workingDirectory: 'deploy',
    });
  });

  it.each([
    [{}, ['github-token']],
    [{ comment: 'update', 'github-token': '' }, ['github-token']],
    [{ comment: 'off' }, []],
  ])('needs a token only to comment: %j', (values, bad) => {
    let problems: string[] = [];
    try {
      readInputs(source(values));
    } catch (e) {
      problems = (e as InputError).problems.map((p) => p.input);
    }
    expect(problems).toEqual(bad);
  });

  it('names every bad input at once', () => {
    let caught: unknown;
    try {
      readInputs(
        source({
          region: 'mars-1',
          platforms: 'heroku',
          comment: 'always',
          'fail-on-increase': '-5',
          'free-tier': 'yes',
          'requests-per-month': '1.5',
          'request-seconds': '0',
          'base-ref': '--upload-pack=x',
        }),
      );
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(InputError);
    expect((caught as InputError).problems.map((p) => p.input)).toEqual([
      'platforms',
      'region',
      'base-ref',
      'comment',
      'fail-on-increase',
      'github-token',
      'free-tier',
      'requests-per-month',
      'request-seconds',
    ]);
  });

  it.each([
    ['50', { kind: 'amount', usd: 50 }],
    ['$50', { kind: 'amount', usd: 50 }],
    ['12.5', { kind: 'amount', usd: 12.5 }],
    ['0', { kind: 'amount', usd: 0 }],
    ['10%', { kind: 'percent', percent: 10 }],
    [' 2.5 % ', { kind: 'percent', percent: 2.5 }],
    ['-5', undefined],
    ['abc', undefined],
    ['10%%', undefined],
    ['1e3', undefined],
    ['$', undefined],
  ])('threshold %j → %j', (text, expected) => {
    expect(parseThreshold(text)).toEqual(expected);
  });
});

function diffWith(before: number, after: number): CostDiff {
  const difference = after - before;
  return {
    headline: {
      kind: difference > 0 ? 'increase' : difference < 0 ? 'decrease' : 'none',
      beforeUSD: before,
      afterUSD: after,
      differenceUSD: difference,
      percent: before === 0 ? null : (difference / before) * 100,
      unpriced: 0,
    },
    kubernetesPlatform: 'gke-autopilot',
    workloads: [],
    platforms: [],
    cheapest: { before: null, after: null },
  };
}

describe('exceedsThreshold', () => {
  it.each([
    // before, after, threshold, fails
    [100, 111, '10%', true],
    [100, 110, '10%', false],
    [100, 105, '10%', false],
    [100, 90, '10%', false],
    [0, 5, '10%', true],
    [100, 151, '50', true],
    [100, 150, '50', false],
    [100, 100.001, '0', true],
    [100, 100, '0', false],
  ])('%d → %d with %s: %s', (before, after, threshold, fails) => {
    expect(exceedsThreshold(diffWith(before, after), parseThreshold(threshold)!)).toBe(fails);
  });
});

describe('fitComment', () => {
  function workload(i: number): WorkloadDiff {
    const before = 10;
    const after = 10 + i;
    const change = {
      beforeUSD: before,
      afterUSD: after,
      differenceUSD: after - before,
      percent: ((after - before) / before) * 100,
    };
    return {
      kind: 'Deployment',
      name: `service-with-a-long-name-${i}`,
      namespace: 'team',
      file: `deploy/service-${i}.yaml`,
      status: 'changed',
      primaryPlatform: 'gke-autopilot',
      platforms: (['gke-autopilot', 'ecs-fargate', 'eks-fargate', 'cloud-run'] as const).map((platform) => ({
        platform,
        ...change,
      })),
      ...change,
    };
  }
  const options = { marker: COMMENT_MARKER, catalogDate: '2026-10-02', assumptions: ['730 hours a month'] };

  it('keeps a report that fits as it is', () => {
    const diff = { ...diffWith(10, 13), workloads: [1, 2, 3].map(workload) };
    expect(fitComment(diff, options)).toBe(renderMarkdownComment(diff, options));
  });

  it('shows the workloads whose cost moves most first', () => {
    const workloads = Array.from({ length: 300 }, (_, i) => workload(i + 1));
    const text = fitComment(largestChangesFirst({ ...diffWith(3000, 48150), workloads }), options);
    expect(text.length).toBeLessThanOrEqual(60_000);
    expect(text).toContain('**Deployment team/service-with-a-long-name-300**');
    expect(text).not.toContain('**Deployment team/service-with-a-long-name-1**');
    expect(text).toMatch(/…and \d+ more changed workloads\./);
    expect(text).toContain('Monthly cost will increase by $45,150.00');
  });

  it('drops warnings, then tables, to stay under the limit', () => {
    const workloads = Array.from({ length: 30 }, (_, i) => workload(i + 1));
    const warnings = Array.from(
      { length: 3000 },
      (_, i) => `Deployment service-${i}: replicas from HorizontalPodAutoscaler \`service-${i}\`: 2 to 10`,
    );
    const diff = largestChangesFirst({ ...diffWith(3000, 3465), workloads });
    expect(renderMarkdownComment(diff, { ...options, warnings }).length).toBeGreaterThan(60_000);
    const text = fitComment(diff, { ...options, warnings });
    expect(text.length).toBeLessThanOrEqual(60_000);
    expect(text.startsWith(`${COMMENT_MARKER}\n`)).toBe(true);
    expect(text).toContain(
      'Showing 20 of 3000 warnings and fewer workload tables to fit in a comment; the job summary has them all.',
    );
    expect(text).toContain('Monthly cost will increase by $465.00');
  });
});

describe('planComment', () => {
  const ours = (id: number, body = 'old'): ExistingComment => ({ id, body: `${MARKER}\n${body}` });
  const theirs = (id: number): ExistingComment => ({ id, body: `Quoting:\n${MARKER}` });
  const BODY = `${MARKER}\nnew`;

  it.each<[string, ExistingComment[], CommentOperation[]]>([
    ['update', [], [{ op: 'create', body: BODY }]],
    ['update', [theirs(1)], [{ op: 'create', body: BODY }]],
    ['update', [ours(1), theirs(2), ours(3)], [{ op: 'update', id: 3, body: BODY }]],
    ['update', [ours(5, 'new')], []],
    ['new', [ours(1)], [{ op: 'create', body: BODY }]],
    [
      'delete-and-new',
      [ours(4), theirs(5), ours(2)],
      [
        { op: 'delete', id: 2 },
        { op: 'delete', id: 4 },
        { op: 'create', body: BODY },
      ],
    ],
    ['off', [ours(1)], []],
  ])('%s with %j', (mode, existing, expected) => {
    expect(planComment(mode as never, existing, BODY)).toEqual(expected);
  });

  it('knows its own comments by the marker at the start', () => {
    expect(isOurComment(`  ${MARKER}\nx`)).toBe(true);
    expect(isOurComment(`> ${MARKER}`)).toBe(false);
  });

  it('applies operations in order and reports the comment that holds the estimate', async () => {
    const calls: string[] = [];
    const api: CommentApi = {
      list: () => Promise.resolve([]),
      create: (body) => (calls.push(`create ${body}`), Promise.resolve({ id: 9, url: 'u9' })),
      update: (id) => (calls.push(`update ${id}`), Promise.resolve({ id, url: `u${id}` })),
      remove: (id) => (calls.push(`delete ${id}`), Promise.resolve()),
    };
    const result = await applyComment(api, [
      { op: 'delete', id: 2 },
      { op: 'create', body: 'b' },
    ]);
    expect(calls).toEqual(['delete 2', 'create b']);
    expect(result).toEqual({ comment: { id: 9, url: 'u9' }, deleted: [2] });
  });
});

describe('pullRequestOf', () => {
  it.each([
    [{}, undefined],
    [{ pull_request: { number: 'x' } }, undefined],
    [
      {
        pull_request: {
          number: 3,
          base: { sha: 'b', repo: { full_name: 'o/r' } },
          head: { sha: 'h', repo: { full_name: 'f/r' } },
        },
      },
      { number: 3, baseSha: 'b', headSha: 'h', baseRepo: 'o/r', headRepo: 'f/r' },
    ],
  ])('%j', (event, expected) => {
    expect(pullRequestOf(event)).toEqual(expected);
  });
});

describe('main', () => {
  it('stops at bad inputs before reading the run or loading the GitHub client', async () => {
    const touched: string[] = [];
    const run = main({
      inputs: source({ region: 'mars-1' }),
      context: () => {
        touched.push('context');
        throw new Error('not expected');
      },
      comments: () => {
        touched.push('comments');
        return Promise.reject(new Error('not expected'));
      },
      kustomize: () => {
        touched.push('kustomize');
        return Promise.resolve(undefined);
      },
    });
    await expect(run).rejects.toThrow(InputError);
    expect(touched).toEqual([]);
  });
});
