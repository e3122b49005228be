/**
 * Docker Buildx, honouring the builder `docker/setup-buildx-action` set up. The build pushes by digest only
 * (`push-by-digest=true`: no tag moves), its digest is read from `--metadata-file`, and then
 * `docker buildx imagetools create` puts every tag on that digest in each repository. Credentials live in the
 * action's own DOCKER_CONFIG under RUNNER_TEMP, which links back to the user's builders, contexts and CLI plugins.
 * Pure: plans commands, runs nothing.
 */
import { join } from 'node:path';
import { DIGEST, pairs, secretEnvName } from './commands.js';
import type { CachePlan, Command, EnginePlan, EngineSpec } from './commands.js';

/** `docker login` for one registry: the password comes on stdin; DOCKER_CONFIG points at the action's file. */
export function buildxLogin(host: string, username: string): Command {
  return {
    title: `log in to ${host}`,
    command: 'docker',
    args: ['login', '--username', username, '--password-stdin', host],
  };
}

function cacheArgs(cache: CachePlan): string[] {
  switch (cache.kind) {
    case 'none':
      return [];
    case 'gha':
      return [
        '--cache-from',
        `type=gha,scope=${cache.scope}`,
        '--cache-to',
        `type=gha,mode=max,scope=${cache.scope}`,
      ];
    case 'registry':
      // ECR accepts registry caches only as image manifests (image-manifest=true, OCI media types).
      return [
        '--cache-from',
        `type=registry,ref=${cache.ref}`,
        '--cache-to',
        `type=registry,ref=${cache.ref},mode=max,image-manifest=true,oci-mediatypes=true`,
      ];
  }
}

/** A CSV field for `--output`: quoted when it holds a comma, as buildx parses it. */
function csvField(field: string): string {
  return field.includes(',') || field.includes('"') ? `"${field.replace(/"/g, '""')}"` : field;
}

function outputArg(spec: EngineSpec): string {
  const names = spec.images.map((i) => i.name).join(',');
  const fields = ['type=image', `name=${names}`];
  if (spec.push) {
    fields.push('push-by-digest=true', 'name-canonical=true', 'push=true');
    if (spec.images.some((i) => i.insecure)) fields.push('registry.insecure=true');
  } else {
    fields.push('push=false');
  }
  return fields.map(csvField).join(',');
}

function attestationArgs(spec: EngineSpec): string[] {
  const args: string[] = [];
  if (spec.provenance === 'false') args.push('--provenance=false');
  else if (spec.provenance !== 'auto') args.push(`--provenance=mode=${spec.provenance}`);
  if (spec.sbom) args.push('--sbom=true');
  return args;
}

/** Plans a Buildx build that pushes by digest, then one `imagetools create` per repository for the tags. */
export function planBuildx(spec: EngineSpec): EnginePlan {
  const dockerConfig = join(spec.workDir, 'docker');
  const metadata = join(spec.workDir, 'metadata.json');
  const multi = spec.platforms.length > 1;
  const secretEnv = Object.fromEntries(spec.secretIds.map((id, i) => [secretEnvName(i), id]));
  const annotations = multi
    ? {
        ...spec.annotations,
        ...Object.fromEntries(Object.entries(spec.annotations).map(([k, v]) => [`index:${k}`, v])),
      }
    : spec.annotations;
  const build: Command = {
    title: spec.push ? 'build and push by digest' : 'build',
    command: 'docker',
    args: [
      'buildx',
      'build',
      '--file',
      spec.file,
      ...(spec.target === undefined ? [] : ['--target', spec.target]),
      ...pairs('--build-arg', spec.buildArgs),
      ...spec.secretIds.flatMap((id, i) => ['--secret', `id=${id},env=${secretEnvName(i)}`]),
      ...(spec.platforms.length > 0 ? ['--platform', spec.platforms.join(',')] : []),
      ...pairs('--label', spec.labels),
      ...pairs('--annotation', annotations),
      ...cacheArgs(spec.cache),
      ...attestationArgs(spec),
      '--metadata-file',
      metadata,
      '--output',
      outputArg(spec),
      spec.context,
    ],
    ...(spec.secretIds.length > 0 ? { secretEnv } : {}),
  };
  const tag: Command[] =
    spec.push && spec.tags.length > 0
      ? spec.images.map((image) => ({
          title: `tag ${image.name}`,
          command: 'docker',
          args: [
            'buildx',
            'imagetools',
            'create',
            ...spec.tags.flatMap((t) => ['--tag', `${image.name}:${t}`]),
            `${image.name}@${DIGEST}`,
          ],
        }))
      : [];
  return {
    engine: 'buildx',
    authFile: join(dockerConfig, 'config.json'),
    env: { DOCKER_CONFIG: dockerConfig },
    build: [build],
    push: [],
    tag,
    digest: spec.push ? { kind: 'metadata', path: metadata } : { kind: 'none' },
    layout: undefined,
  };
}
