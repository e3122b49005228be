/**
 * What the runner tells the action about the run, read from the environment and the event file without
 * loading `@actions/github` (whose Octokit is only needed when a comment is posted).
 */
import { readFileSync } from 'node:fs';

/** The pull request the run belongs to. */
export interface PullRequestContext {
  number: number;
  baseSha: string | undefined;
  headSha: string | undefined;
  /** `owner/name` of the base and head repositories: they differ for a fork. */
  baseRepo: string | undefined;
  headRepo: string | undefined;
}

/** The run, as far as the action cares. */
export interface RunContext {
  eventName: string;
  owner: string;
  repo: string;
  workspace: string;
  runnerTemp: string;
  /** `PATH`, to find kustomize. */
  path: string | undefined;
  pullRequest: PullRequestContext | undefined;
  /** On a push, the commit before it (absent for a new branch). */
  pushBefore: string | undefined;
}

type Json = Record<string, unknown>;

function obj(v: unknown): Json | undefined {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Json) : undefined;
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

/** The pull request of an event payload: `pull_request`, `pull_request_target`, or an `issue_comment` on one. */
export function pullRequestOf(event: unknown): PullRequestContext | undefined {
  const pr = obj(obj(event)?.pull_request);
  if (!pr || typeof pr.number !== 'number') return undefined;
  const base = obj(pr.base);
  const head = obj(pr.head);
  return {
    number: pr.number,
    baseSha: str(base?.sha),
    headSha: str(head?.sha),
    baseRepo: str(obj(base?.repo)?.full_name),
    headRepo: str(obj(head?.repo)?.full_name),
  };
}

/** Reads the run context from `env` (the process environment by default). */
export function readRunContext(env: NodeJS.ProcessEnv = process.env): RunContext {
  let event: unknown = {};
  if (env.GITHUB_EVENT_PATH) {
    try {
      event = JSON.parse(readFileSync(env.GITHUB_EVENT_PATH, 'utf8')) as unknown;
    } catch (e) {
      throw new Error(
        `cannot read the event payload ${env.GITHUB_EVENT_PATH}: ${e instanceof Error ? e.message : String(e)}`,
        {
          cause: e,
        },
      );
    }
  }
  const [owner = '', repo = ''] = (env.GITHUB_REPOSITORY ?? '').split('/');
  const before = str(obj(event)?.before);
  return {
    eventName: env.GITHUB_EVENT_NAME ?? '',
    owner,
    repo,
    workspace: env.GITHUB_WORKSPACE ?? process.cwd(),
    runnerTemp: env.RUNNER_TEMP ?? process.cwd(),
    path: env.PATH,
    pullRequest: pullRequestOf(event),
    // A push that creates a branch has no previous commit: GitHub sends forty zeros.
    pushBefore: before !== undefined && !/^0+$/.test(before) ? before : undefined,
  };
}
