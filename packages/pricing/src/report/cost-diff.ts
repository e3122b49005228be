import { CLUSTER_FEES } from '../platforms/registry.js';
import type { EstimateReport, Platform, ReportWorkload, WorkloadKind } from '../types.js';

/** Which way the monthly cost moves. */
export type ChangeKind = 'increase' | 'decrease' | 'none';

/** A before/after pair. `null` means "could not be priced"; a side that does not exist counts as 0. */
export interface MoneyChange {
  beforeUSD: number | null;
  afterUSD: number | null;
  /** after − before, `null` when either side is unpriced. */
  differenceUSD: number | null;
  /** difference ÷ before × 100, `null` when before is 0 or unpriced. */
  percent: number | null;
}

/** One workload matched across the two reports by kind, namespace, name and source file. */
export interface WorkloadDiff extends MoneyChange {
  kind: WorkloadKind;
  name: string;
  namespace: string | null;
  file: string;
  status: 'added' | 'removed' | 'changed' | 'unchanged';
  /** The platform the headline counts this workload on (its before/after above are on it). */
  primaryPlatform: Platform;
  /** Every platform either side priced it on. */
  platforms: Array<MoneyChange & { platform: Platform }>;
}

/** One platform's total across the two reports (cluster fee included). */
export interface PlatformDiff extends MoneyChange {
  platform: Platform;
  region: string;
  /** Workloads the head report could not price on this platform. */
  unpriced: number;
}

/** The cost difference a pull request makes: what `renderMarkdownComment` prints. */
export interface CostDiff {
  headline: MoneyChange & {
    kind: ChangeKind;
    beforeUSD: number;
    afterUSD: number;
    differenceUSD: number;
    unpriced: number;
  };
  /** The platform Kubernetes workloads are counted on in the headline. */
  kubernetesPlatform: Platform;
  workloads: WorkloadDiff[];
  platforms: PlatformDiff[];
  cheapest: { before: Platform | null; after: Platform | null };
}

/** Options of `diffReports`. */
export interface DiffOptions {
  /**
   * The platform Kubernetes workloads count on in the headline (default `gke-autopilot`: it bills pod requests
   * directly, the closest reading of a manifest). ECS task definitions count on `ecs-fargate`, Cloud Run services on
   * `cloud-run` and Cloud Run jobs on `cloud-run-jobs`.
   */
  kubernetesPlatform?: Platform;
}

/** The default platform Kubernetes workloads are counted on in the headline. */
export const DEFAULT_KUBERNETES_PLATFORM: Platform = 'gke-autopilot';

/** Half a cent: differences smaller than this are "no change". */
const EPSILON = 0.005;

function change(beforeUSD: number | null, afterUSD: number | null): MoneyChange {
  const differenceUSD = beforeUSD === null || afterUSD === null ? null : afterUSD - beforeUSD;
  const percent =
    differenceUSD === null || beforeUSD === null || beforeUSD === 0
      ? null
      : (differenceUSD / beforeUSD) * 100;
  return { beforeUSD, afterUSD, differenceUSD, percent };
}

/** The workload's own platform: where the headline counts it. */
export function primaryPlatformOf(kind: WorkloadKind, kubernetesPlatform: Platform): Platform {
  if (kind === 'TaskDefinition') return 'ecs-fargate';
  if (kind === 'Service') return 'cloud-run';
  if (kind === 'CloudRunJob') return 'cloud-run-jobs';
  return kubernetesPlatform;
}

function keyOf(w: ReportWorkload): string {
  return JSON.stringify([w.kind, w.namespace ?? '', w.name, w.source.file]);
}

function costOn(w: ReportWorkload | undefined, platform: Platform): number | null {
  if (!w) return 0;
  const found = w.estimates.find((e) => e.platform === platform);
  return found ? found.monthlyUSD : 0;
}

/** The primary platform, or — when the workload has no estimate there (filtered out) — its first priced platform. */
function primaryFor(w: ReportWorkload, kubernetesPlatform: Platform): Platform {
  const preferred = primaryPlatformOf(w.kind, kubernetesPlatform);
  if (w.estimates.length === 0 || w.estimates.some((e) => e.platform === preferred)) return preferred;
  return (w.estimates.find((e) => e.monthlyUSD !== null) ?? w.estimates[0])?.platform ?? preferred;
}

function moved(a: number | null, b: number | null): boolean {
  if (a === null || b === null) return a !== b;
  return Math.abs(a - b) >= EPSILON;
}

function headlineSide(
  report: EstimateReport,
  primaries: Map<string, Platform>,
): { usd: number; unpriced: number } {
  let usd = 0;
  let unpriced = 0;
  const used = new Set<Platform>();
  for (const w of report.workloads) {
    const platform = primaries.get(keyOf(w));
    if (!platform) continue;
    used.add(platform);
    const cost = costOn(w, platform);
    if (cost === null) unpriced += 1;
    else usd += cost;
  }
  for (const platform of used) {
    if (CLUSTER_FEES[platform]) usd += report.totals.find((t) => t.platform === platform)?.clusterFeeUSD ?? 0;
  }
  return { usd, unpriced };
}

/**
 * Compares two reports (the pull request's base and head): per workload (matched by kind, namespace, name and
 * file) and per platform, and a headline that counts each workload once, on its own platform, plus the cluster
 * fee of each Kubernetes platform used.
 */
export function diffReports(base: EstimateReport, head: EstimateReport, opts: DiffOptions = {}): CostDiff {
  const kubernetesPlatform = opts.kubernetesPlatform ?? DEFAULT_KUBERNETES_PLATFORM;
  const before = new Map(base.workloads.map((w) => [keyOf(w), w]));
  const after = new Map(head.workloads.map((w) => [keyOf(w), w]));
  const keys = [...new Set([...after.keys(), ...before.keys()])];
  const primaries = new Map<string, Platform>();
  const workloads = keys.map((key): WorkloadDiff => {
    const b = before.get(key);
    const a = after.get(key);
    const either = (a ?? b) as ReportWorkload;
    const primaryPlatform = primaryFor(either, kubernetesPlatform);
    primaries.set(key, primaryPlatform);
    const platformNames = [
      ...new Set([...(a?.estimates ?? []), ...(b?.estimates ?? [])].map((e) => e.platform)),
    ];
    const platforms = platformNames.map((platform) => ({
      platform,
      ...change(costOn(b, platform), costOn(a, platform)),
    }));
    const status = !b
      ? 'added'
      : !a
        ? 'removed'
        : platforms.some((p) => moved(p.beforeUSD, p.afterUSD))
          ? 'changed'
          : 'unchanged';
    return {
      kind: either.kind,
      name: either.name,
      namespace: either.namespace,
      file: either.source.file,
      status,
      primaryPlatform,
      platforms,
      ...change(costOn(b, primaryPlatform), costOn(a, primaryPlatform)),
    };
  });
  const baseSide = headlineSide(base, primaries);
  const headSide = headlineSide(head, primaries);
  const difference = headSide.usd - baseSide.usd;
  const kind: ChangeKind = difference >= EPSILON ? 'increase' : difference <= -EPSILON ? 'decrease' : 'none';
  const platformNames = [...new Set([...head.totals, ...base.totals].map((t) => t.platform))];
  const platforms = platformNames.map((platform): PlatformDiff => {
    const b = base.totals.find((t) => t.platform === platform);
    const a = head.totals.find((t) => t.platform === platform);
    return {
      platform,
      region: (a ?? b)?.region ?? '',
      unpriced: a?.unpriced ?? 0,
      ...change(b ? b.monthlyUSD : 0, a ? a.monthlyUSD : 0),
    };
  });
  return {
    headline: {
      kind,
      beforeUSD: baseSide.usd,
      afterUSD: headSide.usd,
      differenceUSD: difference,
      percent: baseSide.usd === 0 ? null : (difference / baseSide.usd) * 100,
      unpriced: headSide.unpriced,
    },
    kubernetesPlatform,
    workloads,
    platforms,
    cheapest: { before: base.cheapest, after: head.cheapest },
  };
}
