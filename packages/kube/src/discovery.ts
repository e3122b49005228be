/**
 * Which resource serves a kind: the API server's discovery documents (`/api/v1`, `/apis/<group>/<version>`),
 * read once per group version. Kinds a CustomResourceDefinition in the same apply will define are accepted
 * before the definition exists.
 */
import type { KubeClient } from './client.js';
import { isStatus } from './errors.js';
import { isRecord } from './types.js';
import type { KubeObject } from './types.js';

/** One resource of a group version. */
export interface ApiResource {
  group: string;
  version: string;
  /** Lower-case plural, as in URLs. */
  plural: string;
  kind: string;
  namespaced: boolean;
}

/** A kind the cluster does not serve, with a message that says what it does serve. */
export interface UnknownKind {
  unknown: true;
  message: string;
}

interface ResourceListEntry {
  name: string;
  kind: string;
  namespaced: boolean;
}

/** Splits `apps/v1` into its group and version (`v1` is the core group). */
export function splitApiVersion(apiVersion: string): { group: string; version: string } {
  const i = apiVersion.indexOf('/');
  return i < 0
    ? { group: '', version: apiVersion }
    : { group: apiVersion.slice(0, i), version: apiVersion.slice(i + 1) };
}

/** The path of one object (or of the collection, without a name). */
export function objectPath(resource: ApiResource, namespace: string | undefined, name?: string): string {
  const root =
    resource.group === '' ? `/api/${resource.version}` : `/apis/${resource.group}/${resource.version}`;
  const ns =
    resource.namespaced && namespace !== undefined ? `/namespaces/${encodeURIComponent(namespace)}` : '';
  return `${root}${ns}/${resource.plural}${name === undefined ? '' : `/${encodeURIComponent(name)}`}`;
}

/** The resources a set of CustomResourceDefinitions will add. */
export function resourcesDefinedBy(crds: KubeObject[]): ApiResource[] {
  const out: ApiResource[] = [];
  for (const crd of crds) {
    const spec = isRecord(crd.spec) ? crd.spec : {};
    const names = isRecord(spec.names) ? spec.names : {};
    const versions = Array.isArray(spec.versions) ? spec.versions : [];
    for (const v of versions) {
      if (!isRecord(v) || v.served === false) continue;
      out.push({
        group: String(spec.group ?? ''),
        version: String(v.name),
        plural: String(names.plural ?? ''),
        kind: String(names.kind ?? ''),
        namespaced: spec.scope !== 'Cluster',
      });
    }
  }
  return out;
}

/** Discovery with a cache per group version. */
export class Discovery {
  private readonly lists = new Map<string, Promise<ResourceListEntry[] | undefined>>();
  private groups: Promise<Array<{ name: string; versions: string[] }>> | undefined;

  /** @param client the connection */
  constructor(private readonly client: KubeClient) {}

  private list(apiVersion: string): Promise<ResourceListEntry[] | undefined> {
    let cached = this.lists.get(apiVersion);
    if (cached === undefined) {
      const { group, version } = splitApiVersion(apiVersion);
      const path = group === '' ? `/api/${version}` : `/apis/${group}/${version}`;
      cached = this.client.request<{ resources?: ResourceListEntry[] }>({ method: 'GET', path }).then(
        (doc) => doc.resources ?? [],
        (e: unknown) => {
          if (isStatus(e, 404)) return undefined;
          this.lists.delete(apiVersion);
          throw e;
        },
      );
      this.lists.set(apiVersion, cached);
    }
    return cached;
  }

  private servedGroups(): Promise<Array<{ name: string; versions: string[] }>> {
    this.groups ??= this.client
      .request<{ groups?: Array<{ name: string; versions: Array<{ version: string }> }> }>({
        method: 'GET',
        path: '/apis',
      })
      .then((doc) =>
        (doc.groups ?? []).map((g) => ({ name: g.name, versions: g.versions.map((v) => v.version) })),
      );
    return this.groups;
  }

  /** Forgets what was read (after CustomResourceDefinitions were applied). */
  reset(): void {
    this.lists.clear();
    this.groups = undefined;
  }

  /** The resource serving `kind` in `apiVersion`, or why there is none. */
  async resolve(apiVersion: string, kind: string): Promise<ApiResource | UnknownKind> {
    const { group, version } = splitApiVersion(apiVersion);
    const entries = await this.list(apiVersion);
    if (entries === undefined) {
      if (group === '')
        return {
          unknown: true,
          message: `API version ${apiVersion} is not served by the cluster (the core group serves v1)`,
        };
      const served = (await this.servedGroups()).find((g) => g.name === group);
      return {
        unknown: true,
        message:
          served === undefined
            ? `unknown API group ${JSON.stringify(group)}: the cluster does not serve it (is its CustomResourceDefinition installed?)`
            : `${apiVersion} is not served by the cluster; it serves ${served.versions.map((v) => `${group}/${v}`).join(', ')}`,
      };
    }
    const entry = entries.find((r) => r.kind === kind && !r.name.includes('/'));
    if (entry === undefined) {
      const kinds = [...new Set(entries.filter((r) => !r.name.includes('/')).map((r) => r.kind))].sort();
      return {
        unknown: true,
        message: `${apiVersion} has no kind ${JSON.stringify(kind)} (it serves ${kinds.join(', ')})`,
      };
    }
    return { group, version, plural: entry.name, kind, namespaced: entry.namespaced };
  }
}

/** True for the {@link UnknownKind} answer. */
export function isUnknown(r: ApiResource | UnknownKind): r is UnknownKind {
  return 'unknown' in r;
}
