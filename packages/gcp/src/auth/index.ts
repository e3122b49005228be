/**
 * `@slipway/gcp/auth`: Application Default Credentials as `google-github-actions/auth` leaves them. Importing this
 * module is cheap: google-auth-library is loaded only when {@link createAuthClient} runs.
 */
export { CLOUD_PLATFORM_SCOPE, createAuthClient, fetchAccessToken } from './adc.js';
export type { AuthClientOptions } from './adc.js';
export {
  CredentialsError,
  describeCredentialsJson,
  describeIdentity,
  impersonatedAccount,
  readCredentialsFile,
} from './credentials-file.js';
export type { CredentialKind, CredentialsInfo } from './credentials-file.js';
