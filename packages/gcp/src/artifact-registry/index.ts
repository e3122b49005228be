/**
 * `@slipway/gcp/artifact-registry`: Artifact Registry logins (the Registry credentials seam) from Application
 * Default Credentials, and Docker repository creation. No `@actions/*` imports.
 */
export { adcAccessTokenSource, CLOUD_PLATFORM_SCOPE } from './adc.js';
export type { AdcOptions } from './adc.js';
export { ACCESS_TOKEN_USER, artifactRegistryLogin, isArtifactRegistryHost } from './login.js';
export type { AccessToken, AccessTokenSource } from './login.js';
export {
  ARTIFACT_REGISTRY_ENDPOINT,
  ArtifactRegistryHttpError,
  applyArtifactRepository,
  artifactRepositoryName,
  getArtifactRepository,
  planArtifactRepository,
} from './repository.js';
export type {
  ArtifactRegistryApi,
  ArtifactRepositoryId,
  ArtifactRepositoryPlan,
  ObservedArtifactRepository,
} from './repository.js';
