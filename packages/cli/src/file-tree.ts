/**
 * The files a command reads specs from, seen the same way whether they come from the working tree or from a git
 * revision. Paths are POSIX, relative to the directory the command was started in (they may climb with `../`).
 */
import { readFile, readdir, stat } from 'node:fs/promises';
import { posix, relative, resolve, sep } from 'node:path';
import { glob } from 'tinyglobby';

/** What a path is in a tree. */
export type EntryType = 'file' | 'dir';

/** A read-only tree of files. */
export interface FileTree {
  /** How messages name this tree: `working tree` or the revision, e.g. `origin/main`. */
  readonly label: string;
  /** The path's type, or `undefined` when the tree does not hold it. */
  stat(path: string): Promise<EntryType | undefined>;
  /** The direct children of a directory, sorted by name. */
  list(dir: string): Promise<Array<{ name: string; type: EntryType }>>;
  /** A file's text (UTF-8). */
  read(path: string): Promise<string>;
  /** Files matching the patterns (`!` excludes), never below `node_modules` or `.git`, sorted. */
  glob(patterns: readonly string[]): Promise<string[]>;
  /**
   * A directory on disk that holds this tree's `dir`, for tools that read files themselves (kustomize).
   * The working tree answers at once; a git revision is written out once, on first use.
   */
  materialize(dir: string): Promise<string>;
}

/** Directories never searched: dependencies and version-control internals. */
export const IGNORED_DIRS: ReadonlySet<string> = new Set([
  'node_modules',
  '.git',
  '.hg',
  '.svn',
  '.terraform',
]);

/** The glob ignore list matching {@link IGNORED_DIRS}. */
export const IGNORED_GLOBS: readonly string[] = [...IGNORED_DIRS].map((d) => `**/${d}/**`);

/** `path` as a normalized POSIX path relative to the start directory (`.` for the directory itself). */
export function normalizePath(path: string): string {
  const posixPath = path.split(sep).join('/');
  const normal = posix.normalize(posixPath);
  return normal === './' || normal === '' ? '.' : normal.replace(/\/$/, '');
}

/** Joins a directory and a name the way {@link FileTree} paths are written. */
export function joinPath(dir: string, name: string): string {
  return normalizePath(dir === '.' ? name : `${dir}/${name}`);
}

/** The files on disk under `cwd`. */
export function workingTree(cwd: string): FileTree {
  const abs = (path: string) => resolve(cwd, path);
  return {
    label: 'working tree',
    async stat(path) {
      try {
        const s = await stat(abs(path));
        return s.isDirectory() ? 'dir' : s.isFile() ? 'file' : undefined;
      } catch {
        return undefined;
      }
    },
    async list(dir) {
      const entries = await readdir(abs(dir), { withFileTypes: true });
      const out: Array<{ name: string; type: EntryType }> = [];
      for (const e of entries) {
        let type: EntryType | undefined = e.isDirectory() ? 'dir' : e.isFile() ? 'file' : undefined;
        // Symbolic links are followed, as kustomize and kubectl do.
        if (e.isSymbolicLink()) type = await this.stat(joinPath(dir, e.name));
        if (type) out.push({ name: e.name, type });
      }
      return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    },
    read(path) {
      return readFile(abs(path), 'utf8');
    },
    async glob(patterns) {
      const found = await glob([...patterns], {
        cwd,
        ignore: [...IGNORED_GLOBS],
        onlyFiles: true,
        expandDirectories: false,
        absolute: true,
      });
      return found.map((f) => normalizePath(relative(cwd, f))).sort();
    },
    materialize(dir) {
      return Promise.resolve(abs(dir));
    },
  };
}
