// Google's side of an Artifact Registry push, on 127.0.0.1: the STS token exchange that Workload Identity
// Federation credentials use (what `google-github-actions/auth` sets up), and the Artifact Registry REST calls
// that create a Docker repository. Protocols:
//   STS        https://cloud.google.com/iam/docs/reference/sts/rest/v1/TopLevel/token (form in, JSON out)
//   repos      https://cloud.google.com/artifact-registry/docs/reference/rest/v1/projects.locations.repositories
//   operations https://cloud.google.com/artifact-registry/docs/reference/rest/v1/projects.locations.operations/get
// Errors are Google's JSON error body `{"error": {"code", "message", "status"}}`.
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StandIn } from '../stand-ins/base.js';
import type { StandInOptions, StandInRequest, StandInResponse } from '../stand-ins/base.js';

/** Options of the Google stand-in. */
export interface GoogleStandInOptions extends StandInOptions {
  /** Every access token handed out is this value (say, the password of a local registry's htpasswd). */
  accessToken?: string;
  /** `expires_in` of each token, in seconds (an hour, as STS answers, by default). */
  tokenLifetimeSeconds?: number;
  /** How many operation polls answer `done: false` before the operation completes. */
  pendingPolls?: number;
}

/** A repository as the stand-in keeps it. */
export interface StoredRepository {
  name: string;
  format: string;
  description?: string;
}

const REPO = /^\/v1\/projects\/([^/]+)\/locations\/([^/]+)\/repositories(?:\/([^/]+))?$/;
const OPERATION = /^\/v1\/projects\/([^/]+)\/locations\/([^/]+)\/operations\/([^/]+)$/;

/** STS plus the Artifact Registry repository API. */
export class GoogleStandIn extends StandIn {
  /** Every token handed out, oldest first. */
  readonly issued: Array<{ token: string; expiresAt: number }> = [];
  readonly repositories = new Map<string, StoredRepository>();
  private readonly operations = new Map<string, { polls: number; repository: StoredRepository }>();
  private readonly settings: GoogleStandInOptions;

  /** @param options token and operation behaviour. */
  constructor(options: GoogleStandInOptions = {}) {
    super(options);
    this.settings = options;
  }

  /** Adds a repository as if it existed before the test. */
  seedRepository(project: string, location: string, repository: string, format = 'DOCKER'): void {
    const name = `projects/${project}/locations/${location}/repositories/${repository}`;
    this.repositories.set(name, { name, format });
  }

  /**
   * Writes an `external_account` ADC file, as `google-github-actions/auth` does for direct Workload Identity
   * Federation, whose token exchange comes here. Returns its path and a cleanup function.
   */
  async writeAdcFile(): Promise<{ path: string; dir: string; remove(): Promise<void> }> {
    const dir = await mkdtemp(join(tmpdir(), 'slipway-adc-'));
    const subject = join(dir, 'oidc-token');
    await writeFile(subject, 'github-oidc-token-for-tests');
    const path = join(dir, 'credentials.json');
    await writeFile(
      path,
      JSON.stringify({
        type: 'external_account',
        audience:
          '//iam.googleapis.com/projects/123/locations/global/workloadIdentityPools/github/providers/slipway',
        subject_token_type: 'urn:ietf:params:oauth:token-type:jwt',
        token_url: `${this.url}/v1/token`,
        credential_source: { file: subject },
      }),
      { mode: 0o600 },
    );
    return { path, dir, remove: () => rm(dir, { recursive: true, force: true }) };
  }

  protected identify(request: StandInRequest): string {
    if (request.path === '/v1/token') return 'sts.token';
    if (OPERATION.test(request.path)) return 'operations.get';
    const repo = REPO.exec(request.path);
    if (repo && repo[3] === undefined && request.method === 'POST') return 'repositories.create';
    if (repo && repo[3] !== undefined && request.method === 'GET') return 'repositories.get';
    return `${request.method} ${request.path}`;
  }

  protected handle(request: StandInRequest, operation: string): StandInResponse {
    if (operation === 'sts.token') return this.token(request);
    if (!this.authorized(request)) {
      return error(401, 'UNAUTHENTICATED', 'Request had invalid authentication credentials.');
    }
    if (operation === 'repositories.get') {
      const name = request.path.slice('/v1/'.length);
      const repo = this.repositories.get(decodeURIComponent(name));
      return repo === undefined
        ? error(404, 'NOT_FOUND', `Requested entity was not found.`)
        : { status: 200, body: repo };
    }
    if (operation === 'repositories.create') return this.create(request);
    if (operation === 'operations.get') return this.poll(request);
    return error(404, 'NOT_FOUND', `no route ${operation}`);
  }

  protected throttleResponse(): StandInResponse {
    return error(429, 'RESOURCE_EXHAUSTED', 'Quota exceeded.');
  }

  protected serverErrorResponse(
    _r: StandInRequest,
    _o: string,
    status: number,
    message?: string,
  ): StandInResponse {
    return error(
      status,
      status === 503 ? 'UNAVAILABLE' : 'INTERNAL',
      message ?? 'Internal error encountered.',
    );
  }

  private token(request: StandInRequest): StandInResponse {
    const form = new URLSearchParams(
      typeof request.body === 'string' ? request.body : request.rawBody.toString(),
    );
    if (
      form.get('grant_type') !== 'urn:ietf:params:oauth:grant-type:token-exchange' ||
      !form.get('subject_token')
    ) {
      return { status: 400, body: { error: 'invalid_request', error_description: 'not a token exchange' } };
    }
    const lifetime = this.settings.tokenLifetimeSeconds ?? 3600;
    const token = this.settings.accessToken ?? `ya29.${randomUUID()}`;
    this.issued.push({ token, expiresAt: this.now() + lifetime * 1000 });
    return {
      status: 200,
      body: {
        access_token: token,
        issued_token_type: 'urn:ietf:params:oauth:token-type:access_token',
        token_type: 'Bearer',
        expires_in: lifetime,
      },
    };
  }

  private authorized(request: StandInRequest): boolean {
    const header = request.headers['authorization'];
    const token = typeof header === 'string' && header.startsWith('Bearer ') ? header.slice(7) : undefined;
    return token !== undefined && this.issued.some((t) => t.token === token && t.expiresAt > this.now());
  }

  private create(request: StandInRequest): StandInResponse {
    const [, project, location] = REPO.exec(request.path)!;
    const id = request.query['repositoryId'];
    if (typeof id !== 'string' || !/^[a-z]([a-z0-9-]*[a-z0-9])?$/.test(id)) {
      return error(400, 'INVALID_ARGUMENT', 'Invalid repository ID.');
    }
    const body = (request.body ?? {}) as { format?: unknown; description?: unknown };
    const name = `projects/${project}/locations/${location}/repositories/${id}`;
    if (this.repositories.has(name)) return error(409, 'ALREADY_EXISTS', `the repository already exists`);
    const repository: StoredRepository = {
      name,
      format: typeof body.format === 'string' ? body.format : 'FORMAT_UNSPECIFIED',
      ...(typeof body.description === 'string' ? { description: body.description } : {}),
    };
    const opName = `projects/${project}/locations/${location}/operations/${randomUUID()}`;
    this.operations.set(opName, { polls: 0, repository });
    return { status: 200, body: this.operationBody(opName) };
  }

  private poll(request: StandInRequest): StandInResponse {
    const name = request.path.slice('/v1/'.length);
    const op = this.operations.get(name);
    if (op === undefined) return error(404, 'NOT_FOUND', 'operation not found');
    op.polls++;
    return { status: 200, body: this.operationBody(name) };
  }

  private operationBody(name: string): unknown {
    const op = this.operations.get(name)!;
    const done = op.polls >= (this.settings.pendingPolls ?? 1);
    if (done) this.repositories.set(op.repository.name, op.repository);
    return done
      ? {
          name,
          done: true,
          response: {
            '@type': 'type.googleapis.com/google.devtools.artifactregistry.v1.Repository',
            ...op.repository,
          },
        }
      : { name, done: false };
  }
}

function error(code: number, status: string, message: string): StandInResponse {
  return { status: code, body: { error: { code, message, status } } };
}
