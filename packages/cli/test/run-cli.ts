// Test helper: runs the command in-process with captured output.
import { runCli } from '../src/cli.js';
import type { CliEnvironment } from '../src/cli.js';

/** What one run printed and returned. */
export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `slipway <argv>` in `cwd`, with no kustomize on PATH unless `path` names one. */
export async function runIn(
  cwd: string,
  argv: string[],
  extra: Partial<CliEnvironment> = {},
): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(argv, {
    stdout: (t) => (stdout += t),
    stderr: (t) => (stderr += t),
    cwd,
    path: '',
    ...extra,
  });
  return { code, stdout, stderr };
}
