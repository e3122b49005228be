/**
 * The Registry credentials seam for Artifact Registry: the user name `oauth2accesstoken` and an OAuth access token
 * as the password (https://cloud.google.com/artifact-registry/docs/docker/authentication#token). Tokens from
 * Workload Identity Federation live an hour at most (often less when an impersonation lifetime is set), shorter
 * than some builds: the `CredentialKeeper` of `@slipway/core` renews them before they expire.
 */
import { retry } from '@slipway/core';
import type { Credentials, RegistryLogin, RetryOptions } from '@slipway/core';

/** The user name Artifact Registry expects with an access token. */
export const ACCESS_TOKEN_USER = 'oauth2accesstoken';

/** An OAuth access token and when it expires (epoch ms; `undefined` when unknown). */
export interface AccessToken {
  token: string;
  expiresAt: number | undefined;
}

/** Gives a valid access token, minting a new one when the one it holds is close to expiry. */
export type AccessTokenSource = () => Promise<AccessToken>;

/** True for Artifact Registry Docker hosts (`LOCATION-docker.pkg.dev`). */
export function isArtifactRegistryHost(host: string): boolean {
  return /^[a-z0-9-]+-docker\.pkg\.dev$/.test(host);
}

/** Logs in to Artifact Registry hosts with access tokens from `source`. */
export function artifactRegistryLogin(source: AccessTokenSource, opts: RetryOptions = {}): RegistryLogin {
  return {
    kind: 'Artifact Registry',
    async login(registry: string): Promise<Credentials> {
      const { token, expiresAt } = await retry(() => source(), opts);
      if (token === '') throw new Error('Application Default Credentials gave an empty access token');
      return { registry, username: ACCESS_TOKEN_USER, password: token, expiresAt };
    },
  };
}
