// Security checks over GitHub workflow files (and composite actions), kept apart from the test that runs them
// over the repository so that each check can be proven to fail on a bad sample. They read the YAML syntax tree,
// not the text, so comments may explain a rule (e.g. name `credentials_json` as what not to use) without
// tripping it, and every finding carries the line it is on.
//
// Rules:
// - unpinned-uses: a third-party action or reusable workflow is pinned to a full 40-hex commit SHA followed on
//   the same line by a `# vX.Y.Z` comment (tags and branches can be moved; the comment keeps the pin readable
//   and lets Dependabot update both). `docker://` images are pinned by `@sha256:` digest. Local actions (`./…`)
//   are exempt, and so are Slipway's own actions referenced by major tag (OWN_ACTION), as the examples a user
//   copies do (docs/adr/0005-versioning.md).
// - expression-in-script: no `${{ }}` inside a `run:` script or an actions/github-script `script:`. The runner
//   pastes the value into the script before it runs, so a branch name or a pull request title becomes code.
//   The rule bans every expression, not only the known-untrusted ones: values go through `env:`.
// - long-lived-key: no static cloud keys (aws-access-key-id, AWS_SECRET_ACCESS_KEY, credentials_json…).
// - missing-permissions: every workflow states `permissions:` at the top or on every job; never `write-all`.
// - untrusted-checkout: a `pull_request_target` or `workflow_run` workflow does not check out the pull request's
//   code (`ref:` naming the head, `refs/pull/…`).
import { isMap, isScalar, isSeq, LineCounter, parseAllDocuments, visit } from 'yaml';
import type { Document, Node, Scalar, YAMLMap } from 'yaml';

/** The rule a finding breaks. */
export type Rule =
  | 'yaml-error'
  | 'unpinned-uses'
  | 'expression-in-script'
  | 'long-lived-key'
  | 'missing-permissions'
  | 'untrusted-checkout';

/** One broken rule at one place. */
export interface Finding {
  file: string;
  /** 1-based line. */
  line: number;
  rule: Rule;
  message: string;
}

/** Options of the checks. */
export interface CheckOptions {
  /** `uses:` values exempt from SHA pinning: the project's own actions. Default: {@link OWN_ACTION}. */
  ownAction?: RegExp;
}

/** Slipway's own actions as the examples reference them: the placeholder owner, by major tag. */
export const OWN_ACTION = /^slipway-dev\/slipway\/actions\/[a-z0-9-]+@v\d+$/;

/** Expressions that carry text an outsider controls; named in findings to say why the rule matters. */
export const UNTRUSTED_CONTEXTS: readonly RegExp[] = [
  /github\.event\.(pull_request|issue|discussion)\.(title|body)/,
  /github\.event\.pull_request\.head\.(ref|label|repo\.default_branch)/,
  /github\.event\.(comment|review|review_comment|discussion_comment)\.body/,
  /github\.head_ref/,
  /github\.event\.(head_commit|workflow_run\.head_commit)\.(message|author\.(name|email))/,
  /github\.event\.commits/,
  /github\.event\.workflow_run\.(head_branch|display_title|pull_requests)/,
  /github\.event\.pages/,
];

const SHA = /^[0-9a-f]{40}$/;
const VERSION_COMMENT = /^[ \t]+#[ \t]*v\d+(\.\d+){0,2}\b/;
const DIGEST = /@sha256:[0-9a-f]{64}$/;
// Inputs and variables that carry static keys: configure-aws-credentials' key inputs, the AWS environment
// variables, google-github-actions/auth's and setup-gcloud's key inputs.
const LONG_LIVED_KEY =
  /\b(AWS_ACCESS_KEY_ID|AWS_SECRET_ACCESS_KEY|aws-access-key-id|aws-secret-access-key|credentials_json|service_account_key)\b/;

/** A parsed file: its documents and a way from offsets to lines. */
interface Parsed {
  file: string;
  text: string;
  docs: Document.Parsed[];
  lineOf: (offset: number) => number;
}

function parse(text: string, file: string): Parsed {
  const lineCounter = new LineCounter();
  const docs = parseAllDocuments(text, { lineCounter });
  const list = Array.isArray(docs) ? docs : [];
  return { file, text, docs: list, lineOf: (offset) => lineCounter.linePos(offset).line };
}

function startLine(p: Parsed, node: Node | null | undefined): number {
  return node?.range ? p.lineOf(node.range[0]) : 1;
}

function child(map: unknown, key: string): unknown {
  return isMap(map) ? map.get(key, true) : undefined;
}

function stringScalar(node: unknown): Scalar<string> | undefined {
  return isScalar(node) && typeof node.value === 'string' ? (node as Scalar<string>) : undefined;
}

/** A step or job that names what it uses, with a path for messages. */
interface Located {
  node: YAMLMap;
  where: string;
}

function jobsOf(doc: Document.Parsed): Located[] {
  const jobs = child(doc.contents, 'jobs');
  if (!isMap(jobs)) return [];
  return jobs.items.flatMap((pair) =>
    isMap(pair.value)
      ? [{ node: pair.value, where: `jobs.${String(isScalar(pair.key) ? pair.key.value : '?')}` }]
      : [],
  );
}

function stepsOf(doc: Document.Parsed): Located[] {
  const owners: Located[] = [...jobsOf(doc)];
  const runs = child(doc.contents, 'runs');
  if (isMap(runs)) owners.push({ node: runs, where: 'runs' });
  return owners.flatMap(({ node, where }) => {
    const steps = child(node, 'steps');
    if (!isSeq(steps)) return [];
    return steps.items.flatMap((step, i) =>
      isMap(step) ? [{ node: step, where: `${where}.steps[${i}]` }] : [],
    );
  });
}

/** Whether a document is a workflow (as opposed to a composite action or a Kubernetes manifest). */
export function isWorkflowDocument(doc: Document.Parsed): boolean {
  return isMap(doc.contents) && (doc.contents.has('on') || doc.contents.has('jobs'));
}

function yamlErrors(p: Parsed): Finding[] {
  return p.docs.flatMap((doc) =>
    doc.errors.map((e) => ({
      file: p.file,
      line: e.linePos?.[0]?.line ?? 1,
      rule: 'yaml-error' as const,
      message: e.message.split('\n')[0] ?? 'YAML error',
    })),
  );
}

/** Checks that every third-party `uses:` is pinned to a full commit SHA with a `# vX.Y.Z` comment. */
export function checkPinnedUses(text: string, file: string, options: CheckOptions = {}): Finding[] {
  const own = options.ownAction ?? OWN_ACTION;
  const p = parse(text, file);
  const findings: Finding[] = [];
  for (const doc of p.docs) {
    for (const { node, where } of [...stepsOf(doc), ...jobsOf(doc)]) {
      const uses = stringScalar(child(node, 'uses'));
      if (!uses) continue;
      const value = uses.value.trim();
      if (value.startsWith('./') || own.test(value)) continue;
      const line = startLine(p, uses);
      const at = (message: string) => findings.push({ file, line, rule: 'unpinned-uses', message });
      if (value.startsWith('docker://')) {
        if (!DIGEST.test(value)) at(`${where}: \`${value}\` is not pinned: use the image's @sha256: digest`);
        continue;
      }
      const ref = value.includes('@') ? value.slice(value.lastIndexOf('@') + 1) : '';
      const name = value.includes('@') ? value.slice(0, value.lastIndexOf('@')) : value;
      if (!SHA.test(ref)) {
        at(`${where}: \`${value}\` is not pinned: use ${name}@<40-hex commit SHA> # vX.Y.Z`);
        continue;
      }
      const end = uses.range?.[1] ?? 0;
      const rest = text.slice(end, text.indexOf('\n', end) === -1 ? undefined : text.indexOf('\n', end));
      if (!VERSION_COMMENT.test(rest)) {
        at(`${where}: \`${value}\` has no version comment: add \`# vX.Y.Z\` after the SHA on the same line`);
      }
    }
  }
  return findings;
}

function scriptsOf(doc: Document.Parsed): Array<{ node: Scalar<string>; where: string }> {
  return stepsOf(doc).flatMap(({ node, where }) => {
    const scripts: Array<{ node: Scalar<string>; where: string }> = [];
    const run = stringScalar(child(node, 'run'));
    if (run) scripts.push({ node: run, where: `${where}.run` });
    const uses = stringScalar(child(node, 'uses'));
    const script = stringScalar(child(child(node, 'with'), 'script'));
    if (uses && /^actions\/github-script@/.test(uses.value) && script) {
      scripts.push({ node: script, where: `${where}.with.script` });
    }
    return scripts;
  });
}

/** Checks that no `run:` script (nor actions/github-script `script:`) holds a `${{ }}` expression. */
export function checkScriptExpressions(text: string, file: string): Finding[] {
  const p = parse(text, file);
  const findings: Finding[] = [];
  for (const doc of p.docs) {
    for (const { node, where } of scriptsOf(doc)) {
      if (!node.value.includes('${{')) continue;
      const [start, end] = node.range ?? [0, 0];
      const raw = text.slice(start, end);
      const offsets = [...raw.matchAll(/\$\{\{/g)].map((m) => start + (m.index ?? 0));
      for (const offset of offsets.length > 0 ? offsets : [start]) {
        const close = text.indexOf('}}', offset);
        const expression = close === -1 ? '${{' : text.slice(offset, close + 2);
        const untrusted = UNTRUSTED_CONTEXTS.some((re) => re.test(expression));
        findings.push({
          file,
          line: p.lineOf(offset),
          rule: 'expression-in-script',
          message:
            `${where}: \`${expression}\` is pasted into the script before it runs` +
            `${untrusted ? ' and carries untrusted input (script injection)' : ''}: ` +
            'pass it through env: and use "$NAME"',
        });
      }
    }
  }
  return findings;
}

/** Checks that no key or value (comments aside) configures a long-lived cloud key. */
export function checkLongLivedKeys(text: string, file: string): Finding[] {
  const p = parse(text, file);
  const findings: Finding[] = [];
  for (const doc of p.docs) {
    visit(doc, {
      Scalar(_, node) {
        const match = typeof node.value === 'string' ? LONG_LIVED_KEY.exec(node.value) : null;
        if (match) {
          findings.push({
            file,
            line: startLine(p, node),
            rule: 'long-lived-key',
            message: `\`${match[1]}\` is a long-lived key: authenticate with OIDC (role-to-assume, workload_identity_provider)`,
          });
        }
      },
    });
  }
  return findings;
}

/** Checks that a workflow states its token's permissions (top level or every job), never `write-all`. */
export function checkPermissions(text: string, file: string): Finding[] {
  const p = parse(text, file);
  const findings: Finding[] = [];
  for (const doc of p.docs.filter(isWorkflowDocument)) {
    const top = child(doc.contents, 'permissions');
    const jobs = jobsOf(doc);
    const missing = jobs.filter(({ node }) => !node.has('permissions'));
    if (top === undefined && (jobs.length === 0 || missing.length > 0)) {
      findings.push({
        file,
        line: startLine(p, doc.contents),
        rule: 'missing-permissions',
        message: `no top-level permissions: and none on ${missing.map((j) => j.where).join(', ') || 'the jobs'}: the token gets the repository default`,
      });
    }
    for (const [where, node] of [
      ['permissions', top],
      ...jobs.map((j) => [`${j.where}.permissions`, child(j.node, 'permissions')]),
    ] as const) {
      const scalar = stringScalar(node);
      if (scalar?.value === 'write-all') {
        findings.push({
          file,
          line: startLine(p, scalar),
          rule: 'missing-permissions',
          message: `${where}: write-all grants every scope: list the scopes the job needs`,
        });
      }
    }
  }
  return findings;
}

function triggersOf(doc: Document.Parsed): string[] {
  const on = child(doc.contents, 'on');
  if (isScalar(on)) return [String(on.value)];
  if (isSeq(on)) return on.items.flatMap((i) => (isScalar(i) ? [String(i.value)] : []));
  if (isMap(on)) return on.items.flatMap((pair) => (isScalar(pair.key) ? [String(pair.key.value)] : []));
  return [];
}

const HEAD_REF =
  /github\.event\.pull_request\.head\.|github\.head_ref|github\.event\.workflow_run\.head_(sha|branch)|refs\/pull\//;

/** Checks that privileged triggers (pull_request_target, workflow_run) never check out the pull request's code. */
export function checkUntrustedCheckout(text: string, file: string): Finding[] {
  const p = parse(text, file);
  const findings: Finding[] = [];
  for (const doc of p.docs.filter(isWorkflowDocument)) {
    const privileged = triggersOf(doc).filter((t) => t === 'pull_request_target' || t === 'workflow_run');
    if (privileged.length === 0) continue;
    for (const { node, where } of stepsOf(doc)) {
      const uses = stringScalar(child(node, 'uses'));
      if (!uses || !/^actions\/checkout@/.test(uses.value)) continue;
      const withMap = child(node, 'with');
      for (const key of ['ref', 'repository']) {
        const value = stringScalar(child(withMap, key));
        if (value && HEAD_REF.test(value.value)) {
          findings.push({
            file,
            line: startLine(p, value),
            rule: 'untrusted-checkout',
            message: `${where}: checks out the pull request's code (${key}: ${value.value}) in a ${privileged.join('/')} workflow, which holds a write token and secrets`,
          });
        }
      }
    }
  }
  return findings;
}

/** Every check over one file, YAML errors first. */
export function checkWorkflowFile(text: string, file: string, options: CheckOptions = {}): Finding[] {
  const errors = yamlErrors(parse(text, file));
  if (errors.length > 0) return errors;
  return [
    ...checkPinnedUses(text, file, options),
    ...checkScriptExpressions(text, file),
    ...checkLongLivedKeys(text, file),
    ...checkPermissions(text, file),
    ...checkUntrustedCheckout(text, file),
  ].sort((a, b) => a.line - b.line);
}

/** Findings as `file:line [rule] message` lines, the form a failing test prints. */
export function formatFindings(findings: readonly Finding[]): string[] {
  return findings.map((f) => `${f.file}:${f.line} [${f.rule}] ${f.message}`);
}
