/**
 * Which registries a build pushes to and how to log in to each: images grouped by registry host (one login per
 * host, however many repositories), each host typed as ECR, Artifact Registry or a plain OCI registry. Pure.
 */
import type { ImageInput, RegistryTypeChoice } from './inputs.js';

/** How the action logs in to a registry. */
export type RegistryType = 'ecr' | 'artifact-registry' | 'oci';

/** One registry host and what the build pushes there. */
export interface RegistryTarget {
  host: string;
  type: RegistryType;
  /** Plain HTTP / no TLS verification: loopback hosts, and those listed in `insecure-registries`. */
  insecure: boolean;
  /** Repositories on this host (`repo/path`, without the host). */
  repositories: string[];
  /** ECR: the account, when the host names it (`ACCOUNT.dkr.ecr.REGION.amazonaws.com`). */
  accountId?: string;
  /** ECR: the region of the token call. */
  region?: string;
}

/** One image repository, with its registry. */
export interface ImageTarget {
  /** `host/repo/path`. */
  name: string;
  host: string;
  repository: string;
  type: RegistryType;
  /**
   * Artifact Registry: the Docker repository that holds the image. The location is unknown for a host that is
   * not `LOCATION-docker.pkg.dev` (an Artifact Registry reached under another name).
   */
  artifactRegistry?: { location: string | undefined; project: string; repository: string };
}

const ECR_HOST =
  /^(\d{12})\.dkr(?:\.ecr|-ecr)(?:-fips)?\.([a-z]{2}(?:-[a-z]+)+-\d+)\.(?:amazonaws\.com(?:\.cn)?|c2s\.ic\.gov|sc2s\.sgov\.gov|on\.aws|on\.amazonwebservices\.com\.cn)$/;
const AR_HOST = /^([a-z0-9-]+)-docker\.pkg\.dev$/;
const LOOPBACK = /^(?:localhost|127(?:\.\d{1,3}){3}|\[::1\])(?::\d+)?$/;

/** The registry type a host name implies: ECR and Artifact Registry names are recognised, the rest is OCI. */
export function registryTypeOf(host: string): RegistryType {
  if (ECR_HOST.test(host)) return 'ecr';
  if (AR_HOST.test(host)) return 'artifact-registry';
  return 'oci';
}

/** True for hosts reached without TLS: loopback (as Docker itself allows), or listed as insecure. */
export function isInsecure(host: string, insecure: readonly string[]): boolean {
  return LOOPBACK.test(host) || insecure.includes(host.toLowerCase());
}

/** A problem with the registries, tied to the input that can fix it. */
export interface RegistryProblem {
  input: string;
  message: string;
}

/**
 * Groups images by host and types each host (`registryType` forces one type on all; `auto` goes by host name).
 * ECR hosts need a region: the host's own, else `aws-region`, else the environment's; Artifact Registry hosts
 * need `PROJECT/REPOSITORY/IMAGE` paths.
 */
export function planRegistries(
  images: readonly ImageInput[],
  opts: { registryType: RegistryTypeChoice; insecure: readonly string[]; awsRegion: string | undefined },
): { registries: RegistryTarget[]; images: ImageTarget[]; problems: RegistryProblem[] } {
  const registries = new Map<string, RegistryTarget>();
  const targets: ImageTarget[] = [];
  const problems: RegistryProblem[] = [];
  for (const { ref } of images) {
    const host = ref.registry;
    const type = opts.registryType === 'auto' ? registryTypeOf(host) : opts.registryType;
    let target = registries.get(host);
    if (target === undefined) {
      target = { host, type, insecure: isInsecure(host, opts.insecure), repositories: [] };
      if (type === 'ecr') {
        const m = ECR_HOST.exec(host);
        if (m) target.accountId = m[1];
        target.region = m?.[2] ?? opts.awsRegion;
        if (target.region === undefined) {
          problems.push({
            input: 'aws-region',
            message: `is required: ${host} does not name an AWS region, and AWS_REGION is not set`,
          });
        }
      }
      registries.set(host, target);
    }
    const image: ImageTarget = { name: `${host}/${ref.repository}`, host, repository: ref.repository, type };
    if (type === 'artifact-registry' && ref.artifactRegistry !== undefined) {
      const { location, project, repository } = ref.artifactRegistry;
      image.artifactRegistry = { location, project, repository };
    } else if (type === 'artifact-registry') {
      const components = ref.repository.split('/');
      if (components.length < 3) {
        problems.push({
          input: 'images',
          message: `${image.name}: an Artifact Registry image is HOST/PROJECT/REPOSITORY/IMAGE`,
        });
      } else {
        image.artifactRegistry = {
          location: AR_HOST.exec(host)?.[1],
          project: components[0]!,
          repository: components[1]!,
        };
      }
    }
    target.repositories.push(ref.repository);
    targets.push(image);
  }
  return { registries: [...registries.values()], images: targets, problems };
}
