/**
 * The one failure boundary of every action.
 */
import { debug, isDebug, setFailed } from '@actions/core';
import { describeError, problemCount } from './errors.js';
import { InputError } from './inputs.js';

/** What {@link runAction} needs from the runner; `@actions/core` by default, fakes in tests. */
export interface RunDeps {
  fail?(message: string): void;
  debug?(message: string): void;
  isDebug?(): boolean;
}

/**
 * Runs an action's `main` and reports any failure exactly once.
 *
 * Whatever `main` throws (an `Error`, a string, an object, `undefined`, an `AggregateError`), `runAction` calls
 * `setFailed` once with `${name}: ${describeError(e)}`; an `InputError` with several problems becomes
 * `${name}: N inputs are invalid` followed by one line per problem. The stack goes to the debug log only when
 * step debugging is on (`RUNNER_DEBUG=1` or `ACTIONS_STEP_DEBUG=true`). Success sets nothing. Never throws.
 */
export async function runAction(name: string, main: () => Promise<void>, deps: RunDeps = {}): Promise<void> {
  try {
    await main();
  } catch (e) {
    report(name, e, deps);
  }
}

function report(name: string, e: unknown, deps: RunDeps): void {
  const message = failureMessage(name, e);
  try {
    if (debugEnabled(deps)) (deps.debug ?? debug)(stackOf(e));
  } catch {
    // Losing the debug detail must not lose the failure itself.
  }
  try {
    (deps.fail ?? setFailed)(message);
  } catch {
    process.exitCode = 1;
    try {
      process.stderr.write(`${message}\n`);
    } catch {
      // Nothing is left to report to.
    }
  }
}

/** The message {@link runAction} fails with. */
export function failureMessage(name: string, e: unknown): string {
  if (e instanceof InputError && e.problems.length > 1) {
    return [`${name}: ${problemCount(e.problems)}`, ...e.message.split('\n')].join('\n');
  }
  return `${name}: ${describeError(e)}`;
}

function debugEnabled(deps: RunDeps): boolean {
  if (deps.isDebug) return deps.isDebug();
  return isDebug() || process.env.ACTIONS_STEP_DEBUG === 'true';
}

/** The stack of `e` and of its causes and inner errors, for the debug log. */
export function stackOf(e: unknown, depth = 0): string {
  if (!(e instanceof Error))
    return `thrown value is not an Error (${e === null ? 'null' : typeof e}): ${describeError(e)}`;
  let text = e.stack ?? `${e.name}: ${e.message}`;
  if (depth >= 3) return text;
  if (e instanceof AggregateError) {
    (e.errors as unknown[]).forEach((inner, i) => {
      text += `\n[${i}] ${stackOf(inner, depth + 1)}`;
    });
  }
  if (e.cause !== undefined) text += `\nCaused by: ${stackOf(e.cause, depth + 1)}`;
  return text;
}
