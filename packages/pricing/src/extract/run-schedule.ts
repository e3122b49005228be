/**
 * The usage assumption of a batch workload (Job, CronJob, Cloud Run job): runs a month, seconds a run, pods or
 * tasks at a time, and one sentence that says where each figure came from.
 *
 * `durationSeconds × parallelism` is the pod- (or task-) seconds of one run: when a Job needs more completions
 * than it runs at once, one run lasts `completions / parallelism` pod durations.
 */
import type { RunSchedule } from '../types.js';
import { parseDurationSeconds } from './duration.js';
import { formatNumber } from './format.js';
import { FieldError } from './source-doc.js';
import type { Obj, Path } from './source-doc.js';

/** Annotation with the duration of one run (of one pod or task): `90s`, `5m`, `1h30m`. */
export const RUN_DURATION_ANNOTATION = 'slipway.dev/run-duration';
/** Annotation with the runs a month of a Job or Cloud Run job (CronJobs take theirs from the schedule). */
export const RUNS_PER_MONTH_ANNOTATION = 'slipway.dev/runs-per-month';
/**
 * Seconds a run lasts when nothing says: one minute, which is also Fargate's minimum charge for a Linux task, so a
 * shorter run would cost the same there.
 */
export const DEFAULT_RUN_SECONDS = 60;
/** Runs a month of a Job or Cloud Run job when nothing says. */
export const DEFAULT_RUNS_PER_MONTH = 1;

/** Extraction options after validation; `null` = not given. */
export interface RunOptions {
  runDurationSeconds: number | null;
  runsPerMonth: number | null;
}

/** An `annotations` mapping and its path, searched in order: the first that has the annotation wins. */
export interface AnnotationSource {
  annotations: Obj | undefined;
  path: Path;
}

/** A figure and the reason for it, as the assumption sentence states it. */
export interface Sourced {
  value: number;
  why: string;
}

/**
 * Seconds one run (one pod or task) lasts: the `slipway.dev/run-duration` annotation, else the option, else 60 s.
 * @throws FieldError at the annotation when it is not a duration.
 */
export function readRunDuration(sources: readonly AnnotationSource[], options: RunOptions): Sourced {
  for (const { annotations, path } of sources) {
    const raw = annotations?.[RUN_DURATION_ANNOTATION];
    if (raw === undefined || raw === null) continue;
    try {
      const value = parseDurationSeconds(raw as string | number);
      return { value, why: `\`${RUN_DURATION_ANNOTATION}: ${String(raw)}\`` };
    } catch (error) {
      throw new FieldError([...path, RUN_DURATION_ANNOTATION], (error as Error).message);
    }
  }
  if (options.runDurationSeconds !== null)
    return { value: options.runDurationSeconds, why: 'the run-duration option' };
  return { value: DEFAULT_RUN_SECONDS, why: `default; set the \`${RUN_DURATION_ANNOTATION}\` annotation` };
}

/**
 * Runs a month of a Job or Cloud Run job: the `slipway.dev/runs-per-month` annotation, else the option, else 1.
 * @throws FieldError at the annotation when it is not a number ≥ 0.
 */
export function readRunsPerMonth(sources: readonly AnnotationSource[], options: RunOptions): Sourced {
  for (const { annotations, path } of sources) {
    const raw = annotations?.[RUNS_PER_MONTH_ANNOTATION];
    if (raw === undefined || raw === null) continue;
    const value =
      typeof raw === 'number' ? raw : typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : NaN;
    if (!Number.isFinite(value) || value < 0) {
      throw new FieldError(
        [...path, RUNS_PER_MONTH_ANNOTATION],
        `expected a number of runs ≥ 0, found \`${String(raw)}\``,
      );
    }
    return { value, why: `\`${RUNS_PER_MONTH_ANNOTATION}: ${String(raw)}\`` };
  }
  if (options.runsPerMonth !== null) return { value: options.runsPerMonth, why: 'the runs-per-month option' };
  return {
    value: DEFAULT_RUNS_PER_MONTH,
    why: `default; set the \`${RUNS_PER_MONTH_ANNOTATION}\` annotation`,
  };
}

/** What a schedule is made of. */
export interface ScheduleParts {
  /** Runs a month, and how the sentence introduces them (e.g. "schedule `@daily`: 30.42 runs a month (730 h)"). */
  runsPerMonth: number;
  runsText: string;
  /** One pod's (task's) duration. */
  duration: Sourced;
  /** Pods (tasks) one run needs in all, and at most at a time; noun for them ("completions", "tasks"). */
  completions: number;
  parallelism: number;
  unit: 'completions' | 'tasks';
}

/** The RunSchedule and its assumption sentence. */
export function buildSchedule(parts: ScheduleParts): RunSchedule {
  const { completions, parallelism, duration } = parts;
  const durationSeconds = (duration.value * completions) / parallelism;
  let assumption = `${parts.runsText}, ${formatNumber(duration.value)} s each (${duration.why})`;
  if (completions !== 1 || parallelism !== 1) {
    assumption += `; ${formatNumber(completions)} ${parts.unit}, ${formatNumber(parallelism)} at a time: ${formatNumber(durationSeconds)} s a run`;
  }
  return { runsPerMonth: parts.runsPerMonth, durationSeconds, assumption, parallelism };
}

/** "1 run a month", "30.42 runs a month". */
export function runsAMonth(runs: number): string {
  return `${formatNumber(runs)} run${runs === 1 ? '' : 's'} a month`;
}
