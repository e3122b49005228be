/**
 * Rendering a kustomization when a kustomize binary is at hand: `kustomize build DIR`, or `kubectl kustomize DIR`
 * (kubectl ships kustomize). Neither is required otherwise.
 */
import { execFile } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

/** Runs a command without a shell; resolves with its exit code and output. */
export type CommandRunner = (
  command: string,
  args: string[],
  opts: { cwd: string; env?: Record<string, string> },
) => Promise<{ exitCode: number; stdout: string; stderr: string }>;

/** The default runner: `child_process.execFile`, 64 MiB of output at most. */
export const execRunner: CommandRunner = (command, args, opts) =>
  new Promise((resolve, reject) => {
    const env = opts.env === undefined ? process.env : { ...process.env, ...opts.env };
    execFile(
      command,
      args,
      { cwd: opts.cwd, env, maxBuffer: 64 * 1024 * 1024, encoding: 'utf8' },
      (error, stdout, stderr) => {
        if (error !== null && typeof error.code !== 'number') {
          reject(error);
          return;
        }
        resolve({ exitCode: error === null ? 0 : Number(error.code), stdout, stderr });
      },
    );
  });

/** The first executable named `name` on `path` (a PATH value), or undefined. */
export function which(name: string, path: string | undefined = process.env.PATH): string | undefined {
  for (const dir of (path ?? '').split(delimiter)) {
    if (dir === '') continue;
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

/** Renders `dir` with kustomize; the error names the directory and the tool's own message. */
export async function kustomizeBuild(
  dir: string,
  runner: CommandRunner = execRunner,
  path: string | undefined = process.env.PATH,
): Promise<string> {
  const kustomize = which('kustomize', path);
  const kubectl = kustomize === undefined ? which('kubectl', path) : undefined;
  if (kustomize === undefined && kubectl === undefined) {
    throw new Error(`${dir} has a kustomization, but neither kustomize nor kubectl is on PATH to build it`);
  }
  const [command, args] =
    kustomize !== undefined ? [kustomize, ['build', dir]] : [kubectl as string, ['kustomize', dir]];
  const result = await runner(command, args, { cwd: dir });
  if (result.exitCode !== 0) {
    const detail = result.stderr.trim().split('\n').slice(-3).join(' ');
    throw new Error(
      `${command.split('/').pop() ?? command} ${args.join(' ')} failed (exit ${result.exitCode}): ${detail}`,
    );
  }
  return result.stdout;
}
