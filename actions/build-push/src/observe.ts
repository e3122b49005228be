/**
 * Read-only checks before planning: the build context and Dockerfile exist, and which engine answers.
 */
import { statSync } from 'node:fs';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { InputError } from '@slipway/core';
import type { RunContext } from './context.js';
import type { Exec } from './exec.js';
import type { Inputs } from './inputs.js';

/** What the planner needs to know about the machine. */
export interface Observed {
  engine: 'buildx' | 'buildah';
  /** Why this engine: chosen by input, or what the probe found. */
  engineReason: string;
  /** Absolute path of the build context. */
  context: string;
  /** Absolute path of the Dockerfile. */
  file: string;
}

function kind(path: string): 'file' | 'directory' | undefined {
  try {
    const st = statSync(path);
    return st.isDirectory() ? 'directory' : st.isFile() ? 'file' : undefined;
  } catch {
    return undefined;
  }
}

function shown(workspace: string, path: string): string {
  const rel = relative(workspace, path);
  return rel === '' ? '.' : rel.startsWith('..') || isAbsolute(rel) ? path : rel;
}

/** The context directory and the Dockerfile, resolved against the workspace; a missing one is an input error. */
export function locateBuildFiles(inputs: Inputs, workspace: string): { context: string; file: string } {
  const context = resolve(workspace, inputs.context);
  if (kind(context) !== 'directory') {
    throw new InputError([
      { input: 'context', message: `directory ${shown(workspace, context)} does not exist in the workspace` },
    ]);
  }
  const file = inputs.file === undefined ? join(context, 'Dockerfile') : resolve(workspace, inputs.file);
  if (kind(file) !== 'file') {
    const where = shown(workspace, file);
    throw new InputError([
      {
        input: 'file',
        message:
          inputs.file === undefined
            ? `no Dockerfile at ${where} (the default, CONTEXT/Dockerfile): add one or set \`file\``
            : `Dockerfile ${where} does not exist in the workspace`,
      },
    ]);
  }
  return { context, file };
}

/** The driver of the current Buildx builder (`docker-container`, `docker`, `kubernetes`, `remote`), if it answers. */
export async function buildxDriver(exec: Exec): Promise<string | undefined> {
  const inspect = await exec('docker', ['buildx', 'inspect'], { silent: true }).catch(() => undefined);
  if (inspect?.exitCode !== 0) return undefined;
  return /^Driver:\s*(\S+)/m.exec(inspect.stdout)?.[1];
}

/**
 * Picks the engine for `engine: auto`: Buildx when a Docker daemon answers `docker version` and the current
 * builder runs BuildKit itself (the `docker-container` builder `docker/setup-buildx-action` creates), else Buildah
 * (daemonless, preinstalled on GitHub's Ubuntu runners). The `docker` driver pushes through the daemon by tag, so
 * it can neither push by digest nor export a cache: Buildah keeps the push-by-digest guarantee there.
 */
export async function detectEngine(exec: Exec): Promise<{ engine: 'buildx' | 'buildah'; reason: string }> {
  let server: string;
  try {
    const probe = await exec('docker', ['version', '--format', '{{.Server.Version}}'], { silent: true });
    server = probe.exitCode === 0 ? probe.stdout.trim() : '';
  } catch {
    return { engine: 'buildah', reason: 'no docker CLI on PATH' };
  }
  if (server === '') return { engine: 'buildah', reason: 'no Docker daemon answers' };
  const driver = await buildxDriver(exec);
  if (driver === undefined) return { engine: 'buildah', reason: `Docker ${server} has no buildx plugin` };
  if (driver === 'docker') {
    return {
      engine: 'buildah',
      reason: `the Buildx builder uses the docker driver, which cannot push by digest (run docker/setup-buildx-action first to use Buildx)`,
    };
  }
  return { engine: 'buildx', reason: `Docker ${server} answers, Buildx builder driver ${driver}` };
}

/** Everything `observe` reads, in one place. */
export async function observe(inputs: Inputs, ctx: RunContext, exec: () => Promise<Exec>): Promise<Observed> {
  const { context, file } = locateBuildFiles(inputs, ctx.workspace);
  if (inputs.engine === 'buildah') return { engine: 'buildah', engineReason: 'engine input', context, file };
  if (inputs.engine === 'buildx') {
    const driver = await buildxDriver(await exec());
    if (driver === 'docker') {
      throw new InputError([
        {
          input: 'engine',
          message:
            'buildx: the current builder uses the docker driver, which cannot push by digest or export a cache: run docker/setup-buildx-action before this step, or use engine: buildah',
        },
      ]);
    }
    return {
      engine: 'buildx',
      engineReason: `engine input${driver === undefined ? '' : `, builder driver ${driver}`}`,
      context,
      file,
    };
  }
  const { engine, reason } = await detectEngine(await exec());
  return { engine, engineReason: `auto: ${reason}`, context, file };
}
