// scripts/release.mjs: the pure parts in tables (versions, the release rules, commit grouping, notes, CHANGELOG),
// then the procedure end to end in a scratch git repository with a few commits and tags: dry run, the
// workflow's --tag mode with its step outputs, the CHANGELOG mode, the dist check wiring, and the refusals.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { REPO_ROOT } from '../harness/action-manifest.js';

interface Version {
  major: number;
  minor: number;
  patch: number;
  tag: string;
}
interface RawCommit {
  hash: string;
  subject: string;
  body: string;
}
interface ChangeEntry {
  hash: string;
  type: string;
  scope: string | undefined;
  description: string;
  breaking: boolean;
  breakingNote: string | undefined;
}
interface CommitGroups {
  breaking: ChangeEntry[];
  feat: ChangeEntry[];
  fix: ChangeEntry[];
  perf: ChangeEntry[];
  docs: ChangeEntry[];
  other: ChangeEntry[];
}
// A plain-JS script has no types; this interface states the contract the tests rely on.
interface ReleaseModule {
  parseVersion(tag: string): Version;
  compareVersions(a: Version, b: Version): number;
  nextMajorTag(version: Version | string): string;
  releaseTags(tags: readonly string[]): Version[];
  validateRelease(input: { tag: string; packageVersion: string; tags: readonly string[] }): {
    version: Version;
    previousTag: string | undefined;
  };
  parseCommit(commit: RawCommit): ChangeEntry;
  groupCommits(commits: readonly RawCommit[]): CommitGroups;
  renderNotes(input: {
    tag: string;
    previousTag?: string;
    groups: CommitGroups;
    repository?: string;
  }): string;
  renderChangelogSection(input: { version?: string; date?: string; groups: CommitGroups }): string;
  insertChangelogSection(changelog: string, section: string): string;
  runRelease(
    argv: string[],
    io?: { cwd?: string; env?: NodeJS.ProcessEnv; log?: (line: string) => void },
  ): void;
}

const SCRIPT = join(REPO_ROOT, 'scripts', 'release.mjs');
const release = (await import(pathToFileURL(SCRIPT).href)) as ReleaseModule;

const commit = (
  subject: string,
  body = '',
  hash = 'abcdef1234567890abcdef1234567890abcdef12',
): RawCommit => ({
  hash,
  subject,
  body,
});

describe('parseVersion', () => {
  it.each([
    ['v1.0.0', 1, 0, 0],
    ['v0.1.0', 0, 1, 0],
    ['v12.34.56', 12, 34, 56],
    [' v2.3.4 ', 2, 3, 4],
  ])('reads %s', (tag, major, minor, patch) => {
    expect(release.parseVersion(tag)).toEqual({ major, minor, patch, tag: `v${major}.${minor}.${patch}` });
  });

  it.each(['1.0.0', 'v1', 'v1.2', 'v1.2.3-rc.1', 'v1.2.3+build', 'v01.2.3', 'v1.2.3.4', 'V1.2.3', ''])(
    'refuses %p',
    (tag) => {
      expect(() => release.parseVersion(tag)).toThrow(/not a release version: expected vMAJOR\.MINOR\.PATCH/);
    },
  );
});

describe('compareVersions and nextMajorTag', () => {
  it.each([
    ['v1.2.3', 'v1.2.3', 0],
    ['v1.2.3', 'v1.2.4', -1],
    ['v1.10.0', 'v1.9.9', 1],
    ['v2.0.0', 'v1.99.99', 1],
    ['v0.9.0', 'v1.0.0', -1],
  ])('%s vs %s → sign %i', (a, b, sign) => {
    expect(Math.sign(release.compareVersions(release.parseVersion(a), release.parseVersion(b)))).toBe(sign);
  });

  it.each([
    ['v1.4.2', 'v1'],
    ['v0.1.0', 'v0'],
    ['v10.0.0', 'v10'],
  ])('the major tag of %s is %s', (tag, major) => {
    expect(release.nextMajorTag(tag)).toBe(major);
    expect(release.nextMajorTag(release.parseVersion(tag))).toBe(major);
  });

  it('lists release tags highest first and ignores the rest', () => {
    const tags = ['v1.2.0', 'v1', 'v1.10.0', 'nightly', 'v1.9.1', 'v2.0.0-rc.1', 'v0.3.0'];
    expect(release.releaseTags(tags).map((v) => v.tag)).toEqual(['v1.10.0', 'v1.9.1', 'v1.2.0', 'v0.3.0']);
  });
});

describe('validateRelease', () => {
  it.each([
    ['a first release', 'v0.1.0', '0.1.0', [], undefined],
    ['the next minor', 'v1.3.0', '1.3.0', ['v1.2.0', 'v1.2.1', 'v1'], 'v1.2.1'],
    ['a new major', 'v2.0.0', '2.0.0', ['v1.9.0', 'v1'], 'v1.9.0'],
    ['a patch of an older major line', 'v1.4.1', '1.4.1', ['v1.4.0', 'v2.0.0', 'v2.1.0'], 'v1.4.0'],
  ])('accepts %s', (_what, tag, packageVersion, tags, previousTag) => {
    expect(release.validateRelease({ tag, packageVersion, tags }).previousTag).toBe(previousTag);
  });

  it.each([
    [
      'a version package.json does not have',
      'v1.3.0',
      '1.2.0',
      ['v1.2.0'],
      /package\.json has version 1\.2\.0; set it to 1\.3\.0/,
    ],
    ['a version already tagged', 'v1.2.0', '1.2.0', ['v1.2.0'], /v1\.2\.0 is already tagged/],
    ['a version lower than its line', 'v1.1.0', '1.1.0', ['v1.2.0'], /must be greater than v1\.2\.0/],
    ['a new major lower than the latest', 'v1.0.0', '1.0.0', ['v2.0.0'], /must be greater than v2\.0\.0/],
    ['a malformed tag', 'v1.2', '1.2.0', [], /not a release version/],
  ])('refuses %s', (_what, tag, packageVersion, tags, message) => {
    expect(() => release.validateRelease({ tag, packageVersion, tags })).toThrow(message);
  });

  it('reports every broken rule at once', () => {
    expect(() =>
      release.validateRelease({ tag: 'v1.0.0', packageVersion: '0.9.0', tags: ['v1.0.0'] }),
    ).toThrow(
      /package\.json has version 0\.9\.0.*; v1\.0\.0 is already tagged; v1\.0\.0 must be greater than v1\.0\.0/,
    );
  });
});

describe('parseCommit', () => {
  it.each([
    ['feat: add canary steps', '', 'feat', undefined, 'add canary steps', false, undefined],
    [
      'fix(deploy-ecs): wait for the new deployment',
      '',
      'fix',
      'deploy-ecs',
      'wait for the new deployment',
      false,
      undefined,
    ],
    ['Feat(Build-Push): ARM images', '', 'feat', 'Build-Push', 'ARM images', false, undefined],
    ['feat!: drop Node 20', '', 'feat', undefined, 'drop Node 20', true, undefined],
    [
      'refactor(core)!: rename the retry options',
      '',
      'refactor',
      'core',
      'rename the retry options',
      true,
      undefined,
    ],
    [
      'feat(estimate-cost): new output format',
      'Longer text.\n\nBREAKING CHANGE: `report-path` now holds\nJSON lines.',
      'feat',
      'estimate-cost',
      'new output format',
      true,
      '`report-path` now holds JSON lines.',
    ],
    [
      'fix: x',
      'BREAKING-CHANGE: the hyphenated footer',
      'fix',
      undefined,
      'x',
      true,
      'the hyphenated footer',
    ],
    [
      'fix: y',
      'BREAKING CHANGE: first line\ncontinued\n\nMore prose.',
      'fix',
      undefined,
      'y',
      true,
      'first line continued',
    ],
    ['fix: z', 'BREAKING CHANGE: gone\nRefs: #12', 'fix', undefined, 'z', true, 'gone'],
    ['Update README', '', 'other', undefined, 'Update README', false, undefined],
    ['Merge branch main: sync', '', 'other', undefined, 'Merge branch main: sync', false, undefined],
    ['chore(deps): bump yaml', '', 'chore', 'deps', 'bump yaml', false, undefined],
  ])('%s', (subject, body, type, scope, description, breaking, breakingNote) => {
    expect(release.parseCommit(commit(subject, body))).toEqual({
      hash: 'abcdef1234567890abcdef1234567890abcdef12',
      type,
      scope,
      description,
      breaking,
      breakingNote,
    });
  });
});

describe('groupCommits', () => {
  const commits = [
    commit('feat(traffic-split): gate on alarms', '', 'a1'.padEnd(40, '0')),
    commit('fix: mask the token', '', 'b2'.padEnd(40, '0')),
    commit('feat!: require Node 24', '', 'c3'.padEnd(40, '0')),
    commit('perf(pricing): index the catalog', '', 'd4'.padEnd(40, '0')),
    commit('docs: permissions per action', '', 'e5'.padEnd(40, '0')),
    commit('ci: pin actions', '', 'f6'.padEnd(40, '0')),
    commit('Initial import', '', '07'.padEnd(40, '0')),
    commit(
      'fix(deploy-ecs): change the default timeout',
      'BREAKING CHANGE: timeout is now 10m',
      '18'.padEnd(40, '0'),
    ),
    commit('feat: second feature', '', '29'.padEnd(40, '0')),
  ];

  it.each([
    ['breaking', ['c3', '18']],
    ['feat', ['a1', '29']],
    ['fix', ['b2']],
    ['perf', ['d4']],
    ['docs', ['e5']],
    ['other', ['f6', '07']],
  ] as const)('puts %s first-seen order: %j', (key, hashes) => {
    expect(release.groupCommits(commits)[key].map((e) => e.hash.slice(0, 2))).toEqual(hashes);
  });

  it('lists a breaking change once, under breaking changes only', () => {
    const groups = release.groupCommits(commits);
    const all = Object.values(groups).flat();
    expect(all).toHaveLength(commits.length);
    expect(groups.fix.map((e) => e.description)).not.toContain('change the default timeout');
  });

  it('is empty for no commits', () => {
    expect(release.groupCommits([])).toEqual({
      breaking: [],
      feat: [],
      fix: [],
      perf: [],
      docs: [],
      other: [],
    });
  });
});

describe('renderNotes and renderChangelogSection', () => {
  const groups = release.groupCommits([
    commit('fix(deploy-ecs): retry throttling', '', '1111111aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa'),
    commit(
      'feat!: rename input `cluster-name` to `cluster`',
      'BREAKING CHANGE: rename it in your workflows',
      '2222222bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb',
    ),
    commit('feat(estimate-cost): Mermaid chart', '', '3333333ccccccccccccccccccccccccccccccccc'),
  ]);

  it('puts breaking changes first, then features, then fixes, with scopes and short hashes', () => {
    const notes = release.renderNotes({
      tag: 'v2.0.0',
      previousTag: 'v1.4.0',
      groups,
      repository: 'octo/slipway',
    });
    const order = ['## ⚠️ Breaking changes', '## Features', '## Bug fixes', '## Using this release'].map(
      (h) => notes.indexOf(h),
    );
    expect(order.every((i) => i >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    expect(notes).toContain(
      '- rename input `cluster-name` to `cluster` — rename it in your workflows (2222222)',
    );
    expect(notes).toContain('- **estimate-cost:** Mermaid chart (3333333)');
    expect(notes).toContain('- **deploy-ecs:** retry throttling (1111111)');
    expect(notes).not.toContain('## Performance');
    expect(notes).toContain('`uses: octo/slipway/actions/<name>@v2`');
    expect(notes).toContain('# v2.0.0');
    expect(notes).toContain('https://github.com/octo/slipway/compare/v1.4.0...v2.0.0');
  });

  it('says so when nothing changed, and leaves the compare link out without a repository', () => {
    const empty = release.groupCommits([]);
    const notes = release.renderNotes({ tag: 'v1.0.1', previousTag: 'v1.0.0', groups: empty });
    expect(notes).toContain('No changes since v1.0.0.');
    expect(notes).not.toContain('compare');
    expect(release.renderNotes({ tag: 'v0.1.0', groups: empty })).toContain('First release.');
  });

  it.each([
    [{ version: 'v2.0.0', date: '2026-05-02' }, '## [2.0.0] - 2026-05-02'],
    [{}, '## [Unreleased]'],
  ])('renders a Keep a Changelog section %j', (input, heading) => {
    const section = release.renderChangelogSection({ ...input, groups });
    expect(section.split('\n')[0]).toBe(heading);
    const order = ['### Breaking changes', '### Added', '### Fixed'].map((h) => section.indexOf(h));
    expect(order.every((i) => i > 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    expect(section).not.toContain('### Other');
  });
});

describe('insertChangelogSection', () => {
  const changelog = [
    '# Changelog',
    '',
    'Intro.',
    '',
    '## [Unreleased]',
    '',
    '### Added',
    '',
    '- old pending line',
    '',
    '## [1.0.0] - 2026-01-01',
    '',
    '### Added',
    '',
    '- first',
    '',
  ].join('\n');

  it('replaces the Unreleased section', () => {
    const out = release.insertChangelogSection(changelog, '## [Unreleased]\n\n### Fixed\n\n- new line\n');
    expect(out).toContain('## [Unreleased]\n\n### Fixed\n\n- new line\n\n## [1.0.0] - 2026-01-01');
    expect(out).not.toContain('old pending line');
    expect(out.startsWith('# Changelog\n\nIntro.\n\n')).toBe(true);
  });

  it('puts a version section under an emptied Unreleased heading', () => {
    const out = release.insertChangelogSection(
      changelog,
      '## [1.1.0] - 2026-02-01\n\n### Fixed\n\n- a fix\n',
    );
    expect(out).toContain('## [Unreleased]\n\n## [1.1.0] - 2026-02-01\n\n### Fixed\n\n- a fix\n\n## [1.0.0]');
    expect(out).not.toContain('old pending line');
  });

  it.each([
    [
      'a version that already has a section',
      changelog,
      '## [1.0.0] - 2026-03-01\n',
      /already has a section for 1\.0\.0/,
    ],
    [
      'a CHANGELOG without Unreleased',
      '# Changelog\n',
      '## [Unreleased]\n',
      /no `## \[Unreleased\]` heading/,
    ],
  ])('refuses %s', (_what, text, section, message) => {
    expect(() => release.insertChangelogSection(text, section)).toThrow(message);
  });

  it('keeps the repository CHANGELOG in the shape the script edits', () => {
    const text = readFileSync(join(REPO_ROOT, 'CHANGELOG.md'), 'utf8');
    expect(text).toMatch(/^## \[Unreleased\]$/m);
    const out = release.insertChangelogSection(text, '## [Unreleased]\n\n### Fixed\n\n- probe\n');
    expect(out).toContain('- probe');
  });
});

// ---------------------------------------------------------------------------------------------------------------
// The procedure in a scratch repository.

const GIT_ENV = {
  GIT_AUTHOR_NAME: 'Test',
  GIT_AUTHOR_EMAIL: 'test@example.com',
  GIT_COMMITTER_NAME: 'Test',
  GIT_COMMITTER_EMAIL: 'test@example.com',
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_CONFIG_GLOBAL: '/dev/null',
};

function git(cwd: string, ...args: string[]): string {
  const r = spawnSync('git', ['-c', 'commit.gpgsign=false', '-c', 'tag.gpgsign=false', ...args], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, ...GIT_ENV },
  });
  if (r.status !== 0) throw new Error(`git ${args.join(' ')}: ${r.stderr}`);
  return r.stdout.trim();
}

function writePackage(dir: string, version: string, checkDist = 'node -e ""'): void {
  const pkg = { name: 'scratch', version, private: true, scripts: { 'check-dist': checkDist } };
  writeFileSync(join(dir, 'package.json'), `${JSON.stringify(pkg, null, 2)}\n`);
}

function commitFile(dir: string, file: string, message: string): void {
  writeFileSync(join(dir, file), `${message}\n`);
  git(dir, 'add', '-A');
  git(dir, 'commit', '-q', '-m', message);
}

/** Runs the procedure in-process; returns its log, or throws its error. */
function run(dir: string, argv: string[], env: NodeJS.ProcessEnv = {}): string {
  const lines: string[] = [];
  release.runRelease(argv, { cwd: dir, env, log: (line) => lines.push(line) });
  return lines.join('\n');
}

describe('the release procedure in a scratch repository', () => {
  let dir: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'slipway-release-'));
    git(dir, 'init', '-q', '-b', 'main');
    writePackage(dir, '1.2.0');
    writeFileSync(
      join(dir, 'CHANGELOG.md'),
      '# Changelog\n\n## [Unreleased]\n\n## [1.2.0] - 2026-01-01\n\n- old\n',
    );
    commitFile(dir, 'a.txt', 'feat: the first feature');
    git(dir, 'tag', 'v1.2.0');
    git(dir, 'tag', 'v1');
    commitFile(dir, 'b.txt', 'fix(deploy-ecs): wait for the right deployment');
    commitFile(dir, 'c.txt', 'feat(estimate-cost): comment modes');
    git(
      dir,
      'commit',
      '-q',
      '--allow-empty',
      '-m',
      'refactor!: rename an input',
      '-m',
      'BREAKING CHANGE: use `cluster`',
    );
    writePackage(dir, '1.3.0');
    commitFile(dir, 'd.txt', 'chore(release): v1.3.0');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('dry run: validates, reports the dist check, prints notes, CHANGELOG section and major tag, changes nothing', () => {
    const before = git(dir, 'tag', '--list');
    const log = run(dir, ['--dry-run', 'v1.3.0', '--date', '2026-02-03']);
    expect(log).toContain('✔ version: semver, equals package.json 1.3.0, after v1.2.0');
    expect(log).toContain('✔ dist: every actions/*/dist matches its source');
    expect(log).toContain('✔ notes: 4 commits since v1.2.0');
    expect(log).toMatch(/✔ major tag: v1 → [0-9a-f]{12} \(moves from [0-9a-f]{12}\)/);
    const notes = log.slice(log.indexOf('--- release notes ---'), log.indexOf('--- CHANGELOG section ---'));
    expect(notes).toContain('- rename an input — use `cluster`');
    expect(notes).toContain('- **estimate-cost:** comment modes');
    expect(notes).toContain('- **deploy-ecs:** wait for the right deployment');
    expect(notes).toContain('- **release:** v1.3.0');
    expect(notes).not.toContain('the first feature');
    expect(log).toContain('## [1.3.0] - 2026-02-03');
    expect(log.split('\n').at(-1)).toBe('v1');
    expect(git(dir, 'tag', '--list')).toBe(before);
    expect(git(dir, 'status', '--porcelain')).toBe('');
  });

  it('calls npm run check-dist and stops when it fails', () => {
    writePackage(dir, '1.3.0', 'node -e "process.exit(3)"');
    git(dir, 'commit', '-q', '-am', 'chore: break the dist check');
    expect(() => run(dir, ['--dry-run', 'v1.3.0'])).toThrow(/dist check failed/);
  });

  it('skips the dist check only when told, and says so', () => {
    writePackage(dir, '1.3.0', 'node -e "process.exit(3)"');
    git(dir, 'commit', '-q', '-am', 'chore: break the dist check');
    expect(run(dir, ['--dry-run', 'v1.3.0', '--skip-check-dist'])).toContain(
      '- dist: not verified (--skip-check-dist',
    );
  });

  it('--tag: runs on the checked-out tag, writes the notes and the step outputs', () => {
    git(dir, 'tag', 'v1.3.0');
    const outputs = join(dir, 'outputs.txt');
    const notesFile = join(dir, 'notes.md');
    writeFileSync(outputs, '');
    const log = run(dir, ['--tag', 'v1.3.0', '--skip-check-dist', '--notes-file', notesFile], {
      GITHUB_OUTPUT: outputs,
      GITHUB_REPOSITORY: 'octo/slipway',
    });
    expect(log).toContain(`✔ notes written to ${notesFile}`);
    expect(readFileSync(notesFile, 'utf8')).toContain(
      'https://github.com/octo/slipway/compare/v1.2.0...v1.3.0',
    );
    expect(readFileSync(outputs, 'utf8').split('\n').filter(Boolean)).toEqual([
      'version=v1.3.0',
      'major-tag=v1',
      'previous-tag=v1.2.0',
      `notes-file=${notesFile}`,
    ]);
  });

  it.each([
    ['a tag that does not exist', [], /tag v1\.3\.0 does not exist/],
    ['a tag that is not HEAD', ['tag-behind'], /tag v1\.3\.0 is [0-9a-f]{40}, but HEAD is [0-9a-f]{40}/],
  ])('--tag refuses %s', (_what, setup, message) => {
    if (setup.includes('tag-behind')) git(dir, 'tag', 'v1.3.0', 'HEAD~1');
    expect(() => run(dir, ['--tag', 'v1.3.0', '--skip-check-dist'])).toThrow(message);
  });

  it.each([
    ['a version package.json does not have', ['--dry-run', 'v1.4.0'], /package\.json has version 1\.3\.0/],
    ['a version not above the latest', ['--dry-run', 'v1.1.0'], /must be greater than v1\.2\.0/],
    ['an existing tag in a dry run', ['--dry-run', 'v1.2.0'], /already tagged/],
    ['no mode', ['v1.3.0'], /unknown argument/],
    ['a mode without version', ['--dry-run'], /needs a version/],
    ['two modes', ['--dry-run', 'v1.3.0', '--tag', 'v1.3.0'], /choose one/],
    ['a bad date', ['--dry-run', 'v1.3.0', '--date', '3 Feb'], /not YYYY-MM-DD/],
  ])('refuses %s', (_what, argv, message) => {
    expect(() => run(dir, [...argv, '--skip-check-dist'])).toThrow(message);
  });

  it('--changelog: rewrites Unreleased from the commits since the latest tag', () => {
    run(dir, ['--changelog']);
    const text = readFileSync(join(dir, 'CHANGELOG.md'), 'utf8');
    expect(text).toContain('## [Unreleased]\n\n### Breaking changes\n\n- rename an input — use `cluster`');
    expect(text).toContain('### Added\n\n- **estimate-cost:** comment modes');
    expect(text).toContain('## [1.2.0] - 2026-01-01\n\n- old');
  });

  it('--changelog vX.Y.Z: writes the version section under an emptied Unreleased', () => {
    run(dir, ['--changelog']);
    run(dir, ['--changelog', 'v1.3.0', '--date', '2026-02-03']);
    const text = readFileSync(join(dir, 'CHANGELOG.md'), 'utf8');
    expect(text).toContain('## [Unreleased]\n\n## [1.3.0] - 2026-02-03\n\n### Breaking changes');
    expect(text.match(/rename an input/g)).toHaveLength(1);
  });

  it('runs as a command: exit 0 with the report, exit 1 with one line on error', () => {
    const ok = spawnSync(process.execPath, [SCRIPT, '--dry-run', 'v1.3.0', '--skip-check-dist'], {
      cwd: dir,
      encoding: 'utf8',
      env: { ...process.env, ...GIT_ENV, GITHUB_REPOSITORY: '' },
    });
    expect(ok.status).toBe(0);
    expect(ok.stdout).toContain('--- major tag ---\nv1');
    const bad = spawnSync(process.execPath, [SCRIPT, '--dry-run', 'v9.0.0', '--skip-check-dist'], {
      cwd: dir,
      encoding: 'utf8',
      env: { ...process.env, ...GIT_ENV },
    });
    expect(bad.status).toBe(1);
    expect(bad.stderr.trim().split('\n')).toEqual([
      'release: cannot release v9.0.0: package.json has version 1.3.0; set it to 9.0.0 in the release commit',
    ]);
    expect(existsSync(join(dir, 'notes.md'))).toBe(false);
  });
});
