import type { Catalog } from '../catalog/catalog-types.js';
import { cloudRunTier, price, unknownRegionError } from '../catalog/lookup.js';
import type { Estimate, Workload } from '../types.js';
import { cloudRunInstanceShape, type CloudRunShape } from './cloud-run-shape.js';
import { costPart, type CostPart, flat, formatQuantity, sumParts } from './cost-line.js';
import { newFreeTierPool, takeFromPool } from './free-tier.js';
import { estimateOf, type FreeTierPool, type PlatformOptions } from './platform-options.js';
import { rate, unconfirmedWarning } from './rates.js';
import { formatCount } from './usage-time.js';
import { GPU_WARNING, hasGpu, HOURS_PER_MONTH, MIB_PER_GIB, plural } from './workload-facts.js';

/** Seconds in the 730-hour month. */
export const SECONDS_PER_MONTH = HOURS_PER_MONTH * 3600;

/** Requests one instance serves at once when the spec does not say (Cloud Run's default; UNCONFIRMED). */
export const CLOUD_RUN_DEFAULT_CONCURRENCY = 80;

/** Usage inputs, when both are given. */
export function usageInputs(opts: PlatformOptions): { requests: number; seconds: number } | null {
  const requests = opts.usage?.requestsPerMonth;
  const seconds = opts.usage?.requestSeconds;
  if (requests === undefined || seconds === undefined) return null;
  return { requests, seconds };
}

/** The Cloud Run tier of a region, or the error that names the covered regions. */
export function tierOf(catalog: Catalog, region: string): string {
  const tier = cloudRunTier(catalog, region);
  if (tier === null) throw unknownRegionError(catalog, region, 'cloud-run');
  return tier;
}

/** A free-tier credit: the free amount of one allowance, valued at Tier 1 prices, as a negative cost part. */
function freeCredit(
  catalog: Catalog,
  pool: FreeTierPool,
  key: keyof FreeTierPool,
  used: number,
  tier1Item: string,
  unit: string,
  consume: boolean,
): CostPart | null {
  const free = consume ? takeFromPool(pool, key, used) : Math.min(pool[key], used);
  if (free <= 0) return null;
  const entry = price(catalog, 'cloud-run', 'tier1', tier1Item);
  const perUnit = (entry.usd ?? 0) / (unit === 'requests' ? 1_000_000 : 1);
  const usd = -free * perUnit;
  return {
    usd,
    line: `free tier: −${formatCount(free)} ${unit} at Tier 1 prices = −$${Math.abs(usd).toFixed(2)}`,
  };
}

interface Ctx {
  workload: Workload;
  region: string;
  catalog: Catalog;
  opts: PlatformOptions;
  shape: CloudRunShape;
  warnings: string[];
}

function instanceBased(ctx: Ctx): { monthly: number | null; max: number | null; lines: string[] } {
  const { workload, region, catalog, opts, shape, warnings } = ctx;
  const cpuRate = rate(catalog, 'cloud-run', region, 'instance-vcpu', opts);
  const memoryRate = rate(catalog, 'cloud-run', region, 'instance-gib', opts);
  if (cpuRate === null || memoryRate === null) {
    const missing = [
      cpuRate === null ? 'instance-vcpu' : null,
      memoryRate === null ? 'instance-gib' : null,
    ].filter((x) => x !== null);
    warnings.push(
      unconfirmedWarning(flat`Cloud Run instance-based (${tierOf(catalog, region)})`, region, missing),
    );
    return { monthly: null, max: null, lines: [] };
  }
  const gib = shape.memoryMiB / MIB_PER_GIB;
  const alwaysOn = Math.max(workload.replicas.min, workload.cloudRun?.minInstances ?? 0);
  const usage = usageInputs(opts);
  let seconds = alwaysOn * SECONDS_PER_MONTH;
  let label = flat`${HOURS_PER_MONTH} h × 3600 s × ${plural(alwaysOn, 'instance')}`;
  if (alwaysOn === 0) {
    if (usage) {
      const concurrency = workload.cloudRun?.concurrency ?? CLOUD_RUN_DEFAULT_CONCURRENCY;
      seconds = (usage.requests * usage.seconds) / concurrency;
      label = `${formatCount(usage.requests)} requests × ${formatQuantity(usage.seconds)} s ÷ ${concurrency} concurrent`;
    } else {
      warnings.push(
        'no always-on instances and no usage inputs: only always-on instances are priced (none); pass usage to price traffic',
      );
    }
  }
  const pool = opts.freeTier ? (opts.cloudRunFreeTier ?? newFreeTierPool(catalog)) : null;
  const partsFor = (instanceSeconds: number, timeLabel: string, consume: boolean): CostPart[] => {
    const parts = [
      costPart('vCPU', shape.vcpu, 'vCPU', cpuRate, 'vCPU-second', instanceSeconds, timeLabel),
      costPart('memory', gib, 'GiB', memoryRate, 'GiB-second', instanceSeconds, timeLabel),
    ];
    if (pool) {
      const credits = [
        freeCredit(
          catalog,
          pool,
          'instanceVcpuSeconds',
          shape.vcpu * instanceSeconds,
          'instance-vcpu',
          'vCPU-seconds',
          consume,
        ),
        freeCredit(
          catalog,
          pool,
          'instanceGibSeconds',
          gib * instanceSeconds,
          'instance-gib',
          'GiB-seconds',
          consume,
        ),
      ];
      for (const credit of credits) if (credit) parts.push(credit);
    }
    return parts;
  };
  // The peak is priced before the steady state consumes the shared free tier, so both see the same allowance.
  const { max } = workload.replicas;
  const maxParts =
    alwaysOn > 0 && max > alwaysOn
      ? partsFor(
          max * SECONDS_PER_MONTH,
          flat`${HOURS_PER_MONTH} h × 3600 s × ${plural(max, 'instance')}`,
          false,
        )
      : null;
  const parts = partsFor(seconds, label, true);
  return {
    monthly: sumParts(parts),
    max: maxParts ? sumParts(maxParts) : null,
    lines: parts.map((p) => p.line),
  };
}

function requestBased(ctx: Ctx): { monthly: number | null; lines: string[] } {
  const { workload, region, catalog, opts, shape, warnings } = ctx;
  const items = ['request-vcpu', 'request-gib', 'idle-vcpu', 'requests'];
  const rates = items.map((item) => rate(catalog, 'cloud-run', region, item, opts));
  const [cpuRate, memoryRate, idleRate, requestRate] = rates;
  if (cpuRate == null || memoryRate == null || idleRate == null || requestRate == null) {
    warnings.push(
      unconfirmedWarning(
        flat`Cloud Run request-based (${tierOf(catalog, region)})`,
        region,
        items.filter((_, i) => rates[i] === null),
      ),
    );
    return { monthly: null, lines: [] };
  }
  const gib = shape.memoryMiB / MIB_PER_GIB;
  const parts: CostPart[] = [];
  const idle = Math.max(workload.replicas.min, workload.cloudRun?.minInstances ?? 0);
  if (idle > 0) {
    const label = flat`${HOURS_PER_MONTH} h × 3600 s × ${plural(idle, 'idle min-instance')}`;
    parts.push(
      costPart('idle vCPU', shape.vcpu, 'vCPU', idleRate, 'vCPU-second', idle * SECONDS_PER_MONTH, label),
    );
    parts.push(
      costPart('idle memory', gib, 'GiB', memoryRate, 'GiB-second', idle * SECONDS_PER_MONTH, label),
    );
  }
  const usage = usageInputs(opts);
  if (!usage) {
    warnings.push(
      'request-based billing: traffic is priced only with usage inputs (requests a month, seconds per request); only idle min-instances are priced',
    );
    return { monthly: sumParts(parts), lines: parts.map((p) => p.line) };
  }
  let concurrency = workload.cloudRun?.concurrency ?? null;
  if (concurrency === null) {
    concurrency = CLOUD_RUN_DEFAULT_CONCURRENCY;
    warnings.push(
      `concurrency not stated: assumed ${CLOUD_RUN_DEFAULT_CONCURRENCY} requests per instance (Cloud Run's default, UNCONFIRMED)`,
    );
  }
  const active = (usage.requests * usage.seconds) / concurrency;
  const label = `${formatCount(usage.requests)} requests × ${formatQuantity(usage.seconds)} s ÷ ${concurrency} concurrent`;
  parts.push(costPart('vCPU', shape.vcpu, 'vCPU', cpuRate, 'vCPU-second', active, label));
  parts.push(costPart('memory', gib, 'GiB', memoryRate, 'GiB-second', active, label));
  parts.push(
    costPart('requests', usage.requests / 1_000_000, 'million requests', requestRate, 'million', 1, '1'),
  );
  if (opts.freeTier) {
    const pool = opts.cloudRunFreeTier ?? newFreeTierPool(catalog);
    const credits = [
      freeCredit(
        catalog,
        pool,
        'requestVcpuSeconds',
        shape.vcpu * active,
        'request-vcpu',
        'vCPU-seconds',
        true,
      ),
      freeCredit(catalog, pool, 'requestGibSeconds', gib * active, 'request-gib', 'GiB-seconds', true),
      freeCredit(catalog, pool, 'requests', usage.requests, 'requests', 'requests', true),
    ];
    for (const credit of credits) if (credit) parts.push(credit);
  }
  return { monthly: sumParts(parts), lines: parts.map((p) => p.line) };
}

/**
 * Cloud Run services. Request-based billing (the default): idle min-instances at the idle CPU rate plus the normal
 * memory rate for 730 h, and — only with usage inputs — active time = requests × seconds ÷ concurrency at the
 * request-based rates plus the per-request fee. Instance-based billing (`cpu-throttling: "false"`, and every
 * Kubernetes or ECS workload compared here): always-on instances (at least the min-instances) × 730 h × 3600 s ×
 * (vCPU × rate + GiB × rate). Prices follow the region's tier; the free tier only with `freeTier`, at Tier 1 prices.
 */
export function estimateOnCloudRun(
  workload: Workload,
  region: string,
  catalog: Catalog,
  opts: PlatformOptions,
): Estimate {
  tierOf(catalog, region);
  const shape = cloudRunInstanceShape(workload);
  const warnings = [...shape.warnings];
  const billed = { vcpu: shape.vcpu, memoryMiB: shape.memoryMiB };
  if (hasGpu(workload))
    return estimateOf('cloud-run', region, billed, null, null, shape.lines, [...warnings, GPU_WARNING]);
  if (shape.rejected)
    return estimateOf('cloud-run', region, billed, null, null, shape.lines, [...warnings, shape.rejected]);
  const native = workload.origin === 'cloud-run';
  const billing = native ? (workload.cloudRun?.billing ?? 'request') : 'instance';
  const lines = [
    ...shape.lines,
    native
      ? flat`billing: ${billing}-based (${tierOf(catalog, region)})`
      : flat`compared on Cloud Run: instance-based billing, each replica an always-on instance (${tierOf(catalog, region)})`,
  ];
  const ctx: Ctx = { workload, region, catalog, opts, shape, warnings };
  if (billing === 'instance') {
    const result = instanceBased(ctx);
    return estimateOf(
      'cloud-run',
      region,
      billed,
      result.monthly,
      result.max,
      [...lines, ...result.lines],
      warnings,
    );
  }
  const result = requestBased(ctx);
  return estimateOf('cloud-run', region, billed, result.monthly, null, [...lines, ...result.lines], warnings);
}
