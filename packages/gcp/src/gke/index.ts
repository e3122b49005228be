/**
 * `@slipway/gcp/gke`: reaching a GKE cluster without gcloud — its endpoints and CA from the Kubernetes Engine API,
 * the choice between public, private and DNS-based endpoints, and access tokens from Application Default
 * Credentials.
 */
export { CONTAINER_API, clusterFromResource, getGkeCluster, parseClusterRef } from './cluster.js';
export type { AuthorizedGet, GkeCluster, GkeClusterRef } from './cluster.js';
export { ENDPOINT_MODES, chooseEndpoint } from './endpoint.js';
export type { ChosenEndpoint, EndpointMode } from './endpoint.js';
export { DEFAULT_GOOGLE_TOKEN_LIFETIME_MS, mintGoogleToken } from './token.js';
export type { AccessTokenClient, GoogleToken } from './token.js';
export { CLOUD_PLATFORM_SCOPE, adcClient, adcGet } from './adc.js';
export type { AdcClient } from './adc.js';
