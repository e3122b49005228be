/**
 * Finding the manifests: files, directories (their *.yaml, *.yml and *.json files, or a kustomization) and glob
 * patterns (with `!` exclusions), relative to the workspace. Nothing is read twice; the order is the order given,
 * then lexical within a directory or pattern.
 */
import { existsSync, statSync } from 'node:fs';
import { glob, readdir } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve } from 'node:path';

/** One place manifests come from. */
export type ManifestSource = { kind: 'file'; path: string } | { kind: 'kustomization'; dir: string };

/** A pattern that found nothing, or a path that is neither a file nor a directory. */
export interface PathProblem {
  pattern: string;
  message: string;
}

const MANIFEST_FILE = /\.(ya?ml|json)$/i;
const KUSTOMIZATION_FILES = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'];
const GLOB_CHARS = /[*?[\]{}]/;

/** The kustomization file of a directory, if it has one. */
export function kustomizationIn(dir: string): string | undefined {
  return KUSTOMIZATION_FILES.map((f) => join(dir, f)).find((f) => existsSync(f));
}

/**
 * Expands the `manifests` patterns against `cwd`. A directory with a kustomization becomes one kustomize source;
 * other directories contribute their manifest files (not recursively, as `kubectl apply -f dir` does).
 */
export async function findManifests(
  patterns: string[],
  cwd: string,
): Promise<{ sources: ManifestSource[]; problems: PathProblem[] }> {
  const sources: ManifestSource[] = [];
  const problems: PathProblem[] = [];
  const seen = new Set<string>();
  const add = (source: ManifestSource) => {
    const key = source.kind === 'file' ? source.path : `${source.dir}/`;
    if (seen.has(key)) return;
    seen.add(key);
    sources.push(source);
  };
  const excludes = patterns.filter((p) => p.startsWith('!')).map((p) => p.slice(1));
  for (const pattern of patterns.filter((p) => !p.startsWith('!'))) {
    const absolute = isAbsolute(pattern) ? pattern : resolve(cwd, pattern);
    if (!GLOB_CHARS.test(pattern)) {
      if (!existsSync(absolute)) {
        problems.push({ pattern, message: `${pattern} does not exist` });
        continue;
      }
      if (statSync(absolute).isDirectory()) {
        if (kustomizationIn(absolute) !== undefined) add({ kind: 'kustomization', dir: absolute });
        else {
          const files = (await readdir(absolute, { withFileTypes: true }))
            .filter((d) => d.isFile() && MANIFEST_FILE.test(d.name))
            .map((d) => join(absolute, d.name))
            .sort();
          if (files.length === 0)
            problems.push({ pattern, message: `${pattern} holds no .yaml, .yml or .json file` });
          for (const f of files) add({ kind: 'file', path: f });
        }
      } else add({ kind: 'file', path: absolute });
      continue;
    }
    const found: string[] = [];
    for await (const entry of glob(pattern, { cwd, exclude: excludes })) {
      const full = isAbsolute(entry) ? entry : resolve(cwd, entry);
      if (MANIFEST_FILE.test(full) && statSync(full).isFile()) found.push(full);
    }
    found.sort();
    if (found.length === 0)
      problems.push({ pattern, message: `${pattern} matches no .yaml, .yml or .json file` });
    for (const f of found) add({ kind: 'file', path: f });
  }
  return { sources, problems };
}

/** A path as messages and annotations show it: relative to the workspace when inside it. */
export function displayPath(path: string, cwd: string): string {
  const rel = relative(cwd, path);
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel) ? rel : path;
}
