/**
 * What the run needs besides inputs, read from the runner's environment before any Google library loads: the
 * project, the commit, the workspace, and the Application Default Credentials file (whose secrets are masked at
 * once).
 */
import { InputError, mask } from '@slipway/core';
import { describeIdentity, readCredentialsFile } from '@slipway/gcp/auth';
import type { CredentialsInfo } from '@slipway/gcp/auth';
import type { Inputs } from './inputs.js';

/** The run's surroundings. */
export interface RunContext {
  project: string;
  /** Where the project came from, for the log. */
  projectSource: string;
  /** GITHUB_SHA, when it is a commit id. */
  sha: string | undefined;
  workspace: string;
  credentials: CredentialsInfo | undefined;
  /** How the action authenticates, in one line without secrets. */
  identity: string;
}

/** Environment variables that name the project, in the order google-github-actions/auth and gcloud set them. */
export const PROJECT_VARIABLES = [
  'GOOGLE_CLOUD_PROJECT',
  'GCLOUD_PROJECT',
  'CLOUDSDK_CORE_PROJECT',
  'CLOUDSDK_PROJECT',
] as const;

/**
 * Resolves the project (input, then the variables google-github-actions/auth exports, then the credential file),
 * and reads the credential file. Throws an `InputError` for a missing project, a `CredentialsError` for an unusable
 * credential file.
 */
export function resolveContext(
  inputs: Inputs,
  env: Record<string, string | undefined>,
  readFile: (path: string) => string,
): RunContext {
  const credentials = readCredentialsFile(env, readFile);
  for (const secret of credentials?.secrets ?? []) mask(secret);
  let project = inputs.projectId;
  let projectSource = 'input project-id';
  for (const name of PROJECT_VARIABLES) {
    if (project !== undefined) break;
    const value = env[name]?.trim();
    if (value) {
      project = value;
      projectSource = name;
    }
  }
  if (project === undefined && credentials?.projectId !== undefined) {
    project = credentials.projectId;
    projectSource = credentials.path;
  }
  if (project === undefined) {
    throw new InputError([
      {
        input: 'project-id',
        message: `is required: set it, or let google-github-actions/auth export ${PROJECT_VARIABLES[0]} (its project_id input)`,
      },
    ]);
  }
  const sha = env.GITHUB_SHA?.trim().toLowerCase();
  return {
    project,
    projectSource,
    sha: sha !== undefined && /^[0-9a-f]{40}$/.test(sha) ? sha : undefined,
    workspace: env.GITHUB_WORKSPACE?.trim() || process.cwd(),
    credentials,
    identity: describeIdentity(credentials),
  };
}
