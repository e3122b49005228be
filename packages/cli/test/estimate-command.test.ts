import { join } from 'node:path';
import type { JsonReport } from '../src/estimate-command.js';
import { createTempRepo } from './git-repo.js';
import { runIn } from './run-cli.js';
import { deployment, hpa, taskDefinition, WORKFLOW } from './specs.js';
import { removeTemp, writeTempFiles } from './temp-files.js';

// us-east-1 Fargate Linux/x86 on-demand (pricing reference §1): $0.04048 per vCPU-hour, $0.004445 per GB-hour.
const FARGATE_VCPU_HOUR = 0.04048;
const FARGATE_GB_HOUR = 0.004445;

const FILES = {
  'specs/api.json': taskDefinition('api', '256', '512'),
  'specs/web.yaml': deployment('web', '500m', '1Gi', 2),
  'specs/web-hpa.yaml': hpa('web', 3, 6),
  'specs/ci.yml': WORKFLOW,
  // Line 5 puts a sequence entry inside a mapping.
  'broken/bad.yaml': 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  - oops\nspec: {}\n',
  'broken/good.json': taskDefinition('good'),
};

let root: string;
beforeAll(async () => {
  root = await writeTempFiles(FILES);
});
afterAll(() => removeTemp(root));

describe('slipway estimate', () => {
  it('prints the table for a directory and exits 0', async () => {
    const run = await runIn(root, ['estimate', 'specs']);
    expect(run.code).toBe(0);
    expect(run.stderr).toBe('');
    expect(run.stdout).toMatch(/^Monthly cost estimate \(730 h a month/);
    expect(run.stdout).toContain('TaskDefinition api');
    expect(run.stdout).toContain('Deployment web');
    expect(run.stdout).toMatch(/Cheapest: \S+ at \$/);
  });

  it('prints the JSON report with the documented fields, paths relative to cwd', async () => {
    const run = await runIn(root, ['estimate', '--json', '--platform', 'ecs-fargate', join(root, 'specs')]);
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout) as JsonReport;
    expect(report.hoursPerMonth).toBe(730);
    expect(report.errors).toEqual([]);
    const api = report.workloads.find((w) => w.name === 'api')!;
    expect(api).toMatchObject({
      source: { file: 'specs/api.json', line: 1 },
      kind: 'TaskDefinition',
      replicas: { min: 1, max: 1 },
      perReplica: { vcpu: 0.25, memoryMiB: 512 },
    });
    expect(api.estimates).toHaveLength(1);
    const [fargate] = api.estimates;
    expect(fargate).toMatchObject({
      platform: 'ecs-fargate',
      region: 'us-east-1',
      billedPerReplica: { vcpu: 0.25, memoryMiB: 512 },
    });
    // 0.25 vCPU × 730 h × $0.04048 + 0.5 GB × 730 h × $0.004445 = $7.3876 + $1.622425
    expect(fargate!.monthlyUSD).toBeCloseTo(0.25 * 730 * FARGATE_VCPU_HOUR + 0.5 * 730 * FARGATE_GB_HOUR, 6);
    // The HPA beside the Deployment sets its replicas.
    const web = report.workloads.find((w) => w.name === 'web')!;
    expect(web.replicas).toEqual({ min: 3, max: 6 });
    expect(web.source.file).toBe('specs/web.yaml');
    const total = report.totals.find((t) => t.platform === 'ecs-fargate')!;
    const sum = report.workloads.reduce((s, w) => s + (w.estimates[0]?.monthlyUSD ?? 0), 0);
    expect(total.monthlyUSD).toBeCloseTo(sum, 9);
  });

  it('reports a file that does not parse with file and line, exits 1, and still prices the rest', async () => {
    const run = await runIn(root, ['estimate', 'broken']);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^broken\/bad\.yaml:5: /);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stdout).toContain('TaskDefinition good');
  });

  it('puts the errors into the JSON report too', async () => {
    const run = await runIn(root, ['estimate', '--json', 'broken']);
    expect(run.code).toBe(1);
    const report = JSON.parse(run.stdout) as JsonReport;
    expect(report.errors).toEqual([{ file: 'broken/bad.yaml', line: 5, message: expect.any(String) }]);
    expect(report.workloads.map((w) => w.name)).toEqual(['good']);
  });

  it('notes an explicitly named file that is not a deploy spec, without failing', async () => {
    const run = await runIn(root, ['estimate', 'specs/ci.yml', 'specs/api.json']);
    expect(run.code).toBe(0);
    expect(run.stderr).toBe('slipway: skipped specs/ci.yml: not a deploy spec (a GitHub workflow)\n');
  });

  it.each([
    [
      ['estimate', '--region', 'mars-1', 'specs'],
      /^slipway: unknown region "mars-1": use one of us-east-1, /,
    ],
    [
      ['estimate', '--platform', 'heroku', 'specs'],
      /^slipway: unknown platform "heroku": use one of ecs-fargate, /,
    ],
    [['estimate', 'nope/', 'specs'], /^slipway: no such file or directory: nope\/$/],
    [['estimate', '--frobnicate', 'specs'], /^slipway: unknown option `--frobnicate`$/],
    [['estimate', '--requests', 'many'], /^slipway: --requests must be a whole number, got `many`$/],
    [['estimate', '--base', 'main', 'specs'], /^slipway: --base: .*is not inside a git repository$/],
    [['frobnicate'], /^slipway: unknown command `frobnicate`/],
  ])('%j exits 2 with one line', async (argv, message) => {
    const run = await runIn(root, argv);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr.endsWith('\n')).toBe(true);
    expect(run.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(run.stderr.trimEnd()).toMatch(message);
  });

  it('says so when the paths hold no deploy spec', async () => {
    const run = await runIn(root, ['estimate', 'specs/ci.yml']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('No workloads to price.');
    expect(run.stderr).toContain('slipway: no deploy specs found in specs/ci.yml');
  });

  it.each([
    [['--help']],
    [['help']],
    [['help', 'estimate']],
    [['estimate', '-h']],
    [['refresh-prices', '--help']],
  ])('%j prints usage and exits 0', async (argv) => {
    const run = await runIn(root, argv);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^Usage: slipway /);
  });
});

describe('slipway estimate --base', () => {
  it('prices the same paths at the revision and prints the difference', async () => {
    const repo = await createTempRepo();
    try {
      await repo.commit(
        { 'k8s/web.yaml': deployment('web', '250m', '512Mi', 2), 'k8s/old.yaml': deployment('old') },
        'base',
      );
      repo.git('checkout', '--quiet', '-b', 'feature');
      await repo.commit({ 'k8s/web.yaml': deployment('web', '1', '2Gi', 2), 'k8s/old.yaml': null }, 'head');

      const json = await runIn(repo.dir, [
        'estimate',
        '--json',
        '--base',
        'main',
        '--platform',
        'gke-autopilot',
        'k8s',
      ]);
      expect(json.code).toBe(0);
      const report = JSON.parse(json.stdout) as JsonReport;
      expect(report.base?.ref).toBe('main');
      expect(report.base?.report.workloads.map((w) => w.name).sort()).toEqual(['old', 'web']);
      expect(report.workloads.map((w) => w.name)).toEqual(['web']);
      const byName = new Map(report.diff!.workloads.map((w) => [w.name, w]));
      expect(byName.get('web')?.status).toBe('changed');
      expect(byName.get('old')?.status).toBe('removed');
      const headWeb = report.workloads[0]!.estimates[0]!.monthlyUSD!;
      const baseWeb = report.base!.report.workloads.find((w) => w.name === 'web')!.estimates[0]!.monthlyUSD!;
      expect(byName.get('web')?.differenceUSD).toBeCloseTo(headWeb - baseWeb, 9);

      const text = await runIn(repo.dir, ['estimate', '--base', 'main', 'k8s']);
      expect(text.code).toBe(0);
      expect(text.stdout).toContain('Compared with main: Monthly cost will');
      expect(text.stdout).toMatch(/Deployment web\s+k8s\/web\.yaml\s+changed/);
      expect(text.stdout).toMatch(/Deployment old\s+k8s\/old\.yaml\s+removed/);
    } finally {
      await removeTemp(repo.dir);
    }
  });

  it('refuses an unknown revision with exit 2', async () => {
    const repo = await createTempRepo();
    try {
      await repo.commit({ 'a.yaml': deployment('a') }, 'one');
      const run = await runIn(repo.dir, ['estimate', '--base', 'no-such-ref', '.']);
      expect(run.code).toBe(2);
      expect(run.stderr).toMatch(/^slipway: --base: unknown git revision `no-such-ref`/);
    } finally {
      await removeTemp(repo.dir);
    }
  });
});
