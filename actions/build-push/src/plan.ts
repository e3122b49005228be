/**
 * The whole build-push plan as data: registries and how to log in, repositories to create, tags, labels, the
 * engine's commands. Pure (context, observations, work directory and time come in), so whole plans are
 * table-tested and `dry-run` shows exactly what would run.
 */
import { InputError } from '@slipway/core';
import type { InputProblem } from '@slipway/core';
import { buildahLogin, planBuildah } from './engine-buildah.js';
import { buildxLogin, planBuildx } from './engine-buildx.js';
import type { CachePlan, Command, EnginePlan, EngineSpec } from './commands.js';
import type { RunContext } from './context.js';
import type { Inputs } from './inputs.js';
import { ociMetadata, planTags } from './metadata.js';
import type { PlannedTag } from './metadata.js';
import type { Observed } from './observe.js';
import { planRegistries } from './registries.js';
import type { ImageTarget, RegistryTarget, RegistryType } from './registries.js';

/** The user name each registry type logs in with (OCI: the `username` input). */
const USERNAMES: Record<Exclude<RegistryType, 'oci'>, string> = {
  ecr: 'AWS',
  'artifact-registry': 'oauth2accesstoken',
};

/** One registry login: who, and the engine command that gets the password on stdin. */
export interface LoginPlan {
  host: string;
  type: RegistryType;
  username: string;
  insecure: boolean;
  command: Command;
}

/** A repository to create (or bring in line) before pushing. */
export type RepositoryPlan =
  | {
      kind: 'ecr';
      host: string;
      region: string;
      /** Omitted for a host that does not name its account: the caller's own registry. */
      registryId: string | undefined;
      repositoryName: string;
      scanOnPush: boolean;
      tagMutability: 'MUTABLE' | 'IMMUTABLE';
      lifecyclePolicy: string | undefined;
    }
  | { kind: 'artifact-registry'; host: string; project: string; location: string; repository: string };

/** Everything the action will do. */
export interface Plan {
  /** The run's own directory under RUNNER_TEMP; removed at the end, and by the post step. */
  workDir: string;
  engine: 'buildx' | 'buildah';
  engineReason: string;
  images: ImageTarget[];
  registries: RegistryTarget[];
  logins: LoginPlan[];
  repositories: RepositoryPlan[];
  tags: PlannedTag[];
  /** Every `repository:tag` the push will set. */
  references: string[];
  labels: Record<string, string>;
  annotations: Record<string, string>;
  platforms: string[];
  cache: CachePlan;
  push: boolean;
  /** Build secret ids (values stay in the inputs, never in the plan). */
  secretIds: string[];
  renewBeforeMs: number;
  commands: EnginePlan;
  warnings: string[];
}

/** What the planner is given besides inputs, context and observations. */
export interface PlanOptions {
  /** The run's own directory under RUNNER_TEMP (auth file, OCI layout, result files). */
  workDir: string;
  /** The build time, for `org.opencontainers.image.created`. */
  now: Date;
}

function planCache(
  inputs: Inputs,
  engine: 'buildx' | 'buildah',
  images: ImageTarget[],
  problems: InputProblem[],
): CachePlan {
  const first = images[0];
  const kind = inputs.cache === 'auto' ? (engine === 'buildx' ? 'gha' : 'none') : inputs.cache;
  if (kind === 'none' || first === undefined) return { kind: 'none' };
  if (engine === 'buildah') {
    problems.push({
      input: 'cache',
      message: `\`${kind}\` is a Buildx cache; Buildah keeps its layers locally: use cache: none (or auto), or engine: buildx`,
    });
    return { kind: 'none' };
  }
  if (kind === 'gha') return { kind: 'gha', scope: first.repository.replace(/[^\w.-]/g, '-') };
  return { kind: 'registry', ref: `${first.name}:buildcache` };
}

function planAttestations(inputs: Inputs, engine: 'buildx' | 'buildah', problems: InputProblem[]): void {
  if (engine !== 'buildah') return;
  if (inputs.provenance === 'min' || inputs.provenance === 'max') {
    problems.push({
      input: 'provenance',
      message: 'Buildah makes no provenance attestations: use engine: buildx, or provenance: auto',
    });
  }
  if (inputs.sbom)
    problems.push({
      input: 'sbom',
      message: 'Buildah makes no SBOM attestations: use engine: buildx, or sbom: false',
    });
}

function planLogins(inputs: Inputs, registries: RegistryTarget[], engine: EnginePlan): LoginPlan[] {
  const logins: LoginPlan[] = [];
  for (const registry of registries) {
    const username = registry.type === 'oci' ? inputs.username : USERNAMES[registry.type];
    // An OCI registry without a username is pushed to anonymously (a local or CI-internal registry).
    if (username === undefined) continue;
    const command =
      engine.engine === 'buildah'
        ? buildahLogin(engine.authFile, registry.host, username, registry.insecure)
        : buildxLogin(registry.host, username);
    logins.push({ host: registry.host, type: registry.type, username, insecure: registry.insecure, command });
  }
  return logins;
}

function planRepositories(
  inputs: Inputs,
  registries: RegistryTarget[],
  images: ImageTarget[],
  problems: InputProblem[],
): RepositoryPlan[] {
  if (!inputs.createRepository) return [];
  const repositories: RepositoryPlan[] = [];
  const seen = new Set<string>();
  for (const image of images) {
    const registry = registries.find((r) => r.host === image.host)!;
    if (image.type === 'ecr' && registry.region !== undefined) {
      repositories.push({
        kind: 'ecr',
        host: image.host,
        region: registry.region,
        registryId: registry.accountId,
        repositoryName: image.repository,
        scanOnPush: inputs.scanOnPush,
        tagMutability: inputs.tagImmutability ? 'IMMUTABLE' : 'MUTABLE',
        lifecyclePolicy: inputs.lifecyclePolicy,
      });
    } else if (image.type === 'artifact-registry' && image.artifactRegistry !== undefined) {
      const { location, project, repository } = image.artifactRegistry;
      if (location === undefined) {
        problems.push({
          input: 'create-repository',
          message: `${image.host} does not name an Artifact Registry location (LOCATION-docker.pkg.dev): create ${project}/${repository} beforehand`,
        });
        continue;
      }
      const key = `${location}/${project}/${repository}`;
      if (seen.has(key)) continue;
      seen.add(key);
      repositories.push({ kind: 'artifact-registry', host: image.host, project, location, repository });
    }
  }
  return repositories;
}

function planWarnings(inputs: Inputs, registries: RegistryTarget[], engine: 'buildx' | 'buildah'): string[] {
  const warnings: string[] = [];
  const types = new Set(registries.map((r) => r.type));
  if (inputs.username !== undefined && !types.has('oci')) {
    warnings.push('`username`/`password` are unused: no image is on a plain OCI registry');
  }
  if (inputs.createRepository && !types.has('ecr') && !types.has('artifact-registry')) {
    warnings.push(
      '`create-repository` creates ECR and Artifact Registry repositories only; the OCI registries here create them on push',
    );
  }
  if (inputs.lifecyclePolicy !== undefined && !types.has('ecr'))
    warnings.push('`lifecycle-policy` applies to ECR repositories only');
  if (inputs.lifecyclePolicy !== undefined && !inputs.createRepository) {
    warnings.push('`lifecycle-policy` is applied only with `create-repository: true`');
  }
  if (!inputs.push && inputs.createRepository) warnings.push('`push: false`: no repository is created');
  if (engine === 'buildx' && registries.some((r) => r.insecure)) {
    warnings.push(
      'Buildx pushes to plain-HTTP registries only when the builder allows them (registry.insecure is set on the output)',
    );
  }
  return warnings;
}

/**
 * Plans the build. Throws one `InputError` for every problem found across inputs that only shows once the
 * context and engine are known (no tags for this ref, an engine that lacks an asked-for feature, an ECR host
 * without a region).
 */
export function planBuild(inputs: Inputs, ctx: RunContext, observed: Observed, opts: PlanOptions): Plan {
  const problems: InputProblem[] = [];
  const {
    registries,
    images,
    problems: registryProblems,
  } = planRegistries(inputs.images, {
    registryType: inputs.registryType,
    insecure: inputs.insecureRegistries,
    awsRegion: inputs.awsRegion ?? ctx.awsRegion,
  });
  problems.push(...registryProblems);
  const { tags, version } = planTags(ctx, inputs.autoTags, inputs.tags);
  if (tags.length === 0) {
    problems.push({
      input: 'tags',
      message: `no tag for this run (${ctx.ref || 'no ref'}, auto-tags: ${inputs.autoTags.join(', ') || 'none'}): list tags in \`tags\``,
    });
  }
  const metadata = ociMetadata(ctx, version, opts.now);
  const labels = { ...metadata, ...inputs.labels };
  const annotations = { ...metadata, ...inputs.annotations };
  const cache = planCache(inputs, observed.engine, images, problems);
  planAttestations(inputs, observed.engine, problems);
  const repositories = planRepositories(inputs, registries, images, problems);
  if (problems.length > 0) throw new InputError(problems);

  const secretIds = Object.keys(inputs.secrets).sort();
  const tagNames = tags.map((t) => t.tag);
  const spec: EngineSpec = {
    workDir: opts.workDir,
    context: observed.context,
    file: observed.file,
    target: inputs.target,
    buildArgs: inputs.buildArgs,
    secretIds,
    platforms: inputs.platforms,
    labels,
    annotations,
    cache,
    provenance: inputs.provenance,
    sbom: inputs.sbom,
    push: inputs.push,
    images: images.map((i) => ({
      name: i.name,
      insecure: registries.find((r) => r.host === i.host)!.insecure,
    })),
    tags: tagNames,
  };
  const commands = observed.engine === 'buildah' ? planBuildah(spec) : planBuildx(spec);
  // Without a push (a pull request from a fork, say) no cloud credential is needed, unless the cache is in the
  // registry.
  const needsLogin = inputs.push || cache.kind === 'registry';
  return {
    workDir: opts.workDir,
    engine: observed.engine,
    engineReason: observed.engineReason,
    images,
    registries,
    logins: needsLogin ? planLogins(inputs, registries, commands) : [],
    repositories: inputs.push ? repositories : [],
    tags,
    references: images.flatMap((i) => tagNames.map((t) => `${i.name}:${t}`)),
    labels,
    annotations,
    platforms: inputs.platforms,
    cache,
    push: inputs.push,
    secretIds,
    renewBeforeMs: inputs.renewBeforeMs,
    commands,
    warnings: planWarnings(inputs, registries, observed.engine),
  };
}
