/**
 * From the paths a user names (files, directories, globs) to the spec files the extractor reads: directories are
 * searched for .yaml, .yml and .json files, files that are clearly not deploy specs are skipped without an
 * error, and a folder with a kustomization is priced through it as one unit (see kustomize.ts): its resources
 * once, its patch fragments never on their own, and bases another kustomization includes only through that one.
 */
import { posix } from 'node:path';
import { compileGlobs, isGlob } from './glob.js';
import { IGNORED_DIRS, joinPath, normalizePath } from './file-tree.js';
import type { FileTree } from './file-tree.js';
import { KustomizeRefusal, findKustomizationFile, resolveKustomization } from './kustomize.js';
import type { KustomizeRunner, LocatedError } from './kustomize.js';
import { hasSpecExtension, isKustomizationFile, notSpecReason } from './spec-detect.js';
import type { NotSpecReason } from './spec-detect.js';

/** One file for the extractor: its path as shown to the user, and its text. */
export interface SpecFile {
  path: string;
  text: string;
}

/** The paths a command line names, sorted out. */
export interface ExpandedPaths {
  /** Files named one by one: always read, even inside a kustomization directory. */
  explicit: string[];
  /** Files found by a directory search or a glob. */
  found: string[];
  /** Named paths the tree does not hold. */
  missing: string[];
}

/** Options for {@link collectSpecs}. */
export interface CollectOptions {
  /** Runs kustomize for kustomizations beyond plain resource lists; without it those are refused. */
  kustomize?: KustomizeRunner | undefined;
  /**
   * Also read the spec files directly in these directories: an HPA or a kustomization next to a changed
   * Deployment still applies to it. The action passes the directories of the changed files, at both revisions.
   */
  alsoIn?: readonly string[];
  /** Keeps only the files (from `alsoIn`) this accepts, e.g. the action's `paths` globs. */
  filter?: (path: string) => boolean;
}

/** What {@link collectSpecs} gathered. */
export interface CollectResult {
  files: SpecFile[];
  /** Files that could not be used (unreadable, refused kustomizations), with file and line. */
  errors: LocatedError[];
  /** Files looked at and left out, with the reason. */
  skipped: Array<{ path: string; reason: NotSpecReason }>;
  /** The namespace a kustomization sets on the resources of a file, by file. */
  namespaces: Record<string, string>;
}

/**
 * Sorts command-line paths into files named one by one, files found in directories and by globs (`!pattern`
 * excludes, from every source), and paths that do not exist.
 */
export async function expandPaths(tree: FileTree, args: readonly string[]): Promise<ExpandedPaths> {
  const globs = args.filter(isGlob);
  const excludes = globs.filter((g) => g.startsWith('!'));
  const excluded = excludes.length > 0 ? compileGlobs(['**', ...excludes]) : undefined;
  const keep = (p: string) => excluded === undefined || excluded(p);
  const out: ExpandedPaths = { explicit: [], found: [], missing: [] };
  for (const arg of args) {
    if (isGlob(arg)) continue;
    const path = normalizePath(arg);
    const type = await tree.stat(path);
    if (type === 'file') out.explicit.push(path);
    else if (type === 'dir') out.found.push(...(await walk(tree, path)));
    else out.missing.push(arg);
  }
  if (globs.some((g) => !g.startsWith('!'))) out.found.push(...(await tree.glob(globs)));
  out.explicit = unique(out.explicit).filter(keep);
  out.found = unique(out.found).filter((p) => keep(p) && (hasSpecExtension(p) || isKustomizationFile(p)));
  return out;
}

/** Every file below `dir` with a spec extension or a kustomization name, skipping dependency and VCS folders. */
async function walk(tree: FileTree, dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await tree.list(dir)) {
    const path = joinPath(dir, entry.name);
    if (entry.type === 'dir') {
      if (!IGNORED_DIRS.has(entry.name)) out.push(...(await walk(tree, path)));
    } else if (hasSpecExtension(entry.name) || isKustomizationFile(entry.name)) {
      out.push(path);
    }
  }
  return out;
}

/**
 * Reads the spec files among `paths` from `tree`: kustomization directories become one unit each (bases that
 * another kustomization includes are priced through it only), files beside a kustomization belong to it, and
 * files that are clearly not deploy specs are skipped. Returns the files sorted by path.
 */
export async function collectSpecs(
  tree: FileTree,
  paths: Pick<ExpandedPaths, 'explicit' | 'found'>,
  opts: CollectOptions = {},
): Promise<CollectResult> {
  const result: CollectResult = { files: [], errors: [], skipped: [], namespaces: {} };
  const found = new Set(paths.found);
  for (const dir of unique((opts.alsoIn ?? []).map(normalizePath))) {
    if ((await tree.stat(dir)) !== 'dir') continue;
    for (const entry of await tree.list(dir)) {
      const path = joinPath(dir, entry.name);
      const wanted = hasSpecExtension(path) || isKustomizationFile(path);
      if (entry.type === 'file' && wanted && (opts.filter?.(path) ?? true)) found.add(path);
    }
  }

  // Kustomization directories: named kustomization files, and the directories of found files that hold one.
  const unitDirs = new Set<string>();
  for (const path of [...paths.explicit, ...found]) {
    if (isKustomizationFile(path)) unitDirs.add(normalizePath(posix.dirname(path)));
  }
  for (const dir of unique([...found].map((p) => normalizePath(posix.dirname(p))))) {
    if (!unitDirs.has(dir) && (await findKustomizationFile(tree, dir))) unitDirs.add(dir);
  }

  // A kustomization owns its folder: files below it are priced through it (patch fragments are not workloads),
  // and so are kustomizations below it that it does not include. Shallow folders first, so the owner comes first.
  const owners: string[] = [];
  const owns = (path: string) => owners.some((o) => o === '.' || path === o || path.startsWith(`${o}/`));
  const reads = new Set<string>();
  const included = new Set<string>();
  const units = new Map<string, Array<{ path: string; text?: string }>>();
  const byDepth = [...unitDirs].sort((a, b) => depth(a) - depth(b) || (a < b ? -1 : a > b ? 1 : 0));
  for (const dir of byDepth) {
    if (owns(dir)) continue;
    owners.push(dir);
    try {
      const unit = await resolveKustomization(tree, dir, opts.kustomize);
      units.set(dir, unit.files);
      unit.reads.forEach((f) => reads.add(f));
      unit.includes.forEach((d) => included.add(d));
      unit.namespaces.forEach((ns, file) => (result.namespaces[file] = ns));
    } catch (e) {
      if (!(e instanceof KustomizeRefusal)) throw e;
      result.errors.push(e.located);
    }
  }

  const wanted = new Map<string, string | undefined>();
  for (const [dir, files] of units) {
    if (included.has(dir)) continue;
    for (const f of files) wanted.set(f.path, f.text);
  }
  const standalone = [
    ...paths.explicit.filter((p) => !isKustomizationFile(p)),
    ...[...found].filter((p) => !owns(p) && !reads.has(p) && !isKustomizationFile(p)),
  ];
  const sniff = new Set<string>();
  for (const path of standalone) {
    if (!wanted.has(path)) {
      wanted.set(path, undefined);
      sniff.add(path);
    }
  }

  const entries = [...wanted].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const texts = await Promise.all(
    entries.map(async ([path, text]) => {
      if (text !== undefined) return text;
      try {
        return await tree.read(path);
      } catch (e) {
        result.errors.push({
          file: path,
          line: 1,
          message: `cannot read: ${e instanceof Error ? e.message : String(e)}`,
        });
        return undefined;
      }
    }),
  );
  entries.forEach(([path], i) => {
    const text = texts[i];
    if (text === undefined) return;
    const reason = sniff.has(path) ? notSpecReason(path, text) : undefined;
    if (reason) result.skipped.push({ path, reason });
    else result.files.push({ path, text });
  });
  return result;
}

function depth(dir: string): number {
  return dir === '.' ? 0 : dir.split('/').length;
}

function unique<T>(items: readonly T[]): T[] {
  return [...new Set(items)];
}
