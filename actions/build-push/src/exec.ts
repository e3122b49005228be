/**
 * The exec seam: programs run through `@actions/exec` with argument arrays (never a shell), stdin for secrets,
 * and the exit code handed back instead of thrown, so callers can word their own one-line failures.
 */
import { getExecOutput } from '@actions/exec';
import { which } from '@actions/io';

/** Options of one run. */
export interface ExecOptions {
  /** Written to the program's stdin (a password for `login --password-stdin`). */
  input?: string;
  /** Added to the action's environment (minus the `INPUT_*` variables) for this program only. */
  env?: Record<string, string>;
  /** Keep the program's output out of the log (probes, JSON read back). */
  silent?: boolean;
}

/** How a program ended. */
export interface ExecResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** Runs a program to completion; rejects only when it cannot be started. */
export type Exec = (command: string, args: string[], opts?: ExecOptions) => Promise<ExecResult>;

/** The thrown value when a program is not on PATH. */
export class MissingProgramError extends Error {
  constructor(readonly program: string) {
    super(`${program} is not installed (or not on PATH)`);
    this.name = 'MissingProgramError';
  }
}

/** The real {@link Exec}, over `@actions/exec`. */
export const actionsExec: Exec = async (command, args, opts = {}) => {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) {
    // The engines need none of the step's inputs, and INPUT_PASSWORD and INPUT_SECRETS hold secrets.
    if (value !== undefined && !key.startsWith('INPUT_')) env[key] = value;
  }
  Object.assign(env, opts.env ?? {});
  try {
    return await getExecOutput(command, args, {
      ignoreReturnCode: true,
      silent: opts.silent === true,
      env,
      ...(opts.input === undefined ? {} : { input: Buffer.from(opts.input, 'utf8') }),
    });
  } catch (e) {
    // @actions/exec's words for a program it cannot find on PATH.
    if (e instanceof Error && /Unable to locate executable file/.test(e.message))
      throw new MissingProgramError(command);
    throw e;
  }
};

/** Throws {@link MissingProgramError} for the first of `programs` that is not on PATH. */
export async function requirePrograms(programs: readonly string[]): Promise<void> {
  for (const program of programs) {
    if ((await which(program, false)) === '') throw new MissingProgramError(program);
  }
}
