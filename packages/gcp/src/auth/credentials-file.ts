/**
 * Reading the Application Default Credentials file that `google-github-actions/auth` leaves behind
 * (`GOOGLE_APPLICATION_CREDENTIALS`), without loading google-auth-library: what kind of credential it is, which
 * account it acts as, which project it names, and which of its values are secrets to mask.
 */
import { readFileSync } from 'node:fs';

/** The credential types an ADC file can hold (`type`), per https://google.aip.dev/auth/4110. */
export type CredentialKind =
  | 'external_account'
  | 'service_account'
  | 'authorized_user'
  | 'impersonated_service_account'
  | 'external_account_authorized_user';

/** What an ADC file says about itself. */
export interface CredentialsInfo {
  /** The file's path, as GOOGLE_APPLICATION_CREDENTIALS gave it. */
  path: string;
  kind: CredentialKind;
  /** The service account the credential acts as: the key's `client_email` or the impersonated account. */
  serviceAccount: string | undefined;
  /** A workload identity pool provider (`external_account`'s `audience`). */
  audience: string | undefined;
  /** `project_id` (service account keys) or `quota_project_id`. */
  projectId: string | undefined;
  /** Values that must never reach a log: private keys, refresh tokens, request headers of the token source. */
  secrets: string[];
  /** The parsed file. */
  json: Record<string, unknown>;
}

/** A problem with the ADC file: missing, unreadable, not JSON or of an unknown type. */
export class CredentialsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CredentialsError';
  }
}

const KINDS: readonly CredentialKind[] = [
  'external_account',
  'service_account',
  'authorized_user',
  'impersonated_service_account',
  'external_account_authorized_user',
];

const HINT =
  'run google-github-actions/auth (Workload Identity Federation) before this step, or point GOOGLE_APPLICATION_CREDENTIALS at a credential file';

function record(v: unknown): Record<string, unknown> | undefined {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
    ? (v as Record<string, unknown>)
    : undefined;
}

function text(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

/** The service account named by an IAM Credentials `…/serviceAccounts/EMAIL:generateAccessToken` URL. */
export function impersonatedAccount(url: string | undefined): string | undefined {
  if (url === undefined) return undefined;
  return /\/serviceAccounts\/([^/:]+):generateAccessToken$/.exec(url)?.[1];
}

function secretsOf(json: Record<string, unknown>): string[] {
  const found: string[] = [];
  for (const key of ['private_key', 'refresh_token', 'client_secret']) {
    const value = text(json[key]);
    if (value !== undefined) found.push(value);
  }
  const headers = record(record(json.credential_source)?.headers);
  for (const value of Object.values(headers ?? {})) {
    const header = text(value);
    if (header === undefined) continue;
    found.push(header);
    // The runner masks line by line and word by word poorly: mask the bearer token on its own too.
    const token = /^\s*bearer\s+(.+)$/i.exec(header)?.[1];
    if (token !== undefined) found.push(token.trim());
  }
  const source = record(json.source_credentials);
  if (source) found.push(...secretsOf(source));
  return found;
}

/**
 * Describes a parsed ADC file. Throws a {@link CredentialsError} naming the file when `type` is missing or unknown.
 */
export function describeCredentialsJson(path: string, json: Record<string, unknown>): CredentialsInfo {
  const type = json.type;
  if (typeof type !== 'string' || !(KINDS as readonly string[]).includes(type)) {
    throw new CredentialsError(
      `${path} (GOOGLE_APPLICATION_CREDENTIALS) has ${
        typeof type === 'string' ? `an unsupported credential type "${type}"` : 'no "type"'
      }; expected one of ${KINDS.join(', ')}`,
    );
  }
  const kind = type as CredentialKind;
  const serviceAccount =
    text(json.client_email) ?? impersonatedAccount(text(json.service_account_impersonation_url));
  return {
    path,
    kind,
    serviceAccount,
    audience: text(json.audience),
    projectId: text(json.project_id) ?? text(json.quota_project_id),
    secrets: secretsOf(json),
    json,
  };
}

/**
 * Reads the file GOOGLE_APPLICATION_CREDENTIALS names, or returns `undefined` when the variable is not set.
 * Throws a {@link CredentialsError} (one line, never the file's content) when the file cannot be used.
 */
export function readCredentialsFile(
  env: Record<string, string | undefined> = process.env,
  read: (path: string) => string = (p) => readFileSync(p, 'utf8'),
): CredentialsInfo | undefined {
  const path = env.GOOGLE_APPLICATION_CREDENTIALS?.trim();
  if (path === undefined || path === '') return undefined;
  let raw: string;
  try {
    raw = read(path);
  } catch (e) {
    const code = (e as { code?: unknown }).code;
    const why = code === 'ENOENT' ? 'does not exist' : `cannot be read (${String(code ?? e)})`;
    throw new CredentialsError(`GOOGLE_APPLICATION_CREDENTIALS names ${path}, which ${why}: ${HINT}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new CredentialsError(`${path} (GOOGLE_APPLICATION_CREDENTIALS) is not JSON: ${HINT}`);
  }
  const json = record(parsed);
  if (json === undefined)
    throw new CredentialsError(`${path} (GOOGLE_APPLICATION_CREDENTIALS) is not a JSON object`);
  return describeCredentialsJson(path, json);
}

/** One line saying how the action authenticates, without any secret. */
export function describeIdentity(info: CredentialsInfo | undefined): string {
  if (info === undefined) {
    return 'Application Default Credentials from the environment (gcloud credentials or the metadata server)';
  }
  const as = info.serviceAccount === undefined ? '' : ` as ${info.serviceAccount}`;
  switch (info.kind) {
    case 'external_account':
      return `Workload Identity Federation${as} (${info.path})`;
    case 'service_account':
      return `a service account key${as} (${info.path})`;
    case 'impersonated_service_account':
      return `impersonation${as} (${info.path})`;
    default:
      return `${info.kind.replace(/_/g, ' ')} credentials (${info.path})`;
  }
}
