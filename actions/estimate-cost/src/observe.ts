/**
 * Reading what the change touches, without side effects: the files that differ between the base revision and
 * HEAD (`git diff --name-only base...HEAD`), the spec files among them and beside them in the working tree, and
 * the same at the base revision through `git ls-tree` / `git cat-file` (no second checkout).
 */
import { posix } from 'node:path';
import {
  GitError,
  changedFiles,
  collectSpecs,
  compileGlobs,
  git,
  gitTree,
  resolveCommit,
  workingTree,
} from '@slipway/cli';
import type { CollectResult, FileTree, KustomizeRunner } from '@slipway/cli';
import { log } from '@slipway/core';
import type { Inputs } from './inputs.js';
import type { Observed } from './plan.js';

/**
 * The commit `ref` names, fetched from `origin` first when a shallow clone lacks it (actions/checkout fetches
 * one commit by default). Throws one line with the fix when it still cannot be found.
 */
export async function ensureCommit(ref: string, cwd: string): Promise<string> {
  try {
    return await resolveCommit(ref, cwd);
  } catch {
    try {
      await git(['fetch', '--no-tags', '--quiet', '--depth=1', 'origin', ref], cwd);
      return await resolveCommit(ref, cwd);
    } catch {
      throw new GitError(
        `base revision \`${ref}\` is not in the clone and could not be fetched: use actions/checkout with fetch-depth: 0`,
      );
    }
  }
}

async function existing(tree: FileTree, paths: readonly string[]): Promise<string[]> {
  const types = await Promise.all(paths.map((p) => tree.stat(p)));
  return paths.filter((_, i) => types[i] === 'file');
}

async function collectChanged(
  tree: FileTree,
  changed: readonly string[],
  matches: (path: string) => boolean,
  kustomize: KustomizeRunner | undefined,
): Promise<CollectResult> {
  const found = await existing(tree, changed);
  const alsoIn = [...new Set(changed.map((p) => posix.dirname(p)))];
  return collectSpecs(tree, { explicit: [], found }, { alsoIn, filter: matches, kustomize });
}

/**
 * What the change touches. With a base revision: the changed files matching `paths`, with the spec files beside
 * them, at both revisions. Without one: every file matching `paths` at the head.
 */
export async function observe(
  inputs: Inputs,
  cwd: string,
  baseRef: string | undefined,
  kustomize: KustomizeRunner | undefined,
): Promise<Observed> {
  const matches = compileGlobs(inputs.paths);
  const head = workingTree(cwd);
  if (baseRef === undefined) {
    const all = await head.glob(inputs.paths);
    log.info(`No base revision: pricing every file matching \`paths\` (${all.length}).`);
    const files = await collectSpecs(head, { explicit: [], found: all }, { kustomize });
    return { head: files, base: undefined, changed: all };
  }
  const commit = await ensureCommit(baseRef, cwd);
  const changed = (await changedFiles(commit, 'HEAD', cwd)).filter(matches);
  log.info(`${changed.length} changed file(s) match \`paths\` since ${baseRef}${changed.length ? ':' : '.'}`);
  for (const path of changed) log.info(`  ${path}`);
  const baseTree = await gitTree(commit, cwd);
  try {
    const [headFiles, baseFiles] = await Promise.all([
      collectChanged(head, changed, matches, kustomize),
      collectChanged(baseTree, changed, matches, kustomize),
    ]);
    for (const skip of headFiles.skipped) log.debug(`skipped ${skip.path}: ${skip.reason}`);
    return { head: headFiles, base: { ref: baseRef, files: baseFiles }, changed };
  } finally {
    await baseTree.dispose();
  }
}
