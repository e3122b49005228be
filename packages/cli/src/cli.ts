/**
 * The `slipway` command: parse the command line, run the command, map every failure to one line and an exit
 * code (1 for a failure while running, 2 for a usage mistake). Never throws; never calls `process.exit`.
 */
import { USAGE, UsageError, parseCommandLine } from './args.js';
import { runEstimate } from './estimate-command.js';
import type { CliIo } from './estimate-command.js';
import { runRefreshPrices } from './refresh-prices-command.js';
import type { RefreshIo } from './refresh-prices-command.js';

/** The version printed by `--version`, set by the build. */
export const VERSION = '0.1.0';

/** Everything a run of the command may touch. */
export type CliEnvironment = CliIo & Pick<RefreshIo, 'fetch' | 'today' | 'gcpApiKey'>;

/** Runs the command line `argv` (without node and script) and resolves with the exit code. */
export async function runCli(argv: readonly string[], env: CliEnvironment): Promise<number> {
  try {
    const command = parseCommandLine(argv);
    switch (command.command) {
      case 'help': {
        const topic = command.topic;
        if (topic !== undefined && topic !== 'estimate' && topic !== 'refresh-prices') {
          throw new UsageError(`no help for \`${topic}\` (commands: estimate, refresh-prices)`);
        }
        env.stdout(`${USAGE[topic ?? 'main']}\n`);
        return 0;
      }
      case 'version':
        env.stdout(`slipway ${VERSION}\n`);
        return 0;
      case 'estimate':
        return await runEstimate(command, env);
      case 'refresh-prices':
        return await runRefreshPrices(command, env);
    }
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    env.stderr(`slipway: ${message.split('\n')[0]}\n`);
    if (e instanceof UsageError) {
      return 2;
    }
    return 1;
  }
}
