/**
 * Tags, labels and annotations from the git context, as `docker/metadata-action` derives them: short and long
 * SHA, branch (or non-version git tag), pull request number, semver from a version tag, `latest` on the default
 * branch, and the OCI `org.opencontainers.image.*` keys. Pure: the context and the time come in as data.
 */
import type { RunContext } from './context.js';
import type { AutoTag } from './inputs.js';

/** A tag and why it is there, for the plan report. */
export interface PlannedTag {
  tag: string;
  /** `semver`, `branch`, `git-tag`, `pr`, `literal`, `latest`, `sha`, `long-sha`. */
  source: string;
}

/** The tags of one build and the version they stand for. */
export interface TagPlan {
  tags: PlannedTag[];
  /** The value of `org.opencontainers.image.version`: the first tag that names a version or ref. */
  version: string | undefined;
}

const SEMVER =
  /^v?(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-([0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?(?:\+([0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?$/;
const MAX_TAG = 128;

/**
 * A ref name as a valid tag: characters other than letters, digits, `_`, `.` and `-` become `-`, leading `.`
 * and `-` go (a tag starts with a word character), and it is cut to 128 characters. `undefined` when nothing
 * is left.
 */
export function sanitizeTag(name: string): string | undefined {
  const tag = name
    .replace(/[^\w.-]/g, '-')
    .replace(/^[.-]+/, '')
    .slice(0, MAX_TAG);
  return tag === '' ? undefined : tag;
}

/** `1.2.3` (and `1.2`, `1` for a release of major ≥ 1) from a version tag such as `v1.2.3`; `undefined` otherwise. */
export function semverTags(tagName: string): string[] | undefined {
  const m = SEMVER.exec(tagName);
  if (!m) return undefined;
  const [, major, minor, patch, pre, build] = m;
  const full = sanitizeTag(`${major}.${minor}.${patch}${pre ? `-${pre}` : ''}${build ? `_${build}` : ''}`)!;
  // A pre-release moves no floating tag, and 0.x promises no compatibility, so `0` would mislead.
  if (pre !== undefined) return [full];
  return major === '0' ? [full, `${major}.${minor}`] : [full, `${major}.${minor}`, major!];
}

function refKind(ref: string): { kind: 'branch' | 'tag' | 'pull' | 'other'; name: string } {
  if (ref.startsWith('refs/heads/')) return { kind: 'branch', name: ref.slice('refs/heads/'.length) };
  if (ref.startsWith('refs/tags/')) return { kind: 'tag', name: ref.slice('refs/tags/'.length) };
  if (ref.startsWith('refs/pull/')) return { kind: 'pull', name: ref.split('/')[2] ?? '' };
  return { kind: 'other', name: ref };
}

/**
 * The tags of a build: from the git context for each kind in `auto`, then `literal`, without repeats, in the
 * order semver, branch or git tag, pull request, literal, latest, sha, long sha.
 */
export function planTags(ctx: RunContext, auto: readonly AutoTag[], literal: readonly string[]): TagPlan {
  const want = new Set(auto);
  const ref = refKind(ctx.ref);
  const isPull = ctx.eventName.startsWith('pull_request') || ref.kind === 'pull';
  const out: PlannedTag[] = [];
  let version: string | undefined;
  const add = (tag: string | undefined, source: string, isVersion = false) => {
    if (tag === undefined || out.some((t) => t.tag === tag)) return;
    out.push({ tag, source });
    if (isVersion && version === undefined) version = tag;
  };

  const semver = ref.kind === 'tag' ? semverTags(ref.name) : undefined;
  if (want.has('semver') && semver) for (const tag of semver) add(tag, 'semver', true);
  if (want.has('branch') && ref.kind === 'branch' && !isPull) add(sanitizeTag(ref.name), 'branch', true);
  if (want.has('branch') && ref.kind === 'tag' && !semver) add(sanitizeTag(ref.name), 'git-tag', true);
  const pr =
    ctx.pullRequest ?? (ref.kind === 'pull' && /^\d+$/.test(ref.name) ? Number(ref.name) : undefined);
  if (want.has('pr') && isPull && pr !== undefined) add(`pr-${pr}`, 'pr', true);
  for (const tag of literal) add(tag, 'literal', true);
  const onDefault =
    !isPull && ref.kind === 'branch' && ctx.defaultBranch !== undefined && ref.name === ctx.defaultBranch;
  if (want.has('latest') && onDefault) add('latest', 'latest');
  const sha = /^[0-9a-f]{40}$/i.test(ctx.sha) ? ctx.sha.toLowerCase() : undefined;
  if (want.has('sha') && sha) add(`sha-${sha.slice(0, 7)}`, 'sha');
  if (want.has('long-sha') && sha) add(`sha-${sha}`, 'long-sha');
  if (version === undefined && sha) version = `sha-${sha.slice(0, 7)}`;
  return { tags: out, version };
}

/** The OCI keys every image gets (https://github.com/opencontainers/image-spec/blob/main/annotations.md). */
export function ociMetadata(
  ctx: RunContext,
  version: string | undefined,
  created: Date,
): Record<string, string> {
  const keys: Record<string, string> = {};
  if (ctx.repository !== '') {
    keys['org.opencontainers.image.title'] = ctx.repository.split('/').pop() ?? ctx.repository;
    keys['org.opencontainers.image.source'] = `${ctx.serverUrl.replace(/\/+$/, '')}/${ctx.repository}`;
  }
  if (ctx.sha !== '') keys['org.opencontainers.image.revision'] = ctx.sha;
  keys['org.opencontainers.image.created'] = created.toISOString();
  if (version !== undefined) keys['org.opencontainers.image.version'] = version;
  return keys;
}
