/**
 * The Registry credentials seam for Amazon ECR: a `GetAuthorizationToken` call gives a base64 `AWS:<password>`
 * pair valid for 12 hours for every registry the caller may use in that region
 * (https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_GetAuthorizationToken.html).
 */
import { GetAuthorizationTokenCommand } from '@aws-sdk/client-ecr';
import type { ECRClient } from '@aws-sdk/client-ecr';
import { parseImageRef, retry } from '@slipway/core';
import type { Credentials, RegistryLogin, RetryOptions } from '@slipway/core';

/** Where an ECR registry host lives: account and region, when the host name says so. */
export interface EcrRegistryHost {
  accountId: string;
  region: string;
}

// Dual-stack endpoints (https://docs.aws.amazon.com/AmazonECR/latest/userguide/ecr-requests.html) are not in
// the distribution reference's ECR pattern of @slipway/core, which knows the IPv4 names only.
const DUAL_STACK =
  /^(\d{12})\.dkr-ecr(?:-fips)?\.([a-z]{2}(?:-[a-z]+)+-\d+)\.on\.(?:aws|amazonwebservices\.com\.cn)$/;

/** The account and region an ECR host names (`123456789012.dkr.ecr.eu-west-1.amazonaws.com`), or `undefined`. */
export function parseEcrHost(host: string): EcrRegistryHost | undefined {
  const dual = DUAL_STACK.exec(host);
  if (dual) return { accountId: dual[1]!, region: dual[2]! };
  try {
    const ecr = parseImageRef(`${host}/probe`).ecr;
    return ecr === undefined ? undefined : { accountId: ecr.accountId, region: ecr.region };
  } catch {
    return undefined;
  }
}

/** Options of {@link ecrLogin}. */
export interface EcrLoginOptions {
  /** The ECR client of a region (see `ecrClientsByRegion`). */
  client(region: string): ECRClient;
  /**
   * Region for hosts whose name does not say (an ECR registry reached under another name: a proxy, a test
   * registry). Without it such a host is an error.
   */
  region?: string;
  retry?: RetryOptions;
}

/**
 * Decodes an ECR authorization token (`base64("AWS:<password>")`) into username and password. Throws on a
 * token that is not of that shape, without quoting it.
 */
export function decodeEcrToken(token: string): { username: string; password: string } {
  const text = Buffer.from(token, 'base64').toString('utf8');
  const colon = text.indexOf(':');
  if (colon <= 0 || colon === text.length - 1) {
    throw new Error('ECR returned an authorization token that is not base64 of USER:PASSWORD');
  }
  return { username: text.slice(0, colon), password: text.slice(colon + 1) };
}

/** The region of an ECR registry `host`, from its name or else `fallback`; throws when neither says. */
export function ecrRegionOf(host: string, fallback: string | undefined): string {
  const region = parseEcrHost(host)?.region ?? fallback;
  if (region === undefined || region === '') {
    throw new Error(
      `${host} does not name an AWS region (not ACCOUNT.dkr.ecr.REGION.amazonaws.com): set aws-region`,
    );
  }
  return region;
}

/** Logs in to ECR registries with `GetAuthorizationToken` in each registry's region. */
export function ecrLogin(options: EcrLoginOptions): RegistryLogin {
  return {
    kind: 'Amazon ECR',
    async login(registry: string): Promise<Credentials> {
      const region = ecrRegionOf(registry, options.region);
      const client = options.client(region);
      const out = await retry(() => client.send(new GetAuthorizationTokenCommand({})), options.retry);
      const data = out.authorizationData?.[0];
      if (data?.authorizationToken === undefined) {
        throw new Error(`ECR GetAuthorizationToken in ${region} returned no authorization data`);
      }
      const { username, password } = decodeEcrToken(data.authorizationToken);
      return { registry, username, password, expiresAt: data.expiresAt?.getTime() };
    },
  };
}
