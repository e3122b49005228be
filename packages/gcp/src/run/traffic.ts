/**
 * Traffic targets of a deploy, as Cloud Run and `gcloud run deploy` treat them
 * (https://cloud.google.com/run/docs/rollouts-rollbacks-traffic-migration):
 * - by default the service sends 100 % to its LATEST ready revision, so a new revision takes all the traffic once it
 *   is ready; tags already given to revisions stay, without traffic;
 * - with `noTraffic`, every LATEST target is pinned to the revision it serves now, so the new revision gets 0 %;
 * - a `tag` names a revision (the new one, or the serving one when nothing new is made) and gets its own URL; the
 *   same tag is taken off any other target.
 */
import { LATEST, REVISION } from './types.js';
import type { Service, TrafficStatus, TrafficTarget } from './types.js';

/** A problem with the traffic a deploy asks for, found before anything is sent. */
export class TrafficError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TrafficError';
  }
}

/** What a deploy asks of the traffic. */
export interface TrafficRequest {
  /** Targets a service YAML gives (`spec.traffic`); default: the rules above. */
  explicit?: TrafficTarget[];
  noTraffic: boolean;
  tag?: string;
  /** The name of the revision the deploy makes, when it names it; needed to tag a new revision. */
  newRevision?: string;
  /** Whether the deploy makes a revision at all. */
  makesRevision: boolean;
}

/** The short name of a revision (`hello-00002-abc`) from a full or short name. */
export function shortRevision(name: string | undefined): string | undefined {
  if (name === undefined || name === '') return undefined;
  return name.slice(name.lastIndexOf('/') + 1);
}

/** The revision the LATEST target resolves to now: from the traffic statuses, else the latest ready revision. */
export function servingLatest(live: Service): string | undefined {
  const status = (live.trafficStatuses ?? []).find((s) => s.type === LATEST && s.revision);
  return shortRevision(status?.revision) ?? shortRevision(live.latestReadyRevision);
}

function target(
  type: typeof LATEST | typeof REVISION,
  percent: number,
  revision?: string,
  tag?: string,
): TrafficTarget {
  const t: TrafficTarget = { type };
  if (revision !== undefined) t.revision = revision;
  if (percent !== 0) t.percent = percent;
  if (tag !== undefined && tag !== '') t.tag = tag;
  return t;
}

/** Why a list of targets breaks Cloud Run's rules (percentages sum to 100, tags unique), or `undefined`. */
export function trafficProblem(targets: TrafficTarget[]): string | undefined {
  if (targets.length === 0) return undefined;
  const sum = targets.reduce((s, t) => s + (t.percent ?? 0), 0);
  if (sum !== 100) return `traffic percentages add up to ${sum}, not 100`;
  const tags = new Set<string>();
  for (const t of targets) {
    if (!t.tag) continue;
    if (tags.has(t.tag)) return `the tag ${JSON.stringify(t.tag)} is given to two traffic targets`;
    tags.add(t.tag);
  }
  if (targets.filter((t) => t.type === LATEST).length > 1) return 'more than one traffic target is LATEST';
  return undefined;
}

/**
 * The traffic targets to send. `live` is the service as it is (undefined for a create). Throws a
 * {@link TrafficError} when the request cannot be met (no-traffic on a create, a tag on a new revision without a
 * name, targets that break the rules).
 */
export function planTraffic(live: Service | undefined, request: TrafficRequest): TrafficTarget[] {
  let targets: TrafficTarget[];
  if (request.explicit !== undefined && request.explicit.length > 0) {
    targets = request.explicit.map((t) => ({ ...t }));
  } else if (live === undefined) {
    targets = [target(LATEST, 100)];
  } else if (request.noTraffic) {
    const serving = servingLatest(live);
    targets = (live.traffic ?? [target(LATEST, 100)]).map((t) => {
      if (t.type !== LATEST) return { ...t };
      if (serving === undefined) {
        throw new TrafficError(
          'no-traffic needs a revision that serves traffic now, and this service has none ready',
        );
      }
      return target(REVISION, t.percent ?? 0, serving, t.tag);
    });
  } else {
    // Traffic moves to LATEST; tags stay on their revisions without traffic.
    const latestTag = (live.traffic ?? []).find((t) => t.type === LATEST && t.tag)?.tag;
    targets = [target(LATEST, 100, undefined, latestTag)];
    for (const t of live.traffic ?? []) {
      if (t.type === REVISION && t.tag) targets.push(target(REVISION, 0, t.revision, t.tag));
    }
  }
  if (live === undefined && request.noTraffic) {
    throw new TrafficError('no-traffic cannot be used to create a service: its first revision must serve');
  }
  if (request.tag !== undefined) {
    const revision = request.makesRevision
      ? request.newRevision
      : live === undefined
        ? undefined
        : servingLatest(live);
    if (revision === undefined) {
      throw new TrafficError(
        request.makesRevision
          ? `tag ${JSON.stringify(request.tag)} needs the new revision's name`
          : `tag ${JSON.stringify(request.tag)} has no revision to name: the service has no ready revision`,
      );
    }
    targets = targets
      .map((t) => (t.tag === request.tag ? { ...t, tag: undefined } : t))
      .filter((t) => !(t.type === REVISION && (t.percent ?? 0) === 0 && !t.tag))
      .map((t) => {
        const copy = { ...t };
        if (copy.tag === undefined) delete copy.tag;
        return copy;
      });
    const same = targets.find((t) => t.type === REVISION && t.revision === revision && !t.tag);
    if (same !== undefined) same.tag = request.tag;
    else targets.push(target(REVISION, 0, revision, request.tag));
  }
  const problem = trafficProblem(targets);
  if (problem !== undefined) throw new TrafficError(problem);
  return targets;
}

/** One row of the `traffic` output and of the summary's traffic table. */
export interface TrafficRow {
  revision: string;
  percent: number;
  tag?: string;
  url?: string;
  /** The target follows the latest ready revision. */
  latest: boolean;
}

/** Where traffic goes, from a service's `trafficStatuses`. */
export function trafficRows(service: Service): TrafficRow[] {
  return (service.trafficStatuses ?? []).map((s: TrafficStatus) => {
    const row: TrafficRow = {
      revision:
        shortRevision(s.revision) ??
        (s.type === LATEST ? (shortRevision(service.latestReadyRevision) ?? '') : ''),
      percent: s.percent ?? 0,
      latest: s.type === LATEST,
    };
    if (s.tag) row.tag = s.tag;
    if (s.uri) row.url = s.uri;
    return row;
  });
}
