// Kubernetes `Status` error objects, as the API server answers every failed request.
// Reference: https://kubernetes.io/docs/reference/using-api/api-concepts/#api-verbs (errors are Status objects) and
// https://kubernetes.io/docs/reference/kubernetes-api/common-definitions/status/ (fields, reasons, causes).

/** One cause inside `details.causes`, e.g. a field that failed validation or a field-manager conflict. */
export interface StatusCause {
  reason: string;
  message: string;
  field?: string;
}

/** What an error names besides its message. */
export interface StatusDetails {
  name?: string;
  group?: string;
  kind?: string;
  causes?: StatusCause[];
  retryAfterSeconds?: number;
}

/** A Status object (kind Status, apiVersion v1). */
export interface KubeStatus {
  kind: 'Status';
  apiVersion: 'v1';
  metadata: Record<string, never>;
  status: 'Failure' | 'Success';
  message: string;
  reason: string;
  details?: StatusDetails;
  code: number;
}

/** An error a handler throws; the stand-in answers it as a Status with the same code. */
export class KubeApiError extends Error {
  constructor(
    readonly code: number,
    readonly reason: string,
    message: string,
    readonly details?: StatusDetails,
  ) {
    super(message);
    this.name = 'KubeApiError';
  }

  /** The Status object the API server would send. */
  toStatus(): KubeStatus {
    return {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: this.message,
      reason: this.reason,
      ...(this.details === undefined ? {} : { details: this.details }),
      code: this.code,
    };
  }
}

/** `resource.group` as error messages spell a resource (`deployments.apps`, `pods`). */
export function qualifiedResource(plural: string, group: string): string {
  return group === '' ? plural : `${plural}.${group}`;
}

/** 404: `deployments.apps "web" not found`. */
export function notFound(plural: string, group: string, name: string): KubeApiError {
  return new KubeApiError(404, 'NotFound', `${qualifiedResource(plural, group)} "${name}" not found`, {
    name,
    group,
    kind: plural,
  });
}

/** 404 for a path the server does not serve (unknown group, version or resource). */
export function pathNotFound(): KubeApiError {
  return new KubeApiError(404, 'NotFound', 'the server could not find the requested resource', {});
}

/** 409 AlreadyExists. */
export function alreadyExists(plural: string, group: string, name: string): KubeApiError {
  return new KubeApiError(
    409,
    'AlreadyExists',
    `${qualifiedResource(plural, group)} "${name}" already exists`,
    { name, group, kind: plural },
  );
}

/** 409 Conflict on a stale resourceVersion. */
export function staleResourceVersion(plural: string, group: string, name: string): KubeApiError {
  return new KubeApiError(
    409,
    'Conflict',
    `Operation cannot be fulfilled on ${qualifiedResource(plural, group)} "${name}": the object has been modified; please apply your changes to the latest version and try again`,
    { name, group, kind: plural },
  );
}

/** 422 Invalid, one cause per field, with the API server's message layout. */
export function invalid(kind: string, group: string, name: string, causes: StatusCause[]): KubeApiError {
  const qualifiedKind = group === '' ? kind : `${kind}.${group}`;
  const list = causes.map((c) => `${c.field}: ${c.message}`);
  const body = list.length === 1 ? list[0] : `[${list.join(', ')}]`;
  return new KubeApiError(422, 'Invalid', `${qualifiedKind} "${name}" is invalid: ${body}`, {
    name,
    group,
    kind,
    causes,
  });
}

/** 400 BadRequest. */
export function badRequest(message: string): KubeApiError {
  return new KubeApiError(400, 'BadRequest', message);
}

/** 401 Unauthorized, as the API server answers a missing or rejected bearer token. */
export function unauthorized(): KubeApiError {
  return new KubeApiError(401, 'Unauthorized', 'Unauthorized');
}

/** 405 MethodNotAllowed. */
export function methodNotAllowed(method: string): KubeApiError {
  return new KubeApiError(
    405,
    'MethodNotAllowed',
    `the server does not allow this method on the requested resource (${method})`,
  );
}

/** 415 UnsupportedMediaType for a PATCH with a content type the server does not take. */
export function unsupportedMediaType(contentType: string): KubeApiError {
  return new KubeApiError(
    415,
    'UnsupportedMediaType',
    `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml (got ${contentType})`,
  );
}

/** 410 Gone for a watch from a resourceVersion older than the server keeps. */
export function expired(resourceVersion: string): KubeApiError {
  return new KubeApiError(410, 'Expired', `too old resource version: ${resourceVersion}`);
}
