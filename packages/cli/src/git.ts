/**
 * Reading a git revision without a second checkout: `git ls-tree` for the file list, one `git cat-file --batch`
 * per burst of reads for the contents, and the changed files between two revisions. Every git call passes its
 * arguments as an array (never through a shell).
 */
import { execFile, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, posix } from 'node:path';
import { compileGlobs } from './glob.js';
import { IGNORED_DIRS, normalizePath } from './file-tree.js';
import type { EntryType, FileTree } from './file-tree.js';

/** A git command failed, or a revision is unknown. The message is one line meant for the user. */
export class GitError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'GitError';
  }
}

const MAX_BUFFER = 512 * 1024 * 1024;

/** Runs git with `args` in `cwd` and resolves with stdout; rejects with a {@link GitError} carrying git's stderr. */
export function git(args: readonly string[], cwd: string): Promise<Buffer> {
  return new Promise((resolvePromise, reject) => {
    execFile('git', args, { cwd, encoding: 'buffer', maxBuffer: MAX_BUFFER }, (error, stdout, stderr) => {
      if (error) {
        const detail = stderr.toString('utf8').trim().split('\n')[0] || error.message;
        reject(new GitError(`git ${args[0]} failed: ${detail}`));
        return;
      }
      resolvePromise(stdout);
    });
  });
}

/** Runs git with `input` on stdin and resolves with stdout. */
function gitWithInput(args: readonly string[], cwd: string, input: string): Promise<Buffer> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn('git', args, { cwd, stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    let err = '';
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => (err += b.toString('utf8')));
    child.on('error', (e) => reject(new GitError(`git ${args[0]} could not start: ${e.message}`)));
    child.on('close', (code) => {
      if (code === 0) resolvePromise(Buffer.concat(out));
      else reject(new GitError(`git ${args[0]} failed: ${err.trim().split('\n')[0] ?? `exit ${code}`}`));
    });
    child.stdin.end(input);
  });
}

/** The full commit id `ref` names, or a {@link GitError} saying the revision is unknown. */
export async function resolveCommit(ref: string, cwd: string): Promise<string> {
  if (ref.startsWith('-')) throw new GitError(`not a git revision: ${ref}`);
  try {
    const out = await git(['rev-parse', '--verify', '--quiet', '--end-of-options', `${ref}^{commit}`], cwd);
    return out.toString('utf8').trim();
  } catch {
    throw new GitError(`unknown git revision \`${ref}\` (is it fetched? shallow clones need fetch-depth: 0)`);
  }
}

/** The path of `cwd` inside its repository, as `a/b/` (empty at the top). */
async function repoPrefix(cwd: string): Promise<string> {
  try {
    return (await git(['rev-parse', '--show-prefix'], cwd)).toString('utf8').trim();
  } catch {
    throw new GitError(`${cwd} is not inside a git repository`);
  }
}

/** A repository path (`a/b.yaml`, `` for the top) as seen from the directory at `prefix` (`a/` or ``). */
function cwdRelative(prefix: string, repoPath: string): string {
  return normalizePath(posix.relative(`/${prefix}`, `/${repoPath}`) || '.');
}

/** A {@link FileTree} over one git revision, plus clean-up of anything it wrote to disk. */
export interface GitTree extends FileTree {
  /** The commit id the tree reads. */
  readonly commit: string;
  /** Removes the directory {@link FileTree.materialize} wrote, if any. */
  dispose(): Promise<void>;
}

interface Blob {
  oid: string;
}

/**
 * The files of revision `ref`, with paths relative to `cwd` like the working tree's. Symbolic links and
 * submodules are left out: neither holds a spec at that revision.
 */
export async function gitTree(ref: string, cwd: string): Promise<GitTree> {
  const prefix = await repoPrefix(cwd);
  const commit = await resolveCommit(ref, cwd);
  const listing = await git(['ls-tree', '-r', '-z', '--full-tree', commit], cwd);
  const files = new Map<string, Blob>();
  const dirs = new Map<string, Map<string, EntryType>>();
  const known = new Set<string>();
  const addChild = (dir: string, name: string, type: EntryType) => {
    let children = dirs.get(dir);
    if (!children) dirs.set(dir, (children = new Map()));
    children.set(name, type);
  };
  const toCwd = (repoPath: string) => cwdRelative(prefix, repoPath);
  for (const record of listing.toString('utf8').split('\0')) {
    if (record === '') continue;
    const tab = record.indexOf('\t');
    const [mode, type, oid] = record.slice(0, tab).split(' ');
    if (type !== 'blob' || mode === '120000' || oid === undefined) continue;
    const repoPath = record.slice(tab + 1);
    files.set(toCwd(repoPath), { oid });
    // Register every ancestor directory up to the repository top, which may lie above cwd (`..`).
    let child = repoPath;
    let kind: EntryType = 'file';
    while (child !== '') {
      const parent = posix.dirname(child) === '.' ? '' : posix.dirname(child);
      addChild(toCwd(parent), posix.basename(child), kind);
      // A directory seen before already has its own ancestors registered.
      if (known.has(parent)) break;
      known.add(parent);
      child = parent;
      kind = 'dir';
    }
  }

  const reader = batchReader(cwd);
  let materialized: Promise<string> | undefined;
  let tempDir: string | undefined;

  return {
    label: ref,
    commit,
    stat(path) {
      const p = normalizePath(path);
      if (files.has(p)) return Promise.resolve('file');
      return Promise.resolve(dirs.has(p) ? 'dir' : undefined);
    },
    list(dir) {
      const children = dirs.get(normalizePath(dir));
      if (!children) return Promise.reject(new GitError(`${dir}: no such directory at ${ref}`));
      const entries = [...children].map(([name, type]) => ({ name, type }));
      return Promise.resolve(entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)));
    },
    read(path) {
      const blob = files.get(normalizePath(path));
      if (!blob) return Promise.reject(new GitError(`${path}: no such file at ${ref}`));
      return reader(blob.oid);
    },
    glob(patterns) {
      const matches = compileGlobs(patterns);
      const found = [...files.keys()].filter(
        (p) => matches(p) && !p.split('/').some((s) => IGNORED_DIRS.has(s)),
      );
      return Promise.resolve(found.sort());
    },
    materialize(dir) {
      materialized ??= (async () => {
        tempDir = await mkdtemp(join(tmpdir(), 'slipway-git-'));
        await extractArchive(commit, cwd, tempDir);
        return tempDir;
      })();
      return materialized.then((root) => join(root, prefix, dir));
    },
    async dispose() {
      if (tempDir) await rm(tempDir, { recursive: true, force: true });
    },
  };
}

/**
 * Reads blobs by id. Reads asked for in the same tick share one `git cat-file --batch`, so reading a
 * thousand files costs one process, not a thousand.
 */
function batchReader(cwd: string): (oid: string) => Promise<string> {
  let pending: Array<{ oid: string; resolve: (s: string) => void; reject: (e: unknown) => void }> = [];
  const flush = async () => {
    const batch = pending;
    pending = [];
    try {
      const out = await gitWithInput(['cat-file', '--batch'], cwd, batch.map((b) => `${b.oid}\n`).join(''));
      let offset = 0;
      for (const item of batch) {
        const eol = out.indexOf(0x0a, offset);
        const header = out.subarray(offset, eol).toString('utf8').split(' ');
        const size = Number(header[2]);
        if (header[1] !== 'blob' || !Number.isFinite(size))
          throw new GitError(`git cat-file: unexpected ${header.join(' ')}`);
        item.resolve(out.subarray(eol + 1, eol + 1 + size).toString('utf8'));
        offset = eol + 1 + size + 1;
      }
    } catch (e) {
      for (const item of batch) item.reject(e);
    }
  };
  return (oid) =>
    new Promise<string>((resolvePromise, reject) => {
      if (pending.length === 0) queueMicrotask(() => void flush());
      pending.push({ oid, resolve: resolvePromise, reject });
    });
}

/** Writes the files of `commit` into `dest` with `git archive | tar -x`. */
function extractArchive(commit: string, cwd: string, dest: string): Promise<void> {
  return new Promise((resolvePromise, reject) => {
    const archive = spawn('git', ['archive', '--format=tar', commit], {
      cwd,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const tar = spawn('tar', ['-x', '-f', '-', '-C', dest], { stdio: ['pipe', 'ignore', 'pipe'] });
    archive.stdout.pipe(tar.stdin);
    let err = '';
    archive.stderr.on('data', (b: Buffer) => (err += b.toString('utf8')));
    tar.stderr.on('data', (b: Buffer) => (err += b.toString('utf8')));
    archive.on('error', (e) => reject(new GitError(`git archive could not start: ${e.message}`)));
    tar.on('error', (e) => reject(new GitError(`tar could not start: ${e.message}`)));
    tar.on('close', (code) => {
      if (code === 0) resolvePromise();
      else
        reject(
          new GitError(
            `could not write out ${commit.slice(0, 12)}: ${err.trim().split('\n')[0] ?? `tar exit ${code}`}`,
          ),
        );
    });
  });
}

/**
 * Files that differ between `base` and `head`, relative to `cwd`: against their merge base (`base...head`, what
 * a pull request shows), or directly when the two share no history in this clone (a shallow fetch).
 */
export async function changedFiles(base: string, head: string, cwd: string): Promise<string[]> {
  const [baseCommit, headCommit, prefix] = await Promise.all([
    resolveCommit(base, cwd),
    resolveCommit(head, cwd),
    repoPrefix(cwd),
  ]);
  let out: Buffer;
  try {
    out = await git(['diff', '--name-only', '-z', '--no-renames', `${baseCommit}...${headCommit}`], cwd);
  } catch {
    out = await git(['diff', '--name-only', '-z', '--no-renames', baseCommit, headCommit], cwd);
  }
  return out
    .toString('utf8')
    .split('\0')
    .filter((p) => p !== '')
    .map((repoPath) => cwdRelative(prefix, repoPath))
    .sort();
}
