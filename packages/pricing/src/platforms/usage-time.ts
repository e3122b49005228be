import type { Workload } from '../types.js';
import { flat, formatQuantity } from './cost-line.js';
import { HOURS_PER_MONTH, isBatch, plural } from './workload-facts.js';

/** How long a workload is billed in a month, at steady state and at peak, with the words that explain it. */
export interface BilledTime {
  hours: number;
  label: string;
  /** At `replicas.max`, when it differs from `replicas.min`; batch workloads have none. */
  max: { hours: number; label: string } | null;
}

/** "8,760" */
export function formatCount(value: number): string {
  // toLocaleString is slow and run counts repeat across workloads: format each distinct value once.
  let text = COUNTS.get(value);
  if (text === undefined) {
    text = Number(value.toFixed(2)).toLocaleString('en-US');
    if (COUNTS.size < 4096) COUNTS.set(value, text);
  }
  return text;
}

const COUNTS = new Map<number, string>();

/**
 * Billed hours a month. Long-running: 730 h per replica. Batch: runs × parallel pods × seconds per run, where each
 * run is billed for at least `minimumSeconds` (Fargate: 60 s) and `roundSeconds` rounds a run up (Cloud Run: 0.1 s).
 */
export function billedTime(
  workload: Workload,
  noun: string,
  minimumSeconds = 0,
  roundSeconds = 0,
): BilledTime {
  if (isBatch(workload) && workload.schedule) {
    const { runsPerMonth, durationSeconds, parallelism } = workload.schedule;
    let seconds = Math.max(durationSeconds, minimumSeconds);
    if (roundSeconds > 0) seconds = Math.ceil(seconds / roundSeconds - 1e-9) * roundSeconds;
    const hours = (runsPerMonth * parallelism * seconds) / 3600;
    const parallel = parallelism > 1 ? flat` × ${plural(parallelism, noun)}` : '';
    return {
      hours,
      label: flat`${formatCount(runsPerMonth)} runs${parallel} × ${formatQuantity(seconds)} s`,
      max: null,
    };
  }
  const { min, max } = workload.replicas;
  return {
    hours: HOURS_PER_MONTH * min,
    label: monthLabel(min, noun),
    max: max !== min ? { hours: HOURS_PER_MONTH * max, label: monthLabel(max, noun) } : null,
  };
}

/** "730 h × 2 pods": one string per count and noun, which cost lines are also looked up by. */
function monthLabel(count: number, noun: string): string {
  let byCount = MONTH_LABELS.get(noun);
  if (byCount === undefined) MONTH_LABELS.set(noun, (byCount = new Map()));
  let label = byCount.get(count);
  if (label === undefined) {
    label = `${HOURS_PER_MONTH} h × ${plural(count, noun)}`;
    if (byCount.size < 4096) byCount.set(count, label);
  }
  return label;
}

const MONTH_LABELS = new Map<string, Map<number, string>>();
