import type { Catalog } from '../catalog/catalog-types.js';
import { price } from '../catalog/lookup.js';
import type { Estimate, Workload } from '../types.js';
import { usageInputs } from './cloud-run.js';
import { costPart, type CostPart, flat, formatQuantity, formatSize, sumParts } from './cost-line.js';
import { estimateOf, type PlatformOptions } from './platform-options.js';
import { rate, unconfirmedWarning } from './rates.js';
import { formatCount } from './usage-time.js';
import { GPU_WARNING, hasGpu, HOURS_PER_MONTH, MIB_PER_GIB, plural } from './workload-facts.js';

/** The warning on every App Runner estimate. */
export const APP_RUNNER_LEGACY_WARNING =
  'App Runner is closed to new customers since 2026-04-30: legacy, existing accounts only (AWS points to ECS Express Mode)';

/** The smallest App Runner instance assumed (its fixed instance configurations are not modelled). */
export const APP_RUNNER_MINIMUM = { vcpu: 0.25, memoryMiB: 512 } as const;

/**
 * AWS App Runner (legacy): every provisioned instance (at least one, else `replicas.min`) pays its memory 24/7 at
 * the provisioned rate; while active it also pays vCPU at the active rate (active memory is charged only above the
 * provisioned memory, which a same-size instance never is). Without usage inputs every instance is assumed active
 * all month; with them, active hours = requests × seconds ÷ concurrency (the spec's, else 1: an upper bound),
 * capped at the instances' hours.
 */
export function estimateOnAppRunner(
  workload: Workload,
  region: string,
  catalog: Catalog,
  opts: PlatformOptions,
): Estimate {
  const size = {
    vcpu: Math.max(workload.perReplica.vcpu, APP_RUNNER_MINIMUM.vcpu),
    memoryMiB: Math.max(workload.perReplica.memoryMiB, APP_RUNNER_MINIMUM.memoryMiB),
  };
  const warnings = [APP_RUNNER_LEGACY_WARNING];
  const lines = [
    flat`instance size: ${formatSize(size, 'GB')} (App Runner's fixed instance configurations are not modelled)`,
  ];
  if (hasGpu(workload))
    return estimateOf('app-runner', region, size, null, null, lines, [...warnings, GPU_WARNING]);

  const memoryRate = rate(catalog, 'app-runner', region, 'provisioned-gb', opts);
  const cpuRate = rate(catalog, 'app-runner', region, 'active-vcpu', opts);
  if (memoryRate === null || cpuRate === null) {
    const missing = [
      memoryRate === null ? 'provisioned-gb' : null,
      cpuRate === null ? 'active-vcpu' : null,
    ].filter((x) => x !== null);
    const note = price(catalog, 'app-runner', region, missing[0] ?? 'active-vcpu').note;
    warnings.push(`${unconfirmedWarning('App Runner', region, missing)}${note ? ` (${note})` : ''}`);
    return estimateOf('app-runner', region, size, null, null, lines, warnings);
  }
  const gb = size.memoryMiB / MIB_PER_GIB;
  const usage = usageInputs(opts);
  const partsFor = (instances: number): CostPart[] => {
    const hours = HOURS_PER_MONTH * instances;
    const label = flat`${HOURS_PER_MONTH} h × ${plural(instances, 'instance')}`;
    const parts = [costPart('provisioned memory', gb, 'GB', memoryRate, 'GB-hour', hours, label)];
    if (usage) {
      const concurrency = workload.cloudRun?.concurrency ?? 1;
      const active = Math.min(hours, (usage.requests * usage.seconds) / concurrency / 3600);
      const activeLabel = `${formatQuantity(active)} active h (${formatCount(usage.requests)} requests × ${formatQuantity(usage.seconds)} s ÷ ${concurrency} concurrent)`;
      parts.push(costPart('active vCPU', size.vcpu, 'vCPU', cpuRate, 'vCPU-hour', active, activeLabel));
    } else {
      parts.push(
        costPart(
          'active vCPU',
          size.vcpu,
          'vCPU',
          cpuRate,
          'vCPU-hour',
          hours,
          flat`${label} (always active)`,
        ),
      );
    }
    return parts;
  };
  const instances = Math.max(1, workload.replicas.min);
  const parts = partsFor(instances);
  const max = Math.max(1, workload.replicas.max);
  return estimateOf(
    'app-runner',
    region,
    size,
    sumParts(parts),
    max !== instances && !usage ? sumParts(partsFor(max)) : null,
    [...lines, ...parts.map((p) => p.line)],
    warnings,
  );
}
