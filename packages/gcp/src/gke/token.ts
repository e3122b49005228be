/**
 * Google access tokens for the Kubernetes API of a GKE cluster, from Application Default Credentials (the
 * credential file google-github-actions/auth writes: Workload Identity Federation, optionally impersonating a
 * service account). A fresh auth client mints each token, so a renewal never reuses a cached one, and the token's
 * remaining lifetime is carried over to the API server's clock.
 */

/** The part of a google-auth-library client a token needs. */
export interface AccessTokenClient {
  getAccessToken(): Promise<{ token?: string | null }>;
  credentials?: { expiry_date?: number | null };
}

/** A token and when it stops working on the caller's clock. */
export interface GoogleToken {
  token: string;
  expiresAt: number;
}

/** Google's default access token lifetime, used when a credential does not say. */
export const DEFAULT_GOOGLE_TOKEN_LIFETIME_MS = 60 * 60 * 1000;

/**
 * Mints a token with a new client. `now` is the caller's clock (the API server's); the lifetime the library
 * reports against the local clock is moved onto it.
 */
export async function mintGoogleToken(
  newClient: () => Promise<AccessTokenClient>,
  now: number,
  localNow: () => number = Date.now,
): Promise<GoogleToken> {
  const client = await newClient();
  const { token } = await client.getAccessToken();
  if (token === undefined || token === null || token === '')
    throw new Error('the Google credentials produced no access token');
  const expiry = client.credentials?.expiry_date;
  const remaining = typeof expiry === 'number' ? expiry - localNow() : DEFAULT_GOOGLE_TOKEN_LIFETIME_MS;
  return { token, expiresAt: now + remaining };
}
