/**
 * Engine commands as data: a program and its argument array (never a shell string), planned by the engines'
 * pure planners and run by `apply`. Secrets never appear in a command: passwords go to stdin, build secrets to
 * environment variables named here and filled in at run time.
 */

/** One program run. */
export interface Command {
  /** What the step does, for the log and the plan. */
  title: string;
  command: string;
  args: string[];
  /** Build secrets as environment variables: variable name → secret id (values are filled in at run time). */
  secretEnv?: Record<string, string>;
}

/** Stands for the image digest in push and tag commands until the build has made it. */
export const DIGEST = '<digest>';

/** A command with {@link DIGEST} replaced by `digest`. */
export function withDigestArg(command: Command, digest: string): Command {
  const fill = (text: string) => text.split(DIGEST).join(digest);
  return { ...command, title: fill(command.title), args: command.args.map(fill) };
}

/** A command line for the log and the plan: arguments quoted where a shell would need it. */
export function formatCommand(command: Command): string {
  const quote = (a: string) => (/^[\w@%+=:,./<>-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`);
  return [command.command, ...command.args].map(quote).join(' ');
}

/** Build settings both engines understand, with paths resolved. */
export interface EngineSpec {
  /** Directory under RUNNER_TEMP for the auth file, the image layout and result files. */
  workDir: string;
  context: string;
  file: string;
  target: string | undefined;
  buildArgs: Record<string, string>;
  /** Build secret ids, in order; the i-th travels in the environment variable `SLIPWAY_SECRET_<i>`. */
  secretIds: string[];
  platforms: string[];
  labels: Record<string, string>;
  annotations: Record<string, string>;
  cache: CachePlan;
  provenance: 'auto' | 'false' | 'min' | 'max';
  sbom: boolean;
  push: boolean;
  /** Repositories (`host/path`) with whether their host is reached without TLS. */
  images: Array<{ name: string; insecure: boolean }>;
  tags: string[];
}

/** Where the build cache lives. */
export type CachePlan = { kind: 'none' } | { kind: 'gha'; scope: string } | { kind: 'registry'; ref: string };

/** What an engine will run, and where it leaves the digest. */
export interface EnginePlan {
  engine: 'buildx' | 'buildah';
  /** The auth file the engine reads (Buildah: containers auth.json; Buildx: DOCKER_CONFIG/config.json). */
  authFile: string;
  /** Environment every command of this engine gets (Buildx: DOCKER_CONFIG). */
  env: Record<string, string>;
  build: Command[];
  /** Pushes by digest, one per repository, before any tag moves. */
  push: Command[];
  /** Tags, after every repository has the digest. */
  tag: Command[];
  /** Where the digest of the built image (or index) is read from after `build`. */
  digest: { kind: 'digestfile'; path: string } | { kind: 'metadata'; path: string } | { kind: 'none' };
  /** Buildah: the OCI image layout the pushes copy from (sizes and platforms are read from it). */
  layout: string | undefined;
}

/** The environment variable that carries the i-th build secret. */
export function secretEnvName(index: number): string {
  return `SLIPWAY_SECRET_${index}`;
}

/** `KEY=VALUE` pairs for repeated flags, in key order so plans compare stably. */
export function pairs(flag: string, values: Record<string, string>): string[] {
  return Object.keys(values)
    .sort()
    .flatMap((key) => [flag, `${key}=${values[key]}`]);
}
