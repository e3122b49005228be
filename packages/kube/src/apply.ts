/**
 * Server-side apply of the planned objects, in order: `PATCH` with `application/apply-patch+yaml` and the field
 * manager `slipway` (https://kubernetes.io/docs/reference/using-api/server-side-apply/), `force` only when asked,
 * `dryRun=All` for a dry run. Each object is read first, so the result says whether it was created, changed or
 * left as it was, and a dry run can show the diff. CustomResourceDefinitions are waited on until Established
 * before the custom resources that need them.
 */
import type { KubeClient } from './client.js';
import { objectDiff, sameObject } from './diff.js';
import { isUnknown, objectPath } from './discovery.js';
import type { ApiResource, Discovery } from './discovery.js';
import { KubeApiError, isStatus } from './errors.js';
import { describeRef, isRecord, refOf } from './types.js';
import type { KubeObject, Manifest, ObjectRef, SourceLocation } from './types.js';

/** The field manager Slipway applies as. */
export const FIELD_MANAGER = 'slipway';

/** One object to apply, with the resource that serves it (undefined until its CRD is established). */
export interface PlannedObject {
  manifest: Manifest;
  resource: ApiResource | undefined;
}

/** What an apply did to one object. */
export type ApplyAction = 'created' | 'configured' | 'unchanged';

/** The outcome for one object. */
export interface AppliedObject {
  ref: ObjectRef;
  source: SourceLocation;
  action: ApplyAction;
  /** The object as the server answered the apply. */
  object: KubeObject;
  /** The object before the apply, when it existed. */
  before?: KubeObject;
  /** The change as a diff (dry runs only). */
  diff?: string;
}

/** Options of {@link applyObjects}. */
export interface ApplyOptions {
  dryRun: boolean;
  force: boolean;
  /** Told when each object is done. */
  onApplied?: (applied: AppliedObject) => void;
  /** How long to wait for a CustomResourceDefinition to be Established. */
  crdTimeoutMs?: number;
  sleep?: (ms: number) => Promise<void>;
}

/** An apply the server refused, naming the object and where it was written. */
export class ApplyError extends Error {
  /**
   * @param ref the object
   * @param source its manifest location
   * @param cause the server's answer
   */
  constructor(
    readonly ref: ObjectRef,
    readonly source: SourceLocation,
    readonly cause: unknown,
  ) {
    const detail =
      cause instanceof KubeApiError
        ? `${cause.reason ?? `HTTP ${cause.statusCode}`}: ${cause.message}${cause.statusCode === 409 && cause.reason === 'Conflict' && cause.causes.length > 0 ? ' (set force-conflicts: true to take these fields over)' : ''}`
        : cause instanceof Error
          ? cause.message
          : String(cause);
    super(`${describeRef(ref)} (${source.file}:${source.line}): ${detail}`);
    this.name = 'ApplyError';
  }
}

async function readLive(client: KubeClient, path: string): Promise<KubeObject | undefined> {
  try {
    return await client.request<KubeObject>({ method: 'GET', path });
  } catch (e) {
    if (isStatus(e, 404)) return undefined;
    throw e;
  }
}

async function waitEstablished(
  client: KubeClient,
  name: string,
  timeoutMs: number,
  sleep: (ms: number) => Promise<void>,
): Promise<void> {
  const path = `/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${encodeURIComponent(name)}`;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const crd = await client.request<KubeObject>({ method: 'GET', path });
    const conditions =
      isRecord(crd.status) && Array.isArray(crd.status.conditions) ? crd.status.conditions : [];
    if (conditions.some((c) => isRecord(c) && c.type === 'Established' && c.status === 'True')) return;
    if (Date.now() > deadline)
      throw new Error(
        `customresourcedefinition/${name} was not Established within ${Math.round(timeoutMs / 1000)} s`,
      );
    await sleep(500);
  }
}

/** Applies one object. */
export async function applyObject(
  client: KubeClient,
  manifest: Manifest,
  resource: ApiResource,
  opts: ApplyOptions,
): Promise<AppliedObject> {
  const object = manifest.object;
  const ref = refOf(object);
  const path = objectPath(resource, object.metadata.namespace, String(object.metadata.name));
  try {
    const before = await readLive(client, path);
    const after = await client.request<KubeObject>({
      method: 'PATCH',
      path,
      query: {
        fieldManager: FIELD_MANAGER,
        ...(opts.force ? { force: true } : {}),
        ...(opts.dryRun ? { dryRun: 'All' } : {}),
      },
      // JSON is YAML: the apply content type takes it as it is, with every field we were given.
      body: object,
      contentType: 'application/apply-patch+yaml',
    });
    const action: ApplyAction =
      before === undefined ? 'created' : sameObject(before, after) ? 'unchanged' : 'configured';
    return {
      ref,
      source: manifest.source,
      action,
      object: after,
      ...(before === undefined ? {} : { before }),
      ...(opts.dryRun ? { diff: objectDiff(before, after, describeRef(ref)) } : {}),
    };
  } catch (e) {
    throw new ApplyError(ref, manifest.source, e);
  }
}

/**
 * Applies every planned object in order, stopping at the first refusal. CustomResourceDefinitions are waited on
 * until Established (except in a dry run, where their custom resources cannot be tried and are reported as
 * skipped by the `onSkipped` hook).
 */
export async function applyObjects(
  client: KubeClient,
  discovery: Discovery,
  planned: PlannedObject[],
  opts: ApplyOptions & { onSkipped?: (manifest: Manifest, reason: string) => void },
): Promise<AppliedObject[]> {
  const results: AppliedObject[] = [];
  const sleep = opts.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  let definitionsApplied = false;
  for (const item of planned) {
    let resource = item.resource;
    if (resource === undefined) {
      if (opts.dryRun) {
        opts.onSkipped?.(
          item.manifest,
          'its CustomResourceDefinition does not exist yet, so the server cannot dry-run it',
        );
        continue;
      }
      if (definitionsApplied) discovery.reset();
      definitionsApplied = false;
      const found = await discovery.resolve(item.manifest.object.apiVersion, item.manifest.object.kind);
      if (isUnknown(found))
        throw new ApplyError(refOf(item.manifest.object), item.manifest.source, new Error(found.message));
      resource = found;
    }
    const applied = await applyObject(client, item.manifest, resource, opts);
    results.push(applied);
    opts.onApplied?.(applied);
    if (item.manifest.object.kind === 'CustomResourceDefinition' && !opts.dryRun) {
      await waitEstablished(
        client,
        String(item.manifest.object.metadata.name),
        opts.crdTimeoutMs ?? 60_000,
        sleep,
      );
      definitionsApplied = true;
    }
  }
  return results;
}
