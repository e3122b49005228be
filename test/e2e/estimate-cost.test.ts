// estimate-cost end to end: the bundled action (actions/estimate-cost/dist) run by the harness as the runner
// runs it, on pull-request events from a real git repository, against the GitHub REST stand-in.
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { loadCatalog } from '@slipway/pricing';
import type { JsonReport } from '@slipway/cli';
import { REPO_ROOT } from '../harness/action-manifest.js';
import { runAction } from '../harness/run-action.js';
import type { ActionRun, RunActionOptions } from '../harness/run-action.js';
import { DEFAULT_GITHUB_TOKEN, GITHUB_OPERATIONS, GitHubStandIn } from '../stand-ins/index.js';

const ACTION = join(REPO_ROOT, 'actions', 'estimate-cost');
const MARKER = '<!-- slipway:estimate-cost -->';
const READ_ONLY_TOKEN = 'ghs_SlipwayForkReadOnlyToken000000000000';
const OWNER = 'octo';
const REPO = 'repo';
const PR = 42;

function deployment(name: string, cpu: string, memory: string, replicas: number): string {
  return `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
spec:
  replicas: ${replicas}
  template:
    spec:
      containers:
        - name: app
          image: example/${name}:1
          resources:
            requests:
              cpu: ${cpu}
              memory: ${memory}
`;
}

const HPA = `apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: web
spec:
  scaleTargetRef:
    apiVersion: apps/v1
    kind: Deployment
    name: web
  minReplicas: 2
  maxReplicas: 6
`;

const TASK = JSON.stringify(
  {
    family: 'api',
    requiresCompatibilities: ['FARGATE'],
    networkMode: 'awsvpc',
    cpu: '512',
    memory: '1024',
    containerDefinitions: [{ name: 'api', image: 'example/api:1', essential: true }],
  },
  null,
  2,
);

const WORKFLOW =
  'name: ci\non: push\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo hi\n';

interface Repo {
  dir: string;
  git(...args: string[]): string;
  commit(files: Record<string, string>, message: string): Promise<string>;
}

async function createRepo(): Promise<Repo> {
  const dir = await mkdtemp(join(tmpdir(), 'slipway-e2e-estimate-'));
  const env = {
    ...process.env,
    GIT_AUTHOR_NAME: 'e2e',
    GIT_AUTHOR_EMAIL: 'e2e@example.com',
    GIT_COMMITTER_NAME: 'e2e',
    GIT_COMMITTER_EMAIL: 'e2e@example.com',
  };
  const git = (...args: string[]) => execFileSync('git', args, { cwd: dir, env, encoding: 'utf8' }).trim();
  git('init', '--quiet', '--initial-branch=main');
  git('config', 'commit.gpgsign', 'false');
  return {
    dir,
    git,
    async commit(files, message) {
      for (const [path, text] of Object.entries(files)) {
        await mkdir(dirname(join(dir, path)), { recursive: true });
        await writeFile(join(dir, path), text);
      }
      git('add', '--all');
      git('commit', '--quiet', '-m', message);
      return git('rev-parse', 'HEAD');
    },
  };
}

function pullRequestEvent(base: string, head: string, headRepo = `${OWNER}/${REPO}`) {
  return {
    action: 'synchronize',
    number: PR,
    pull_request: {
      number: PR,
      base: { sha: base, ref: 'main', repo: { full_name: `${OWNER}/${REPO}` } },
      head: { sha: head, ref: 'feature', repo: { full_name: headRepo } },
    },
    repository: { full_name: `${OWNER}/${REPO}` },
  };
}

let github: GitHubStandIn;
let repo: Repo;
let baseSha: string;
let headSha: string;
let runnerTemp: string;

beforeAll(async () => {
  github = new GitHubStandIn({ repositories: [`${OWNER}/${REPO}`] });
  github.addToken(READ_ONLY_TOKEN, { login: 'github-actions[bot]', access: 'read' });
  await github.start();
  repo = await createRepo();
  baseSha = await repo.commit(
    {
      'deploy/web.yaml': deployment('web', '500m', '1Gi', 2),
      'deploy/web-hpa.yaml': HPA,
      'deploy/worker.yaml': deployment('worker', '250m', '512Mi', 1),
      'ecs/api.json': TASK,
      '.github/workflows/ci.yml': WORKFLOW,
    },
    'base specs',
  );
  repo.git('checkout', '--quiet', '-b', 'feature');
  // The change under review: web doubles its CPU and memory.
  headSha = await repo.commit(
    { 'deploy/web.yaml': deployment('web', '1', '2Gi', 2), '.github/workflows/ci.yml': `${WORKFLOW}# x\n` },
    'bigger web',
  );
  runnerTemp = await mkdtemp(join(tmpdir(), 'slipway-e2e-temp-'));
});

afterAll(async () => {
  await github.stop();
  await rm(repo.dir, { recursive: true, force: true });
  await rm(runnerTemp, { recursive: true, force: true });
});

function run(opts: RunActionOptions & { token?: string } = {}): Promise<ActionRun> {
  const token = opts.token ?? DEFAULT_GITHUB_TOKEN;
  return runAction(ACTION, {
    eventName: 'pull_request',
    event: pullRequestEvent(baseSha, headSha),
    repository: `${OWNER}/${REPO}`,
    sha: headSha,
    ref: `refs/pull/${PR}/merge`,
    workspace: repo.dir,
    secrets: [token],
    timeoutMs: 30_000,
    ...opts,
    inputs: { 'github-token': token, ...opts.inputs },
    env: { GITHUB_API_URL: github.url, RUNNER_TEMP: runnerTemp, ...opts.env },
  });
}

function comments() {
  return github.comments(OWNER, REPO, PR);
}

function errorLines(r: ActionRun): string[] {
  return r.log.split('\n').filter((l) => l.startsWith('::error'));
}

/** The one error annotation of a run (its message unescaped), after checking there is exactly one error line. */
function theError(r: ActionRun): string {
  expect(errorLines(r)).toHaveLength(1);
  const errors = r.annotations.filter((a) => a.level === 'error');
  expect(errors).toHaveLength(1);
  return errors[0]!.message;
}

/** The log without the `::add-mask::` commands, which the runner consumes and never shows. */
function visibleLog(r: ActionRun): string {
  return r.log
    .split('\n')
    .filter((l) => !l.startsWith('::add-mask::'))
    .join('\n');
}

async function readReport(r: ActionRun): Promise<JsonReport> {
  return JSON.parse(await readFile(r.outputs['report-path']!, 'utf8')) as JsonReport;
}

describe('estimate-cost on a pull request', () => {
  let firstId: number;

  it('creates the comment: headline, changed workload, platforms, chart, assumptions, catalog date', async () => {
    const r = await run();
    expect(r.exitCode).toBe(0);
    expect(errorLines(r)).toEqual([]);
    const all = comments();
    expect(all).toHaveLength(1);
    firstId = all[0]!.id;
    const body = all[0]!.body;
    const report = await readReport(r);
    const h = report.diff!.headline;
    expect(body.startsWith(`${MARKER}\n`)).toBe(true);
    expect(h.kind).toBe('increase');
    const amount = `$${h.differenceUSD.toFixed(2)}`;
    const percent = `+${h.percent!.toFixed(1)}%`;
    expect(body).toContain(`📈 **Monthly cost will increase by ${amount} (${percent})**`);
    expect(body).toMatch(/\*\*Deployment web\*\* · `deploy\/web\.yaml` · changed/);
    expect(body).toContain('| Platform | Before | After | Difference |');
    expect(body).not.toMatch(/\*\*Deployment worker\*\*/);
    expect(body).toContain('### Compared across platforms');
    expect(body).toContain('⭐ cheapest');
    expect(body).toContain('```mermaid\nxychart-beta');
    expect(body).toMatch(/730 hours/);
    expect(body).toContain(`Prices from the Slipway price catalog dated ${loadCatalog().date}.`);
    // The job summary gets the same report.
    expect(r.summary).toContain(body.trim().split('\n').slice(1, 4).join('\n'));
    expect(r.summary).toContain('[Pull-request comment](https://github.com/');
  });

  it('sets the outputs from the same figures as the report', async () => {
    const r = await run();
    const report = await readReport(r);
    const h = report.diff!.headline;
    expect(r.outputs).toEqual({
      'monthly-cost': h.afterUSD.toFixed(2),
      'monthly-cost-base': h.beforeUSD.toFixed(2),
      diff: h.differenceUSD.toFixed(2),
      'diff-percent': h.percent!.toFixed(1),
      'report-path': join(runnerTemp, 'slipway-estimate.json'),
    });
    expect(Number(r.outputs['monthly-cost'])).toBeGreaterThan(Number(r.outputs['monthly-cost-base']));
    // The changed Deployment and its HPA were priced at both revisions; the untouched task definition was not.
    expect(report.workloads.map((w) => w.name).sort()).toEqual(['web', 'worker']);
    expect(report.workloads.find((w) => w.name === 'web')!.replicas).toEqual({ min: 2, max: 6 });
    expect(report.base!.ref).toBe(baseSha);
  });

  it('updates the same comment on the next run, after another change', async () => {
    headSha = await repo.commit(
      { 'deploy/worker.yaml': deployment('worker', '2', '4Gi', 3) },
      'bigger worker',
    );
    const before = comments()[0]!.body;
    const r = await run({ event: pullRequestEvent(baseSha, headSha), sha: headSha });
    expect(r.exitCode).toBe(0);
    const all = comments();
    expect(all.map((c) => c.id)).toEqual([firstId]);
    expect(all[0]!.body).not.toBe(before);
    expect(all[0]!.body).toMatch(/\*\*Deployment worker\*\* · `deploy\/worker\.yaml` · changed/);
    expect(github.calls(GITHUB_OPERATIONS.updateComment).length).toBeGreaterThanOrEqual(1);
  });

  it('new: adds a second comment', async () => {
    const r = await run({
      inputs: { comment: 'new' },
      event: pullRequestEvent(baseSha, headSha),
      sha: headSha,
    });
    expect(r.exitCode).toBe(0);
    const all = comments();
    expect(all).toHaveLength(2);
    expect(all[0]!.id).toBe(firstId);
    expect(all.every((c) => c.body.startsWith(MARKER))).toBe(true);
  });

  it('delete-and-new: leaves exactly one, new, comment and keeps other people’s comments', async () => {
    const [human] = github.seedComments(OWNER, REPO, PR, ['Looks good to me']);
    const old = comments()
      .filter((c) => c.body.startsWith(MARKER))
      .map((c) => c.id);
    const r = await run({
      inputs: { comment: 'delete-and-new' },
      event: pullRequestEvent(baseSha, headSha),
      sha: headSha,
    });
    expect(r.exitCode).toBe(0);
    const ours = comments().filter((c) => c.body.startsWith(MARKER));
    expect(ours).toHaveLength(1);
    expect(old).not.toContain(ours[0]!.id);
    expect(comments().map((c) => c.id)).toContain(human!.id);
  });

  it('off: posts nothing and calls no API, but writes the summary', async () => {
    github.clearJournal();
    const ids = comments().map((c) => c.id);
    const r = await run({
      inputs: { comment: 'off' },
      event: pullRequestEvent(baseSha, headSha),
      sha: headSha,
    });
    expect(r.exitCode).toBe(0);
    expect(comments().map((c) => c.id)).toEqual(ids);
    expect(Object.values(GITHUB_OPERATIONS).flatMap((op) => github.calls(op))).toEqual([]);
    expect(r.summary).toContain('Slipway cost estimate');
  });

  it('without a pull request (push): posts nothing, and the summary still gets the report', async () => {
    github.clearJournal();
    const r = await run({
      eventName: 'push',
      event: { before: baseSha, after: headSha },
      ref: 'refs/heads/feature',
    });
    expect(r.exitCode).toBe(0);
    expect(github.calls(GITHUB_OPERATIONS.listComments)).toEqual([]);
    expect(github.calls(GITHUB_OPERATIONS.createComment)).toEqual([]);
    expect(r.summary).toContain('Monthly cost will increase by');
    expect(r.log).toContain('No pull request in this push');
    expect(r.outputs['monthly-cost-base']).not.toBe('');
  });

  it('with a read-only token (a fork): ends green with a notice and the summary', async () => {
    const ids = comments().map((c) => c.id);
    const r = await run({
      token: READ_ONLY_TOKEN,
      inputs: { comment: 'new' },
      event: pullRequestEvent(baseSha, headSha, 'someone/fork'),
      sha: headSha,
    });
    expect(r.exitCode).toBe(0);
    expect(comments().map((c) => c.id)).toEqual(ids);
    const notices = r.annotations.filter((a) => a.level === 'notice');
    expect(notices).toHaveLength(1);
    expect(notices[0]!.message).toMatch(
      /^Could not comment on pull request #42: the token cannot write to it/,
    );
    expect(r.summary).toContain('Monthly cost will increase by');
    expect(visibleLog(r)).not.toContain(READ_ONLY_TOKEN);
  });

  it('fail-on-increase: 10% fails the step with a clear message, after reporting', async () => {
    const r = await run({
      inputs: { 'fail-on-increase': '10%', comment: 'off' },
      event: pullRequestEvent(baseSha, headSha),
      sha: headSha,
    });
    expect(r.exitCode).toBe(1);
    expect(theError(r)).toMatch(
      /^estimate-cost: monthly cost rises by \+\$[\d,]+\.\d\d \(\+[\d.]+%\), more than the fail-on-increase threshold of 10%$/,
    );
    expect(r.outputs['diff']).toMatch(/^\d+\.\d\d$/);
    expect(r.summary).toContain('Monthly cost will increase by');
  });

  it('fail-on-increase: an amount above the increase passes', async () => {
    const r = await run({
      inputs: { 'fail-on-increase': '100000', comment: 'off' },
      event: pullRequestEvent(baseSha, headSha),
      sha: headSha,
    });
    expect(r.exitCode).toBe(0);
  });

  it('retries a GitHub server error and still posts once', async () => {
    const count = comments().length;
    github.clearJournal();
    github.inject(GITHUB_OPERATIONS.listComments, { kind: 'http', status: 502, times: 1 });
    const r = await run({
      inputs: { comment: 'new' },
      event: pullRequestEvent(baseSha, headSha),
      sha: headSha,
    });
    expect(r.exitCode).toBe(0);
    expect(github.calls(GITHUB_OPERATIONS.listComments).map((c) => c.status)).toEqual([502, 200]);
    expect(comments()).toHaveLength(count + 1);
  });

  it('fails with one line on a token GitHub does not accept, without printing it', async () => {
    const bad = 'ghs_NotAcceptedByTheStandIn00000000000000';
    const r = await run({ token: bad, event: pullRequestEvent(baseSha, headSha), sha: headSha });
    expect(r.exitCode).toBe(1);
    expect(theError(r)).toMatch(/^estimate-cost: Bad credentials.*\(HTTP 401\)$/);
    expect(visibleLog(r)).not.toContain(bad);
    // The estimate is still reported.
    expect(r.summary).toContain('Monthly cost will increase by');
    expect(r.outputs['monthly-cost']).toMatch(/^\d+\.\d\d$/);
  });

  it('never prints the token', async () => {
    const r = await run({ event: pullRequestEvent(baseSha, headSha), sha: headSha });
    expect(visibleLog(r)).not.toContain(DEFAULT_GITHUB_TOKEN);
    expect(r.summary).not.toContain(DEFAULT_GITHUB_TOKEN);
    expect(r.masked).toContain(DEFAULT_GITHUB_TOKEN);
  });
});

describe('estimate-cost bad input: one clear error line', () => {
  it.each([
    [{ region: 'mars-1' }, /^estimate-cost: input `region`: unknown region "mars-1": use one of /],
    [
      { platforms: 'ecs-fargate, heroku' },
      /^estimate-cost: input `platforms`: unknown platform `heroku`: use /,
    ],
    [{ 'fail-on-increase': '-5' }, /^estimate-cost: input `fail-on-increase`: cannot be negative/],
    [
      { 'fail-on-increase': 'abc' },
      /^estimate-cost: input `fail-on-increase`: must be an amount in USD a month like `50` or a percentage like `10%`, got "abc"$/,
    ],
    [
      { comment: 'sometimes' },
      /^estimate-cost: input `comment`: must be one of `update`, `new`, `delete-and-new`, `off`/,
    ],
  ])('%j', async (inputs, line) => {
    github.clearJournal();
    const r = await run({ inputs, event: pullRequestEvent(baseSha, headSha), sha: headSha });
    expect(r.exitCode).toBe(1);
    expect(theError(r)).toMatch(line);
    // Stopped before anything was read or posted.
    expect(github.calls(GITHUB_OPERATIONS.listComments)).toEqual([]);
    expect(r.outputs).toEqual({});
  });

  it('a broken YAML file in the change names the file and line', async () => {
    const broken = await createRepo();
    try {
      const base = await broken.commit(
        { 'k8s/web.yaml': deployment('web', '500m', '1Gi', 1), 'k8s/db.json': TASK },
        'base',
      );
      // Line 5 puts a sequence entry inside the metadata mapping.
      const head = await broken.commit(
        {
          'k8s/web.yaml':
            'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  - oops\nspec: {}\n',
        },
        'broken',
      );
      const r = await run({
        workspace: broken.dir,
        event: pullRequestEvent(base, head),
        sha: head,
        inputs: { comment: 'off' },
      });
      expect(r.exitCode).toBe(1);
      expect(theError(r)).toMatch(/^estimate-cost: k8s\/web\.yaml:5: YAML syntax error/);
      expect(r.summary).toContain('`k8s/web.yaml:5`');
    } finally {
      await rm(broken.dir, { recursive: true, force: true });
    }
  });
});
