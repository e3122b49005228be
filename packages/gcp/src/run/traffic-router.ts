/**
 * core's traffic router seam for Cloud Run: the split between a stable revision and a candidate revision of one
 * service, as revision traffic targets (https://cloud.google.com/run/docs/rollouts-rollbacks-traffic-migration).
 * - read: where `trafficStatuses` send traffic, LATEST resolved to the revision it serves;
 * - write: one UpdateService whose traffic pins both revisions by name (a LATEST target with a share would hand
 *   that share to the next revision anyone deploys), keeping every tag where it was;
 * - preview: one UpdateService that tags the candidate at 0 %, for its own URL
 *   (https://cloud.google.com/run/docs/rollouts-rollbacks-traffic-migration#tags).
 * Traffic-only updates make no revision: the template is sent back as it was read. Each write carries the etag
 * read just before, and is read again and retried once when someone else changed the service meanwhile.
 */
import { TrafficTargetError, assertWeights, pollRollout } from '@slipway/core';
import type { RouteState, TrafficRouter, Weights } from '@slipway/core';
import type { OperationStart, RunApi } from './client.js';
import { isConflict } from './errors.js';
import { settableService } from './normalize.js';
import { OperationObserver, conditionOf } from './observe.js';
import { shortRevision } from './traffic.js';
import { LATEST, REVISION } from './types.js';
import type { Service, TrafficTarget } from './types.js';

/** Options of {@link createCloudRunRouter}. */
export interface CloudRunRouterOptions {
  /** Full name of the service: `projects/P/locations/R/services/S`. */
  service: string;
  /** The candidate: a revision's (short or full) name, or a tag of a revision of the service. */
  candidate: string;
  /** The stable revision (name or tag); inferred from where the traffic goes when left out. */
  stable?: string;
  /** Tag that {@link TrafficRouter.preview} gives the candidate; default `candidate`. */
  previewTag?: string;
  /** Waits for a long-running operation; default: polls it with core's `pollRollout` until `timeoutMs`. */
  waitOperation?: (name: string) => Promise<void>;
  /** Deadline of each wait for an operation (default 5 minutes). */
  timeoutMs?: number;
  /** First poll interval (default 1000 ms). */
  pollIntervalMs?: number;
  /** Told of progress (etag conflicts, operations). */
  log?: (line: string) => void;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
}

/** Default tag of the candidate in blue/green testing. */
export const DEFAULT_PREVIEW_TAG = 'candidate';

const SERVICE_NAME = /^projects\/([^/]+)\/locations\/([^/]+)\/services\/([^/]+)$/;
const TAG = /^[a-z](?:[-a-z0-9]*[a-z0-9])?$/;
/** A tag and the service name together make the host label `TAG---SERVICE-HASH-REGION`; Cloud Run caps both at 46. */
const MAX_TAG_AND_SERVICE = 46;

/** Where traffic goes now, one row per traffic status, LATEST resolved. */
export interface ServingRow {
  revision: string;
  percent: number;
  tag?: string;
  url?: string;
  latest: boolean;
}

/**
 * Where a service's traffic goes: its `trafficStatuses` (what serves), or its `traffic` targets while it has no
 * statuses yet; a LATEST row names the revision it serves now (empty when none is ready).
 */
export function servingRows(service: Service): ServingRow[] {
  const latestReady = shortRevision(service.latestReadyRevision);
  const statuses = service.trafficStatuses ?? [];
  const source = statuses.length > 0 ? statuses : (service.traffic ?? []);
  return source.map((s) => {
    const latest = s.type === LATEST;
    const row: ServingRow = {
      revision: shortRevision(s.revision) ?? (latest ? (latestReady ?? '') : ''),
      percent: s.percent ?? 0,
      latest,
    };
    if (s.tag) row.tag = s.tag;
    const uri = (s as { uri?: string }).uri;
    if (uri) row.url = uri;
    return row;
  });
}

/**
 * The traffic targets of a split: the stable and the candidate revisions pinned by name with their shares (a 0 %
 * share is left out), then every tag of the live targets where it was. A tag on a revision rides on that
 * revision's share when it has one; otherwise it stays a 0 % target. A tag on LATEST stays on LATEST at 0 %: it
 * still follows the latest ready revision, but no traffic does.
 */
export function splitTraffic(
  live: Pick<Service, 'traffic'>,
  split: { stable: string | undefined; candidate: string },
  weights: Weights,
): TrafficTarget[] {
  assertWeights(weights);
  const targets: TrafficTarget[] = [];
  if (weights.stable > 0) {
    if (split.stable === undefined)
      throw new TrafficTargetError(
        'stable',
        `no stable revision to send ${weights.stable} % of the traffic to`,
      );
    targets.push({ type: REVISION, revision: split.stable, percent: weights.stable });
  }
  if (weights.candidate > 0)
    targets.push({ type: REVISION, revision: split.candidate, percent: weights.candidate });
  for (const t of live.traffic ?? []) {
    if (!t.tag) continue;
    if (t.type === LATEST) {
      targets.push({ type: LATEST, tag: t.tag });
      continue;
    }
    const revision = shortRevision(t.revision);
    if (revision === undefined) continue;
    const carrier = targets.find((x) => x.type === REVISION && x.revision === revision && !x.tag);
    if (carrier !== undefined) carrier.tag = t.tag;
    else targets.push({ type: REVISION, revision, tag: t.tag });
  }
  return targets;
}

/**
 * The live targets with `tag` on `candidate` at no share of its own: the tag leaves any other target (a 0 %
 * revision target left without a tag goes), and rides on the candidate's untagged target when it has one.
 * Every share stays as it is.
 */
export function tagTraffic(live: Pick<Service, 'traffic'>, candidate: string, tag: string): TrafficTarget[] {
  const targets: TrafficTarget[] = [];
  for (const t of live.traffic ?? []) {
    const copy: TrafficTarget = { ...t };
    if (copy.revision !== undefined) copy.revision = shortRevision(copy.revision);
    if (copy.tag === tag) delete copy.tag;
    if (copy.type === REVISION && !copy.tag && (copy.percent ?? 0) === 0) continue;
    targets.push(copy);
  }
  const carrier = targets.find((t) => t.type === REVISION && t.revision === candidate && !t.tag);
  if (carrier !== undefined) carrier.tag = tag;
  else targets.push({ type: REVISION, revision: candidate, tag });
  return targets;
}

/**
 * A {@link TrafficRouter} over one Cloud Run service: platform `cloudrun`, any whole percentage. `api` is
 * Slipway's Cloud Run client, which retries throttling and 5xx itself.
 */
export function createCloudRunRouter(api: RunApi, opts: CloudRunRouterOptions): TrafficRouter {
  const match = SERVICE_NAME.exec(opts.service);
  if (!match)
    throw new TrafficTargetError(
      'service',
      `${JSON.stringify(opts.service)} is not a service name of the form projects/PROJECT/locations/REGION/services/SERVICE`,
    );
  const [, project, region, serviceId] = match as unknown as [string, string, string, string];
  const name = opts.service;
  const route = `Cloud Run service ${serviceId} (${region}, project ${project})`;
  const previewTag = opts.previewTag ?? DEFAULT_PREVIEW_TAG;
  const log = opts.log ?? (() => undefined);

  async function live(): Promise<Service> {
    const service = await api.getService(name);
    if (service === undefined)
      throw new TrafficTargetError(
        'service',
        `service ${serviceId} does not exist in ${region} of project ${project}`,
      );
    return service;
  }

  /** The revision that `ref` (a revision name or a tag) names on the service; it must be ready to serve. */
  async function resolve(service: Service, rows: ServingRow[], ref: string, input: string): Promise<string> {
    const wanted = shortRevision(ref.trim()) ?? '';
    const tagged = rows.find((r) => r.tag === wanted && r.revision !== '');
    const revisionId = tagged?.revision ?? wanted;
    const revision = revisionId === '' ? undefined : await api.getRevision(`${name}/revisions/${revisionId}`);
    if (revision === undefined) {
      const known = [
        ...new Set(
          rows.flatMap((r) => [...(r.revision ? [r.revision] : []), ...(r.tag ? [`${r.tag} (tag)`] : [])]),
        ),
      ];
      const latest = shortRevision(service.latestCreatedRevision);
      if (latest !== undefined && !rows.some((r) => r.revision === latest)) known.push(latest);
      throw new TrafficTargetError(
        input,
        `${JSON.stringify(ref)} is neither a revision nor a tag of ${route}` +
          (known.length > 0 ? `; it has ${known.join(', ')}` : ''),
      );
    }
    const ready = conditionOf(revision, 'Ready');
    if (ready?.state !== 'CONDITION_SUCCEEDED') {
      const state =
        ready?.state === 'CONDITION_FAILED'
          ? 'failed'
          : ready?.state === undefined
            ? 'pending'
            : ready.state.replace(/^CONDITION_/, '').toLowerCase();
      throw new TrafficTargetError(
        input,
        `revision ${revisionId} of ${route} is not ready and cannot serve traffic (${state})` +
          (ready?.message ? `: ${ready.message}` : ''),
      );
    }
    return revisionId;
  }

  async function wait(op: OperationStart, what: string): Promise<void> {
    if (op.done && opts.waitOperation === undefined) {
      // Done at once; an operation that failed at once still carries its error.
      const state = await api.getOperation(op.name);
      if (state.error !== undefined) throw state.error;
      return;
    }
    if (opts.waitOperation !== undefined) {
      await opts.waitOperation(op.name);
      return;
    }
    const observer = new OperationObserver(api, op.name, what);
    const last = await pollRollout(observer, {
      timeoutMs: opts.timeoutMs ?? 300_000,
      initialIntervalMs: opts.pollIntervalMs ?? 1000,
      maxIntervalMs: Math.max(opts.pollIntervalMs ?? 1000, 10_000),
      ...(opts.sleep ? { sleep: opts.sleep } : {}),
      ...(opts.now ? { now: opts.now } : {}),
      onProgress: log,
      onError: (e) => log(`${what}: could not read the operation (will retry): ${String(e)}`),
    });
    if (last.failed && observer.error !== undefined) throw observer.error;
  }

  /** One UpdateService of the traffic, on the service as read just before; read again once on an etag conflict. */
  async function update(what: string, traffic: (service: Service) => TrafficTarget[]): Promise<void> {
    let service = await live();
    let op: OperationStart;
    for (let attempt = 1; ; attempt++) {
      try {
        op = await api.updateService({
          ...settableService(service),
          name,
          etag: service.etag,
          traffic: traffic(service),
        });
        break;
      } catch (e) {
        if (attempt > 1 || !isConflict(e)) throw e;
        log(`${route} changed since it was read (etag conflict): reading it again and retrying once`);
        service = await live();
      }
    }
    await wait(op, what);
  }

  return {
    platform: 'cloudrun',
    granularity: 'percent',

    async read(): Promise<RouteState> {
      const service = await live();
      const rows = servingRows(service);
      const total = rows.reduce((s, r) => s + r.percent, 0);
      if (rows.length === 0 || total !== 100 || rows.some((r) => r.percent > 0 && r.revision === ''))
        throw new TrafficTargetError(
          'service',
          `${route} serves no traffic yet: it has no ready revision to split traffic from`,
        );
      const candidate = await resolve(service, rows, opts.candidate, 'candidate');
      let stable =
        opts.stable === undefined ? undefined : await resolve(service, rows, opts.stable, 'stable');
      if (stable === candidate)
        throw new TrafficTargetError(
          'stable',
          `${JSON.stringify(opts.stable)} is the candidate revision ${candidate}: name a different revision`,
        );
      const shares = new Map<string, number>();
      for (const r of rows) shares.set(r.revision, (shares.get(r.revision) ?? 0) + r.percent);
      const served = [...shares]
        .filter(([, p]) => p > 0)
        .sort((a, b) => b[1] - a[1])
        .map(([r, p]) => `${r} (${p} %)`);
      const others = [...shares].filter(([r, p]) => p > 0 && r !== candidate && r !== stable);
      if (stable !== undefined && others.length > 0) {
        throw new TrafficTargetError(
          'stable',
          `traffic goes to ${served.join(', ')}: ${others.map(([r]) => r).join(', ')} is neither the stable revision ${stable} nor the candidate ${candidate}; move its traffic first`,
        );
      }
      if (stable === undefined && others.length > 1) {
        throw new TrafficTargetError(
          'stable',
          `traffic goes to ${served.join(', ')}: name the stable revision, and move the other revisions' traffic to it or to the candidate ${candidate} first`,
        );
      }
      stable ??= others[0]?.[0];
      const candidateShare = shares.get(candidate) ?? 0;
      const weights: Weights = { stable: 100 - candidateShare, candidate: candidateShare };
      const urls = rows.filter((r) => r.revision === candidate && r.url !== undefined);
      const candidateUrl = (
        urls.find((r) => r.tag === previewTag) ??
        urls.find((r) => r.tag === opts.candidate) ??
        urls[0]
      )?.url;
      return { stable, candidate, weights, candidateUrl, route };
    },

    async write(weights: Weights, state: RouteState): Promise<void> {
      assertWeights(weights);
      if (state.stable === undefined && weights.stable > 0)
        throw new TrafficTargetError(
          'stable',
          `no stable revision to send ${weights.stable} % of the traffic of ${route} to: name one`,
        );
      log(
        `${route}: ${state.stable === undefined ? '' : `${weights.stable} % to ${state.stable}, `}${weights.candidate} % to ${state.candidate}`,
      );
      await update(`traffic of ${route}`, (service) =>
        splitTraffic(service, { stable: state.stable, candidate: state.candidate }, weights),
      );
    },

    async preview(state: RouteState): Promise<string | undefined> {
      if (!TAG.test(previewTag) || previewTag.length + serviceId.length > MAX_TAG_AND_SERVICE)
        throw new TrafficTargetError(
          'preview-tag',
          `${JSON.stringify(previewTag)} is not a Cloud Run tag: use lowercase letters, digits and hyphens, start with a letter, and keep it within ${MAX_TAG_AND_SERVICE - serviceId.length} characters (with the service name, ${MAX_TAG_AND_SERVICE})`,
        );
      const before = await live();
      const present = (before.traffic ?? []).some(
        (t) => t.tag === previewTag && t.type === REVISION && shortRevision(t.revision) === state.candidate,
      );
      if (!present) {
        log(`${route}: tagging ${state.candidate} ${previewTag} (no traffic)`);
        await update(`tag ${previewTag} of ${route}`, (service) =>
          tagTraffic(service, state.candidate, previewTag),
        );
      }
      const after = present ? before : await live();
      return servingRows(after).find((r) => r.tag === previewTag && r.revision === state.candidate)?.url;
    },

    /** Closes `api`. */
    close: () => api.close(),
  };
}
