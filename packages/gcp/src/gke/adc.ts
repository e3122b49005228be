/**
 * Application Default Credentials through google-auth-library: GOOGLE_APPLICATION_CREDENTIALS (the file
 * google-github-actions/auth writes), gcloud's user credentials, or the metadata server on Google Cloud.
 */
import { GoogleAuth } from 'google-auth-library';
import type { AccessTokenClient } from './token.js';
import type { AuthorizedGet } from './cluster.js';

/** The scope that covers the Kubernetes Engine API and the cluster's Kubernetes API. */
export const CLOUD_PLATFORM_SCOPE = 'https://www.googleapis.com/auth/cloud-platform';

/** What {@link adcClient} returns: a token source that can also send authorized requests. */
export type AdcClient = AccessTokenClient & {
  request: (opts: { url: string; method: 'GET' }) => Promise<{ data: unknown }>;
};

/**
 * The client google-auth-library picks for this environment; a new one (with an empty token cache) per call.
 * The project is passed in: without it, a Workload Identity Federation credential makes the library look the
 * project up in Cloud Resource Manager, which needs a permission the deploy does not otherwise need.
 */
export async function adcClient(projectId: string): Promise<AdcClient> {
  return new GoogleAuth({ scopes: [CLOUD_PLATFORM_SCOPE], projectId }).getClient();
}

/** GET with ADC: the body of a successful answer; errors are the library's (GaxiosError, with the HTTP status). */
export function adcGet(client: {
  request: (opts: { url: string; method: 'GET' }) => Promise<{ data: unknown }>;
}): AuthorizedGet {
  return async (url) => (await client.request({ url, method: 'GET' })).data;
}
