/**
 * Creating a Docker repository in Artifact Registry on first push, over the REST API
 * (https://cloud.google.com/artifact-registry/docs/reference/rest/v1/projects.locations.repositories): observe
 * (`repositories.get`), plan (pure), apply (`repositories.create`, then its long-running operation polled with
 * `pollRollout`). Plain `fetch` with the same access token the registry login uses, so no client library is
 * loaded for two calls.
 */
import { pollRollout, retry } from '@slipway/core';
import type { PollOptions, RetryOptions, RolloutSnapshot } from '@slipway/core';

/** The default REST endpoint. */
export const ARTIFACT_REGISTRY_ENDPOINT = 'https://artifactregistry.googleapis.com';

/** Which repository: `LOCATION-docker.pkg.dev/PROJECT/REPOSITORY/IMAGE` names all three. */
export interface ArtifactRepositoryId {
  project: string;
  location: string;
  repository: string;
}

/** How to reach the API. */
export interface ArtifactRegistryApi {
  /** Base URL without a trailing slash; {@link ARTIFACT_REGISTRY_ENDPOINT} in production. */
  endpoint: string;
  /** A valid access token (the registry login's). */
  token(): Promise<string>;
  fetch?: typeof fetch;
  retry?: RetryOptions;
}

/** What `repositories.get` said. */
export type ObservedArtifactRepository = { exists: false } | { exists: true; format: string };

/** What to do about one repository. */
export interface ArtifactRepositoryPlan {
  id: ArtifactRepositoryId;
  steps: Array<{ action: 'create'; format: 'DOCKER' }>;
  /** Reasons the push cannot go ahead (a repository of another format). */
  problems: string[];
}

/** An HTTP error answered by the API, in the shape `describeError` and `isRetryable` of core read. */
export class ArtifactRegistryHttpError extends Error {
  readonly status: number;

  constructor(status: number, message: string) {
    super(message);
    this.name = 'ArtifactRegistryHttpError';
    this.status = status;
  }
}

function repositoryPath(id: ArtifactRepositoryId): string {
  const part = encodeURIComponent;
  return `projects/${part(id.project)}/locations/${part(id.location)}/repositories/${part(id.repository)}`;
}

/** `projects/P/locations/L/repositories/R`, as the API names a repository. */
export function artifactRepositoryName(id: ArtifactRepositoryId): string {
  return `projects/${id.project}/locations/${id.location}/repositories/${id.repository}`;
}

async function call(
  api: ArtifactRegistryApi,
  method: 'GET' | 'POST',
  path: string,
  body?: unknown,
): Promise<unknown> {
  const doFetch = api.fetch ?? fetch;
  return retry(async () => {
    const token = await api.token();
    const res = await doFetch(`${api.endpoint}/v1/${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        accept: 'application/json',
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    if (!res.ok) throw new ArtifactRegistryHttpError(res.status, errorMessage(res.status, text));
    return text === '' ? {} : (JSON.parse(text) as unknown);
  }, api.retry);
}

/** Google's JSON error body as one line: `PERMISSION_DENIED: … (HTTP 403)`. */
function errorMessage(status: number, text: string): string {
  try {
    const body = JSON.parse(text) as { error?: { message?: unknown; status?: unknown } };
    const message = typeof body.error?.message === 'string' ? body.error.message : undefined;
    const code = typeof body.error?.status === 'string' ? `${body.error.status}: ` : '';
    if (message !== undefined) return `${code}${message} (HTTP ${status})`;
  } catch {
    // Not JSON: a proxy or load balancer answered.
  }
  return `Artifact Registry answered HTTP ${status}`;
}

/** Reads one repository (`repositories.get`); 404 is `{ exists: false }`. */
export async function getArtifactRepository(
  api: ArtifactRegistryApi,
  id: ArtifactRepositoryId,
): Promise<ObservedArtifactRepository> {
  try {
    const repo = (await call(api, 'GET', repositoryPath(id))) as { format?: unknown };
    return { exists: true, format: typeof repo.format === 'string' ? repo.format : 'FORMAT_UNSPECIFIED' };
  } catch (e) {
    if (e instanceof ArtifactRegistryHttpError && e.status === 404) return { exists: false };
    throw e;
  }
}

/** Plans the creation of a missing Docker repository; an existing repository of another format is a problem. */
export function planArtifactRepository(
  id: ArtifactRepositoryId,
  observed: ObservedArtifactRepository,
): ArtifactRepositoryPlan {
  if (!observed.exists) return { id, steps: [{ action: 'create', format: 'DOCKER' }], problems: [] };
  if (observed.format !== 'DOCKER') {
    return {
      id,
      steps: [],
      problems: [
        `Artifact Registry repository ${artifactRepositoryName(id)} holds ${observed.format} packages, not Docker images`,
      ],
    };
  }
  return { id, steps: [], problems: [] };
}

interface Operation {
  name?: string;
  done?: boolean;
  error?: { code?: number; message?: string };
}

/**
 * Creates the repository (`repositories.create`) and waits for its operation. A repository created meanwhile by
 * another job (HTTP 409) counts as created.
 */
export async function applyArtifactRepository(
  api: ArtifactRegistryApi,
  plan: ArtifactRepositoryPlan,
  poll: Omit<PollOptions, 'timeoutMs'> & { timeoutMs?: number } = {},
): Promise<void> {
  if (plan.problems.length > 0) throw new Error(plan.problems.join('; '));
  const { id } = plan;
  for (const step of plan.steps) {
    const parent = repositoryPath(id).replace(/\/repositories\/[^/]+$/, '/repositories');
    let op: Operation;
    try {
      op = (await call(api, 'POST', `${parent}?repositoryId=${encodeURIComponent(id.repository)}`, {
        format: step.format,
        description: 'Created by Slipway build-push on first push',
      })) as Operation;
    } catch (e) {
      if (e instanceof ArtifactRegistryHttpError && e.status === 409) continue;
      throw e;
    }
    await waitForOperation(api, op, poll);
  }
}

async function waitForOperation(
  api: ArtifactRegistryApi,
  first: Operation,
  poll: Omit<PollOptions, 'timeoutMs'> & { timeoutMs?: number },
): Promise<void> {
  let op = first;
  const snapshot = (o: Operation): RolloutSnapshot => ({
    done: o.done === true && o.error === undefined,
    failed: o.done === true && o.error !== undefined,
    summary: o.done === true ? 'done' : 'creating the repository',
    reasons: o.error === undefined ? [] : [o.error.message ?? `operation failed with code ${o.error.code}`],
    events: [],
  });
  const final = await pollRollout(
    {
      observe: async () => {
        if (op.done !== true) {
          if (op.name === undefined)
            throw new Error('Artifact Registry returned an operation without a name');
          op = (await call(api, 'GET', op.name)) as Operation;
        }
        return snapshot(op);
      },
    },
    {
      initialIntervalMs: 1000,
      maxIntervalMs: 5000,
      onSnapshot: () => undefined,
      ...poll,
      timeoutMs: poll.timeoutMs ?? 120_000,
    },
  );
  if (final.failed)
    throw new Error(`creating the Artifact Registry repository failed: ${final.reasons.join('; ')}`);
}
