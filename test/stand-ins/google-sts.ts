// Google's Workload Identity Federation as a GitHub job meets it, on one local server:
// - the GitHub Actions OIDC token endpoint (what ACTIONS_ID_TOKEN_REQUEST_URL points at, and what the
//   `credential_source.url` of google-github-actions/auth's credential file asks): GET with
//   `Authorization: Bearer <ACTIONS_ID_TOKEN_REQUEST_TOKEN>` answers `{"value": "<JWT>"}`
//   (https://docs.github.com/actions/security-for-github-actions/security-hardening-your-deployments/about-security-hardening-with-openid-connect);
// - the Security Token Service token exchange, POST /v1/token, form-encoded, RFC 8693 shapes and OAuth errors
//   (https://cloud.google.com/iam/docs/reference/sts/rest/v1/TopLevel/token);
// - the IAM Service Account Credentials `generateAccessToken`, POST
//   /v1/projects/-/serviceAccounts/{email}:generateAccessToken, for `service_account_impersonation_url`
//   (https://cloud.google.com/iam/docs/reference/credentials/rest/v1/projects.serviceAccounts/generateAccessToken),
//   with Google's JSON error shape.
// OIDC tokens are JWTs signed with HMAC-SHA256 by this stand-in, standing in for GitHub's RS256 keys and JWKS: the
// exchange checks signature, issuer, audience, expiry (on the stand-in clock) and an attribute condition.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { StandIn } from './base.js';
import type { StandInOptions, StandInRequest, StandInResponse } from './base.js';

/** Operation names the stand-in records in its journal. */
export const GOOGLE_STS_OPERATIONS = {
  oidcToken: 'GET /oidc/token',
  exchangeToken: 'POST /v1/token',
  generateAccessToken: 'POST /v1/projects/-/serviceAccounts/:email:generateAccessToken',
} as const;

/** The claims of a GitHub Actions OIDC token that the stand-in reads. */
export interface OidcClaims {
  iss: string;
  sub: string;
  aud: string;
  /** Epoch seconds. */
  exp: number;
  iat: number;
  repository?: string;
  ref?: string;
  [claim: string]: unknown;
}

/** An access token handed out by the exchange or by generateAccessToken. */
export interface IssuedGoogleToken {
  token: string;
  kind: 'federated' | 'service-account';
  /** The federated principal, or the service account's email. */
  principal: string;
  scopes: string[];
  /** Epoch milliseconds on the stand-in clock. */
  expiresAt: number;
}

/** What {@link GoogleStsStandIn.verifyAccessToken} concludes about a bearer token. */
export type TokenVerdict = { ok: true; token: IssuedGoogleToken } | { ok: false; reason: string };

/** Options of the STS stand-in. */
export interface GoogleStsStandInOptions extends StandInOptions {
  /** Project number of the workload identity pool (default `123456789012`). */
  projectNumber?: string;
  /** Pool and provider ids (default `github` and `github`). */
  pool?: string;
  provider?: string;
  /** The `iss` an OIDC token must carry (default GitHub's, `https://token.actions.githubusercontent.com`). */
  issuer?: string;
  /**
   * The provider's attribute condition: return `true` to accept the token's claims. Default: accept all. A
   * rejected token gets STS's `unauthorized_client` answer.
   */
  attributeCondition?: (claims: OidcClaims) => boolean;
  /** Service accounts the federated principals may impersonate (`roles/iam.workloadIdentityUser`). */
  serviceAccounts?: string[];
  /** The request token the OIDC endpoint accepts (ACTIONS_ID_TOKEN_REQUEST_TOKEN); default a fixed test value. */
  oidcRequestToken?: string;
  /** Claims of the tokens the OIDC endpoint mints, besides iss/aud/iat/exp. */
  oidcClaims?: Partial<OidcClaims>;
  /** Lifetime of federated tokens in seconds (STS answers 3599). */
  federatedTtlSeconds?: number;
}

/** The OIDC request token the stand-in accepts unless told otherwise. */
export const DEFAULT_OIDC_REQUEST_TOKEN = 'slipway-oidc-request-token';

const GITHUB_ISSUER = 'https://token.actions.githubusercontent.com';
const TOKEN_EXCHANGE_GRANT = 'urn:ietf:params:oauth:grant-type:token-exchange';
const ACCESS_TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:access_token';
const SUBJECT_TOKEN_TYPES = new Set([
  'urn:ietf:params:oauth:token-type:jwt',
  'urn:ietf:params:oauth:token-type:id_token',
]);
const CLOUD_PLATFORM = 'https://www.googleapis.com/auth/cloud-platform';
const IAM_SCOPE = 'https://www.googleapis.com/auth/iam';
const MAX_LIFETIME_SECONDS = 3600;

function base64url(data: string | Buffer): string {
  return Buffer.from(data).toString('base64url');
}

function oauthError(status: number, error: string, description: string): StandInResponse {
  return { status, body: { error, error_description: description } };
}

function googleError(code: number, status: string, message: string, reason?: string): StandInResponse {
  const details = reason
    ? [{ '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason, domain: 'iam.googleapis.com' }]
    : [];
  return { status: code, body: { error: { code, message, status, details } } };
}

/**
 * A stand-in for the GitHub OIDC endpoint, Google's STS token exchange and IAM `generateAccessToken`, so that
 * google-auth-library's real `external_account` code path runs end to end against local servers.
 */
export class GoogleStsStandIn extends StandIn {
  /** Every access token handed out, oldest first. */
  readonly issued: IssuedGoogleToken[] = [];
  /** The project number of the pool. */
  readonly projectNumber: string;
  /** The request token the OIDC endpoint accepts. */
  readonly oidcRequestToken: string;

  private readonly key = randomBytes(32);
  private readonly options: GoogleStsStandInOptions;
  private readonly tokens = new Map<string, IssuedGoogleToken>();

  /** @param options pool identity, accepted claims and service accounts. */
  constructor(options: GoogleStsStandInOptions = {}) {
    super(options);
    this.options = options;
    this.projectNumber = options.projectNumber ?? '123456789012';
    this.oidcRequestToken = options.oidcRequestToken ?? DEFAULT_OIDC_REQUEST_TOKEN;
  }

  /** The provider's resource name as STS expects it in `audience` (`//iam.googleapis.com/projects/…`). */
  get audience(): string {
    return `//iam.googleapis.com/projects/${this.projectNumber}/locations/global/workloadIdentityPools/${
      this.options.pool ?? 'github'
    }/providers/${this.options.provider ?? 'github'}`;
  }

  /** The `aud` google-github-actions/auth requests for the OIDC token by default: `https:` + the audience. */
  get oidcAudience(): string {
    return `https:${this.audience}`;
  }

  /** The token exchange URL, for a credential file's `token_url`. */
  get tokenUrl(): string {
    return `${this.url}/v1/token`;
  }

  /** The OIDC endpoint, as ACTIONS_ID_TOKEN_REQUEST_URL would give it, with the audience google's action asks. */
  get oidcUrl(): string {
    return `${this.url}/oidc/token?audience=${encodeURIComponent(this.oidcAudience)}`;
  }

  /** The `service_account_impersonation_url` for an account. */
  impersonationUrl(email: string): string {
    return `${this.url}/v1/projects/-/serviceAccounts/${email}:generateAccessToken`;
  }

  /** A signed OIDC token with GitHub's claims (`sub` for `octo/repo` on main unless overridden). */
  mintOidcToken(claims: Partial<OidcClaims> = {}): string {
    const now = Math.floor(this.now() / 1000);
    const body: OidcClaims = {
      iss: this.options.issuer ?? GITHUB_ISSUER,
      sub: 'repo:octo/repo:ref:refs/heads/main',
      aud: this.oidcAudience,
      iat: now,
      exp: now + 300,
      repository: 'octo/repo',
      ref: 'refs/heads/main',
      ...this.options.oidcClaims,
      ...claims,
    };
    const head = base64url(JSON.stringify({ alg: 'HS256', typ: 'JWT', kid: 'slipway-stand-in' }));
    const payload = base64url(JSON.stringify(body));
    return `${head}.${payload}.${this.sign(`${head}.${payload}`)}`;
  }

  /**
   * The `external_account` credential file google-github-actions/auth writes, pointed at this stand-in: the
   * subject token comes from `file` when given, otherwise from the OIDC endpoint (`url`, JSON `value`, bearer
   * request token), as the auth action does. With `impersonate`, the federated token is exchanged again for
   * that service account's token.
   */
  credentialFile(opts: { file?: string; impersonate?: string } = {}): Record<string, unknown> {
    const credentialSource =
      opts.file === undefined
        ? {
            url: this.oidcUrl,
            headers: { Authorization: `Bearer ${this.oidcRequestToken}` },
            format: { type: 'json', subject_token_field_name: 'value' },
          }
        : { file: opts.file };
    return {
      type: 'external_account',
      audience: this.audience,
      subject_token_type: 'urn:ietf:params:oauth:token-type:jwt',
      token_url: this.tokenUrl,
      credential_source: credentialSource,
      ...(opts.impersonate === undefined
        ? {}
        : { service_account_impersonation_url: this.impersonationUrl(opts.impersonate) }),
    };
  }

  /** Whether `token` is a live access token this stand-in issued (on the stand-in clock). */
  verifyAccessToken(token: string): TokenVerdict {
    const issued = this.tokens.get(token);
    if (issued === undefined) return { ok: false, reason: 'unknown access token' };
    if (this.now() >= issued.expiresAt) return { ok: false, reason: 'access token expired' };
    return { ok: true, token: issued };
  }

  protected identify(request: StandInRequest): string {
    if (request.method === 'GET' && request.path === '/oidc/token') return GOOGLE_STS_OPERATIONS.oidcToken;
    if (request.method === 'POST' && request.path === '/v1/token') return GOOGLE_STS_OPERATIONS.exchangeToken;
    if (
      request.method === 'POST' &&
      /^\/v1\/projects\/[^/]+\/serviceAccounts\/[^/]+:generateAccessToken$/.test(request.path)
    ) {
      return GOOGLE_STS_OPERATIONS.generateAccessToken;
    }
    return `${request.method} ${request.path}`;
  }

  protected handle(request: StandInRequest, operation: string): StandInResponse {
    switch (operation) {
      case GOOGLE_STS_OPERATIONS.oidcToken:
        return this.oidcToken(request);
      case GOOGLE_STS_OPERATIONS.exchangeToken:
        return this.exchangeToken(request);
      case GOOGLE_STS_OPERATIONS.generateAccessToken:
        return this.generateAccessToken(request);
      default:
        return googleError(
          404,
          'NOT_FOUND',
          `The requested URL ${request.path} was not found on this server.`,
        );
    }
  }

  protected throttleResponse(_request: StandInRequest, operation: string): StandInResponse {
    if (operation === GOOGLE_STS_OPERATIONS.exchangeToken) {
      return oauthError(
        429,
        'rate_limit_exceeded',
        'Quota exceeded for quota metric token exchange requests.',
      );
    }
    return googleError(
      429,
      'RESOURCE_EXHAUSTED',
      'Quota exceeded for quota metric generateAccessToken requests.',
      'RATE_LIMIT_EXCEEDED',
    );
  }

  protected serverErrorResponse(
    _request: StandInRequest,
    operation: string,
    status: number,
    message?: string,
  ): StandInResponse {
    const text = message ?? 'The service is currently unavailable.';
    if (operation === GOOGLE_STS_OPERATIONS.exchangeToken) return oauthError(status, 'server_error', text);
    return googleError(status, status === 503 ? 'UNAVAILABLE' : 'INTERNAL', text);
  }

  private sign(data: string): string {
    return createHmac('sha256', this.key).update(data).digest('base64url');
  }

  private oidcToken(request: StandInRequest): StandInResponse {
    if (request.headers.authorization !== `Bearer ${this.oidcRequestToken}`) {
      return { status: 401, body: { message: 'Bad credentials' } };
    }
    const audience = typeof request.query.audience === 'string' ? request.query.audience : undefined;
    return {
      status: 200,
      body: { value: this.mintOidcToken(audience === undefined ? {} : { aud: audience }) },
    };
  }

  /** The claims of a subject token, or the OAuth error STS would answer. */
  private verifySubjectToken(token: string): OidcClaims | StandInResponse {
    const parts = token.split('.');
    if (parts.length !== 3) return oauthError(400, 'invalid_grant', 'Unable to parse the ID Token.');
    const expected = Buffer.from(this.sign(`${parts[0]}.${parts[1]}`));
    const given = Buffer.from(parts[2]!);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) {
      return oauthError(400, 'invalid_grant', 'Invalid JWT signature.');
    }
    let claims: OidcClaims;
    try {
      claims = JSON.parse(Buffer.from(parts[1]!, 'base64url').toString('utf8')) as OidcClaims;
    } catch {
      return oauthError(400, 'invalid_grant', 'Unable to parse the ID Token.');
    }
    const issuer = this.options.issuer ?? GITHUB_ISSUER;
    if (claims.iss !== issuer) {
      return oauthError(
        400,
        'invalid_grant',
        `The issuer in ID Token ${String(claims.iss)} does not match the expected ones: ${issuer}.`,
      );
    }
    if (claims.aud !== this.oidcAudience && claims.aud !== this.audience) {
      return oauthError(
        400,
        'invalid_grant',
        `The audience in ID Token [${String(claims.aud)}] does not match the expected audience.`,
      );
    }
    if (typeof claims.exp !== 'number' || claims.exp * 1000 <= this.now()) {
      return oauthError(400, 'invalid_grant', 'ID Token issued at or before the current time has expired.');
    }
    return claims;
  }

  private exchangeToken(request: StandInRequest): StandInResponse {
    const form = new URLSearchParams(request.rawBody.toString('utf8'));
    if (form.get('grant_type') !== TOKEN_EXCHANGE_GRANT) {
      return oauthError(
        400,
        'unsupported_grant_type',
        `Unsupported grant_type: ${form.get('grant_type') ?? ''}.`,
      );
    }
    if (form.get('requested_token_type') !== ACCESS_TOKEN_TYPE) {
      return oauthError(400, 'invalid_request', 'Invalid value for "requested_token_type".');
    }
    if (!SUBJECT_TOKEN_TYPES.has(form.get('subject_token_type') ?? '')) {
      return oauthError(400, 'invalid_request', 'Invalid value for "subject_token_type".');
    }
    if (form.get('audience') !== this.audience) {
      return oauthError(
        400,
        'invalid_target',
        'The target service indicated by the "audience" parameters is invalid. This might either be because the pool or provider is disabled or deleted or because it doesn\'t exist.',
      );
    }
    const scopes = (form.get('scope') ?? '').split(' ').filter((s) => s !== '');
    if (!scopes.includes(CLOUD_PLATFORM) && !scopes.includes(IAM_SCOPE)) {
      return oauthError(400, 'invalid_scope', 'The requested scope is not supported.');
    }
    const claims = this.verifySubjectToken(form.get('subject_token') ?? '');
    if ('status' in claims && typeof claims.status === 'number') return claims as StandInResponse;
    const verified = claims as OidcClaims;
    if (this.options.attributeCondition && !this.options.attributeCondition(verified)) {
      return oauthError(
        400,
        'unauthorized_client',
        'The given credential is rejected by the attribute condition.',
      );
    }
    const ttl = this.options.federatedTtlSeconds ?? 3599;
    const principal = `principal://iam.googleapis.com/projects/${this.projectNumber}/locations/global/workloadIdentityPools/${
      this.options.pool ?? 'github'
    }/subject/${verified.sub}`;
    const token = this.issue('federated', principal, scopes, ttl * 1000, 'ya29.d.');
    return {
      status: 200,
      body: {
        access_token: token.token,
        issued_token_type: ACCESS_TOKEN_TYPE,
        token_type: 'Bearer',
        expires_in: ttl,
      },
    };
  }

  private generateAccessToken(request: StandInRequest): StandInResponse {
    const email = /serviceAccounts\/([^/]+):generateAccessToken$/.exec(request.path)![1]!;
    const bearer = /^Bearer (.+)$/.exec(request.headers.authorization ?? '')?.[1];
    const verdict = bearer === undefined ? undefined : this.verifyAccessToken(bearer);
    if (verdict === undefined || !verdict.ok) {
      return googleError(
        401,
        'UNAUTHENTICATED',
        'Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential.',
        'ACCESS_TOKEN_TYPE_UNSUPPORTED',
      );
    }
    if (!(this.options.serviceAccounts ?? []).includes(email)) {
      return googleError(
        403,
        'PERMISSION_DENIED',
        "Permission 'iam.serviceAccounts.getAccessToken' denied on resource (or it may not exist).",
        'IAM_PERMISSION_DENIED',
      );
    }
    const body = (typeof request.body === 'object' && request.body !== null ? request.body : {}) as {
      scope?: unknown;
      lifetime?: unknown;
    };
    const scopes = Array.isArray(body.scope) ? body.scope.map(String) : [];
    if (scopes.length === 0) return googleError(400, 'INVALID_ARGUMENT', 'Scope required.');
    const lifetime = typeof body.lifetime === 'string' ? /^(\d+)s$/.exec(body.lifetime)?.[1] : '3600';
    if (lifetime === undefined || Number(lifetime) > MAX_LIFETIME_SECONDS || Number(lifetime) <= 0) {
      return googleError(400, 'INVALID_ARGUMENT', 'The lifetime must be between 1s and 3600s.');
    }
    const token = this.issue('service-account', email, scopes, Number(lifetime) * 1000, 'ya29.c.');
    return {
      status: 200,
      body: { accessToken: token.token, expireTime: new Date(token.expiresAt).toISOString() },
    };
  }

  private issue(
    kind: IssuedGoogleToken['kind'],
    principal: string,
    scopes: string[],
    ttlMs: number,
    prefix: string,
  ): IssuedGoogleToken {
    const token: IssuedGoogleToken = {
      token: `${prefix}${randomBytes(24).toString('base64url')}`,
      kind,
      principal,
      scopes,
      expiresAt: this.now() + ttlMs,
    };
    this.tokens.set(token.token, token);
    this.issued.push(token);
    return token;
  }
}
