/**
 * Access tokens from Application Default Credentials (the file `google-github-actions/auth` writes and names in
 * `GOOGLE_APPLICATION_CREDENTIALS`), through google-auth-library.
 */
import { GoogleAuth } from 'google-auth-library';
import type { AccessToken, AccessTokenSource } from './login.js';

/** The OAuth scope a registry token needs. */
export const CLOUD_PLATFORM_SCOPE = 'https://www.googleapis.com/auth/cloud-platform';

/** Options of {@link adcAccessTokenSource}. */
export interface AdcOptions {
  /**
   * Mint a new token when the one held expires within this many milliseconds. Keep it at least the renewal
   * margin of the caller's `CredentialKeeper`, or a renewal would get the old token back.
   */
  refreshBeforeMs: number;
  /**
   * The project, when known (the image's project). Without it google-auth-library looks the project up (for
   * Workload Identity Federation, a Cloud Resource Manager call the token may not be allowed to make).
   */
  projectId?: string;
}

/**
 * An {@link AccessTokenSource} over Application Default Credentials. The client is made on first use and kept,
 * so a renewal goes through the same client and its cache.
 */
export function adcAccessTokenSource(opts: AdcOptions): AccessTokenSource {
  let auth: GoogleAuth | undefined;
  return async (): Promise<AccessToken> => {
    auth ??= new GoogleAuth({
      scopes: [CLOUD_PLATFORM_SCOPE],
      ...(opts.projectId === undefined ? {} : { projectId: opts.projectId }),
      // google-auth-library hands back its cached token until it is this close to expiry.
      clientOptions: { eagerRefreshThresholdMillis: opts.refreshBeforeMs + 1000 },
    });
    const client = await auth.getClient();
    const { token } = await client.getAccessToken();
    if (token === null || token === undefined || token === '') {
      throw new Error('Application Default Credentials gave no access token');
    }
    const expiry = client.credentials.expiry_date;
    return { token, expiresAt: typeof expiry === 'number' ? expiry : undefined };
  };
}
