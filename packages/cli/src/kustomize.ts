/**
 * Kustomization directories. The pricing extractor reads a kustomization file and lists the fields that go beyond
 * a plain list of resources; a kustomization with only `resources` (local files and directories), `namespace`,
 * labels and annotations is resolved here, so every workload keeps its own file and line. Anything else (patches,
 * replicas, images, generators, components, Helm charts, remote bases…) needs kustomize: the `kustomize` binary,
 * or `kubectl kustomize`, when one is on PATH; otherwise the kustomization is refused with one line naming the
 * file, the line and the feature.
 */
import { execFile } from 'node:child_process';
import { constants } from 'node:fs';
import { access } from 'node:fs/promises';
import { delimiter, join, posix } from 'node:path';
import { extractWorkloads } from '@slipway/pricing';
import { joinPath, normalizePath } from './file-tree.js';
import type { FileTree } from './file-tree.js';
import { KUSTOMIZATION_FILES } from './spec-detect.js';

/** A problem tied to a file and line, shaped like the extractor's errors. */
export interface LocatedError {
  file: string;
  line: number;
  message: string;
}

/** A feature of a kustomization file that only kustomize can apply, with where it is written. */
export interface KustomizeFeature {
  name: string;
  line: number;
}

/** What a kustomization file says, as far as pricing is concerned. */
export interface Kustomization {
  file: string;
  dir: string;
  /** Local resources, as tree paths, each with its line. */
  resources: Array<{ path: string; line: number }>;
  /** `namespace`, which kustomize sets on every resource. */
  namespace: string | null;
  /** Features that need kustomize (including remote resources). */
  features: KustomizeFeature[];
}

const REMOTE =
  /^(https?:\/\/|git@|ssh:\/\/|git::|github\.com\/|gitlab\.com\/|bitbucket\.org\/)|\?ref=|\/\/[^/]/;

/** The 1-based line of the first line matching `re`, else 1. */
function lineMatching(text: string, re: RegExp): number {
  const lines = text.split('\n');
  const index = lines.findIndex((l) => re.test(l));
  return index === -1 ? 1 : index + 1;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Reads a kustomization file through the pricing extractor: local resources, namespace, what needs kustomize. */
export function parseKustomization(file: string, text: string): Kustomization | LocatedError {
  const extracted = extractWorkloads([{ path: file, text }]);
  const ref = extracted.kustomizations[0];
  if (!ref) {
    const error = extracted.errors[0];
    return error ?? { file, line: 1, message: 'kustomization: expected a mapping' };
  }
  const dir = normalizePath(posix.dirname(file));
  const result: Kustomization = { file, dir, resources: [], namespace: ref.namespace, features: [] };
  for (const resource of ref.resources) {
    const line = lineMatching(text, new RegExp(`^\\s*-?\\s*["']?${escapeRegExp(resource)}["']?\\s*(#.*)?$`));
    if (REMOTE.test(resource)) result.features.push({ name: `remote resource \`${resource}\``, line });
    else result.resources.push({ path: joinPath(dir, resource), line });
  }
  for (const field of ref.unsupported) {
    const key = field.split(' ')[0]!;
    const line = lineMatching(text, new RegExp(`^["']?${escapeRegExp(key)}["']?\\s*:`));
    result.features.push({
      name: key === field ? `\`${field}\`` : `\`${key}\`${field.slice(key.length)}`,
      line,
    });
  }
  return result;
}

/** The kustomization file in `dir`, if it has one. */
export async function findKustomizationFile(tree: FileTree, dir: string): Promise<string | undefined> {
  for (const name of KUSTOMIZATION_FILES) {
    const path = joinPath(dir, name);
    if ((await tree.stat(path)) === 'file') return path;
  }
  return undefined;
}

/** How to run kustomize, when it is installed. */
export interface KustomizeRunner {
  /** `kustomize` or `kubectl`, for messages. */
  name: string;
  /** Renders the kustomization in `absDir` to multi-document YAML. */
  build(absDir: string): Promise<string>;
}

/** A kustomization, resolved. */
export interface ResolvedKustomization {
  /** Files to hand to the extractor: the local resources, or one rendered text when kustomize built it. */
  files: Array<{ path: string; text?: string }>;
  /** The namespace kustomize would set on each file's resources, where one applies. */
  namespaces: Map<string, string>;
  /** Files outside the kustomization's own folder that it reads (resources of bases elsewhere). */
  reads: Set<string>;
  /** Kustomization directories it includes (its bases). */
  includes: Set<string>;
}

/** The name rendered output is reported under: the kustomization directory, built. */
export function renderedPath(dir: string): string {
  return `${normalizePath(dir)} (kustomize build)`;
}

/** A kustomization that cannot be priced as it stands. */
export class KustomizeRefusal extends Error {
  readonly located: LocatedError;
  constructor(located: LocatedError) {
    super(`${located.file}:${located.line}: ${located.message}`);
    this.name = 'KustomizeRefusal';
    this.located = located;
  }
}

/**
 * Resolves the kustomization in `dir`: its local resources here, or by running kustomize when some feature
 * needs it and `runner` is given. Throws a {@link KustomizeRefusal} naming the file, line and feature otherwise.
 */
export async function resolveKustomization(
  tree: FileTree,
  dir: string,
  runner: KustomizeRunner | undefined,
): Promise<ResolvedKustomization> {
  const result: ResolvedKustomization = {
    files: [],
    namespaces: new Map(),
    reads: new Set(),
    includes: new Set(),
  };
  const needs: Array<{ file: string; feature: KustomizeFeature }> = [];
  await walk(tree, normalizePath(dir), [], null, result, needs);
  if (needs.length === 0) return result;
  const first = needs[0]!;
  if (!runner) {
    throw new KustomizeRefusal({
      file: first.file,
      line: first.feature.line,
      message:
        `${first.feature.name} needs kustomize to apply, and neither \`kustomize\` nor \`kubectl\` is on PATH: ` +
        `install one, or render it first (\`kustomize build ${dir}\`) and estimate the output`,
    });
  }
  let text: string;
  try {
    text = await runner.build(await tree.materialize(dir));
  } catch (e) {
    const detail = e instanceof Error ? e.message : String(e);
    throw new KustomizeRefusal({
      file: first.file,
      line: 1,
      message: `${runner.name} kustomize failed: ${detail}`,
    });
  }
  return {
    files: [{ path: renderedPath(dir), text }],
    namespaces: new Map(),
    reads: result.reads,
    includes: result.includes,
  };
}

async function walk(
  tree: FileTree,
  dir: string,
  stack: string[],
  outerNamespace: string | null,
  result: ResolvedKustomization,
  needs: Array<{ file: string; feature: KustomizeFeature }>,
): Promise<void> {
  const file = await findKustomizationFile(tree, dir);
  if (!file) throw new Error(`${dir}: no kustomization file`);
  if (stack.includes(dir)) {
    const cycle = [...stack, dir].join(' → ');
    throw new KustomizeRefusal({ file, line: 1, message: `kustomizations include each other: ${cycle}` });
  }
  const parsed = parseKustomization(file, await tree.read(file));
  if ('message' in parsed) throw new KustomizeRefusal(parsed);
  // The outermost namespace wins, as kustomize applies the overlay's transformers after the base's.
  const namespace = outerNamespace ?? parsed.namespace;
  for (const feature of parsed.features) needs.push({ file, feature });
  for (const resource of parsed.resources) {
    const type = await tree.stat(resource.path);
    const shown = posix.relative(dir, resource.path) || '.';
    if (type === 'file') {
      result.reads.add(resource.path);
      if (!result.files.some((f) => f.path === resource.path)) result.files.push({ path: resource.path });
      if (namespace !== null) result.namespaces.set(resource.path, namespace);
    } else if (type === 'dir') {
      if (!(await findKustomizationFile(tree, resource.path))) {
        throw new KustomizeRefusal({
          file,
          line: resource.line,
          message: `resource \`${shown}\` is a directory without a kustomization file`,
        });
      }
      result.includes.add(resource.path);
      await walk(tree, resource.path, [...stack, dir], namespace, result, needs);
    } else {
      const where = tree.label === 'working tree' ? '' : ` at ${tree.label}`;
      throw new KustomizeRefusal({
        file,
        line: resource.line,
        message: `resource \`${shown}\` does not exist${where}`,
      });
    }
  }
}

/** The full path of an executable named `name` on `PATH`, if there is one. */
export async function findOnPath(
  name: string,
  path: string | undefined = process.env.PATH,
): Promise<string | undefined> {
  for (const dir of (path ?? '').split(delimiter)) {
    if (dir === '') continue;
    const candidate = join(dir, name);
    try {
      await access(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not in this directory
    }
  }
  return undefined;
}

/** Runs `command args…` and resolves with stdout; rejects with the first line of stderr. */
function run(command: string, args: string[]): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    execFile(command, args, { maxBuffer: 256 * 1024 * 1024, encoding: 'utf8' }, (error, stdout, stderr) => {
      if (error) reject(new Error(stderr.trim().split('\n')[0] || error.message));
      else resolvePromise(stdout);
    });
  });
}

/** The kustomize on PATH: the `kustomize` binary, else `kubectl kustomize`; `undefined` when neither is there. */
export async function detectKustomize(
  path: string | undefined = process.env.PATH,
): Promise<KustomizeRunner | undefined> {
  const kustomize = await findOnPath('kustomize', path);
  if (kustomize) return { name: 'kustomize', build: (dir) => run(kustomize, ['build', dir]) };
  const kubectl = await findOnPath('kubectl', path);
  if (kubectl) return { name: 'kubectl', build: (dir) => run(kubectl, ['kustomize', dir]) };
  return undefined;
}
