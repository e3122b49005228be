/**
 * The build-push action's inputs: the only code that reads them. Every input is checked here, before any file is
 * read, any engine is asked or any cloud SDK is loaded, and every problem is reported at once.
 */
import { isValidTag, parseImageRef, readInputs as readWith } from '@slipway/core';
import type { ImageRef, InputReader, InputSource } from '@slipway/core';

/** The inputs action.yml declares, in its order. A contract test keeps the two equal. */
export const INPUT_NAMES = [
  'images',
  'tags',
  'auto-tags',
  'labels',
  'annotations',
  'context',
  'file',
  'target',
  'build-args',
  'secrets',
  'platforms',
  'engine',
  'cache',
  'push',
  'provenance',
  'sbom',
  'registry-type',
  'username',
  'password',
  'aws-region',
  'create-repository',
  'scan-on-push',
  'tag-immutability',
  'lifecycle-policy',
  'renew-before',
  'insecure-registries',
  'dry-run',
] as const;

/** One input name. */
export type InputName = (typeof INPUT_NAMES)[number];

/** Tags derived from the git context. */
export const AUTO_TAGS = ['sha', 'long-sha', 'branch', 'pr', 'semver', 'latest'] as const;
/** One of {@link AUTO_TAGS}. */
export type AutoTag = (typeof AUTO_TAGS)[number];

/** Build engines. `auto`: Buildx when a Docker daemon answers, else Buildah. */
export const ENGINES = ['auto', 'buildx', 'buildah'] as const;
/** One of {@link ENGINES}. */
export type EngineChoice = (typeof ENGINES)[number];

/** Build cache kinds. `auto`: `gha` on Buildx, `none` on Buildah. */
export const CACHES = ['auto', 'gha', 'registry', 'none'] as const;
/** One of {@link CACHES}. */
export type CacheChoice = (typeof CACHES)[number];

/** Provenance attestations (Buildx only). `auto`: the engine's default. */
export const PROVENANCE = ['auto', 'false', 'min', 'max'] as const;
/** One of {@link PROVENANCE}. */
export type ProvenanceChoice = (typeof PROVENANCE)[number];

/** How the action logs in to a registry. `auto`: from the host name. */
export const REGISTRY_TYPES = ['auto', 'ecr', 'artifact-registry', 'oci'] as const;
/** One of {@link REGISTRY_TYPES}. */
export type RegistryTypeChoice = (typeof REGISTRY_TYPES)[number];

/** An image repository to push to, as given and parsed. */
export interface ImageInput {
  /** As written in `images`. */
  text: string;
  ref: ImageRef;
}

/** The action's inputs, typed and checked. */
export interface Inputs {
  images: ImageInput[];
  tags: string[];
  autoTags: AutoTag[];
  labels: Record<string, string>;
  annotations: Record<string, string>;
  context: string;
  file: string | undefined;
  target: string | undefined;
  buildArgs: Record<string, string>;
  secrets: Record<string, string>;
  platforms: string[];
  engine: EngineChoice;
  cache: CacheChoice;
  push: boolean;
  provenance: ProvenanceChoice;
  sbom: boolean;
  registryType: RegistryTypeChoice;
  username: string | undefined;
  password: string | undefined;
  awsRegion: string | undefined;
  createRepository: boolean;
  scanOnPush: boolean;
  tagImmutability: boolean;
  /** Lifecycle policy JSON, compacted. */
  lifecyclePolicy: string | undefined;
  renewBeforeMs: number;
  insecureRegistries: string[];
  dryRun: boolean;
}

const PLATFORM = /^[a-z0-9]+\/[a-z0-9_]+(?:\/[a-z0-9]+)?$/;
const SECRET_ID = /^[A-Za-z0-9_.-]+$/;
const REGION = /^[a-z]{2}(?:-[a-z]+)+-\d+$/;
const STAGE = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;
const HOST =
  /^(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*|\[[0-9a-fA-F:.]+\])(?::\d+)?$/;

const quoted = (s: string) => JSON.stringify(s.length > 60 ? `${s.slice(0, 59)}…` : s);

/** Reads and checks every input; throws one `InputError` naming each bad one. */
export function readInputs(source?: InputSource): Inputs {
  return readWith((r) => build(r), source);
}

function readImages(r: InputReader): ImageInput[] {
  const images: ImageInput[] = [];
  for (const text of r.list('images', { required: true, unique: true })) {
    let ref: ImageRef;
    try {
      ref = parseImageRef(text);
    } catch (e) {
      r.fail('images', e instanceof Error ? e.message : String(e));
      continue;
    }
    if (ref.tag !== undefined || ref.digest !== undefined) {
      r.fail(
        'images',
        `${quoted(text)} has a tag or digest: list repositories only, and put tags in \`tags\``,
      );
      continue;
    }
    images.push({ text, ref });
  }
  return images;
}

function readTags(r: InputReader): string[] {
  const tags = r.list('tags', { unique: true });
  const bad = tags.filter((t) => !isValidTag(t));
  if (bad.length > 0) {
    r.fail(
      'tags',
      `${bad.map(quoted).join(', ')} ${bad.length > 1 ? 'are not valid tags' : 'is not a valid tag'} (a letter, digit or _, then up to 127 letters, digits, _ . or -)`,
    );
  }
  return tags.filter(isValidTag);
}

/** The `auto-tags` default of action.yml, also used when the input is not set at all (a run outside Actions). */
export const DEFAULT_AUTO_TAGS: readonly AutoTag[] = ['sha', 'branch', 'pr', 'semver', 'latest'];

function readAutoTags(r: InputReader): AutoTag[] {
  const kinds = r.list('auto-tags', { unique: true });
  if (kinds.length === 0) return [...DEFAULT_AUTO_TAGS];
  if (kinds.length === 1 && kinds[0] === 'none') return [];
  const unknown = kinds.filter((k) => !(AUTO_TAGS as readonly string[]).includes(k));
  if (unknown.length > 0) {
    r.fail(
      'auto-tags',
      `unknown kind ${unknown.map(quoted).join(', ')}: use ${AUTO_TAGS.map((k) => `\`${k}\``).join(', ')}, or \`none\` alone`,
    );
    return [];
  }
  return kinds as AutoTag[];
}

function readPlatforms(r: InputReader): string[] {
  const platforms = r.list('platforms', { unique: true });
  const bad = platforms.filter((p) => !PLATFORM.test(p));
  if (bad.length > 0) {
    r.fail(
      'platforms',
      `${bad.map(quoted).join(', ')}: write OS/ARCH or OS/ARCH/VARIANT, e.g. linux/amd64, linux/arm64/v8`,
    );
  }
  return platforms;
}

function readSecrets(r: InputReader): Record<string, string> {
  const secrets = r.map('secrets');
  const bad = Object.keys(secrets).filter((id) => !SECRET_ID.test(id));
  if (bad.length > 0)
    r.fail('secrets', `secret id ${bad.map(quoted).join(', ')} holds characters outside A-Z a-z 0-9 _ . -`);
  return secrets;
}

function readLifecyclePolicy(r: InputReader): string | undefined {
  const policy = r.structured<unknown>('lifecycle-policy', { format: 'json' });
  if (policy === undefined) return undefined;
  const rules =
    typeof policy === 'object' && policy !== null ? (policy as { rules?: unknown }).rules : undefined;
  if (!Array.isArray(rules) || rules.length === 0) {
    r.fail(
      'lifecycle-policy',
      'must be an ECR lifecycle policy: a JSON object with a non-empty `rules` list',
    );
    return undefined;
  }
  return JSON.stringify(policy);
}

function readHosts(r: InputReader): string[] {
  const hosts = r.list('insecure-registries', { unique: true });
  const bad = hosts.filter((h) => !HOST.test(h));
  if (bad.length > 0)
    r.fail('insecure-registries', `${bad.map(quoted).join(', ')}: list registry hosts (HOST or HOST:PORT)`);
  return hosts.map((h) => h.toLowerCase());
}

function build(r: InputReader): Inputs {
  const images = readImages(r);
  const tags = readTags(r);
  const autoTags = readAutoTags(r);
  const labels = r.map('labels');
  const annotations = r.map('annotations');
  const context = r.string('context', { default: '.' });
  const file = r.optionalString('file');
  const target = r.optionalString('target');
  if (target !== undefined && !STAGE.test(target))
    r.fail('target', `${quoted(target)} is not a build stage name`);
  const buildArgs = r.map('build-args');
  const secrets = readSecrets(r);
  const platforms = readPlatforms(r);
  const engine = r.enum('engine', ENGINES, { default: 'auto' });
  const cache = r.enum('cache', CACHES, { default: 'auto' });
  const push = r.boolean('push', { default: true });
  const provenance = r.enum('provenance', PROVENANCE, { default: 'auto' });
  const sbom = r.boolean('sbom', { default: false });
  const registryType = r.enum('registry-type', REGISTRY_TYPES, { default: 'auto' });
  const username = r.optionalString('username');
  const password = r.optionalString('password');
  if ((username === undefined) !== (password === undefined)) {
    r.fail(
      username === undefined ? 'username' : 'password',
      'username and password go together: set both or neither',
    );
  }
  if (username !== undefined && (registryType === 'ecr' || registryType === 'artifact-registry')) {
    r.fail(
      'username',
      `is for OCI registries; with registry-type ${registryType} the action logs in with cloud credentials`,
    );
  }
  const awsRegion =
    r.string('aws-region', { pattern: REGION, hint: 'an AWS region such as eu-west-1' }) || undefined;
  const createRepository = r.boolean('create-repository', { default: false });
  const scanOnPush = r.boolean('scan-on-push', { default: true });
  const tagImmutability = r.boolean('tag-immutability', { default: false });
  const lifecyclePolicy = readLifecyclePolicy(r);
  const renewBeforeMs = r.duration('renew-before', { default: '10m', min: '1m', max: '11h' });
  const insecureRegistries = readHosts(r);
  const dryRun = r.boolean('dry-run', { default: false });
  return {
    images,
    tags,
    autoTags,
    labels,
    annotations,
    context,
    file,
    target,
    buildArgs,
    secrets,
    platforms,
    engine,
    cache,
    push,
    provenance,
    sbom,
    registryType,
    username,
    password,
    awsRegion,
    createRepository,
    scanOnPush,
    tagImmutability,
    lifecyclePolicy,
    renewBeforeMs,
    insecureRegistries,
    dryRun,
  };
}
