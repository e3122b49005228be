/**
 * `@slipway/aws/ecr`: Amazon ECR logins (the Registry credentials seam) and repository set-up. No `@actions/*`
 * imports: clients and loggers are passed in.
 */
export { createEcrClient, ecrClientsByRegion } from './client.js';
export { decodeEcrToken, ecrLogin, ecrRegionOf, parseEcrHost } from './login.js';
export type { EcrLoginOptions, EcrRegistryHost } from './login.js';
export {
  applyEcrRepository,
  describeEcrRepository,
  describeEcrStep,
  planEcrRepository,
} from './repository.js';
export type {
  EcrRepositoryPlan,
  EcrRepositorySettings,
  EcrRepositoryStep,
  ObservedEcrRepository,
} from './repository.js';
