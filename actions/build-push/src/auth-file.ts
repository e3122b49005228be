/**
 * The action's own credential store under RUNNER_TEMP: a containers auth.json for Buildah, or a DOCKER_CONFIG
 * directory for Buildx. Seeded with the logins the job already has (a private base image pulled with a login
 * from an earlier step keeps working), written 0600, and removed by the action and, whatever happens, by its
 * post step.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdir, rm, symlink, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { basename, dirname, join, resolve, sep } from 'node:path';

/** The prefix of every work directory the action makes under RUNNER_TEMP; the post step removes only these. */
export const WORK_DIR_PREFIX = 'slipway-build-push-';

/** The state key the post step reads. */
export const WORK_DIR_STATE = 'work-dir';

type AuthConfig = {
  auths?: Record<string, unknown>;
  credHelpers?: Record<string, string>;
  [key: string]: unknown;
};

function readJson(path: string): AuthConfig | undefined {
  try {
    const value = JSON.parse(readFileSync(path, 'utf8')) as unknown;
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as AuthConfig)
      : undefined;
  } catch {
    return undefined;
  }
}

/** The user's Docker config directory: `DOCKER_CONFIG`, else `~/.docker`. */
export function userDockerConfigDir(env: NodeJS.ProcessEnv): string {
  return env.DOCKER_CONFIG !== undefined && env.DOCKER_CONFIG !== ''
    ? env.DOCKER_CONFIG
    : join(homedir(), '.docker');
}

/** The auth file Buildah would read without `--authfile`, in containers-auth.json(5) order, if one exists. */
export function userContainersAuthFile(env: NodeJS.ProcessEnv): string | undefined {
  const candidates = [
    env.REGISTRY_AUTH_FILE,
    env.XDG_RUNTIME_DIR ? join(env.XDG_RUNTIME_DIR, 'containers', 'auth.json') : undefined,
    join(homedir(), '.config', 'containers', 'auth.json'),
    join(userDockerConfigDir(env), 'config.json'),
  ];
  return candidates.find((c): c is string => c !== undefined && c !== '' && existsSync(c));
}

/**
 * The seed of the action's auth file: the user's `auths` and `credHelpers`, minus anything for the hosts the
 * action logs in to (its own login wins), and never a `credsStore`, which would send the action's passwords to a
 * keychain that outlives the job.
 */
export function seedAuthConfig(
  user: AuthConfig | undefined,
  hosts: readonly string[],
  keepOther: boolean,
): AuthConfig {
  const auths = { ...(user?.auths ?? {}) };
  const credHelpers = { ...(user?.credHelpers ?? {}) };
  for (const host of hosts) {
    delete auths[host];
    delete credHelpers[host];
  }
  const rest: AuthConfig = {};
  if (keepOther && user !== undefined) {
    for (const [key, value] of Object.entries(user)) if (key !== 'credsStore') rest[key] = value;
  }
  return { ...rest, auths, ...(Object.keys(credHelpers).length > 0 ? { credHelpers } : {}) };
}

/**
 * Creates the work directory (0700) and the engine's auth file in it. For Buildx, the directory becomes a
 * DOCKER_CONFIG whose other entries (buildx builders, contexts, CLI plugins) link to the user's, so the builder
 * set up by docker/setup-buildx-action is still the one used.
 */
export async function prepareWorkDir(
  workDir: string,
  engine: 'buildx' | 'buildah',
  authFile: string,
  hosts: readonly string[],
  env: NodeJS.ProcessEnv,
): Promise<void> {
  await mkdir(workDir, { recursive: true, mode: 0o700 });
  if (engine === 'buildah') {
    const user = userContainersAuthFile(env);
    const seed = seedAuthConfig(user === undefined ? undefined : readJson(user), hosts, false);
    await writeFile(authFile, `${JSON.stringify(seed, null, 2)}\n`, { mode: 0o600 });
    return;
  }
  const userDir = resolve(userDockerConfigDir(env));
  const dockerConfig = dirname(authFile);
  await mkdir(dockerConfig, { recursive: true, mode: 0o700 });
  const seed = seedAuthConfig(readJson(join(userDir, 'config.json')), hosts, true);
  await writeFile(authFile, `${JSON.stringify(seed, null, 2)}\n`, { mode: 0o600 });
  if (!existsSync(userDir)) return;
  for (const entry of readdirSync(userDir)) {
    if (entry === 'config.json') continue;
    await symlink(join(userDir, entry), join(dockerConfig, entry)).catch(() => undefined);
  }
}

/**
 * True when `path` is a work directory this action made: directly under `runnerTemp`, named with the action's
 * prefix. The post step checks this before removing what the state names.
 */
export function isOwnWorkDir(path: string, runnerTemp: string): boolean {
  const dir = resolve(path);
  return (
    dirname(dir) === resolve(runnerTemp) &&
    basename(dir).startsWith(WORK_DIR_PREFIX) &&
    !dir.includes(`${sep}..`)
  );
}

/** Removes a work directory and everything in it (auth file included); absent is fine. */
export async function removeWorkDir(path: string): Promise<void> {
  await rm(path, { recursive: true, force: true });
}
