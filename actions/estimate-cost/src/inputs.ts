/**
 * The estimate-cost action's inputs: the only code that reads them. Every input is checked here, before the
 * pricing code, any file or any client is loaded, and every problem is reported at once. That is why the platform
 * and region names are listed here rather than imported with the price catalog; a test keeps them equal to it.
 */
import { readInputs as readWith } from '@slipway/core';
import type { InputReader, InputSource } from '@slipway/core';
import type { Platform } from '@slipway/pricing';

/** The inputs action.yml declares, in its order. A contract test keeps the two equal. */
export const INPUT_NAMES = [
  'paths',
  'region',
  'platforms',
  'base-ref',
  'comment',
  'fail-on-increase',
  'github-token',
  'free-tier',
  'requests-per-month',
  'request-seconds',
  'working-directory',
] as const;

/** One input name. */
export type InputName = (typeof INPUT_NAMES)[number];

/** The platforms the estimator prices (the pricing package's `PLATFORMS`, in its order). */
export const PLATFORMS = [
  'ecs-fargate',
  'ecs-fargate-spot',
  'eks-fargate',
  'app-runner',
  'gke-autopilot',
  'gke-autopilot-spot',
  'cloud-run',
  'cloud-run-jobs',
] as const satisfies readonly Platform[];

/** The regions the price catalog covers, AWS then Google Cloud. */
export const REGIONS: readonly string[] = [
  'us-east-1',
  'us-west-2',
  'eu-west-1',
  'ap-northeast-1',
  'ap-northeast-2',
  'us-central1',
  'europe-west1',
  'asia-northeast1',
  'asia-northeast3',
];

/** What to do with the pull-request comment. */
export const COMMENT_MODES = ['update', 'new', 'delete-and-new', 'off'] as const;

/** One of {@link COMMENT_MODES}. */
export type CommentMode = (typeof COMMENT_MODES)[number];

/** When a cost increase fails the step: above an amount in USD a month, or above a share of the base cost. */
export type IncreaseThreshold = { kind: 'amount'; usd: number } | { kind: 'percent'; percent: number };

/** The action's inputs, typed and checked. */
export interface Inputs {
  paths: string[];
  region: string | undefined;
  platforms: Platform[] | undefined;
  baseRef: string | undefined;
  comment: CommentMode;
  failOnIncrease: IncreaseThreshold | undefined;
  githubToken: string;
  freeTier: boolean;
  requestsPerMonth: number | undefined;
  requestSeconds: number | undefined;
  workingDirectory: string;
}

const DEFAULT_PATHS = ['**/*.yaml', '**/*.yml', '**/*.json'];
const THRESHOLD = /^\$?(\d+(?:\.\d+)?|\.\d+)\s*(%?)$/;

/**
 * Parses a `fail-on-increase` value: `50`, `$50`, `12.5` (USD a month) or `10%` (of the base cost). Returns
 * `undefined` for a value it cannot read, so the caller can name the input.
 */
export function parseThreshold(text: string): IncreaseThreshold | undefined {
  const match = THRESHOLD.exec(text.trim());
  if (!match) return undefined;
  const value = Number(match[1]);
  return match[2] === '%' ? { kind: 'percent', percent: value } : { kind: 'amount', usd: value };
}

/** Reads and checks every input; throws one `InputError` naming each bad one. */
export function readInputs(source?: InputSource): Inputs {
  return readWith((r) => build(r), source);
}

function build(r: InputReader): Inputs {
  const paths = r.list('paths');
  const region = r.optionalString('region');
  const platformList = r.list('platforms', { unique: true });
  const unknown = platformList.filter((p) => !(PLATFORMS as readonly string[]).includes(p));
  if (unknown.length > 0) {
    r.fail(
      'platforms',
      `unknown platform${unknown.length > 1 ? 's' : ''} ${unknown.map((p) => `\`${p}\``).join(', ')}: use ${PLATFORMS.join(', ')}`,
    );
  }
  const platforms =
    platformList.length > 0 && unknown.length === 0 ? (platformList as Platform[]) : undefined;
  if (region !== undefined && !REGIONS.includes(region)) {
    r.fail('region', `unknown region ${JSON.stringify(region)}: use one of ${REGIONS.join(', ')}`);
  }
  const baseRef = r.optionalString('base-ref');
  if (baseRef?.startsWith('-')) r.fail('base-ref', `must be a git revision, got ${JSON.stringify(baseRef)}`);
  const comment = r.enum('comment', COMMENT_MODES, { default: 'update' });
  const thresholdText = r.optionalString('fail-on-increase');
  let failOnIncrease: IncreaseThreshold | undefined;
  if (thresholdText !== undefined) {
    failOnIncrease = parseThreshold(thresholdText);
    if (failOnIncrease === undefined && /^-\s*\$?\d/.test(thresholdText)) {
      r.fail(
        'fail-on-increase',
        `cannot be negative: write the increase to fail on, like \`50\` or \`10%\`, got ${JSON.stringify(thresholdText)}`,
      );
    } else if (failOnIncrease === undefined) {
      r.fail(
        'fail-on-increase',
        `must be an amount in USD a month like \`50\` or a percentage like \`10%\`, got ${JSON.stringify(thresholdText)}`,
      );
    }
  }
  const githubToken = r.string('github-token');
  // The runner always passes `${{ github.token }}`; an empty token can only mean "no comment".
  if (githubToken === '' && comment !== 'off') {
    r.fail(
      'github-token',
      'is required to comment on the pull request (set `comment: off` to run without one)',
    );
  }
  const freeTier = r.boolean('free-tier', { default: false });
  const requestsText = r.optionalString('requests-per-month');
  const requestsPerMonth =
    requestsText === undefined ? undefined : r.integer('requests-per-month', { min: 0 });
  const secondsText = r.optionalString('request-seconds');
  const requestSeconds = secondsText === undefined ? undefined : r.number('request-seconds', { min: 0 });
  if (requestSeconds === 0) r.fail('request-seconds', 'must be more than 0');
  const workingDirectory = r.string('working-directory', { default: '.' });
  return {
    paths: paths.length > 0 ? paths : DEFAULT_PATHS,
    region,
    platforms,
    baseRef,
    comment,
    failOnIncrease,
    githubToken,
    freeTier,
    requestsPerMonth,
    requestSeconds,
    workingDirectory,
  };
}
