/**
 * The `slipway` command line, parsed with node:util `parseArgs` into one typed command. Every mistake becomes a
 * {@link UsageError} with one line that names the flag or value, which the entry point turns into exit code 2.
 */
import { parseArgs } from 'node:util';

/** A command-line mistake: unknown flag, missing or malformed value. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** `slipway estimate`: price deploy specs, optionally against a git revision. */
export interface EstimateCommand {
  command: 'estimate';
  paths: string[];
  region?: string;
  platforms?: string[];
  json: boolean;
  base?: string;
  freeTier: boolean;
  requestsPerMonth?: number;
  requestSeconds?: number;
}

/** `slipway refresh-prices`: rebuild the price catalog from the providers' price files. */
export interface RefreshPricesCommand {
  command: 'refresh-prices';
  /** Read recorded price files from this directory instead of the network. */
  fromDir?: string;
  /** Where the catalog JSON goes; the pricing package's own catalog file by default. */
  out?: string;
}

/** `slipway help [command]`, `--help`, or `--version`. */
export interface InfoCommand {
  command: 'help' | 'version';
  topic?: string;
}

/** Everything the command line can ask for. */
export type Command = EstimateCommand | RefreshPricesCommand | InfoCommand;

/** The commands, for help and for "did you mean" answers. */
export const COMMANDS = ['estimate', 'refresh-prices', 'help'] as const;

/** Usage text per command. */
export const USAGE: Record<'main' | 'estimate' | 'refresh-prices', string> = {
  main: [
    'Usage: slipway <command> [options]',
    '',
    'Commands:',
    '  estimate [PATH...]     monthly cost of Kubernetes, ECS and Cloud Run specs on each platform',
    '  refresh-prices         rebuild the price catalog from the AWS and Google Cloud price files',
    '  help [command]         show help for a command',
    '',
    'Options: -h, --help   --version',
  ].join('\n'),
  estimate: [
    'Usage: slipway estimate [options] [PATH...]',
    '',
    'PATH is a file, a directory (searched for .yaml, .yml and .json specs) or a glob; default: the current directory.',
    '',
    'Options:',
    '  --region R             price every platform in region R (default: each platform’s own default)',
    '  --platform P           price only platform P; repeat or separate with commas',
    '  --json                 print the report as JSON',
    '  --base REF             also price the same paths at git revision REF and print the difference',
    '  --free-tier            count Cloud Run’s monthly free tier',
    '  --requests N           requests a month, for request-based Cloud Run',
    '  --request-seconds S    seconds busy per request, for request-based Cloud Run',
    '',
    'Exit codes: 0 priced, 1 a file could not be read as a spec (the rest is still priced), 2 bad usage.',
  ].join('\n'),
  'refresh-prices': [
    'Usage: slipway refresh-prices [--from-dir DIR] [--out FILE]',
    '',
    'Options:',
    '  --from-dir DIR   read recorded price files from DIR instead of downloading them',
    '  --out FILE       write the catalog here (default: the catalog the estimator embeds)',
  ].join('\n'),
};

/** Parses `argv` (without the node and script paths) into a {@link Command}. */
export function parseCommandLine(argv: readonly string[]): Command {
  const [first, ...rest] = argv;
  if (first === undefined || first === '-h' || first === '--help') return { command: 'help' };
  if (first === '--version' || first === '-v') return { command: 'version' };
  if (first === 'help') return { command: 'help', ...(rest[0] !== undefined ? { topic: rest[0] } : {}) };
  if (first === 'estimate') return parseEstimate(rest);
  if (first === 'refresh-prices') return parseRefresh(rest);
  if (first.startsWith('-'))
    throw new UsageError(`unknown option \`${first}\` (commands: ${COMMANDS.join(', ')})`);
  throw new UsageError(`unknown command \`${first}\` (commands: ${COMMANDS.join(', ')})`);
}

function parseEstimate(argv: readonly string[]): Command {
  const { values, positionals } = guard(() =>
    parseArgs({
      args: [...argv],
      allowPositionals: true,
      strict: true,
      options: {
        region: { type: 'string' },
        platform: { type: 'string', multiple: true },
        json: { type: 'boolean' },
        base: { type: 'string' },
        'free-tier': { type: 'boolean' },
        requests: { type: 'string' },
        'request-seconds': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }),
  );
  if (values.help === true) return { command: 'help', topic: 'estimate' };
  const command: EstimateCommand = {
    command: 'estimate',
    paths: positionals.length > 0 ? positionals : ['.'],
    json: values.json === true,
    freeTier: values['free-tier'] === true,
  };
  const region = nonEmpty('--region', values.region);
  if (region !== undefined) command.region = region;
  if (Array.isArray(values.platform)) {
    const platforms = values.platform.flatMap((p) => p.split(',')).map((p) => p.trim());
    if (platforms.some((p) => p === '')) throw new UsageError('--platform needs a platform name');
    command.platforms = [...new Set(platforms)];
  }
  const base = nonEmpty('--base', values.base);
  if (base !== undefined) {
    if (base.startsWith('-')) throw new UsageError(`--base needs a git revision, got \`${base}\``);
    command.base = base;
  }
  const requests = numberFlag('--requests', values.requests, { integer: true, min: 0 });
  if (requests !== undefined) command.requestsPerMonth = requests;
  const seconds = numberFlag('--request-seconds', values['request-seconds'], { min: 0, exclusive: true });
  if (seconds !== undefined) command.requestSeconds = seconds;
  return command;
}

function parseRefresh(argv: readonly string[]): Command {
  const { values, positionals } = guard(() =>
    parseArgs({
      args: [...argv],
      allowPositionals: true,
      strict: true,
      options: {
        'from-dir': { type: 'string' },
        out: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }),
  );
  if (values.help === true) return { command: 'help', topic: 'refresh-prices' };
  if (positionals.length > 0)
    throw new UsageError(`refresh-prices takes no paths, got \`${positionals[0]}\``);
  const command: RefreshPricesCommand = { command: 'refresh-prices' };
  const fromDir = nonEmpty('--from-dir', values['from-dir']);
  if (fromDir !== undefined) command.fromDir = fromDir;
  const out = nonEmpty('--out', values.out);
  if (out !== undefined) command.out = out;
  return command;
}

function guard<T>(parse: () => T): T {
  try {
    return parse();
  } catch (e) {
    throw new UsageError(describeParseError(e));
  }
}

// parseArgs explains in a paragraph; one line naming the flag is enough here.
function describeParseError(e: unknown): string {
  const err = e as { code?: string; message?: string };
  const message = err.message ?? String(e);
  const flag = /'(-{1,2}[^' ]+)/.exec(message)?.[1];
  switch (err.code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION':
      return `unknown option \`${flag ?? message}\``;
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE':
      if (flag !== undefined && /argument missing/.test(message)) return `${flag} needs a value`;
      // `--requests -5`: parseArgs will not take a value that starts with a dash unless written `--requests=-5`.
      if (flag !== undefined && /ambiguous/.test(message))
        return `${flag} needs a value (write ${flag}=VALUE)`;
      return message.split('\n')[0]!;
    default:
      return message.split('\n')[0]!;
  }
}

function nonEmpty(flag: string, value: unknown): string | undefined {
  if (value === undefined) return undefined;
  const text = String(value).trim();
  if (text === '') throw new UsageError(`${flag} needs a value`);
  return text;
}

function numberFlag(
  flag: string,
  value: unknown,
  opts: { integer?: boolean; min: number; exclusive?: boolean },
): number | undefined {
  const text = nonEmpty(flag, value);
  if (text === undefined) return undefined;
  const n = Number(text.replace(/_/g, ''));
  const pattern = opts.integer ? /^\d[\d_]*$/ : /^(\d[\d_]*(\.\d+)?|\.\d+)(e[+-]?\d+)?$/i;
  if (!pattern.test(text) || !Number.isFinite(n)) {
    throw new UsageError(`${flag} must be a ${opts.integer ? 'whole number' : 'number'}, got \`${text}\``);
  }
  if (opts.exclusive ? n <= opts.min : n < opts.min) {
    throw new UsageError(
      `${flag} must be ${opts.exclusive ? 'more than' : 'at least'} ${opts.min}, got \`${text}\``,
    );
  }
  return n;
}
