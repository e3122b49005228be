#!/usr/bin/env node
// The release procedure, shared by a maintainer's machine and .github/workflows/release.yml, so what the
// workflow does can be rehearsed here first. Policy: docs/adr/0005-versioning.md.
//
//   node scripts/release.mjs --dry-run vX.Y.Z    validate, verify every dist, print notes, CHANGELOG section
//                                                and the major tag to move; changes nothing
//   node scripts/release.mjs --tag vX.Y.Z        the workflow's mode: the tag exists and is HEAD; same checks,
//                                                writes the notes to --notes-file and step outputs
//   node scripts/release.mjs --changelog [vX.Y.Z]
//                                                rewrites CHANGELOG.md: the Unreleased section from the commits
//                                                since the latest tag, or (with a version, in the release pull
//                                                request) that version's section with Unreleased emptied
// Options: --skip-check-dist (unit tests only: the integration test has no actions to build),
//          --notes-file FILE, --date YYYY-MM-DD (default: today, UTC).
//
// Only Node built-ins and git are used: the publishing job of the workflow runs no npm dependency.
import { execFileSync, spawnSync } from 'node:child_process';
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

/**
 * A release version.
 * @typedef {{ major: number, minor: number, patch: number, tag: string }} Version
 */

/**
 * One commit as read from git.
 * @typedef {{ hash: string, subject: string, body: string }} RawCommit
 */

/**
 * One line of the notes: a commit's description, with its scope and, for a breaking change, the note that says
 * what users must change.
 * @typedef {{ hash: string, type: string, scope: string | undefined, description: string, breaking: boolean,
 *   breakingNote: string | undefined }} ChangeEntry
 */

/**
 * Commits sorted into the sections of the notes, in the order they are shown.
 * @typedef {{ breaking: ChangeEntry[], feat: ChangeEntry[], fix: ChangeEntry[], perf: ChangeEntry[],
 *   docs: ChangeEntry[], other: ChangeEntry[] }} CommitGroups
 */

/**
 * The sections of release notes and of the CHANGELOG, in display order. Breaking changes come first because they
 * are the one thing a user moving between versions must read. The CHANGELOG uses Keep a Changelog's names where
 * one fits (Added, Fixed).
 * @type {ReadonlyArray<{ key: keyof CommitGroups, notes: string, changelog: string }>}
 */
export const SECTIONS = Object.freeze([
  { key: 'breaking', notes: '⚠️ Breaking changes', changelog: 'Breaking changes' },
  { key: 'feat', notes: 'Features', changelog: 'Added' },
  { key: 'fix', notes: 'Bug fixes', changelog: 'Fixed' },
  { key: 'perf', notes: 'Performance', changelog: 'Performance' },
  { key: 'docs', notes: 'Documentation', changelog: 'Documentation' },
  { key: 'other', notes: 'Other changes', changelog: 'Other' },
]);

const VERSION_TAG = /^v(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)$/;

/**
 * Parses a release tag `vMAJOR.MINOR.PATCH`. Pre-release and build suffixes are refused: the major tag (`v1`)
 * only ever points at a final release.
 * @param {string} tag
 * @returns {Version}
 */
export function parseVersion(tag) {
  const match = VERSION_TAG.exec(String(tag).trim());
  if (!match) {
    throw new Error(`\`${tag}\` is not a release version: expected vMAJOR.MINOR.PATCH, e.g. v1.4.0`);
  }
  const [major, minor, patch] = match.slice(1).map(Number);
  return { major, minor, patch, tag: `v${major}.${minor}.${patch}` };
}

/**
 * Orders two versions: negative when `a` is lower, zero when equal, positive when higher.
 * @param {Version} a
 * @param {Version} b
 * @returns {number}
 */
export function compareVersions(a, b) {
  return a.major - b.major || a.minor - b.minor || a.patch - b.patch;
}

/**
 * The major tag a release moves, as `actions/*`, `docker/*` and `aws-actions/*` do: `v1.4.2` → `v1`.
 * @param {Version | string} version
 * @returns {string}
 */
export function nextMajorTag(version) {
  const v = typeof version === 'string' ? parseVersion(version) : version;
  return `v${v.major}`;
}

/**
 * The release tags among `tags` (others such as `v1` or `nightly` are ignored), highest first.
 * @param {readonly string[]} tags
 * @returns {Version[]}
 */
export function releaseTags(tags) {
  return tags
    .filter((t) => VERSION_TAG.test(t))
    .map(parseVersion)
    .sort((a, b) => compareVersions(b, a));
}

/**
 * Checks a version against the repository and returns the tag the notes start from. Rules (ADR 0005):
 * the version equals package.json's `version` with a `v` prefix; it is not tagged yet (the caller leaves the
 * tag itself out in the workflow, where it exists); it is higher than every release of its major line, and,
 * when it opens a new major line, higher than every release (maintenance releases of an older line stay
 * possible). Every broken rule is reported in one error.
 * @param {{ tag: string, packageVersion: string, tags: readonly string[] }} input
 * @returns {{ version: Version, previousTag: string | undefined }}
 */
export function validateRelease({ tag, packageVersion, tags }) {
  const version = parseVersion(tag);
  const problems = [];
  if (packageVersion !== `${version.major}.${version.minor}.${version.patch}`) {
    problems.push(
      `package.json has version ${packageVersion}; set it to ${version.tag.slice(1)} in the release commit`,
    );
  }
  const existing = releaseTags(tags);
  if (existing.some((t) => compareVersions(t, version) === 0)) {
    problems.push(`${version.tag} is already tagged`);
  }
  const sameMajor = existing.filter((t) => t.major === version.major);
  const bar = sameMajor[0] ?? existing[0];
  if (bar && compareVersions(version, bar) <= 0) {
    problems.push(`${version.tag} must be greater than ${bar.tag}, the latest release it follows`);
  }
  if (problems.length > 0) throw new Error(`cannot release ${version.tag}: ${problems.join('; ')}`);
  const previous = existing.find((t) => compareVersions(t, version) < 0);
  return { version, previousTag: previous?.tag };
}

const CONVENTIONAL = /^(?<type>[a-zA-Z]+)(?:\((?<scope>[^()\r\n]*)\))?(?<bang>!)?:\s*(?<description>\S.*)$/;
const BREAKING_FOOTER = /^BREAKING[ -]CHANGE:[ \t]*/m;
// A footer's text ends at a blank line or where the next footer (`Refs: #12`, `Signed-off-by: …`) starts.
const FOOTER_END = /\n[ \t]*\n|\n[A-Za-z][\w-]*(?:: | #)/;
const KNOWN_TYPES = new Set(['feat', 'fix', 'perf', 'docs']);

/**
 * Reads one commit the Conventional Commits way, leniently: `type(scope)!: description`; a subject that does
 * not follow the form becomes an `other` change described by the whole subject. A change is breaking when
 * the subject has `!` or the body has a `BREAKING CHANGE:` (or `BREAKING-CHANGE:`) footer, whose text becomes
 * the note.
 * @param {RawCommit} commit
 * @returns {ChangeEntry}
 */
export function parseCommit({ hash, subject, body }) {
  const m = CONVENTIONAL.exec(subject.trim());
  const footer = BREAKING_FOOTER.exec(body ?? '');
  let breakingNote;
  if (footer) {
    const rest = (body ?? '').slice(footer.index + footer[0].length);
    const end = FOOTER_END.exec(rest);
    breakingNote = (end ? rest.slice(0, end.index) : rest).replace(/\s+/g, ' ').trim() || undefined;
  }
  const breaking = Boolean(m?.groups?.bang) || footer !== null;
  if (!m?.groups) {
    return { hash, type: 'other', scope: undefined, description: subject.trim(), breaking, breakingNote };
  }
  const type = m.groups.type.toLowerCase();
  const scope = m.groups.scope?.trim() || undefined;
  return { hash, type, scope, description: m.groups.description.trim(), breaking, breakingNote };
}

/**
 * Sorts commits into the notes' sections. A breaking change is listed once, under breaking changes, whatever
 * its type. Order within a section is the order given (git log: newest first).
 * @param {readonly RawCommit[]} commits
 * @returns {CommitGroups}
 */
export function groupCommits(commits) {
  /** @type {CommitGroups} */
  const groups = { breaking: [], feat: [], fix: [], perf: [], docs: [], other: [] };
  for (const commit of commits) {
    const entry = parseCommit(commit);
    if (entry.breaking) groups.breaking.push(entry);
    else if (KNOWN_TYPES.has(entry.type))
      groups[/** @type {'feat'|'fix'|'perf'|'docs'} */ (entry.type)].push(entry);
    else groups.other.push(entry);
  }
  return groups;
}

/**
 * Markdown list lines for one section.
 * @param {readonly ChangeEntry[]} entries
 */
function renderEntries(entries) {
  return entries.map((e) => {
    const prefix = e.scope ? `**${e.scope}:** ` : '';
    const note = e.breakingNote ? ` — ${e.breakingNote}` : '';
    return `- ${prefix}${e.description}${note} (${e.hash.slice(0, 7)})`;
  });
}

/**
 * Renders the body of the GitHub release.
 * @param {{ tag: string, previousTag?: string, groups: CommitGroups, repository?: string }} input
 *   `repository` as `owner/name`, for the compare link and the usage lines.
 * @returns {string}
 */
export function renderNotes({ tag, previousTag, groups, repository }) {
  const version = parseVersion(tag);
  const major = nextMajorTag(version);
  const owner = repository ?? 'OWNER/slipway';
  const lines = [];
  for (const section of SECTIONS) {
    const entries = groups[section.key];
    if (entries.length === 0) continue;
    lines.push(`## ${section.notes}`, '', ...renderEntries(entries), '');
  }
  if (lines.length === 0) {
    lines.push(previousTag ? `No changes since ${previousTag}.` : 'First release.', '');
  }
  lines.push(
    '## Using this release',
    '',
    `Follow the major version with \`uses: ${owner}/actions/<name>@${major}\`, or pin this exact release by its`,
    `commit SHA: \`uses: ${owner}/actions/<name>@<sha> # ${version.tag}\` (recommended; see docs/adr/0005-versioning.md).`,
    '',
  );
  if (previousTag && repository) {
    lines.push(
      `**Full changelog:** https://github.com/${repository}/compare/${previousTag}...${version.tag}`,
      '',
    );
  }
  return lines.join('\n');
}

/**
 * Renders one Keep a Changelog section: `## [1.4.0] - 2026-05-02`, or `## [Unreleased]` when no version is given.
 * @param {{ version?: string, date?: string, groups: CommitGroups }} input
 * @returns {string}
 */
export function renderChangelogSection({ version, date, groups }) {
  const heading = version
    ? `## [${parseVersion(version).tag.slice(1)}] - ${date ?? new Date().toISOString().slice(0, 10)}`
    : '## [Unreleased]';
  const lines = [heading, ''];
  for (const section of SECTIONS) {
    const entries = groups[section.key];
    if (entries.length === 0) continue;
    lines.push(`### ${section.changelog}`, '', ...renderEntries(entries), '');
  }
  return lines.join('\n');
}

const SECTION_HEADING = /^## /m;
const UNRELEASED_HEADING = /^## \[Unreleased\][^\n]*\n/m;

/**
 * Puts a rendered section into a CHANGELOG's text. An Unreleased section replaces the current one; a version's
 * section goes below an emptied Unreleased heading, where the changes it releases used to be. A version that
 * already has a section is refused rather than duplicated.
 * @param {string} changelog
 * @param {string} section output of {@link renderChangelogSection}
 * @returns {string}
 */
export function insertChangelogSection(changelog, section) {
  const unreleased = UNRELEASED_HEADING.exec(changelog);
  if (!unreleased) throw new Error('CHANGELOG.md has no `## [Unreleased]` heading');
  const versionHeading = /^## \[(\d+\.\d+\.\d+)\]/.exec(section);
  if (
    versionHeading &&
    new RegExp(`^## \\[${versionHeading[1].replace(/\./g, '\\.')}\\]`, 'm').test(changelog)
  ) {
    throw new Error(`CHANGELOG.md already has a section for ${versionHeading[1]}`);
  }
  const start = unreleased.index;
  const afterHeading = start + unreleased[0].length;
  const next = SECTION_HEADING.exec(changelog.slice(afterHeading));
  const end = next ? afterHeading + next.index : changelog.length;
  const replacement = versionHeading
    ? `## [Unreleased]\n\n${section.trimEnd()}\n\n`
    : `${section.trimEnd()}\n\n`;
  return `${changelog.slice(0, start)}${replacement}${changelog.slice(end)}`.replace(/\n{3,}/g, '\n\n');
}

// ---------------------------------------------------------------------------------------------------------------
// The impure part: git, npm, files, the command line.

/** @param {string} cwd @param {string[]} args */
function git(cwd, args) {
  return execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
}

/** @param {string} cwd @param {string} ref */
function resolveCommit(cwd, ref) {
  try {
    return git(cwd, ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`]);
  } catch {
    return undefined;
  }
}

/**
 * The commits in `range`, newest first, merges left out (their branches' commits are listed themselves).
 * @param {string} cwd
 * @param {string} range
 * @returns {RawCommit[]}
 */
function readCommits(cwd, range) {
  const out = git(cwd, ['log', '--no-merges', '--format=%H%x1f%s%x1f%b%x1e', range]);
  return out
    .split('\x1e')
    .map((record) => record.replace(/^\n+/, ''))
    .filter((record) => record.trim() !== '')
    .map((record) => {
      const [hash = '', subject = '', body = ''] = record.split('\x1f');
      return { hash, subject, body };
    });
}

/** @param {string[]} argv */
function parseArgs(argv) {
  /** @type {{ mode?: string, tag?: string, skipCheckDist: boolean, notesFile?: string, date?: string }} */
  const opts = { skipCheckDist: false };
  const takesValue = (flag, i) => {
    const value = argv[i + 1];
    if (value === undefined || value.startsWith('--')) throw new Error(`${flag} needs a value`);
    return value;
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--dry-run' || arg === '--tag' || arg === '--changelog') {
      if (opts.mode) throw new Error(`${arg}: choose one of --dry-run, --tag, --changelog`);
      opts.mode = arg.slice(2);
      const value = argv[i + 1];
      if (value !== undefined && !value.startsWith('--')) {
        opts.tag = value;
        i++;
      } else if (arg !== '--changelog') {
        throw new Error(`${arg} needs a version, e.g. ${arg} v1.4.0`);
      }
    } else if (arg === '--skip-check-dist') {
      opts.skipCheckDist = true;
    } else if (arg === '--notes-file') {
      opts.notesFile = takesValue(arg, i++);
    } else if (arg === '--date') {
      opts.date = takesValue(arg, i++);
      if (!/^\d{4}-\d{2}-\d{2}$/.test(opts.date))
        throw new Error(`--date: \`${opts.date}\` is not YYYY-MM-DD`);
    } else {
      throw new Error(
        `unknown argument \`${arg}\` (usage: --dry-run vX.Y.Z | --tag vX.Y.Z | --changelog [vX.Y.Z])`,
      );
    }
  }
  if (!opts.mode)
    throw new Error('usage: node scripts/release.mjs --dry-run vX.Y.Z | --tag vX.Y.Z | --changelog [vX.Y.Z]');
  return opts;
}

/** @param {string} root */
function checkDist(root) {
  const r = spawnSync('npm', ['run', '--silent', 'check-dist'], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0)
    throw new Error('dist check failed: a committed actions/*/dist differs from its source');
}

/** @param {string} file @param {Record<string, string>} outputs */
function writeStepOutputs(file, outputs) {
  appendFileSync(
    file,
    Object.entries(outputs)
      .map(([k, v]) => `${k}=${v}\n`)
      .join(''),
  );
}

/**
 * Runs the command line in `cwd` (any folder of the repository).
 * @param {string[]} argv
 * @param {{ cwd?: string, env?: NodeJS.ProcessEnv, log?: (line: string) => void }} [io]
 */
export function runRelease(argv, io = {}) {
  const env = io.env ?? process.env;
  const log = io.log ?? ((line) => console.log(line));
  const opts = parseArgs(argv);
  const root = git(io.cwd ?? process.cwd(), ['rev-parse', '--show-toplevel']);
  const packageVersion = String(JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).version);
  const allTags = git(root, ['tag', '--list', 'v*']).split('\n').filter(Boolean);
  const date = opts.date ?? new Date().toISOString().slice(0, 10);
  const repository = env.GITHUB_REPOSITORY || undefined;

  if (opts.mode === 'changelog' && !opts.tag) {
    const latest = releaseTags(allTags)[0];
    const groups = groupCommits(readCommits(root, latest ? `${latest.tag}..HEAD` : 'HEAD'));
    const section = renderChangelogSection({ groups });
    const file = join(root, 'CHANGELOG.md');
    writeFileSync(file, insertChangelogSection(readFileSync(file, 'utf8'), section));
    log(
      `changelog: Unreleased section rewritten from the commits since ${latest?.tag ?? 'the first commit'}`,
    );
    return;
  }

  const tag = parseVersion(/** @type {string} */ (opts.tag)).tag;
  const head = resolveCommit(root, 'HEAD');
  let tags = allTags;
  if (opts.mode === 'tag') {
    // The workflow runs on the pushed tag: it must exist and be what was checked out, tested and verified.
    const tagged = resolveCommit(root, `refs/tags/${tag}`);
    if (!tagged)
      throw new Error(`tag ${tag} does not exist (--tag runs on a pushed tag; use --dry-run before)`);
    if (tagged !== head) throw new Error(`tag ${tag} is ${tagged}, but HEAD is ${head}: check out the tag`);
    tags = allTags.filter((t) => t !== tag);
  }
  const { version, previousTag } = validateRelease({ tag, packageVersion, tags });
  log(`release ${version.tag} (${opts.mode}${opts.mode === 'dry-run' ? ': nothing is changed' : ''})`);
  log(
    `✔ version: semver, equals package.json ${packageVersion}, after ${previousTag ?? 'no earlier release'}`,
  );

  const groups = groupCommits(readCommits(root, previousTag ? `${previousTag}..HEAD` : 'HEAD'));
  const count = Object.values(groups).reduce((n, g) => n + g.length, 0);
  const section = renderChangelogSection({ version: version.tag, date, groups });

  if (opts.mode === 'changelog') {
    const file = join(root, 'CHANGELOG.md');
    writeFileSync(file, insertChangelogSection(readFileSync(file, 'utf8'), section));
    log(
      `✔ changelog: CHANGELOG.md has a ${version.tag} section (${count} commits); commit it with the version bump`,
    );
    return;
  }

  if (opts.skipCheckDist) {
    log('- dist: not verified (--skip-check-dist, for unit tests only)');
  } else {
    checkDist(root);
    log('✔ dist: every actions/*/dist matches its source (npm run check-dist)');
  }

  const notes = renderNotes({ tag: version.tag, previousTag, groups, repository });
  log(`✔ notes: ${count} commits since ${previousTag ?? 'the first commit'}`);

  const major = nextMajorTag(version);
  const current = resolveCommit(root, `refs/tags/${major}`);
  const target = head ?? 'HEAD';
  const move = current
    ? current === target
      ? 'already there'
      : `moves from ${current.slice(0, 12)}`
    : 'created';
  log(`✔ major tag: ${major} → ${target.slice(0, 12)} (${move})`);

  if (opts.mode === 'tag') {
    const notesFile = opts.notesFile ?? join(env.RUNNER_TEMP || tmpdir(), `release-notes-${version.tag}.md`);
    writeFileSync(notesFile, notes);
    log(`✔ notes written to ${notesFile}`);
    if (env.GITHUB_OUTPUT) {
      writeStepOutputs(env.GITHUB_OUTPUT, {
        version: version.tag,
        'major-tag': major,
        'previous-tag': previousTag ?? '',
        'notes-file': notesFile,
      });
    }
  }

  for (const line of [
    '',
    '--- release notes ---',
    notes,
    '--- CHANGELOG section ---',
    section,
    '--- major tag ---',
    major,
  ]) {
    log(line);
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  try {
    runRelease(process.argv.slice(2));
  } catch (e) {
    console.error(`release: ${e instanceof Error ? e.message : String(e)}`);
    process.exit(1);
  }
}
