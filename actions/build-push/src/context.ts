/**
 * The run's git and runner context, read once from the environment and the event payload, as plain data for
 * the pure planners.
 */
import { readFileSync } from 'node:fs';

/** What the planners need to know about the run. */
export interface RunContext {
  /** `GITHUB_REF`, e.g. `refs/heads/main`, `refs/tags/v1.2.3`, `refs/pull/42/merge`. */
  ref: string;
  /** `GITHUB_SHA`: the commit built. */
  sha: string;
  eventName: string;
  /** `owner/name`. */
  repository: string;
  serverUrl: string;
  /** The repository's default branch, from the event payload. */
  defaultBranch: string | undefined;
  /** The pull request number on pull_request events. */
  pullRequest: number | undefined;
  workspace: string;
  runnerTemp: string;
  runId: string;
  /** `AWS_REGION` (or `AWS_DEFAULT_REGION`), the region the AWS SDK would use. */
  awsRegion: string | undefined;
  /** `SLIPWAY_ARTIFACT_REGISTRY_ENDPOINT`: the Artifact Registry REST endpoint, for tests. */
  artifactRegistryEndpoint: string | undefined;
}

interface EventPayload {
  repository?: { default_branch?: unknown };
  pull_request?: { number?: unknown };
  number?: unknown;
}

function readEvent(path: string | undefined, read: (path: string) => string): EventPayload {
  if (path === undefined || path === '') return {};
  try {
    const value = JSON.parse(read(path)) as unknown;
    return typeof value === 'object' && value !== null ? (value as EventPayload) : {};
  } catch {
    // No event file (a local run): the context then has no default branch or pull request.
    return {};
  }
}

/** Reads the run context from `env` (the runner's variables) and the event payload file it names. */
export function readRunContext(
  env: NodeJS.ProcessEnv = process.env,
  read: (path: string) => string = (path) => readFileSync(path, 'utf8'),
): RunContext {
  const event = readEvent(env.GITHUB_EVENT_PATH, read);
  const branch = event.repository?.default_branch;
  const pr = event.pull_request?.number ?? (event.pull_request ? event.number : undefined);
  const text = (name: string) => {
    const value = env[name];
    return value === undefined || value === '' ? undefined : value;
  };
  return {
    ref: text('GITHUB_REF') ?? '',
    sha: text('GITHUB_SHA') ?? '',
    eventName: text('GITHUB_EVENT_NAME') ?? '',
    repository: text('GITHUB_REPOSITORY') ?? '',
    serverUrl: text('GITHUB_SERVER_URL') ?? 'https://github.com',
    defaultBranch: typeof branch === 'string' && branch !== '' ? branch : undefined,
    pullRequest: typeof pr === 'number' && Number.isInteger(pr) ? pr : undefined,
    workspace: text('GITHUB_WORKSPACE') ?? process.cwd(),
    runnerTemp: text('RUNNER_TEMP') ?? text('TMPDIR') ?? '/tmp',
    runId: text('GITHUB_RUN_ID') ?? 'local',
    awsRegion: text('AWS_REGION') ?? text('AWS_DEFAULT_REGION'),
    artifactRegistryEndpoint: text('SLIPWAY_ARTIFACT_REGISTRY_ENDPOINT'),
  };
}
