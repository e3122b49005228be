/**
 * An authenticated Google client built from Application Default Credentials, without the probes that
 * `GoogleAuth.getClient()` runs on the way: its project-id search spawns `gcloud config config-helper`, asks the
 * metadata server, and for `external_account` credentials even calls Cloud Resource Manager. Here the client is
 * constructed from the credential file directly (the "auth object constructor" Google recommends), and
 * google-auth-library is loaded only when this runs, so that a bad input never pays for it.
 */
import type * as GoogleAuthLibrary from 'google-auth-library';
import type { AuthClient } from 'google-auth-library';
import { CredentialsError, impersonatedAccount } from './credentials-file.js';
import type { CredentialsInfo } from './credentials-file.js';

/** The scope every Cloud API accepts; IAM roles decide what the token may do. */
export const CLOUD_PLATFORM_SCOPE = 'https://www.googleapis.com/auth/cloud-platform';

/** Options of {@link createAuthClient}. */
export interface AuthClientOptions {
  /** OAuth scopes; default {@link CLOUD_PLATFORM_SCOPE}. */
  scopes?: string[];
  /**
   * Used only without a credential file, where google-auth-library searches for credentials itself: naming the
   * project spares its project-id search (which would spawn gcloud and ask the metadata server).
   */
  projectId?: string;
}

type Library = typeof GoogleAuthLibrary;

function record(v: unknown): Record<string, unknown> | undefined {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
    ? (v as Record<string, unknown>)
    : undefined;
}

function str(json: Record<string, unknown>, key: string): string | undefined {
  const v = json[key];
  return typeof v === 'string' && v !== '' ? v : undefined;
}

function required(json: Record<string, unknown>, key: string, where: string): string {
  const v = str(json, key);
  if (v === undefined) throw new CredentialsError(`${where}: "${key}" is missing`);
  return v;
}

function fromJson(lib: Library, json: Record<string, unknown>, scopes: string[], where: string): AuthClient {
  switch (json.type) {
    case 'external_account': {
      const source = record(json.credential_source) ?? {};
      // Constructed directly: ExternalAccountClient.fromJSON only picks the class, and warns on every call.
      const options = { ...json, scopes } as ConstructorParameters<Library['IdentityPoolClient']>[0];
      if (source.environment_id !== undefined) {
        return new lib.AwsClient(options as ConstructorParameters<Library['AwsClient']>[0]);
      }
      if (source.executable !== undefined) {
        return new lib.PluggableAuthClient(
          options as ConstructorParameters<Library['PluggableAuthClient']>[0],
        );
      }
      return new lib.IdentityPoolClient(options);
    }
    case 'service_account':
      return new lib.JWT({
        email: required(json, 'client_email', where),
        key: required(json, 'private_key', where),
        keyId: str(json, 'private_key_id'),
        scopes,
      });
    case 'authorized_user':
      return new lib.UserRefreshClient({
        clientId: required(json, 'client_id', where),
        clientSecret: required(json, 'client_secret', where),
        refreshToken: required(json, 'refresh_token', where),
      });
    case 'impersonated_service_account': {
      const source = record(json.source_credentials);
      if (source === undefined) throw new CredentialsError(`${where}: "source_credentials" is missing`);
      const target = impersonatedAccount(str(json, 'service_account_impersonation_url'));
      if (target === undefined) {
        throw new CredentialsError(`${where}: "service_account_impersonation_url" names no service account`);
      }
      const delegates = Array.isArray(json.delegates) ? json.delegates.map(String) : [];
      return new lib.Impersonated({
        sourceClient: fromJson(lib, source, [CLOUD_PLATFORM_SCOPE], `${where} source_credentials`),
        targetPrincipal: target,
        targetScopes: scopes,
        delegates,
      });
    }
    case 'external_account_authorized_user':
      return new lib.ExternalAccountAuthorizedUserClient(
        json as unknown as ConstructorParameters<Library['ExternalAccountAuthorizedUserClient']>[0],
      );
    default:
      throw new CredentialsError(`${where}: unsupported credential type ${JSON.stringify(json.type)}`);
  }
}

/**
 * An auth client for Google APIs. With a credential file (read by `readCredentialsFile`), the client is built from
 * it and nothing is probed; the token exchange happens on the first API call. Without one, google-auth-library's
 * own search runs (gcloud's well-known file, then the metadata server of a Google Cloud runner).
 */
export async function createAuthClient(
  credentials: CredentialsInfo | undefined,
  opts: AuthClientOptions = {},
): Promise<AuthClient> {
  const lib = await import('google-auth-library');
  const scopes = opts.scopes ?? [CLOUD_PLATFORM_SCOPE];
  if (credentials !== undefined) return fromJson(lib, credentials.json, scopes, credentials.path);
  const auth = new lib.GoogleAuth({
    scopes,
    ...(opts.projectId === undefined ? {} : { projectId: opts.projectId }),
  });
  try {
    return (await auth.getClient()) as AuthClient;
  } catch (e) {
    throw new CredentialsError(
      `no Google credentials found (${e instanceof Error ? e.message.split('\n')[0] : String(e)}): run google-github-actions/auth before this step`,
    );
  }
}

/**
 * A bearer token from `client`, for a first call that proves the credentials work (an STS exchange, and the
 * impersonation when configured). Errors keep the library's message.
 */
export async function fetchAccessToken(client: AuthClient): Promise<string> {
  const { token } = await client.getAccessToken();
  if (token === null || token === undefined || token === '') {
    throw new CredentialsError('the credentials produced no access token');
  }
  return token;
}
