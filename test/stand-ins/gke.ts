// Google Kubernetes Engine's control plane lookup and the Google token endpoints a GitHub workflow's credentials
// use, on one local server:
// - Kubernetes Engine API v1 `projects.locations.clusters.get` (and the older `projects.zones.clusters.get`):
//   https://cloud.google.com/kubernetes-engine/docs/reference/rest/v1/projects.locations.clusters/get, the Cluster
//   resource (endpoint, masterAuth.clusterCaCertificate, privateClusterConfig, controlPlaneEndpointsConfig,
//   autopilot) from https://cloud.google.com/kubernetes-engine/docs/reference/rest/v1/projects.locations.clusters.
//   `$alt=json;enum-encoding=int` (what @google-cloud/container's REST fallback sends) turns enums into numbers.
// - Security Token Service `token` exchange: https://cloud.google.com/iam/docs/reference/sts/rest/v1/TopLevel/token,
//   the call an `external_account` credential file (Workload Identity Federation, as google-github-actions/auth
//   writes it) makes through google-auth-library.
// - IAM Credentials `generateAccessToken` for service account impersonation:
//   https://cloud.google.com/iam/docs/reference/credentials/rest/v1/projects.serviceAccounts/generateAccessToken
// Errors use Google's JSON shape `{error: {code, message, status}}` (https://cloud.google.com/apis/design/errors);
// the token endpoint answers OAuth 2.0 errors (`{error, error_description}`, RFC 6749 §5.2).
import { randomBytes } from 'node:crypto';
import { StandIn } from './base.js';
import type { StandInOptions, StandInRequest, StandInResponse } from './base.js';

/** A cluster the stand-in knows. */
export interface GkeClusterSeed {
  project: string;
  location: string;
  name: string;
  /** The public IP endpoint (`host[:port]`; a real one is an IP and port 443). */
  endpoint: string;
  /** base64 PEM of the cluster CA. */
  caData: string;
  autopilot?: boolean;
  /** The private endpoint of a private cluster. */
  privateEndpoint?: string;
  /** The DNS-based endpoint (`gke-<id>.<region>.gke.goog`), served with a publicly trusted certificate. */
  dnsEndpoint?: string;
  /** Whether the DNS endpoint takes traffic from outside the VPC (default true when set). */
  dnsAllowExternalTraffic?: boolean;
  /** Whether the public IP endpoint is on (default true). */
  publicEndpointEnabled?: boolean;
  status?: 'RUNNING' | 'PROVISIONING' | 'RECONCILING' | 'STOPPING' | 'ERROR' | 'DEGRADED';
  version?: string;
}

/** A Google access token the stand-in issued. */
export interface IssuedGoogleToken {
  token: string;
  /** Epoch ms (stand-in clock). */
  expiresAt: number;
  /** Who it stands for: the federated principal, or the impersonated service account. */
  principal: string;
}

/** Options of the GKE stand-in. */
export interface GkeStandInOptions extends StandInOptions {
  /** Lifetime of tokens from the STS exchange and from impersonation; Google's default is one hour. */
  tokenLifetimeSeconds?: number;
  /** When set, only this subject token is accepted by the STS exchange. */
  subjectToken?: string;
}

const STATUS_NUMBERS: Record<string, number> = {
  STATUS_UNSPECIFIED: 0,
  PROVISIONING: 1,
  RUNNING: 2,
  RECONCILING: 3,
  STOPPING: 4,
  ERROR: 5,
  DEGRADED: 6,
};

const UNAUTHENTICATED =
  'Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project.';

/** Kubernetes Engine `clusters.get`, STS token exchange and service account impersonation. */
export class GkeStandIn extends StandIn {
  /** Every access token issued, oldest first. */
  readonly issuedTokens: IssuedGoogleToken[] = [];
  private readonly clusters = new Map<string, GkeClusterSeed>();
  private readonly settings: GkeStandInOptions;

  /** @param options token lifetime and accepted subject token. */
  constructor(options: GkeStandInOptions = {}) {
    super(options);
    this.settings = options;
  }

  /** Adds (or replaces) a cluster. */
  addCluster(cluster: GkeClusterSeed): void {
    this.clusters.set(`${cluster.project}/${cluster.location}/${cluster.name}`, cluster);
  }

  /**
   * The contents of an `external_account` credential file (what google-github-actions/auth writes for Workload
   * Identity Federation) whose token URL is this stand-in; `impersonate` adds service account impersonation.
   */
  externalAccountCredentials(subjectTokenFile: string, impersonate?: string): Record<string, unknown> {
    return {
      type: 'external_account',
      audience:
        '//iam.googleapis.com/projects/123456789/locations/global/workloadIdentityPools/github/providers/github',
      subject_token_type: 'urn:ietf:params:oauth:token-type:jwt',
      token_url: `${this.url}/v1/token`,
      credential_source: { file: subjectTokenFile, format: { type: 'text' } },
      ...(impersonate === undefined
        ? {}
        : {
            service_account_impersonation_url: `${this.url}/v1/projects/-/serviceAccounts/${impersonate}:generateAccessToken`,
          }),
    };
  }

  /** Who a bearer token stands for, or undefined when it is unknown or expired (at the stand-in's clock). */
  verifyAccessToken(token: string): string | undefined {
    const issued = this.issuedTokens.find((t) => t.token === token);
    return issued !== undefined && issued.expiresAt > this.now() ? issued.principal : undefined;
  }

  protected identify(request: StandInRequest): string {
    if (request.method === 'POST' && request.path === '/v1/token') return 'sts.token';
    if (request.method === 'POST' && /:generateAccessToken$/.test(request.path))
      return 'iamcredentials.generateAccessToken';
    if (
      request.method === 'GET' &&
      /^\/v1\/projects\/[^/]+\/(locations|zones)\/[^/]+\/clusters\/[^/]+$/.test(request.path)
    ) {
      return 'container.clusters.get';
    }
    return `${request.method} ${request.path}`;
  }

  protected handle(request: StandInRequest, operation: string): StandInResponse {
    switch (operation) {
      case 'sts.token':
        return this.exchange(request);
      case 'iamcredentials.generateAccessToken':
        return this.impersonate(request);
      case 'container.clusters.get':
        return this.getCluster(request);
      default:
        return this.googleError(404, 'NOT_FOUND', `Method not found: ${request.method} ${request.path}`);
    }
  }

  private issue(principal: string): IssuedGoogleToken {
    const lifetime = (this.settings.tokenLifetimeSeconds ?? 3600) * 1000;
    const issued = {
      token: `ya29.slipway-${randomBytes(24).toString('base64url')}`,
      expiresAt: this.now() + lifetime,
      principal,
    };
    this.issuedTokens.push(issued);
    return issued;
  }

  private caller(request: StandInRequest): string | undefined {
    const auth = request.headers.authorization;
    const value = Array.isArray(auth) ? auth[0] : auth;
    const match = /^Bearer (.+)$/.exec(value ?? '');
    return match?.[1] === undefined ? undefined : this.verifyAccessToken(match[1]);
  }

  private exchange(request: StandInRequest): StandInResponse {
    const form = new URLSearchParams(typeof request.body === 'string' ? request.body : '');
    const oauthError = (error: string, description: string): StandInResponse => ({
      status: 400,
      body: { error, error_description: description },
    });
    if (form.get('grant_type') !== 'urn:ietf:params:oauth:grant-type:token-exchange') {
      return oauthError('unsupported_grant_type', `Unsupported grant_type: ${form.get('grant_type') ?? ''}`);
    }
    const subject = form.get('subject_token');
    if (subject === null || subject === '') return oauthError('invalid_request', 'subject_token is required');
    if (this.settings.subjectToken !== undefined && subject !== this.settings.subjectToken) {
      return oauthError('invalid_grant', 'The given subject token could not be validated.');
    }
    if (form.get('requested_token_type') !== 'urn:ietf:params:oauth:token-type:access_token') {
      return oauthError(
        'invalid_request',
        'requested_token_type must be urn:ietf:params:oauth:token-type:access_token',
      );
    }
    const issued = this.issue(
      `principal://iam.googleapis.com/${String(form.get('audience') ?? '').replace(/^\/\/iam\.googleapis\.com\//, '')}`,
    );
    return {
      status: 200,
      body: {
        access_token: issued.token,
        issued_token_type: 'urn:ietf:params:oauth:token-type:access_token',
        token_type: 'Bearer',
        expires_in: Math.round((issued.expiresAt - this.now()) / 1000),
      },
    };
  }

  private impersonate(request: StandInRequest): StandInResponse {
    if (this.caller(request) === undefined) return this.googleError(401, 'UNAUTHENTICATED', UNAUTHENTICATED);
    const email = /serviceAccounts\/([^/:]+):generateAccessToken$/.exec(request.path)?.[1] ?? '';
    const issued = this.issue(`serviceAccount:${decodeURIComponent(email)}`);
    return {
      status: 200,
      body: { accessToken: issued.token, expireTime: new Date(issued.expiresAt).toISOString() },
    };
  }

  private getCluster(request: StandInRequest): StandInResponse {
    if (this.caller(request) === undefined) return this.googleError(401, 'UNAUTHENTICATED', UNAUTHENTICATED);
    const [, , project = '', , location = '', , name = ''] = request.path.split('/').slice(1);
    const cluster = this.clusters.get(`${project}/${location}/${name}`);
    const resource = `projects/${project}/locations/${location}/clusters/${name}`;
    if (cluster === undefined) return this.googleError(404, 'NOT_FOUND', `Not found: ${resource}.`);
    const alt = Array.isArray(request.query.$alt) ? request.query.$alt.join(';') : (request.query.$alt ?? '');
    const enumsAsNumbers = /enum-encoding=int/.test(alt);
    const status = cluster.status ?? 'RUNNING';
    const publicEnabled = cluster.publicEndpointEnabled ?? true;
    return {
      status: 200,
      body: {
        name: cluster.name,
        location: cluster.location,
        zone: cluster.location,
        selfLink: `https://container.googleapis.com/v1/${resource}`,
        id: '0f1e2d3c4b5a69788796a5b4c3d2e1f0',
        createTime: '2026-01-05T10:00:00+00:00',
        status: enumsAsNumbers ? STATUS_NUMBERS[status] : status,
        currentMasterVersion: cluster.version ?? '1.33.5-gke.1000000',
        endpoint: cluster.endpoint,
        masterAuth: { clusterCaCertificate: cluster.caData },
        ...(cluster.autopilot === true ? { autopilot: { enabled: true } } : {}),
        ...(cluster.privateEndpoint === undefined
          ? {}
          : {
              privateClusterConfig: {
                enablePrivateNodes: true,
                enablePrivateEndpoint: !publicEnabled,
                privateEndpoint: cluster.privateEndpoint,
                ...(publicEnabled ? { publicEndpoint: cluster.endpoint } : {}),
              },
            }),
        controlPlaneEndpointsConfig: {
          ...(cluster.dnsEndpoint === undefined
            ? {}
            : {
                dnsEndpointConfig: {
                  endpoint: cluster.dnsEndpoint,
                  allowExternalTraffic: cluster.dnsAllowExternalTraffic ?? true,
                },
              }),
          ipEndpointsConfig: {
            enabled: true,
            enablePublicEndpoint: publicEnabled,
            ...(publicEnabled ? { publicEndpoint: cluster.endpoint } : {}),
            ...(cluster.privateEndpoint === undefined ? {} : { privateEndpoint: cluster.privateEndpoint }),
          },
        },
      },
    };
  }

  protected throttleResponse(): StandInResponse {
    return this.googleError(
      429,
      'RESOURCE_EXHAUSTED',
      "Quota exceeded for quota metric 'Read requests' of service 'container.googleapis.com'.",
    );
  }

  protected serverErrorResponse(
    _r: StandInRequest,
    _o: string,
    status: number,
    message?: string,
  ): StandInResponse {
    const name = status === 503 ? 'UNAVAILABLE' : status === 504 ? 'DEADLINE_EXCEEDED' : 'INTERNAL';
    return this.googleError(status, name, message ?? 'Internal error encountered.');
  }

  private googleError(code: number, status: string, message: string): StandInResponse {
    return { status: code, body: { error: { code, message, status } } };
  }
}
