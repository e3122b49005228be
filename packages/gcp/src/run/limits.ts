/**
 * Cloud Run's documented limits, checked before anything is sent so that a bad value fails in one clear line:
 * - CPU: https://cloud.google.com/run/docs/configuring/services/cpu (fractional 0.08–1, or 1, 2, 4, 6, 8);
 * - memory: https://cloud.google.com/run/docs/configuring/services/memory-limits (128 MiB–32 GiB, with the CPU each
 *   size needs);
 * - concurrency: https://cloud.google.com/run/docs/configuring/concurrency (1–1000; 1 below one CPU);
 * - instances: https://cloud.google.com/run/docs/configuring/min-instances, …/max-instances;
 * - request timeout: https://cloud.google.com/run/docs/configuring/request-timeout (up to 60 minutes);
 * - jobs: https://cloud.google.com/run/docs/configuring/jobs/task-timeout (up to 168 hours), task count up to
 *   10 000, retries up to 10.
 */

const MIB = 2 ** 20;
const GIB = 2 ** 30;

/** The largest memory Cloud Run offers. */
export const MAX_MEMORY_BYTES = 32 * GIB;
/** The smallest memory Cloud Run offers. */
export const MIN_MEMORY_BYTES = 128 * MIB;
/** Whole CPU counts Cloud Run offers. */
export const WHOLE_CPUS = [1, 2, 4, 6, 8] as const;
/** The longest request timeout of a service, in seconds. */
export const MAX_SERVICE_TIMEOUT_SECONDS = 3600;
/** The longest task timeout of a job, in seconds. */
export const MAX_TASK_TIMEOUT_SECONDS = 168 * 3600;
/** The most tasks an execution may have. */
export const MAX_TASK_COUNT = 10_000;
/** The most retries of a failed task. */
export const MAX_TASK_RETRIES = 10;
/** The largest concurrency. */
export const MAX_CONCURRENCY = 1000;

/** CPU cores written as Cloud Run takes them (`1`, `2`, `0.5`, `500m`); `undefined` when not a quantity. */
export function parseCpu(text: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?|\.\d+)(m)?$/.exec(text.trim());
  if (!m) return undefined;
  const n = Number(m[1]);
  return m[2] ? n / 1000 : n;
}

/** Bytes of a memory quantity (`512Mi`, `1Gi`, `2G`, `1024M`); `undefined` when not a quantity. */
export function parseMemory(text: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?)(Ki|Mi|Gi|Ti|k|M|G|T)?$/.exec(text.trim());
  if (!m) return undefined;
  const unit: Record<string, number> = {
    Ki: 2 ** 10,
    Mi: MIB,
    Gi: GIB,
    Ti: 2 ** 40,
    k: 1e3,
    M: 1e6,
    G: 1e9,
    T: 1e12,
  };
  return Number(m[1]) * (m[2] === undefined ? 1 : unit[m[2]]!);
}

function gib(bytes: number): string {
  return bytes % GIB === 0 ? `${bytes / GIB}Gi` : `${Math.round(bytes / MIB)}Mi`;
}

/** Why `text` is not a CPU Cloud Run offers, or `undefined`. */
export function cpuProblem(text: string): string | undefined {
  const cpu = parseCpu(text);
  if (cpu === undefined)
    return `must be a number of CPUs such as 1, 2 or 0.5 (or 500m), got ${JSON.stringify(text)}`;
  if (cpu < 0.08) return `must be at least 0.08 CPU, got ${text}`;
  if (cpu > 1 && !(WHOLE_CPUS as readonly number[]).includes(cpu)) {
    return `Cloud Run offers 0.08 to 1 CPU, or 1, 2, 4, 6 or 8 CPUs, got ${text}`;
  }
  return undefined;
}

/** Why `text` is not a memory size Cloud Run offers, or `undefined`. */
export function memoryProblem(text: string): string | undefined {
  const bytes = parseMemory(text);
  if (bytes === undefined) return `must be a size such as 512Mi or 2Gi, got ${JSON.stringify(text)}`;
  if (bytes < MIN_MEMORY_BYTES || bytes > MAX_MEMORY_BYTES) {
    return `must be between 128Mi and 32Gi (Cloud Run's limits), got ${text}`;
  }
  return undefined;
}

/** The CPUs a memory size needs: more than 4 GiB needs 2, more than 8 GiB 4, 16 GiB 6, 24 GiB 8. */
export function cpuNeededFor(bytes: number): number {
  if (bytes > 24 * GIB) return 8;
  if (bytes > 16 * GIB) return 6;
  if (bytes > 8 * GIB) return 4;
  if (bytes > 4 * GIB) return 2;
  return 0;
}

/** The memory a CPU count needs at least: 4 CPUs need 2 GiB, 6 and 8 CPUs need 4 GiB. */
export function memoryNeededFor(cpu: number): number {
  if (cpu >= 6) return 4 * GIB;
  if (cpu >= 4) return 2 * GIB;
  return 0;
}

/**
 * Why a CPU and memory pair (each already valid on its own) does not go together on Cloud Run, or `undefined`.
 * `concurrency`, when known, is checked against fractional CPU too.
 */
export function resourcesProblem(
  cpuText: string,
  memoryText: string,
  concurrency?: number,
): string | undefined {
  const cpu = parseCpu(cpuText);
  const memory = parseMemory(memoryText);
  if (cpu === undefined || memory === undefined) return undefined;
  const needed = cpuNeededFor(memory);
  if (cpu < needed) return `memory ${memoryText} needs at least ${needed} CPUs, but cpu is ${cpuText}`;
  const least = memoryNeededFor(cpu);
  if (memory < least)
    return `${cpuText} CPUs need at least ${gib(least)} of memory, but memory is ${memoryText}`;
  if (cpu < 1 && memory > 512 * MIB)
    return `less than 1 CPU allows at most 512Mi of memory, but memory is ${memoryText}`;
  if (cpu < 1 && concurrency !== undefined && concurrency > 1) {
    return `less than 1 CPU requires a concurrency of 1, but concurrency is ${concurrency}`;
  }
  return undefined;
}

/** Why min/max instances do not go together, or `undefined`. */
export function instancesProblem(min: number | undefined, max: number | undefined): string | undefined {
  if (min !== undefined && max !== undefined && max > 0 && min > max) {
    return `min-instances (${min}) must not exceed max-instances (${max})`;
  }
  return undefined;
}
