// Least privilege, documented and checked. Two parts:
// 1. docs/permissions/<action>.md exists for every planned action, with `## Permissions`, `### Workflow
//    permissions` (a yaml `permissions:` block holding what the action needs), and `### IAM` (AWS actions: every
//    JSON policy parses, is version 2012-10-17, never grants `"Action": "*"`, and uses `"Resource": "*"` only for
//    actions that accept nothing else) and/or `### Google Cloud roles` (GCP actions: the roles named).
// 2. Every existing actions/<name>/README.md has a `## Permissions` section with a `### Workflow permissions`
//    subsection holding a yaml `permissions:` block equal to one in docs/permissions/<name>.md, and either an
//    `### IAM` or `### Google Cloud roles` subsection or a link to docs/permissions/<name>.md. A failure lists
//    exactly what is missing in which file. With no README at all the test fails: it cannot pass vacuously.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { REPO_ROOT } from '../harness/action-manifest.js';

/** What each planned action must document. */
interface Expectation {
  name: string;
  aws: boolean;
  gcp: boolean;
  /** Scopes the first workflow `permissions:` block must grant, at exactly this level. */
  workflow: Record<string, 'read' | 'write'>;
  /** IAM actions the policies must allow (AWS). */
  iamActions: string[];
  /** Roles or permissions the Google Cloud section must name (GCP). */
  gcpRoles: string[];
}

const PLANNED: Expectation[] = [
  {
    name: 'build-push',
    aws: true,
    gcp: true,
    workflow: { contents: 'read', 'id-token': 'write' },
    iamActions: [
      'ecr:GetAuthorizationToken',
      'ecr:BatchCheckLayerAvailability',
      'ecr:InitiateLayerUpload',
      'ecr:UploadLayerPart',
      'ecr:CompleteLayerUpload',
      'ecr:PutImage',
      'ecr:CreateRepository',
      'ecr:PutLifecyclePolicy',
      'ecr:PutImageScanningConfiguration',
    ],
    gcpRoles: ['roles/artifactregistry.writer'],
  },
  {
    name: 'deploy-ecs',
    aws: true,
    gcp: false,
    workflow: { contents: 'read', 'id-token': 'write' },
    iamActions: [
      'ecs:RegisterTaskDefinition',
      'ecs:DescribeTaskDefinition',
      'ecs:DescribeServices',
      'ecs:UpdateService',
      'ecs:CreateService',
      'ecs:DescribeTasks',
      'ecs:ListTasks',
      'ecs:RunTask',
      'iam:PassRole',
      'codedeploy:CreateDeployment',
      'codedeploy:GetDeployment',
    ],
    gcpRoles: [],
  },
  {
    name: 'deploy-eks',
    aws: true,
    gcp: false,
    workflow: { contents: 'read', 'id-token': 'write' },
    iamActions: ['eks:DescribeCluster'],
    gcpRoles: [],
  },
  {
    name: 'deploy-gke',
    aws: false,
    gcp: true,
    workflow: { contents: 'read', 'id-token': 'write' },
    iamActions: [],
    gcpRoles: ['roles/container.developer'],
  },
  {
    name: 'deploy-cloudrun',
    aws: false,
    gcp: true,
    workflow: { contents: 'read', 'id-token': 'write' },
    iamActions: [],
    gcpRoles: [
      'roles/run.developer',
      'roles/iam.serviceAccountUser',
      'run.services.setIamPolicy',
      'roles/run.admin',
    ],
  },
  {
    name: 'traffic-split',
    aws: true,
    gcp: true,
    workflow: { contents: 'read', 'id-token': 'write' },
    iamActions: [
      'elasticloadbalancing:DescribeListeners',
      'elasticloadbalancing:DescribeRules',
      'elasticloadbalancing:ModifyListener',
      'elasticloadbalancing:ModifyRule',
      'cloudwatch:DescribeAlarms',
    ],
    gcpRoles: ['roles/run.developer', 'roles/iam.serviceAccountUser'],
  },
  {
    name: 'estimate-cost',
    aws: false,
    gcp: false,
    workflow: { contents: 'read', 'pull-requests': 'write' },
    iamActions: [],
    gcpRoles: [],
  },
];

/**
 * Actions that accept only `"Resource": "*"` (no resource-level permissions), as patterns over the action name.
 * `ecs:ListTasks` is authorised through the `ecs:cluster` condition key, so it is allowed on `*` only together
 * with that condition.
 */
const STAR_ONLY: RegExp[] = [
  /^ecr:GetAuthorizationToken$/,
  /^ecs:RegisterTaskDefinition$/,
  /^ecs:DescribeTaskDefinition$/,
  /^cloudwatch:DescribeAlarms$/,
  /^elasticloadbalancing:Describe[A-Za-z]*$/,
];
const STAR_WITH_CLUSTER_CONDITION = /^ecs:ListTasks$/;

const WORKFLOW_SCOPES = new Set([
  'actions',
  'attestations',
  'checks',
  'contents',
  'deployments',
  'discussions',
  'id-token',
  'issues',
  'models',
  'packages',
  'pages',
  'pull-requests',
  'repository-projects',
  'security-events',
  'statuses',
]);

/** The body under a heading (`level` hashes, exact title) up to the next heading of the same or a higher level. */
function section(markdown: string, level: number, title: string): string | undefined {
  const lines = markdown.split('\n');
  let fenced = false;
  let start = -1;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    if (/^\s*(```|~~~)/.test(line)) fenced = !fenced;
    if (fenced) continue;
    const heading = /^(#{1,6})\s+(.*?)\s*#*\s*$/.exec(line);
    if (!heading) continue;
    const depth = heading[1]?.length ?? 0;
    if (start >= 0 && depth <= level) return lines.slice(start, i).join('\n');
    if (start < 0 && depth === level && heading[2] === title) start = i + 1;
  }
  return start >= 0 ? lines.slice(start).join('\n') : undefined;
}

/** The fenced code blocks of a language in a piece of markdown. */
function codeBlocks(markdown: string, lang: string): string[] {
  const blocks: string[] = [];
  const re = /^```([\w-]*)[^\n]*\n([\s\S]*?)^```\s*$/gm;
  for (let m = re.exec(markdown); m !== null; m = re.exec(markdown)) {
    if ((m[1] ?? '').toLowerCase() === lang || (lang === 'yaml' && m[1] === 'yml')) blocks.push(m[2] ?? '');
  }
  return blocks;
}

/** Reads the `permissions:` blocks of a Workflow permissions section; problems are collected, not thrown. */
function workflowPermissions(
  body: string,
  where: string,
): { blocks: Array<Record<string, string>>; problems: string[] } {
  const problems: string[] = [];
  const blocks: Array<Record<string, string>> = [];
  for (const text of codeBlocks(body, 'yaml')) {
    let doc: unknown;
    try {
      doc = parse(text);
    } catch (e) {
      problems.push(
        `${where}: a yaml block does not parse: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`,
      );
      continue;
    }
    const perms =
      typeof doc === 'object' && doc !== null ? (doc as Record<string, unknown>).permissions : undefined;
    if (typeof perms !== 'object' || perms === null || Array.isArray(perms)) {
      if (perms !== undefined)
        problems.push(`${where}: \`permissions:\` must list scopes, not \`${String(perms)}\``);
      continue;
    }
    const block: Record<string, string> = {};
    for (const [scope, level] of Object.entries(perms)) {
      if (!WORKFLOW_SCOPES.has(scope)) problems.push(`${where}: unknown permission scope \`${scope}\``);
      if (level !== 'read' && level !== 'write' && level !== 'none') {
        problems.push(`${where}: \`${scope}: ${String(level)}\` is not read, write or none`);
      }
      block[scope] = String(level);
    }
    blocks.push(block);
  }
  if (blocks.length === 0) problems.push(`${where}: no yaml code block with a \`permissions:\` map`);
  return { blocks, problems };
}

function asList(value: unknown): unknown[] {
  return Array.isArray(value) ? value : value === undefined ? [] : [value];
}

/** Problems of one IAM policy document given as JSON text. */
function policyProblems(text: string, where: string): string[] {
  let policy: unknown;
  try {
    policy = JSON.parse(text);
  } catch (e) {
    return [`${where}: the JSON does not parse: ${e instanceof Error ? e.message : String(e)}`];
  }
  if (typeof policy !== 'object' || policy === null) return [`${where}: the policy is not a JSON object`];
  const { Version, Statement } = policy as Record<string, unknown>;
  const problems: string[] = [];
  if (Version !== '2012-10-17')
    problems.push(`${where}: "Version" is ${JSON.stringify(Version)}, not "2012-10-17"`);
  const statements = asList(Statement);
  if (statements.length === 0) problems.push(`${where}: no "Statement"`);
  statements.forEach((raw, i) => {
    const at = `${where} Statement[${i}]`;
    if (typeof raw !== 'object' || raw === null) {
      problems.push(`${at}: not an object`);
      return;
    }
    const s = raw as Record<string, unknown>;
    if (s.Effect !== 'Allow' && s.Effect !== 'Deny') problems.push(`${at}: "Effect" must be Allow or Deny`);
    if ('NotAction' in s || 'NotResource' in s)
      problems.push(`${at}: NotAction/NotResource grant by exclusion`);
    const actions = asList(s.Action).map(String);
    const resources = asList(s.Resource).map(String);
    if (actions.length === 0) problems.push(`${at}: no "Action"`);
    if (resources.length === 0) problems.push(`${at}: no "Resource"`);
    for (const action of actions) {
      if (action === '*' || /^[a-z0-9-]+:\*$/.test(action))
        problems.push(`${at}: "Action": "${action}" grants a whole service`);
    }
    if (s.Effect === 'Allow' && resources.includes('*')) {
      const condition = JSON.stringify(s.Condition ?? {});
      const wide = actions.filter(
        (a) =>
          !STAR_ONLY.some((re) => re.test(a)) &&
          !(STAR_WITH_CLUSTER_CONDITION.test(a) && condition.includes('ecs:cluster')),
      );
      if (wide.length > 0)
        problems.push(`${at}: "Resource": "*" for ${wide.join(', ')}, which accept a narrower resource`);
    }
  });
  return problems;
}

/** Every Allow-ed action of the policies in a piece of markdown. */
function allowedActions(markdown: string): string[] {
  return codeBlocks(markdown, 'json').flatMap((text) => {
    try {
      const policy = JSON.parse(text) as { Statement?: unknown };
      return asList(policy.Statement).flatMap((s) =>
        typeof s === 'object' && s !== null && (s as Record<string, unknown>).Effect === 'Allow'
          ? asList((s as Record<string, unknown>).Action).map(String)
          : [],
      );
    } catch {
      return [];
    }
  });
}

const docPath = (name: string) => join(REPO_ROOT, 'docs', 'permissions', `${name}.md`);
const readDoc = (name: string) => readFileSync(docPath(name), 'utf8');

/** Problems of docs/permissions/<name>.md against what the action is expected to document. */
function docProblems(expected: Expectation, markdown: string): string[] {
  const where = `docs/permissions/${expected.name}.md`;
  const permissions = section(markdown, 2, 'Permissions');
  if (permissions === undefined) return [`${where}: no "## Permissions" section`];
  const problems: string[] = [];
  const workflow = section(permissions, 3, 'Workflow permissions');
  if (workflow === undefined) {
    problems.push(`${where}: no "### Workflow permissions" subsection under "## Permissions"`);
  } else {
    const { blocks, problems: p } = workflowPermissions(workflow, `${where} "### Workflow permissions"`);
    problems.push(...p);
    const first = blocks[0] ?? {};
    for (const [scope, level] of Object.entries(expected.workflow)) {
      if (first[scope] !== level)
        problems.push(`${where}: the first permissions block must have \`${scope}: ${level}\``);
    }
  }
  const iam = section(permissions, 3, 'IAM');
  if (expected.aws) {
    if (iam === undefined) problems.push(`${where}: no "### IAM" subsection (an AWS action)`);
    else {
      const policies = codeBlocks(iam, 'json');
      if (policies.length === 0) problems.push(`${where} "### IAM": no json policy block`);
      policies.forEach((text, i) =>
        problems.push(...policyProblems(text, `${where} "### IAM" policy ${i + 1}`)),
      );
      const allowed = new Set(allowedActions(iam));
      for (const action of expected.iamActions) {
        if (!allowed.has(action)) problems.push(`${where} "### IAM": no policy allows ${action}`);
      }
    }
  } else if (iam !== undefined && codeBlocks(iam, 'json').length > 0) {
    problems.push(`${where} "### IAM": this action makes no AWS call, yet a policy is given`);
  }
  const gcp = section(permissions, 3, 'Google Cloud roles');
  if (expected.gcp) {
    if (gcp === undefined)
      problems.push(`${where}: no "### Google Cloud roles" subsection (a Google Cloud action)`);
    else {
      for (const role of expected.gcpRoles) {
        if (!gcp.includes(`\`${role}\``))
          problems.push(`${where} "### Google Cloud roles": \`${role}\` is not named`);
      }
    }
  }
  return problems;
}

/** Problems of actions/<name>/README.md's Permissions section. */
function readmeProblems(
  name: string,
  markdown: string,
  docBlocks: Array<Record<string, string>> | undefined,
): string[] {
  const where = `actions/${name}/README.md`;
  const permissions = section(markdown, 2, 'Permissions');
  if (permissions === undefined) {
    return [
      `${where}: no "## Permissions" section (add one with "### Workflow permissions" and "### IAM" / "### Google Cloud roles", or a link to docs/permissions/${name}.md)`,
    ];
  }
  const problems: string[] = [];
  const workflow = section(permissions, 3, 'Workflow permissions');
  if (workflow === undefined) {
    problems.push(`${where}: no "### Workflow permissions" subsection under "## Permissions"`);
  } else {
    const { blocks, problems: p } = workflowPermissions(workflow, `${where} "### Workflow permissions"`);
    problems.push(...p);
    if (docBlocks && blocks.length > 0) {
      const same = (a: Record<string, string>, b: Record<string, string>) =>
        JSON.stringify(Object.entries(a).sort()) === JSON.stringify(Object.entries(b).sort());
      if (!blocks.some((b) => docBlocks.some((d) => same(b, d)))) {
        problems.push(
          `${where}: the workflow permissions ${JSON.stringify(blocks[0])} match no block of docs/permissions/${name}.md`,
        );
      }
    }
  }
  const hasCloud =
    section(permissions, 3, 'IAM') !== undefined ||
    section(permissions, 3, 'Google Cloud roles') !== undefined;
  const links = new RegExp(`\\]\\([./]*docs/permissions/${name}\\.md(#[^)]*)?\\)`).test(permissions);
  if (!hasCloud && !links) {
    problems.push(
      `${where}: "## Permissions" has no "### IAM" or "### Google Cloud roles" subsection and no link to docs/permissions/${name}.md`,
    );
  }
  if (!existsSync(docPath(name)))
    problems.push(`docs/permissions/${name}.md is missing (every action documents its permissions)`);
  return problems;
}

const readmes = existsSync(join(REPO_ROOT, 'actions'))
  ? readdirSync(join(REPO_ROOT, 'actions'), { withFileTypes: true })
      .filter((d) => d.isDirectory() && existsSync(join(REPO_ROOT, 'actions', d.name, 'README.md')))
      .map((d) => d.name)
      .sort()
  : [];

describe('docs/permissions documents every planned action', () => {
  it.each(PLANNED.map((e) => [e.name, e] as const))('%s', (_name, expected) => {
    expect(
      existsSync(docPath(expected.name))
        ? docProblems(expected, readDoc(expected.name))
        : [`${docPath(expected.name)} is missing`],
    ).toEqual([]);
  });

  it('has no document for an action that is not planned', () => {
    const docs = readdirSync(join(REPO_ROOT, 'docs', 'permissions')).filter((f) => f.endsWith('.md'));
    const names = new Set(PLANNED.map((e) => `${e.name}.md`));
    expect(docs.filter((f) => !names.has(f))).toEqual([]);
  });
});

describe('every action README has a Permissions section', () => {
  it('finds at least one action README (the check must not pass on an empty catalogue)', () => {
    if (readmes.length === 0) {
      throw new Error(
        'no actions/<name>/README.md exists: there is nothing to check the Permissions sections of',
      );
    }
    expect(readmes.length).toBeGreaterThan(0);
  });

  if (readmes.length > 0) {
    it.each(readmes)('actions/%s/README.md', (name) => {
      const markdown = readFileSync(join(REPO_ROOT, 'actions', name, 'README.md'), 'utf8');
      const docBlocks = existsSync(docPath(name))
        ? workflowPermissions(
            section(section(readDoc(name), 2, 'Permissions') ?? '', 3, 'Workflow permissions') ?? '',
            '',
          ).blocks
        : undefined;
      expect(readmeProblems(name, markdown, docBlocks)).toEqual([]);
    });
  }
});

// Negative and positive controls: the checks above really see what they claim to.
const GOOD_README = `# demo

## Usage

text

## Permissions

### Workflow permissions

\`\`\`yaml
permissions:
  contents: read
  id-token: write
\`\`\`

### IAM

See [the policy](../../docs/permissions/demo.md).

## Inputs
`;

describe('the README check', () => {
  const docBlocks = [{ contents: 'read', 'id-token': 'write' }];

  it('accepts a complete section', () => {
    expect(readmeProblems('demo', GOOD_README, docBlocks).filter((p) => !p.startsWith('docs/'))).toEqual([]);
  });

  it('accepts a link to the permissions document instead of the cloud subsections', () => {
    const linked = GOOD_README.replace('### IAM\n', '');
    expect(linked).not.toContain('### IAM');
    expect(readmeProblems('demo', linked, docBlocks).filter((p) => !p.startsWith('docs/'))).toEqual([]);
  });

  it.each([
    [
      'no Permissions section',
      GOOD_README.replace('## Permissions', '## Access'),
      'no "## Permissions" section',
    ],
    [
      'no Workflow permissions subsection',
      GOOD_README.replace('### Workflow permissions', '### Token'),
      'no "### Workflow permissions" subsection',
    ],
    [
      'no yaml block',
      GOOD_README.replace('```yaml', '```text'),
      'no yaml code block with a `permissions:` map',
    ],
    [
      'an unknown scope',
      GOOD_README.replace('id-token: write', 'id_token: write'),
      'unknown permission scope `id_token`',
    ],
    [
      'a bad level',
      GOOD_README.replace('contents: read', 'contents: admin'),
      '`contents: admin` is not read, write or none',
    ],
    [
      'permissions that differ from the document',
      GOOD_README.replace('contents: read', 'contents: write'),
      'match no block of docs/permissions/demo.md',
    ],
    [
      'neither a cloud subsection nor a link',
      GOOD_README.replace('### IAM\n\nSee [the policy](../../docs/permissions/demo.md).', 'Nothing here.'),
      'no "### IAM" or "### Google Cloud roles" subsection and no link',
    ],
    [
      'the section under the wrong heading level',
      GOOD_README.replace('## Permissions', '### Permissions'),
      'no "## Permissions" section',
    ],
  ])('reports %s', (_what, markdown, expected) => {
    const problems = readmeProblems('demo', markdown, docBlocks);
    expect(problems.some((p) => p.startsWith('actions/demo/README.md') && p.includes(expected))).toBe(true);
  });

  it('does not read headings inside code fences', () => {
    const fenced = '# x\n\n```md\n## Permissions\n```\n';
    expect(section(fenced, 2, 'Permissions')).toBeUndefined();
  });
});

const policy = (statement: object) => JSON.stringify({ Version: '2012-10-17', Statement: [statement] });

describe('the IAM policy check', () => {
  it.each([
    [
      'a scoped statement',
      { Effect: 'Allow', Action: 'eks:DescribeCluster', Resource: 'arn:aws:eks:us-east-1:1:cluster/a' },
    ],
    ['GetAuthorizationToken on *', { Effect: 'Allow', Action: 'ecr:GetAuthorizationToken', Resource: '*' }],
    [
      'ELBv2 Describe* on *',
      { Effect: 'Allow', Action: ['elasticloadbalancing:DescribeRules'], Resource: ['*'] },
    ],
    [
      'ListTasks on * with the cluster condition',
      {
        Effect: 'Allow',
        Action: 'ecs:ListTasks',
        Resource: '*',
        Condition: { ArnEquals: { 'ecs:cluster': 'arn:x' } },
      },
    ],
  ])('accepts %s', (_what, statement) => {
    expect(policyProblems(policy(statement), 'p')).toEqual([]);
  });

  it.each([
    ['JSON that does not parse', '{"Version": "2012-10-17",', 'does not parse'],
    [
      'an old version',
      JSON.stringify({
        Version: '2008-10-17',
        Statement: [{ Effect: 'Allow', Action: 'eks:DescribeCluster', Resource: 'arn:a' }],
      }),
      'not "2012-10-17"',
    ],
    ['no statement', JSON.stringify({ Version: '2012-10-17' }), 'no "Statement"'],
    ['Action *', policy({ Effect: 'Allow', Action: '*', Resource: 'arn:a' }), 'grants a whole service'],
    [
      'a service wildcard',
      policy({ Effect: 'Allow', Action: 'ecs:*', Resource: 'arn:a' }),
      'grants a whole service',
    ],
    [
      'Resource * for a scopable action',
      policy({ Effect: 'Allow', Action: 'ecs:UpdateService', Resource: '*' }),
      'ecs:UpdateService',
    ],
    ['PassRole on *', policy({ Effect: 'Allow', Action: 'iam:PassRole', Resource: '*' }), 'iam:PassRole'],
    [
      'ListTasks on * without condition',
      policy({ Effect: 'Allow', Action: 'ecs:ListTasks', Resource: '*' }),
      'ecs:ListTasks',
    ],
    ['NotAction', policy({ Effect: 'Allow', NotAction: 'iam:*', Resource: 'arn:a' }), 'NotAction'],
  ])('rejects %s', (_what, text, expected) => {
    const problems = policyProblems(text, 'p');
    expect(problems.some((p) => p.includes(expected))).toBe(true);
  });
});

describe('the permissions document check', () => {
  const expected = PLANNED.find((e) => e.name === 'deploy-ecs') as Expectation;

  it('reports a missing subsection, a missing action and an over-wide resource', () => {
    const markdown = readDoc('deploy-ecs');
    const withoutGcp = docProblems({ ...expected, gcp: true, gcpRoles: ['roles/run.admin'] }, markdown);
    expect(withoutGcp).toContain(
      'docs/permissions/deploy-ecs.md: no "### Google Cloud roles" subsection (a Google Cloud action)',
    );
    const dropped = markdown.replace('"ecs:DescribeTasks"', '"ecs:DescribeTask"');
    expect(docProblems(expected, dropped)).toContain(
      'docs/permissions/deploy-ecs.md "### IAM": no policy allows ecs:DescribeTasks',
    );
    const wide = markdown.replace(
      '"arn:aws:ecs:us-east-1:123456789012:service/production/orders-api"',
      '"*"',
    );
    expect(docProblems(expected, wide).some((p) => p.includes('ecs:DescribeServices'))).toBe(true);
  });

  it('finds iam:PassRole scoped to the task roles and passed to ECS tasks only', () => {
    const passRole = codeBlocks(section(readDoc('deploy-ecs'), 3, 'IAM') ?? '', 'json')
      .flatMap(
        (t) => asList((JSON.parse(t) as { Statement?: unknown }).Statement) as Array<Record<string, unknown>>,
      )
      .filter((s) => asList(s.Action).includes('iam:PassRole'));
    expect(passRole.length).toBeGreaterThan(0);
    for (const s of passRole) {
      expect(asList(s.Resource).every((r) => /^arn:aws:iam::\d{12}:role\/[\w+=,.@-]+$/.test(String(r)))).toBe(
        true,
      );
      expect(JSON.stringify(s.Condition)).toMatch(/"iam:PassedToService":"ecs(-tasks)?\.amazonaws\.com"/);
    }
    expect(passRole.some((s) => JSON.stringify(s.Condition).includes('ecs-tasks.amazonaws.com'))).toBe(true);
  });
});
