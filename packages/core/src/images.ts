/**
 * Container image references, per the distribution reference grammar and the OCI image spec, with what
 * Slipway needs to know about the registries it deploys from (ECR, Artifact Registry, Container Registry).
 */

/** The AWS partitions that host ECR. */
export type AwsPartition = 'aws' | 'aws-cn' | 'aws-us-gov' | 'aws-iso' | 'aws-iso-b';

/** A parsed, normalised image reference. */
export interface ImageRef {
  /** Registry host (and port); `docker.io` for Docker Hub. */
  registry: string;
  /** Repository path; Docker Hub official images get `library/` (`library/nginx`). */
  repository: string;
  tag: string | undefined;
  digest: string | undefined;
  /** Set for private ECR registries. */
  ecr?: { accountId: string; region: string; fips: boolean; partition: AwsPartition };
  /** Set for Artifact Registry (`LOCATION-docker.pkg.dev`); `image` may hold several path components. */
  artifactRegistry?: { location: string; project: string; repository: string; image: string };
  /** Set for Container Registry (`gcr.io`, `us.gcr.io`, …). */
  gcr?: { host: string; project: string };
}

const DOCKER_HUB = 'docker.io';
const DOMAIN_COMPONENT = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const DOMAIN = new RegExp(
  `^(?:${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})*|\\[[a-fA-F0-9:.]+\\])(?::[0-9]+)?$`,
);
const PATH_COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const TAG = /^[\w][\w.-]{0,127}$/;
const ALGORITHM = /^[a-z0-9]+(?:[+._-][a-z0-9]+)*$/;
const ENCODED = /^[a-zA-Z0-9=_-]+$/;
// Registered algorithms have a fixed encoding (OCI image spec, "Digests").
const REGISTERED: Record<string, RegExp> = {
  sha256: /^[a-f0-9]{64}$/,
  sha512: /^[a-f0-9]{128}$/,
  blake3: /^[a-f0-9]{64}$/,
};
const MAX_NAME_LENGTH = 255;

const ECR_HOST =
  /^(\d{12})\.dkr\.ecr(-fips)?\.([a-z]{2}(?:-[a-z]+)+-\d+)\.(amazonaws\.com|amazonaws\.com\.cn|c2s\.ic\.gov|sc2s\.sgov\.gov)$/;
const ARTIFACT_REGISTRY_HOST = /^([a-z0-9-]+)-docker\.pkg\.dev$/;
const GCR_HOST = /^(?:[a-z]+\.)?gcr\.io$/;

function invalid(ref: string, what: string): Error {
  return new Error(`invalid image reference ${JSON.stringify(ref)}: ${what}`);
}

/** Why `digest` is not a valid OCI digest, or `undefined` when it is. */
function digestProblem(digest: string): string | undefined {
  const colon = digest.indexOf(':');
  if (colon <= 0) return 'a digest is ALGORITHM:HEX, such as sha256:<64 hex digits>';
  const algorithm = digest.slice(0, colon);
  const encoded = digest.slice(colon + 1);
  if (!ALGORITHM.test(algorithm)) return `digest algorithm ${JSON.stringify(algorithm)} is not valid`;
  const registered = REGISTERED[algorithm];
  if (registered && !registered.test(encoded)) {
    const hex = algorithm === 'sha512' ? 128 : 64;
    return `a ${algorithm} digest is ${hex} lowercase hex digits, got ${encoded.length} characters`;
  }
  if (!ENCODED.test(encoded)) return 'the digest holds characters outside [a-zA-Z0-9=_-]';
  return undefined;
}

/** True when `tag` is a valid image tag: a word character, then up to 127 word characters, `.` or `-`. */
export function isValidTag(tag: string): boolean {
  return TAG.test(tag);
}

function looksLikeDomain(component: string): boolean {
  return component.includes('.') || component.includes(':') || component === 'localhost';
}

/**
 * Parses and normalises an image reference: `nginx` → `docker.io/library/nginx`, `user/app` →
 * `docker.io/user/app`, `index.docker.io` → `docker.io`; hosts with ports (`localhost:5000/a/b:tag`); tags;
 * digests (`sha256:<64 hex>` and other OCI algorithms); and registry details for ECR (commercial, FIPS, China,
 * GovCloud, ISO), Artifact Registry and Container Registry. Throws an `Error` naming the reference and what
 * is wrong with it.
 */
export function parseImageRef(ref: string): ImageRef {
  if (ref.trim() === '') throw new Error('invalid image reference: it is empty');
  if (/\s/.test(ref)) throw invalid(ref, 'it contains whitespace');
  if (/^[a-z]+:\/\//i.test(ref)) throw invalid(ref, 'write it without a URL scheme (no https://)');

  const at = ref.indexOf('@');
  if (at !== -1 && ref.indexOf('@', at + 1) !== -1) throw invalid(ref, "it has more than one '@'");
  const digest = at === -1 ? undefined : ref.slice(at + 1);
  const nameAndTag = at === -1 ? ref : ref.slice(0, at);
  if (digest !== undefined) {
    const problem = digestProblem(digest);
    if (problem) throw invalid(ref, problem);
  }

  const lastSlash = nameAndTag.lastIndexOf('/');
  const colon = nameAndTag.indexOf(':', lastSlash + 1);
  const name = colon === -1 ? nameAndTag : nameAndTag.slice(0, colon);
  const tag = colon === -1 ? undefined : nameAndTag.slice(colon + 1);
  if (tag !== undefined && !isValidTag(tag)) {
    throw invalid(
      ref,
      `tag ${JSON.stringify(tag)} is not valid (a letter, digit or _ then up to 127 of those, '.' or '-')`,
    );
  }
  if (name === '') throw invalid(ref, 'the repository name is missing');
  if (name.length > MAX_NAME_LENGTH)
    throw invalid(ref, `the name is longer than ${MAX_NAME_LENGTH} characters`);

  const slash = name.indexOf('/');
  const first = slash === -1 ? name : name.slice(0, slash);
  const hasDomain = slash !== -1 && looksLikeDomain(first);
  let registry = hasDomain ? first : DOCKER_HUB;
  let repository = hasDomain ? name.slice(slash + 1) : name;
  if (hasDomain && !DOMAIN.test(registry))
    throw invalid(ref, `registry host ${JSON.stringify(registry)} is not valid`);
  registry = registry.toLowerCase();
  if (registry === 'index.docker.io') registry = DOCKER_HUB;

  const components = repository.split('/');
  for (const component of components) {
    if (component === '') throw invalid(ref, 'the repository path has an empty component');
    if (!PATH_COMPONENT.test(component)) {
      throw invalid(
        ref,
        component !== component.toLowerCase() && PATH_COMPONENT.test(component.toLowerCase())
          ? `repository ${JSON.stringify(repository)} must be lowercase`
          : `repository path component ${JSON.stringify(component)} is not valid (lowercase letters and digits, separated by '.', '_', '__' or '-')`,
      );
    }
  }
  if (registry === DOCKER_HUB && components.length === 1) repository = `library/${repository}`;

  const parsed: ImageRef = { registry, repository, tag, digest };
  const ecr = ECR_HOST.exec(registry);
  if (ecr) {
    parsed.ecr = {
      accountId: ecr[1]!,
      region: ecr[3]!,
      fips: ecr[2] !== undefined,
      partition: partitionOf(ecr[4]!, ecr[3]!),
    };
  }
  const ar = ARTIFACT_REGISTRY_HOST.exec(registry);
  if (ar) parsed.artifactRegistry = artifactRegistry(ref, ar[1]!, components);
  if (GCR_HOST.test(registry)) parsed.gcr = { host: registry, project: gcrProject(ref, components) };
  return parsed;
}

function partitionOf(suffix: string, region: string): AwsPartition {
  if (suffix === 'amazonaws.com.cn') return 'aws-cn';
  if (suffix === 'c2s.ic.gov') return 'aws-iso';
  if (suffix === 'sc2s.sgov.gov') return 'aws-iso-b';
  return region.startsWith('us-gov-') ? 'aws-us-gov' : 'aws';
}

// Domain-scoped Google Cloud projects (`example.com:proj`) appear in image paths as `example.com/proj`.
function splitProject(components: string[]): [project: string, rest: string[]] {
  if (components[0]!.includes('.') && components.length > 1) {
    return [`${components[0]}:${components[1]}`, components.slice(2)];
  }
  return [components[0]!, components.slice(1)];
}

function artifactRegistry(
  ref: string,
  location: string,
  components: string[],
): NonNullable<ImageRef['artifactRegistry']> {
  const [project, rest] = splitProject(components);
  if (rest.length < 2)
    throw invalid(ref, 'an Artifact Registry image is LOCATION-docker.pkg.dev/PROJECT/REPOSITORY/IMAGE');
  return { location, project, repository: rest[0]!, image: rest.slice(1).join('/') };
}

function gcrProject(ref: string, components: string[]): string {
  const [project, rest] = splitProject(components);
  if (rest.length < 1) throw invalid(ref, 'a Container Registry image is HOST/PROJECT/IMAGE');
  return project;
}

/**
 * The reference as text: `registry/repository[:tag][@digest]`. With `familiar`, Docker Hub images drop
 * `docker.io/` and official images also `library/` (`nginx:1.27`), as `docker` prints them.
 */
export function formatImageRef(ref: ImageRef, opts: { familiar?: boolean } = {}): string {
  let name = `${ref.registry}/${ref.repository}`;
  if (opts.familiar && ref.registry === DOCKER_HUB) {
    name =
      ref.repository.startsWith('library/') && ref.repository.split('/').length === 2
        ? ref.repository.slice(8)
        : ref.repository;
  }
  return `${name}${ref.tag === undefined ? '' : `:${ref.tag}`}${ref.digest === undefined ? '' : `@${ref.digest}`}`;
}

/** The same reference pinned to `digest` (the tag is kept, for readers). Throws if `digest` is not valid. */
export function withDigest(ref: ImageRef, digest: string): ImageRef {
  const problem = digestProblem(digest);
  if (problem) throw new Error(`invalid digest ${JSON.stringify(digest)}: ${problem}`);
  return { ...ref, digest };
}
